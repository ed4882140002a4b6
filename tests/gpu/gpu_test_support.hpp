// Shared checks of the GPU parity tests: skipping without a device, the settings and batches every family
// is tested on, and exact or tolerance comparisons against the CPU backend.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/cuda_backend.hpp"
#include "kernels/feature_info.hpp"
#include "kernels/firstorder_roi.hpp"
#include "kernels/glcm.hpp"
#include "kernels/glcm_formulas.hpp"
#include "tests/gpu/random_rois.hpp"
#include "tests/gpu/roi_batch_file.hpp"

// Skips the current test, with the runtime's reason, when no CUDA device can be used.
#define RADCORE_REQUIRE_GPU()                                                                     \
  do {                                                                                            \
    if (!::radcore::cuda_device_available()) {                                                    \
      GTEST_SKIP() << "GPU test skipped: " << ::radcore::cuda_device_description();               \
    }                                                                                             \
  } while (false)

namespace radcore::testing {

// Texture settings the parity tests run: the defaults, each weighting norm, the GLCM without symmetry,
// distances 1 and 2, force2d, and GLDM's alpha 1.
inline std::vector<texture_settings> parity_settings() {
  std::vector<texture_settings> all;
  all.emplace_back();
  texture_settings manhattan;
  manhattan.weighting = weighting_norm::manhattan;
  manhattan.symmetrical_glcm = false;
  all.push_back(manhattan);
  texture_settings two_distances;
  two_distances.angles.distances = {1, 2};
  two_distances.weighting = weighting_norm::no_weighting;
  all.push_back(two_distances);
  texture_settings flat;
  flat.angles.force2d = true;
  flat.angles.force2d_dimension = 0;
  flat.weighting = weighting_norm::infinity;
  flat.gldm_a = 1;
  all.push_back(flat);
  texture_settings euclidean;
  euclidean.weighting = weighting_norm::euclidean;
  all.push_back(euclidean);
  return all;
}

inline std::string describe(const texture_settings& s) {
  std::string text = "weighting " + std::to_string(int(s.weighting)) + ", distances";
  for (int d : s.angles.distances) text += " " + std::to_string(d);
  text += s.symmetrical_glcm ? ", symmetric" : ", asymmetric";
  if (s.angles.force2d) text += ", force2d " + std::to_string(s.angles.force2d_dimension);
  return text + ", gldm_a " + std::to_string(s.gldm_a);
}

// The folder scripts/gpu-check.sh --prepare fills (gpu-export/ in the source tree).
inline std::filesystem::path gpu_export_dir() { return std::filesystem::path(RADCORE_SOURCE_DIR) / "gpu-export"; }

// Names of the exported ROI batch files (*.rcdb), sorted; empty when --prepare has not run.
inline std::vector<std::filesystem::path> exported_batches() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path folder = gpu_export_dir() / "rois";
  if (!std::filesystem::is_directory(folder)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".rcdb") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Values must be bitwise equal: the device builds the same integer counts and divides them the same way.
inline void expect_bitwise_equal(const std::vector<double>& gpu, const std::vector<double>& cpu,
                                 const std::string& what) {
  ASSERT_EQ(gpu.size(), cpu.size()) << what;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    if (std::memcmp(&gpu[i], &cpu[i], sizeof(double)) != 0) {
      ADD_FAILURE() << what << ": element " << i << " is " << gpu[i] << " on the GPU and " << cpu[i] << " on the CPU";
      return;
    }
  }
}

inline void expect_same_texture_matrix(const texture_matrix& gpu, const texture_matrix& cpu, const std::string& what) {
  EXPECT_EQ(gpu.shape, cpu.shape) << what;
  expect_bitwise_equal(gpu.values, cpu.values, what);
}

// Allowed difference for one feature: relative, with an absolute floor for values near 0.
struct feature_tolerance {
  double relative = 1e-12;
  // The device's log2, pow, exp and sqrt may differ from glibc's in the last bit or two, so a feature that
  // is a small difference of terms of order one keeps an absolute error of about 1e-15 times their size.
  double absolute = 1e-13;
};

// Compares feature blocks: NaN must match NaN, other values must agree within tolerance_of(feature).
template <class ToleranceOf>
void expect_features_close(const feature_block& gpu, const feature_block& cpu, const feature_info* table,
                           ToleranceOf tolerance_of, const std::string& what) {
  ASSERT_EQ(gpu.rois, cpu.rois) << what;
  ASSERT_EQ(gpu.features, cpu.features) << what;
  int failures = 0;
  for (int r = 0; r < cpu.rois; ++r) {
    for (int f = 0; f < cpu.features; ++f) {
      const double expected = cpu.at(r, f), actual = gpu.at(r, f);
      if (std::isnan(expected) || std::isnan(actual)) {
        if (std::isnan(expected) != std::isnan(actual) && failures++ < 10) {
          ADD_FAILURE() << what << ": ROI " << r << " " << table[f].name << " is " << actual << " on the GPU and "
                        << expected << " on the CPU";
        }
        continue;
      }
      const feature_tolerance t = tolerance_of(f);
      const double allowed = std::max(t.absolute, t.relative * std::fabs(expected));
      if (!(std::fabs(actual - expected) <= allowed) && failures++ < 10) {
        ADD_FAILURE() << what << ": ROI " << r << " " << table[f].name << " is " << actual << " on the GPU and "
                      << expected << " on the CPU (difference " << actual - expected << ", allowed " << allowed << ")";
      }
    }
  }
}

inline feature_tolerance default_tolerance(int) { return {}; }

inline feature_tolerance firstorder_tolerance(int feature) {
  feature_tolerance t;
  // Skewness divides m3, a sum of cubed deviations that cancel for near-symmetric ROIs, so a last-bit
  // difference of each pow term is an absolute error of about 1e-16 times the mean |x - mean|³ / m2^1.5.
  if (feature == firstorder::skewness) t.absolute = 1e-12;
  return t;
}

inline feature_tolerance glcm_tolerance(int feature) {
  feature_tolerance t;
  // Where the second eigenvalue is exactly 0, MCC is rounding noise of the eigensolver (about 1e-8).
  if (feature == glcm::mcc) t.absolute = 1e-7;
  // Imc2 = sqrt(1 - exp(-2 (HXY2 - HXY))): near HXY2 = HXY the square root magnifies a last-bit
  // difference of the entropies.
  if (feature == glcm::imc2) t.absolute = 1e-9;
  return t;
}

inline void expect_bitwise_equal_blocks(const feature_block& first, const feature_block& second,
                                        const std::string& what) {
  ASSERT_EQ(first.values.size(), second.values.size()) << what;
  EXPECT_EQ(std::memcmp(first.values.data(), second.values.data(), first.values.size() * sizeof(double)), 0)
      << what << ": two GPU runs gave different bits";
}

}  // namespace radcore::testing
