// PyRadiomics' ROI checks (checkMask) and resegmentation on loaded arrays.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "host/settings.hpp"
#include "io/case_loader.hpp"

namespace radcore {

// Inclusive voxel bounds (x, y, z) of an ROI.
struct bounding_box {
  std::array<int, 3> lower{};
  std::array<int, 3> upper{};

  int extent(int axis) const { return upper[axis] - lower[axis] + 1; }
};

// Returns the ROI's bounding box and voxel count. Throws roi_error for an empty mask.
bounding_box find_bounding_box(const roi_mask& mask, std::int64_t* voxel_count = nullptr);

// Applies PyRadiomics' dimension and size checks: a single voxel is always rejected, an ROI with fewer
// dimensions of extent > 1 than minimumROIDimensions is rejected, and so is one with at most
// minimumROISize voxels. Throws roi_error whose message starts with `where`.
void check_roi(const bounding_box& box, std::int64_t voxel_count, const extraction_settings& settings,
               const std::string& where);

// Removes ROI voxels outside resegmentRange (absolute, relative to the ROI maximum, or mean ± n sigma),
// as PyRadiomics' resegmentMask does. Throws roi_error when at most one voxel remains.
roi_mask resegment(const volume& image, const roi_mask& mask, const extraction_settings& settings,
                   const std::string& where);

}  // namespace radcore
