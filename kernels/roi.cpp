#include "kernels/roi.hpp"

#include <algorithm>
#include <cstdlib>

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

padded_levels pad_levels(const discrete_batch& batch, int roi, const std::vector<offset3>& offsets) {
  int pad = 1;
  for (const offset3& o : offsets) pad = std::max({pad, std::abs(o.dx), std::abs(o.dy), std::abs(o.dz)});
  const extent3& crop = batch.size[std::size_t(roi)];
  padded_levels padded;
  padded.pad = pad;
  padded.size = {crop.nx + 2 * pad, crop.ny + 2 * pad, crop.nz + 2 * pad};
  padded.level.assign(std::size_t(padded.size.count()), 0);
  const std::int32_t* level = batch.voxels(roi);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      const std::int32_t* row = level + crop.index(0, y, z);
      std::copy(row, row + crop.nx, padded.level.begin() + padded.index(0, y, z));
    }
  }
  return padded;
}

}  // namespace radcore
