#include "kernels/firstorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/firstorder_formulas.hpp"
#include "kernels/pairwise_sum.hpp"

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

namespace {

enum firstorder_column : int {
  p10_column,
  p90_column,
  energy_column,
  entropy_column,
  interquartile_range_column,
  kurtosis_column,
  maximum_column,
  mean_absolute_deviation_column,
  mean_column,
  median_column,
  minimum_column,
  range_column,
  robust_mean_absolute_deviation_column,
  root_mean_squared_column,
  skewness_column,
  standard_deviation_column,
  total_energy_column,
  uniformity_column,
  variance_column,
};

// Intensities inside the mask in numpy's boolean-indexing order (z, y, x with x
// fastest).
std::vector<double> roi_values(const roi_batch &rois, int roi) {
  std::vector<double> values;
  for (std::int64_t i = rois.voxel_offset[roi]; i < rois.voxel_offset[roi + 1]; ++i) {
    if (rois.mask[std::size_t(i)]) values.push_back(rois.intensity[std::size_t(i)]);
  }
  return values;
}

// numpy.mean over a contiguous array: pairwise sum divided by the count.
double numpy_mean(const std::vector<double> &values) {
  return pairwise_sum(values.data(), values.size()) / double(values.size());
}

// Central moment m_k = nanmean((x - mean)^k) as firstorder.py _moment computes
// it. numpy.power evaluates the power with the C library's pow, except that x^2
// is an exact square in both.
double central_moment(const std::vector<double> &values, double mean, int order) {
  std::vector<double> powers(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double deviation = values[i] - mean;
    powers[i] = order == 2 ? deviation * deviation : std::pow(deviation, double(order));
  }
  return numpy_mean(powers);
}

// Mean absolute deviation from the mean (numpy.nanmean(numpy.absolute(x -
// mean))).
double mean_absolute_deviation(const std::vector<double> &values, double mean) {
  std::vector<double> deviations(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) deviations[i] = std::fabs(values[i] - mean);
  return numpy_mean(deviations);
}

// Robust MAD on the closed range [p10, p90]. PyRadiomics sets the voxels
// outside it to NaN and takes nanmean, which sums zeros in their place over the
// full array, and the pairwise sums below do the same.
double robust_mean_absolute_deviation(const std::vector<double> &values, double p10, double p90) {
  std::vector<double> kept(values.size(), 0.0);
  std::int64_t count = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] >= p10 && values[i] <= p90) {
      kept[i] = values[i];
      ++count;
    }
  }
  const double mean = pairwise_sum(kept.data(), kept.size()) / double(count);
  std::vector<double> deviations(values.size(), 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] >= p10 && values[i] <= p90) deviations[i] = std::fabs(values[i] - mean);
  }
  return pairwise_sum(deviations.data(), deviations.size()) / double(count);
}

// Fraction of ROI voxels in each grey level present, in ascending grey-level
// order (numpy.unique counts).
std::vector<double> grey_level_fractions(const discrete_batch &discrete, int roi) {
  std::vector<std::int64_t> counts(std::size_t(discrete.levels(roi)), 0);
  const std::int32_t *levels = discrete.voxels(roi);
  const std::int64_t voxels = discrete.voxel_offset[roi + 1] - discrete.voxel_offset[roi];
  std::int64_t total = 0;
  for (std::int64_t i = 0; i < voxels; ++i) {
    if (levels[i] > 0) {
      ++counts[std::size_t(levels[i] - 1)];
      ++total;
    }
  }
  std::vector<double> fractions(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) fractions[k] = double(counts[k]) / double(total);
  return fractions;
}

void compute_histogram_features(const discrete_batch &discrete, int roi, feature_block &out) {
  const std::vector<double> p = grey_level_fractions(discrete, roi);
  std::vector<double> terms(p.size());
  for (std::size_t k = 0; k < p.size(); ++k) terms[k] = entropy_term(p[k]);
  out.at(roi, entropy_column) = -1.0 * pairwise_sum(terms.data(), terms.size());
  for (std::size_t k = 0; k < p.size(); ++k) terms[k] = p[k] * p[k];
  out.at(roi, uniformity_column) = pairwise_sum(terms.data(), terms.size());
}

