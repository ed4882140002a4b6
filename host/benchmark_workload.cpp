#include "host/benchmark_workload.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <random>

#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
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
family_result time_family(const std::string& family, std::int64_t rois, std::int64_t voxels, double minimum_seconds,
                          const std::function<void()>& work) {
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
  result.device = "cpu";
  result.rois_per_second = double(calls * rois) / elapsed;
  result.voxels_per_second = double(calls * voxels) / elapsed;
  return result;
}

// The eight coif1 decompositions of each ROI's box, cropped and masked like the original.
std::vector<roi_batch> wavelet_batches(const std::vector<generated_roi>& rois, const wavelet_options& options) {
  std::vector<roi_batch> batches(8);
  for (const generated_roi& roi : rois) {
    const int side = roi.edge + 2 * roi.margin;
    wavelet_input input;
    input.size = {side, side, side};
    input.values = roi.padded.data();
    voxel_box box;
    box.lower = {roi.margin, roi.margin, roi.margin};
    box.size = {roi.edge, roi.edge, roi.edge};
    int index = 0;
    wavelet_transform(input, box, options, [&](wavelet_decomposition&& decomposition) {
      batches[std::size_t(index++)].add(roi.crop.size[0], roi.crop.spacing[0], decomposition.values.data(),
                                        roi.crop.mask.data());
    });
  }
  return batches;
}

}  // namespace

workload_info find_workload(const std::string& name) {
  if (name == "study") return {"study", 1, {10, 20}, 24};
  if (name == "study-large") return {"study-large", 1, {10, 20, 40}, 8};
  throw input_error("workload '" + name + "' is unknown; use study or study-large");
}

std::vector<family_result> run_workload(const workload_info& workload, double minimum_seconds) {
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
  const texture_settings texture;
  const discrete_batch discrete = discretise(batch, binning);

  std::vector<family_result> results;
  auto add = [&](const std::string& family, const std::function<void()>& work) {
    results.push_back(time_family(family, count, voxels, minimum_seconds, work));
  };
  // The families are timed on the discretised batch; the study figure includes discretisation.
  add("firstorder", [&] { compute_firstorder_features(batch, discrete, 0.0); });
  add("shape", [&] { compute_shape_features(batch); });
  add("glcm", [&] { compute_glcm_features(discrete, texture); });
  add("glrlm", [&] { compute_glrlm_features(discrete, texture); });
  add("glszm", [&] { compute_glszm_features(discrete, texture); });
  add("gldm", [&] { compute_gldm_features(discrete, texture); });
  add("ngtdm", [&] { compute_ngtdm_features(discrete, texture); });
  add("wavelet", [&] { wavelet_batches(rois, options); });
  add("study", [&] {
    compute_shape_features(batch);
    std::vector<roi_batch> images = wavelet_batches(rois, options);
    images.insert(images.begin(), batch);
    for (const roi_batch& image : images) {
      const discrete_batch levels = discretise(image, binning);
      compute_firstorder_features(image, levels, 0.0);
      compute_glcm_features(levels, texture);
      compute_glrlm_features(levels, texture);
      compute_glszm_features(levels, texture);
      compute_gldm_features(levels, texture);
      compute_ngtdm_features(levels, texture);
    }
  });
  return results;
}

}  // namespace radcore
