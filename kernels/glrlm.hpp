// GLRLM: matrices for a batch of discretised ROI images, and PyRadiomics' GLRLM features from them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every GLRLM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in glrlm.cpp.
extern const feature_info glrlm_feature_table[];
extern const int glrlm_feature_count;

// Computes every feature of glrlm_feature_table for each ROI of the batch.
feature_block compute_glrlm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
