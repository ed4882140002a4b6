// First-order statistics of ROI intensities, as PyRadiomics 3.1.0 computes them.
#pragma once

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"

namespace radcore {

extern const feature_info firstorder_feature_table[];
extern const int firstorder_feature_count;

// Computes every first-order feature for each ROI. Intensities come from `rois`; Entropy and Uniformity
// use the discretised histogram of `discrete` (the same ROIs, in the same order). voxel_array_shift is
// PyRadiomics' voxelArrayShift, added in Energy, TotalEnergy and RootMeanSquared only.
feature_block compute_firstorder_features(const roi_batch& rois, const discrete_batch& discrete,
                                          double voxel_array_shift);

}  // namespace radcore
