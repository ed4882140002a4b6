// The launch plan of the batched wavelet transform (kernels/wavelet_batch.hpp), run on the host one output at
// a time in the order the CUDA backend launches it, against wavelet_transform. Every comparison is bitwise.
// This checks the plan, the buffer layout and the per-sample function without a GPU; the device run of the
// same plan is checked in tests/gpu/test_gpu_wavelet.cpp.
#include "kernels/wavelet_batch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/wavelet.hpp"
#include "kernels/wavelet_plan.hpp"
#include "tests/gpu/wavelet_cases.hpp"

namespace radcore::testing {
namespace {

// Runs the plans of precision T on the host as filter_axis_kernel runs them on the device.
template <typename T>
void run_plans_on_host(const std::vector<wavelet_input>& images, const std::vector<voxel_box>& boxes,
                       const wavelet_options& options, wavelet_precision precision, std::size_t max_batch_bytes,
                       std::vector<std::vector<wavelet_decomposition>>& results) {
  const filter_pair<T> filters = typed_filters<T>(wavelet_filter_bank_of(options));
  const std::vector<std::string> names = wavelet_image_names(options);
  for (const wavelet_batch_plan& plan :
       plan_wavelet_batches(images, boxes, options, precision, sizeof(T), max_batch_bytes)) {
    std::array<std::vector<T>, wavelet_buffer_count> buffers;
    for (int b = 0; b < wavelet_buffer_count; ++b) buffers[b].resize(std::size_t(plan.buffer_size[b]));
    gather_batch_input(plan, images, buffers[level_buffers].data());
    if (plan.copy_input_to_output) {
      std::copy(buffers[level_buffers].begin(), buffers[level_buffers].begin() + plan.box_total,
                buffers[output_buffer].begin());
    }
    for (const filter_launch& launch : plan.launches) {
      const std::vector<filter_job>& jobs = plan.job_lists[std::size_t(launch.job_list)];
      const T* taps = launch.high_pass ? filters.high : filters.low;
      const T* source = buffers[std::size_t(launch.source)].data();
      T* destination = buffers[std::size_t(launch.destination)].data() + launch.destination_offset;
      for (std::int64_t i = 0; i < plan.job_outputs[std::size_t(launch.job_list)]; ++i) {
        const filter_job& job = jobs[std::size_t(find_filter_job(jobs.data(), int(jobs.size()), i))];
        destination[job.output_offset + (i - job.first_output)] =
            filter_job_sample(job, i, launch.axis, taps, filters.length, source);
      }
    }
    collect_decompositions(plan, boxes, names, buffers[output_buffer].data(), results);
  }
}

std::vector<std::vector<wavelet_decomposition>> run_batch_on_host(
    const wavelet_batch& batch, const wavelet_options& options,
    std::size_t max_batch_bytes = std::numeric_limits<std::size_t>::max()) {
  const std::vector<wavelet_input> inputs = batch.inputs();
  check_wavelet_batch(inputs, batch.boxes, options);
  std::vector<std::vector<wavelet_decomposition>> results(inputs.size());
  run_plans_on_host<double>(inputs, batch.boxes, options, wavelet_precision::float64, max_batch_bytes, results);
  run_plans_on_host<float>(inputs, batch.boxes, options, wavelet_precision::float32, max_batch_bytes, results);
  return results;
}

TEST(WaveletBatch, VolumesMatchBoxTransform) {
  const wavelet_batch batch = volume_batch();
  for (const wavelet_options& options : volume_options()) {
    expect_matches_cpu_transform(run_batch_on_host(batch, options), batch, options);
  }
}

TEST(WaveletBatch, SlicesMatchBoxTransform) {
  const wavelet_batch batch = slice_batch();
  for (const wavelet_options& options : slice_options()) {
    expect_matches_cpu_transform(run_batch_on_host(batch, options), batch, options);
  }
}

// A limit of 1 byte puts every box in its own batch, and 256 KiB several boxes in each of several batches.
TEST(WaveletBatch, SplitBatchesMatchBoxTransform) {
  const wavelet_batch batch = volume_batch();
  for (std::size_t limit : {std::size_t(1), std::size_t(256) << 10}) {
    for (const wavelet_options& options : {wavelet_options_of("coif1", 2, 0), wavelet_options_of("dmey", 1, 0)}) {
      expect_matches_cpu_transform(run_batch_on_host(batch, options, limit), batch, options);
    }
  }
}

TEST(WaveletBatch, MemoryLimitSplitsBatches) {
  const wavelet_batch batch = volume_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  std::size_t float64_boxes = 0;
  for (const wavelet_input& input : inputs) float64_boxes += input.precision == wavelet_precision::float64;
  const wavelet_options options = wavelet_options_of("coif1", 2, 0);
  const auto one_each = plan_wavelet_batches(inputs, batch.boxes, options, wavelet_precision::float64, 8, 1);
  EXPECT_EQ(one_each.size(), float64_boxes);
  const auto together = plan_wavelet_batches(inputs, batch.boxes, options, wavelet_precision::float64, 8,
                                             std::numeric_limits<std::size_t>::max());
  ASSERT_EQ(together.size(), 1u);
  EXPECT_EQ(together[0].requests.size(), float64_boxes);
  const auto some = plan_wavelet_batches(inputs, batch.boxes, options, wavelet_precision::float64, 8,
                                         std::size_t(256) << 10);
  EXPECT_GT(some.size(), 1u);
  EXPECT_LT(some.size(), float64_boxes);
}

// 3D, coif1, level 2 from start level 0: per level 2 + 4 + 8 tree nodes, each one launch for all boxes.
TEST(WaveletBatch, OneLaunchPerTreeNode) {
  const wavelet_batch batch = volume_batch();
  const std::vector<wavelet_input> inputs = batch.inputs();
  const auto plans = plan_wavelet_batches(inputs, batch.boxes, wavelet_options_of("coif1", 2, 0),
                                          wavelet_precision::float32, 4, std::numeric_limits<std::size_t>::max());
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].launches.size(), 28u);
  const auto skipped = plan_wavelet_batches(inputs, batch.boxes, wavelet_options_of("coif1", 1, 1),
                                            wavelet_precision::float32, 4, std::numeric_limits<std::size_t>::max());
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].launches.size(), 3u + 14u);
}

TEST(WaveletBatch, RejectsMismatchedRequestLists) {
  const random_image image = make_random_image({4, 4, 2}, wavelet_precision::float64, 7);
  const wavelet_input input{image.size, image.values.data(), image.precision};
  const voxel_box whole{{0, 0, 0}, image.size};
  EXPECT_THROW(check_wavelet_batch({input, input}, {whole}, wavelet_options{}), input_error);
  EXPECT_THROW(check_wavelet_batch({input, input}, {whole, voxel_box{{3, 0, 0}, {2, 1, 1}}}, wavelet_options{}),
               input_error);
  EXPECT_NO_THROW(check_wavelet_batch({input, input}, {whole, whole}, wavelet_options{}));
}

}  // namespace
}  // namespace radcore::testing
