#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/angles.hpp"
#include "kernels/discretise.hpp"
#include "kernels/ngtdm.hpp"
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
  const int column = testing::feature_column(ngtdm_feature_table, ngtdm_feature_count, name);
  EXPECT_GE(column, 0) << name;
  return column >= 0 ? block.at(0, column) : NAN;
}

TEST(Ngtdm, FeatureTableIsSortedAsPythonSorts) {
  ASSERT_EQ(ngtdm_feature_count, 5);
  for (int f = 1; f < ngtdm_feature_count; ++f) {
    EXPECT_LT(std::string(ngtdm_feature_table[f - 1].name), std::string(ngtdm_feature_table[f].name));
  }
}

TEST(Ngtdm, NeighbourlessVoxelAddsZeroDifference) {
  // Bin numbers 1, 2, (outside), 3 along x: the voxel of level 3 has no neighbour in the ROI, yet counts
  // in n_3 and in Nvp, with difference 0.
  const discrete_batch batch = one_roi({4, 1, 1}, {1, 2, 9, 3}, {1, 1, 0, 1});
  const ngtdm_matrix m = compute_ngtdm_matrix(batch, 0, {});
  EXPECT_EQ(m.grey_level, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(m.count, (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(m.difference_sum, (std::vector<double>{1, 1, 0}));
  // Coarseness = 1 / (1/3 * 1 + 1/3 * 1 + 1/3 * 0).
  EXPECT_DOUBLE_EQ(feature(compute_ngtdm_features(batch, {}), "Coarseness"), 1.5);
}

TEST(Ngtdm, ExactSumsMatchDirectNeighbourMeans) {
  // Per-voxel |i - mean of neighbours| summed in double, on a seeded random ROI with distances 1 and 2.
  const extent3 crop{7, 6, 5};
  std::mt19937 random(4242);
  std::vector<double> values(std::size_t(crop.count()));
  std::vector<std::uint8_t> mask(values.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    values[v] = double(1 + random() % 9);
    mask[v] = random() % 4 != 0;
  }
  const discrete_batch batch = one_roi(crop, values, mask);
  texture_settings settings;
  settings.angles.distances = {1, 2};
  const ngtdm_matrix m = compute_ngtdm_matrix(batch, 0, settings);

  const std::vector<offset3> offsets = generate_angles(crop, settings.angles, true);
  const std::int32_t* level = batch.voxels(0);
  const double* grey = batch.grey_values(0);
  std::vector<double> count(m.count.size(), 0.0), difference(m.count.size(), 0.0);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::int32_t k = level[crop.index(x, y, z)];
        if (k == 0) continue;
        double sum = 0, neighbours = 0;
        for (const offset3& o : offsets) {
          if (!crop.contains(x + o.dx, y + o.dy, z + o.dz)) continue;
          const std::int32_t n = level[crop.index(x + o.dx, y + o.dy, z + o.dz)];
          if (n == 0) continue;
          sum += grey[n - 1];
          ++neighbours;
        }
        count[std::size_t(k - 1)] += 1;
        if (neighbours > 0) difference[std::size_t(k - 1)] += std::fabs(grey[k - 1] - sum / neighbours);
      }
    }
  }
  EXPECT_EQ(m.count, count);
  ASSERT_EQ(m.difference_sum.size(), difference.size());
  for (std::size_t k = 0; k < difference.size(); ++k) {
    // Tolerance: the direct sum rounds at every voxel, the exact sums only at the final divisions.
    EXPECT_NEAR(m.difference_sum[k], difference[k], 1e-12 * difference[k]) << "grey level " << grey[k];
  }
}

TEST(Ngtdm, ConstantRoiGivesCoarsenessSentinel) {
  const discrete_batch batch = one_roi({3, 3, 3}, std::vector<double>(27, 40.0), std::vector<std::uint8_t>(27, 1), 25);
  const feature_block block = compute_ngtdm_features(batch, {});
  EXPECT_EQ(feature(block, "Coarseness"), 1e6);
  EXPECT_EQ(feature(block, "Contrast"), 0.0);
  EXPECT_EQ(feature(block, "Busyness"), 0.0);
  EXPECT_EQ(feature(block, "Complexity"), 0.0);
  EXPECT_EQ(feature(block, "Strength"), 0.0);
}

TEST(Ngtdm, ThreeThousandLevelsRun) {
  std::vector<double> values(3000);
  std::iota(values.begin(), values.end(), 1.0);
  std::shuffle(values.begin(), values.end(), std::mt19937(13));
  const discrete_batch batch = one_roi({60, 50, 1}, values, std::vector<std::uint8_t>(3000, 1));
  ASSERT_EQ(batch.levels(0), 3000);
  const feature_block block = compute_ngtdm_features(batch, {});
  for (int f = 0; f < ngtdm_feature_count; ++f)
    EXPECT_TRUE(std::isfinite(block.at(0, f))) << ngtdm_feature_table[f].name;
}

TEST(Ngtdm, BatchRowsMatchSingleRois) {
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
  const feature_block block = compute_ngtdm_features(discretise(together, binning), {});
  for (int r = 0; r < 2; ++r) {
    const feature_block single = compute_ngtdm_features(singles[std::size_t(r)], {});
    for (int f = 0; f < ngtdm_feature_count; ++f)
      EXPECT_EQ(block.at(r, f), single.at(0, f)) << "ROI " << r << " feature " << f;
  }
}

void expect_matrix_matches_baseline(const std::string& subject) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/" + subject + "_ngtdm.npy");
  const std::string path =
      (testing::shared_data_dir() / "pyradiomics" / "baseline" / (subject + "_ngtdm.npy")).string();
  const testing::npy_array baseline = testing::read_npy_matrix(path);
  const ngtdm_matrix m = compute_ngtdm_matrix(testing::load_pyradiomics_case(subject, binning_settings{}), 0, {});
  ASSERT_EQ(baseline.shape[1], 3u);
  ASSERT_EQ(m.count.size(), baseline.shape[0]);
  for (std::size_t k = 0; k < m.count.size(); ++k) {
    EXPECT_EQ(m.count[k], baseline.values[3 * k]) << "row " << k;
    EXPECT_NEAR(m.difference_sum[k], baseline.values[3 * k + 1], 1e-12 * baseline.values[3 * k + 1]) << "row " << k;
    EXPECT_EQ(m.grey_level[k], baseline.values[3 * k + 2]) << "row " << k;
  }
}

TEST(Ngtdm, MatrixMatchesBaselineBrain1) { expect_matrix_matches_baseline("brain1"); }
TEST(Ngtdm, MatrixMatchesBaselineBreast1) { expect_matrix_matches_baseline("breast1"); }

class NgtdmBaseline : public ::testing::TestWithParam<std::string> {};

TEST_P(NgtdmBaseline, FeaturesWithinThreePercent) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/baseline_ngtdm.csv");
  expect_baseline_features("ngtdm", ngtdm_feature_table, ngtdm_feature_count, compute_ngtdm_features, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Ngtdm, NgtdmBaseline,
                         ::testing::Values("brain1", "brain1_2d", "brain1_FBN", "breast1", "breast1_2d", "breast1_FBN"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Ngtdm, IbsiDigitalPhantom3d) {
  RADCORE_REQUIRE_SHARED("ibsi/digital_phantom/reference_values.csv");
  expect_ibsi_phantom_features("ngtdm", ngtdm_feature_table, ngtdm_feature_count, compute_ngtdm_features, {});
}

}  // namespace
}  // namespace radcore
