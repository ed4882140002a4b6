// The whole batch at once: every family on one large mixed batch, an empty batch, and the device query.
#include <gtest/gtest.h>

#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

TEST(GpuDevice, QueryWorksWithoutDevice) {
  // Runs everywhere: without a driver the query must report no device rather than throw.
  const bool available = cuda_device_available();
  const std::string description = cuda_device_description();
  EXPECT_FALSE(description.empty());
  if (!available) {
    EXPECT_NE(description.find("no usable CUDA device"), std::string::npos) << description;
  }
}

TEST(GpuBatch, AllFamiliesMatchCpuOnLargeBatch) {
  RADCORE_REQUIRE_GPU();
  const discrete_batch batch = random_discrete_batch(99, 12);  // 132 ROIs of 11 shapes
  const texture_settings settings;
  expect_features_close(cuda_compute_glcm_features(batch, settings), compute_glcm_features(batch, settings),
                        glcm_feature_table, glcm_tolerance, "GLCM");
  expect_features_close(cuda_compute_glrlm_features(batch, settings), compute_glrlm_features(batch, settings),
                        glrlm_feature_table, default_tolerance, "GLRLM");
  expect_features_close(cuda_compute_glszm_features(batch, settings), compute_glszm_features(batch, settings),
                        glszm_feature_table, default_tolerance, "GLSZM");
  expect_features_close(cuda_compute_gldm_features(batch, settings), compute_gldm_features(batch, settings),
                        gldm_feature_table, default_tolerance, "GLDM");
  expect_features_close(cuda_compute_ngtdm_features(batch, settings), compute_ngtdm_features(batch, settings),
                        ngtdm_feature_table, default_tolerance, "NGTDM");
}

TEST(GpuBatch, EmptyBatchGivesEmptyBlocks) {
  RADCORE_REQUIRE_GPU();
  const discrete_batch batch;
  const texture_settings settings;
  EXPECT_EQ(cuda_compute_glcm_features(batch, settings).rois, 0);
  EXPECT_EQ(cuda_compute_glrlm_features(batch, settings).rois, 0);
  EXPECT_EQ(cuda_compute_glszm_features(batch, settings).rois, 0);
  EXPECT_EQ(cuda_compute_gldm_features(batch, settings).rois, 0);
  EXPECT_EQ(cuda_compute_ngtdm_features(batch, settings).rois, 0);
}

}  // namespace
}  // namespace radcore::testing
