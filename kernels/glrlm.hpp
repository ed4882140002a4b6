// GLRLM: matrices for a batch of discretised ROI images, and PyRadiomics' GLRLM features from them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/glcm.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every GLRLM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in glrlm.cpp.
extern const feature_info glrlm_feature_table[];
extern const int glrlm_feature_count;

// Computes every feature of glrlm_feature_table for each ROI of the batch. With weighting_norm::none features are
// computed per angle and averaged over the angles that contain runs, with NaN skipped as numpy.nanmean does. Any
// other norm merges the weighted angles into one matrix.
feature_block compute_glrlm_features(const discrete_batch& batch, const texture_settings& settings);

// Returns the GLRLM of ROI `roi` as PyRadiomics' P_glrlm after its post-processing: counts of shape
// (n, run lengths, angles) for n present grey levels, without the run lengths that occur in no angle. Angles whose
// lines never contain two ROI voxels are zeroed, then removed (weighting_norm::none) or merged with the others.
texture_matrix glrlm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings);

// Returns the weight PyRadiomics gives angle `angle` when merging GLRLMs: the infinity, euclidean or manhattan
// norm of the offset in mm (spacing given as x, y, z), not exp(-d^2) as for the GLCM; 1 for no_weighting.
double glrlm_angle_weight(const offset3& angle, const std::array<double, 3>& spacing, weighting_norm norm);

}  // namespace radcore
