// GLCM: matrices for a batch of discretised ROI images, and PyRadiomics' GLCM features from them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every GLCM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in glcm.cpp.
extern const feature_info glcm_feature_table[];
extern const int glcm_feature_count;

// Computes every feature of glcm_feature_table for each ROI of the batch. With weighting_norm::none each angle
// with co-occurrences gets its own normalised matrix, and the features are averaged over those angles with NaN
// values skipped, as numpy.nanmean does. Any other norm merges the weighted angles into one matrix.
feature_block compute_glcm_features(const discrete_batch& batch, const texture_settings& settings);

// A texture matrix of one ROI in PyRadiomics' layout: C order, levels of the ROI only.
struct texture_matrix {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

// Returns the GLCM of ROI `roi` as PyRadiomics' P_glcm after its post-processing, of shape (n, n, angles) for n
// present grey levels. It is symmetrised when requested and merged into one weighted angle when a norm is set.
// Empty angles are removed and each angle is divided by its sum.
texture_matrix glcm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings);

// Returns the weight PyRadiomics gives angle `angle` when merging GLCMs: exp(-d^2), with d the infinity,
// euclidean or manhattan norm of the offset in mm (spacing given as x, y, z); 1 for no_weighting.
double glcm_angle_weight(const offset3& angle, const std::array<double, 3>& spacing, weighting_norm norm);

}  // namespace radcore
