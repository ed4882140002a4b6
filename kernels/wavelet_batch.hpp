// The wavelet transform of many boxes as a fixed sequence of filter launches, which the CUDA backend
// (kernels/cuda/wavelet_kernels.cu) runs on the device. The plan is plain C++ and every output sample is
// filter_job_sample, which calls swt_periodic_sample with the spans of wavelet_plan.hpp, so a host loop over
// the same launches (tests/test_wavelet_batch.cpp) reproduces wavelet_transform bitwise as well.
//
// Buffers of a batch, all in the precision T of its images, x fastest:
// - level_buffers[0] and [1]: the input of level k is buffer k % 2, box after box. The host fills buffer 0
//   with each box's padded level-0 block (gather_batch_input), and level k writes its approximation to
//   buffer (k + 1) % 2 unless it is the last level.
// - inner_buffer + j: the output blocks of the filter tree's nodes at depth j, for the depths above the
//   leaves.
// - output_buffer: every decomposition in wavelet_image_names order, each as the boxes one after another.
//
// Each level visits pywt.swtn's filter tree depth first (x, then y, then z, L before H) with one launch per
// node over all boxes. Levels before start_level run only the all-L path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/hd.hpp"
#include "kernels/wavelet.hpp"
#include "kernels/wavelet_formulas.hpp"
#include "kernels/wavelet_plan.hpp"

namespace radcore {

// One box's share of one filter launch: outputs [first_output, first_output + region volume) of the launch
// belong to it. The region is output_extent voxels at offset `crop` of the node's output block, which is
// the input block with the span of the filtered axis replaced.
struct filter_job {
  std::int64_t first_output = 0;
  std::int64_t input_offset = 0;   // of the box's input block in the source buffer
  std::int64_t output_offset = 0;  // of the region in the destination buffer
  int input_extent[3] = {0, 0, 0};
  int output_extent[3] = {0, 0, 0};
  int crop[3] = {0, 0, 0};
  int line_first = 0;    // first position of the input span along the filtered axis
  int output_first = 0;  // first position of the output span along the filtered axis
  int period = 0;
};

// Returns the index of the job that output `i` of a launch belongs to: the last job whose first_output is
// at most i. The jobs are sorted by first_output and none is empty.
RADCORE_HD inline int find_filter_job(const filter_job* jobs, int job_count, std::int64_t i) {
  int low = 0;
  int high = job_count - 1;
  while (low < high) {
    const int middle = (low + high + 1) / 2;
    if (jobs[middle].first_output <= i) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

// Returns output `i` of `job` filtered along `axis`: the sample at (region voxel + crop) of the node's
// output block, computed as filter_along in wavelet.cpp computes it.
template <typename T>
RADCORE_HD T filter_job_sample(const filter_job& job, std::int64_t i, int axis, const T* taps, int length,
                               const T* input) {
  const std::int64_t local = i - job.first_output;
  const std::int64_t row = local / job.output_extent[0];
  const int voxel[3] = {int(local % job.output_extent[0]), int(row % job.output_extent[1]),
                        int(row / job.output_extent[1])};
  const std::int64_t stride[3] = {1, job.input_extent[0], std::int64_t(job.input_extent[0]) * job.input_extent[1]};
  std::int64_t line_start = 0;
  int along = 0;
  for (int a = 0; a < 3; ++a) {
    const int coordinate = voxel[a] + job.crop[a];
    if (a == axis) {
      along = coordinate;
    } else {
      line_start += coordinate * stride[a];
    }
  }
  const periodic_line<T> line{input + job.input_offset + line_start, stride[axis], job.line_first, job.period};
  return swt_periodic_sample(taps, length, line, wrap_index(job.output_first + along, job.period));
}

// Buffer numbers of a batch, as the header comment lays them out.
inline constexpr int level_buffers = 0;  // buffers 0 and 1
inline constexpr int inner_buffer = 2;   // buffers 2 and 3, for depths 0 and 1
inline constexpr int output_buffer = 4;
inline constexpr int wavelet_buffer_count = 5;

// One launch: the jobs of job_lists[job_list] filter buffer `source` along `axis` with the low-pass or
// the high-pass taps, and write to buffer `destination` from element destination_offset on.
struct filter_launch {
  int job_list = 0;
  int axis = 0;
  bool high_pass = false;
  int source = 0;
  int destination = 0;
  std::int64_t destination_offset = 0;
};

// The launches of one batch of boxes of one precision.
struct wavelet_batch_plan {
  std::vector<std::size_t> requests;       // indices into the caller's images and boxes
  std::vector<block_spans> input_spans;    // each box's level-0 input block
  std::vector<std::int64_t> box_offset;    // of each box within one decomposition of output_buffer
  std::int64_t box_total = 0;              // voxels of all boxes
  std::array<std::int64_t, wavelet_buffer_count> buffer_size{};  // elements
  std::vector<std::vector<filter_job>> job_lists;
  std::vector<std::int64_t> job_outputs;  // outputs of each job list
  std::vector<filter_launch> launches;    // in order
  // With level and start_level 0 there is no launch: the output is level buffer 0 itself.
  bool copy_input_to_output = false;
};

// Throws input_error, with wavelet_transform's message, for invalid options or a box that is empty or
// outside its image, and when `images` and `boxes` differ in size.
void check_wavelet_batch(const std::vector<wavelet_input>& images, const std::vector<voxel_box>& boxes,
                         const wavelet_options& options);

// Plans the boxes whose images have `precision`, in request order, in batches whose estimated device
// memory stays within max_batch_bytes. The estimate is an upper bound of the buffers and jobs of a batch
// for values of `value_bytes` bytes. A box whose estimate alone exceeds the limit gets a batch of its own.
// The request must have passed check_wavelet_batch.
std::vector<wavelet_batch_plan> plan_wavelet_batches(const std::vector<wavelet_input>& images,
                                                     const std::vector<voxel_box>& boxes,
                                                     const wavelet_options& options, wavelet_precision precision,
                                                     std::size_t value_bytes, std::size_t max_batch_bytes);

// Writes each box's padded level-0 block to `out`, which has plan.buffer_size[level_buffers] elements.
template <typename T>
void gather_batch_input(const wavelet_batch_plan& plan, const std::vector<wavelet_input>& images, T* out) {
  for (std::size_t m = 0; m < plan.requests.size(); ++m) {
    gather_padded(images[plan.requests[m]], plan.input_spans[m], out);
    out += span_volume(plan.input_spans[m]);
  }
}

// Appends each box's decompositions, named `names` (wavelet_image_names), from the output buffer `output`
// to results[request].
template <typename T>
void collect_decompositions(const wavelet_batch_plan& plan, const std::vector<voxel_box>& boxes,
                            const std::vector<std::string>& names, const T* output,
                            std::vector<std::vector<wavelet_decomposition>>& results) {
  for (std::size_t m = 0; m < plan.requests.size(); ++m) {
    const std::size_t request = plan.requests[m];
    const voxel_box& box = boxes[request];
    for (std::size_t d = 0; d < names.size(); ++d) {
      const T* first = output + std::int64_t(d) * plan.box_total + plan.box_offset[m];
      results[request].push_back({names[d], box, std::vector<double>(first, first + box.count())});
    }
  }
}

}  // namespace radcore
