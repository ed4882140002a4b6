#include "host/benchmark_workload.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <random>

#include "host/feature_engine.hpp"
#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "kernels/shape.hpp"
#include "kernels/wavelet.hpp"

namespace radcore {
namespace {

// One generated ROI: a cube image with a margin for the wavelet, and an ellipsoid mask inside the cube.
struct generated_roi {
  int edge = 0;
  int margin = 0;
  std::vector<double> padded;  // (edge + 2 margin)^3 voxels, int16-like values
  roi_batch crop;              // the edge^3 crop with its mask
  std::int64_t mask_voxels = 0;
};

generated_roi make_roi(int edge, std::mt19937_64& random, int margin) {
  generated_roi roi;
  roi.edge = edge;
  roi.margin = margin;
  const int side = edge + 2 * margin;
  std::normal_distribution<double> noise(0.0, 40.0);
  roi.padded.resize(std::size_t(side) * side * side);
  std::size_t i = 0;
  for (int z = 0; z < side; ++z) {
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x, ++i) {
        roi.padded[i] = std::round(300.0 + 120.0 * std::sin(0.7 * x + 0.3 * y) * std::cos(0.5 * z) + noise(random));
      }
    }
  }
  std::vector<double> values(std::size_t(edge) * edge * edge);
  std::vector<std::uint8_t> mask(values.size());
  const double centre = 0.5 * (edge - 1);
  const double radius = 0.5 * edge;
  i = 0;
  for (int z = 0; z < edge; ++z) {
    for (int y = 0; y < edge; ++y) {
      for (int x = 0; x < edge; ++x, ++i) {
        const std::size_t source = std::size_t(x + margin) + std::size_t(side) * (std::size_t(y + margin) + std::size_t(side) * std::size_t(z + margin));
        values[i] = roi.padded[source];
        const double dx = (x - centre) / radius, dy = (y - centre) / radius, dz = (z - centre) / radius;
        mask[i] = dx * dx + dy * dy + dz * dz <= 1.0 ? 1 : 0;
        roi.mask_voxels += mask[i];
      }
    }
  }
  roi.crop.add({edge, edge, edge}, {1.0, 1.0, 1.0}, values.data(), mask.data());
  return roi;
}

// Times `work` (which processes `rois` ROIs of `voxels` mask voxels per call) for at least minimum_seconds.
family_result time_family(const std::string& family, const std::string& device, std::int64_t rois,
                          std::int64_t voxels, double minimum_seconds, const std::function<void()>& work) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::int64_t calls = 0;
  double elapsed = 0;
  do {
    work();
    ++calls;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < minimum_seconds);
  family_result result;
  result.family = family;
  result.device = device;
  result.rois_per_second = double(calls * rois) / elapsed;
  result.voxels_per_second = double(calls * voxels) / elapsed;
  return result;
}

// The eight coif1 decompositions of each ROI's box, cropped and masked like the original, from one
// engine call for all boxes.
std::vector<roi_batch> wavelet_batches(const std::vector<generated_roi>& rois, const wavelet_options& options,
                                       feature_engine& engine) {
  std::vector<wavelet_input> inputs;
  std::vector<voxel_box> boxes;
  for (const generated_roi& roi : rois) {
    const int side = roi.edge + 2 * roi.margin;
    wavelet_input input;
    input.size = {side, side, side};
    input.values = roi.padded.data();
    inputs.push_back(input);
    voxel_box box;
    box.lower = {roi.margin, roi.margin, roi.margin};
    box.size = {roi.edge, roi.edge, roi.edge};
    boxes.push_back(box);
  }
  const std::vector<std::vector<wavelet_decomposition>> results = engine.wavelet(inputs, boxes, options);
  std::vector<roi_batch> batches(8);
  for (std::size_t r = 0; r < rois.size(); ++r) {
    for (std::size_t d = 0; d < results[r].size() && d < batches.size(); ++d) {
      batches[d].add(rois[r].crop.size[0], rois[r].crop.spacing[0], results[r][d].values.data(),
                     rois[r].crop.mask.data());
    }
  }
  return batches;
}

}  // namespace

workload_info find_workload(const std::string& name) {
  if (name == "study") return {"study", 1, {10, 20}, 24};
  if (name == "study-large") return {"study-large", 1, {10, 20, 40}, 8};
  throw input_error("workload '" + name + "' is unknown; use study or study-large");
}

std::vector<family_result> run_workload(const workload_info& workload, double minimum_seconds,
                                        feature_engine& engine) {
  std::mt19937_64 random(20261204);
  wavelet_options options;
  const int margin = wavelet_margin(options);
  std::vector<generated_roi> rois;
  for (int edge : workload.roi_edges) {
    for (int i = 0; i < workload.rois_per_size; ++i) rois.push_back(make_roi(edge, random, margin));
  }

  roi_batch batch;
  std::int64_t voxels = 0;
  for (const generated_roi& roi : rois) {
    batch.add(roi.crop.size[0], roi.crop.spacing[0], roi.crop.intensity.data(), roi.crop.mask.data());
    voxels += roi.mask_voxels;
  }
  const std::int64_t count = std::int64_t(rois.size());
  const binning_settings binning;
  const extraction_settings settings;
  const discrete_batch discrete = discretise(batch, binning);
  const std::string device = engine.backend();

  std::vector<family_result> results;
  auto add = [&](const std::string& family, const std::string& family_device, const std::function<void()>& work) {
    results.push_back(time_family(family, family_device, count, voxels, minimum_seconds, work));
  };
  // The families are timed on the discretised batch; the study figure includes discretisation.
  for (const char* family : {"firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"}) {
    add(family, device, [&] { engine.compute({family}, batch, discrete, settings); });
  }
  add("shape", "cpu", [&] { compute_shape_features(batch); });
  add("wavelet", device, [&] { wavelet_batches(rois, options, engine); });
  // The whole configuration: shape runs on a CPU thread while the engine computes the wavelet and the
  // classes of all nine images of every ROI in one call per family.
  add("study", device, [&] {
    std::future<feature_block> shape = std::async(std::launch::async, [&] { return compute_shape_features(batch); });
    std::vector<roi_batch> images = wavelet_batches(rois, options, engine);
    images.insert(images.begin(), batch);
    roi_batch all_images;
    discrete_batch all_levels;
    for (const roi_batch& image : images) {
      append_rois(all_images, image);
      append_rois(all_levels, discretise(image, binning));
    }
    engine.compute({"firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"}, all_images, all_levels, settings);
    shape.get();
  });
  return results;
}

}  // namespace radcore
