// The HDF5 feature store of a cohort run: one file with a features matrix, its column names, a row table
// and provenance attributes. docs/hdf5-layout.md describes the layout and why a killed run leaves a
// readable file.
#pragma once

#include <cstdint>
#include <memory>
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
