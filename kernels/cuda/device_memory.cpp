// Stream-ordered device memory and page-locked staging for device_buffer (device_buffer.hpp). This file is
// compiled with CUDA_API_PER_THREAD_DEFAULT_STREAM, so cudaStreamPerThread and stream 0 are the calling
// thread's own stream, as in the .cu files built with --default-stream per-thread.
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "kernels/cuda/device_buffer.hpp"

namespace radcore::cuda::memory {
namespace {

// Copies go through two page-locked halves of this size in turn, so that the host fills one half while the
// copy engine reads the other.
constexpr std::size_t staging_half_bytes = std::size_t(16) << 20;

// Two page-locked halves and an event per half that marks the end of its last copy, allocated on first use.
// NOTE: the events belong to the device that was current at that first use. A process that copies on two
// devices may get a buffer whose events belong to the other one.
class staging_buffer {
 public:
  unsigned char* half(int k) {
    if (data_ == nullptr) {
      RADCORE_CUDA_CHECK(cudaEventCreateWithFlags(&done_[0], cudaEventDisableTiming));
      RADCORE_CUDA_CHECK(cudaEventCreateWithFlags(&done_[1], cudaEventDisableTiming));
      RADCORE_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&data_), 2 * staging_half_bytes));
    }
    return data_ + std::size_t(k) * staging_half_bytes;
  }
  cudaEvent_t done(int k) const { return done_[k]; }

 private:
  unsigned char* data_ = nullptr;
  cudaEvent_t done_[2] = {nullptr, nullptr};
};

// Staging buffers shared by all threads: a copy leases one for its duration, so that short-lived threads
// do not pin and unpin memory each time, and the pool holds as many buffers as copies ever ran at once.
// The pool is never destroyed: page-locked memory is returned with the process, and freeing it from a
// static destructor could run after the CUDA runtime has shut down.
class staging_pool {
 public:
  staging_buffer* acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) {
      buffers_.push_back(std::make_unique<staging_buffer>());
      return buffers_.back().get();
    }
    staging_buffer* buffer = free_.back();
    free_.pop_back();
    return buffer;
  }
  void give_back(staging_buffer* buffer) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(buffer);
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<staging_buffer>> buffers_;
  std::vector<staging_buffer*> free_;
};

staging_pool& shared_pool() {
  static staging_pool* pool = new staging_pool;
  return *pool;
}

// A staging buffer taken from the pool for one copy and given back when the copy returns or throws.
class staging_lease {
 public:
  staging_lease() : buffer_(shared_pool().acquire()) {}
  ~staging_lease() { shared_pool().give_back(buffer_); }
  staging_lease(const staging_lease&) = delete;
  staging_lease& operator=(const staging_lease&) = delete;
  staging_buffer& operator*() const { return *buffer_; }

 private:
  staging_buffer* buffer_;
};

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
  const staging_lease lease;
  staging_buffer& staging = *lease;
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
  const staging_lease lease;
  staging_buffer& staging = *lease;
  auto* target = static_cast<unsigned char*>(host);
  const auto* source = static_cast<const unsigned char*>(device);
  // Queue the copy into half k, then move the previous half's data out while the copy engine writes.
  std::size_t pending_offset = 0, pending_bytes = 0;
  int k = 0;
  for (std::size_t done = 0; done < bytes; done += staging_half_bytes, k ^= 1) {
    const std::size_t piece = bytes - done < staging_half_bytes ? bytes - done : staging_half_bytes;
    // A copy that failed part way may have left a transfer into this half running.
    RADCORE_CUDA_CHECK(cudaEventSynchronize(staging.done(k)));
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
