#include "kernels/ibsi_convolution.hpp"

#include <cstddef>

#include "kernels/error.hpp"

namespace radcore {

int ibsi_boundary_index(std::int64_t at, int count, ibsi_boundary boundary) {
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

std::vector<double> convolve_along_axis(const std::vector<double>& image, const std::array<int, 3>& size, int axis,
                                        const axis_filter& filter, ibsi_boundary boundary) {
  std::int64_t stride = 1;
  for (int lower = 0; lower < axis; ++lower) stride *= size[lower];
  const int count = size[axis];
  std::vector<double> result(image.size());
  std::vector<double> line(static_cast<std::size_t>(count));
  // The source index of every tap at every position of a line, computed once per axis.
  std::vector<int> sources(std::size_t(count) * filter.taps.size());
  for (int n = 0; n < count; ++n) {
    for (std::size_t i = 0; i < filter.taps.size(); ++i) {
      const std::int64_t at = n + std::int64_t(filter.dilation) * (filter.centre - std::int64_t(i));
      sources[std::size_t(n) * filter.taps.size() + i] = ibsi_boundary_index(at, count, boundary);
    }
  }
  // Each line along `axis` starts at a voxel whose coordinate along `axis` is 0.
  for (std::int64_t start = 0; start < std::int64_t(image.size()); ++start) {
    if ((start / stride) % count != 0) continue;
    for (int n = 0; n < count; ++n) line[std::size_t(n)] = image[std::size_t(start + n * stride)];
    for (int n = 0; n < count; ++n) {
      double sum = 0;
      const int* source = &sources[std::size_t(n) * filter.taps.size()];
      for (std::size_t i = 0; i < filter.taps.size(); ++i) {
        if (source[i] >= 0) sum += filter.taps[i] * line[std::size_t(source[i])];
      }
      result[std::size_t(start + n * stride)] = sum;
    }
  }
  return result;
}

ibsi_boundary parse_ibsi_boundary(const std::string& text) {
  if (text == "zero") return ibsi_boundary::zero;
  if (text == "nearest") return ibsi_boundary::nearest;
  if (text == "periodic") return ibsi_boundary::periodic;
  if (text == "mirror") return ibsi_boundary::mirror;
  throw input_error("invalid IBSI boundary '" + text + "'; use zero, nearest, periodic or mirror");
}

}  // namespace radcore
