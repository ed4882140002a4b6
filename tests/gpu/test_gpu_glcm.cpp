#include "kernels/glcm.hpp"

#include <gtest/gtest.h>

#include "kernels/glcm_formulas.hpp"
#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

const family_under_test glcm_family{"GLCM", compute_glcm_features, cuda_compute_glcm_features, glcm_feature_table,
                                    glcm_tolerance};

void expect_matrices_equal(const discrete_batch& batch) {
  for (const texture_settings& settings : parity_settings()) {
    const std::vector<texture_matrix> gpu = cuda_glcm_matrices(batch, settings);
    ASSERT_EQ(int(gpu.size()), batch.rois());
    for (int roi = 0; roi < batch.rois(); ++roi) {
      expect_same_texture_matrix(gpu[std::size_t(roi)], glcm_matrix(batch, roi, settings),
                                 "GLCM of ROI " + std::to_string(roi) + " (" + describe(settings) + ")");
    }
  }
}

TEST(GpuGlcm, MatricesEqualCpu) {
  RADCORE_REQUIRE_GPU();
  expect_matrices_equal(random_discrete_batch(20260101));
}

TEST(GpuGlcm, FeaturesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  expect_random_features_match_cpu(glcm_family);
}

TEST(GpuGlcm, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  expect_repeatable(glcm_family);
}

TEST(GpuGlcm, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  for (const auto& file : exported_batches()) expect_matrices_equal(read_discrete_batch(file.string()));
  expect_exported_features_match_cpu(glcm_family);
}

}  // namespace
}  // namespace radcore::testing
