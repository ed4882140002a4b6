// Checks of the GPU tests' own inputs. These run without a GPU.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

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