// Puts at their sorted positions the elements that the percentiles, the median, the minimum and the maximum
// read, by partial sorts (nth_element) in ascending rank order. The values there equal a full sort's, and
// each partial sort only scans the part above the previous rank.
void place_order_statistics(std::vector<double> &values) {
  const std::int64_t n = std::int64_t(values.size());
  std::vector<std::int64_t> ranks{0, n - 1, n / 2, std::max<std::int64_t>(n / 2 - 1, 0)};
  for (double q : {10.0, 25.0, 75.0, 90.0}) {
    // The two neighbours numpy_linear_percentile reads around its virtual index.
    const std::int64_t below = std::int64_t(std::floor(double(n - 1) * (q / 100.0)));
    ranks.push_back(std::min(below, n - 1));
    ranks.push_back(std::min(below + 1, n - 1));
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  auto first = values.begin();
  for (const std::int64_t rank : ranks) {
    std::nth_element(first, values.begin() + rank, values.end());
    first = values.begin() + rank + 1;
  }
}

void compute_roi(const roi_batch &rois, int roi, double voxel_array_shift, feature_block &out) {
  const std::vector<double> values = roi_values(rois, roi);
  if (values.empty()) throw roi_error("first-order features: ROI " + std::to_string(roi) + " has no voxels");
  const std::int64_t n = std::int64_t(values.size());

  std::vector<double> ordered = values;
  place_order_statistics(ordered);
  const double p10 = numpy_linear_percentile(ordered.data(), n, 10.0);
  const double p90 = numpy_linear_percentile(ordered.data(), n, 90.0);
  out.at(roi, p10_column) = p10;
  out.at(roi, p90_column) = p90;
  out.at(roi, interquartile_range_column) =
      numpy_linear_percentile(ordered.data(), n, 75.0) - numpy_linear_percentile(ordered.data(), n, 25.0);
  out.at(roi, median_column) = numpy_median(ordered.data(), n);
  out.at(roi, minimum_column) = ordered.front();
  out.at(roi, maximum_column) = ordered.back();
  out.at(roi, range_column) = ordered.back() - ordered.front();

  // Energy = sum((x + c)^2), TotalEnergy = Energy * voxel volume
  // (numpy.multiply.reduce of the (x, y, z) spacing), RootMeanSquared =
  // sqrt(Energy / N).
  std::vector<double> shifted_squares(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double shifted = values[i] + voxel_array_shift;
    shifted_squares[i] = shifted * shifted;
  }
  const double energy = pairwise_sum(shifted_squares.data(), shifted_squares.size());
  const auto &spacing = rois.spacing[std::size_t(roi)];
  out.at(roi, energy_column) = energy;
  out.at(roi, total_energy_column) = energy * (spacing[0] * spacing[1] * spacing[2]);
  out.at(roi, root_mean_squared_column) = std::sqrt(energy / double(n));

  const double mean = numpy_mean(values);
  out.at(roi, mean_column) = mean;
  out.at(roi, mean_absolute_deviation_column) = mean_absolute_deviation(values, mean);
  out.at(roi, robust_mean_absolute_deviation_column) = robust_mean_absolute_deviation(values, p10, p90);

  // Variance = numpy.nanstd(x) ** 2: the square root is taken first and squared
  // again, as numpy does.
  const double m2 = central_moment(values, mean, 2);
  const double standard_deviation = std::sqrt(m2);
  out.at(roi, standard_deviation_column) = standard_deviation;
  out.at(roi, variance_column) = standard_deviation * standard_deviation;
  out.at(roi, skewness_column) = skewness_from_moments(m2, central_moment(values, mean, 3));
  out.at(roi, kurtosis_column) = kurtosis_from_moments(m2, central_moment(values, mean, 4));
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
    compute_roi(rois, roi, voxel_array_shift, out);
    compute_histogram_features(discrete, roi, out);
  }
  return out;
}

}  // namespace radcore
