// Times the CUDA backend against the CPU backend in the same run and prints one table of ROIs per second,
// per family and for the study configuration. The study configuration is the original image plus the eight
// coif1 wavelet decompositions, first order and the five texture families on each, and shape.
//
// ROIs are cubes of 10, 20 and 40 voxels a side with an ellipsoid mask, cut from one smooth, noisy image
// per size, so the wavelet reads real margins. GPU figures of a family are CUDA events around one batch call
// (upload, kernels and download included) after a warm-up call. The study figure is wall time for the
// whole chain on a batch. Shape runs on every CPU thread while the GPU computes the wavelet. Then the nine
// images are discretised on CPU threads, and one call per family computes all of them. CPU figures come from the CPU
// backend on one thread, on a few ROIs of the same batch. The run stops timing new cells after
// `time_budget_seconds`, so that it fits the time of a GPU check. Usage: radcore_gpu_timing [--quick].
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/discretise.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/shape.hpp"
#include "kernels/wavelet.hpp"

namespace {

using namespace radcore;
using clock_type = std::chrono::steady_clock;

constexpr double time_budget_seconds = 75.0;
// Largest batch, in crop voxels times images per ROI, that a cell times; larger cells print "-".
constexpr std::int64_t max_cell_voxels = std::int64_t(80) << 20;

const char* const texture_families[] = {"glcm", "glrlm", "glszm", "gldm", "ngtdm"};

// One size's ROIs: boxes of one image, their crops with masks, and the crops discretised.
struct roi_set {
  int edge = 0;
  std::array<int, 3> image_size{};
  std::vector<double> image;
  std::vector<voxel_box> boxes;
  roi_batch crops;
  discrete_batch levels;
};

roi_set make_rois(int edge, int count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  roi_set set;
  set.edge = edge;
  const int side = std::max(4 * edge, 64);
  set.image_size = {side, side, side};
  set.image.resize(std::size_t(side) * side * side);
  std::normal_distribution<double> noise(0.0, 40.0);
  std::size_t i = 0;
  for (int z = 0; z < side; ++z) {
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x, ++i) {
        set.image[i] = std::round(300.0 + 120.0 * std::sin(0.7 * x + 0.3 * y) * std::cos(0.5 * z) + noise(random));
      }
    }
  }

  // One ellipsoid mask, filling the cube, for every ROI.
  std::uniform_int_distribution<int> corner(0, side - edge);
  const double centre = 0.5 * (edge - 1), radius = 0.5 * edge;
  std::vector<std::uint8_t> mask(std::size_t(edge) * edge * edge);
  i = 0;
  for (int z = 0; z < edge; ++z) {
    for (int y = 0; y < edge; ++y) {
      for (int x = 0; x < edge; ++x, ++i) {
        const double dx = (x - centre) / radius, dy = (y - centre) / radius, dz = (z - centre) / radius;
        mask[i] = dx * dx + dy * dy + dz * dz <= 1.0 ? 1 : 0;
      }
    }
  }

  // Each ROI's crop of the image at a random corner.
  std::vector<double> values(mask.size());
  for (int r = 0; r < count; ++r) {
    voxel_box box;
    box.lower = {corner(random), corner(random), corner(random)};
    box.size = {edge, edge, edge};
    set.boxes.push_back(box);
    i = 0;
    for (int z = 0; z < edge; ++z) {
      for (int y = 0; y < edge; ++y) {
        for (int x = 0; x < edge; ++x, ++i) {
          const std::size_t source = std::size_t(box.lower[0] + x) +
                                     std::size_t(side) * (std::size_t(box.lower[1] + y) +
                                                          std::size_t(side) * std::size_t(box.lower[2] + z));
          values[i] = set.image[source];
        }
      }
    }
    set.crops.add({edge, edge, edge}, {1.0, 1.0, 1.0}, values.data(), mask.data());
  }
  set.levels = discretise(set.crops, binning_settings{});
  return set;
}

std::vector<wavelet_input> inputs_for(const roi_set& set, int count) {
  wavelet_input input;
  input.size = set.image_size;
  input.values = set.image.data();
  return std::vector<wavelet_input>(std::size_t(count), input);
}

feature_block texture_on(const std::string& family, const discrete_batch& batch, bool gpu) {
  const texture_settings settings;
  if (family == "glcm") return gpu ? cuda_compute_glcm_features(batch, settings) : compute_glcm_features(batch, settings);
  if (family == "glrlm") return gpu ? cuda_compute_glrlm_features(batch, settings) : compute_glrlm_features(batch, settings);
  if (family == "glszm") return gpu ? cuda_compute_glszm_features(batch, settings) : compute_glszm_features(batch, settings);
  if (family == "gldm") return gpu ? cuda_compute_gldm_features(batch, settings) : compute_gldm_features(batch, settings);
  return gpu ? cuda_compute_ngtdm_features(batch, settings) : compute_ngtdm_features(batch, settings);
}

