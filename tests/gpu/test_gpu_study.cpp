// The whole study configuration on the GPU against the CPU backend. The coif1 wavelet of every ROI's box must
// be bitwise the CPU's. First order and the five texture families, one call per family for all nine images
// of every ROI, must agree within the families' tolerances. Two GPU runs must give the same bits.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/wavelet.hpp"
#include "tests/gpu/gpu_test_support.hpp"

namespace radcore::testing {
namespace {

// A smooth image with integer noise, as an int16 scan read into float64 gives.
std::vector<double> study_image(const std::array<int, 3>& size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0.0, 40.0);
  std::vector<double> values(std::size_t(size[0]) * size[1] * size[2]);
  std::size_t i = 0;
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x, ++i) {
        values[i] = std::round(300.0 + 120.0 * std::sin(0.7 * x + 0.3 * y) * std::cos(0.5 * z) + noise(random));
      }
    }
  }
  return values;
}

// Boxes of many sizes, two of them touching the image border, where the wavelet wraps.
std::vector<voxel_box> study_boxes() {
  return {{{0, 0, 0}, {9, 7, 5}},     {{30, 25, 15}, {10, 11, 12}}, {{12, 4, 6}, {16, 16, 16}},
          {{5, 30, 1}, {6, 6, 1}},    {{20, 10, 3}, {1, 1, 1}},     {{2, 2, 2}, {20, 14, 9}},
          {{33, 0, 20}, {7, 36, 7}}};
}

// The mask of a box: voxels inside the ellipsoid that fills it, and at least its middle voxel.
std::vector<std::uint8_t> ellipsoid_mask(const std::array<int, 3>& size) {
  std::vector<std::uint8_t> mask(std::size_t(size[0]) * size[1] * size[2], 0);
  std::size_t i = 0;
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x, ++i) {
        const double dx = (x - 0.5 * (size[0] - 1)) / (0.5 * size[0]);
        const double dy = (y - 0.5 * (size[1] - 1)) / (0.5 * size[1]);
        const double dz = (z - 0.5 * (size[2] - 1)) / (0.5 * size[2]);
        mask[i] = dx * dx + dy * dy + dz * dz <= 1.0 ? 1 : 0;
      }
    }
  }
  mask[mask.size() / 2] = 1;
  return mask;
}

std::vector<double> crop(const std::vector<double>& image, const std::array<int, 3>& size, const voxel_box& box) {
  std::vector<double> values;
  for (int z = 0; z < box.size[2]; ++z) {
    for (int y = 0; y < box.size[1]; ++y) {
      for (int x = 0; x < box.size[0]; ++x) {
        values.push_back(image[std::size_t(box.lower[0] + x) +
                               std::size_t(size[0]) * (std::size_t(box.lower[1] + y) +
                                                       std::size_t(size[1]) * std::size_t(box.lower[2] + z))]);
      }
    }
  }
  return values;
}

struct study_batch {
  roi_batch rois;
  discrete_batch levels;
};

// The nine images of every box, image type by image type: the crops, then each decomposition in order.
study_batch nine_images(const std::vector<double>& image, const std::array<int, 3>& size,
                        const std::vector<voxel_box>& boxes,
                        const std::vector<std::vector<wavelet_decomposition>>& bands) {
  study_batch batch;
  for (int type = 0; type < 9; ++type) {
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      const extent3 extent{boxes[b].size[0], boxes[b].size[1], boxes[b].size[2]};
      const std::vector<std::uint8_t> mask = ellipsoid_mask(boxes[b].size);
      const std::vector<double> values = type == 0 ? crop(image, size, boxes[b]) : bands[b][std::size_t(type) - 1].values;
      batch.rois.add(extent, {0.8, 0.8, 3.0}, values.data(), mask.data());
    }
  }
  binning_settings binning;
  binning.bin_width = 25.0;
  batch.levels = discretise(batch.rois, binning);
  return batch;
}

TEST(GpuStudy, NineImagesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  const std::array<int, 3> size{40, 36, 27};
  const std::vector<double> image = study_image(size, 2027);
  const std::vector<voxel_box> boxes = study_boxes();
  wavelet_input input;
  input.size = size;
  input.values = image.data();
  const wavelet_options options;  // coif1, level 1: the study's wavelet

  std::vector<std::vector<wavelet_decomposition>> cpu_bands(boxes.size());
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    wavelet_transform(input, boxes[b], options, [&](wavelet_decomposition&& d) { cpu_bands[b].push_back(std::move(d)); });
    ASSERT_EQ(cpu_bands[b].size(), 8u);
  }
  const std::vector<std::vector<wavelet_decomposition>> gpu_bands =
      cuda_wavelet_transform(std::vector<wavelet_input>(boxes.size(), input), boxes, options);
  ASSERT_EQ(gpu_bands.size(), boxes.size());
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    ASSERT_EQ(gpu_bands[b].size(), cpu_bands[b].size());
    for (std::size_t d = 0; d < cpu_bands[b].size(); ++d) {
      EXPECT_EQ(gpu_bands[b][d].name, cpu_bands[b][d].name);
      expect_bitwise_equal(gpu_bands[b][d].values, cpu_bands[b][d].values,
                           cpu_bands[b][d].name + " of box " + std::to_string(b));
    }
  }

  const study_batch batch = nine_images(image, size, boxes, gpu_bands);
  ASSERT_EQ(batch.rois.rois(), int(9 * boxes.size()));
  const texture_settings settings;
  const std::vector<std::string> families{"glcm", "glrlm", "glszm", "gldm", "ngtdm"};
  const std::vector<feature_block> gpu = cuda_compute_texture_features(batch.levels, settings, families);
  ASSERT_EQ(gpu.size(), families.size());
  expect_features_close(gpu[0], compute_glcm_features(batch.levels, settings), glcm_feature_table, glcm_tolerance,
                        "GLCM");
  expect_features_close(gpu[1], compute_glrlm_features(batch.levels, settings), glrlm_feature_table,
                        default_tolerance, "GLRLM");
  expect_features_close(gpu[2], compute_glszm_features(batch.levels, settings), glszm_feature_table,
                        default_tolerance, "GLSZM");
  expect_features_close(gpu[3], compute_gldm_features(batch.levels, settings), gldm_feature_table, default_tolerance,
                        "GLDM");
  expect_features_close(gpu[4], compute_ngtdm_features(batch.levels, settings), ngtdm_feature_table,
                        default_tolerance, "NGTDM");
  const feature_block first_order = cuda_compute_firstorder_features(batch.rois, batch.levels, 0.0);
  expect_features_close(first_order, compute_firstorder_features(batch.rois, batch.levels, 0.0),
                        firstorder_feature_table, firstorder_tolerance, "first order");

  // A second run of the whole chain gives the same bits.
  const std::vector<std::vector<wavelet_decomposition>> again_bands =
      cuda_wavelet_transform(std::vector<wavelet_input>(boxes.size(), input), boxes, options);
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    for (std::size_t d = 0; d < gpu_bands[b].size(); ++d) {
      expect_bitwise_equal(again_bands[b][d].values, gpu_bands[b][d].values, "second wavelet run");
    }
  }
  const std::vector<feature_block> again = cuda_compute_texture_features(batch.levels, settings, families);
  for (std::size_t f = 0; f < families.size(); ++f) expect_bitwise_equal_blocks(again[f], gpu[f], families[f]);
  expect_bitwise_equal_blocks(cuda_compute_firstorder_features(batch.rois, batch.levels, 0.0), first_order,
                              "first order");
}

}  // namespace
}  // namespace radcore::testing
