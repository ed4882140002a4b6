// The LBP3D image type against PyRadiomics 3.1.0 with scipy 1.15.3 and trimesh 4.6.8 (references made by
// scripts/reference/make_lbp3d_references.py): spherical harmonics, voxel values and features.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "host/image_types.hpp"
#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "kernels/error.hpp"
#include "kernels/lbp3d.hpp"
#include "tests/npy.hpp"
#include "tests/parity.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

// radcore computes the harmonics with its own Legendre recurrence, scipy with another, so they agree to a
// few ulps of values of order 1.
constexpr double harmonic_tolerance = 1e-15;

// The computed harmonics agree with scipy's within the tolerance, and the tabulated ones bit for bit.
TEST(Lbp3d, HarmonicsMatchScipy) {
  const csv_table reference = read_csv_file(testing::test_resource("reference/lbp/lbp3d_harmonics.csv").string());
  ASSERT_FALSE(reference.rows.empty());
  double max_difference = 0;
  for (int subdivision = 0; subdivision <= 2; ++subdivision) {
    lbp3d_options options;
    options.levels = 4;
    options.icosphere_subdivision = subdivision;
    const lbp3d_harmonics harmonics = compute_spherical_harmonics(options);
    const lbp3d_harmonics tabulated = lbp3d_spherical_harmonics(options);
    std::size_t checked = 0;
    for (std::size_t r = 0; r < reference.rows.size(); ++r) {
      if (std::atoi(testing::reference_value(reference, r, "subdivision").c_str()) != subdivision) continue;
      const int vertex = std::atoi(testing::reference_value(reference, r, "vertex").c_str());
      const int n = std::atoi(testing::reference_value(reference, r, "n").c_str());
      const int m = std::atoi(testing::reference_value(reference, r, "m").c_str());
      const std::size_t at = std::size_t(vertex) * std::size_t(harmonics.columns) + std::size_t(n * n + n + m);
      const double real = std::strtod(testing::reference_value(reference, r, "real").c_str(), nullptr);
      const double imaginary = std::strtod(testing::reference_value(reference, r, "imag").c_str(), nullptr);
      EXPECT_NEAR(harmonics.real[at], real, harmonic_tolerance) << "vertex " << vertex << " n " << n << " m " << m;
      EXPECT_NEAR(harmonics.imaginary[at], imaginary, harmonic_tolerance)
          << "vertex " << vertex << " n " << n << " m " << m;
      EXPECT_EQ(tabulated.real[at], real) << "vertex " << vertex << " n " << n << " m " << m;
      EXPECT_EQ(tabulated.imaginary[at], imaginary) << "vertex " << vertex << " n " << n << " m " << m;
      max_difference = std::max({max_difference, std::abs(harmonics.real[at] - real),
                                 std::abs(harmonics.imaginary[at] - imaginary)});
      ++checked;
    }
    EXPECT_EQ(checked, std::size_t(harmonics.vertices) * 16u) << "subdivision " << subdivision;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.3e", max_difference);
  ::testing::Test::RecordProperty("max_difference", text);
}

// --- voxel values against getLBP3DImage ------------------------------------------------------------------

struct voxel_case {
  std::string name;    // the .npy file under reference/lbp/lbp3d_voxels/
  std::string image;   // under ../shared/data, or under tests/reference when `committed`
  std::string mask;
  bool committed = false;
  lbp3d_options options;
  bool bitwise = true;  // the options have tabulated harmonics
};

void PrintTo(const voxel_case& c, std::ostream* out) { *out << c.name; }

class Lbp3dVoxels : public ::testing::TestWithParam<voxel_case> {};

// Where radcore computes the harmonics itself (radius other than 1) they differ from scipy's in the last bits,
// and so do the pattern norms. The samples, patterns and kurtosis follow scipy's arithmetic. 1e-12 relative
// (absolute below 1) leaves room for the harmonics alone.
TEST_P(Lbp3dVoxels, ValuesMatchPyRadiomics) {
  const voxel_case& c = GetParam();
  std::string image_path;
  std::string mask_path;
  if (c.committed) {
    image_path = testing::test_resource(c.image).string();
    mask_path = testing::test_resource(c.mask).string();
  } else {
    RADCORE_REQUIRE_SHARED(c.image);
    image_path = (testing::shared_data_dir() / c.image).string();
    mask_path = (testing::shared_data_dir() / c.mask).string();
  }
  const volume image = read_volume(image_path);
  const volume mask = read_volume(mask_path);
  std::vector<std::uint8_t> inside(mask.values.size());
  for (std::size_t i = 0; i < inside.size(); ++i) inside[i] = mask.values[i] == 1 ? 1 : 0;
  const std::vector<std::vector<double>> images = lbp3d_filter(image.values, image.size, inside, image.pixel_type, c.options);

  const testing::npy_array reference =
      testing::read_npy(testing::test_resource("reference/lbp/lbp3d_voxels/" + c.name + ".npy").string());
  ASSERT_EQ(reference.shape.size(), 2u);
  ASSERT_EQ(reference.shape[1], images.size());
  std::size_t row = 0;
  std::size_t nan_count = 0;
  std::size_t not_bitwise = 0;
  double max_relative = 0;
  for (std::size_t voxel = 0; voxel < inside.size(); ++voxel) {
    if (inside[voxel] == 0) continue;
    ASSERT_LT(row, reference.shape[0]);
    for (std::size_t column = 0; column < images.size(); ++column) {
      const double expected = reference.values[row * images.size() + column];
      const double actual = images[column][voxel];
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(actual)) << "voxel " << voxel << " image " << column;
        ++nan_count;
        continue;
      }
      if (actual != expected) ++not_bitwise;
      const double scale = std::max(1.0, std::abs(expected));
      max_relative = std::max(max_relative, std::abs(actual - expected) / scale);
      EXPECT_NEAR(actual, expected, 1e-12 * scale) << "voxel " << voxel << " image " << column;
    }
    ++row;
  }
  EXPECT_EQ(row, reference.shape[0]);
  char text[32];
  std::snprintf(text, sizeof text, "%.3e", max_relative);
  ::testing::Test::RecordProperty("max_relative_difference", text);
  ::testing::Test::RecordProperty("values_not_bitwise_equal", std::to_string(not_bitwise));
  // With scipy's own harmonics (radius 1, at most 2 subdivisions and 4 levels) every step follows scipy's
  // arithmetic, so the values are equal bit for bit.
  if (c.bitwise) EXPECT_EQ(not_bitwise, 0u);
  ::testing::Test::RecordProperty("nan_values", std::to_string(nan_count));
}

