// First-order features on the device (cuda_compute_firstorder_features in kernels/cuda_backend.hpp). Four
// steps for the whole batch: CUB's DeviceSelect::Flagged compacts the voxels inside the masks, keeping
// numpy's order, and DeviceSegmentedRadixSort sorts each ROI's values (one segment per ROI). A block per ROI
// counts the grey levels with integer atomics. Then one thread per ROI calls firstorder::compute_roi_features,
// the function the CPU backend calls, so every floating-point sum has the CPU's fixed order.
#include <cuda_runtime_api.h>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <cub/device/device_segmented_radix_sort.cuh>
#include <cub/device/device_select.cuh>

#include "kernels/cuda/device_buffer.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/error.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/firstorder_roi.hpp"

namespace radcore {
namespace {

using cuda::device_buffer;

constexpr int count_threads = 256;
constexpr int feature_threads = 64;

// One block per ROI: the voxels of each compact grey level, as grey_level_counts in firstorder.cpp counts
// them. Integer atomics make the counts independent of thread order.
__global__ void count_grey_levels(const std::int64_t* voxel_offset, const std::int32_t* level,
                                  const std::int64_t* level_offset, unsigned long long* counts) {
  const int roi = blockIdx.x;
  unsigned long long* roi_counts = counts + level_offset[roi];
  for (std::int64_t v = voxel_offset[roi] + threadIdx.x; v < voxel_offset[roi + 1]; v += blockDim.x) {
    if (level[v] > 0) atomicAdd(&roi_counts[level[v] - 1], 1ull);
  }
}

// One thread per ROI: the shared formulas on the ROI's compacted and sorted values.
__global__ void firstorder_roi_features(int rois, const double* values, const double* sorted,
                                        const std::int64_t* value_offset, const double* voxel_volume,
                                        double voxel_array_shift, const unsigned long long* counts,
                                        const std::int64_t* level_offset, double* out) {
  const int roi = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (roi >= rois) return;
  const std::int64_t first = value_offset[roi];
  firstorder::roi_input<unsigned long long> input;
  input.values = values + first;
  input.sorted = sorted + first;
  input.count = value_offset[roi + 1] - first;
  input.voxel_volume = voxel_volume[roi];
  input.voxel_array_shift = voxel_array_shift;
  input.level_counts = counts + level_offset[roi];
  input.levels = level_offset[roi + 1] - level_offset[roi];
  firstorder::compute_roi_features(input, out + std::int64_t(roi) * firstorder::feature_count);
}

// Checks the batches as compute_firstorder_features does and returns the offsets of each ROI's values
// after compaction. Throws input_error for batches of different sizes and roi_error for the first ROI
// without a voxel inside its mask.
std::vector<std::int64_t> compacted_offsets(const roi_batch& rois, const discrete_batch& discrete) {
  if (discrete.rois() != rois.rois()) {
    throw input_error("first-order features: the discretised batch has " + std::to_string(discrete.rois()) +
                      " ROIs but the intensity batch has " + std::to_string(rois.rois()));
  }
  std::vector<std::int64_t> offsets{0};
  for (int roi = 0; roi < rois.rois(); ++roi) {
    std::int64_t inside = 0;
    for (std::int64_t i = rois.voxel_offset[roi]; i < rois.voxel_offset[roi + 1]; ++i) {
      if (rois.mask[std::size_t(i)]) ++inside;
    }
    if (inside == 0) throw roi_error("first-order features: ROI " + std::to_string(roi) + " has no voxels");
    offsets.push_back(offsets.back() + inside);
  }
  return offsets;
}

// Voxel volume of each ROI, multiplied as compute_firstorder_features multiplies it.
std::vector<double> voxel_volumes(const roi_batch& rois) {
  std::vector<double> volumes;
  for (const auto& spacing : rois.spacing) volumes.push_back(spacing[0] * spacing[1] * spacing[2]);
  return volumes;
}

// The values inside the masks, in batch order, which is numpy's order within each ROI.
device_buffer<double> compact_values(const roi_batch& rois, std::int64_t inside) {
  const device_buffer<double> d_intensity(rois.intensity);
  const device_buffer<std::uint8_t> d_mask(rois.mask);
  device_buffer<double> values{std::size_t(inside)};
  device_buffer<std::int64_t> selected(1);
  const std::int64_t voxels = std::int64_t(rois.intensity.size());
  std::size_t temp_bytes = 0;
  RADCORE_CUDA_CHECK(cub::DeviceSelect::Flagged(nullptr, temp_bytes, d_intensity.data(), d_mask.data(),
                                                values.data(), selected.data(), voxels));
  device_buffer<unsigned char> temp(temp_bytes);
  RADCORE_CUDA_CHECK(cub::DeviceSelect::Flagged(temp.data(), temp_bytes, d_intensity.data(), d_mask.data(),
                                                values.data(), selected.data(), voxels));
  return values;
}

// Each ROI's values in ascending order. CUB's radix sort treats -0.0 and +0.0 as equal and keeps them in
// input order (CUB's DeviceRadixSort documentation). std::nth_element on the CPU leaves equal values in an
// unspecified order, so an order statistic that is zero may differ from the CPU's in its sign where an ROI
// has zeros of both signs.
device_buffer<double> sort_values(const device_buffer<double>& values, const device_buffer<std::int64_t>& offsets,
                                  int rois) {
  device_buffer<double> sorted(values.size());
  const int items = int(values.size());
  std::size_t temp_bytes = 0;
  RADCORE_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortKeys(nullptr, temp_bytes, values.data(), sorted.data(),
                                                             items, rois, offsets.data(), offsets.data() + 1));
  device_buffer<unsigned char> temp(temp_bytes);
  RADCORE_CUDA_CHECK(cub::DeviceSegmentedRadixSort::SortKeys(temp.data(), temp_bytes, values.data(), sorted.data(),
                                                             items, rois, offsets.data(), offsets.data() + 1));
  return sorted;
}

// Voxels of each ROI's compact grey levels, laid out as the batch's grey values (level_offset).
device_buffer<unsigned long long> grey_level_counts(const discrete_batch& discrete,
                                                    const device_buffer<std::int64_t>& level_offset) {
  const device_buffer<std::int64_t> voxel_offset(discrete.voxel_offset);
  const device_buffer<std::int32_t> level(discrete.level);
  device_buffer<unsigned long long> counts(std::size_t(discrete.level_offset.back()));
  counts.zero();
  count_grey_levels<<<unsigned(discrete.rois()), count_threads>>>(voxel_offset.data(), level.data(),
                                                                   level_offset.data(), counts.data());
  RADCORE_CUDA_CHECK_LAUNCH(nullptr, "count_grey_levels");
  return counts;
}

}  // namespace

