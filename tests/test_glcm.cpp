#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/glcm.hpp"
#include "kernels/glcm_formulas.hpp"
#include "tests/npy.hpp"
#include "tests/roi_fixtures.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

using testing::shared_data_dir;

// Reads a CSV file as rows of fields. Quoted fields may contain commas and doubled quotes.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else if (c != '\r') {
        fields.back() += c;
      }
    }
    rows.push_back(fields);
  }
  return rows;
}

int feature_index(const std::string& name) {
  for (int f = 0; f < glcm_feature_count; ++f) {
    if (name == glcm_feature_table[f].name) return f;
  }
  return -1;
}

// One column of PyRadiomics' baseline_glcm.csv: its settings and its feature values.
struct baseline_case {
  binning_settings binning;
  texture_settings texture;
  std::map<std::string, double> values;  // feature name -> value
};

baseline_case read_baseline(const std::string& file, const std::string& column) {
  const auto rows = read_csv((shared_data_dir() / "pyradiomics/baseline" / file).string());
  std::size_t at = 0;
  while (at < rows[0].size() && rows[0][at] != column) ++at;
  baseline_case out;
  for (const auto& row : rows) {
    if (row.size() <= at) continue;
    const std::string& cell = row[at];
    if (row[0] == "diagnostics_Configuration_Settings") {
      // The settings are a Python dict literal; only the keys these columns vary are read.
      if (cell.find("'force2D': True") != std::string::npos) out.texture.angles.force2d = true;
      const auto bin_count = cell.find("'binCount': ");
      if (bin_count != std::string::npos) out.binning.bin_count = std::stoi(cell.substr(bin_count + 12));
      const auto bin_width = cell.find("'binWidth': ");
      if (bin_width != std::string::npos) out.binning.bin_width = std::stod(cell.substr(bin_width + 12));
      if (cell.find("'weightingNorm': 'no_weighting'") != std::string::npos) {
        out.texture.weighting = weighting_norm::no_weighting;
      }
    }
    const std::string prefix = "original_glcm_";
    if (row[0].rfind(prefix, 0) == 0) out.values[row[0].substr(prefix.size())] = std::stod(cell);
  }
  return out;
}

discrete_batch shared_case(const std::string& name, const binning_settings& binning) {
  return discretise(testing::load_shared_roi("pyradiomics/" + name + "_image.nrrd",
                                             "pyradiomics/" + name + "_label.nrrd"),
                    binning);
}

void expect_matrix_matches_baseline(const std::string& name) {
  const discrete_batch batch = shared_case(name, binning_settings{});
  const texture_matrix ours = glcm_matrix(batch, 0, texture_settings{});
  const testing::npy_array expected =
      testing::read_npy((shared_data_dir() / "pyradiomics/baseline" / (name + "_glcm.npy")).string());
  ASSERT_EQ(ours.shape, expected.shape);
  for (std::size_t k = 0; k < ours.values.size(); ++k) {
    // Each angle is an integer matrix divided by its integer sum, so only the last bit may differ.
    ASSERT_NEAR(ours.values[k], expected.values[k], 1e-12) << name << " element " << k;
  }
}

TEST(Glcm, MatrixMatchesBrain1Baseline) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/brain1_glcm.npy");
  expect_matrix_matches_baseline("brain1");
}

TEST(Glcm, MatrixMatchesBreast1Baseline) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/breast1_glcm.npy");
  expect_matrix_matches_baseline("breast1");
}

class GlcmBaseline : public ::testing::TestWithParam<std::string> {};

