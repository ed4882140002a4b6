// Per-family timings on brain1's ROI (label 1, default.yaml settings), so that the cost of each feature
// family is visible apart from reading and preprocessing. The ROI is loaded, cropped and discretised once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/roi_checks.hpp"
#include "host/settings.hpp"
#include "io/case_loader.hpp"
#include "kernels/discretise.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/shape.hpp"

namespace {

namespace fs = std::filesystem;

// The shared data folder: $RADCORE_SHARED_DATA if set, else ../shared/data beside the source tree.
fs::path shared_data_dir() {
  if (const char* env = std::getenv("RADCORE_SHARED_DATA")) return env;
  return fs::path(RADCORE_SOURCE_DIR) / ".." / "shared" / "data";
}

// brain1's ROI as extract_case hands it to the families: cropped to the bounding box without padding.
struct prepared_roi {
  radcore::extraction_settings settings;
  radcore::binning_settings binning;
  radcore::roi_batch rois;
  radcore::discrete_batch discrete;
};

radcore::roi_batch crop_to_roi(const radcore::volume& image, const radcore::roi_mask& mask) {
  const radcore::bounding_box box = radcore::find_bounding_box(mask);
  const radcore::extent3 crop{box.extent(0), box.extent(1), box.extent(2)};
  std::vector<double> values(std::size_t(crop.count()));
  std::vector<std::uint8_t> inside(std::size_t(crop.count()));
  const std::size_t nx = std::size_t(image.size[0]);
  const std::size_t ny = std::size_t(image.size[1]);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::size_t source = std::size_t(x + box.lower[0]) +
                                   nx * (std::size_t(y + box.lower[1]) + ny * std::size_t(z + box.lower[2]));
        const std::size_t target = std::size_t(crop.index(x, y, z));
        values[target] = image.values[source];
        inside[target] = mask.inside[source];
      }
    }
  }
  radcore::roi_batch batch;
  batch.add(crop, image.spacing, values.data(), inside.data());
  return batch;
}

radcore::binning_settings binning_for(const radcore::extraction_settings& settings, const radcore::volume& image) {
  radcore::binning_settings binning;
  binning.bin_width = settings.bin_width;
  binning.bin_count = settings.bin_count;
  binning.maximum_bin_count = settings.maximum_bin_count;
  binning.float32_source = image.pixel_type == "float";
  return binning;
}

// Loads brain1 once per process. Returns nullptr and sets `reason` when the data or the parameter file is
// missing or cannot be read.
const prepared_roi* brain1_roi(std::string& reason) {
  static std::optional<prepared_roi> prepared;
  static std::string load_error;
  static bool attempted = false;
  if (!attempted) {
    attempted = true;
    const fs::path data = shared_data_dir() / "pyradiomics";
    const fs::path image = data / "brain1_image.nrrd";
    const fs::path mask = data / "brain1_label.nrrd";
    const fs::path parameters =
        fs::path(RADCORE_SOURCE_DIR) / "tests" / "reference" / "pyradiomics" / "params" / "default.yaml";
    for (const fs::path& path : {image, mask, parameters}) {
      if (!fs::exists(path) && load_error.empty()) {
        load_error = "input not found: " + path.string() +
                     " (set RADCORE_SHARED_DATA or place ../shared/data beside the checkout)";
      }
    }
    if (load_error.empty()) {
      try {
        prepared_roi roi;
        roi.settings = radcore::load_parameters_file(parameters.string()).settings;
        const radcore::loaded_case loaded = radcore::load_case(image.string(), mask.string(), roi.settings);
        roi.rois = crop_to_roi(loaded.image, loaded.mask);
        roi.binning = binning_for(roi.settings, loaded.image);
        roi.discrete = radcore::discretise(roi.rois, roi.binning);
        prepared = std::move(roi);
      } catch (const std::exception& error) {
        load_error = std::string("brain1: preparing the ROI failed: ") + error.what();
      }
    }
  }
  reason = load_error;
  return prepared ? &*prepared : nullptr;
}

using family_function = std::function<radcore::feature_block(const prepared_roi&)>;

// Times one family on brain1's ROI. One item is one ROI.
void brain1_family(benchmark::State& state, const family_function& compute) {
  std::string reason;
  const prepared_roi* roi = brain1_roi(reason);
  if (roi == nullptr) {
    state.SkipWithError(reason.c_str());
    return;
  }
  for (auto _ : state) {
    radcore::feature_block block = compute(*roi);
    benchmark::DoNotOptimize(block.values.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["voxels"] = double(roi->discrete.level.size());
  state.counters["grey_levels"] = double(roi->discrete.levels(0));
}

// Times discretisation alone, which every family but shape depends on.
void brain1_discretise(benchmark::State& state) {
  std::string reason;
  const prepared_roi* roi = brain1_roi(reason);
  if (roi == nullptr) {
    state.SkipWithError(reason.c_str());
    return;
  }
  for (auto _ : state) {
    radcore::discrete_batch discrete = radcore::discretise(roi->rois, roi->binning);
    benchmark::DoNotOptimize(discrete.level.data());
  }
  state.SetItemsProcessed(state.iterations());
}

radcore::feature_block firstorder(const prepared_roi& roi) {
  return radcore::compute_firstorder_features(roi.rois, roi.discrete, roi.settings.voxel_array_shift);
}
radcore::feature_block shape(const prepared_roi& roi) { return radcore::compute_shape_features(roi.rois); }
radcore::feature_block glcm(const prepared_roi& roi) {
  return radcore::compute_glcm_features(roi.discrete, roi.settings.texture());
}
radcore::feature_block glrlm(const prepared_roi& roi) {
  return radcore::compute_glrlm_features(roi.discrete, roi.settings.texture());
}
radcore::feature_block glszm(const prepared_roi& roi) {
  return radcore::compute_glszm_features(roi.discrete, roi.settings.texture());
}
radcore::feature_block gldm(const prepared_roi& roi) {
  return radcore::compute_gldm_features(roi.discrete, roi.settings.texture());
}
radcore::feature_block ngtdm(const prepared_roi& roi) {
  return radcore::compute_ngtdm_features(roi.discrete, roi.settings.texture());
}

BENCHMARK(brain1_discretise)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, firstorder, family_function(firstorder))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, shape, family_function(shape))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, glcm, family_function(glcm))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, glrlm, family_function(glrlm))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, glszm, family_function(glszm))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, gldm, family_function(gldm))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(brain1_family, ngtdm, family_function(ngtdm))->Unit(benchmark::kMicrosecond);

}  // namespace
