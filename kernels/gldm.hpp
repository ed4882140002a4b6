// GLDM: matrices for a batch of discretised ROI images, and PyRadiomics' GLDM features from them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every GLDM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in gldm.cpp.
extern const feature_info gldm_feature_table[];
extern const int gldm_feature_count;

// Computes every feature of gldm_feature_table for each ROI of the batch.
feature_block compute_gldm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
