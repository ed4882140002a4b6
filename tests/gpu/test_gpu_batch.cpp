// The whole batch at once: every family on one large mixed batch, an empty batch, and the device query.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "kernels/error.hpp"
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

TEST(GpuBatch, SharedUploadMatchesSeparateCalls) {
  RADCORE_REQUIRE_GPU();
  const discrete_batch batch = random_discrete_batch(98, 3);
  const texture_settings settings;
  const std::vector<std::string> families{"ngtdm", "glcm", "gldm", "glrlm", "glszm"};
  const std::vector<feature_block> shared = cuda_compute_texture_features(batch, settings, families);
  ASSERT_EQ(shared.size(), families.size());
  expect_bitwise_equal_blocks(shared[0], cuda_compute_ngtdm_features(batch, settings), "NGTDM");
  expect_bitwise_equal_blocks(shared[1], cuda_compute_glcm_features(batch, settings), "GLCM");
  expect_bitwise_equal_blocks(shared[2], cuda_compute_gldm_features(batch, settings), "GLDM");
  expect_bitwise_equal_blocks(shared[3], cuda_compute_glrlm_features(batch, settings), "GLRLM");
  expect_bitwise_equal_blocks(shared[4], cuda_compute_glszm_features(batch, settings), "GLSZM");
}

TEST(GpuBatch, ConcurrentThreadsMatchOneThread) {
  RADCORE_REQUIRE_GPU();
  // Each host thread runs on its own default stream, so the two calls overlap on the device.
  const discrete_batch first = random_discrete_batch(96, 4);
  const discrete_batch second = random_discrete_batch(95, 4);
  const texture_settings settings;
  const std::vector<std::string> families{"glcm", "glrlm", "glszm", "gldm", "ngtdm"};
  std::vector<feature_block> first_result, second_result;
  std::thread worker([&] { first_result = cuda_compute_texture_features(first, settings, families); });
  second_result = cuda_compute_texture_features(second, settings, families);
  worker.join();
  const std::vector<feature_block> first_alone = cuda_compute_texture_features(first, settings, families);
  const std::vector<feature_block> second_alone = cuda_compute_texture_features(second, settings, families);
  for (std::size_t f = 0; f < families.size(); ++f) {
    expect_bitwise_equal_blocks(first_result.at(f), first_alone.at(f), families[f] + " of the first batch");
    expect_bitwise_equal_blocks(second_result.at(f), second_alone.at(f), families[f] + " of the second batch");
  }
}

TEST(GpuBatch, UnknownFamilyIsRejected) {
  RADCORE_REQUIRE_GPU();
  EXPECT_THROW(cuda_compute_texture_features(random_discrete_batch(97), texture_settings{}, {"shape"}), input_error);
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
