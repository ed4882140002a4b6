// The counting launch every texture family shares: a plan of items (ROI, neighbour offsets, matrix shape),
// one kernel over (item, chunk of voxels) with a family-specific visit, and integer counters that go through
// shared memory where an item's matrix fits. CUDA header for kernels/cuda/*.cu.
#pragma once

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "kernels/angles.hpp"
#include "kernels/cuda/device_info.hpp"
#include "kernels/cuda/texture_kernels.hpp"

namespace radcore::cuda {

constexpr int count_threads = 256;
// Voxels one counting block visits. A block clears and merges its shared counters once per chunk, so an
// item uses shared memory only when its counters number at most this many.
constexpr std::int64_t chunk_voxels = 8192;
constexpr int prepare_threads = 256;

// Offsets and items of one counting launch, as built on the host.
struct count_plan {
  std::vector<offset3> offsets;
  std::vector<count_item> items;
  std::int64_t counters = 0;      // total counters over all items
  std::size_t shared_bytes = 0;   // dynamic shared memory of the launch
};

// Decides, per item, whether its counters go through shared memory, and sizes the launch's shared memory.
inline void choose_shared(count_plan& plan, std::size_t counter_bytes) {
  const std::size_t limit = max_shared_bytes_per_block();
  plan.shared_bytes = 0;
  for (count_item& item : plan.items) {
    const std::int64_t cells = std::int64_t(item.rows) * item.columns;
    const std::size_t bytes = std::size_t(cells) * counter_bytes;
    item.use_shared = (bytes <= limit && cells <= chunk_voxels) ? 1 : 0;
    if (item.use_shared) plan.shared_bytes = std::max(plan.shared_bytes, bytes);
  }
}

// Places each item's matrix in the launch's counter buffer and sums the counters needed.
inline void place_items(count_plan& plan) {
  plan.counters = 0;
  for (count_item& item : plan.items) {
    item.counts_offset = plan.counters;
    plan.counters += std::int64_t(item.rows) * item.columns;
  }
}

__device__ inline void decode_voxel(const extent3& crop, std::int64_t v, int& x, int& y, int& z) {
  x = int(v % crop.nx);
  const std::int64_t rest = v / crop.nx;
  y = int(rest % crop.ny);
  z = int(rest / crop.ny);
}

// Chunks per item that one launch covers along gridDim.y, within its limit of 65535. Items with more chunks
// are counted by further launches with a larger first_chunk.
constexpr std::int64_t max_chunks_per_launch = 65535;

// One block counts chunk first_chunk + blockIdx.y of item blockIdx.x. Counters are unsigned integers, so the
// sums are exact and independent of the order in which threads add.
template <class Counter, class Visit>
__global__ void count_kernel(batch_view batch, const count_item* items, const offset3* offsets, Counter* counts,
                             std::uint32_t* flags, Visit visit, std::int64_t first_chunk) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  Counter* shared = reinterpret_cast<Counter*>(shared_bytes);
  const count_item item = items[blockIdx.x];
  const extent3 crop = batch.size[item.roi];
  const std::int64_t begin = (first_chunk + std::int64_t(blockIdx.y)) * chunk_voxels;
  if (begin >= crop.count()) return;  // the same for the whole block, so no thread waits at a barrier
  const std::int64_t end = begin + chunk_voxels < crop.count() ? begin + chunk_voxels : crop.count();
  const std::int64_t cells = std::int64_t(item.rows) * item.columns;
  Counter* global = counts + item.counts_offset;
  Counter* target = item.use_shared ? shared : global;
  if (item.use_shared) {
    for (std::int64_t i = threadIdx.x; i < cells; i += blockDim.x) shared[i] = 0;
    __syncthreads();
  }
  const std::int32_t* level = batch.level + batch.voxel_offset[item.roi];
  for (std::int64_t v = begin + threadIdx.x; v < end; v += blockDim.x) {
    visit.visit(item, offsets, crop, level, v, target, flags + blockIdx.x);
  }
  if (item.use_shared) {
    __syncthreads();
    for (std::int64_t i = threadIdx.x; i < cells; i += blockDim.x) {
      if (shared[i] != 0) atomicAdd(&global[i], shared[i]);
    }
  }
}

