// GLDM feature formulas of PyRadiomics 3.1.0 (radiomics/gldm.py), for the CPU backend and CUDA kernels.
// They are the GLSZM formulas over a (grey level x dependence) matrix, with j = dependence count + 1.
#pragma once

#include <cstdint>

#include "kernels/glszm_formulas.hpp"
#include "kernels/hd.hpp"

namespace radcore {

// Positions of the GLDM features in gldm_feature_table and in the output of compute_gldm_values.
enum gldm_feature_index : int {
  gldm_dependence_entropy,
  gldm_dependence_non_uniformity,
  gldm_dependence_non_uniformity_normalized,
  gldm_dependence_percentage,
  gldm_dependence_variance,
  gldm_gray_level_non_uniformity,
  gldm_gray_level_non_uniformity_normalized,
  gldm_gray_level_variance,
  gldm_high_gray_level_emphasis,
  gldm_large_dependence_emphasis,
  gldm_large_dependence_high_gray_level_emphasis,
  gldm_large_dependence_low_gray_level_emphasis,
  gldm_low_gray_level_emphasis,
  gldm_small_dependence_emphasis,
  gldm_small_dependence_high_gray_level_emphasis,
  gldm_small_dependence_low_gray_level_emphasis,
  gldm_feature_index_count
};

// Writes the 16 GLDM features of one ROI to out[0..15] in gldm_feature_table order. voxel_count is Np.
// PyRadiomics 3.1.0 raises DeprecationWarning for DependencePercentage and GrayLevelNonUniformityNormalized
// and reports no value; radcore returns their docstring definitions, Nz / Np (always 1, as Nz = Np) and
// sum(pg^2) / Nz^2 (equal to firstorder Uniformity).
RADCORE_HD inline void compute_gldm_values(const zone_matrix_view& m, double voxel_count, double* out) {
  const zone_matrix_sums s = compute_zone_matrix_sums(m);
  out[gldm_dependence_entropy] = s.entropy;
  out[gldm_dependence_non_uniformity] = s.column_non_uniformity;
  out[gldm_dependence_non_uniformity_normalized] = s.column_non_uniformity_normalized;
  out[gldm_dependence_percentage] = s.total / voxel_count;
  out[gldm_dependence_variance] = s.column_variance;
  out[gldm_gray_level_non_uniformity] = s.row_non_uniformity;
  out[gldm_gray_level_non_uniformity_normalized] = s.row_non_uniformity_normalized;
  out[gldm_gray_level_variance] = s.row_variance;
  out[gldm_high_gray_level_emphasis] = s.high_row_emphasis;
  out[gldm_large_dependence_emphasis] = s.large_column_emphasis;
  out[gldm_large_dependence_high_gray_level_emphasis] = s.large_high_emphasis;
  out[gldm_large_dependence_low_gray_level_emphasis] = s.large_low_emphasis;
  out[gldm_low_gray_level_emphasis] = s.low_row_emphasis;
  out[gldm_small_dependence_emphasis] = s.small_column_emphasis;
  out[gldm_small_dependence_high_gray_level_emphasis] = s.small_high_emphasis;
  out[gldm_small_dependence_low_gray_level_emphasis] = s.small_low_emphasis;
}

}  // namespace radcore