// Shape of every ROI of `crops` on `threads` CPU threads, each taking a contiguous share.
void shape_on_threads(const roi_batch& crops, int threads) {
  std::vector<std::thread> pool;
  const int rois = crops.rois();
  const int share = (rois + threads - 1) / threads;
  for (int first = 0; first < rois; first += share) {
    const int count = std::min(share, rois - first);
    pool.emplace_back([&crops, first, count] {
      roi_batch part;
      for (int r = first; r < first + count; ++r) {
        part.add(crops.size[std::size_t(r)], crops.spacing[std::size_t(r)],
                 crops.intensity.data() + crops.voxel_offset[std::size_t(r)],
                 crops.mask.data() + crops.voxel_offset[std::size_t(r)]);
      }
      compute_shape_features(part);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

// The nine images of every ROI: the crops, then each decomposition cropped with the same masks.
std::vector<roi_batch> study_images(const roi_batch& crops, const std::vector<std::vector<wavelet_decomposition>>& bands) {
  std::vector<roi_batch> images(1, crops);
  for (std::size_t d = 0; d + 1 < 10 && !bands.empty() && d < bands.front().size(); ++d) {
    roi_batch image;
    for (int r = 0; r < crops.rois(); ++r) {
      image.add(crops.size[std::size_t(r)], crops.spacing[std::size_t(r)], bands[std::size_t(r)][d].values.data(),
                crops.mask.data() + crops.voxel_offset[std::size_t(r)]);
    }
    images.push_back(std::move(image));
  }
  return images;
}

// The whole study configuration for the first `count` ROIs of `set`, on the GPU or on one CPU thread.
void run_study(const roi_set& set, int count, bool gpu, int cpu_threads) {
  const roi_batch crops = slice_rois(set.crops, 0, count);
  const std::vector<voxel_box> boxes(set.boxes.begin(), set.boxes.begin() + count);
  const wavelet_options options;
  if (!gpu) {
    compute_shape_features(crops);
    std::vector<std::vector<wavelet_decomposition>> bands(static_cast<std::size_t>(count));
    for (int r = 0; r < count; ++r) {
      wavelet_transform(inputs_for(set, 1).front(), boxes[std::size_t(r)], options,
                        [&](wavelet_decomposition&& d) { bands[std::size_t(r)].push_back(std::move(d)); });
    }
    for (const roi_batch& image : study_images(crops, bands)) {
      const discrete_batch levels = discretise(image, binning_settings{});
      compute_firstorder_features(image, levels, 0.0);
      for (const char* family : texture_families) texture_on(family, levels, false);
    }
    return;
  }

  std::future<void> shape = std::async(std::launch::async, [&] { shape_on_threads(crops, cpu_threads); });
  const std::vector<roi_batch> images = study_images(crops, cuda_wavelet_transform(inputs_for(set, count), boxes, options));
  std::vector<discrete_batch> levels(images.size());
  std::vector<std::thread> pool;
  for (std::size_t k = 0; k < images.size(); ++k) {
    pool.emplace_back([&, k] { levels[k] = discretise(images[k], binning_settings{}); });
  }
  for (std::thread& thread : pool) thread.join();

  roi_batch all_images;
  discrete_batch all_levels;
  for (std::size_t k = 0; k < images.size(); ++k) {
    append_rois(all_images, images[k]);
    append_rois(all_levels, levels[k]);
  }
  cuda_compute_firstorder_features(all_images, all_levels, 0.0);
  cuda_compute_texture_features(all_levels, texture_settings{}, {"glcm", "glrlm", "glszm", "gldm", "ngtdm"});
  shape.get();
}

// The first `count` ROIs of a set, sliced before timing so that no cell times the slicing.
struct roi_slice {
  roi_batch crops;
  discrete_batch levels;
  std::vector<voxel_box> boxes;
  std::vector<wavelet_input> inputs;
};

roi_slice slice_of(const roi_set& set, int count) {
  return {slice_rois(set.crops, 0, count), slice_rois(set.levels, 0, count),
          std::vector<voxel_box>(set.boxes.begin(), set.boxes.begin() + count), inputs_for(set, count)};
}

// One row of the table: how a family runs on a slice on the GPU and on the CPU backend.
struct family_row {
  std::string name;
  int images = 1;          // images per ROI the family processes (9 for the study)
  bool gpu_events = true;  // false: the GPU column is host wall time
  std::function<void(const roi_slice&)> gpu;
  std::function<void(const roi_slice&)> cpu;
};

std::vector<family_row> family_rows(const roi_set& set, int cpu_threads) {
  const wavelet_options options;
  std::vector<family_row> rows;
  rows.push_back({"firstorder", 1, true,
                  [](const roi_slice& s) { cuda_compute_firstorder_features(s.crops, s.levels, 0.0); },
                  [](const roi_slice& s) { compute_firstorder_features(s.crops, s.levels, 0.0); }});
  for (const char* family : texture_families) {
    const std::string name = family;
    rows.push_back({name, 1, true, [name](const roi_slice& s) { texture_on(name, s.levels, true); },
                    [name](const roi_slice& s) { texture_on(name, s.levels, false); }});
  }
  rows.push_back({"wavelet", 8, true,
                  [options](const roi_slice& s) { cuda_wavelet_transform(s.inputs, s.boxes, options); },
                  [options](const roi_slice& s) {
                    for (std::size_t r = 0; r < s.boxes.size(); ++r) {
                      wavelet_transform(s.inputs[r], s.boxes[r], options, [](wavelet_decomposition&&) {});
                    }
                  }});
  rows.push_back({"shape", 1, false, [cpu_threads](const roi_slice& s) { shape_on_threads(s.crops, cpu_threads); },
                  [](const roi_slice& s) { compute_shape_features(s.crops); }});
  rows.push_back({"study", 9, false,
                  [&set, cpu_threads](const roi_slice& s) { run_study(set, s.crops.rois(), true, cpu_threads); },
                  [&set](const roi_slice& s) { run_study(set, s.crops.rois(), false, 1); }});
  return rows;
}

// Returns ROIs per second of `work` on `slice`: one warm-up call, then one call timed with CUDA events
// (`events`) or with the host's steady clock.
double time_rois(const std::function<void(const roi_slice&)>& work, const roi_slice& slice, bool events) {
  work(slice);
  const int count = slice.crops.rois();
  if (!events) {
    const clock_type::time_point start = clock_type::now();
    work(slice);
    return count / std::chrono::duration<double>(clock_type::now() - start).count();
  }
  cudaEvent_t start, stop;
  RADCORE_CUDA_CHECK(cudaEventCreate(&start));
  RADCORE_CUDA_CHECK(cudaEventCreate(&stop));
  RADCORE_CUDA_CHECK(cudaEventRecord(start));
  work(slice);
  RADCORE_CUDA_CHECK(cudaEventRecord(stop));
  RADCORE_CUDA_CHECK(cudaEventSynchronize(stop));
  float milliseconds = 0.0f;
  RADCORE_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start, stop));
  RADCORE_CUDA_CHECK(cudaEventDestroy(start));
  RADCORE_CUDA_CHECK(cudaEventDestroy(stop));
  return count / (double(milliseconds) / 1000.0);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool gpu = cuda_device_available();
  const int cpu_threads = int(std::max(1u, std::thread::hardware_concurrency()));
  const clock_type::time_point started = clock_type::now();
  const auto over_budget = [&] {
    return std::chrono::duration<double>(clock_type::now() - started).count() > time_budget_seconds;
  };
  std::printf("device: %s; %d CPU threads\n", cuda_device_description().c_str(), cpu_threads);

  const std::vector<int> edges = {10, 20, 40};
  const std::vector<int> batch_sizes = quick ? std::vector<int>{16, 128} : std::vector<int>{16, 128, 1024};
  // ROIs the CPU backend is timed on per edge: enough for a stable time, few enough to keep the run short.
  const std::vector<int> cpu_rois = quick ? std::vector<int>{8, 2, 1} : std::vector<int>{32, 8, 2};

  std::printf("ROIs per second; cubes with an ellipsoid mask, bin width 25, default texture settings.\n");
  std::printf("study = original + 8 coif1 wavelet images, first order and 5 texture families on each, and shape;\n");
  std::printf("on the GPU the study's shape runs on the CPU threads meanwhile. shape's gpu columns are CPU threads.\n");
  std::printf("'-': cell larger than the run allows; 'skip': time budget of %.0f s spent.\n", time_budget_seconds);
  std::printf("%-10s %6s", "family", "voxels");
  for (int b : batch_sizes) std::printf("  gpu@%-6d", b);
  std::printf("  %12s\n", "cpu 1 thread");
  try {
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const int edge = edges[e];
      const roi_set set = make_rois(edge, batch_sizes.back(), 2026 + e);
      const std::vector<family_row> rows = family_rows(set, cpu_threads);
      const roi_slice cpu_slice = slice_of(set, cpu_rois[e]);
      for (const family_row& row : rows) {
        std::printf("%-10s %4d^3", row.name.c_str(), edge);
        for (int b : batch_sizes) {
          const std::int64_t cell_voxels = std::int64_t(b) * edge * edge * edge * row.images;
          if (!gpu) {
            std::printf("  %10s", "n/a");
          } else if (cell_voxels > max_cell_voxels) {
            std::printf("  %10s", "-");
          } else if (over_budget()) {
            std::printf("  %10s", "skip");
          } else {
            std::printf("  %10.0f", time_rois(row.gpu, slice_of(set, b), row.gpu_events));
          }
          std::fflush(stdout);
        }
        if (over_budget()) {
          std::printf("  %12s\n", "skip");
        } else {
          std::printf("  %12.1f\n", time_rois(row.cpu, cpu_slice, false));
        }
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
