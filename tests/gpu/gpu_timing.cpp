// Times the CUDA backend against the CPU backend on random cubes and prints one table of ROIs per second.
// GPU times are measured with CUDA events around each batch call (upload, kernels and download included)
// after one warm-up call. CPU times come from compute_<family>_features on one thread with a steady clock,
// on a smaller batch of the same ROIs, because their time per ROI does not depend on the batch size. Usage: radcore_gpu_timing [--quick].
#include <cuda_runtime_api.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "tests/gpu/random_rois.hpp"

namespace {

using namespace radcore;
using features_function = feature_block (*)(const discrete_batch&, const texture_settings&);

struct family_functions {
  const char* name;
  std::vector<features_function> cpu;  // the study configuration runs all five families
  std::vector<features_function> gpu;
};

// Returns the first `count` ROIs of `batch` as a batch of their own.
discrete_batch first_rois(const discrete_batch& batch, int count) {
  discrete_batch part;
  part.size.assign(batch.size.begin(), batch.size.begin() + count);
  part.spacing.assign(batch.spacing.begin(), batch.spacing.begin() + count);
  part.voxel_offset.assign(batch.voxel_offset.begin(), batch.voxel_offset.begin() + count + 1);
  part.level.assign(batch.level.begin(), batch.level.begin() + batch.voxel_offset[std::size_t(count)]);
  part.level_offset.assign(batch.level_offset.begin(), batch.level_offset.begin() + count + 1);
  part.grey_value.assign(batch.grey_value.begin(), batch.grey_value.begin() + batch.level_offset[std::size_t(count)]);
  part.ng.assign(batch.ng.begin(), batch.ng.begin() + count);
  return part;
}

double gpu_rois_per_second(const std::vector<features_function>& functions, const discrete_batch& batch) {
  const texture_settings settings;
  for (features_function f : functions) f(batch, settings);  // warm-up: module load, first allocations
  cudaEvent_t start, stop;
  RADCORE_CUDA_CHECK(cudaEventCreate(&start));
  RADCORE_CUDA_CHECK(cudaEventCreate(&stop));
  RADCORE_CUDA_CHECK(cudaEventRecord(start));
  for (features_function f : functions) f(batch, settings);
  RADCORE_CUDA_CHECK(cudaEventRecord(stop));
  RADCORE_CUDA_CHECK(cudaEventSynchronize(stop));
  float milliseconds = 0.0f;
  RADCORE_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start, stop));
  RADCORE_CUDA_CHECK(cudaEventDestroy(start));
  RADCORE_CUDA_CHECK(cudaEventDestroy(stop));
  return batch.rois() / (double(milliseconds) / 1000.0);
}

double cpu_rois_per_second(const std::vector<features_function>& functions, const discrete_batch& batch) {
  const texture_settings settings;
  const auto start = std::chrono::steady_clock::now();
  for (features_function f : functions) f(batch, settings);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return batch.rois() / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool gpu = cuda_device_available();
  std::printf("device: %s\n", cuda_device_description().c_str());
  const std::vector<family_functions> families = {
      {"glcm", {compute_glcm_features}, {cuda_compute_glcm_features}},
      {"glrlm", {compute_glrlm_features}, {cuda_compute_glrlm_features}},
      {"glszm", {compute_glszm_features}, {cuda_compute_glszm_features}},
      {"gldm", {compute_gldm_features}, {cuda_compute_gldm_features}},
      {"ngtdm", {compute_ngtdm_features}, {cuda_compute_ngtdm_features}},
      {"study",
       {compute_glcm_features, compute_glrlm_features, compute_glszm_features, compute_gldm_features,
        compute_ngtdm_features},
       {cuda_compute_glcm_features, cuda_compute_glrlm_features, cuda_compute_glszm_features,
        cuda_compute_gldm_features, cuda_compute_ngtdm_features}},
  };
  const std::vector<int> edges = {10, 20, 40};
  const std::vector<int> batch_sizes = quick ? std::vector<int>{16, 64} : std::vector<int>{16, 128, 1024};
  // CPU batch per edge: enough ROIs for a stable time, few enough to keep the run short.
  const std::vector<int> cpu_batch = quick ? std::vector<int>{16, 4, 1} : std::vector<int>{64, 16, 4};

  std::printf("ROIs per second; random cubes, bin width 25, up to 24 grey levels, default texture settings;\n");
  std::printf("study = all five texture families on the same batch\n");
  std::printf("%-6s %6s", "family", "voxels");
  for (int b : batch_sizes) std::printf("  gpu@%-6d", b);
  std::printf("  %10s\n", "cpu 1 thread");
  try {
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const discrete_batch all = testing::random_cube_batch(2026 + e, batch_sizes.back(), edges[e]);
      const discrete_batch cpu_rois = first_rois(all, cpu_batch[e]);
      for (const family_functions& family : families) {
        std::printf("%-6s %4d^3", family.name, edges[e]);
        for (int b : batch_sizes) {
          if (gpu) {
            std::printf("  %10.0f", gpu_rois_per_second(family.gpu, first_rois(all, b)));
          } else {
            std::printf("  %10s", "n/a");
          }
        }
        std::printf("  %10.0f\n", cpu_rois_per_second(family.cpu, cpu_rois));
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "radcore_gpu_timing: %s\n", error.what());
    return 1;
  }
  if (!gpu) std::printf("no GPU: the gpu columns are n/a\n");
  return 0;
}