TEST_P(GlcmBaseline, FeaturesWithinThreePercent) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/baseline_glcm.csv");
  const std::string column = GetParam();
  const baseline_case expected = read_baseline("baseline_glcm.csv", column);
  ASSERT_FALSE(expected.values.empty()) << column;
  const std::string image = column.substr(0, column.find('_'));
  const feature_block ours = compute_glcm_features(shared_case(image, expected.binning), expected.texture);
  for (const auto& [name, value] : expected.values) {
    const int f = feature_index(name);
    ASSERT_GE(f, 0) << "baseline feature not in glcm_feature_table: " << name;
    const double got = ours.at(0, f);
    ASSERT_FALSE(std::isnan(got)) << column << " " << name;
    // PyRadiomics' own suite accepts 3 % against these baselines, which older releases produced.
    if (value == 0.0) {
      EXPECT_EQ(got, 0.0) << column << " " << name;
    } else {
      EXPECT_LT(std::fabs(1.0 - got / value), 0.03) << column << " " << name << ": " << got << " vs " << value;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Glcm, GlcmBaseline,
                         ::testing::Values("brain1", "brain1_2d", "brain1_FBN", "brain1_combined", "breast1",
                                           "breast1_2d", "breast1_FBN", "breast1_combined"));

// Rounds to three significant digits, as the IBSI digital-phantom values were rounded.
double round3(double value) {
  if (value == 0.0) return 0.0;
  const double scale = std::pow(10.0, 2 - int(std::floor(std::log10(std::fabs(value)))));
  return std::round(value * scale) / scale;
}

TEST(Glcm, MatchesIbsiDigitalPhantom3dAveraged) {
  RADCORE_REQUIRE_SHARED("ibsi/digital_phantom/reference_values.csv");
  binning_settings binning;
  binning.bin_width = 1.0;
  const discrete_batch batch = discretise(
      testing::load_shared_roi("ibsi/digital_phantom/image.nii.gz", "ibsi/digital_phantom/mask.nii.gz"), binning);
  const feature_block ours = compute_glcm_features(batch, texture_settings{});

  std::map<std::string, double> reference;  // IBSI tag -> value
  for (const auto& row : read_csv((shared_data_dir() / "ibsi/digital_phantom/reference_values.csv").string())) {
    if (row.size() > 6 && row[2] == "3D, averaged" && row[4].rfind("cm_", 0) == 0) reference[row[4]] = std::stod(row[6]);
  }
  int compared = 0;
  for (const auto& row : read_csv((shared_data_dir() / "ibsi/digital_phantom/pyradiomics_mapping.csv").string())) {
    const std::string prefix = "original_glcm_";
    if (row.size() < 3 || row[2].rfind(prefix, 0) != 0 || row[0].find("_3D_avg") == std::string::npos) continue;
    const auto ref = reference.find(row[0]);
    ASSERT_NE(ref, reference.end()) << row[0];
    const int f = feature_index(row[2].substr(prefix.size()));
    ASSERT_GE(f, 0) << row[2];
    EXPECT_NEAR(round3(ours.at(0, f)), ref->second, 1e-9 * std::fabs(ref->second))
        << row[0] << " (" << row[2] << "): " << ours.at(0, f);
    ++compared;
  }
  EXPECT_EQ(compared, 25);
}

// A 2 x 2 single-slice image with levels 1 2 / 2 3 (x fastest): four in-plane angles, each worked out by hand.
discrete_batch two_by_two(const double (&values)[4]) {
  roi_batch rois;
  const std::uint8_t mask[4] = {1, 1, 1, 1};
  rois.add({2, 2, 1}, {1.0, 1.0, 1.0}, values, mask);
  binning_settings binning;
  binning.bin_width = 1.0;
  return discretise(rois, binning);
}

TEST(Glcm, TwoByTwoMatrixByHand) {
  const discrete_batch batch = two_by_two({1.0, 2.0, 2.0, 3.0});
  const texture_matrix m = glcm_matrix(batch, 0, texture_settings{});
  ASSERT_EQ(m.shape, (std::vector<std::size_t>{3, 3, 4}));
  auto at = [&](int i, int j, int a) { return m.values[std::size_t((i * 3 + j) * 4 + a)]; };
  // Angle 0 = (dz, dy, dx) (0, 1, 1): the pair 1-3 once, symmetrised.
  EXPECT_EQ(at(0, 2, 0), 0.5);
  EXPECT_EQ(at(2, 0, 0), 0.5);
  EXPECT_EQ(at(1, 1, 0), 0.0);
  // Angles 1 = (0, 1, 0) and 3 = (0, 0, 1): pairs 1-2 and 2-3.
  for (int a : {1, 3}) {
    EXPECT_EQ(at(0, 1, a), 0.25);
    EXPECT_EQ(at(1, 0, a), 0.25);
    EXPECT_EQ(at(1, 2, a), 0.25);
    EXPECT_EQ(at(2, 1, a), 0.25);
    EXPECT_EQ(at(1, 1, a), 0.0);
  }
  // Angle 2 = (0, 1, -1): the pair 2-2.
  EXPECT_EQ(at(1, 1, 2), 1.0);
}

TEST(Glcm, TwoByTwoFeaturesByHand) {
  const feature_block f = compute_glcm_features(two_by_two({1.0, 2.0, 2.0, 3.0}), texture_settings{});
  // Contrast per angle 4, 1, 0, 1; JointEnergy 0.5, 0.25, 1, 0.25; MaximumProbability 0.5, 0.25, 1, 0.25.
  EXPECT_NEAR(f.at(0, glcm::contrast), 1.5, 1e-15);
  EXPECT_NEAR(f.at(0, glcm::joint_energy), 0.5, 1e-15);
  EXPECT_NEAR(f.at(0, glcm::maximum_probability), 0.5, 1e-15);
  EXPECT_NEAR(f.at(0, glcm::joint_average), 2.0, 1e-15);
  // Correlation per angle -1 (1-3 pair), 0, 1 (flat: sigma 0), 0.
  EXPECT_NEAR(f.at(0, glcm::correlation), 0.0, 1e-15);
  // Idmn with Ng = 3: 1 / (1 + 4/9), 1 / (1 + 1/9), 1, 1 / (1 + 1/9).
  EXPECT_NEAR(f.at(0, glcm::idmn), (9.0 / 13.0 + 0.9 + 1.0 + 0.9) / 4.0, 1e-15);
  // MCC per angle: levels 1 and 3 never share a neighbour level, so S has two blocks of eigenvalue 1 (MCC 1)
  // for angles 0, 1 and 3; angle 2 has one nonzero row, second eigenvalue 0.
  EXPECT_NEAR(f.at(0, glcm::mcc), 0.75, 1e-12);
}

TEST(Glcm, ConstantRoiYieldsNoNan) {
  roi_batch rois;
  std::vector<double> values(27, 100.0);
  std::vector<std::uint8_t> mask(27, 1);
  rois.add({3, 3, 3}, {1.0, 1.0, 1.0}, values.data(), mask.data());
  const feature_block f = compute_glcm_features(discretise(rois, binning_settings{}), texture_settings{});
  for (int k = 0; k < glcm_feature_count; ++k) EXPECT_FALSE(std::isnan(f.at(0, k))) << glcm_feature_table[k].name;
  // Flat-region values PyRadiomics reports.
  EXPECT_EQ(f.at(0, glcm::joint_energy), 1.0);
  EXPECT_EQ(f.at(0, glcm::contrast), 0.0);
  EXPECT_EQ(f.at(0, glcm::correlation), 1.0);
  EXPECT_EQ(f.at(0, glcm::imc1), 0.0);
  EXPECT_EQ(f.at(0, glcm::imc2), 0.0);
  EXPECT_EQ(f.at(0, glcm::mcc), 1.0);
  EXPECT_EQ(f.at(0, glcm::id), 1.0);
  EXPECT_EQ(f.at(0, glcm::idm), 1.0);
  EXPECT_EQ(f.at(0, glcm::idmn), 1.0);
  EXPECT_EQ(f.at(0, glcm::idn), 1.0);
  const double flat_entropy = -std::log2(1.0 + glcm::eps);  // about -3.2e-16
  // The average over 13 equal angles may differ from one angle's value in the last bit.
  EXPECT_DOUBLE_EQ(f.at(0, glcm::joint_entropy), flat_entropy);
  EXPECT_DOUBLE_EQ(f.at(0, glcm::difference_entropy), flat_entropy);
  EXPECT_DOUBLE_EQ(f.at(0, glcm::sum_entropy), flat_entropy);
}

TEST(Glcm, SingleSliceRoiUsesInPlaneAngles) {
  roi_batch rois;
  std::vector<double> values{0.0, 30.0, 60.0, 30.0, 0.0, 60.0, 60.0, 30.0, 0.0};
  std::vector<std::uint8_t> mask(9, 1);
  rois.add({3, 3, 1}, {1.0, 1.0, 1.0}, values.data(), mask.data());
  const texture_matrix m = glcm_matrix(discretise(rois, binning_settings{}), 0, texture_settings{});
  EXPECT_EQ(m.shape[2], 4u);
}

TEST(Glcm, WeightingNormsFollowPyradiomics) {
  const std::array<double, 3> spacing{0.5, 2.0, 3.0};  // x, y, z
  const offset3 angle{1, 1, -1};                       // |a| * spacing (z, y, x) = (3, 2, 0.5)
  EXPECT_EQ(glcm_angle_weight(angle, spacing, weighting_norm::infinity), std::exp(-9.0));
  EXPECT_EQ(glcm_angle_weight(angle, spacing, weighting_norm::euclidean), std::exp(-13.25));
  EXPECT_EQ(glcm_angle_weight(angle, spacing, weighting_norm::manhattan), std::exp(-30.25));
  EXPECT_EQ(glcm_angle_weight(angle, spacing, weighting_norm::no_weighting), 1.0);
}

TEST(Glcm, JacobiFindsKnownEigenvalues) {
  // [[2, 1, 0], [1, 2, 1], [0, 1, 2]] has eigenvalues 2 - sqrt(2), 2, 2 + sqrt(2).
  double a[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2};
  double values[3];
  glcm::jacobi_eigen(a, 3, values, nullptr);
  std::sort(values, values + 3);
  EXPECT_NEAR(values[0], 2.0 - std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(values[1], 2.0, 1e-15);
  EXPECT_NEAR(values[2], 2.0 + std::sqrt(2.0), 1e-15);
}

TEST(Glcm, MccOfIndependentLevelsIsNearZero) {
  // p = px py^T: S has rank 1, so the exact second eigenvalue is 0. PyRadiomics reports solver noise here (about
  // 7.45e-9); radcore reports its own rounding noise or 0.
  const double p[4] = {0.25, 0.25, 0.25, 0.25};
  const double px[2] = {0.5, 0.5};
  std::vector<double> work(static_cast<std::size_t>(glcm::mcc_scratch_doubles(2)));
  std::vector<std::int64_t> index(static_cast<std::size_t>(glcm::mcc_scratch_indices(2)));
  const double mcc = glcm::mcc_angle(p, 2, px, px, work.data(), index.data());
  EXPECT_GE(mcc, 0.0);
  EXPECT_LT(mcc, 1e-7);
}

TEST(Glcm, LargeBlockEigenvaluesMatchJacobi) {
  // A path of 401 levels: p(i, i+1) = p(i+1, i) = w, one block of 401 rows. The Householder and bisection
  // path under test against cyclic Jacobi on the same block.
  const std::int64_t n = 401;
  std::vector<double> p(std::size_t(n * n), 0.0), px(std::size_t(n), 0.0);
  for (std::int64_t i = 0; i + 1 < n; ++i) {
    const double w = 1.0 / (2.0 * double(n - 1)) * (1.0 + 0.5 * double(i % 3));
    p[std::size_t(i * n + i + 1)] = p[std::size_t((i + 1) * n + i)] = w;
    p[std::size_t(i * n + i)] = w;  // diagonal entries join every row into one block
  }
  double total = 0.0;
  for (double v : p) total += v;
  for (double& v : p) v /= total;
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) px[std::size_t(i)] += p[std::size_t(i * n + j)];
  }
  std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) rows[std::size_t(i)] = i;
  std::vector<double> a(static_cast<std::size_t>(n * n)), work(static_cast<std::size_t>(glcm::mcc_scratch_doubles(n)));
  double first = 0.0, second = 0.0;
  glcm::block_top_two(p.data(), n, px.data(), px.data(), rows.data(), n, a.data(), work.data(), &first, &second);
  std::vector<double> s(static_cast<std::size_t>(n * n)), values(static_cast<std::size_t>(n));
  glcm::fill_block(p.data(), n, px.data(), px.data(), rows.data(), n, a.data(), s.data());
  glcm::jacobi_eigen(s.data(), n, values.data(), nullptr);
  std::sort(values.begin(), values.end());
  EXPECT_NEAR(first, 1.0, 1e-13);
  EXPECT_NEAR(first, values[std::size_t(n - 1)], 1e-13);
  EXPECT_NEAR(second, values[std::size_t(n - 2)], 1e-13);
}

