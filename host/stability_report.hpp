// The report of a stability study: the ICC of every feature grouped by feature class and by image type,
// as CSV tables, a Markdown summary and a PNG plot drawn by gnuplot (as host/ml/report draws its plots).
#pragma once

#include <string>
#include <vector>

#include "io/feature_store.hpp"

namespace radcore {

// ICC figures of one group of features (a feature class such as glcm, or an image type such as original).
struct icc_group_summary {
  std::string name;
  int features = 0;
  int with_icc = 0;      // features whose ICC is not NaN
  int at_threshold = 0;  // features whose ICC is at or above the threshold
  double median = 0;     // median ICC of the features with one; NaN when there are none
};

// Returns the groups of feature_names by `part` (0: image type, 1: feature class) of the key
// "<image type>_<class>_<feature>", in order of first appearance.
std::vector<icc_group_summary> summarise_icc_groups(const std::vector<std::string>& feature_names,
                                                    const std::vector<double>& icc, int part, double threshold);

// Writes report.md, icc_by_class.csv, icc_by_image_type.csv, icc_points.csv and icc_by_class.png into
// `folder` (created when missing). `icc` contains one value per feature for form `model`. Returns false when
// the PNG could not be drawn (gnuplot missing or failed); the tables and report are written anyway.
bool write_stability_report(const std::string& folder, const store_header& header, const std::vector<double>& icc,
                            const std::string& model, double threshold);

}  // namespace radcore
