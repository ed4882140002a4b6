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

// One ROI's GLDM in PyRadiomics' layout. Rows are the grey levels present (bin numbers ascending) and
// columns the dependence sizes that occur (ascending), where j = 1 + the number of dependent neighbours.
struct gldm_matrix {
  std::vector<double> grey_level;  // i of each row
  std::vector<double> dependence;  // j of each column
  std::vector<double> counts;      // P(i, j), row-major: counts[row * dependence.size() + column]
  std::int64_t voxel_count = 0;    // Np = Nz, the number of ROI voxels
};

// Builds the GLDM of ROI `roi`. A neighbour (an offset of generate_angles for settings.angles, both
// directions, inside the crop and the ROI) is dependent when its bin number differs from the centre's by
// at most settings.gldm_a.
gldm_matrix compute_gldm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings);

// Computes every feature of gldm_feature_table for each ROI of the batch.
feature_block compute_gldm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
