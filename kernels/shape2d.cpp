#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/marching_cubes.hpp"
#include "kernels/shape.hpp"
#include "kernels/shape_formulas.hpp"

namespace radcore {

// Method names get<Name>FeatureValue sorted as Python sorts strings. IBSI 1
// defines no 2D morphology.
const feature_info shape2d_feature_table[] = {
    {"Elongation", false, ""},
    {"MajorAxisLength", false, ""},
    {"MaximumDiameter", false, ""},
    {"MeshSurface", false, ""},
    {"MinorAxisLength", false, ""},
    {"Perimeter", false, ""},
    {"PerimeterSurfaceRatio", false, ""},
    {"PixelSurface", false, ""},
    {"SphericalDisproportion", true, ""},
    {"Sphericity", false, ""},
};
const int shape2d_feature_count = int(sizeof(shape2d_feature_table) / sizeof(shape2d_feature_table[0]));

namespace {

// The ROI's plane as a (row, column) mask padded by one pixel: the crop with
// force2d_dimension (numpy order) squeezed out, as shape2D.py does with
// numpy.squeeze and numpy.pad.
padded_mask squeeze_and_pad(const roi_batch &rois, int roi, int force2d_dimension) {
  const extent3 &size = rois.size[std::size_t(roi)];
  const int extent_zyx[3] = {size.nz, size.ny, size.nx};
  if (extent_zyx[force2d_dimension] > 1) {
    throw roi_error("shape2D features: " + (rois.rois() > 1 ? "ROI " + std::to_string(roi) + " " : std::string("the ROI ")) + "spans " +
                    std::to_string(extent_zyx[force2d_dimension]) + " voxels along dimension " +
                    std::to_string(force2d_dimension) + " (numpy order); shape2D needs a single slice there");
  }
  const int row_axis = force2d_dimension == 0 ? 1 : 0;
  const int column_axis = force2d_dimension == 2 ? 1 : 2;
  padded_mask mask;
  mask.size = {1, extent_zyx[row_axis] + 2, extent_zyx[column_axis] + 2};
  mask.inside.assign(std::size_t(mask.size[1]) * std::size_t(mask.size[2]), 0);
  const std::uint8_t *crop = rois.mask.data() + rois.voxel_offset[std::size_t(roi)];
  for (int z = 0; z < size.nz; ++z) {
    for (int y = 0; y < size.ny; ++y) {
      for (int x = 0; x < size.nx; ++x) {
        if (!crop[size.index(x, y, z)]) continue;
        const int index[3] = {z, y, x};
        const std::size_t target =
            std::size_t(index[column_axis] + 1) + std::size_t(mask.size[2]) * std::size_t(index[row_axis] + 1);
        mask.inside[target] = 1;
      }
    }
  }
  return mask;
}

void compute_roi(const roi_batch &rois, int roi, int force2d_dimension, feature_block &out) {
  const padded_mask mask = squeeze_and_pad(rois, roi, force2d_dimension);
  std::int64_t pixels = 0;
  for (const std::uint8_t v : mask.inside) pixels += v ? 1 : 0;
  if (pixels == 0) throw roi_error("shape2D features: ROI " + std::to_string(roi) + " has no voxels");

  const auto &spacing_xyz = rois.spacing[std::size_t(roi)];
  const double spacing_zyx[3] = {spacing_xyz[2], spacing_xyz[1], spacing_xyz[0]};
  const std::array<double, 2> spacing = {spacing_zyx[force2d_dimension == 0 ? 1 : 0],
                                         spacing_zyx[force2d_dimension == 2 ? 1 : 2]};
  const contour_measures contour = marching_squares_measures(mask, spacing);
  const std::vector<double> lambda = principal_moments(mask, {spacing[0], spacing[1]});
  const double sphericity = sphericity2(contour.surface, contour.perimeter);

  int column = 0;
  out.at(roi, column++) = axis_ratio(lambda[0], lambda[1]);  // Elongation
  out.at(roi, column++) = axis_length(lambda[1]);            // MajorAxisLength
  out.at(roi, column++) = contour_diameter(mask, spacing);   // MaximumDiameter
  out.at(roi, column++) = contour.surface;                   // MeshSurface
  out.at(roi, column++) = axis_length(lambda[0]);            // MinorAxisLength
  out.at(roi, column++) = contour.perimeter;                 // Perimeter
  out.at(roi, column++) = contour.perimeter / contour.surface;
  // PixelSurface = Np * (x * y) with shape2D.py's (y, x) spacing of the two
  // remaining axes.
  out.at(roi, column++) = double(pixels) * (spacing[1] * spacing[0]);
  out.at(roi, column++) = 1.0 / sphericity;  // SphericalDisproportion
  out.at(roi, column++) = sphericity;
}

}  // namespace

feature_block compute_shape2d_features(const roi_batch &rois, int force2d_dimension) {
  if (force2d_dimension < 0 || force2d_dimension > 2) {
    throw input_error("shape2D features: force2Ddimension must be 0, 1 or 2, got " + std::to_string(force2d_dimension));
  }
  feature_block out(rois.rois(), shape2d_feature_count);
  for (int roi = 0; roi < rois.rois(); ++roi) compute_roi(rois, roi, force2d_dimension, out);
  return out;
}

}  // namespace radcore
