#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/glszm.hpp"
#include "kernels/glszm_formulas.hpp"
#include "tests/zone_family_baselines.hpp"

namespace radcore {
namespace {

using testing::expect_baseline_features;
using testing::expect_ibsi_phantom_features;

// Discretises one ROI given as values and a mask over a crop. With bin width 1 and minimum 1, integer
// values are their own bin numbers.
discrete_batch one_roi(const extent3& crop, const std::vector<double>& values, const std::vector<std::uint8_t>& mask,
                       double bin_width = 1.0) {
  roi_batch rois;
  rois.add(crop, {1.0, 1.0, 1.0}, values.data(), mask.data());
  binning_settings binning;
  binning.bin_width = bin_width;
  return discretise(rois, binning);
}

double feature(const feature_block& block, const std::string& name) {
  const int column = testing::feature_column(glszm_feature_table, glszm_feature_count, name);
  EXPECT_GE(column, 0) << name;
  return column >= 0 ? block.at(0, column) : NAN;
}

TEST(Glszm, FeatureTableIsSortedAsPythonSorts) {
  ASSERT_EQ(glszm_feature_count, 16);
  for (int f = 1; f < glszm_feature_count; ++f) {
    EXPECT_LT(std::string(glszm_feature_table[f - 1].name), std::string(glszm_feature_table[f].name));
  }
}

TEST(Glszm, DocstringExampleMatrix) {
  // The 5x5 example of PyRadiomics' glszm.py docstring and the GLSZM it states (8-connected zones).
  const std::vector<double> image = {5, 2, 5, 4, 4, 3, 3, 3, 1, 3, 2, 1, 1, 1, 3, 4, 2, 2, 2, 3, 3, 5, 3, 3, 2};
  const glszm_matrix m = compute_glszm_matrix(one_roi({5, 5, 1}, image, std::vector<std::uint8_t>(25, 1)), 0, {});
  const std::vector<double> expected = {0, 0, 0, 1, 0,  //
                                        1, 0, 0, 0, 1,  //
                                        1, 0, 1, 0, 1,  //
                                        1, 1, 0, 0, 0,  //
                                        3, 0, 0, 0, 0};
  EXPECT_EQ(m.grey_level, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(m.zone_size, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(m.counts, expected);
  EXPECT_EQ(m.voxel_count, 25);
}

TEST(Glszm, DiagonalVoxelsFormOneZoneIn3d) {
  // Two voxels touching only at a corner are one 26-connected zone, and two zones once force2D cuts z.
  std::vector<double> values(8, 7.0);
  std::vector<std::uint8_t> mask(8, 0);
  mask[0] = 1;  // (x, y, z) = (0, 0, 0)
  mask[7] = 1;  // (1, 1, 1)
  const discrete_batch batch = one_roi({2, 2, 2}, values, mask);

  const glszm_matrix joined = compute_glszm_matrix(batch, 0, {});
  EXPECT_EQ(joined.zone_size, (std::vector<double>{2}));
  EXPECT_EQ(joined.counts, (std::vector<double>{1}));

  texture_settings slices;
  slices.angles.force2d = true;
  const glszm_matrix split = compute_glszm_matrix(batch, 0, slices);
  EXPECT_EQ(split.zone_size, (std::vector<double>{1}));
  EXPECT_EQ(split.counts, (std::vector<double>{2}));
}

TEST(Glszm, ZonesMatchFloodFill) {
  // A seeded random ROI of few grey levels, checked against a plain stack flood fill.
  const extent3 crop{9, 8, 7};
  std::mt19937 random(20261204);
  std::vector<double> values(std::size_t(crop.count()));
  std::vector<std::uint8_t> mask(values.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    values[v] = double(1 + random() % 3);
    mask[v] = random() % 5 != 0;
  }
  const discrete_batch batch = one_roi(crop, values, mask);
  const glszm_matrix m = compute_glszm_matrix(batch, 0, {});

  const std::int32_t* level = batch.voxels(0);
  std::vector<bool> seen(values.size(), false);
  std::vector<double> expected(m.counts.size(), 0.0);
  for (std::int64_t start = 0; start < crop.count(); ++start) {
    if (level[start] == 0 || seen[std::size_t(start)]) continue;
    std::vector<std::int64_t> stack{start};
    seen[std::size_t(start)] = true;
    double size = 0;
    while (!stack.empty()) {
      const std::int64_t v = stack.back();
      stack.pop_back();
      ++size;
      const int x = int(v % crop.nx), y = int(v / crop.nx % crop.ny), z = int(v / (crop.nx * crop.ny));
      for (int dz = -1; dz <= 1; ++dz) {
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if (!crop.contains(x + dx, y + dy, z + dz)) continue;
            const std::int64_t w = crop.index(x + dx, y + dy, z + dz);
            if (seen[std::size_t(w)] || level[w] != level[start]) continue;
            seen[std::size_t(w)] = true;
            stack.push_back(w);
          }
        }
      }
    }
    const auto column = std::find(m.zone_size.begin(), m.zone_size.end(), size) - m.zone_size.begin();
    ASSERT_LT(std::size_t(column), m.zone_size.size()) << "zone size " << size << " missing";
    expected[std::size_t(level[start] - 1) * m.zone_size.size() + std::size_t(column)] += 1.0;
  }
  EXPECT_EQ(m.counts, expected);
}

TEST(Glszm, ConstantRoiIsOneZoneWithoutNan) {
  const discrete_batch batch = one_roi({3, 3, 3}, std::vector<double>(27, 40.0), std::vector<std::uint8_t>(27, 1), 25);
  const feature_block block = compute_glszm_features(batch, {});
  for (int f = 0; f < glszm_feature_count; ++f) EXPECT_FALSE(std::isnan(block.at(0, f))) << glszm_feature_table[f].name;
  EXPECT_DOUBLE_EQ(feature(block, "LargeAreaEmphasis"), 729.0);
  EXPECT_DOUBLE_EQ(feature(block, "SmallAreaEmphasis"), 1.0 / 729.0);
  EXPECT_DOUBLE_EQ(feature(block, "ZonePercentage"), 1.0 / 27.0);
  EXPECT_EQ(feature(block, "GrayLevelVariance"), 0.0);
  EXPECT_EQ(feature(block, "ZoneVariance"), 0.0);
  // -1 * log2(1 + eps) = -3.2e-16, as PyRadiomics reports for a flat region.
  EXPECT_NEAR(feature(block, "ZoneEntropy"), 0.0, 1e-15);
}

TEST(Glszm, ThreeThousandLevelsRun) {
  // 3000 distinct bin numbers in one slice: every voxel is its own zone.
  const extent3 crop{60, 50, 1};
  std::vector<double> values(3000);
  std::iota(values.begin(), values.end(), 1.0);
  std::shuffle(values.begin(), values.end(), std::mt19937(7));
  const discrete_batch batch = one_roi(crop, values, std::vector<std::uint8_t>(3000, 1));
  ASSERT_EQ(batch.levels(0), 3000);
  const glszm_matrix m = compute_glszm_matrix(batch, 0, {});
  EXPECT_EQ(m.zone_size, (std::vector<double>{1}));
  const feature_block block = compute_glszm_features(batch, {});
  for (int f = 0; f < glszm_feature_count; ++f)
    EXPECT_TRUE(std::isfinite(block.at(0, f))) << glszm_feature_table[f].name;
  EXPECT_DOUBLE_EQ(feature(block, "ZonePercentage"), 1.0);
}

TEST(Glszm, BatchRowsMatchSingleRois) {
  // Two seeded random ROIs of different crops and grey ranges, computed together and one at a time.
  std::mt19937 random(99);
  const extent3 crops[2] = {{6, 5, 4}, {3, 7, 2}};
  roi_batch together;
  std::vector<discrete_batch> singles;
  for (int r = 0; r < 2; ++r) {
    std::vector<double> values(std::size_t(crops[r].count()));
    std::vector<std::uint8_t> mask(values.size());
    for (std::size_t v = 0; v < values.size(); ++v) {
      values[v] = double(1 + random() % (4 + 3 * r));
      mask[v] = random() % 3 != 0;
    }
    mask[0] = 1;
    together.add(crops[r], {1.0, 1.0, 1.0}, values.data(), mask.data());
    singles.push_back(one_roi(crops[r], values, mask));
  }
  binning_settings binning;
  binning.bin_width = 1.0;
  const feature_block block = compute_glszm_features(discretise(together, binning), {});
  for (int r = 0; r < 2; ++r) {
    const feature_block single = compute_glszm_features(singles[std::size_t(r)], {});
    for (int f = 0; f < glszm_feature_count; ++f)
      EXPECT_EQ(block.at(r, f), single.at(0, f)) << "ROI " << r << " feature " << f;
  }
}

void expect_matrix_matches_baseline(const std::string& subject) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/" + subject + "_glszm.npy");
  const std::string path =
      (testing::shared_data_dir() / "pyradiomics" / "baseline" / (subject + "_glszm.npy")).string();
  const testing::npy_array baseline = testing::drop_empty_columns(testing::read_npy_matrix(path));
  const glszm_matrix m = compute_glszm_matrix(testing::load_pyradiomics_case(subject, binning_settings{}), 0, {});
  ASSERT_EQ(m.grey_level.size(), baseline.shape[0]);
  ASSERT_EQ(m.zone_size.size(), baseline.shape[1]);
  EXPECT_EQ(m.counts, baseline.values);
}

TEST(Glszm, MatrixMatchesBaselineBrain1) { expect_matrix_matches_baseline("brain1"); }
TEST(Glszm, MatrixMatchesBaselineBreast1) { expect_matrix_matches_baseline("breast1"); }

class GlszmBaseline : public ::testing::TestWithParam<std::string> {};

TEST_P(GlszmBaseline, FeaturesWithinThreePercent) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/baseline_glszm.csv");
  expect_baseline_features("glszm", glszm_feature_table, glszm_feature_count, compute_glszm_features, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Glszm, GlszmBaseline,
                         ::testing::Values("brain1", "brain1_2d", "brain1_FBN", "breast1", "breast1_2d", "breast1_FBN"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Glszm, IbsiDigitalPhantom3d) {
  RADCORE_REQUIRE_SHARED("ibsi/digital_phantom/reference_values.csv");
  expect_ibsi_phantom_features("glszm", glszm_feature_table, glszm_feature_count, compute_glszm_features, {});
}

}  // namespace
}  // namespace radcore
