// radcore's LBP2D image type against scikit-image 0.25.2 and PyRadiomics 3.1.0 (references made by
// scripts/reference/make_lbp_references.py), and the LBP kernel on hand-computed patterns.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "host/image_types.hpp"
#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"
#include "kernels/lbp.hpp"
#include "tests/parity.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

using testing::test_resource;


// --- the LBP image of brain1, voxel by voxel --------------------------------------------------------------

TEST(Lbp2d, ImageMatchesScikitImageOnBrain1) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const volume image = read_volume((testing::shared_data_dir() / "pyradiomics" / "brain1_image.nrrd").string());
  ASSERT_EQ(image.value_pixel_type, "short");
  const csv_table reference = read_csv_file(test_resource("reference/lbp/lbp_voxels.csv").string());
  ASSERT_FALSE(reference.rows.empty());
  std::string current;
  std::vector<double> filtered;
  for (std::size_t r = 0; r < reference.rows.size(); ++r) {
    lbp_options options;
    options.method = parse_lbp_method(testing::reference_value(reference, r, "method"));
    options.radius = std::strtod(testing::reference_value(reference, r, "radius").c_str(), nullptr);
    options.samples = std::atoi(testing::reference_value(reference, r, "samples").c_str());
    const int axis = std::atoi(testing::reference_value(reference, r, "axis").c_str());
    const std::string source = testing::reference_value(reference, r, "source");
    const std::string setting = testing::reference_value(reference, r, "method") + " radius " + testing::reference_value(reference, r, "radius") +
                                " samples " + testing::reference_value(reference, r, "samples") + " axis " +
                                testing::reference_value(reference, r, "axis") + " (" + source + ")";
    SCOPED_TRACE(setting);
    if (setting != current) {
      current = setting;
      filtered = lbp2d_filter(image.values, image.size, axis, options);
      // PyRadiomics writes the patterns back into brain1's int16 array.
      if (source == "pyradiomics") cast_to_pixel_type(filtered, image.value_pixel_type);
    }
    const std::string digest = testing::reference_value(reference, r, "sha1");
    if (!digest.empty()) {
      EXPECT_EQ(sha1_hex(filtered.data(), filtered.size() * sizeof(double)), digest);
      continue;
    }
    const int x = std::atoi(testing::reference_value(reference, r, "x").c_str());
    const int y = std::atoi(testing::reference_value(reference, r, "y").c_str());
    const int z = std::atoi(testing::reference_value(reference, r, "z").c_str());
    const std::size_t index =
        std::size_t(x) + std::size_t(image.size[0]) * (std::size_t(y) + std::size_t(image.size[1]) * std::size_t(z));
    const double expected = std::strtod(testing::reference_value(reference, r, "value").c_str(), nullptr);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(filtered[index])) << "voxel (" << x << ", " << y << ", " << z << ")";
    } else {
      EXPECT_EQ(filtered[index], expected) << "voxel (" << x << ", " << y << ", " << z << ")";
    }
  }
}

// --- features of the LBP image against PyRadiomics ------------------------------------------------------

class Lbp2dParity : public ::testing::TestWithParam<std::string> {};

TEST_P(Lbp2dParity, FeaturesMatchPyRadiomics) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const std::string& config = GetParam();
  const csv_table reference = read_csv_file(test_resource("reference/lbp/brain1_" + config + ".csv").string());
  ASSERT_EQ(reference.rows.size(), 1u);
  const extraction_parameters parameters =
      load_parameters_file(test_resource("reference/lbp/params/" + config + ".yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/pyradiomics/";
  const feature_row row = extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters, 1);
  const std::vector<std::string> mismatches = testing::compare_reference_row(reference, 0, row);
  std::string listing;
  for (const std::string& line : mismatches) listing += "\n  " + line;
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " feature(s) differ:" << listing;
  EXPECT_EQ(row.feature_keys, testing::reference_feature_keys(reference));
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, Lbp2dParity, ::testing::Values("lbp2d", "lbp2d_fine"));

TEST(Lbp2d, ImageIsNamedAndTypedAsPyRadiomics) {
  const extraction_parameters parameters =
      parse_parameters("imageType:\n  LBP2D: {}\nfeatureClass:\n  firstorder:\n", "test parameters");
  volume image;
  image.size = {4, 4, 2};
  image.spacing = {1, 1, 1};
  image.value_pixel_type = "short";
  image.values.assign(32, 5.0);
  std::vector<filtered_image> images;
  compute_image_type(image, voxel_box{{0, 0, 0}, image.size}, parameters, parameters.image_types.at(0),
                     [&](filtered_image&& filtered) { images.push_back(std::move(filtered)); });
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].name, "lbp-2D");
  EXPECT_EQ(images[0].pixel_type, "short");
  ASSERT_EQ(images[0].values.size(), 32u);
}

// --- the kernel on hand-computed patterns ---------------------------------------------------------------

