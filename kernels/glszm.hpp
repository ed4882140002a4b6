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

// One ROI's GLSZM in PyRadiomics' layout. Rows are the grey levels present (bin numbers ascending) and
// columns the zone sizes that occur (ascending), so sizes that no zone has are left out.
struct glszm_matrix {
  std::vector<double> grey_level;  // i of each row
  std::vector<double> zone_size;   // j of each column, in voxels
  std::vector<double> counts;      // P(i, j), row-major: counts[row * zone_size.size() + column]
  std::int64_t voxel_count = 0;    // Np, the number of ROI voxels
};

// Builds the GLSZM of ROI `roi`. Zones are connected sets of voxels of equal grey level, where voxels are
// neighbours along the distance-1 offsets of generate_angles (26-connectivity in 3D, 8 for a single slice
// or with force2d) and ignoring settings.angles.distances, as PyRadiomics 3.1.0 does.
glszm_matrix compute_glszm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings);

// Computes every feature of glszm_feature_table for each ROI of the batch.
feature_block compute_glszm_features(const discrete_batch& batch, const texture_settings& settings);

}  // namespace radcore
