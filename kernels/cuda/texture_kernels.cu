#include "kernels/cuda/texture_kernels.hpp"

#include <algorithm>

#include "kernels/angles.hpp"
#include "kernels/cuda/count_kernel.cuh"
#include "kernels/glcm.hpp"
#include "kernels/glrlm.hpp"

namespace radcore::cuda {
namespace {

// GLCM: one count per ROI voxel whose neighbour at the item's angle is in the crop and the ROI
// (row = the voxel's level, column = the neighbour's), as count_cooccurrences in glcm.cpp.
struct glcm_visit {
  template <class Counter>
  __device__ static void visit(const count_item& item, const offset3* offsets, const extent3& crop,
                               const std::int32_t* level, std::int64_t v, Counter* counts, std::uint32_t*) {
    const std::int32_t centre = level[v];
    if (centre == 0) return;
    int x, y, z;
    decode_voxel(crop, v, x, y, z);
    const offset3 o = offsets[item.first_offset];
    if (!crop.contains(x + o.dx, y + o.dy, z + o.dz)) return;
    const std::int32_t neighbour = level[crop.index(x + o.dx, y + o.dy, z + o.dz)];
    if (neighbour == 0) return;
    atomicAdd(&counts[std::int64_t(centre - 1) * item.columns + (neighbour - 1)], Counter(1));
  }
};

// GLRLM: a voxel whose predecessor along the angle lies outside the crop starts a line, and its thread
// walks the line and records each run, as count_runs in glrlm.cpp. `flag` is set when a line contains two
// or more ROI voxels.
struct glrlm_visit {
  template <class Counter>
  __device__ static void visit(const count_item& item, const offset3* offsets, const extent3& crop,
                               const std::int32_t* level, std::int64_t v, Counter* counts, std::uint32_t* flag) {
    int x, y, z;
    decode_voxel(crop, v, x, y, z);
    const offset3 o = offsets[item.first_offset];
    if (crop.contains(x - o.dx, y - o.dy, z - o.dz)) return;
    std::int32_t current = 0;
    std::int64_t length = 0, elements = 0;
    for (int px = x, py = y, pz = z; crop.contains(px, py, pz); px += o.dx, py += o.dy, pz += o.dz) {
      const std::int32_t here = level[crop.index(px, py, pz)];
      if (here != 0) ++elements;
      if (here != 0 && here == current) {
        ++length;
        continue;
      }
      if (current != 0) atomicAdd(&counts[std::int64_t(current - 1) * item.columns + (length - 1)], Counter(1));
      current = here;
      length = here != 0 ? 1 : 0;
    }
    if (current != 0) atomicAdd(&counts[std::int64_t(current - 1) * item.columns + (length - 1)], Counter(1));
    if (elements > 1) atomicOr(flag, 1u);
  }
};

// Items of an angle family: one per ROI and angle, in angle order, with the angle's weight.
template <class Weight>
count_plan angle_plan(const discrete_batch& batch, const angle_options& options, bool run_lengths, Weight weight) {
  count_plan plan;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const extent3& crop = batch.size[std::size_t(roi)];
    const int n = batch.levels(roi);
    const int columns = run_lengths ? std::max({crop.nx, crop.ny, crop.nz}) : n;
    for (const offset3& angle : generate_angles(crop, options, false)) {
      count_item item;
      item.roi = roi;
      item.first_offset = int(plan.offsets.size());
      item.offset_count = 1;
      item.rows = n;
      item.columns = columns;
      item.weight = weight(angle, batch.spacing[std::size_t(roi)]);
      plan.offsets.push_back(angle);
      plan.items.push_back(item);
    }
  }
  return plan;
}

// Slots of an angle family and their placement in the values buffer.
angle_family_matrices place_slots(const discrete_batch& batch, const count_plan& plan, bool merged) {
  angle_family_matrices out;
  out.first_slot.push_back(0);
  std::int64_t values = 0;
  std::size_t item = 0;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const std::size_t first = item;
    while (item < plan.items.size() && plan.items[item].roi == roi) ++item;
    const int rows = batch.levels(roi);
    const int columns = first < item ? plan.items[first].columns : 0;
    const std::size_t slots = merged ? 1 : item - first;
    for (std::size_t s = 0; s < slots; ++s) {
      matrix_slot slot;
      slot.roi = roi;
      slot.rows = rows;
      slot.columns = merged && first == item ? rows : columns;
      slot.values_offset = values;
      values += std::int64_t(slot.rows) * slot.columns;
      out.host_slots.push_back(slot);
    }
    out.first_slot.push_back(int(out.host_slots.size()));
  }
  out.slots = device_buffer<matrix_slot>(out.host_slots);
  out.values = device_buffer<double>(std::size_t(values));
  return out;
}

