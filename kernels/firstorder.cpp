#include "kernels/firstorder.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/firstorder_roi.hpp"

namespace radcore {

// Method names get<Name>FeatureValue sorted as Python sorts strings, which puts
// MeanAbsoluteDeviation before Mean. Codes are those of the IBSI 1 intensity
// statistics family, except Entropy and Uniformity, which PyRadiomics computes
// on the discretised histogram (IBSI intensity histogram family).
const feature_info firstorder_feature_table[] = {
    {"10Percentile", false, "QG58"},
    {"90Percentile", false, "8DWT"},
    {"Energy", false, "N8CA"},
    {"Entropy", false, "TLU2"},
    {"InterquartileRange", false, "SALO"},
    {"Kurtosis", false, "IPH6"},  // PyRadiomics' value is IBSI's excess kurtosis + 3
    {"Maximum", false, "84IY"},
    {"MeanAbsoluteDeviation", false, "4FUA"},
    {"Mean", false, "Q4LE"},
    {"Median", false, "Y12H"},
    {"Minimum", false, "1GSF"},
    {"Range", false, "2OJQ"},
    {"RobustMeanAbsoluteDeviation", false, "1128"},
    {"RootMeanSquared", false, "5ZWQ"},
    {"Skewness", false, "KE2A"},
    {"StandardDeviation", true, ""},
    {"TotalEnergy", false, ""},
    {"Uniformity", false, "BJ5W"},
    {"Variance", false, "ECT3"},
};
const int firstorder_feature_count = int(sizeof(firstorder_feature_table) / sizeof(firstorder_feature_table[0]));

static_assert(sizeof(firstorder_feature_table) / sizeof(firstorder_feature_table[0]) == firstorder::feature_count,
              "firstorder::feature lists a column for every entry of firstorder_feature_table");

namespace {

// Intensities inside the mask in numpy's boolean-indexing order (z, y, x with x
// fastest).
std::vector<double> roi_values(const roi_batch &rois, int roi) {
  std::vector<double> values;
  for (std::int64_t i = rois.voxel_offset[roi]; i < rois.voxel_offset[roi + 1]; ++i) {
    if (rois.mask[std::size_t(i)]) values.push_back(rois.intensity[std::size_t(i)]);
  }
  return values;
}

// Number of ROI voxels in each grey level present, in ascending grey-level order.
std::vector<std::int64_t> grey_level_counts(const discrete_batch &discrete, int roi) {
  std::vector<std::int64_t> counts(std::size_t(discrete.levels(roi)), 0);
  const std::int32_t *levels = discrete.voxels(roi);
  const std::int64_t voxels = discrete.voxel_offset[roi + 1] - discrete.voxel_offset[roi];
  for (std::int64_t i = 0; i < voxels; ++i) {
    if (levels[i] > 0) ++counts[std::size_t(levels[i] - 1)];
  }
  return counts;
}

// Puts at their sorted positions the elements that the order statistics read (firstorder::order_statistic_ranks),
// by partial sorts (nth_element) in ascending rank order. The values there equal a full sort's, and
// each partial sort only scans the part above the previous rank.
void place_order_statistics(std::vector<double> &values) {
  std::int64_t ranks[firstorder::order_statistic_rank_count];
  const int count = firstorder::order_statistic_ranks(std::int64_t(values.size()), ranks);
  std::sort(ranks, ranks + count);
  const std::int64_t *end = std::unique(ranks, ranks + count);
  auto first = values.begin();
  for (const std::int64_t *rank = ranks; rank != end; ++rank) {
    std::nth_element(first, values.begin() + *rank, values.end());
    first = values.begin() + *rank + 1;
  }
}

void compute_roi(const roi_batch &rois, const discrete_batch &discrete, int roi, double voxel_array_shift,
                 feature_block &out) {
  const std::vector<double> values = roi_values(rois, roi);
  if (values.empty()) throw roi_error("first-order features: ROI " + std::to_string(roi) + " has no voxels");
  std::vector<double> ordered = values;
  place_order_statistics(ordered);
  const std::vector<std::int64_t> counts = grey_level_counts(discrete, roi);

  const auto &spacing = rois.spacing[std::size_t(roi)];
  firstorder::roi_input<std::int64_t> input;
  input.values = values.data();
  input.sorted = ordered.data();
  input.count = std::int64_t(values.size());
  input.voxel_volume = spacing[0] * spacing[1] * spacing[2];
  input.voxel_array_shift = voxel_array_shift;
  input.level_counts = counts.data();
  input.levels = std::int64_t(counts.size());
  firstorder::compute_roi_features(input, &out.at(roi, 0));
}

}  // namespace

feature_block compute_firstorder_features(const roi_batch &rois, const discrete_batch &discrete,
                                          double voxel_array_shift) {
  if (discrete.rois() != rois.rois()) {
    throw input_error("first-order features: the discretised batch has " + std::to_string(discrete.rois()) +
                      " ROIs but the intensity batch has " + std::to_string(rois.rois()));
  }
  feature_block out(rois.rois(), firstorder_feature_count);
  for (int roi = 0; roi < rois.rois(); ++roi) {
    compute_roi(rois, discrete, roi, voxel_array_shift, out);
  }
  return out;
}

}  // namespace radcore
