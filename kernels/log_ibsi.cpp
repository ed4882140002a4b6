#include "kernels/log_ibsi.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <string>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Returns the sampled Gaussian (order 0) or its second derivative (order 2) for `sigma` voxels, with
// at most `max_radius` taps on each side of the centre.
axis_filter gaussian_taps(double sigma, double truncate, int order, int max_radius) {
  const double reach = std::floor(truncate * sigma + 0.5);
  if (!(reach <= double(max_radius))) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", reach);
    throw input_error("IBSI LoG: the kernel would reach " + std::string(text) + " voxels from its centre, more than " +
                      std::to_string(max_radius) + " (8 times the image along that axis); lower sigma or " +
                      "ibsiLoGTruncate");
  }
  const int radius = int(reach);

  if (radius == 0) {
    // A Gaussian narrower than half a voxel is its centre tap alone, and its corrected second derivative
    // is 0. So along this axis the filter passes the image unchanged or contributes nothing.
    axis_filter filter;
    filter.taps = {order == 0 ? 1.0 : 0.0};
    return filter;
  }
  axis_filter filter;
  filter.centre = radius;
  filter.taps.resize(std::size_t(2 * radius + 1));
  double total = 0;
  for (int x = -radius; x <= radius; ++x) {
    const double value = std::exp(-0.5 * double(x) * double(x) / (sigma * sigma));
    filter.taps[std::size_t(x + radius)] = value;
    total += value;
  }
  for (double& tap : filter.taps) tap /= total;
  if (order == 0) return filter;

  std::vector<double> second(filter.taps.size());
  double second_sum = 0;
  for (int x = -radius; x <= radius; ++x) {
    const double g = filter.taps[std::size_t(x + radius)];
    const double factor = double(x) * double(x) / (sigma * sigma * sigma * sigma) - 1 / (sigma * sigma);
    second[std::size_t(x + radius)] = g * factor;
    second_sum += second[std::size_t(x + radius)];
  }
  // The sampled second derivative does not sum to 0, most of all where sigma is below one voxel and the
  // Gaussian is little more than its centre tap. There a constant image would give -value / sigma^2.
  // Subtracting the sum times the normalised Gaussian makes the taps sum to 0 and keeps their shape.
  for (std::size_t i = 0; i < second.size(); ++i) second[i] -= second_sum * filter.taps[i];
  filter.taps = std::move(second);
  return filter;
}

}  // namespace

std::vector<double> log_ibsi_response(const std::array<int, 3>& size, const std::array<double, 3>& spacing,
                                      const std::vector<double>& values, const log_ibsi_options& options) {
  if (!(options.sigma_mm > 0) || !std::isfinite(options.sigma_mm)) {
    throw input_error("IBSI LoG: invalid sigma " + std::to_string(options.sigma_mm) + " mm; use a positive value");
  }
  if (!(options.truncate > 0) || !std::isfinite(options.truncate)) {
    throw input_error("IBSI LoG: invalid truncation " + std::to_string(options.truncate) +
                      " standard deviations; use a positive value");
  }
  std::size_t count = 1;
  for (int axis = 0; axis < 3; ++axis) {
    if (size[axis] < 1) {
      throw input_error("IBSI LoG: invalid volume size " + std::to_string(size[axis]) + " along axis " +
                        std::to_string(axis) + "; every dimension needs at least 1 voxel");
    }
    if (!(spacing[axis] > 0) || !std::isfinite(spacing[axis])) {
      throw input_error("IBSI LoG: invalid spacing " + std::to_string(spacing[axis]) + " mm along axis " +
                        std::to_string(axis) + "; spacings must be positive");
    }
    count *= std::size_t(size[axis]);
  }
  if (values.size() != count) {
    throw input_error("IBSI LoG: " + std::to_string(values.size()) + " values do not match the volume size " +
                      std::to_string(size[0]) + "x" + std::to_string(size[1]) + "x" + std::to_string(size[2]));
  }

  const int axes = options.slice_wise ? 2 : 3;
  std::vector<double> response(values.size(), 0.0);
  for (int derivative_axis = 0; derivative_axis < axes; ++derivative_axis) {
    std::vector<double> term = values;
    for (int axis = 0; axis < axes; ++axis) {
      const double sigma = options.sigma_mm / spacing[axis];
      const axis_filter filter =
          gaussian_taps(sigma, options.truncate, axis == derivative_axis ? 2 : 0, 8 * std::max(size[axis], 1));
      term = convolve_along_axis(term, size, axis, filter, options.boundary);
    }
    for (std::size_t i = 0; i < response.size(); ++i) response[i] += term[i];
  }
  return response;
}

}  // namespace radcore
