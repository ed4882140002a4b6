#include "kernels/gldm.hpp"

#include <gtest/gtest.h>

#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

const family_under_test gldm_family{"GLDM", compute_gldm_features, cuda_compute_gldm_features,
                                    gldm_feature_table, default_tolerance};

void expect_matrices_equal(const discrete_batch& batch) {
  for (const texture_settings& settings : parity_settings()) {
    const std::vector<gldm_matrix> gpu = cuda_gldm_matrices(batch, settings);
    ASSERT_EQ(int(gpu.size()), batch.rois());
    for (int roi = 0; roi < batch.rois(); ++roi) {
      const gldm_matrix cpu = compute_gldm_matrix(batch, roi, settings);
      const std::string what = "GLDM of ROI " + std::to_string(roi) + " (" + describe(settings) + ")";
      expect_bitwise_equal(gpu[std::size_t(roi)].grey_level, cpu.grey_level, what + ", grey levels");
      expect_bitwise_equal(gpu[std::size_t(roi)].dependence, cpu.dependence, what + ", columns");
      expect_bitwise_equal(gpu[std::size_t(roi)].counts, cpu.counts, what + ", counts");
      EXPECT_EQ(gpu[std::size_t(roi)].voxel_count, cpu.voxel_count) << what;
    }
  }
}

TEST(GpuGldm, MatricesEqualCpu) {
  RADCORE_REQUIRE_GPU();
  expect_matrices_equal(random_discrete_batch(20260103));
}

TEST(GpuGldm, FeaturesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  expect_random_features_match_cpu(gldm_family);
}

TEST(GpuGldm, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  expect_repeatable(gldm_family);
}

TEST(GpuGldm, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  for (const auto& file : exported_batches()) expect_matrices_equal(read_discrete_batch(file.string()));
  expect_exported_features_match_cpu(gldm_family);
}

}  // namespace
}  // namespace radcore::testing
