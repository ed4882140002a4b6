// Cohort extraction: a manifest of cases in, one HDF5 feature store out, written as ROIs finish and
// resumable after a crash or a kill.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "host/settings.hpp"
#include "io/manifest.hpp"

namespace radcore {

// Label selection: the labels of each mask that become ROIs.
enum class label_mode {
  manifest,  // the row's Label column, else the `label` setting
  all,       // every non-zero label present in the mask
  listed,    // the labels in `label_request::labels`, for every row
};

struct label_request {
  label_mode mode = label_mode::manifest;
  std::vector<int> labels;  // for label_mode::listed, in the order given
};

// Parses the value of --labels: "all", or labels >= 1 separated by commas ("2,3,4"). Throws input_error.
label_request parse_label_request(const std::string& text);

// Returns the ROIs of one manifest row as labels, as `request` selects them. Returns {0} with `problem` set
// when the row has none (an unreadable mask, a mask without labels, a row problem of the manifest).
std::vector<int> roi_labels_of_row(const manifest_row& row, const label_request& request,
                                   const extraction_settings& settings, std::string& problem);

enum class progress_style {
  bar,    // one line redrawn in place, for a terminal
  lines,  // a plain log line every ten seconds, for files and pipes
};

struct cohort_options {
  std::string manifest_path;
  std::string store_path;
  extraction_parameters parameters;
  label_request labels;
  int jobs = 1;         // worker threads, each extracting one ROI at a time
  bool resume = false;  // continue an existing store written with the same settings
  bool force = false;   // replace an existing store
  std::string device = "cpu";  // the --device request: cpu, cuda or auto (CUDA when a device is usable)
  int gpu_index = 0;           // the CUDA device a run on the GPU uses (an MPI rank's local rank)
  progress_style progress = progress_style::lines;
};

struct cohort_failure {
  std::int64_t manifest_row = 0;  // 0-based data row
  int label = 0;
  std::string reason;
};

// Counts and failures of one run. ROIs already in a resumed store count in `resumed`, not in `done` or `failed`.
struct cohort_summary {
  std::int64_t done = 0;
  std::int64_t failed = 0;
  std::int64_t resumed = 0;
  double seconds = 0;
  std::vector<cohort_failure> failures;  // this run's failed ROIs, in manifest order
  std::string backend = "cpu";           // the backend the run extracted on
  // ROI images (one per image type and ROI) and wavelet boxes that the GPU failed on and the CPU computed.
  std::int64_t gpu_fallbacks = 0;
};

// Extracts every ROI of the manifest into the store at options.store_path, logging progress and a
// summary to `log`. A failed ROI is stored with its reason and the run goes on. Throws input_error when
// the run itself cannot proceed: an unreadable or empty manifest, an existing store without --resume or
// --force, a store written with other settings or another manifest, or a write to the store that fails.
cohort_summary run_cohort(const cohort_options& options, std::ostream& log);

}  // namespace radcore
