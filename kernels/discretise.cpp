#include "kernels/discretise.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Python's and numpy's floating modulo: the result takes the sign of the divisor.
double floor_mod(double a, double b) {
  double mod = std::fmod(a, b);
  if (mod != 0.0 && ((b < 0) != (mod < 0))) mod += b;
  return mod;
}

// numpy.arange(start, stop, step) for float64: length ceil((stop - start) / step), values
// start + i * ((start + step) - start), which differs from start + i * step in the last bit.
std::vector<double> numpy_arange(double start, double stop, double step) {
  const double length = std::ceil((stop - start) / step);
  const double delta = (start + step) - start;
  std::vector<double> values;
  if (length <= 0) return values;
  values.reserve(std::size_t(length));
  for (std::int64_t i = 0; i < std::int64_t(length); ++i) values.push_back(start + double(i) * delta);
  return values;
}

// numpy.linspace(start, stop, count, endpoint=True) in the precision of Real.
template <typename Real>
std::vector<double> numpy_linspace(Real start, Real stop, int count) {
  std::vector<double> values(static_cast<std::size_t>(count));
  const int divisions = count - 1;
  const Real delta = stop - start;
  const Real step = delta / Real(divisions);
  for (int i = 0; i < count; ++i) {
    Real y = (step == Real(0)) ? Real(i) / Real(divisions) * delta : Real(i) * step;
    values[std::size_t(i)] = double(Real(y + start));
  }
  if (count > 1) values.back() = double(stop);
  return values;
}

template <typename Real>
std::vector<double> histogram_edges(double minimum, double maximum, int bin_count) {
  Real first = Real(minimum);
  Real last = Real(maximum);
  if (first == last) {
    first = first - Real(0.5);
    last = last + Real(0.5);
  }
  std::vector<double> edges = numpy_linspace<Real>(first, last, bin_count + 1);
  edges.back() = double(Real(edges.back()) + Real(1));
  return edges;
}

}  // namespace

std::vector<double> bin_edges(const std::vector<double>& roi_values, const binning_settings& settings) {
  const auto [min_it, max_it] = std::minmax_element(roi_values.begin(), roi_values.end());
  const double minimum = *min_it;
  const double maximum = *max_it;

  if (settings.bin_count) {
    if (settings.float32_source) return histogram_edges<float>(minimum, maximum, *settings.bin_count);
    return histogram_edges<double>(minimum, maximum, *settings.bin_count);
  }

  const double width = settings.bin_width;
  const double low = minimum - floor_mod(minimum, width);
  const double high = maximum + 2 * width;
  std::vector<double> edges = numpy_arange(low, high, width);
  if (edges.size() == 1) edges = {edges[0] - 0.5, edges[0] + 0.5};
  return edges;
}

std::int32_t digitize(double value, const std::vector<double>& edges) {
  return std::int32_t(std::upper_bound(edges.begin(), edges.end(), value) - edges.begin());
}

namespace {

// digitize for the equally spaced edges that bin_edges returns: a guess from the spacing, then moved until
// edges[i - 1] <= value < edges[i] holds, so the result is digitize's for any edges, and reached in a step
// or two when the edges are evenly spaced.
class edge_lookup {
 public:
  explicit edge_lookup(const std::vector<double>& edges)
      : edges_(edges),
        origin_(edges.front()),
        scale_(edges.size() > 1 ? double(edges.size() - 1) / (edges.back() - edges.front()) : 0.0) {}

  std::int32_t operator()(double value) const {
    const std::int64_t last = std::int64_t(edges_.size());
    const double estimate = (value - origin_) * scale_ + 1.0;
    std::int64_t i = estimate <= 0.0 ? 0 : (estimate >= double(last) ? last : std::int64_t(estimate));
    while (i > 0 && edges_[std::size_t(i - 1)] > value) --i;
    while (i < last && edges_[std::size_t(i)] <= value) ++i;
    return std::int32_t(i);
  }

 private:
  const std::vector<double>& edges_;
  double origin_;
  double scale_;
};

}  // namespace

