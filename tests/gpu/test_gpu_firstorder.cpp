#include "kernels/firstorder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "kernels/firstorder_roi.hpp"
#include "tests/gpu/family_checks.hpp"

namespace radcore::testing {
namespace {

discrete_batch discretise_by_width(const roi_batch& rois, double width) {
  binning_settings binning;
  binning.bin_width = width;
  return discretise(rois, binning);
}

discrete_batch discretise_by_count(const roi_batch& rois, int count) {
  binning_settings binning;
  binning.bin_count = count;
  return discretise(rois, binning);
}

bool is_order_statistic(int feature) {
  using namespace firstorder;
  return feature == p10 || feature == p90 || feature == interquartile_range || feature == median ||
         feature == minimum || feature == maximum || feature == range;
}

// Skewness, Kurtosis and Entropy call pow or log2, which differ between the device and glibc. Every other
// column is the same sequence of IEEE additions, multiplications, divisions and square roots on both.
bool is_bitwise_column(int feature) {
  using namespace firstorder;
  return feature != skewness && feature != kurtosis && feature != entropy;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// Order statistics may differ in the sign of a zero: CUB's sort keeps -0.0 and +0.0 in input order and
// std::nth_element leaves them in an unspecified one.
bool same_bits_or_both_zero(double gpu, double cpu) { return same_bits(gpu, cpu) || (gpu == 0.0 && cpu == 0.0); }

void expect_bitwise_columns_equal(const feature_block& gpu, const feature_block& cpu, const std::string& what) {
  int failures = 0;
  for (int r = 0; r < cpu.rois; ++r) {
    for (int f = 0; f < cpu.features; ++f) {
      if (!is_bitwise_column(f)) continue;
      const double expected = cpu.at(r, f), actual = gpu.at(r, f);
      const bool equal = is_order_statistic(f) ? same_bits_or_both_zero(actual, expected) : same_bits(actual, expected);
      if (!equal && failures++ < 10) {
        ADD_FAILURE() << what << ": ROI " << r << " " << firstorder_feature_table[f].name << " is " << actual
                      << " on the GPU and " << expected << " on the CPU (expected the same bits)";
      }
    }
  }
}

void expect_firstorder_matches_cpu(const roi_batch& rois, const discrete_batch& discrete, double shift,
                                   const std::string& what) {
  const feature_block gpu = cuda_compute_firstorder_features(rois, discrete, shift);
  const feature_block cpu = compute_firstorder_features(rois, discrete, shift);
  ASSERT_EQ(gpu.rois, cpu.rois) << what;
  ASSERT_EQ(gpu.features, cpu.features) << what;
  ASSERT_EQ(gpu.values.size(), cpu.values.size()) << what;
  expect_bitwise_columns_equal(gpu, cpu, what);
  expect_features_close(gpu, cpu, firstorder_feature_table, firstorder_tolerance, what);
}

TEST(GpuFirstorder, RandomRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  for (const std::uint64_t seed : {20260101u, 7u}) {
    const roi_batch rois = random_roi_batch(seed);
    const discrete_batch by_width = discretise_by_width(rois, 25.0);
    const discrete_batch by_count = discretise_by_count(rois, 64);
    for (const double shift : {0.0, 2000.0}) {
      const std::string what = "seed " + std::to_string(seed) + ", shift " + std::to_string(shift);
      expect_firstorder_matches_cpu(rois, by_width, shift, what + ", bin width 25");
      expect_firstorder_matches_cpu(rois, by_count, shift, what + ", bin count 64");
    }
  }
}

TEST(GpuFirstorder, TextureBatchRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  // The blocky ROIs of the texture tests: few distinct values, so that most order statistics fall on
  // repeated values.
  roi_batch rois;
  std::mt19937_64 random(11);
  for (const extent3 size : {extent3{1, 1, 1}, extent3{4, 4, 4}, extent3{24, 20, 22}, extent3{2, 30, 3}}) {
    add_random_roi(rois, {size, 12, 2, 0.8}, random);
  }
  expect_firstorder_matches_cpu(rois, discretise_by_width(rois, 25.0), 0.0, "texture-style ROIs");
}

TEST(GpuFirstorder, RoiAloneMatchesItsBatchRow) {
  RADCORE_REQUIRE_GPU();
  const roi_batch rois = random_roi_batch(3);
  const discrete_batch discrete = discretise_by_width(rois, 25.0);
  const feature_block batch = cuda_compute_firstorder_features(rois, discrete, 0.0);
  for (const int roi : {0, 5, 14, rois.rois() - 1}) {
    roi_batch alone;
    const std::int64_t first = rois.voxel_offset[std::size_t(roi)];
    alone.add(rois.size[std::size_t(roi)], rois.spacing[std::size_t(roi)], rois.intensity.data() + first,
              rois.mask.data() + first);
    const feature_block single = cuda_compute_firstorder_features(alone, discretise_by_width(alone, 25.0), 0.0);
    ASSERT_EQ(single.rois, 1);
    for (int f = 0; f < firstorder::feature_count; ++f) {
      EXPECT_TRUE(same_bits(single.at(0, f), batch.at(roi, f)))
          << "ROI " << roi << " " << firstorder_feature_table[f].name << ": " << single.at(0, f) << " alone and "
          << batch.at(roi, f) << " in the batch";
    }
  }
}

TEST(GpuFirstorder, RepeatedRunsAreBitwiseEqual) {
  RADCORE_REQUIRE_GPU();
  const roi_batch rois = random_roi_batch(5);
  const discrete_batch discrete = discretise_by_width(rois, 25.0);
  expect_bitwise_equal_blocks(cuda_compute_firstorder_features(rois, discrete, 2000.0),
                              cuda_compute_firstorder_features(rois, discrete, 2000.0), "first-order");
}

TEST(GpuFirstorder, ExportedRoisMatchCpu) {
  RADCORE_REQUIRE_GPU();
  RADCORE_REQUIRE_EXPORTED_ROIS();
  int with_intensities = 0;
  for (const auto& file : exported_batches()) {
    const exported_batch batch = read_exported_batch(file.string());
    if (!batch.rois) continue;
    ++with_intensities;
    for (const double shift : {0.0, 2000.0}) {
      expect_firstorder_matches_cpu(*batch.rois, batch.discrete, shift,
                                    file.filename().string() + ", shift " + std::to_string(shift));
    }
  }
  if (with_intensities == 0) {
    GTEST_SKIP() << "the exported ROI batches in " << gpu_export_dir().string()
                 << "/rois have no intensities (format version 1); run scripts/gpu-check.sh --prepare again";
  }
}

// The device's steps emulated on the host: compaction in batch order, a stable full sort (as CUB's radix sort
// is stable) and 64-bit unsigned grey-level counts, then the shared per-ROI function. This checks without a
// device that a full sort in place of place_order_statistics gives the CPU's bits.
feature_block emulate_device_steps(const roi_batch& rois, const discrete_batch& discrete, double shift) {
  feature_block out(rois.rois(), firstorder::feature_count);
  for (int roi = 0; roi < rois.rois(); ++roi) {
    std::vector<double> values;
    for (std::int64_t i = rois.voxel_offset[std::size_t(roi)]; i < rois.voxel_offset[std::size_t(roi) + 1]; ++i) {
      if (rois.mask[std::size_t(i)]) values.push_back(rois.intensity[std::size_t(i)]);
    }
    std::vector<double> sorted = values;
    std::stable_sort(sorted.begin(), sorted.end());
    std::vector<unsigned long long> counts(std::size_t(discrete.levels(roi)), 0);
    const std::int32_t* levels = discrete.voxels(roi);
    const std::int64_t voxels = discrete.voxel_offset[std::size_t(roi) + 1] - discrete.voxel_offset[std::size_t(roi)];
    for (std::int64_t i = 0; i < voxels; ++i) {
      if (levels[i] > 0) ++counts[std::size_t(levels[i] - 1)];
    }
    const auto& spacing = rois.spacing[std::size_t(roi)];
    firstorder::roi_input<unsigned long long> input;
    input.values = values.data();
    input.sorted = sorted.data();
    input.count = std::int64_t(values.size());
    input.voxel_volume = spacing[0] * spacing[1] * spacing[2];
    input.voxel_array_shift = shift;
    input.level_counts = counts.data();
    input.levels = std::int64_t(counts.size());
    firstorder::compute_roi_features(input, &out.at(roi, 0));
  }
  return out;
}

TEST(GpuFirstorder, HostEmulationGivesCpuBits) {
  const roi_batch rois = random_roi_batch(20260101);
  const discrete_batch discrete = discretise_by_count(rois, 64);
  for (const double shift : {0.0, 2000.0}) {
    const feature_block emulated = emulate_device_steps(rois, discrete, shift);
    const feature_block cpu = compute_firstorder_features(rois, discrete, shift);
    ASSERT_EQ(emulated.values.size(), cpu.values.size());
    for (int r = 0; r < cpu.rois; ++r) {
      for (int f = 0; f < cpu.features; ++f) {
        const double expected = cpu.at(r, f), actual = emulated.at(r, f);
        const bool equal =
            is_order_statistic(f) ? same_bits_or_both_zero(actual, expected) : same_bits(actual, expected);
        EXPECT_TRUE(equal) << "shift " << shift << ", ROI " << r << " " << firstorder_feature_table[f].name << ": "
                           << actual << " emulated and " << expected << " on the CPU";
      }
    }
  }
}

// The input checks run on the host before any CUDA call, so the tests below need no device.

TEST(GpuFirstorder, EmptyRoiIsRejectedLikeCpu) {
  roi_batch rois = random_roi_batch(9);
  const discrete_batch discrete = discretise_by_width(rois, 25.0);
  const int empty = 3;
  std::fill(rois.mask.begin() + rois.voxel_offset[empty], rois.mask.begin() + rois.voxel_offset[empty + 1], 0);
  std::string cpu_message, gpu_message;
  try {
    compute_firstorder_features(rois, discrete, 0.0);
  } catch (const roi_error& error) {
    cpu_message = error.what();
  }
  try {
    cuda_compute_firstorder_features(rois, discrete, 0.0);
  } catch (const roi_error& error) {
    gpu_message = error.what();
  }
  EXPECT_EQ(cpu_message, "first-order features: ROI 3 has no voxels");
  EXPECT_EQ(gpu_message, cpu_message);
}

TEST(GpuFirstorder, MismatchedBatchesAreRejectedLikeCpu) {
  const roi_batch rois = random_roi_batch(9);
  roi_batch fewer;
  fewer.add(rois.size[0], rois.spacing[0], rois.intensity.data(), rois.mask.data());
  const discrete_batch discrete = discretise_by_width(fewer, 25.0);
  std::string cpu_message, gpu_message;
  try {
    compute_firstorder_features(rois, discrete, 0.0);
  } catch (const input_error& error) {
    cpu_message = error.what();
  }
  try {
    cuda_compute_firstorder_features(rois, discrete, 0.0);
  } catch (const input_error& error) {
    gpu_message = error.what();
  }
  EXPECT_EQ(cpu_message, "first-order features: the discretised batch has 1 ROIs but the intensity batch has " +
                             std::to_string(rois.rois()));
  EXPECT_EQ(gpu_message, cpu_message);
}

TEST(GpuFirstorder, EmptyBatchGivesEmptyBlock) {
  const feature_block block = cuda_compute_firstorder_features(roi_batch{}, discrete_batch{}, 0.0);
  EXPECT_EQ(block.rois, 0);
  EXPECT_EQ(block.features, firstorder_feature_count);
  EXPECT_TRUE(block.values.empty());
}

}  // namespace
}  // namespace radcore::testing