lbp3d_options make_options(int levels, int subdivision, double radius) {
  lbp3d_options options;
  options.levels = levels;
  options.icosphere_subdivision = subdivision;
  options.icosphere_radius = radius;
  return options;
}

std::vector<voxel_case> voxel_cases() {
  const std::string brain_image = "pyradiomics/brain1_image.nrrd";
  const std::string brain_mask = "pyradiomics/brain1_label.nrrd";
  std::vector<voxel_case> cases{
      {"brain1_default", brain_image, brain_mask, false, make_options(2, 1, 1.0)},
      {"brain1_levels3_subdivision2_radius1_5", brain_image, brain_mask, false, make_options(3, 2, 1.5), false},
      {"brain1_subdivision0_radius2", brain_image, brain_mask, false, make_options(2, 0, 2.0), false},
      {"sct_t2s_default", "spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", false, make_options(2, 1, 1.0)},
  };
  for (const char* name : {"border_int16", "border_float32", "border_float64", "border_uint8_flat"}) {
    const std::string folder = std::string("reference/lbp/lbp3d_volumes/") + name;
    cases.push_back({name, folder + "_image.nrrd", folder + "_mask.nrrd", true, make_options(2, 1, 1.0)});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, Lbp3dVoxels, ::testing::ValuesIn(voxel_cases()),
                         [](const ::testing::TestParamInfo<voxel_case>& info) { return info.param.name; });

// --- features against PyRadiomics ------------------------------------------------------------------------

struct feature_case {
  std::string name;
  std::string image;
  std::string mask;
  int label = 1;
};

void PrintTo(const feature_case& c, std::ostream* out) { *out << c.name; }

class Lbp3dParity : public ::testing::TestWithParam<feature_case> {};

TEST_P(Lbp3dParity, FeaturesMatchPyRadiomics) {
  const feature_case& c = GetParam();
  RADCORE_REQUIRE_SHARED(c.image);
  const csv_table reference = read_csv_file(testing::test_resource("reference/lbp/" + c.name + "_lbp3d.csv").string());
  ASSERT_EQ(reference.rows.size(), 1u);
  const extraction_parameters parameters =
      load_parameters_file(testing::test_resource("reference/lbp/params/lbp3d.yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/";
  const feature_row row = extract_case(data + c.image, data + c.mask, parameters, c.label);
  const std::vector<std::string> mismatches = testing::compare_reference_row(reference, 0, row);
  std::string listing;
  for (const std::string& line : mismatches) listing += "\n  " + line;
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " feature(s) differ:" << listing;
  EXPECT_EQ(row.feature_keys, testing::reference_feature_keys(reference));
}

INSTANTIATE_TEST_SUITE_P(
    PyRadiomics, Lbp3dParity,
    ::testing::Values(feature_case{"brain1", "pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", 1},
                      feature_case{"breast1", "pyradiomics/breast1_image.nrrd", "pyradiomics/breast1_label.nrrd", 1},
                      feature_case{"sct_t2", "spine/sct_t2/t2.nii.gz", "spine/sct_t2/t2_seg-manual_labeled.nii.gz", 3},
                      feature_case{"sct_t2s", "spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", 1}),
    [](const ::testing::TestParamInfo<feature_case>& info) { return info.param.name; });

// --- behaviour beyond the references ---------------------------------------------------------------------

volume ramp_volume() {
  volume image;
  image.size = {7, 6, 5};
  image.spacing = {1, 1, 1};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  image.pixel_type = "short";
  image.value_pixel_type = "short";
  image.values.resize(7 * 6 * 5);
  for (std::size_t i = 0; i < image.values.size(); ++i) image.values[i] = double((i * 13) % 29);
  return image;
}

// PyRadiomics 3.1.0 raises IndexError for lbp3DLevels 1. radcore computes it: lbp-3D-m1 does not depend on
// the level count, so it equals lbp-3D-m1 of two levels.
TEST(Lbp3d, OneLevelGivesFirstLevelAndKurtosis) {
  const volume image = ramp_volume();
  std::vector<std::uint8_t> inside(image.values.size(), 0);
  for (std::size_t i = 40; i < 160; i += 3) inside[i] = 1;
  const auto one = lbp3d_filter(image.values, image.size, inside, "short", make_options(1, 1, 1.0));
  const auto two = lbp3d_filter(image.values, image.size, inside, "short", make_options(2, 1, 1.0));
  ASSERT_EQ(one.size(), 2u);
  ASSERT_EQ(two.size(), 3u);
  EXPECT_EQ(one[0], two[0]);
  EXPECT_EQ(one[1], two[2]);
}

TEST(Lbp3d, ImagesAreNamedAsPyRadiomics) {
  const volume image = ramp_volume();
  const extraction_parameters parameters = parse_parameters(
      "imageType:\n  LBP3D: {}\nfeatureClass:\n  firstorder:\nsetting:\n  lbp3DLevels: 3\n", "test parameters");
  std::vector<std::uint8_t> inside(image.values.size(), 1);
  std::vector<std::string> names;
  compute_image_type(image, voxel_box{{1, 1, 1}, {4, 3, 2}}, parameters, parameters.image_types.at(0),
                     [&](filtered_image&& filtered) {
                       names.push_back(filtered.name);
                       EXPECT_EQ(filtered.pixel_type, "double");
                       EXPECT_EQ(filtered.values.size(), 24u);
                     },
                     &inside);
  const std::vector<std::string> expected{"lbp-3D-m1", "lbp-3D-m2", "lbp-3D-m3", "lbp-3D-k"};
  EXPECT_EQ(names, expected);
}

TEST(Lbp3d, InvalidInputIsRejected) {
  const volume image = ramp_volume();
  const std::vector<std::uint8_t> inside(image.values.size(), 1);
  EXPECT_THROW(lbp3d_filter(image.values, image.size, inside, "short", make_options(0, 1, 1.0)), input_error);
  EXPECT_THROW(lbp3d_filter(image.values, image.size, inside, "short", make_options(2, 4, 1.0)), input_error);
  EXPECT_THROW(lbp3d_filter(image.values, image.size, inside, "short", make_options(2, 1, 0.0)), input_error);
  EXPECT_THROW(lbp3d_filter(image.values, image.size, std::vector<std::uint8_t>(3, 1), "short", make_options(2, 1, 1.0)),
               input_error);
  const extraction_parameters parameters =
      parse_parameters("imageType:\n  LBP3D: {}\nfeatureClass:\n  firstorder:\n", "test parameters");
  EXPECT_THROW(compute_image_type(image, voxel_box{{0, 0, 0}, image.size}, parameters, parameters.image_types.at(0),
                                  [](filtered_image&&) {}),
               input_error);
}

}  // namespace
}  // namespace radcore