// Raises the kernel's dynamic shared-memory limit to the device's opt-in maximum, once per device and kernel.
// The attribute belongs to the device, not to the calling thread, so setting it per launch to that launch's
// size would let one thread shrink it below another thread's launch.
template <class Kernel>
void allow_max_shared_memory(Kernel kernel) {
  static std::mutex mutex;
  static std::set<int> done;
  int device = 0;
  RADCORE_CUDA_CHECK(cudaGetDevice(&device));
  std::lock_guard<std::mutex> lock(mutex);
  if (done.count(device) > 0) return;
  RADCORE_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          int(max_shared_bytes_per_block())));
  done.insert(device);
}

// Device buffers of one counting launch.
template <class Counter>
struct counted {
  count_plan plan;
  device_buffer<count_item> items;
  device_buffer<Counter> counts;
  device_buffer<std::uint32_t> flags;  // one per item
};

template <class Counter, class Visit>
counted<Counter> run_count(count_plan plan, const device_batch& d_batch, Visit visit, cudaStream_t stream) {
  counted<Counter> out;
  place_items(plan);
  choose_shared(plan, sizeof(Counter));
  out.items = device_buffer<count_item>(plan.items);
  out.counts = device_buffer<Counter>(std::size_t(plan.counters));
  out.counts.zero(stream);
  out.flags = device_buffer<std::uint32_t>(plan.items.size());
  out.flags.zero(stream);
  device_buffer<offset3> d_offsets(plan.offsets);
  if (!plan.items.empty() && d_batch.max_voxels > 0) {
    auto kernel = count_kernel<Counter, Visit>;
    if (plan.shared_bytes > 48 * 1024) allow_max_shared_memory(kernel);
    const std::int64_t chunks = (d_batch.max_voxels + chunk_voxels - 1) / chunk_voxels;
    for (std::int64_t first_chunk = 0; first_chunk < chunks; first_chunk += max_chunks_per_launch) {
      const std::int64_t launch_chunks = std::min(max_chunks_per_launch, chunks - first_chunk);
      const dim3 grid(unsigned(plan.items.size()), unsigned(launch_chunks));
      kernel<<<grid, count_threads, plan.shared_bytes, stream>>>(d_batch.view(), out.items.data(), d_offsets.data(),
                                                                  out.counts.data(), out.flags.data(), visit,
                                                                  first_chunk);
      RADCORE_CUDA_CHECK_LAUNCH(stream, "count_kernel");
    }
  }
  // The kernel reads d_offsets, which is freed on return.
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  out.plan = std::move(plan);
  return out;
}

// Items of a per-voxel family: one per ROI with its neighbour offsets (both directions).
inline count_plan roi_plan(const discrete_batch& batch, const angle_options& options, int extra_columns) {
  count_plan plan;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const std::vector<offset3> offsets = generate_angles(batch.size[std::size_t(roi)], options, true);
    count_item item;
    item.roi = roi;
    item.first_offset = int(plan.offsets.size());
    item.offset_count = int(offsets.size());
    item.rows = batch.levels(roi);
    item.columns = int(offsets.size()) + extra_columns;
    plan.offsets.insert(plan.offsets.end(), offsets.begin(), offsets.end());
    plan.items.push_back(item);
  }
  return plan;
}

// Sums a block's unsigned values exactly; every thread gets the total.
__device__ inline unsigned long long block_sum(unsigned long long value) {
  __shared__ unsigned long long partial[prepare_threads];
  partial[threadIdx.x] = value;
  __syncthreads();
  for (int step = prepare_threads / 2; step > 0; step /= 2) {
    if (int(threadIdx.x) < step) partial[threadIdx.x] += partial[threadIdx.x + step];
    __syncthreads();
  }
  const unsigned long long total = partial[0];
  __syncthreads();
  return total;
}

}  // namespace radcore::cuda
