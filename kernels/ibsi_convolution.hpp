// One-dimensional convolution along an axis of a 3D volume with the boundary conditions of the IBSI 2
// filter definitions. The IBSI-mode filters (wavelet_ibsi.hpp, log_ibsi.hpp) are built from it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace radcore {

// The values a filter reads beyond the volume's edge, in IBSI's names.
enum class ibsi_boundary {
  zero,      // constant 0
  nearest,   // the edge voxel (a a a | a b c d)
  periodic,  // wrap around (b c d | a b c d)
  mirror,    // reflection that repeats the edge voxel (c b a | a b c d), scipy.ndimage 'reflect'
};

// A filter along one axis: y[n] = sum_i taps[i] * x[n + dilation * (centre - i)], true convolution with
// the tap at index `centre` on the output voxel.
struct axis_filter {
  std::vector<double> taps;
  int dilation = 1;
  int centre = 0;
};

// Returns the in-volume index that position `at` reads on a line of `count` voxels, or -1 where the
// boundary supplies a zero.
int ibsi_boundary_index(std::int64_t at, int count, ibsi_boundary boundary);

// Filters `image` of (x, y, z) size `size`, x fastest, along `axis` (0 = x, 1 = y, 2 = z) into a new volume
// of the same size.
std::vector<double> convolve_along_axis(const std::vector<double>& image, const std::array<int, 3>& size, int axis,
                                        const axis_filter& filter, ibsi_boundary boundary);

// Parses "zero", "nearest", "periodic" or "mirror"; throws input_error otherwise.
ibsi_boundary parse_ibsi_boundary(const std::string& text);

}  // namespace radcore
