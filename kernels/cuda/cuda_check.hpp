// Error checks for CUDA runtime calls and kernel launches. Every failure throws cuda_error; library code
// never exits or aborts on a CUDA error.
#pragma once

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace radcore::cuda {

// A failed CUDA runtime call or kernel launch: the call as written, where it was made and the runtime's error.
class cuda_error : public std::runtime_error {
 public:
  cuda_error(const char* call, const char* file, int line, cudaError_t error)
      : std::runtime_error(std::string("CUDA call failed: ") + call + " at " + file + ":" + std::to_string(line) +
                           ": " + cudaGetErrorName(error) + " (" + cudaGetErrorString(error) + ")"),
        error_(error) {}

  cudaError_t error() const { return error_; }

 private:
  cudaError_t error_;
};

inline void check_cuda_result(cudaError_t result, const char* call, const char* file, int line) {
  if (result != cudaSuccess) {
    // The runtime keeps a failed call's error for cudaGetLastError, so the next launch check of this thread
    // would report it again. Clearing it leaves only sticky errors (a kernel fault) for later calls.
    cudaGetLastError();
    throw cuda_error(call, file, line, result);
  }
}

// Checks the launch just issued on `stream`. With RADCORE_CUDA_SYNC_DEBUG it also waits for the stream, so
// that an error inside the kernel is reported at its launch and not at a later call.
inline void check_launch(cudaStream_t stream, const char* kernel, const char* file, int line) {
  check_cuda_result(cudaGetLastError(), kernel, file, line);
#if defined(RADCORE_CUDA_SYNC_DEBUG)
  check_cuda_result(cudaStreamSynchronize(stream), kernel, file, line);
#else
  (void)stream;
#endif
}

}  // namespace radcore::cuda

// Evaluates `call` once and throws radcore::cuda::cuda_error when it does not return cudaSuccess.
#define RADCORE_CUDA_CHECK(call) ::radcore::cuda::check_cuda_result((call), #call, __FILE__, __LINE__)

// Checks the kernel launch just issued on `stream`; `kernel` names it in the error message.
#define RADCORE_CUDA_CHECK_LAUNCH(stream, kernel) ::radcore::cuda::check_launch((stream), kernel, __FILE__, __LINE__)
