// NGTDM: matrices for a batch of discretised ROI images, and PyRadiomics' NGTDM features from them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore {

// Every NGTDM feature PyRadiomics 3.1.0 defines, deprecated ones included, in PyRadiomics' output order
// (method names sorted as Python sorts strings). Defined in ngtdm.cpp.
extern const feature_info ngtdm_feature_table[];
extern const int ngtdm_feature_count;

// Computes every feature of ngtdm_feature_table for each ROI of the batch.
feature_block compute_ngtdm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
