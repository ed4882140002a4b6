// NGTDM formulas of PyRadiomics 3.1.0 (radiomics/ngtdm.py, C calculate_ngtdm), for the CPU backend and
// CUDA kernels.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"

namespace radcore {

// One ROI's NGTDM in PyRadiomics' layout, one entry per grey level present, bin numbers ascending:
// count = n_i, difference_sum = s_i, grey_level = i.
struct ngtdm_view {
  const double* count = nullptr;
  const double* difference_sum = nullptr;
  const double* grey_level = nullptr;
  std::int64_t levels = 0;
};

// Returns s_i from exact integer partial sums, so that the value does not depend on the order in which
// voxels were visited. A voxel of grey level i with W neighbours in the ROI whose bin numbers sum to S
// adds |i - S / W| = |i W - S| / W to s_i (calculate_ngtdm in PyRadiomics' cmatrices.c); a voxel with
// no neighbour adds 0. `scaled_sums[W]` is the sum of |i W - S| over the voxels of this grey level with
// W neighbours, for W = 0..max_neighbours. The sums are divided and added in ascending W.
RADCORE_HD inline double ngtdm_difference_sum(const std::int64_t* scaled_sums, int max_neighbours) {
  double sum = 0.0;
  for (int w = 1; w <= max_neighbours; ++w) sum += double(scaled_sums[w]) / double(w);
  return sum;
}

// Positions of the NGTDM features in ngtdm_feature_table and in the output of compute_ngtdm_values.
enum ngtdm_feature_index : int {
  ngtdm_busyness,
  ngtdm_coarseness,
  ngtdm_complexity,
  ngtdm_contrast,
  ngtdm_strength,
  ngtdm_feature_index_count
};

// Writes the 5 NGTDM features of one ROI to out[0..4] in ngtdm_feature_table order, in the operation
// order of ngtdm.py (3.1.0). Nvp = sum(n_i) counts every ROI voxel, neighbourless ones included, and
// p_i = n_i / Nvp. Every level in the view is present, so no term needs PyRadiomics' p_i = 0 masking.
RADCORE_HD inline void compute_ngtdm_values(const ngtdm_view& m, double* out) {
  const std::int64_t n = m.levels;
  double nvp = 0.0;
  double sum_s = 0.0;
  for (std::int64_t k = 0; k < n; ++k) {
    nvp += m.count[k];
    sum_s += m.difference_sum[k];
  }
  // p_i * s_i, summed: the numerator of Busyness and the inverse of Coarseness.
  double sum_ps = 0.0;
  for (std::int64_t k = 0; k < n; ++k) sum_ps += (m.count[k] / nvp) * m.difference_sum[k];

  // Coarseness = 1 / sum(p_i s_i), or 1e6 where that sum is 0.
  out[ngtdm_coarseness] = sum_ps != 0.0 ? 1.0 / sum_ps : 1e6;

  double contrast_sum = 0.0;    // sum_ij p_i p_j (i - j)^2
  double busyness_div = 0.0;    // sum_ij |i p_i - j p_j|
  double complexity_sum = 0.0;  // sum_ij |i - j| (p_i s_i + p_j s_j) / (p_i + p_j)
  double strength_sum = 0.0;    // sum_ij (p_i + p_j) (i - j)^2
  for (std::int64_t a = 0; a < n; ++a) {
    const double pa = m.count[a] / nvp;
    const double ia = m.grey_level[a];
    const double pa_sa = pa * m.difference_sum[a];
    for (std::int64_t b = 0; b < n; ++b) {
      const double pb = m.count[b] / nvp;
      const double ib = m.grey_level[b];
      const double d = ia - ib;
      contrast_sum += pa * pb * (d * d);
      busyness_div += std::fabs(ia * pa - ib * pb);
      complexity_sum += std::fabs(d) * (pa_sa + pb * m.difference_sum[b]) / (pa + pb);
      strength_sum += (pa + pb) * (d * d);
    }
  }

  // Contrast = (sum_ij p_i p_j (i - j)^2 * sum(s_i) / Nvp) / (Ngp (Ngp - 1)), 0 where Ngp = 1.
  const double ngp = double(n);
  const double contrast_div = ngp * (ngp - 1.0);
  out[ngtdm_contrast] = contrast_div != 0.0 ? contrast_sum * sum_s / nvp / contrast_div : 0.0;
  // Busyness = sum(p_i s_i) / sum_ij |i p_i - j p_j|, 0 where the divisor is 0.
  out[ngtdm_busyness] = busyness_div != 0.0 ? sum_ps / busyness_div : 0.0;
  // Complexity = sum_ij |i - j| (p_i s_i + p_j s_j) / (p_i + p_j) / Nvp.
  out[ngtdm_complexity] = complexity_sum / nvp;
  // Strength = sum_ij (p_i + p_j) (i - j)^2 / sum(s_i), 0 where sum(s_i) = 0.
  out[ngtdm_strength] = sum_s != 0.0 ? strength_sum / sum_s : 0.0;
}

}  // namespace radcore
