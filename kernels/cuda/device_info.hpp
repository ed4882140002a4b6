// Properties of the current CUDA device that the launchers size their kernels by.
#pragma once

#include <cstddef>

#include "kernels/cuda/cuda_check.hpp"

namespace radcore::cuda {

// Returns the most dynamic shared memory one block may use on the current device after opting in with
// cudaFuncSetAttribute (227 KiB on compute capability 9.0).
std::size_t max_shared_bytes_per_block();

}  // namespace radcore::cuda