// The count of cell k of a GLCM item, symmetrised as P + P^T when requested (symmetrise in glcm.cpp).
__device__ std::uint32_t glcm_cell(const std::uint32_t* counts, int n, std::int64_t k, bool symmetric) {
  if (!symmetric) return counts[k];
  const std::int64_t r = k / n, c = k % n;
  return counts[k] + counts[c * n + r];
}

// One block per angle slot: the matrix divided by its sum. Integer sums below 2^53 are exact in double,
// so the sum equals the CPU's sequential one and every quotient is bitwise the same.
__global__ void glcm_angle_prepare(const count_item* items, const std::uint32_t* counts, matrix_slot* slots,
                                   double* values, int symmetric) {
  const count_item item = items[blockIdx.x];
  matrix_slot& slot = slots[blockIdx.x];
  const std::int64_t cells = std::int64_t(item.rows) * item.columns;
  const std::uint32_t* matrix = counts + item.counts_offset;
  double* out = values + slot.values_offset;
  unsigned long long local = 0;
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) local += glcm_cell(matrix, item.rows, k, symmetric);
  const unsigned long long total = block_sum(local);
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) {
    out[k] = total == 0 ? 0.0 : double(glcm_cell(matrix, item.rows, k, symmetric)) / double(total);
  }
  if (threadIdx.x == 0) slot.state = total == 0 ? 0 : 1;
}

// One block per ROI: the angles merged with their weights in angle order, then divided by the merged sum,
// which is taken sequentially in row-major order as the CPU takes it (the terms are not integers).
__global__ void glcm_merged_prepare(const count_item* items, const int* first_item, const std::uint32_t* counts,
                                    matrix_slot* slots, double* values, int symmetric) {
  matrix_slot& slot = slots[blockIdx.x];
  const int begin = first_item[blockIdx.x], end = first_item[blockIdx.x + 1];
  const std::int64_t cells = std::int64_t(slot.rows) * slot.columns;
  double* out = values + slot.values_offset;
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) {
    double merged = 0.0;
    for (int i = begin; i < end; ++i) {
      merged += double(glcm_cell(counts + items[i].counts_offset, slot.rows, k, symmetric)) * items[i].weight;
    }
    out[k] = merged;
  }
  __syncthreads();
  __shared__ double total;
  if (threadIdx.x == 0) {
    double sum = 0.0;
    for (std::int64_t k = 0; k < cells; ++k) sum += out[k];
    total = sum;
    slot.state = sum == 0.0 ? 2 : 1;
  }
  __syncthreads();
  if (total == 0.0) return;
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) out[k] /= total;
}

// One block per angle slot: the run counts as doubles, zeroed where no line held two ROI voxels.
__global__ void glrlm_angle_prepare(const count_item* items, const std::uint32_t* counts, const std::uint32_t* flags,
                                    matrix_slot* slots, double* values) {
  const count_item item = items[blockIdx.x];
  matrix_slot& slot = slots[blockIdx.x];
  const std::int64_t cells = std::int64_t(item.rows) * item.columns;
  const bool multi_element = flags[blockIdx.x] != 0;
  const std::uint32_t* matrix = counts + item.counts_offset;
  double* out = values + slot.values_offset;
  unsigned long long local = 0;
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) {
    const std::uint32_t count = multi_element ? matrix[k] : 0u;
    out[k] = double(count);
    local += count;
  }
  const unsigned long long total = block_sum(local);
  if (threadIdx.x == 0) slot.state = total == 0 ? 0 : 1;
}

// One block per ROI: the angles' counts merged with their weights in angle order (glrlm_matrices).
__global__ void glrlm_merged_prepare(const count_item* items, const int* first_item, const std::uint32_t* counts,
                                     const std::uint32_t* flags, matrix_slot* slots, double* values) {
  matrix_slot& slot = slots[blockIdx.x];
  const int begin = first_item[blockIdx.x], end = first_item[blockIdx.x + 1];
  const std::int64_t cells = std::int64_t(slot.rows) * slot.columns;
  double* out = values + slot.values_offset;
  unsigned long long nonzero = 0;
  for (std::int64_t k = threadIdx.x; k < cells; k += blockDim.x) {
    double merged = 0.0;
    for (int i = begin; i < end; ++i) {
      const std::uint32_t count = flags[i] != 0 ? counts[items[i].counts_offset + k] : 0u;
      merged += double(count) * items[i].weight;
    }
    out[k] = merged;
    if (merged != 0.0) ++nonzero;
  }
  const unsigned long long total = block_sum(nonzero);
  if (threadIdx.x == 0) slot.state = total == 0 ? 2 : 1;
}

