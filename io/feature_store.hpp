// The HDF5 feature store of a cohort run: one file with a features matrix, its column names, a row table
// and provenance attributes. docs/hdf5-layout.md describes the layout and why a killed run leaves a
// readable file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace radcore {

// Version of the layout in docs/hdf5-layout.md, stored as the root attribute `layout_version`.
constexpr int feature_store_layout_version = 1;

// Longest error message kept per row, in bytes; longer messages are cut and end in this marker.
constexpr std::size_t feature_store_error_width = 512;
constexpr const char* feature_store_truncation_marker = " [truncated]";

// Status of one stored row. `incomplete` is the fill value: a row whose data was not fully written
// before the writer stopped reads as incomplete, and readers skip it.
enum class row_status : std::int8_t { incomplete = 0, done = 1, failed = 2 };

// Widths of the perturbation columns of a stability store, in bytes.
constexpr std::size_t feature_store_perturbation_width = 64;
constexpr std::size_t feature_store_parameters_width = 512;

// A stability store's per-feature ICC table, stored under the group `icc`. Matrices are features x
// models, row-major, with features in the store's feature_names order.
struct store_icc_table {
  std::vector<std::string> models;  // Shrout and Fleiss forms, such as "1,1"
  std::vector<double> icc;
  std::vector<double> ci_low;
  std::vector<double> ci_high;
  std::vector<std::int32_t> subjects;  // per feature: ROIs in the table
  std::vector<std::int32_t> repeats;   // per feature: perturbed extractions per ROI
};

// File-level facts, stored as attributes and small datasets.
struct store_header {
  std::vector<std::string> metadata_columns;  // the manifest's columns, in manifest order
  std::vector<std::string> feature_names;     // column names of the features matrix
  std::string settings_text;                  // canonical parameter text of the run
  std::string settings_sha1;                  // SHA-1 of settings_text
  std::string radcore_version;
  std::string git_revision;
  std::string backend;  // e.g. cpu
  std::string device;   // the --device request, e.g. auto
  // Widths of the fixed-length string datasets in bytes, chosen by the writer when it creates the file.
  std::size_t metadata_width = 1;
  // Stability stores only: the perturbation configuration as one line of text (root attribute
  // `stability`). When it is set, rows carry rows/repeat, rows/perturbation and rows/perturbation_parameters.
  std::string stability_text;
  std::optional<store_icc_table> icc;  // written when the store is created; stability stores only
};

// One ROI's row. A failed row has an error message and no feature values.
struct store_row {
  std::int64_t manifest_row = 0;       // 0-based data row of the manifest
  std::vector<std::string> metadata;  // one value per metadata column
  int label = 0;
  row_status status = row_status::incomplete;
  std::string error;
  double seconds = 0;  // wall time of the ROI's extraction
  std::string backend;
  std::vector<double> features;  // one value per feature name, empty for a failed row
  // Stability stores only: the perturbed extraction's repeat number (from 1), its chain such as
  // "noise,rotation,volume", and its drawn parameters as "name=value" pairs separated by ';'.
  int repeat = 0;
  std::string perturbation;
  std::string perturbation_parameters;
};

// A whole store as read back: the header and the committed rows in stored order.
struct store_contents {
  store_header header;
  std::vector<store_row> rows;
  std::int64_t incomplete_rows = 0;  // rows a stopped writer left partly written; not in `rows`
};

// Returns `message` cut to at most `width` bytes on a UTF-8 character boundary, ending in the
// truncation marker when it was cut.
std::string truncate_message(const std::string& message, std::size_t width);

// Appends rows to a store in HDF5's single-writer/multiple-reader (SWMR) mode. Every dataset exists
// before SWMR writing starts, and each append extends them, writes the rows, then their status, with an
// HDF5 flush and an fsync after each step. Not thread-safe: one writer thread owns it.
class feature_store_writer {
 public:
  // Writes `header` and `initial_rows` into `path`.partial, starts SWMR writing and renames the file to
  // `path`, replacing any file there in one step. Throws input_error naming the path when HDF5 fails.
  static std::unique_ptr<feature_store_writer> create(const std::string& path, const store_header& header,
                                                      const std::vector<store_row>& initial_rows);
  ~feature_store_writer();
  feature_store_writer(const feature_store_writer&) = delete;
  feature_store_writer& operator=(const feature_store_writer&) = delete;

  // Appends `rows` (each with header.feature_names.size() values when done) and makes them durable.
  void append(const std::vector<store_row>& rows);
  std::int64_t row_count() const;
  // Closes the file, which clears HDF5's "open for writing" status flag.
  void close();

  class impl;

 private:
  explicit feature_store_writer(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

// Reads a store, written or being written, in SWMR-read mode (a file closed normally reads too).
// Throws input_error naming the path for a missing file, a file that is not a radcore store, or a
// layout version this build does not read.
store_contents read_store(const std::string& path);

}  // namespace radcore
