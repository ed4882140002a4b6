// Whole-case extraction timings: extract_case on PyRadiomics' brain1 and breast1 cases, reading the files,
// preprocessing and every feature class of a parameter file, as `radcore extract` runs them.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "host/extract.hpp"
#include "host/settings.hpp"
#include "io/case_loader.hpp"

namespace {

namespace fs = std::filesystem;

// The shared data folder: $RADCORE_SHARED_DATA if set, else ../shared/data beside the source tree.
fs::path shared_data_dir() {
  if (const char* env = std::getenv("RADCORE_SHARED_DATA")) return env;
  return fs::path(RADCORE_SOURCE_DIR) / ".." / "shared" / "data";
}

fs::path parameter_file(const std::string& name) {
  return fs::path(RADCORE_SOURCE_DIR) / "tests" / "reference" / "pyradiomics" / "params" / name;
}

// Returns an empty string when the case's files exist, else the reason the benchmark cannot run.
std::string missing_input(const fs::path& image, const fs::path& mask, const fs::path& parameters) {
  for (const fs::path& path : {image, mask, parameters}) {
    if (!fs::exists(path)) {
      return "input not found: " + path.string() +
             " (set RADCORE_SHARED_DATA or place ../shared/data beside the checkout)";
    }
  }
  return {};
}

// Times extract_case on one PyRadiomics case with all classes of default.yaml. One item is one ROI.
void extract_pyradiomics_case(benchmark::State& state, const std::string& case_name) {
  const fs::path data = shared_data_dir() / "pyradiomics";
  const fs::path image = data / (case_name + "_image.nrrd");
  const fs::path mask = data / (case_name + "_label.nrrd");
  const fs::path parameters_path = parameter_file("default.yaml");
  if (const std::string reason = missing_input(image, mask, parameters_path); !reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }

  const radcore::extraction_parameters parameters = radcore::load_parameters_file(parameters_path.string());
  std::size_t features = 0;
  try {
    for (auto _ : state) {
      radcore::feature_row row = radcore::extract_case(image.string(), mask.string(), parameters);
      features = row.feature_values.size();
      benchmark::DoNotOptimize(row.feature_values.data());
    }
  } catch (const std::exception& error) {
    const std::string reason = case_name + ": extraction failed: " + error.what();
    state.SkipWithError(reason.c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["features"] = double(features);
}

// Times reading and preprocessing alone: load_case, which also hashes the image and mask for the diagnostics.
void load_pyradiomics_case(benchmark::State& state, const std::string& case_name) {
  const fs::path data = shared_data_dir() / "pyradiomics";
  const fs::path image = data / (case_name + "_image.nrrd");
  const fs::path mask = data / (case_name + "_label.nrrd");
  const fs::path parameters_path = parameter_file("default.yaml");
  if (const std::string reason = missing_input(image, mask, parameters_path); !reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }

  const radcore::extraction_parameters parameters = radcore::load_parameters_file(parameters_path.string());
  try {
    for (auto _ : state) {
      radcore::loaded_case loaded = radcore::load_case(image.string(), mask.string(), parameters.settings);
      benchmark::DoNotOptimize(loaded.image.values.data());
    }
  } catch (const std::exception& error) {
    const std::string reason = case_name + ": loading failed: " + error.what();
    state.SkipWithError(reason.c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(extract_pyradiomics_case, brain1_default, std::string("brain1"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(extract_pyradiomics_case, breast1_default, std::string("breast1"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(load_pyradiomics_case, brain1, std::string("brain1"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(load_pyradiomics_case, breast1, std::string("breast1"))->Unit(benchmark::kMillisecond);

}  // namespace
