#include "kernels/lbp.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Sample offsets (row, column) on the circle: -R sin(2 pi i / P) and R cos(2 pi i / P), rounded to 5
// decimals as numpy.round does it (multiply by 1e5, round half to even, divide by 1e5).
struct circle_offsets {
  std::vector<double> rows;
  std::vector<double> cols;
};

double numpy_round_5(double value) { return std::nearbyint(value * 100000.0) / 100000.0; }

circle_offsets sample_offsets(const lbp_options& options) {
  // scikit-image's _local_binary_pattern declares R as a C float, so the radius is rounded to float32.
  const double radius = double(static_cast<float>(options.radius));
  const double two_pi = 2.0 * M_PI;
  circle_offsets offsets;
  for (int i = 0; i < options.samples; ++i) {
    const double angle = two_pi * double(i) / double(options.samples);
    offsets.rows.push_back(numpy_round_5(-radius * std::sin(angle)));
    offsets.cols.push_back(numpy_round_5(radius * std::cos(angle)));
  }
  return offsets;
}

double pixel_or_zero(const double* slice, int rows, int cols, long r, long c) {
  if (r < 0 || r >= rows || c < 0 || c >= cols) return 0.0;
  return slice[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
}

// scikit-image's bilinear_interpolation (skimage/_shared/interpolation.pxd) in constant mode with cval 0.
double bilinear(const double* slice, int rows, int cols, double r, double c) {
  const long min_r = long(std::floor(r));
  const long min_c = long(std::floor(c));
  const long max_r = long(std::ceil(r));
  const long max_c = long(std::ceil(c));
  const double dr = r - double(min_r);
  const double dc = c - double(min_c);
  const double top =
      (1 - dc) * pixel_or_zero(slice, rows, cols, min_r, min_c) + dc * pixel_or_zero(slice, rows, cols, min_r, max_c);
  const double bottom =
      (1 - dc) * pixel_or_zero(slice, rows, cols, max_r, min_c) + dc * pixel_or_zero(slice, rows, cols, max_r, max_c);
  return (1 - dr) * top + dr * bottom;
}

// The biased variance of the sampled texture as scikit-image 0.25.2 computes it: sequential sums of the
// values and of their squares, then (sum of squares - sum^2 / P) / P.
double texture_variance(const std::vector<double>& texture) {
  double sum = 0.0;
  double sum_of_squares = 0.0;
  for (double value : texture) {
    sum += value;
    sum_of_squares += value * value;
  }
  const double count = double(texture.size());
  return (sum_of_squares - (sum * sum) / count) / count;
}

// scikit-image's _bit_rotate_right on a C int: an arithmetic right shift (as GCC compiles it), with bit 0 moved
// up in unsigned arithmetic so that P = 32 reaches the sign bit without undefined behaviour.
int rotate_right(int value, int length) {
  const std::uint32_t low_bit = std::uint32_t(value) & 1u;
  return int(std::uint32_t(value >> 1) | (low_bit << unsigned(length - 1)));
}

// The smallest of the P cyclic right rotations of a P-bit pattern.
int minimum_rotation(int pattern, int length) {
  int smallest = pattern;
  int rotated = pattern;
  for (int i = 1; i < length; ++i) {
    rotated = rotate_right(rotated, length);
    if (rotated < smallest) smallest = rotated;
  }
  return smallest;
}

// The pattern of one pixel from its thresholded neighbours (1 where neighbour - centre >= 0).
double pattern_value(const std::vector<int>& signs, const std::vector<double>& texture, lbp_method method) {
  const int samples = int(signs.size());
  if (method == lbp_method::basic || method == lbp_method::rotation_invariant) {
    // scikit-image weighs neighbour i by numpy's int32 2^i, which wraps to -2^31 at i = 31 and to 0 above, and
    // sums the weights in double.
    double pattern = 0;
    for (int i = 0; i < samples; ++i) {
      const std::int32_t weight = i < 32 ? std::int32_t(std::uint32_t(1) << unsigned(i)) : 0;
      pattern += signs[std::size_t(i)] * weight;
    }
    if (method == lbp_method::rotation_invariant) pattern = minimum_rotation(int(pattern), samples);
    return pattern;
  }
  if (method == lbp_method::variance) {
    const double variance = texture_variance(texture);
    return variance != 0 ? variance : std::numeric_limits<double>::quiet_NaN();
  }
  // A uniform pattern (at most two 0/1 changes along the open chain 0 .. P-1, as scikit-image counts them)
  // gets its number of ones, and every other pattern gets P + 1.
  int changes = 0;
  for (int i = 0; i + 1 < samples; ++i) changes += signs[std::size_t(i)] != signs[std::size_t(i) + 1] ? 1 : 0;
  double value = samples + 1;
  if (changes <= 2) {
    value = 0;
    for (int sign : signs) value += sign;
  }
  return value;
}

}  // namespace

