// The LBP3D image type against PyRadiomics 3.1.0 with scipy 1.15.3 and trimesh 4.6.8 (references made by
// scripts/reference/make_lbp3d_references.py): spherical harmonics, voxel values and features.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "host/image_types.hpp"
#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "io/sha1.hpp"
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

lbp3d_options make_options(int levels, int subdivision, double radius) {
  lbp3d_options options;
  options.levels = levels;
  options.icosphere_subdivision = subdivision;
  options.icosphere_radius = radius;
  return options;
}

// Returns the LBP3D images of a case at its ROI voxels (label 1), one vector per image in numpy.where order.
std::vector<std::vector<double>> roi_images(const std::string& image_path, const std::string& mask_path,
                                            const lbp3d_options& options) {
  const volume image = read_volume(image_path);
  const volume mask = read_volume(mask_path);
  std::vector<std::uint8_t> inside(mask.values.size());
  for (std::size_t i = 0; i < inside.size(); ++i) inside[i] = mask.values[i] == 1 ? 1 : 0;
  const std::vector<std::vector<double>> images = lbp3d_filter(image.values, image.size, inside, image.pixel_type, options);
  std::vector<std::vector<double>> at_roi(images.size());
  for (std::size_t column = 0; column < images.size(); ++column) {
    for (std::size_t voxel = 0; voxel < inside.size(); ++voxel) {
      if (inside[voxel] != 0) at_roi[column].push_back(images[column][voxel]);
    }
  }
  return at_roi;
}

std::string scientific(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3e", value);
  return text;
}

// The seeded border volumes are radcore's own, so their reference images are stored whole: every voxel
// must be bitwise equal, NaN where scipy's kurtosis gives NaN.
class Lbp3dBorderVoxels : public ::testing::TestWithParam<std::string> {};

