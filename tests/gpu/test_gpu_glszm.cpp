#include "kernels/glszm.hpp"

#include <gtest/gtest.h>

#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

const family_under_test glszm_family{"GLSZM", compute_glszm_features, cuda_compute_glszm_features,
                                    glszm_feature_table, default_tolerance};

void expect_matrices_equal(const discrete_batch& batch) {
  for (const texture_settings& settings : parity_settings()) {
    const std::vector<glszm_matrix> gpu = cuda_glszm_matrices(batch, settings);
    ASSERT_EQ(int(gpu.size()), batch.rois());
    for (int roi = 0; roi < batch.rois(); ++roi) {
      const glszm_matrix cpu = compute_glszm_matrix(batch, roi, settings);
      const std::string what = "GLSZM of ROI " + std::to_string(roi) + " (" + describe(settings) + ")";
      expect_bitwise_equal(gpu[std::size_t(roi)].grey_level, cpu.grey_level, what + ", grey levels");
      expect_bitwise_equal(gpu[std::size_t(roi)].zone_size, cpu.zone_size, what + ", columns");
      expect_bitwise_equal(gpu[std::size_t(roi)].counts, cpu.counts, what + ", counts");
      EXPECT_EQ(gpu[std::size_t(roi)].voxel_count, cpu.voxel_count) << what;
    }
  }
}

TEST(GpuGlszm, MatricesEqualCpu) {
  RADCORE_REQUIRE_GPU();
  expect_matrices_equal(random_discrete_batch(20260103));
}

TEST(GpuGlszm, FeaturesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  expect_random_features_match_cpu(glszm_family);
}

TEST(GpuGlszm, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  expect_repeatable(glszm_family);
}

TEST(GpuGlszm, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  for (const auto& file : exported_batches()) expect_matrices_equal(read_discrete_batch(file.string()));
  expect_exported_features_match_cpu(glszm_family);
}

}  // namespace
}  // namespace radcore::testing
