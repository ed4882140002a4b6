// Stream-ordered device memory and page-locked staging for device_buffer (device_buffer.hpp). This file is
// compiled with CUDA_API_PER_THREAD_DEFAULT_STREAM, so cudaStreamPerThread and stream 0 are the calling
// thread's own stream, as in the .cu files built with --default-stream per-thread.
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>

#include "kernels/cuda/device_buffer.hpp"

namespace radcore::cuda::memory {
namespace {

// Copies go through two page-locked halves of this size in turn, so that the host fills one half while the
// copy engine reads the other.
constexpr std::size_t staging_half_bytes = std::size_t(16) << 20;

// Two page-locked halves per host thread and an event per half that marks the end of its last copy,
// allocated on first use and freed when the thread ends.
class staging_buffer {
 public:
  ~staging_buffer() {
    if (data_ != nullptr) cudaFreeHost(data_);
    for (cudaEvent_t event : done_) {
      if (event != nullptr) cudaEventDestroy(event);
    }
  }

  unsigned char* half(int k) {
    if (data_ == nullptr) {
      RADCORE_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&data_), 2 * staging_half_bytes));
      for (cudaEvent_t& event : done_) RADCORE_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
    }
    return data_ + std::size_t(k) * staging_half_bytes;
  }
  cudaEvent_t done(int k) const { return done_[k]; }

 private:
  unsigned char* data_ = nullptr;
  cudaEvent_t done_[2] = {nullptr, nullptr};
};

staging_buffer& thread_staging() {
  thread_local staging_buffer buffer;
  return buffer;
}

}  // namespace

bool stream_ordered_allocation() {
  static std::mutex mutex;
  static std::set<int> configured;
  static std::set<int> supported;
  int device = 0;
  RADCORE_CUDA_CHECK(cudaGetDevice(&device));
  std::lock_guard<std::mutex> lock(mutex);
  if (configured.insert(device).second) {
    int pools = 0;
    RADCORE_CUDA_CHECK(cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device));
    if (pools != 0) {
      cudaMemPool_t pool = nullptr;
      RADCORE_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
      // Keep freed memory in the pool: batches of similar size follow each other.
      std::uint64_t threshold = std::numeric_limits<std::uint64_t>::max();
      RADCORE_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
      supported.insert(device);
    }
  }
  return supported.count(device) > 0;
}

void* allocate(std::size_t bytes) {
  void* data = nullptr;
  if (stream_ordered_allocation()) {
    RADCORE_CUDA_CHECK(cudaMallocAsync(&data, bytes, cudaStreamPerThread));
  } else {
    RADCORE_CUDA_CHECK(cudaMalloc(&data, bytes));
  }
  return data;
}

void release(void* data) noexcept {
  // Memory from cudaMallocAsync must not go to cudaFree, and the reverse. The device's pool support does not
  // change while the process runs, so the test below picks the call that allocated it.
  try {
    if (stream_ordered_allocation()) {
      cudaFreeAsync(data, cudaStreamPerThread);
      return;
    }
  } catch (...) {
  }
  cudaFree(data);
}

void copy_to_device(void* device, const void* host, std::size_t bytes) {
  staging_buffer& staging = thread_staging();
  const auto* source = static_cast<const unsigned char*>(host);
  auto* target = static_cast<unsigned char*>(device);
  int k = 0;
  for (std::size_t done = 0; done < bytes; done += staging_half_bytes, k ^= 1) {
    const std::size_t piece = bytes - done < staging_half_bytes ? bytes - done : staging_half_bytes;
    unsigned char* half = staging.half(k);
    // The half's previous copy must have read it before the host overwrites it.
    RADCORE_CUDA_CHECK(cudaEventSynchronize(staging.done(k)));
    std::memcpy(half, source + done, piece);
    RADCORE_CUDA_CHECK(cudaMemcpyAsync(target + done, half, piece, cudaMemcpyHostToDevice, cudaStreamPerThread));
    RADCORE_CUDA_CHECK(cudaEventRecord(staging.done(k), cudaStreamPerThread));
  }
  // The caller may free or change `host` once this returns, and the staging halves are reused.
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(cudaStreamPerThread));
}

void copy_to_host(void* host, const void* device, std::size_t bytes) {
  staging_buffer& staging = thread_staging();
  auto* target = static_cast<unsigned char*>(host);
  const auto* source = static_cast<const unsigned char*>(device);
  // Queue the copy into half k, then move the previous half's data out while the copy engine writes.
  std::size_t pending_offset = 0, pending_bytes = 0;
  int k = 0;
  for (std::size_t done = 0; done < bytes; done += staging_half_bytes, k ^= 1) {
    const std::size_t piece = bytes - done < staging_half_bytes ? bytes - done : staging_half_bytes;
    RADCORE_CUDA_CHECK(cudaMemcpyAsync(staging.half(k), source + done, piece, cudaMemcpyDeviceToHost,
                                       cudaStreamPerThread));
    RADCORE_CUDA_CHECK(cudaEventRecord(staging.done(k), cudaStreamPerThread));
    if (pending_bytes > 0) {
      RADCORE_CUDA_CHECK(cudaEventSynchronize(staging.done(k ^ 1)));
      std::memcpy(target + pending_offset, staging.half(k ^ 1), pending_bytes);
    }
    pending_offset = done;
    pending_bytes = piece;
  }
  if (pending_bytes > 0) {
    RADCORE_CUDA_CHECK(cudaEventSynchronize(staging.done(k ^ 1)));
    std::memcpy(target + pending_offset, staging.half(k ^ 1), pending_bytes);
  }
}

}  // namespace radcore::cuda::memory