// A 3 x 3 slice whose centre (value 5) has, with R = 1 and P = 4, samples at right (sample 0), top (1),
// left (2) and bottom (3). The samples fall on pixel centres, so no interpolation enters.
const std::vector<double> cross{0, 7, 0,  //
                                3, 5, 6,  //
                                0, 5, 0};

double centre_pattern(lbp_method method, int samples = 4) {
  lbp_options options;
  options.samples = samples;
  options.method = method;
  return local_binary_pattern(cross.data(), 3, 3, options)[4];
}

TEST(LocalBinaryPattern, DefaultWeighsSampleIByTwoToI) {
  // Signs right 1, top 1, left 0, bottom 1 (5 - 5 >= 0): 1 + 2 + 8.
  EXPECT_EQ(centre_pattern(lbp_method::basic), 11.0);
}

TEST(LocalBinaryPattern, RorTakesSmallestRotation) {
  // 1011 in binary rotates to 1101, 1110 and 0111, and the smallest of the four is 7.
  EXPECT_EQ(centre_pattern(lbp_method::rotation_invariant), 7.0);
}

TEST(LocalBinaryPattern, UniformCountsOnesOfUniformPattern) {
  // Chain 1, 1, 0, 1 has two changes, so it is uniform with three ones.
  EXPECT_EQ(centre_pattern(lbp_method::uniform), 3.0);
}

TEST(LocalBinaryPattern, UniformGivesPPlusOneOtherwise) {
  // Chain 1, 0, 1, 0 has three changes.
  const std::vector<double> alternating{0, 1, 0,  //
                                        9, 5, 6,  //
                                        0, 1, 0};
  lbp_options options;
  options.samples = 4;
  options.method = lbp_method::uniform;
  EXPECT_EQ(local_binary_pattern(alternating.data(), 3, 3, options)[4], 5.0);
}

TEST(LocalBinaryPattern, VarIsBiasedVarianceOfSamples) {
  // Samples 6, 7, 3, 5: mean 5.25, squared deviations 0.5625, 3.0625, 5.0625, 0.0625, sum 8.75, / 4.
  EXPECT_EQ(centre_pattern(lbp_method::variance), 2.1875);
}

TEST(LocalBinaryPattern, VarOfFlatNeighbourhoodIsNan) {
  const std::vector<double> flat(9, 2.0);
  lbp_options options;
  options.samples = 4;
  options.method = lbp_method::variance;
  EXPECT_TRUE(std::isnan(local_binary_pattern(flat.data(), 3, 3, options)[4]));
}

TEST(LocalBinaryPattern, OutsideSliceReadsZero) {
  // The top-left corner of a flat slice of 7s samples 0 to its left and top: signs right 1, top 0, left 0,
  // bottom 1, so the default pattern is 1 + 8.
  const std::vector<double> flat(9, 7.0);
  lbp_options options;
  options.samples = 4;
  options.method = lbp_method::basic;
  EXPECT_EQ(local_binary_pattern(flat.data(), 3, 3, options)[0], 9.0);
}

TEST(Lbp2dFilter, AxisOneSlicesHaveZAsRows) {
  // Volume of size (x, y, z) = (3, 2, 3): across y, each slice has z as rows and x as columns.
  std::vector<double> values(18);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = double((i * 7) % 11);
  lbp_options options;
  options.method = lbp_method::basic;
  const std::vector<double> out = lbp2d_filter(values, {3, 2, 3}, 1, options);
  for (int y = 0; y < 2; ++y) {
    std::vector<double> slice;
    for (int z = 0; z < 3; ++z) {
      for (int x = 0; x < 3; ++x) slice.push_back(values[std::size_t(x + 3 * (y + 2 * z))]);
    }
    const std::vector<double> expected = local_binary_pattern(slice.data(), 3, 3, options);
    for (int z = 0; z < 3; ++z) {
      for (int x = 0; x < 3; ++x) {
        EXPECT_EQ(out[std::size_t(x + 3 * (y + 2 * z))], expected[std::size_t(x + 3 * z)]) << x << y << z;
      }
    }
  }
}

TEST(Lbp2dFilter, InvalidAxisIsRejected) {
  EXPECT_THROW(lbp2d_filter(std::vector<double>(8), {2, 2, 2}, 3, lbp_options{}), input_error);
}

TEST(Lbp2dFilter, UnknownMethodIsRejected) {
  EXPECT_THROW(parse_lbp_method("nri_uniform"), input_error);
}

TEST(Lbp2dFilter, CastTruncatesAndWrapsIntegers) {
  std::vector<double> values{2.9, -2.9, 40000.0, std::nan("")};
  cast_to_pixel_type(values, "short");
  EXPECT_EQ(values[0], 2.0);
  EXPECT_EQ(values[1], -2.0);
  EXPECT_EQ(values[2], 40000.0 - 65536.0);
  EXPECT_TRUE(std::isnan(values[3]));
}

TEST(Lbp2dFilter, CastRoundsToFloat32) {
  std::vector<double> values{0.1};
  cast_to_pixel_type(values, "float");
  EXPECT_EQ(values[0], double(0.1f));
}

}  // namespace
}  // namespace radcore