feature_block cuda_compute_firstorder_features(const roi_batch& rois, const discrete_batch& discrete,
                                               double voxel_array_shift) {
  const std::vector<std::int64_t> offsets = compacted_offsets(rois, discrete);
  const int roi_count = rois.rois();
  if (roi_count == 0) return feature_block(0, firstorder::feature_count);
  const std::int64_t inside = offsets.back();
  if (inside > INT_MAX) {
    throw input_error("first-order features on the GPU: the batch has " + std::to_string(inside) +
                      " voxels inside its masks, more than CUB's segmented sort takes (" + std::to_string(INT_MAX) +
                      "); split the batch");
  }

  const device_buffer<std::int64_t> d_offsets(offsets);
  const device_buffer<double> values = compact_values(rois, inside);
  const device_buffer<double> sorted = sort_values(values, d_offsets, roi_count);
  const device_buffer<std::int64_t> level_offset(discrete.level_offset);
  const device_buffer<unsigned long long> counts = grey_level_counts(discrete, level_offset);
  const device_buffer<double> volumes(voxel_volumes(rois));

  device_buffer<double> out(std::size_t(roi_count) * firstorder::feature_count);
  const unsigned blocks = unsigned((roi_count + feature_threads - 1) / feature_threads);
  firstorder_roi_features<<<blocks, feature_threads>>>(roi_count, values.data(), sorted.data(), d_offsets.data(),
                                                       volumes.data(), voxel_array_shift, counts.data(),
                                                       level_offset.data(), out.data());
  RADCORE_CUDA_CHECK_LAUNCH(nullptr, "firstorder_roi_features");

  feature_block block(roi_count, firstorder::feature_count);
  block.values = out.download();
  return block;
}

}  // namespace radcore
