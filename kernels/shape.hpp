// Shape features of ROI masks (3D and 2D), as PyRadiomics 3.1.0 computes them.
#pragma once

#include "kernels/feature_info.hpp"
#include "kernels/roi.hpp"

namespace radcore {

extern const feature_info shape_feature_table[];
extern const int shape_feature_count;
extern const feature_info shape2d_feature_table[];
extern const int shape2d_feature_count;

// Computes every 3D shape feature for each ROI from its mask (the crop to the bounding box, no padding)
// and spacing; intensities are not used.
feature_block compute_shape_features(const roi_batch& rois);

// Computes every 2D shape feature for each ROI. The ROI must be one voxel thick along
// force2d_dimension (numpy order: 0 = z); otherwise roi_error is thrown, as PyRadiomics raises.
feature_block compute_shape2d_features(const roi_batch& rois, int force2d_dimension);

}  // namespace radcore
