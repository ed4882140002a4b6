#include "kernels/ngtdm.hpp"

#include <gtest/gtest.h>

#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

const family_under_test ngtdm_family{"NGTDM", compute_ngtdm_features, cuda_compute_ngtdm_features,
                                     ngtdm_feature_table, default_tolerance};

void expect_matrices_equal(const discrete_batch& batch) {
  for (const texture_settings& settings : parity_settings()) {
    const std::vector<ngtdm_matrix> gpu = cuda_ngtdm_matrices(batch, settings);
    ASSERT_EQ(int(gpu.size()), batch.rois());
    for (int roi = 0; roi < batch.rois(); ++roi) {
      const ngtdm_matrix cpu = compute_ngtdm_matrix(batch, roi, settings);
      const std::string what = "NGTDM of ROI " + std::to_string(roi) + " (" + describe(settings) + ")";
      expect_bitwise_equal(gpu[std::size_t(roi)].count, cpu.count, what + ", n_i");
      // s_i comes from the same integer sums divided in the same order, so it is bitwise equal too.
      expect_bitwise_equal(gpu[std::size_t(roi)].difference_sum, cpu.difference_sum, what + ", s_i");
      expect_bitwise_equal(gpu[std::size_t(roi)].grey_level, cpu.grey_level, what + ", grey levels");
    }
  }
}

TEST(GpuNgtdm, MatricesEqualCpu) {
  RADCORE_REQUIRE_GPU();
  expect_matrices_equal(random_discrete_batch(20260105));
}

TEST(GpuNgtdm, FeaturesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  expect_random_features_match_cpu(ngtdm_family);
}

TEST(GpuNgtdm, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  expect_repeatable(ngtdm_family);
}

TEST(GpuNgtdm, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  for (const auto& file : exported_batches()) expect_matrices_equal(read_discrete_batch(file.string()));
  expect_exported_features_match_cpu(ngtdm_family);
}

}  // namespace
}  // namespace radcore::testing