lbp_method parse_lbp_method(const std::string& text) {
  if (text == "default") return lbp_method::basic;
  if (text == "ror") return lbp_method::rotation_invariant;
  if (text == "uniform") return lbp_method::uniform;
  if (text == "var") return lbp_method::variance;
  throw input_error("invalid lbp2DMethod '" + text + "' (expected default, ror, uniform or var)");
}

std::vector<double> local_binary_pattern(const double* slice, int rows, int cols, const lbp_options& options) {
  const circle_offsets offsets = sample_offsets(options);
  const std::size_t samples = std::size_t(options.samples);
  std::vector<double> texture(samples);
  std::vector<int> signs(samples);
  std::vector<double> out(std::size_t(rows) * std::size_t(cols));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const double centre = slice[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
      for (std::size_t i = 0; i < samples; ++i) {
        texture[i] = bilinear(slice, rows, cols, double(r) + offsets.rows[i], double(c) + offsets.cols[i]);
        signs[i] = texture[i] - centre >= 0 ? 1 : 0;
      }
      out[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = pattern_value(signs, texture, options.method);
    }
  }
  return out;
}

std::vector<double> lbp2d_filter(const std::vector<double>& values, const std::array<int, 3>& size, int axis,
                                 const lbp_options& options) {
  if (axis < 0 || axis > 2) {
    throw input_error("invalid force2Ddimension " + std::to_string(axis) + " for LBP2D (expected 0, 1 or 2)");
  }
  // Strides of numpy axes (z, y, x) in `values`.
  const std::array<std::size_t, 3> extent{std::size_t(size[2]), std::size_t(size[1]), std::size_t(size[0])};
  const std::array<std::size_t, 3> stride{extent[1] * extent[2], extent[2], 1};
  // After numpy.swapaxes(0, axis), the slice axis is `axis`, its rows the old axis 1 (or 0 when axis is 1) and
  // its columns the old axis 2 (or 0 when axis is 2).
  const int row_axis = axis == 1 ? 0 : 1;
  const int col_axis = axis == 2 ? 0 : 2;
  const int rows = int(extent[std::size_t(row_axis)]);
  const int cols = int(extent[std::size_t(col_axis)]);
  std::vector<double> out(values.size());
  std::vector<double> slice(std::size_t(rows) * std::size_t(cols));
  for (std::size_t index = 0; index < extent[std::size_t(axis)]; ++index) {
    const std::size_t base = index * stride[std::size_t(axis)];
    auto offset = [&](int r, int c) {
      return base + std::size_t(r) * stride[std::size_t(row_axis)] + std::size_t(c) * stride[std::size_t(col_axis)];
    };
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) slice[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = values[offset(r, c)];
    }
    const std::vector<double> pattern = local_binary_pattern(slice.data(), rows, cols, options);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) out[offset(r, c)] = pattern[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
    }
  }
  return out;
}

namespace {

template <typename Integer>
double wrap_to(double truncated) {
  return double(static_cast<Integer>(static_cast<std::int64_t>(truncated)));
}

}  // namespace

void cast_to_pixel_type(std::vector<double>& values, const std::string& pixel_type) {
  if (pixel_type == "double") return;
  if (pixel_type == "float") {
    for (double& value : values) value = double(static_cast<float>(value));
    return;
  }
  for (double& value : values) {
    // NOTE: numpy casts NaN (var on a flat neighbourhood) to a platform-dependent integer. radcore keeps NaN
    // there, so such voxels and the features of an integer image under var may differ from PyRadiomics.
    if (!std::isfinite(value)) continue;
    const double truncated = std::trunc(value);
    if (pixel_type == "char") value = wrap_to<std::int8_t>(truncated);
    else if (pixel_type == "unsigned_char") value = wrap_to<std::uint8_t>(truncated);
    else if (pixel_type == "short") value = wrap_to<std::int16_t>(truncated);
    else if (pixel_type == "unsigned_short") value = wrap_to<std::uint16_t>(truncated);
    else if (pixel_type == "int") value = wrap_to<std::int32_t>(truncated);
    else if (pixel_type == "unsigned_int") value = wrap_to<std::uint32_t>(truncated);
    else value = truncated;
  }
}

}  // namespace radcore
