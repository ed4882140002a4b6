#include "kernels/wavelet_ibsi.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "kernels/error.hpp"
#include "kernels/wavelet_taps.hpp"

namespace radcore {
namespace {

// One filter along one axis: y[n] = sum_i taps[i] * x[n + dilation * (centre - i)]. The zero that centres
// an even-length filter contributes nothing, so it is left out of `taps`.
struct axis_filter {
  std::vector<double> taps;
  int dilation = 1;
  int centre = 0;
};

// One of the 24 right-handed cube rotations of a separable filter set: image axis a gets the filter of
// letter source[a], reversed where reversed[a] is set.
struct filter_rotation {
  std::array<int, 3> source{};
  std::array<bool, 3> reversed{};
};

// Returns the in-volume index that position `at` reads on a line of `count` voxels, or -1 for a zero.
int boundary_index(std::int64_t at, int count, ibsi_boundary boundary) {
  if (at >= 0 && at < count) return int(at);
  switch (boundary) {
    case ibsi_boundary::zero:
      return -1;
    case ibsi_boundary::nearest:
      return at < 0 ? 0 : count - 1;
    case ibsi_boundary::periodic: {
      const std::int64_t wrapped = at % count;
      return int(wrapped < 0 ? wrapped + count : wrapped);
    }
    case ibsi_boundary::mirror: {
      // The reflected signal repeats with period 2 * count: a b c d | d c b a.
      const std::int64_t period = 2 * std::int64_t(count);
      std::int64_t folded = at % period;
      if (folded < 0) folded += period;
      return int(folded < count ? folded : period - 1 - folded);
    }
  }
  return -1;
}

// Filters `image` along `axis` (0 = x, 1 = y, 2 = z) into a new volume of the same size.
std::vector<double> filter_along_axis(const std::vector<double>& image, const std::array<int, 3>& size, int axis,
                                      const axis_filter& filter, ibsi_boundary boundary) {
  std::int64_t stride = 1;
  for (int lower = 0; lower < axis; ++lower) stride *= size[lower];
  const int count = size[axis];
  std::vector<double> result(image.size());
  std::vector<double> line(static_cast<std::size_t>(count));
  // Each line along `axis` starts at a voxel whose coordinate along `axis` is 0.
  for (std::int64_t start = 0; start < std::int64_t(image.size()); ++start) {
    if ((start / stride) % count != 0) continue;
    for (int n = 0; n < count; ++n) line[std::size_t(n)] = image[std::size_t(start + n * stride)];
    for (int n = 0; n < count; ++n) {
      double sum = 0;
      for (std::size_t i = 0; i < filter.taps.size(); ++i) {
        const std::int64_t at = n + std::int64_t(filter.dilation) * (filter.centre - std::int64_t(i));
        const int source = boundary_index(at, count, boundary);
        if (source >= 0) sum += filter.taps[i] * line[std::size_t(source)];
      }
      result[std::size_t(start + n * stride)] = sum;
    }
  }
  return result;
}

// Centres the even-length filter `taps` by a trailing zero. Reversing the centred kernel moves that zero to
// the front, so a reversed filter's centre is one tap lower.
axis_filter make_filter(const double* taps, int length, bool reversed, int dilation) {
  axis_filter filter;
  filter.taps.assign(taps, taps + length);
  filter.dilation = dilation;
  filter.centre = length / 2;
  if (reversed) {
    std::reverse(filter.taps.begin(), filter.taps.end());
    filter.centre -= 1;
  }
  return filter;
}

// Applies the a trous low-pass levels below `options.level`, then the requested band, for one rotation.
std::vector<double> rotated_response(const std::array<int, 3>& size, const std::vector<double>& values,
                                     const wavelet_ibsi_options& options, const wavelet_filter_bank& bank,
                                     const filter_rotation& rotation) {
  std::vector<double> image = values;
  // NOTE: no test checks that a rotation reverses these low-pass levels too, because the reference maps of
  // IBSI tests 7.a.1 and 7.a.2, which combine level 2 with rotation invariance, are not in the test data.
  for (int level = 1; level < options.level; ++level) {
    const int dilation = 1 << (level - 1);
    for (int axis = 0; axis < 3; ++axis) {
      const axis_filter low = make_filter(bank.dec_lo, bank.length, rotation.reversed[axis], dilation);
      image = filter_along_axis(image, size, axis, low, options.boundary);
    }
  }
  const int dilation = 1 << (options.level - 1);
  for (int axis = 0; axis < 3; ++axis) {
    const char letter = options.band[std::size_t(rotation.source[axis])];
    const double* taps = letter == 'L' ? bank.dec_lo : bank.dec_hi;
    const axis_filter filter = make_filter(taps, bank.length, rotation.reversed[axis], dilation);
    image = filter_along_axis(image, size, axis, filter, options.boundary);
  }
  return image;
}

// Returns the 24 signed axis permutations with determinant +1, the identity first.
std::vector<filter_rotation> cube_rotations() {
  std::vector<filter_rotation> rotations;
  std::array<int, 3> permutation{0, 1, 2};
  do {
    // The permutation's sign is the parity of its inversions.
    int inversions = 0;
    for (int i = 0; i < 3; ++i) {
      for (int j = i + 1; j < 3; ++j) inversions += permutation[i] > permutation[j] ? 1 : 0;
    }
    for (int flips = 0; flips < 8; ++flips) {
      int reversed_count = 0;
      filter_rotation rotation;
      rotation.source = permutation;
      for (int axis = 0; axis < 3; ++axis) {
        rotation.reversed[axis] = (flips >> axis) & 1;
        reversed_count += rotation.reversed[axis] ? 1 : 0;
      }
      if ((inversions + reversed_count) % 2 == 0) rotations.push_back(rotation);
    }
  } while (std::next_permutation(permutation.begin(), permutation.end()));
  return rotations;
}

void check_options(const std::array<int, 3>& size, const std::vector<double>& values,
                   const wavelet_ibsi_options& options) {
  for (int axis = 0; axis < 3; ++axis) {
    if (size[axis] < 1) {
      throw input_error("IBSI wavelet: invalid volume size " + std::to_string(size[axis]) + " along axis " +
                        std::to_string(axis) + "; every dimension needs at least 1 voxel");
    }
  }
  if (values.size() != std::size_t(size[0]) * size[1] * size[2]) {
    throw input_error("IBSI wavelet: " + std::to_string(values.size()) + " values do not match the volume size " +
                      std::to_string(size[0]) + "x" + std::to_string(size[1]) + "x" + std::to_string(size[2]));
  }
  if (options.level < 1 || options.level > 16) {
    throw input_error("IBSI wavelet: invalid level " + std::to_string(options.level) + "; use 1 to 16");
  }
  const bool letters_valid =
      std::all_of(options.band.begin(), options.band.end(), [](char c) { return c == 'L' || c == 'H'; });
  if (options.band.size() != 3 || !letters_valid) {
    throw input_error("IBSI wavelet: invalid band '" + options.band +
                      "'; use three letters L or H for x, y and z, e.g. HHL");
  }
}

}  // namespace

std::vector<double> wavelet_ibsi_response(const std::array<int, 3>& size, const std::vector<double>& values,
                                          const wavelet_ibsi_options& options) {
  check_options(size, values, options);
  const wavelet_filter_bank* bank = find_wavelet_filter_bank(options.wavelet.c_str());
  if (bank == nullptr) {
    throw input_error("IBSI wavelet: wavelet '" + options.wavelet +
                      "' not found; use a discrete PyWavelets wavelet such as haar, db2 or coif1");
  }
  if (options.rotation == ibsi_rotation_pooling::none) {
    return rotated_response(size, values, options, *bank, filter_rotation{{0, 1, 2}, {false, false, false}});
  }

  const std::vector<filter_rotation> rotations = cube_rotations();
  const bool mean = options.rotation == ibsi_rotation_pooling::mean;
  std::vector<double> pooled(values.size(), mean ? 0.0 : -std::numeric_limits<double>::infinity());
  for (const filter_rotation& rotation : rotations) {
    const std::vector<double> response = rotated_response(size, values, options, *bank, rotation);
    for (std::size_t i = 0; i < pooled.size(); ++i) {
      pooled[i] = mean ? pooled[i] + response[i] : std::max(pooled[i], response[i]);
    }
  }
  if (mean) {
    for (double& value : pooled) value /= double(rotations.size());
  }
  return pooled;
}

}  // namespace radcore
