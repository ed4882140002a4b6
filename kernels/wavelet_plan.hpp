// The plan of a wavelet transform on a box, shared by the CPU filter (wavelet.cpp) and the CUDA backend
// (kernels/cuda/wavelet_kernels.cu). It fixes which axes are filtered, which positions of the padded image
// each level reads and writes, how those positions map to voxels of the image, and which taps are used.
// Both backends evaluate every sample with swt_periodic_sample (wavelet_formulas.hpp), so they agree
// bitwise. This header includes no CUDA header.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/wavelet.hpp"
#include "kernels/wavelet_formulas.hpp"
#include "kernels/wavelet_taps.hpp"

namespace radcore {

// Positions first, first + 1, ..., first + length - 1 (mod period) along one axis of the padded image.
struct axis_span {
  int first = 0;
  int length = 0;
  int period = 0;
};

// The spans of a block along x, y and z.
using block_spans = std::array<axis_span, 3>;

// Returns the number of positions of a block with these spans.
inline std::int64_t span_volume(const block_spans& spans) {
  return std::int64_t(spans[0].length) * spans[1].length * spans[2].length;
}

// The decomposition filters of one wavelet in the precision T.
template <typename T>
struct filter_pair {
  const T* low;
  const T* high;
  int length;
};

// Returns the float64 taps of `bank` for T = double and PyWavelets' float32 taps for T = float.
template <typename T>
filter_pair<T> typed_filters(const wavelet_filter_bank& bank);

template <>
inline filter_pair<double> typed_filters<double>(const wavelet_filter_bank& bank) {
  return {bank.dec_lo, bank.dec_hi, bank.length};
}

template <>
inline filter_pair<float> typed_filters<float>(const wavelet_filter_bank& bank) {
  return {bank.dec_lo_float, bank.dec_hi_float, bank.length};
}

// Returns the axes (0 = x, 1 = y, 2 = z) that PyRadiomics transforms, in swtn's order. The options must
// have passed check_wavelet_options.
std::vector<int> wavelet_transformed_axes(const wavelet_options& options);

// Throws input_error for an image_dimensions other than 2 or 3, a negative level or start level, or a
// force2d_dimension that is not an axis of the image.
void check_wavelet_options(const wavelet_options& options);

// Returns the filters of options.wavelet. Throws input_error for a wavelet that is not discrete.
const wavelet_filter_bank& wavelet_filter_bank_of(const wavelet_options& options);

// Throws input_error for a box that is empty or not inside the image.
void check_wavelet_box(const wavelet_input& image, const voxel_box& box);

// Runs every check of wavelet_transform on one request: the options, the wavelet and the box.
void check_wavelet_request(const wavelet_input& image, const voxel_box& box, const wavelet_options& options);

// Returns "wavelet-" for returned level 1 and "waveletk-" for returned level k > 1.
std::string wavelet_level_prefix(int returned_level);

// Returns the spans of every level on `box` of an image of `image_size` voxels: element `levels` is the
// box, and element k (k < levels) is the input of level k, the output spans of level k widened along each
// transformed axis by the reach of a filter of `filter_length` taps. Along an axis of odd size N the period
// is N + 1, the size after PyRadiomics' wrap padding.
std::vector<block_spans> wavelet_level_spans(const std::array<int, 3>& image_size, const voxel_box& box,
                                             const std::vector<int>& axes, int filter_length, int levels);

// Returns the image index read at `position` (0 <= position < period) of a padded axis of `size` voxels:
// position p is index p for p < size and index 0 for p = size, the voxel that numpy.pad(..., 'wrap')
// appends to an axis of odd size.
inline int padded_source_index(int position, int size) { return position < size ? position : 0; }

// Returns the offset of `box` inside a block of `spans` along each axis. The spans must contain the box.
inline std::array<int, 3> box_offset_in(const block_spans& spans, const voxel_box& box) {
  std::array<int, 3> offset{};
  for (int axis = 0; axis < 3; ++axis) {
    offset[axis] = wrap_index(box.lower[axis] - spans[axis].first, spans[axis].period);
  }
  return offset;
}

// Writes the padded image on `spans` to `out` (span_volume(spans) values, x fastest), converted to T.
template <typename T>
void gather_padded(const wavelet_input& image, const block_spans& spans, T* out) {
  std::array<std::vector<int>, 3> source;
  for (int axis = 0; axis < 3; ++axis) {
    for (int t = 0; t < spans[axis].length; ++t) {
      const int position = wrap_index(spans[axis].first + t, spans[axis].period);
      source[axis].push_back(padded_source_index(position, image.size[axis]));
    }
  }
  const std::int64_t nx = image.size[0];
  const std::int64_t ny = image.size[1];
  for (int z : source[2]) {
    for (int y : source[1]) {
      for (int x : source[0]) *out++ = T(image.values[(z * ny + y) * nx + x]);
    }
  }
}

}  // namespace radcore
