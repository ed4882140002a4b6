// The wavelet transform of many boxes on the device: the launches of wavelet_batch.hpp, one kernel launch
// each over every box of the batch. Each output sample is filter_job_sample, the CPU's per-sample formula
// on the CPU's plan, so the values are bitwise those of wavelet_transform in wavelet.cpp.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_buffer.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/wavelet_batch.hpp"
#include "kernels/wavelet_plan.hpp"

namespace radcore {
namespace {

using cuda::device_buffer;

constexpr int filter_threads = 256;
// Larger launches are covered by the grid-stride loop, because more blocks than this would only queue.
constexpr std::int64_t max_filter_blocks = std::int64_t(1) << 20;

// One thread per output sample of one launch, over all boxes of the batch.
template <typename T>
__global__ void filter_axis_kernel(const filter_job* jobs, int job_count, std::int64_t outputs, int axis,
                                   const T* taps, int length, const T* input, T* output) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < outputs; i += step) {
    const filter_job& job = jobs[find_filter_job(jobs, job_count, i)];
    output[job.output_offset + (i - job.first_output)] = filter_job_sample(job, i, axis, taps, length, input);
  }
}

// Runs one batch: uploads the gathered input and the jobs, issues the launches in order on the default
// stream, and appends the downloaded decompositions to `results`.
// NOTE: this path has only been compiled, not run on a device. The same plan passes the host run in
// tests/test_wavelet_batch.cpp, and tests/gpu/test_gpu_wavelet.cpp checks this path on a GPU.
template <typename T>
void run_batch(const wavelet_batch_plan& plan, const std::vector<wavelet_input>& images,
               const std::vector<voxel_box>& boxes, const std::vector<std::string>& names,
               const device_buffer<T>& taps, int filter_length,
               std::vector<std::vector<wavelet_decomposition>>& results) {
  std::vector<T> host_input(std::size_t(plan.buffer_size[level_buffers]));
  gather_batch_input(plan, images, host_input.data());

  std::array<device_buffer<T>, wavelet_buffer_count> buffers;
  for (int b = 0; b < wavelet_buffer_count; ++b) buffers[b] = device_buffer<T>(std::size_t(plan.buffer_size[b]));
  buffers[level_buffers].upload(host_input);
  std::vector<device_buffer<filter_job>> job_lists;
  for (const auto& jobs : plan.job_lists) job_lists.emplace_back(jobs);

  if (plan.copy_input_to_output) {
    RADCORE_CUDA_CHECK(cudaMemcpy(buffers[output_buffer].data(), buffers[level_buffers].data(),
                                  std::size_t(plan.box_total) * sizeof(T), cudaMemcpyDeviceToDevice));
  }
  for (const filter_launch& launch : plan.launches) {
    const std::int64_t outputs = plan.job_outputs[std::size_t(launch.job_list)];
    const device_buffer<filter_job>& jobs = job_lists[std::size_t(launch.job_list)];
    const unsigned blocks = unsigned(std::min(max_filter_blocks, (outputs + filter_threads - 1) / filter_threads));
    filter_axis_kernel<T><<<blocks, filter_threads>>>(
        jobs.data(), int(jobs.size()), outputs, launch.axis, taps.data() + (launch.high_pass ? filter_length : 0),
        filter_length, buffers[std::size_t(launch.source)].data(),
        buffers[std::size_t(launch.destination)].data() + launch.destination_offset);
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "filter_axis_kernel");
  }
  const std::vector<T> output = buffers[output_buffer].download();
  collect_decompositions(plan, boxes, names, output.data(), results);
}

// Transforms the requests whose images have precision T, batch by batch.
template <typename T>
void transform_precision(const std::vector<wavelet_input>& images, const std::vector<voxel_box>& boxes,
                         const wavelet_options& options, wavelet_precision precision, std::size_t max_batch_bytes,
                         std::vector<std::vector<wavelet_decomposition>>& results) {
  const std::vector<wavelet_batch_plan> plans =
      plan_wavelet_batches(images, boxes, options, precision, sizeof(T), max_batch_bytes);
  if (plans.empty()) return;
  const filter_pair<T> filters = typed_filters<T>(wavelet_filter_bank_of(options));
  std::vector<T> host_taps(filters.low, filters.low + filters.length);
  host_taps.insert(host_taps.end(), filters.high, filters.high + filters.length);
  const device_buffer<T> taps(host_taps);
  const std::vector<std::string> names = wavelet_image_names(options);
  for (const wavelet_batch_plan& plan : plans) run_batch(plan, images, boxes, names, taps, filters.length, results);
}

}  // namespace

std::vector<std::vector<wavelet_decomposition>> cuda_wavelet_transform(const std::vector<wavelet_input>& images,
                                                                       const std::vector<voxel_box>& boxes,
                                                                       const wavelet_options& options,
                                                                       std::size_t max_batch_bytes) {
  check_wavelet_batch(images, boxes, options);
  std::vector<std::vector<wavelet_decomposition>> results(images.size());
  transform_precision<double>(images, boxes, options, wavelet_precision::float64, max_batch_bytes, results);
  transform_precision<float>(images, boxes, options, wavelet_precision::float32, max_batch_bytes, results);
  return results;
}

}  // namespace radcore
