// Marks functions that both the CPU backend and CUDA kernels compile.
#pragma once

#if defined(__CUDACC__)
#define RADCORE_HD __host__ __device__
#else
#define RADCORE_HD
#endif