TEST_P(Lbp3dBorderVoxels, ValuesMatchPyRadiomicsBitwise) {
  const std::string folder = "reference/lbp/lbp3d_volumes/" + GetParam();
  const std::vector<std::vector<double>> images =
      roi_images(testing::test_resource(folder + "_image.nrrd").string(), testing::test_resource(folder + "_mask.nrrd").string(),
                 make_options(2, 1, 1.0));
  const testing::npy_array reference =
      testing::read_npy(testing::test_resource("reference/lbp/lbp3d_voxels/" + GetParam() + ".npy").string());
  ASSERT_EQ(reference.shape.size(), 2u);
  ASSERT_EQ(reference.shape[1], images.size());
  std::size_t nan_count = 0;
  for (std::size_t column = 0; column < images.size(); ++column) {
    ASSERT_EQ(images[column].size(), reference.shape[0]);
    for (std::size_t row = 0; row < reference.shape[0]; ++row) {
      const double expected = reference.values[row * images.size() + column];
      const double actual = images[column][row];
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(actual)) << "row " << row << " image " << column;
        ++nan_count;
      } else {
        EXPECT_EQ(actual, expected) << "row " << row << " image " << column;
      }
    }
  }
  ::testing::Test::RecordProperty("nan_values", std::to_string(nan_count));
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, Lbp3dBorderVoxels,
                         ::testing::Values("border_int16", "border_float32", "border_float64", "border_uint8_flat"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

struct shared_case {
  std::string name;  // the case column of lbp3d_voxels.csv
  std::string image;
  std::string mask;
  lbp3d_options options;
  bool bitwise = true;  // the options have tabulated harmonics
};

void PrintTo(const shared_case& c, std::ostream* out) { *out << c.name; }

class Lbp3dSharedVoxels : public ::testing::TestWithParam<shared_case> {};

// Images of the shared cases are not committed. With scipy's own harmonics (radius 1, at most 2
// subdivisions and 4 levels) every step follows scipy's arithmetic, so the SHA-1 of the values must match.
// Where radcore computes the harmonics itself (radius other than 1) they differ from scipy's in the last
// bits, and so do the pattern norms. There the sums, extremes and sampled values are compared within 1e-12
// relative, which leaves room for that alone.
TEST_P(Lbp3dSharedVoxels, ValuesMatchPyRadiomics) {
  const shared_case& c = GetParam();
  RADCORE_REQUIRE_SHARED(c.image);
  const std::vector<std::vector<double>> images = roi_images((testing::shared_data_dir() / c.image).string(),
                                                             (testing::shared_data_dir() / c.mask).string(), c.options);
  const csv_table reference = read_csv_file(testing::test_resource("reference/lbp/lbp3d_voxels.csv").string());
  std::size_t column = 0;
  double max_relative = 0;
  for (std::size_t r = 0; r < reference.rows.size(); ++r) {
    if (testing::reference_value(reference, r, "case") != c.name) continue;
    ASSERT_LT(column, images.size());
    const std::vector<double>& values = images[column];
    SCOPED_TRACE(testing::reference_value(reference, r, "image"));
    ASSERT_EQ(values.size(), std::size_t(std::atoll(testing::reference_value(reference, r, "count").c_str())));
    const auto number = [&](const char* name) {
      return std::strtod(testing::reference_value(reference, r, name).c_str(), nullptr);
    };
    const auto expect_close = [&](double actual, double expected, const std::string& what) {
      const double scale = std::max(1.0, std::abs(expected));
      max_relative = std::max(max_relative, std::abs(actual - expected) / scale);
      EXPECT_NEAR(actual, expected, 1e-12 * scale) << what;
    };
    double sum = 0;
    double minimum = std::numeric_limits<double>::infinity();
    double maximum = -std::numeric_limits<double>::infinity();
    std::size_t nan_count = 0;
    for (double value : values) {
      if (std::isnan(value)) {
        ++nan_count;
        continue;
      }
      sum += value;
      minimum = std::min(minimum, value);
      maximum = std::max(maximum, value);
    }
    EXPECT_EQ(nan_count, std::size_t(number("nan_count")));
    expect_close(sum, number("sum"), "sum");
    expect_close(minimum, number("minimum"), "minimum");
    expect_close(maximum, number("maximum"), "maximum");
    std::istringstream rows(testing::reference_value(reference, r, "sampled_rows"));
    std::istringstream samples(testing::reference_value(reference, r, "sampled_values"));
    std::size_t row = 0;
    std::string sample;
    while (rows >> row && samples >> sample) {
      ASSERT_LT(row, values.size());
      expect_close(values[row], std::strtod(sample.c_str(), nullptr), "row " + std::to_string(row));
    }
    if (c.bitwise) {
      EXPECT_EQ(sha1_hex(values.data(), values.size() * sizeof(double)), testing::reference_value(reference, r, "sha1"));
    }
    ++column;
  }
  EXPECT_EQ(column, images.size());
  ::testing::Test::RecordProperty("max_relative_difference", scientific(max_relative));
}

std::vector<shared_case> shared_cases() {
  const std::string brain_image = "pyradiomics/brain1_image.nrrd";
  const std::string brain_mask = "pyradiomics/brain1_label.nrrd";
  return {
      {"brain1_default", brain_image, brain_mask, make_options(2, 1, 1.0), true},
      {"brain1_levels3_subdivision2_radius1_5", brain_image, brain_mask, make_options(3, 2, 1.5), false},
      {"brain1_subdivision0_radius2", brain_image, brain_mask, make_options(2, 0, 2.0), false},
      {"sct_t2s_default", "spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", make_options(2, 1, 1.0), true},
  };
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, Lbp3dSharedVoxels, ::testing::ValuesIn(shared_cases()),
                         [](const ::testing::TestParamInfo<shared_case>& info) { return info.param.name; });

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
  const auto one_level = lbp3d_filter(image.values, image.size, inside, "short", make_options(1, 1, 1.0));
  const auto two_levels = lbp3d_filter(image.values, image.size, inside, "short", make_options(2, 1, 1.0));
  ASSERT_EQ(one_level.size(), 2u);
  ASSERT_EQ(two_levels.size(), 3u);
  EXPECT_EQ(one_level[0], two_levels[0]);
  EXPECT_EQ(one_level[1], two_levels[2]);
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
