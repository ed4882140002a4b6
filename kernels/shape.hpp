// Shape features of ROI masks (3D and 2D), as PyRadiomics 3.1.0 computes them.
#pragma once

#include <vector>

#include "kernels/feature_info.hpp"
#include "kernels/marching_cubes.hpp"
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

// Returns the eigenvalues, ascending, of the covariance (divided by N) of the physical voxel-centre
// coordinates of `mask`, with values in (-1e-10, 0) rounded to 0 (shape.py and shape2D.py). `spacing`
// holds 3 values in (z, y, x) order, or 2 for a 2D mask (size[0] == 1) in (row, column) order.
std::vector<double> principal_moments(const padded_mask& mask, const std::vector<double>& spacing);

}  // namespace radcore
