// Cost growth with ROI size and with the number of grey levels: every texture family and first order
// on generated cubes (edge 10 to 100 voxels, a spherical mask) whose intensities are uniform over
// `levels` bins of width 1. Items are mask voxels, so items/s shows whether the cost per voxel stays flat.
// BM_study runs the whole study configuration (shape, the eight coif1 decompositions of the cube and its
// wavelet margin, then first order and every texture family on nine images) in 1 and 2 threads at once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

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

struct generated_cube {
  radcore::roi_batch rois;
  radcore::discrete_batch discrete;
  std::int64_t mask_voxels = 0;
};

generated_cube make_cube(int edge, int levels) {
  std::mt19937_64 random(std::uint64_t(edge) * 1000 + std::uint64_t(levels));
  std::uniform_int_distribution<int> grey(0, levels - 1);
  const std::size_t n = std::size_t(edge) * edge * edge;
  std::vector<double> values(n);
  std::vector<std::uint8_t> mask(n);
  generated_cube cube;
  const double centre = 0.5 * (edge - 1), radius = 0.5 * edge;
  std::size_t i = 0;
  for (int z = 0; z < edge; ++z) {
    for (int y = 0; y < edge; ++y) {
      for (int x = 0; x < edge; ++x, ++i) {
        values[i] = grey(random);
        const double dx = (x - centre) / radius, dy = (y - centre) / radius, dz = (z - centre) / radius;
        mask[i] = dx * dx + dy * dy + dz * dz <= 1.0 ? 1 : 0;
        cube.mask_voxels += mask[i];
      }
    }
  }
  cube.rois.add({edge, edge, edge}, {1.0, 1.0, 1.0}, values.data(), mask.data());
  radcore::binning_settings binning;
  binning.bin_width = 1.0;
  cube.discrete = radcore::discretise(cube.rois, binning);
  return cube;
}

void run_family(benchmark::State& state, const std::function<void(const generated_cube&)>& family) {
  const generated_cube cube = make_cube(int(state.range(0)), int(state.range(1)));
  for (auto _ : state) family(cube);
  state.SetItemsProcessed(state.iterations() * cube.mask_voxels);
  state.counters["levels_present"] = cube.discrete.levels(0);
}

const radcore::texture_settings texture;

void BM_glcm(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) { benchmark::DoNotOptimize(radcore::compute_glcm_features(c.discrete, texture)); });
}
void BM_glrlm(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) { benchmark::DoNotOptimize(radcore::compute_glrlm_features(c.discrete, texture)); });
}
void BM_glszm(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) { benchmark::DoNotOptimize(radcore::compute_glszm_features(c.discrete, texture)); });
}
void BM_gldm(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) { benchmark::DoNotOptimize(radcore::compute_gldm_features(c.discrete, texture)); });
}
void BM_ngtdm(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) { benchmark::DoNotOptimize(radcore::compute_ngtdm_features(c.discrete, texture)); });
}
void BM_firstorder(benchmark::State& state) {
  run_family(state, [](const generated_cube& c) {
    benchmark::DoNotOptimize(radcore::compute_firstorder_features(c.rois, c.discrete, 0.0));
  });
}

// The study configuration on one cube: its wavelet decompositions come from the cube and a margin of
// `levels`-uniform voxels around it, as radcore filters the ROI's box plus the margin the wavelet reads.
void BM_study(benchmark::State& state) {
  const int edge = int(state.range(0));
  const int levels = int(state.range(1));
  const generated_cube cube = make_cube(edge, levels);
  radcore::wavelet_options options;
  const int margin = radcore::wavelet_margin(options);
  const int side = edge + 2 * margin;
  std::mt19937_64 random(std::uint64_t(edge) * 7919 + std::uint64_t(levels));
  std::uniform_int_distribution<int> grey(0, levels - 1);
  std::vector<double> padded(std::size_t(side) * side * side);
  for (double& value : padded) value = grey(random);
  const std::vector<std::uint8_t>& mask = cube.rois.mask;
  radcore::wavelet_input input;
  input.size = {side, side, side};
  input.values = padded.data();
  const radcore::voxel_box box{{margin, margin, margin}, {edge, edge, edge}};
  radcore::binning_settings binning;
  binning.bin_width = 1.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(radcore::compute_shape_features(cube.rois));
    std::vector<radcore::roi_batch> images(1, cube.rois);
    radcore::wavelet_transform(input, box, options, [&](radcore::wavelet_decomposition&& decomposition) {
      images.emplace_back();
      images.back().add({edge, edge, edge}, {1.0, 1.0, 1.0}, decomposition.values.data(), mask.data());
    });
    for (const radcore::roi_batch& image : images) {
      const radcore::discrete_batch discrete = radcore::discretise(image, binning);
      benchmark::DoNotOptimize(radcore::compute_firstorder_features(image, discrete, 0.0));
      benchmark::DoNotOptimize(radcore::compute_glcm_features(discrete, texture));
      benchmark::DoNotOptimize(radcore::compute_glrlm_features(discrete, texture));
      benchmark::DoNotOptimize(radcore::compute_glszm_features(discrete, texture));
      benchmark::DoNotOptimize(radcore::compute_gldm_features(discrete, texture));
      benchmark::DoNotOptimize(radcore::compute_ngtdm_features(discrete, texture));
    }
  }
  state.SetItemsProcessed(state.iterations() * cube.mask_voxels);
}

// Size sweep at 32 levels and a level sweep at edge 20, each in 1 and 2 threads; rates use wall time.
void study_arguments(benchmark::internal::Benchmark* b) {
  for (int edge : {10, 20, 40, 70, 100}) b->Args({edge, 32});
  for (int levels : {16, 64, 256}) b->Args({20, levels});
  b->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

// Size sweep at 32 levels, then a level sweep at edge 40.
void growth_arguments(benchmark::internal::Benchmark* b) {
  for (int edge : {10, 25, 50, 75, 100}) b->Args({edge, 32});
  for (int levels : {16, 64, 128, 256}) b->Args({40, levels});
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_firstorder)->Apply(growth_arguments);
BENCHMARK(BM_glcm)->Apply(growth_arguments);
BENCHMARK(BM_glrlm)->Apply(growth_arguments);
BENCHMARK(BM_glszm)->Apply(growth_arguments);
BENCHMARK(BM_gldm)->Apply(growth_arguments);
BENCHMARK(BM_ngtdm)->Apply(growth_arguments);
BENCHMARK(BM_study)->Apply(study_arguments);

}  // namespace
