#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/gldm.hpp"
#include "tests/zone_family_baselines.hpp"

namespace radcore {
namespace {

using testing::expect_baseline_features;
using testing::expect_ibsi_phantom_features;

discrete_batch one_roi(const extent3& crop, const std::vector<double>& values, const std::vector<std::uint8_t>& mask,
                       double bin_width = 1.0) {
  roi_batch rois;
  rois.add(crop, {1.0, 1.0, 1.0}, values.data(), mask.data());
  binning_settings binning;
  binning.bin_width = bin_width;
  return discretise(rois, binning);
}

double feature(const feature_block& block, const std::string& name) {
  const int column = testing::feature_column(gldm_feature_table, gldm_feature_count, name);
  EXPECT_GE(column, 0) << name;
  return column >= 0 ? block.at(0, column) : NAN;
}

TEST(Gldm, FeatureTableIsSortedAsPythonSorts) {
  ASSERT_EQ(gldm_feature_count, 16);
  for (int f = 1; f < gldm_feature_count; ++f) {
    EXPECT_LT(std::string(gldm_feature_table[f - 1].name), std::string(gldm_feature_table[f].name));
  }
  int deprecated = 0;
  for (int f = 0; f < gldm_feature_count; ++f) deprecated += gldm_feature_table[f].deprecated;
  EXPECT_EQ(deprecated, 2);  // DependencePercentage and GrayLevelNonUniformityNormalized
}

TEST(Gldm, DocstringExampleMatrix) {
  // The 5x5 example of PyRadiomics' gldm.py docstring, alpha 0 and distance 1, and the GLDM it states.
  const std::vector<double> image = {5, 2, 5, 4, 4, 3, 3, 3, 1, 3, 2, 1, 1, 1, 3, 4, 2, 2, 2, 3, 3, 5, 3, 3, 2};
  const gldm_matrix m = compute_gldm_matrix(one_roi({5, 5, 1}, image, std::vector<std::uint8_t>(25, 1)), 0, {});
  const std::vector<double> expected = {0, 1, 2, 1,  //
                                        1, 2, 3, 0,  //
                                        1, 4, 4, 0,  //
                                        1, 2, 0, 0,  //
                                        3, 0, 0, 0};
  EXPECT_EQ(m.grey_level, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(m.dependence, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(m.counts, expected);
}

TEST(Gldm, AlphaComparesBinNumbers) {
  // Bin numbers 1, 2 and 4 have compact indices 1, 2 and 3. With alpha 1 only the pair (1, 2) depends;
  // comparing compact indices would wrongly join 2 and 4.
  const discrete_batch batch = one_roi({3, 1, 1}, {1, 2, 4}, {1, 1, 1});
  texture_settings settings;
  settings.gldm_a = 1;
  const gldm_matrix m = compute_gldm_matrix(batch, 0, settings);
  EXPECT_EQ(m.grey_level, (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(m.dependence, (std::vector<double>{1, 2}));
  EXPECT_EQ(m.counts, (std::vector<double>{0, 1, 0, 1, 1, 0}));
}

TEST(Gldm, ConstantRoiHasNoNan) {
  const discrete_batch batch = one_roi({3, 3, 3}, std::vector<double>(27, 40.0), std::vector<std::uint8_t>(27, 1), 25);
  const feature_block block = compute_gldm_features(batch, {});
  for (int f = 0; f < gldm_feature_count; ++f) EXPECT_FALSE(std::isnan(block.at(0, f))) << gldm_feature_table[f].name;
  EXPECT_EQ(feature(block, "DependencePercentage"), 1.0);
  EXPECT_EQ(feature(block, "GrayLevelVariance"), 0.0);
  EXPECT_EQ(feature(block, "GrayLevelNonUniformityNormalized"), 1.0);
  // A 3x3x3 block: the centre has 26 dependent neighbours, the 8 corners 7 each.
  const gldm_matrix m = compute_gldm_matrix(batch, 0, {});
  EXPECT_EQ(m.dependence.front(), 8.0);
  EXPECT_EQ(m.dependence.back(), 27.0);
}

TEST(Gldm, ThreeThousandLevelsRun) {
  std::vector<double> values(3000);
  std::iota(values.begin(), values.end(), 1.0);
  std::shuffle(values.begin(), values.end(), std::mt19937(11));
  const discrete_batch batch = one_roi({60, 50, 1}, values, std::vector<std::uint8_t>(3000, 1));
  ASSERT_EQ(batch.levels(0), 3000);
  const feature_block block = compute_gldm_features(batch, {});
  for (int f = 0; f < gldm_feature_count; ++f) EXPECT_TRUE(std::isfinite(block.at(0, f))) << gldm_feature_table[f].name;
  // Distinct levels everywhere: no voxel has a dependent neighbour.
  EXPECT_EQ(feature(block, "SmallDependenceEmphasis"), 1.0);
}

TEST(Gldm, BatchRowsMatchSingleRois) {
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
  const feature_block block = compute_gldm_features(discretise(together, binning), {});
  for (int r = 0; r < 2; ++r) {
    const feature_block single = compute_gldm_features(singles[std::size_t(r)], {});
    for (int f = 0; f < gldm_feature_count; ++f)
      EXPECT_EQ(block.at(r, f), single.at(0, f)) << "ROI " << r << " feature " << f;
  }
}

void expect_matrix_matches_baseline(const std::string& subject) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/" + subject + "_gldm.npy");
  const std::string path = (testing::shared_data_dir() / "pyradiomics" / "baseline" / (subject + "_gldm.npy")).string();
  const testing::npy_array baseline = testing::drop_empty_columns(testing::read_npy_matrix(path));
  const gldm_matrix m = compute_gldm_matrix(testing::load_pyradiomics_case(subject, binning_settings{}), 0, {});
  ASSERT_EQ(m.grey_level.size(), baseline.shape[0]);
  ASSERT_EQ(m.dependence.size(), baseline.shape[1]);
  EXPECT_EQ(m.counts, baseline.values);
}

TEST(Gldm, MatrixMatchesBaselineBrain1) { expect_matrix_matches_baseline("brain1"); }
TEST(Gldm, MatrixMatchesBaselineBreast1) { expect_matrix_matches_baseline("breast1"); }

class GldmBaseline : public ::testing::TestWithParam<std::string> {};

TEST_P(GldmBaseline, FeaturesWithinThreePercent) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/baseline_gldm.csv");
  expect_baseline_features("gldm", gldm_feature_table, gldm_feature_count, compute_gldm_features, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Gldm, GldmBaseline,
                         ::testing::Values("brain1", "brain1_2d", "brain1_FBN", "breast1", "breast1_2d", "breast1_FBN"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Gldm, IbsiDigitalPhantom3d) {
  // IBSI's NGLDM with coarseness alpha 0 and Chebyshev distance 1 is PyRadiomics' GLDM with gldm_a 0.
  RADCORE_REQUIRE_SHARED("ibsi/digital_phantom/reference_values.csv");
  expect_ibsi_phantom_features("gldm", gldm_feature_table, gldm_feature_count, compute_gldm_features, {});
}

}  // namespace
}  // namespace radcore
