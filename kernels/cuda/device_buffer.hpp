// Move-only owners of device memory and pinned host memory. With device_memory.cpp, this is the one place
// that allocates and frees device and page-locked memory.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/cuda/cuda_check.hpp"

namespace radcore::cuda {

// Allocation and copies on the calling thread's default stream. radcore_cuda is compiled with
// --default-stream per-thread, so each host thread has its own stream, and the copies and kernels of two
// threads overlap on the device.
namespace memory {

// Returns true when the current device supports stream-ordered allocation (cudaMallocAsync), and on the
// first call for a device keeps freed memory in its pool instead of returning it at each synchronisation.
bool stream_ordered_allocation();

// Allocates `bytes` on the calling thread's stream, from the device's pool where supported.
void* allocate(std::size_t bytes);

// Frees memory from allocate() after the work queued on the calling thread's stream. Ignores errors,
// because destructors call it.
void release(void* data) noexcept;

// Copies `bytes` from host memory to the device through a page-locked staging buffer from a shared pool, which
// the copy engine reads directly (the driver would otherwise stage pageable memory itself), and waits for the
// copy.
void copy_to_device(void* device, const void* host, std::size_t bytes);

// Copies `bytes` from the device to host memory through the staging buffer, after the work queued on the
// calling thread's stream, and waits for the copy.
void copy_to_host(void* host, const void* device, std::size_t bytes);

}  // namespace memory

// `count` elements of T in device memory, uninitialised unless filled by upload() or zero().
template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  explicit device_buffer(std::size_t count) : count_(count) {
    if (count_ > 0) data_ = static_cast<T*>(memory::allocate(count_ * sizeof(T)));
  }
  // Allocates room for `host` and copies it in (synchronously).
  explicit device_buffer(const std::vector<T>& host) : device_buffer(host.size()) { upload(host); }

  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  device_buffer(device_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}
  device_buffer& operator=(device_buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      count_ = std::exchange(other.count_, 0);
    }
    return *this;
  }
  ~device_buffer() { release(); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }

  void upload(const std::vector<T>& host) {
    if (!host.empty()) memory::copy_to_device(data_, host.data(), host.size() * sizeof(T));
  }
  // Sets every byte to zero on `stream`.
  void zero(cudaStream_t stream = nullptr) {
    if (count_ > 0) RADCORE_CUDA_CHECK(cudaMemsetAsync(data_, 0, count_ * sizeof(T), stream));
  }
  // Copies the whole buffer to the host (synchronously).
  std::vector<T> download() const {
    std::vector<T> host(count_);
    if (count_ > 0) memory::copy_to_host(host.data(), data_, count_ * sizeof(T));
    return host;
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) memory::release(data_);
    data_ = nullptr;
    count_ = 0;
  }

  T* data_ = nullptr;
  std::size_t count_ = 0;
};

// `count` elements of T in page-locked host memory, so that asynchronous copies can overlap kernels.
template <class T>
class pinned_buffer {
 public:
  pinned_buffer() = default;
  explicit pinned_buffer(std::size_t count) : count_(count) {
    if (count_ > 0) RADCORE_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&data_), count_ * sizeof(T)));
  }
  pinned_buffer(const pinned_buffer&) = delete;
  pinned_buffer& operator=(const pinned_buffer&) = delete;
  pinned_buffer(pinned_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}
  pinned_buffer& operator=(pinned_buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      count_ = std::exchange(other.count_, 0);
    }
    return *this;
  }
  ~pinned_buffer() { release(); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  void release() noexcept {
    if (data_ != nullptr) cudaFreeHost(data_);
    data_ = nullptr;
    count_ = 0;
  }

  T* data_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace radcore::cuda
