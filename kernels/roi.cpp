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

void append_rois(roi_batch& into, const roi_batch& from) {
  const std::int64_t base = into.voxel_offset.back();
  into.size.insert(into.size.end(), from.size.begin(), from.size.end());
  into.spacing.insert(into.spacing.end(), from.spacing.begin(), from.spacing.end());
  for (std::size_t r = 1; r < from.voxel_offset.size(); ++r) into.voxel_offset.push_back(base + from.voxel_offset[r]);
  into.intensity.insert(into.intensity.end(), from.intensity.begin(), from.intensity.end());
  into.mask.insert(into.mask.end(), from.mask.begin(), from.mask.end());
}

void append_rois(discrete_batch& into, const discrete_batch& from) {
  const std::int64_t voxel_base = into.voxel_offset.back();
  const std::int64_t level_base = into.level_offset.back();
  into.size.insert(into.size.end(), from.size.begin(), from.size.end());
  into.spacing.insert(into.spacing.end(), from.spacing.begin(), from.spacing.end());
  for (std::size_t r = 1; r < from.voxel_offset.size(); ++r) {
    into.voxel_offset.push_back(voxel_base + from.voxel_offset[r]);
  }
  into.level.insert(into.level.end(), from.level.begin(), from.level.end());
  for (std::size_t r = 1; r < from.level_offset.size(); ++r) {
    into.level_offset.push_back(level_base + from.level_offset[r]);
  }
  into.grey_value.insert(into.grey_value.end(), from.grey_value.begin(), from.grey_value.end());
  into.ng.insert(into.ng.end(), from.ng.begin(), from.ng.end());
}

roi_batch slice_rois(const roi_batch& batch, int first, int count) {
  roi_batch part;
  const std::size_t begin = std::size_t(first), end = std::size_t(first + count);
  part.size.assign(batch.size.begin() + std::ptrdiff_t(begin), batch.size.begin() + std::ptrdiff_t(end));
  part.spacing.assign(batch.spacing.begin() + std::ptrdiff_t(begin), batch.spacing.begin() + std::ptrdiff_t(end));
  const std::int64_t base = batch.voxel_offset[begin];
  part.voxel_offset.clear();
  for (std::size_t r = begin; r <= end; ++r) part.voxel_offset.push_back(batch.voxel_offset[r] - base);
  part.intensity.assign(batch.intensity.begin() + base, batch.intensity.begin() + batch.voxel_offset[end]);
  part.mask.assign(batch.mask.begin() + base, batch.mask.begin() + batch.voxel_offset[end]);
  return part;
}

discrete_batch slice_rois(const discrete_batch& batch, int first, int count) {
  discrete_batch part;
  const std::size_t begin = std::size_t(first), end = std::size_t(first + count);
  part.size.assign(batch.size.begin() + std::ptrdiff_t(begin), batch.size.begin() + std::ptrdiff_t(end));
  part.spacing.assign(batch.spacing.begin() + std::ptrdiff_t(begin), batch.spacing.begin() + std::ptrdiff_t(end));
  const std::int64_t voxel_base = batch.voxel_offset[begin];
  part.voxel_offset.clear();
  for (std::size_t r = begin; r <= end; ++r) part.voxel_offset.push_back(batch.voxel_offset[r] - voxel_base);
  part.level.assign(batch.level.begin() + voxel_base, batch.level.begin() + batch.voxel_offset[end]);
  const std::int64_t level_base = batch.level_offset[begin];
  part.level_offset.clear();
  for (std::size_t r = begin; r <= end; ++r) part.level_offset.push_back(batch.level_offset[r] - level_base);
  part.grey_value.assign(batch.grey_value.begin() + level_base, batch.grey_value.begin() + batch.level_offset[end]);
  part.ng.assign(batch.ng.begin() + std::ptrdiff_t(begin), batch.ng.begin() + std::ptrdiff_t(end));
  return part;
}

feature_block block_rows(const feature_block& block, int first, int count) {
  feature_block rows(count, block.features);
  const auto begin = block.values.begin() + std::ptrdiff_t(first) * block.features;
  std::copy(begin, begin + std::ptrdiff_t(count) * block.features, rows.values.begin());
  return rows;
}

}  // namespace radcore
