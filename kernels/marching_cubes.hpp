// Surface meshes of ROI masks as PyRadiomics 3.1.0 builds them
// (radiomics/src/cshape.c): marching cubes in 3D and marching squares in 2D,
// with vertices at the midpoints of edges between an ROI voxel and a background
// voxel, on the mask padded by one background voxel on every side.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace radcore {

// A mask in numpy axis order with the last axis fastest, padded by one
// background voxel on every side. `size` holds the padded extents in that same
// order: (z, y, x) in 3D; 2D masks use size[0] = 1.
struct padded_mask {
  std::array<int, 3> size{};
  std::vector<std::uint8_t> inside;

  std::uint8_t at(int i0, int i1, int i2) const {
    return inside[std::size_t(i2) + std::size_t(size[2]) * (std::size_t(i1) + std::size_t(size[1]) * std::size_t(i0))];
  }
};

// Returns the (z, y, x) crop mask (x fastest, nx * ny * nz values) padded by
// one voxel.
padded_mask pad_mask(const std::uint8_t *mask, int nx, int ny, int nz);

struct mesh_measures {
  double surface_area = 0.0;  // mm^2
  double volume = 0.0;        // mm^3, signed-tetrahedron sum
};

// Marching cubes over `mask` with spacing in (z, y, x) order. Cubes are visited
// z-major with x fastest and triangles summed in table order, as cshape.c does,
// so the sums round as PyRadiomics' do.
mesh_measures marching_cubes_measures(const padded_mask &mask, const std::array<double, 3> &spacing_zyx);

// Maximum distances between mesh vertices: {same z (Slice), same y (Column),
// same x (Row), any (3D)} in mm. The maxima equal cshape.c's all-pairs search
// over the vertices, because a farthest pair always consists of vertices of the
// convex hull; only hull vertices of each plane are compared.
std::array<double, 4> mesh_diameters(const padded_mask &mask, const std::array<double, 3> &spacing_zyx);

struct contour_measures {
  double perimeter = 0.0;  // mm
  double surface = 0.0;    // mm^2, signed-triangle sum
};

// Marching squares over the single plane of a 2D `mask` (size[0] == 1) with
// (row, column) spacing.
contour_measures marching_squares_measures(const padded_mask &mask, const std::array<double, 2> &spacing);

// Maximum distance between contour vertices of a 2D `mask`, in mm.
double contour_diameter(const padded_mask &mask, const std::array<double, 2> &spacing);

}  // namespace radcore