discrete_batch discretise(const roi_batch& rois, const binning_settings& settings) {
  discrete_batch out;
  out.size = rois.size;
  out.spacing = rois.spacing;
  out.voxel_offset = rois.voxel_offset;
  out.level.assign(rois.intensity.size(), 0);

  if (settings.bin_count && *settings.bin_count > settings.maximum_bin_count) {
    throw roi_error("binCount " + std::to_string(*settings.bin_count) + " is above maximumBinCount " +
                    std::to_string(settings.maximum_bin_count) + "; lower binCount or raise maximumBinCount");
  }

  std::vector<double> values;
  std::vector<std::int32_t> bins;
  for (int r = 0; r < rois.rois(); ++r) {
    // Messages name the ROI by its index only in a batch of several; callers prefix the file and label.
    const std::string which = rois.rois() > 1 ? "ROI " + std::to_string(r) + " " : "the ROI ";
    const std::int64_t begin = rois.voxel_offset[r];
    const std::int64_t end = rois.voxel_offset[r + 1];
    values.clear();
    for (std::int64_t v = begin; v < end; ++v) {
      if (rois.mask[v]) values.push_back(rois.intensity[v]);
    }
    if (values.empty()) throw roi_error(which + "has no voxels to discretise");

    const auto nonfinite = std::find_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
    if (nonfinite != values.end()) {
      // The loaders reject NaN and infinite voxels inside the ROI, so these come from a filter.
      std::ostringstream message;
      message << which << "holds " << std::count_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); })
              << " NaN or infinite values (for example " << *nonfinite
              << ") that cannot be discretised; a filter produced them from the settings or from NaN voxels of the "
                 "image near the ROI";
      throw roi_error(message.str());
    }
    if (!settings.bin_count) {
      // Bound the edge array before allocating it: Ng is at least (max - min) / W.
      const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      const double span_bins = (*hi - *lo) / settings.bin_width;
      if (!(span_bins <= double(settings.maximum_bin_count))) {
        std::ostringstream message;
        message << which << "spans " << span_bins << " bins of width " << settings.bin_width
                << " (intensities " << *lo << " to " << *hi << "), above maximumBinCount "
                << settings.maximum_bin_count << "; raise binWidth or maximumBinCount";
        throw roi_error(message.str());
      }
    }
    const std::vector<double> edges = bin_edges(values, settings);
    const edge_lookup lookup(edges);
    bins.assign(std::size_t(end - begin), 0);
    std::int32_t ng = 0;
    for (std::int64_t v = begin; v < end; ++v) {
      if (!rois.mask[v]) continue;
      const std::int32_t bin = lookup(rois.intensity[v]);
      bins[std::size_t(v - begin)] = bin;
      ng = std::max(ng, bin);
    }
    if (ng > settings.maximum_bin_count) {
      std::ostringstream message;
      message << which << "has " << ng << " grey levels (largest bin index) with bin width " << settings.bin_width
              << ", above maximumBinCount " << settings.maximum_bin_count << "; raise binWidth or maximumBinCount";
      throw roi_error(message.str());
    }

    // Compact the grey levels to those present, keeping their bin numbers for the formulas.
    std::vector<std::int32_t> compact(std::size_t(ng) + 1, 0);
    for (std::int64_t v = begin; v < end; ++v) {
      if (rois.mask[v]) compact[std::size_t(bins[std::size_t(v - begin)])] = 1;
    }
    std::int32_t next = 0;
    for (std::int32_t bin = 1; bin <= ng; ++bin) {
      if (!compact[std::size_t(bin)]) continue;
      compact[std::size_t(bin)] = ++next;
      out.grey_value.push_back(double(bin));
    }
    for (std::int64_t v = begin; v < end; ++v) {
      if (rois.mask[v]) out.level[std::size_t(v)] = compact[std::size_t(bins[std::size_t(v - begin)])];
    }
    out.level_offset.push_back(out.level_offset.back() + next);
    out.ng.push_back(ng);
  }
  return out;
}

}  // namespace radcore
