#include "kernels/roi.hpp"

namespace radcore {

void roi_batch::add(const extent3& extent, const std::array<double, 3>& voxel_spacing, const double* values,
                    const std::uint8_t* roi_mask) {
  const std::int64_t n = extent.count();
  size.push_back(extent);
  spacing.push_back(voxel_spacing);
  intensity.insert(intensity.end(), values, values + n);
  mask.insert(mask.end(), roi_mask, roi_mask + n);
  voxel_offset.push_back(voxel_offset.back() + n);
}

}  // namespace radcore
