// Seeded random images, boxes and wavelet settings on which a batched wavelet transform (the CUDA backend,
// or the host run of its launches in tests/test_wavelet_batch.cpp) is compared with the CPU's
// wavelet_transform. Built in C++, so that the GPU-only build needs no data files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/wavelet.hpp"

namespace radcore::testing {

// A seeded random image with values in [-1000, 1000). float32 images contain only float32 numbers, as ITK
// float images read into float64 do.
struct random_image {
  std::array<int, 3> size{};
  std::vector<double> values;
  wavelet_precision precision = wavelet_precision::float64;
};

inline random_image make_random_image(const std::array<int, 3>& size, wavelet_precision precision,
                                      std::uint64_t seed) {
  random_image image{size, {}, precision};
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> value(-1000.0, 1000.0);
  image.values.resize(std::size_t(size[0]) * size[1] * size[2]);
  for (double& v : image.values) {
    v = value(random);
    if (precision == wavelet_precision::float32) v = double(float(v));
  }
  return image;
}

// Boxes of an image: the whole image, both corners (the high one next to the wrap padding), a single voxel,
// a slab along x touching two borders and, where every axis has 3 voxels or more, an interior box.
inline std::vector<voxel_box> test_boxes_of(const std::array<int, 3>& n) {
  std::vector<voxel_box> boxes;
  boxes.push_back({{0, 0, 0}, n});
  boxes.push_back({{0, 0, 0}, {std::min(2, n[0]), std::min(3, n[1]), std::min(2, n[2])}});
  const std::array<int, 3> high{std::min(3, n[0]), std::min(2, n[1]), std::min(3, n[2])};
  boxes.push_back({{n[0] - high[0], n[1] - high[1], n[2] - high[2]}, high});
  boxes.push_back({{n[0] - 1, 0, n[2] - 1}, {1, 1, 1}});
  boxes.push_back({{0, n[1] / 2, n[2] / 2}, {n[0], 1, 1}});
  if (n[0] >= 3 && n[1] >= 3 && n[2] >= 3) {
    const std::array<int, 3> lower{n[0] / 3, n[1] / 3, n[2] / 3};
    boxes.push_back({lower, {std::max(1, n[0] / 3), std::max(1, n[1] / 3), std::max(1, n[2] / 3)}});
  }
  return boxes;
}

// The requests of one call: test_boxes_of(size) for every image, so each image appears once per box.
struct wavelet_batch {
  std::vector<random_image> images;
  std::vector<std::size_t> image_of;  // per box
  std::vector<voxel_box> boxes;

  void add(const std::array<int, 3>& size, wavelet_precision precision) {
    images.push_back(make_random_image(size, precision, 20260405 + images.size()));
    for (const voxel_box& box : test_boxes_of(size)) {
      image_of.push_back(images.size() - 1);
      boxes.push_back(box);
    }
  }

  std::vector<wavelet_input> inputs() const {
    std::vector<wavelet_input> result;
    for (std::size_t i : image_of) result.push_back({images[i].size, images[i].values.data(), images[i].precision});
    return result;
  }
};

// Even and odd sizes, axes of one to three voxels, images shorter than every tested filter but haar (so the
// margin wraps), and an image longer than dmey's margin along x, in both precisions within one call.
inline wavelet_batch volume_batch() {
  wavelet_batch batch;
  const std::vector<std::array<int, 3>> sizes = {{9, 8, 7}, {6, 5, 4}, {1, 2, 3}, {3, 1, 2},
                                                 {2, 3, 1}, {1, 1, 1}, {21, 18, 17}, {70, 4, 3}};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    batch.add(sizes[i], i % 2 == 0 ? wavelet_precision::float64 : wavelet_precision::float32);
    batch.add(sizes[i], i % 2 == 0 ? wavelet_precision::float32 : wavelet_precision::float64);
  }
  return batch;
}

// Single-slice images (z of one voxel) for image_dimensions 2.
inline wavelet_batch slice_batch() {
  wavelet_batch batch;
  const std::vector<std::array<int, 3>> sizes = {{9, 8, 1}, {6, 7, 1}, {5, 1, 1}, {1, 6, 1}, {3, 2, 1}, {19, 16, 1}};
  for (const auto& size : sizes) {
    batch.add(size, wavelet_precision::float64);
    batch.add(size, wavelet_precision::float32);
  }
  return batch;
}

inline wavelet_options wavelet_options_of(const std::string& wavelet, int level, int start_level) {
  wavelet_options options;
  options.wavelet = wavelet;
  options.level = level;
  options.start_level = start_level;
  return options;
}

