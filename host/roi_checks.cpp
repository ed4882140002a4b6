#include "host/roi_checks.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/pairwise_sum.hpp"

namespace radcore {
namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

bounding_box find_bounding_box(const roi_mask& mask, std::int64_t* voxel_count) {
  bounding_box box;
  box.lower = {mask.size[0], mask.size[1], mask.size[2]};
  box.upper = {-1, -1, -1};
  std::int64_t count = 0;
  std::size_t i = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x, ++i) {
        if (!mask.inside[i]) continue;
        ++count;
        const int p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          box.lower[a] = std::min(box.lower[a], p[a]);
          box.upper[a] = std::max(box.upper[a], p[a]);
        }
      }
    }
  }
  if (count == 0) throw roi_error("the ROI has no voxels");
  if (voxel_count) *voxel_count = count;
  return box;
}

void check_roi(const bounding_box& box, std::int64_t voxel_count, const extraction_settings& settings,
               const std::string& where) {
  int dimensions = 0;
  for (int axis = 0; axis < 3; ++axis) dimensions += box.extent(axis) > 1 ? 1 : 0;
  if (dimensions == 0) {
    throw roi_error(where + ": the ROI is a single voxel; features need at least two voxels");
  }
  if (dimensions < settings.minimum_roi_dimensions) {
    std::ostringstream message;
    message << where << ": the ROI extends along " << dimensions << " dimension(s), fewer than minimumROIDimensions "
            << settings.minimum_roi_dimensions << "; lower minimumROIDimensions to accept it";
    throw roi_error(message.str());
  }
  if (settings.minimum_roi_size && voxel_count <= *settings.minimum_roi_size) {
    std::ostringstream message;
    message << where << ": the ROI has " << voxel_count << " voxels; minimumROISize " << *settings.minimum_roi_size
            << " requires more";
    throw roi_error(message.str());
  }
}

roi_mask resegment(const volume& image, const roi_mask& mask, const extraction_settings& settings,
                   const std::string& where) {
  std::vector<double> range = *settings.resegment_range;
  if (range.empty() || range.size() > 2) {
    throw input_error(where + ": resegmentRange must hold one or two values, not " + std::to_string(range.size()));
  }
  std::sort(range.begin(), range.end());

  std::vector<double> roi_values;
  for (std::size_t i = 0; i < mask.inside.size(); ++i) {
    if (mask.inside[i]) roi_values.push_back(image.values[i]);
  }
  if (roi_values.empty()) throw roi_error(where + ": the ROI has no voxels to resegment");

  std::vector<double> thresholds;
  if (settings.resegment == resegment_mode::absolute) {
    thresholds = range;
  } else if (settings.resegment == resegment_mode::relative) {
    const double maximum = *std::max_element(roi_values.begin(), roi_values.end());
    for (double t : range) thresholds.push_back(maximum * t);
  } else {
    // numpy.mean and numpy.std (population) of the ROI values.
    const double n = double(roi_values.size());
    const double mean = pairwise_sum(roi_values.data(), roi_values.size()) / n;
    std::vector<double> squared(roi_values.size());
    for (std::size_t i = 0; i < roi_values.size(); ++i) {
      const double d = roi_values[i] - mean;
      squared[i] = d * d;
    }
    const double deviation = std::sqrt(pairwise_sum(squared.data(), squared.size()) / n);
    for (double t : range) thresholds.push_back(mean + deviation * t);
  }

  roi_mask out = mask;
  std::int64_t kept = 0;
  for (std::size_t i = 0; i < out.inside.size(); ++i) {
    if (!out.inside[i]) continue;
    const double value = image.values[i];
    bool keep = value >= thresholds[0];
    if (thresholds.size() == 2) keep = keep && value <= thresholds[1];
    out.inside[i] = keep ? 1 : 0;
    kept += keep ? 1 : 0;
  }
  if (kept <= 1) {
    throw roi_error(where + ": resegmentation with range [" + format_number(thresholds.front()) + ", " +
                    format_number(thresholds.back()) + "] kept " + std::to_string(kept) +
                    " voxel(s); widen resegmentRange");
  }
  return out;
}

}  // namespace radcore