TEST(Glcm, ThousandsOfLevelsRun) {
  // 3000 voxels, each its own level (bin width 1), shuffled by a fixed linear congruential permutation.
  const extent3 size{15, 20, 10};
  std::vector<double> values(3000);
  for (std::size_t k = 0; k < values.size(); ++k) values[k] = double((k * 1237) % 3000);
  std::vector<std::uint8_t> mask(values.size(), 1);
  roi_batch rois;
  rois.add(size, {1.0, 1.0, 1.0}, values.data(), mask.data());
  binning_settings binning;
  binning.bin_width = 1.0;
  const discrete_batch batch = discretise(rois, binning);
  ASSERT_EQ(batch.levels(0), 3000);
  const feature_block f = compute_glcm_features(batch, texture_settings{});
  for (int k = 0; k < glcm_feature_count; ++k) EXPECT_FALSE(std::isnan(f.at(0, k))) << glcm_feature_table[k].name;
  EXPECT_GE(f.at(0, glcm::mcc), 0.0);
  EXPECT_LE(f.at(0, glcm::mcc), 1.0 + 1e-12);
}

TEST(Glcm, InverseIterationEigenvectorMatchesJacobi) {
  // A 41-level block with uneven weights; the eigenvector for the second eigenvalue from inverse iteration
  // must be the Jacobi one up to sign.
  const std::int64_t n = 41;
  std::vector<double> p(std::size_t(n * n), 0.0), px(std::size_t(n), 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      if (std::abs(i - j) <= 2) p[std::size_t(i * n + j)] = 1.0 + double((i * 7 + j * 3) % 5);
    }
  }
  double total = 0.0;
  for (double v : p) total += v;
  for (double& v : p) v /= total;
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) px[std::size_t(i)] += p[std::size_t(i * n + j)];
  }
  std::vector<std::int64_t> rows(static_cast<std::size_t>(n)), pivot(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) rows[std::size_t(i)] = i;
  std::vector<double> a(static_cast<std::size_t>(n * n)), work(static_cast<std::size_t>(glcm::mcc_scratch_doubles(n)));
  double first = 0.0, second = 0.0;
  glcm::block_top_two(p.data(), n, px.data(), px.data(), rows.data(), n, a.data(), work.data(), &first, &second);
  std::vector<double> vector(static_cast<std::size_t>(n));
  glcm::block_eigenvector(p.data(), n, px.data(), px.data(), rows.data(), n, a.data(), work.data(), pivot.data(),
                          second, vector.data());

  std::vector<double> s(static_cast<std::size_t>(n * n)), values(static_cast<std::size_t>(n)),
      vectors(static_cast<std::size_t>(n * n));
  glcm::fill_block(p.data(), n, px.data(), px.data(), rows.data(), n, a.data(), s.data());
  glcm::jacobi_eigen(s.data(), n, values.data(), vectors.data());
  std::int64_t column = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    if (std::fabs(values[std::size_t(i)] - second) < std::fabs(values[std::size_t(column)] - second)) column = i;
  }
  double dot = 0.0;
  for (std::int64_t i = 0; i < n; ++i) dot += vector[std::size_t(i)] * vectors[std::size_t(i * n + column)];
  EXPECT_NEAR(std::fabs(dot), 1.0, 1e-12);
}

}  // namespace
}  // namespace radcore