// Settings for volume_batch. coif1, the study's wavelet, runs at levels 0, 1 and 2, with and without a start
// level. haar, db3, sym4, bior2.2, rbio1.3 and dmey run at levels 1 and 2, and force2d leaves out each axis.
inline std::vector<wavelet_options> volume_options() {
  std::vector<wavelet_options> all;
  const std::vector<std::pair<int, int>> levels = {{1, 0}, {2, 0}, {1, 1}};
  for (const auto& [level, start_level] : levels) all.push_back(wavelet_options_of("coif1", level, start_level));
  all.push_back(wavelet_options_of("coif1", 2, 1));
  all.push_back(wavelet_options_of("coif1", 0, 0));
  all.push_back(wavelet_options_of("coif1", 0, 2));
  for (const char* wavelet : {"haar", "db3", "sym4", "bior2.2", "rbio1.3", "dmey"}) {
    for (const auto& [level, start_level] : levels) all.push_back(wavelet_options_of(wavelet, level, start_level));
  }
  for (int dimension = 0; dimension < 3; ++dimension) {
    for (const char* wavelet : {"coif1", "db3"}) {
      for (int level = 1; level <= 2; ++level) {
        wavelet_options options = wavelet_options_of(wavelet, level, 0);
        options.force2d = true;
        options.force2d_dimension = dimension;
        all.push_back(options);
      }
    }
  }
  return all;
}

// Settings for slice_batch: image_dimensions 2 without force2d and with each force2d_dimension.
inline std::vector<wavelet_options> slice_options() {
  std::vector<wavelet_options> all;
  for (int force2d_dimension = -1; force2d_dimension < 2; ++force2d_dimension) {
    for (const char* wavelet : {"coif1", "haar", "sym4"}) {
      for (const auto& [level, start_level] : std::vector<std::pair<int, int>>{{1, 0}, {2, 0}, {1, 1}}) {
        wavelet_options options = wavelet_options_of(wavelet, level, start_level);
        options.image_dimensions = 2;
        options.force2d = force2d_dimension >= 0;
        options.force2d_dimension = std::max(force2d_dimension, 0);
        all.push_back(options);
      }
    }
  }
  return all;
}

inline std::string describe_wavelet(const wavelet_options& o) {
  std::string text = o.wavelet + ", level " + std::to_string(o.level) + ", start_level " +
                     std::to_string(o.start_level) + ", " + std::to_string(o.image_dimensions) + "D";
  if (o.force2d) text += ", force2d " + std::to_string(o.force2d_dimension);
  return text;
}

inline std::string describe_box(const voxel_box& box) {
  return "box at (" + std::to_string(box.lower[0]) + ", " + std::to_string(box.lower[1]) + ", " +
         std::to_string(box.lower[2]) + ") of " + std::to_string(box.size[0]) + "x" + std::to_string(box.size[1]) +
         "x" + std::to_string(box.size[2]);
}

// Returns the index of the first value whose bits differ between `a` and `b` (same length), or -1.
inline std::int64_t first_bit_difference(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0) return std::int64_t(i);
  }
  return -1;
}

// Checks a batched transform's output (one vector per box of `batch`) against wavelet_transform: the same
// number of decompositions, the same names and boxes, and bitwise equal values.
inline void expect_matches_cpu_transform(const std::vector<std::vector<wavelet_decomposition>>& actual,
                                         const wavelet_batch& batch, const wavelet_options& options) {
  const std::vector<wavelet_input> inputs = batch.inputs();
  ASSERT_EQ(actual.size(), batch.boxes.size()) << describe_wavelet(options);
  for (std::size_t i = 0; i < batch.boxes.size(); ++i) {
    std::vector<wavelet_decomposition> cpu;
    wavelet_transform(inputs[i], batch.boxes[i], options,
                      [&](wavelet_decomposition&& d) { cpu.push_back(std::move(d)); });
    const std::string what = describe_wavelet(options) + ", image " + std::to_string(batch.image_of[i]) + ", " +
                             describe_box(batch.boxes[i]);
    ASSERT_EQ(actual[i].size(), cpu.size()) << what;
    for (std::size_t d = 0; d < cpu.size(); ++d) {
      EXPECT_EQ(actual[i][d].name, cpu[d].name) << what;
      EXPECT_EQ(actual[i][d].box.lower, cpu[d].box.lower) << what;
      EXPECT_EQ(actual[i][d].box.size, cpu[d].box.size) << what;
      ASSERT_EQ(actual[i][d].values.size(), cpu[d].values.size()) << what << ", " << cpu[d].name;
      const std::int64_t differs = first_bit_difference(actual[i][d].values, cpu[d].values);
      EXPECT_EQ(differs, -1) << what << ", " << cpu[d].name << ": element " << differs << " is "
                             << (differs >= 0 ? actual[i][d].values[std::size_t(differs)] : 0.0) << ", the CPU's "
                             << (differs >= 0 ? cpu[d].values[std::size_t(differs)] : 0.0);
    }
  }
}

}  // namespace radcore::testing
