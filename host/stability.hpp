// Feature stability studies. Every ROI of a manifest is decoded once and extracted under many seeded
// perturbations, and all perturbed extractions go into one HDF5 store with a per-feature ICC table.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "host/cohort.hpp"
#include "host/icc.hpp"
#include "host/perturbation.hpp"
#include "host/settings.hpp"
#include "io/feature_store.hpp"

namespace radcore {

struct stability_options {
  std::string manifest_path;
  std::string store_path;
  extraction_parameters parameters;
  label_request labels;
  perturbation_settings perturbation;
  int repeats = 0;  // perturbed extractions per ROI, 2 or more
  int jobs = 1;     // threads extracting the repeats of one ROI at the same time
  bool force = false;
  std::string device = "cpu";  // the --device request as given, stored as provenance
};

struct stability_summary {
  std::int64_t rois = 0;
  std::int64_t rois_without_icc = 0;  // ROIs left out of the ICC table because a load or repeat failed
  std::int64_t extractions_done = 0;
  std::int64_t extractions_failed = 0;
  int icc_subjects = 0;
  double seconds = 0;          // the whole run
  double decode_seconds = 0;   // reading and preprocessing, once per ROI
  double extract_seconds = 0;  // perturbing and extracting, summed over threads
};

// The ICC forms a stability store holds, in its `icc/models` order; ICC(1,1) is the default because
// perturbation studies score the perturbed copies of each ROI as exchangeable measurements.
const std::vector<std::string>& stability_icc_models();

// Counts of features whose ICC is NaN, by reason, for messages.
struct icc_nan_counts {
  int constant = 0;    // one value in every ROI and repeat (0 / 0)
  int non_finite = 0;  // a NaN or infinite feature value in some ROI or repeat
};

// Computes every form of stability_icc_models() per feature, over the ROIs (rows with equal manifest row
// and label) whose repeats 1..`repeats` are all done. A feature that does not vary within any ROI but
// differs between ROIs gets ICC 1 with the interval [1, 1], the limit of the F-based bounds as F grows.
store_icc_table compute_icc_table(const std::vector<store_row>& rows, std::size_t features, int repeats,
                                  icc_nan_counts* nan_counts = nullptr);

// Runs the study and writes the store at options.store_path. A failed ROI or repeat is stored as a failed
// row and the run goes on, but that ROI is left out of the ICC table. Throws input_error for invalid
// options, an unreadable manifest, fewer than 2 ROIs, an existing store without `force`, or when fewer than
// 2 ROIs are complete at the end (the rows are stored then, without an ICC table).
stability_summary run_stability(const stability_options& options, std::ostream& log);

// Returns the column of `model` ("1,1", "2,1" or "3,1") in a store's ICC table. Throws input_error naming
// `path` when the store has no ICC table or not that form.
std::size_t icc_model_column(const store_header& header, const std::string& model, const std::string& path);

}  // namespace radcore
