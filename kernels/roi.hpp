// ROI images as the feature families consume them: cropped to the mask's bounding box, stored in
// numpy order (z, y, x) with x varying fastest, packed many to a batch.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/hd.hpp"

namespace radcore {

// Size of a cropped ROI image in voxels.
struct extent3 {
  int nx = 0;
  int ny = 0;
  int nz = 0;

  RADCORE_HD std::int64_t count() const { return std::int64_t(nx) * ny * nz; }
  RADCORE_HD std::int64_t index(int x, int y, int z) const { return x + std::int64_t(nx) * (y + std::int64_t(ny) * z); }
  RADCORE_HD bool contains(int x, int y, int z) const {
    return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz;
  }
};

// Offset to a neighbouring voxel, in voxels along z, y and x (PyRadiomics lists angles in this order).
struct offset3 {
  int dz = 0;
  int dy = 0;
  int dx = 0;
};

// Undiscretised ROI images: intensities (in the image's values, as float64) and masks of each ROI's crop.
// Voxels of ROI r occupy [voxel_offset[r], voxel_offset[r + 1]) in `intensity` and `mask`.
struct roi_batch {
  std::vector<extent3> size;
  std::vector<std::array<double, 3>> spacing;  // (x, y, z) in mm
  std::vector<std::int64_t> voxel_offset{0};
  std::vector<double> intensity;
  std::vector<std::uint8_t> mask;  // 1 inside the ROI, 0 outside

  int rois() const { return int(size.size()); }
  void add(const extent3& extent, const std::array<double, 3>& voxel_spacing, const double* values,
           const std::uint8_t* roi_mask);
};

// Discretised ROI images with grey levels compacted to those present in each ROI.
// `level` holds, per voxel, the compact index 1..n of its grey level inside the ROI and 0 outside.
// grey_value[level_offset[r] + k - 1] is the bin number (PyRadiomics' grey level i) of compact index k;
// bin numbers are sorted ascending. `ng` is PyRadiomics' Ng: the largest bin number in the ROI.
struct discrete_batch {
  std::vector<extent3> size;
  std::vector<std::array<double, 3>> spacing;  // (x, y, z) in mm
  std::vector<std::int64_t> voxel_offset{0};
  std::vector<std::int32_t> level;
  std::vector<std::int64_t> level_offset{0};
  std::vector<double> grey_value;
  std::vector<std::int32_t> ng;

  int rois() const { return int(size.size()); }
  int levels(int roi) const { return int(level_offset[roi + 1] - level_offset[roi]); }
  const std::int32_t* voxels(int roi) const { return level.data() + voxel_offset[roi]; }
  const double* grey_values(int roi) const { return grey_value.data() + level_offset[roi]; }
};

// One ROI's compact levels copied into a block with `pad` voxels of level 0 on every side, so that
// neighbour offsets of up to `pad` voxels along each axis stay inside the block without a bounds check.
// A neighbour outside the crop reads 0, as a voxel outside the ROI does.
struct padded_levels {
  extent3 size;  // the padded block
  int pad = 0;
  std::vector<std::int32_t> level;

  // Index in the block of crop voxel (x, y, z).
  std::int64_t index(int x, int y, int z) const { return size.index(x + pad, y + pad, z + pad); }
  // Index difference in the block from a voxel to its neighbour at `o`.
  std::int64_t offset(const offset3& o) const {
    return o.dx + std::int64_t(size.nx) * (o.dy + std::int64_t(size.ny) * o.dz);
  }
  // Index differences of every offset in `offsets`, in their order.
  std::vector<std::int64_t> offsets_of(const std::vector<offset3>& offsets) const {
    std::vector<std::int64_t> steps;
    steps.reserve(offsets.size());
    for (const offset3& o : offsets) steps.push_back(offset(o));
    return steps;
  }
};

// Returns ROI `roi` of `batch` padded by the largest component of `offsets` (at least 1).
padded_levels pad_levels(const discrete_batch& batch, int roi, const std::vector<offset3>& offsets);

// Feature values of one family for a batch: rows are ROIs, columns the family's features in the order
// of its name table. NaN marks a value PyRadiomics also reports as NaN.
struct feature_block {
  int rois = 0;
  int features = 0;
  std::vector<double> values;

  feature_block() = default;
  feature_block(int roi_count, int feature_count)
      : rois(roi_count), features(feature_count), values(std::size_t(roi_count) * feature_count, 0.0) {}
  double& at(int roi, int feature) { return values[std::size_t(roi) * features + feature]; }
  double at(int roi, int feature) const { return values[std::size_t(roi) * features + feature]; }
};

// Appends the ROI images of `from` to `into`, keeping their order and offsets consistent.
void append_rois(roi_batch& into, const roi_batch& from);
void append_rois(discrete_batch& into, const discrete_batch& from);

// Returns ROI images [first, first + count) of `batch` as a batch of their own.
roi_batch slice_rois(const roi_batch& batch, int first, int count);
discrete_batch slice_rois(const discrete_batch& batch, int first, int count);

// Returns rows [first, first + count) of `block`.
feature_block block_rows(const feature_block& block, int first, int count);

}  // namespace radcore
