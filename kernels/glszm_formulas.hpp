// GLSZM feature formulas of PyRadiomics 3.1.0 (radiomics/glszm.py), for the CPU backend and CUDA kernels.
// The sums over a (grey level x size) count matrix are shared with the GLDM, whose features are the same
// formulas over a (grey level x dependence) matrix.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"

namespace radcore {

// numpy.spacing(1), which PyRadiomics adds inside every log2.
constexpr double zone_matrix_log_epsilon = 2.220446049250313e-16;

// A count matrix in PyRadiomics' layout, with marginals computed by zone_matrix_marginals.
// counts[r * columns + c] is P(i, j) for i = row_value[r] (a bin number) and j = column_value[c].
struct zone_matrix_view {
  const double* counts = nullptr;
  const double* row_value = nullptr;
  const double* column_value = nullptr;
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  const double* row_sum = nullptr;     // pg: sum over columns of each row
  const double* column_sum = nullptr;  // ps (GLSZM) or pd (GLDM): sum over rows of each column
};

// Sums PyRadiomics' GLSZM and GLDM features share, each already divided by Nz as PyRadiomics divides it.
struct zone_matrix_sums {
  double total = 0.0;                             // Nz = sum of P, replaced by 1 when 0 (glszm.py, gldm.py)
  double small_column_emphasis = 0.0;             // SAE / SDE = sum(ps / j^2) / Nz
  double large_column_emphasis = 0.0;             // LAE / LDE = sum(ps * j^2) / Nz
  double row_non_uniformity = 0.0;                // GLN = sum(pg^2) / Nz
  double row_non_uniformity_normalized = 0.0;     // GLNN = sum(pg^2) / Nz^2
  double column_non_uniformity = 0.0;             // SZN / DN = sum(ps^2) / Nz
  double column_non_uniformity_normalized = 0.0;  // SZNN / DNN = sum(ps^2) / Nz^2
  double row_variance = 0.0;                      // GLV
  double column_variance = 0.0;                   // ZV / DV
  double entropy = 0.0;                           // ZE / DE
  double low_row_emphasis = 0.0;                  // LGLZE / LGLE = sum(pg / i^2) / Nz
  double high_row_emphasis = 0.0;                 // HGLZE / HGLE = sum(pg * i^2) / Nz
  double small_low_emphasis = 0.0;                // SALGLE / SDLGLE = sum(P / (i^2 j^2)) / Nz
  double small_high_emphasis = 0.0;               // SAHGLE / SDHGLE = sum(P i^2 / j^2) / Nz
  double large_low_emphasis = 0.0;                // LALGLE / LDLGLE = sum(P j^2 / i^2) / Nz
  double large_high_emphasis = 0.0;               // LAHGLE / LDHGLE = sum(P i^2 j^2) / Nz
};

// Fills row_sum (length rows) and column_sum (length columns) of a row-major count matrix.
RADCORE_HD inline void zone_matrix_marginals(const double* counts, std::int64_t rows, std::int64_t columns,
                                             double* row_sum, double* column_sum) {
  for (std::int64_t c = 0; c < columns; ++c) column_sum[c] = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < columns; ++c) {
      sum += counts[r * columns + c];
      column_sum[c] += counts[r * columns + c];
    }
    row_sum[r] = sum;
  }
}

// Variance of `value` under the weights marginal / total, as glszm.py computes GLV and ZV:
// p = marginal / Nz, mu = sum(p * value), variance = sum(p * (value - mu)^2).
RADCORE_HD inline double zone_marginal_variance(const double* marginal, const double* value, std::int64_t n,
                                                double total) {
  double mean = 0.0;
  for (std::int64_t k = 0; k < n; ++k) mean += (marginal[k] / total) * value[k];
  double variance = 0.0;
  for (std::int64_t k = 0; k < n; ++k) {
    const double deviation = value[k] - mean;
    variance += (marginal[k] / total) * (deviation * deviation);
  }
  return variance;
}

