// Checks of the GPU tests' own inputs. These run without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/gpu/random_rois.hpp"
#include "tests/gpu/roi_batch_file.hpp"

namespace radcore::testing {
namespace {

TEST(GpuFixtures, RandomBatchHasEveryShape) {
  const discrete_batch batch = random_discrete_batch(1, 2);
  ASSERT_EQ(batch.rois(), 22);
  EXPECT_EQ(batch.size[0].count(), 1);  // a single voxel: no angle applies
  EXPECT_EQ(batch.size[2].nz, 1);       // a single slice: two-dimensional angles
  EXPECT_EQ(batch.levels(3), 1);        // a constant ROI
  int max_levels = 0;
  for (int r = 0; r < batch.rois(); ++r) max_levels = std::max(max_levels, batch.levels(r));
  EXPECT_GT(max_levels, 60);
}

TEST(GpuFixtures, RandomBatchIsSeeded) {
  EXPECT_EQ(random_discrete_batch(5).level, random_discrete_batch(5).level);
  EXPECT_NE(random_discrete_batch(5).level, random_discrete_batch(6).level);
}

TEST(GpuFixtures, BatchFileRoundTripKeepsEveryField) {
  const discrete_batch batch = random_discrete_batch(3);
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "radcore_batch_round_trip.rcdb";
  write_discrete_batch(batch, path.string());
  const discrete_batch read = read_discrete_batch(path.string());
  std::filesystem::remove(path);
  ASSERT_EQ(read.rois(), batch.rois());
  for (int r = 0; r < batch.rois(); ++r) {
    EXPECT_EQ(read.size[std::size_t(r)].count(), batch.size[std::size_t(r)].count());
  }
  EXPECT_EQ(read.spacing, batch.spacing);
  EXPECT_EQ(read.voxel_offset, batch.voxel_offset);
  EXPECT_EQ(read.level, batch.level);
  EXPECT_EQ(read.level_offset, batch.level_offset);
  EXPECT_EQ(read.grey_value, batch.grey_value);
  EXPECT_EQ(read.ng, batch.ng);
}

TEST(GpuFixtures, RandomIntensityBatchHasEveryShape) {
  const roi_batch rois = random_roi_batch(1);
  ASSERT_EQ(rois.rois(), 18);
  EXPECT_EQ(rois.size[0].count(), 1);  // a single voxel
  EXPECT_EQ(rois.size[4].nz, 17);      // a line along z
  EXPECT_EQ(rois.size[6].nz, 1);       // a single slice
  EXPECT_EQ(rois.size[14].count(), 40 * 40 * 40);
  bool negative = false, negative_zero = false, positive_zero = false;
  for (const double value : rois.intensity) {
    negative = negative || value < 0.0;
    negative_zero = negative_zero || (value == 0.0 && std::signbit(value));
    positive_zero = positive_zero || (value == 0.0 && !std::signbit(value));
  }
  EXPECT_TRUE(negative);
  EXPECT_TRUE(negative_zero);
  EXPECT_TRUE(positive_zero);
  for (int r = 0; r < rois.rois(); ++r) {
    const auto first = rois.mask.begin() + rois.voxel_offset[std::size_t(r)];
    const auto last = rois.mask.begin() + rois.voxel_offset[std::size_t(r) + 1];
    EXPECT_GT(std::count(first, last, std::uint8_t(1)), 0) << "ROI " << r;
  }
}

TEST(GpuFixtures, RandomIntensityBatchIsSeeded) {
  EXPECT_EQ(random_roi_batch(5).intensity, random_roi_batch(5).intensity);
  EXPECT_NE(random_roi_batch(5).intensity, random_roi_batch(6).intensity);
}

TEST(GpuFixtures, BatchFileKeepsIntensities) {
  roi_batch rois;
  std::mt19937_64 random(4);
  add_random_intensity_roi(rois, {{6, 5, 4}, random_intensity::signed_zeros, 0.7}, random);
  add_random_intensity_roi(rois, {{3, 1, 1}, random_intensity::continuous, 1.0}, random);
  binning_settings binning;
  const discrete_batch discrete = discretise(rois, binning);
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "radcore_batch_intensities.rcdb";
  write_discrete_batch(discrete, path.string(), &rois);
  const exported_batch read = read_exported_batch(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(read.discrete.level, discrete.level);
  ASSERT_TRUE(read.rois.has_value());
  EXPECT_EQ(read.rois->rois(), rois.rois());
  EXPECT_EQ(read.rois->spacing, rois.spacing);
  EXPECT_EQ(read.rois->voxel_offset, rois.voxel_offset);
  EXPECT_EQ(read.rois->mask, rois.mask);
  ASSERT_EQ(read.rois->intensity.size(), rois.intensity.size());
  EXPECT_EQ(std::memcmp(read.rois->intensity.data(), rois.intensity.data(), rois.intensity.size() * sizeof(double)),
            0);  // bitwise, so that -0.0 stays -0.0
}

TEST(GpuFixtures, VersionOneFileHasNoIntensities) {
  const discrete_batch batch = random_discrete_batch(3);
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "radcore_batch_version_one.rcdb";
  write_discrete_batch(batch, path.string());
  std::ifstream in(path, std::ios::binary);
  char header[12] = {};
  in.read(header, sizeof(header));
  in.close();
  const exported_batch read = read_exported_batch(path.string());
  std::filesystem::remove(path);
  std::uint32_t version = 0;
  std::memcpy(&version, header + 8, sizeof(version));
  EXPECT_EQ(version, 1u);
  EXPECT_FALSE(read.rois.has_value());
  EXPECT_EQ(read.discrete.level, batch.level);
}

TEST(GpuFixtures, ForeignFileIsRejected) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "radcore_not_a_batch.rcdb";
  std::FILE* file = std::fopen(path.string().c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fputs("not a batch file", file);
  std::fclose(file);
  EXPECT_THROW(read_discrete_batch(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace radcore::testing
