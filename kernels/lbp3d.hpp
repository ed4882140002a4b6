// Local binary patterns in 3D as PyRadiomics 3.1.0 computes them (imageoperations.getLBP3DImage, after
// Banerjee et al. 2013): for each ROI voxel the image is sampled at the vertices of an icosphere around it,
// each sample is compared with the voxel, and the binary pattern is expanded in spherical harmonics.
//
// What PyRadiomics computes, step by step, and what radcore reproduces:
// - The neighbours are the vertices of trimesh's icosphere (lbp3DIcosphereSubdivision, lbp3DIcosphereRadius),
//   added to the voxel's numpy (z, y, x) index as they are: vertex coordinate 0 moves along numpy axis 0
//   (z), and the radius is in voxels, not mm.
// - The samples are scipy.ndimage.map_coordinates(image, ..., order=3): a cubic B-spline prefiltered with
//   mirror boundaries, 0 outside the image, and the result cast back to the image's pixel type (rounded half
//   away from zero for integer types, rounded to float32 for float).
// - lbp-3D-k is scipy.stats.kurtosis of the samples (Fisher, biased), computed in float32 for float32
//   images, NaN where the samples are constant.
// - The pattern is sample >= voxel. Its coefficients c[n, m] = sum over vertices of pattern * Y[n, m] use
//   scipy.special.sph_harm(m, n, theta, phi) with theta = arccos(z / radius) and phi = arctan2(y, x) of the
//   vertex, passed in that order although scipy reads the third argument as the azimuth. lbp-3D-m(n+1) is
//   the L2 norm over the vertices of sum over m of c[n, m] * Y[n, m].
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace radcore {

struct lbp3d_options {
  int levels = 2;                  // lbp3DLevels: spherical-harmonic degrees 0 to levels - 1
  double icosphere_radius = 1.0;   // lbp3DIcosphereRadius, in voxels
  int icosphere_subdivision = 1;   // lbp3DIcosphereSubdivision, 0 to 3
};

// A table of icosphere vertices: `count` points as (x, y, z) triples.
struct icosphere_vertices {
  const double* coordinates = nullptr;
  int count = 0;
};

// Returns trimesh's icosphere of radius 1 for 0 to 3 subdivisions (12, 42, 162 or 642 vertices), or an
// empty table for other subdivisions.
icosphere_vertices find_icosphere_vertices(int subdivision);

// scipy's spherical harmonics at the vertices of a radius-1 icosphere: `vertices` rows of `columns` values.
struct harmonic_table {
  const double* real = nullptr;
  const double* imaginary = nullptr;
  int vertices = 0;
  int columns = 0;
};

// Returns the harmonics of degrees 0 to 3 for 0 to 2 subdivisions, or an empty table for other subdivisions.
harmonic_table find_harmonic_table(int subdivision);

// The spherical harmonics of getLBP3DImage at each vertex, for degrees 0 to levels - 1: entry
// [vertex * columns + j] with columns = levels^2, j running over n = 0, 1, ... and m = -n to n.
struct lbp3d_harmonics {
  int vertices = 0;
  int columns = 0;
  std::vector<double> real;
  std::vector<double> imaginary;
};

// Returns the harmonics of `options`' icosphere: scipy's own values from find_harmonic_table for radius 1,
// at most 2 subdivisions and at most 4 levels, else compute_spherical_harmonics. Throws input_error for a
// subdivision outside 0 to 3, a level count below 1 or a radius that is not positive.
lbp3d_harmonics lbp3d_spherical_harmonics(const lbp3d_options& options);

// Computes the harmonics of `options`' icosphere with radcore's Legendre recurrence. The values agree with
// scipy's to about 1e-16 but not always to the last bit. Throws as lbp3d_spherical_harmonics.
lbp3d_harmonics compute_spherical_harmonics(const lbp3d_options& options);

// Computes PyRadiomics' LBP3D images of `values` (numpy order (z, y, x) with x fastest, `size` as (x, y, z),
// pixel type as ITK names it: "short", "float", "double", ...) at the voxels where `inside` is non-zero.
// Returns levels + 1 images of the whole volume, lbp-3D-m1 to lbp-3D-m<levels> and then lbp-3D-k, each 0
// outside the ROI. Throws input_error for invalid options or a mask of another size.
std::vector<std::vector<double>> lbp3d_filter(const std::vector<double>& values, const std::array<int, 3>& size,
                                              const std::vector<std::uint8_t>& inside, const std::string& pixel_type,
                                              const lbp3d_options& options);

}  // namespace radcore
