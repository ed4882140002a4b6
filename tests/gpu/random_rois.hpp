// Seeded random ROI images for the GPU tests and the timing run, built in C++ so that they need no data
// files. Values are constant over small blocks, so that zones, runs and dependences of more than one voxel
// occur, and masks leave out a share of the crop's voxels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/roi.hpp"

namespace radcore::testing {

struct random_roi_shape {
  extent3 size;
  int levels = 8;          // distinct values drawn, 25 apart, so bin width 25 gives this many bins at most
  int block = 2;           // edge of the cubes of equal value, in voxels
  double inside = 0.85;    // probability that a voxel belongs to the ROI
};

// Appends one random ROI to `rois`. At least one voxel is inside the ROI.
inline void add_random_roi(roi_batch& rois, const random_roi_shape& shape, std::mt19937_64& random) {
  const extent3& size = shape.size;
  std::uniform_int_distribution<int> level(0, shape.levels - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int bx = (size.nx + shape.block - 1) / shape.block;
  const int by = (size.ny + shape.block - 1) / shape.block;
  const int bz = (size.nz + shape.block - 1) / shape.block;
  std::vector<double> block_value(std::size_t(bx) * by * bz);
  for (double& v : block_value) v = 25.0 * level(random) + 3.0;
  std::vector<double> values(std::size_t(size.count()));
  std::vector<std::uint8_t> mask(std::size_t(size.count()));
  for (int z = 0; z < size.nz; ++z) {
    for (int y = 0; y < size.ny; ++y) {
      for (int x = 0; x < size.nx; ++x) {
        const std::size_t b = std::size_t(x / shape.block + bx * (y / shape.block + by * (z / shape.block)));
        const std::size_t v = std::size_t(size.index(x, y, z));
        values[v] = block_value[b];
        mask[v] = unit(random) < shape.inside ? 1 : 0;
      }
    }
  }
  mask[std::size_t(size.count() / 2)] = 1;
  rois.add(size, {1.0, 0.8, 2.5}, values.data(), mask.data());
}

// A batch of ROIs of many shapes: single voxels, lines, single slices (which make the angles 2D), thin
// slabs and cubes up to 24 voxels a side, with few and many grey levels.
inline discrete_batch random_discrete_batch(std::uint64_t seed, int copies = 1) {
  std::mt19937_64 random(seed);
  const std::vector<random_roi_shape> shapes = {
      {{1, 1, 1}, 3, 1, 1.0},   {{5, 1, 1}, 3, 1, 1.0},  {{7, 6, 1}, 4, 1, 0.9},    {{4, 4, 4}, 1, 1, 1.0},
      {{3, 5, 7}, 6, 1, 0.8},   {{9, 9, 2}, 10, 2, 0.85}, {{10, 10, 10}, 8, 2, 0.85}, {{12, 8, 16}, 30, 3, 0.7},
      {{16, 16, 16}, 60, 2, 0.9}, {{24, 20, 22}, 120, 4, 0.8}, {{2, 30, 3}, 5, 1, 0.95},
  };
  roi_batch rois;
  for (int c = 0; c < copies; ++c) {
    for (const random_roi_shape& shape : shapes) add_random_roi(rois, shape, random);
  }
  binning_settings binning;
  binning.bin_width = 25.0;
  return discretise(rois, binning);
}

// A batch of `count` cubes of `edge` voxels a side with about 24 grey levels, for timing.
inline discrete_batch random_cube_batch(std::uint64_t seed, int count, int edge) {
  std::mt19937_64 random(seed);
  roi_batch rois;
  for (int i = 0; i < count; ++i) add_random_roi(rois, {{edge, edge, edge}, 24, 2, 0.85}, random);
  binning_settings binning;
  binning.bin_width = 25.0;
  return discretise(rois, binning);
}

}  // namespace radcore::testing

namespace radcore::testing {

// How random_roi_batch draws an ROI's intensities.
enum class random_intensity {
  continuous,    // normal, with negative values
  duplicates,    // a few integers, so that most values repeat
  float32,       // normal values rounded to float32, as images stored in float32 give
  constant,      // one value for the whole ROI
  signed_zeros,  // -0.0 and +0.0 among small integers
};

struct random_intensity_shape {
  extent3 size;
  random_intensity kind = random_intensity::continuous;
  double inside = 0.85;  // probability that a voxel belongs to the ROI
};

// Appends one ROI of random intensities to `rois`. At least one voxel is inside the ROI.
inline void add_random_intensity_roi(roi_batch& rois, const random_intensity_shape& shape, std::mt19937_64& random) {
  std::normal_distribution<double> normal(40.0, 300.0);
  std::uniform_int_distribution<int> small_integer(-3, 4);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double constant = normal(random);
  std::vector<double> values(std::size_t(shape.size.count()));
  std::vector<std::uint8_t> mask(values.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    switch (shape.kind) {
      case random_intensity::continuous: values[v] = normal(random); break;
      case random_intensity::duplicates: values[v] = 25.0 * small_integer(random); break;
      case random_intensity::float32: values[v] = double(float(normal(random))); break;
      case random_intensity::constant: values[v] = constant; break;
      case random_intensity::signed_zeros: {
        // Three draws in eight give -0.0, one gives +0.0.
        const int drawn = small_integer(random);
        if (drawn < 0) {
          values[v] = -0.0;
        } else {
          values[v] = double(drawn);
        }
        break;
      }
    }
    mask[v] = unit(random) < shape.inside ? 1 : 0;
  }
  mask[values.size() / 2] = 1;
  const std::array<double, 3> spacing = {0.5 + unit(random), 0.7, 1.0 + 2.0 * unit(random)};
  rois.add(shape.size, spacing, values.data(), mask.data());
}

// A batch of ROIs of random intensities for first-order features: single voxels, lines along each axis,
// single slices and cubes up to 40 voxels a side, each kind of random_intensity at several sizes.
inline roi_batch random_roi_batch(std::uint64_t seed) {
  using kind = random_intensity;
  std::mt19937_64 random(seed);
  const std::vector<random_intensity_shape> shapes = {
      {{1, 1, 1}, kind::continuous, 1.0},     {{1, 1, 1}, kind::signed_zeros, 1.0},
      {{9, 1, 1}, kind::continuous, 1.0},     {{1, 7, 1}, kind::duplicates, 1.0},
      {{1, 1, 17}, kind::float32, 0.9},       {{2, 1, 1}, kind::signed_zeros, 1.0},
      {{12, 10, 1}, kind::continuous, 0.8},   {{1, 8, 6}, kind::duplicates, 0.9},
      {{5, 5, 5}, kind::constant, 0.7},       {{6, 6, 6}, kind::signed_zeros, 0.9},
      {{16, 16, 16}, kind::float32, 0.85},    {{20, 20, 20}, kind::duplicates, 0.6},
      {{30, 7, 3}, kind::continuous, 0.95},   {{24, 24, 24}, kind::constant, 1.0},
      {{40, 40, 40}, kind::continuous, 0.85}, {{40, 40, 40}, kind::duplicates, 1.0},
      {{33, 40, 29}, kind::float32, 0.5},     {{11, 13, 2}, kind::signed_zeros, 0.8},
  };
  roi_batch rois;
  for (const random_intensity_shape& shape : shapes) add_random_intensity_roi(rois, shape, random);
  return rois;
}

}  // namespace radcore::testing
