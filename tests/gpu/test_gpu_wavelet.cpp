// The CUDA wavelet transform against the CPU's wavelet_transform. Every comparison is bitwise: both
// backends follow the plan of wavelet_plan.hpp and call swt_periodic_sample, without fused multiply-add.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "kernels/cuda_backend.hpp"
#include "kernels/error.hpp"
#include "kernels/wavelet.hpp"
#include "tests/gpu/gpu_test_support.hpp"
#include "tests/gpu/wavelet_cases.hpp"

namespace radcore::testing {
namespace {

// Returns the message of the input_error that `call` throws, or an empty string when it throws none.
std::string input_error_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const input_error& error) {
    return error.what();
  }
  return "";
}

TEST(GpuWavelet, VolumesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  const wavelet_batch batch = volume_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  for (const wavelet_options& options : volume_options()) {
    expect_matches_cpu_transform(cuda_wavelet_transform(inputs, batch.boxes, options), batch, options);
  }
}

TEST(GpuWavelet, SlicesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  const wavelet_batch batch = slice_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  for (const wavelet_options& options : slice_options()) {
    expect_matches_cpu_transform(cuda_wavelet_transform(inputs, batch.boxes, options), batch, options);
  }
}

// A limit of 1 byte puts every box in its own batch, and 256 KiB several boxes in each of several batches.
TEST(GpuWavelet, SplitBatchesMatchCpu) {
  RADCORE_REQUIRE_GPU();
  const wavelet_batch batch = volume_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  for (std::size_t limit : {std::size_t(1), std::size_t(256) << 10}) {
    for (const wavelet_options& options : {wavelet_options_of("coif1", 2, 0), wavelet_options_of("dmey", 1, 0)}) {
      expect_matches_cpu_transform(cuda_wavelet_transform(inputs, batch.boxes, options, limit), batch, options);
    }
  }
}

TEST(GpuWavelet, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  const wavelet_batch batch = volume_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  for (const wavelet_options& options : {wavelet_options_of("coif1", 2, 0), wavelet_options_of("dmey", 2, 1)}) {
    const auto first = cuda_wavelet_transform(inputs, batch.boxes, options);
    const auto second = cuda_wavelet_transform(inputs, batch.boxes, options);
    ASSERT_EQ(first.size(), second.size()) << describe_wavelet(options);
    for (std::size_t i = 0; i < first.size(); ++i) {
      ASSERT_EQ(first[i].size(), second[i].size()) << describe_wavelet(options);
      for (std::size_t d = 0; d < first[i].size(); ++d) {
        expect_bitwise_equal(second[i][d].values, first[i][d].values,
                             describe_wavelet(options) + ", " + describe_box(batch.boxes[i]) + ", " +
                                 first[i][d].name);
      }
    }
  }
}

// Validation runs before any device work, so these checks need no GPU.
TEST(GpuWavelet, RejectsInvalidRequestsLikeCpu) {
  const random_image image = make_random_image({4, 4, 2}, wavelet_precision::float64, 7);
  const wavelet_input input{image.size, image.values.data(), image.precision};
  const voxel_box whole{{0, 0, 0}, image.size};
  const auto ignore = [](wavelet_decomposition&&) {};

  wavelet_options unknown = wavelet_options_of("morl", 1, 0);
  wavelet_options negative = wavelet_options_of("coif1", -1, 0);
  wavelet_options bad_axis = wavelet_options_of("coif1", 1, 0);
  bad_axis.force2d = true;
  bad_axis.force2d_dimension = 3;
  wavelet_options bad_dimensions = wavelet_options_of("coif1", 1, 0);
  bad_dimensions.image_dimensions = 4;
  for (const wavelet_options& options : {unknown, negative, bad_axis, bad_dimensions}) {
    const std::string cpu = input_error_message([&] { wavelet_transform(input, whole, options, ignore); });
    const std::string gpu = input_error_message([&] { cuda_wavelet_transform({input}, {whole}, options); });
    EXPECT_FALSE(cpu.empty()) << describe_wavelet(options);
    EXPECT_EQ(gpu, cpu) << describe_wavelet(options);
  }

  const wavelet_options valid = wavelet_options_of("coif1", 1, 0);
  for (const voxel_box& box : {voxel_box{{3, 0, 0}, {2, 1, 1}}, voxel_box{{0, 0, 0}, {0, 1, 1}},
                               voxel_box{{0, -1, 0}, {1, 1, 1}}, voxel_box{{0, 0, 1}, {1, 1, 2}}}) {
    const std::string cpu = input_error_message([&] { wavelet_transform(input, box, valid, ignore); });
    // The valid first entry must not hide the invalid second one.
    const std::string gpu = input_error_message([&] { cuda_wavelet_transform({input, input}, {whole, box}, valid); });
    EXPECT_FALSE(cpu.empty()) << describe_box(box);
    EXPECT_EQ(gpu, cpu) << describe_box(box);
  }

  const std::string mismatch = input_error_message([&] { cuda_wavelet_transform({input, input}, {whole}, valid); });
  EXPECT_NE(mismatch.find("2 images but 1 boxes"), std::string::npos) << mismatch;
}

// No request needs no device, but the options are still checked.
TEST(GpuWavelet, EmptyRequestListReturnsNothing) {
  EXPECT_TRUE(cuda_wavelet_transform({}, {}, wavelet_options_of("coif1", 1, 0)).empty());
  const std::string unknown =
      input_error_message([] { cuda_wavelet_transform({}, {}, wavelet_options_of("morl", 1, 0)); });
  EXPECT_NE(unknown.find("unknown wavelet 'morl'"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace radcore::testing
