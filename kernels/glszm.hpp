// GLSZM: matrices for a batch of discretised ROI images, and PyRadiomics' GLSZM features from them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every GLSZM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in glszm.cpp.
extern const feature_info glszm_feature_table[];
extern const int glszm_feature_count;

// Computes every feature of glszm_feature_table for each ROI of the batch.
feature_block compute_glszm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
