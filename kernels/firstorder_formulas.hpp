// First-order formulas shared by the CPU backend and the CUDA kernels. Each
// follows the numpy call that PyRadiomics 3.1.0 (radiomics/firstorder.py)
// makes, down to the order of floating-point operations.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"

namespace radcore {

// numpy.spacing(1), the eps PyRadiomics adds inside log2 for Entropy.
inline constexpr double firstorder_entropy_eps = 2.220446049250313e-16;

// Percentile q (in percent) of `sorted` (n ascending values), as
// numpy.percentile's default 'linear' method computes it since numpy 1.22:
// virtual index (n - 1) * (q / 100), then _lerp, which evaluates b - (b - a) *
// (1 - t) when t >= 0.5 and a + (b - a) * t otherwise.
RADCORE_HD inline double numpy_linear_percentile(const double *sorted, std::int64_t n, double q) {
  const double fraction = q / 100.0;
  const double virtual_index = double(n - 1) * fraction;
  if (virtual_index >= double(n - 1)) return sorted[n - 1];
  if (virtual_index < 0.0) return sorted[0];
  const double below = std::floor(virtual_index);
  const std::int64_t i = std::int64_t(below);
  const double t = virtual_index - below;
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double difference = b - a;
  return t >= 0.5 ? b - difference * (1.0 - t) : a + difference * t;
}

// numpy.median: the middle value, or the mean (a + b) / 2 of the two middle
// values for even n.
RADCORE_HD inline double numpy_median(const double *sorted, std::int64_t n) {
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

// Skewness m3 / m2^1.5 (firstorder.py getSkewnessFeatureValue). PyRadiomics
// replaces m2 = 0 by 1 before it tests `m2 == 0` again to zero m3, so that
// second step never fires. A flat ROI returns m3 / 1, which is 0 whenever every
// deviation from the mean is exactly 0.
RADCORE_HD inline double skewness_from_moments(double m2, double m3) {
  if (m2 == 0.0) m2 = 1.0;
  return m3 / std::pow(m2, 1.5);
}

// Kurtosis m4 / m2^2, not the excess kurtosis IBSI defines (IBSI's value is 3
// lower). numpy squares `m2 ** 2.0` by multiplication. The flat-ROI handling is
// that of skewness_from_moments.
RADCORE_HD inline double kurtosis_from_moments(double m2, double m4) {
  if (m2 == 0.0) m2 = 1.0;
  return m4 / (m2 * m2);
}

// One term p * log2(p + eps) of Entropy = -sum(p_i * log2(p_i + eps)) over the
// grey levels present.
RADCORE_HD inline double entropy_term(double p) { return p * std::log2(p + firstorder_entropy_eps); }

}  // namespace radcore