// Index of each ROI's first item, and one past the last, for items sorted by ROI.
std::vector<int> first_items(const discrete_batch& batch, const count_plan& plan) {
  std::vector<int> first(std::size_t(batch.rois()) + 1, 0);
  for (const count_item& item : plan.items) ++first[std::size_t(item.roi) + 1];
  for (std::size_t r = 1; r < first.size(); ++r) first[r] += first[r - 1];
  return first;
}

}  // namespace

device_batch upload_batch(const discrete_batch& batch) {
  device_batch out;
  out.rois = batch.rois();
  for (const extent3& crop : batch.size) out.max_voxels = std::max(out.max_voxels, crop.count());
  out.size = device_buffer<extent3>(batch.size);
  out.voxel_offset = device_buffer<std::int64_t>(batch.voxel_offset);
  out.level = device_buffer<std::int32_t>(batch.level);
  out.level_offset = device_buffer<std::int64_t>(batch.level_offset);
  out.grey_value = device_buffer<double>(batch.grey_value);
  out.ng = device_buffer<std::int32_t>(batch.ng);
  return out;
}

std::vector<matrix_slot> download_slots(const angle_family_matrices& matrices) { return matrices.slots.download(); }

angle_family_matrices build_glcm(const discrete_batch& batch, const device_batch& d_batch,
                                 const texture_settings& settings, cudaStream_t stream) {
  const weighting_norm norm = settings.weighting;
  count_plan plan = angle_plan(batch, settings.angles, false, [norm](const offset3& angle, const auto& spacing) {
    return glcm_angle_weight(angle, spacing, norm);
  });
  counted<std::uint32_t> counts = run_count<std::uint32_t>(std::move(plan), d_batch, glcm_visit{}, stream);
  const bool merged = norm != weighting_norm::none;
  angle_family_matrices out = place_slots(batch, counts.plan, merged);
  const int symmetric = settings.symmetrical_glcm ? 1 : 0;
  if (!merged && !out.host_slots.empty()) {
    glcm_angle_prepare<<<unsigned(out.host_slots.size()), prepare_threads, 0, stream>>>(
        counts.items.data(), counts.counts.data(), out.slots.data(), out.values.data(), symmetric);
    RADCORE_CUDA_CHECK_LAUNCH(stream, "glcm_angle_prepare");
  } else if (merged && batch.rois() > 0) {
    device_buffer<int> d_first(first_items(batch, counts.plan));
    glcm_merged_prepare<<<unsigned(batch.rois()), prepare_threads, 0, stream>>>(
        counts.items.data(), d_first.data(), counts.counts.data(), out.slots.data(), out.values.data(), symmetric);
    RADCORE_CUDA_CHECK_LAUNCH(stream, "glcm_merged_prepare");
    RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  return out;
}

angle_family_matrices build_glrlm(const discrete_batch& batch, const device_batch& d_batch,
                                  const texture_settings& settings, cudaStream_t stream) {
  // Runs always follow the distance-1 directions (calculate_glrlm ignores the distances setting).
  angle_options options = settings.angles;
  options.distances = {1};
  const weighting_norm norm = settings.weighting;
  count_plan plan = angle_plan(batch, options, true, [norm](const offset3& angle, const auto& spacing) {
    return glrlm_angle_weight(angle, spacing, norm);
  });
  counted<std::uint32_t> counts = run_count<std::uint32_t>(std::move(plan), d_batch, glrlm_visit{}, stream);
  const bool merged = norm != weighting_norm::none;
  angle_family_matrices out = place_slots(batch, counts.plan, merged);
  if (!merged && !out.host_slots.empty()) {
    glrlm_angle_prepare<<<unsigned(out.host_slots.size()), prepare_threads, 0, stream>>>(
        counts.items.data(), counts.counts.data(), counts.flags.data(), out.slots.data(), out.values.data());
    RADCORE_CUDA_CHECK_LAUNCH(stream, "glrlm_angle_prepare");
  } else if (merged && batch.rois() > 0) {
    device_buffer<int> d_first(first_items(batch, counts.plan));
    glrlm_merged_prepare<<<unsigned(batch.rois()), prepare_threads, 0, stream>>>(
        counts.items.data(), d_first.data(), counts.counts.data(), counts.flags.data(), out.slots.data(),
        out.values.data());
    RADCORE_CUDA_CHECK_LAUNCH(stream, "glrlm_merged_prepare");
    RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  return out;
}

}  // namespace radcore::cuda
