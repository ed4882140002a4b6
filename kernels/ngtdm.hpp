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

// One ROI's NGTDM in PyRadiomics' layout [n_i, s_i, i], one entry per grey level present, ascending.
struct ngtdm_matrix {
  std::vector<double> count;           // n_i: ROI voxels of grey level i, neighbourless ones included
  std::vector<double> difference_sum;  // s_i: sum of |i - mean of the neighbours' bin numbers|
  std::vector<double> grey_level;      // i
};

// Builds the NGTDM of ROI `roi`. Neighbours are the offsets of generate_angles for settings.angles, both
// directions, inside the crop and the ROI. s_i is computed from exact integer sums (ngtdm_difference_sum),
// so it does not depend on the order in which voxels are visited.
ngtdm_matrix compute_ngtdm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings);

// Computes every feature of ngtdm_feature_table for each ROI of the batch.
feature_block compute_ngtdm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
