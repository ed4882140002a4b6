// Every first-order feature of one ROI, computed by the one function that the CPU backend
// (kernels/firstorder.cpp) and the CUDA kernel (kernels/cuda/firstorder_kernels.cu) both call. Sums run in
// numpy's pairwise order over terms computed on the fly, so nothing is allocated and the values equal
// PyRadiomics 3.1.0's (radiomics/firstorder.py) to the last bit where the C library's functions agree.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kernels/firstorder_formulas.hpp"
#include "kernels/hd.hpp"
#include "kernels/pairwise_sum.hpp"

namespace radcore {
namespace firstorder {

// Column order of firstorder_feature_table (PyRadiomics' method names sorted as Python sorts strings).
enum feature : int {
  p10,
  p90,
  energy,
  entropy,
  interquartile_range,
  kurtosis,
  maximum,
  mean_absolute_deviation,
  mean,
  median,
  minimum,
  range,
  robust_mean_absolute_deviation,
  root_mean_squared,
  skewness,
  standard_deviation,
  total_energy,
  uniformity,
  variance,
  feature_count,
};

// One ROI's inputs. `sorted` contains the same `count` values as `values`. At least the ranks that
// order_statistic_ranks lists must be at their ascending-sort positions, so a full ascending sort or
// place_order_statistics in firstorder.cpp will do. `level_counts` contains the voxel count of each
// compact grey level 1..levels of the discretised ROI. Count is any integer type.
template <class Count>
struct roi_input {
  const double* values = nullptr;  // intensities inside the mask, in numpy's order (z, y, x with x fastest)
  const double* sorted = nullptr;
  std::int64_t count = 0;
  double voxel_volume = 0.0;  // spacing x * y * z in mm³, multiplied in that order as numpy.multiply.reduce
  double voxel_array_shift = 0.0;  // PyRadiomics' voxelArrayShift
  const Count* level_counts = nullptr;
  std::int64_t levels = 0;
};

// Number of ranks order_statistic_ranks writes at most.
constexpr int order_statistic_rank_count = 12;

// Writes the ranks of the sorted values that the order statistics read and returns how many it wrote, some
// of them repeated. They are the minimum, the maximum, the median's one or two, and the two neighbours that
// numpy_linear_percentile reads around the virtual index of each of the 10th, 25th, 75th and 90th percentiles.
RADCORE_HD inline int order_statistic_ranks(std::int64_t n, std::int64_t* ranks) {
  int count = 0;
  ranks[count++] = 0;
  ranks[count++] = n - 1;
  ranks[count++] = n / 2;
  ranks[count++] = n / 2 - 1 > 0 ? n / 2 - 1 : 0;
  const double percents[4] = {10.0, 25.0, 75.0, 90.0};
  for (double q : percents) {
    const std::int64_t below = std::int64_t(std::floor(double(n - 1) * (q / 100.0)));
    ranks[count++] = below < n - 1 ? below : n - 1;
    ranks[count++] = below + 1 < n - 1 ? below + 1 : n - 1;
  }
  return count;
}

namespace detail {

// Percentiles, median, minimum, maximum and range from the sorted values.
RADCORE_HD inline void order_statistics(const double* sorted, std::int64_t n, double* out) {
  out[p10] = numpy_linear_percentile(sorted, n, 10.0);
  out[p90] = numpy_linear_percentile(sorted, n, 90.0);
  out[interquartile_range] = numpy_linear_percentile(sorted, n, 75.0) - numpy_linear_percentile(sorted, n, 25.0);
  out[median] = numpy_median(sorted, n);
  out[minimum] = sorted[0];
  out[maximum] = sorted[n - 1];
  out[range] = sorted[n - 1] - sorted[0];
}

// numpy.mean of term(0), ..., term(n - 1): the pairwise sum divided by the count.
template <class Term>
RADCORE_HD double numpy_mean_of(const Term& term, std::int64_t n) {
  return pairwise_sum_of<double>(term, std::size_t(n)) / double(n);
}

// Energy = sum((x + c)²), TotalEnergy = Energy * voxel volume, RootMeanSquared = sqrt(Energy / N).
template <class Count>
RADCORE_HD void energy_features(const roi_input<Count>& roi, double* out) {
  const double* values = roi.values;
  const double shift = roi.voxel_array_shift;
  const auto shifted_square = [values, shift](std::size_t i) {
    const double shifted = values[i] + shift;
    return shifted * shifted;
  };
  const double sum = pairwise_sum_of<double>(shifted_square, std::size_t(roi.count));
  out[energy] = sum;
  out[total_energy] = sum * roi.voxel_volume;
  out[root_mean_squared] = std::sqrt(sum / double(roi.count));
}

// Central moment m_k = nanmean((x - mean)^k) as firstorder.py _moment computes it. numpy.power evaluates the
// power with the C library's pow, except that x² is an exact square in both.
RADCORE_HD inline double central_moment(const double* values, std::int64_t n, double mean, int order) {
  const auto power = [values, mean, order](std::size_t i) {
    const double deviation = values[i] - mean;
    return order == 2 ? deviation * deviation : std::pow(deviation, double(order));
  };
  return numpy_mean_of(power, n);
}

// Robust MAD on the closed range [p10, p90]. PyRadiomics sets the voxels outside it to NaN and takes
// nanmean, which sums zeros in their place over the full array, so the terms here are 0.0 there too.
RADCORE_HD inline double robust_mean_absolute_deviation_of(const double* values, std::int64_t n, double low,
                                                           double high) {
  std::int64_t kept_count = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    if (values[i] >= low && values[i] <= high) ++kept_count;
  }
  const auto kept_value = [values, low, high](std::size_t i) {
    return values[i] >= low && values[i] <= high ? values[i] : 0.0;
  };
  const double kept_mean = pairwise_sum_of<double>(kept_value, std::size_t(n)) / double(kept_count);
  const auto kept_deviation = [values, low, high, kept_mean](std::size_t i) {
    return values[i] >= low && values[i] <= high ? std::fabs(values[i] - kept_mean) : 0.0;
  };
  return pairwise_sum_of<double>(kept_deviation, std::size_t(n)) / double(kept_count);
}

// Mean, both mean absolute deviations, standard deviation, variance, skewness and kurtosis. Needs p10 and
// p90 in `out` already.
RADCORE_HD inline void moment_features(const double* values, std::int64_t n, double* out) {
  const double average = numpy_mean_of([values](std::size_t i) { return values[i]; }, n);
  const auto absolute_deviation = [values, average](std::size_t i) { return std::fabs(values[i] - average); };
  out[mean] = average;
  out[mean_absolute_deviation] = numpy_mean_of(absolute_deviation, n);
  out[robust_mean_absolute_deviation] = robust_mean_absolute_deviation_of(values, n, out[p10], out[p90]);

  // Variance = numpy.nanstd(x) ** 2: the square root is taken first and squared again, as numpy does.
  const double m2 = central_moment(values, n, average, 2);
  const double deviation = std::sqrt(m2);
  out[standard_deviation] = deviation;
  out[variance] = deviation * deviation;
  out[skewness] = skewness_from_moments(m2, central_moment(values, n, average, 3));
  out[kurtosis] = kurtosis_from_moments(m2, central_moment(values, n, average, 4));
}

// Entropy and Uniformity of the grey-level fractions p_k = count_k / total, in ascending grey-level order
// (numpy.unique counts).
template <class Count>
RADCORE_HD void histogram_features(const Count* counts, std::int64_t levels, double* out) {
  std::int64_t total = 0;
  for (std::int64_t k = 0; k < levels; ++k) total += std::int64_t(counts[k]);
  const double voxels = double(total);
  const auto entropy_term_of = [counts, voxels](std::size_t k) { return entropy_term(double(counts[k]) / voxels); };
  const auto squared_fraction = [counts, voxels](std::size_t k) {
    const double p = double(counts[k]) / voxels;
    return p * p;
  };
  out[entropy] = -1.0 * pairwise_sum_of<double>(entropy_term_of, std::size_t(levels));
  out[uniformity] = pairwise_sum_of<double>(squared_fraction, std::size_t(levels));
}

}  // namespace detail

// Writes the feature_count first-order features of one ROI to out[0 .. feature_count), in column order.
// roi.count must be at least 1.
template <class Count>
RADCORE_HD void compute_roi_features(const roi_input<Count>& roi, double* out) {
  detail::order_statistics(roi.sorted, roi.count, out);
  detail::energy_features(roi, out);
  detail::moment_features(roi.values, roi.count, out);
  detail::histogram_features(roi.level_counts, roi.levels, out);
}

}  // namespace firstorder
}  // namespace radcore