// Computes every shared sum in the operation order of PyRadiomics 3.1.0's glszm.py and gldm.py.
RADCORE_HD inline zone_matrix_sums compute_zone_matrix_sums(const zone_matrix_view& m) {
  zone_matrix_sums s;
  double total = 0.0;
  for (std::int64_t r = 0; r < m.rows; ++r) total += m.row_sum[r];
  if (total == 0.0) total = 1.0;  // glszm.py and gldm.py: "Nz[Nz == 0] = 1"
  s.total = total;

  double small = 0.0, large = 0.0, column_squares = 0.0;
  for (std::int64_t c = 0; c < m.columns; ++c) {
    const double j2 = m.column_value[c] * m.column_value[c];
    small += m.column_sum[c] / j2;
    large += m.column_sum[c] * j2;
    column_squares += m.column_sum[c] * m.column_sum[c];
  }
  s.small_column_emphasis = small / total;
  s.large_column_emphasis = large / total;
  s.column_non_uniformity = column_squares / total;
  s.column_non_uniformity_normalized = column_squares / (total * total);

  double low = 0.0, high = 0.0, row_squares = 0.0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    const double i2 = m.row_value[r] * m.row_value[r];
    low += m.row_sum[r] / i2;
    high += m.row_sum[r] * i2;
    row_squares += m.row_sum[r] * m.row_sum[r];
  }
  s.low_row_emphasis = low / total;
  s.high_row_emphasis = high / total;
  s.row_non_uniformity = row_squares / total;
  s.row_non_uniformity_normalized = row_squares / (total * total);

  s.row_variance = zone_marginal_variance(m.row_sum, m.row_value, m.rows, total);
  s.column_variance = zone_marginal_variance(m.column_sum, m.column_value, m.columns, total);

  // Entropy: -sum(p * log2(p + eps)) with p = P / Nz. The joint emphases follow glszm.py's operation
  // order: P / (i^2 * j^2), P * i^2 / j^2, P * j^2 / i^2 and P * i^2 * j^2. gldm.py multiplies the last
  // as P * (j^2 * i^2), which rounds differently only where the product exceeds 2^53.
  double entropy = 0.0, small_low = 0.0, small_high = 0.0, large_low = 0.0, large_high = 0.0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    const double i2 = m.row_value[r] * m.row_value[r];
    for (std::int64_t c = 0; c < m.columns; ++c) {
      const double count = m.counts[r * m.columns + c];
      const double j2 = m.column_value[c] * m.column_value[c];
      const double p = count / total;
      entropy += p * std::log2(p + zone_matrix_log_epsilon);
      small_low += count / (i2 * j2);
      small_high += count * i2 / j2;
      large_low += count * j2 / i2;
      large_high += count * i2 * j2;
    }
  }
  s.entropy = -entropy;
  s.small_low_emphasis = small_low / total;
  s.small_high_emphasis = small_high / total;
  s.large_low_emphasis = large_low / total;
  s.large_high_emphasis = large_high / total;
  return s;
}

// Positions of the GLSZM features in glszm_feature_table and in the output of compute_glszm_values.
enum glszm_feature_index : int {
  glszm_gray_level_non_uniformity,
  glszm_gray_level_non_uniformity_normalized,
  glszm_gray_level_variance,
  glszm_high_gray_level_zone_emphasis,
  glszm_large_area_emphasis,
  glszm_large_area_high_gray_level_emphasis,
  glszm_large_area_low_gray_level_emphasis,
  glszm_low_gray_level_zone_emphasis,
  glszm_size_zone_non_uniformity,
  glszm_size_zone_non_uniformity_normalized,
  glszm_small_area_emphasis,
  glszm_small_area_high_gray_level_emphasis,
  glszm_small_area_low_gray_level_emphasis,
  glszm_zone_entropy,
  glszm_zone_percentage,
  glszm_zone_variance,
  glszm_feature_index_count
};

// Writes the 16 GLSZM features of one ROI to out[0..15] in glszm_feature_table order. voxel_count is Np,
// the number of ROI voxels, and ZonePercentage = Nz / Np.
RADCORE_HD inline void compute_glszm_values(const zone_matrix_view& m, double voxel_count, double* out) {
  const zone_matrix_sums s = compute_zone_matrix_sums(m);
  out[glszm_gray_level_non_uniformity] = s.row_non_uniformity;
  out[glszm_gray_level_non_uniformity_normalized] = s.row_non_uniformity_normalized;
  out[glszm_gray_level_variance] = s.row_variance;
  out[glszm_high_gray_level_zone_emphasis] = s.high_row_emphasis;
  out[glszm_large_area_emphasis] = s.large_column_emphasis;
  out[glszm_large_area_high_gray_level_emphasis] = s.large_high_emphasis;
  out[glszm_large_area_low_gray_level_emphasis] = s.large_low_emphasis;
  out[glszm_low_gray_level_zone_emphasis] = s.low_row_emphasis;
  out[glszm_size_zone_non_uniformity] = s.column_non_uniformity;
  out[glszm_size_zone_non_uniformity_normalized] = s.column_non_uniformity_normalized;
  out[glszm_small_area_emphasis] = s.small_column_emphasis;
  out[glszm_small_area_high_gray_level_emphasis] = s.small_high_emphasis;
  out[glszm_small_area_low_gray_level_emphasis] = s.small_low_emphasis;
  out[glszm_zone_entropy] = s.entropy;
  out[glszm_zone_percentage] = s.total / voxel_count;
  out[glszm_zone_variance] = s.column_variance;
}

}  // namespace radcore
