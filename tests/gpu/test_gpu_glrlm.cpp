#include "kernels/glrlm.hpp"

#include <gtest/gtest.h>

#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

const family_under_test glrlm_family{"GLRLM", compute_glrlm_features, cuda_compute_glrlm_features,
                                     glrlm_feature_table, default_tolerance};

void expect_matrices_equal(const discrete_batch& batch) {
  for (const texture_settings& settings : parity_settings()) {
    const std::vector<texture_matrix> gpu = cuda_glrlm_matrices(batch, settings);
    ASSERT_EQ(int(gpu.size()), batch.rois());
    for (int roi = 0; roi < batch.rois(); ++roi) {
      expect_same_texture_matrix(gpu[std::size_t(roi)], glrlm_matrix(batch, roi, settings),
                                 "GLRLM of ROI " + std::to_string(roi) + " (" + describe(settings) + ")");
    }
  }
}

TEST(GpuGlrlm, MatricesEqualCpu) {
  RADCORE_REQUIRE_GPU();
  expect_matrices_equal(random_discrete_batch(20260102));
}

TEST(GpuGlrlm, FeaturesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  expect_random_features_match_cpu(glrlm_family);
}

TEST(GpuGlrlm, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  expect_repeatable(glrlm_family);
}

TEST(GpuGlrlm, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  for (const auto& file : exported_batches()) expect_matrices_equal(read_discrete_batch(file.string()));
  expect_exported_features_match_cpu(glrlm_family);
}

}  // namespace
}  // namespace radcore::testing
