#include <cuda_runtime_api.h>

#include <sstream>

#include "kernels/cuda/device_info.hpp"
#include "kernels/cuda_backend.hpp"

namespace radcore {

bool cuda_device_available() {
  int count = 0;
  // Without a driver this returns an error (cudaErrorInsufficientDriver, 35) rather than zero devices.
  const cudaError_t result = cudaGetDeviceCount(&count);
  if (result != cudaSuccess) {
    cudaGetLastError();  // clears the error, so that later checks do not report it again
    return false;
  }
  return count > 0;
}

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

std::string cuda_device_description() {
  int count = 0;
  const cudaError_t result = cudaGetDeviceCount(&count);
  if (result != cudaSuccess) {
    cudaGetLastError();
    std::string description = std::string("no usable CUDA device: cudaGetDeviceCount returned ") +
                              cudaGetErrorName(result) + " (" + cudaGetErrorString(result) + ")";
    // The runtime's text for error 35 suggests an old driver, but it is also what a machine without any
    // NVIDIA driver (and so without a GPU in use) reports.
    if (result == cudaErrorInsufficientDriver) {
      description += ": no NVIDIA driver is loaded, or it is older than this build's CUDA runtime";
    }
    return description;
  }
  if (count == 0) return "no usable CUDA device: cudaGetDeviceCount found 0 devices";
  cudaDeviceProp properties{};
  RADCORE_CUDA_CHECK(cudaGetDeviceProperties(&properties, 0));
  std::ostringstream description;
  description << properties.name << ", compute capability " << properties.major << "." << properties.minor << ", "
              << properties.totalGlobalMem / (1024 * 1024) << " MiB, " << properties.multiProcessorCount << " SMs";
  return description.str();
}

void cuda_use_device(int device) {
  int count = 0;
  RADCORE_CUDA_CHECK(cudaGetDeviceCount(&count));
  RADCORE_CUDA_CHECK(cudaSetDevice(count > 0 ? device % count : 0));
}

namespace cuda {

std::size_t max_shared_bytes_per_block() {
  int device = 0;
  RADCORE_CUDA_CHECK(cudaGetDevice(&device));
  int bytes = 0;
  RADCORE_CUDA_CHECK(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  return std::size_t(bytes);
}

}  // namespace cuda
}  // namespace radcore
