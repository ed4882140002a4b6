// radcore's filtered image types against PyRadiomics 3.1.0 (reference CSVs and sampled SimpleITK voxels made
// by scripts/reference/make_image_type_references.py), and the filters on hand-computed values.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "host/image_types.hpp"
#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "io/itk_filters.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"
#include "kernels/simple_filters.hpp"
#include "tests/parity.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

using testing::test_resource;


// --- whole cases against PyRadiomics -------------------------------------------------------------------

struct image_type_case {
  std::string name;    // brain1, breast1, sct_t2, sct_t2s
  std::string image;   // relative to the shared data folder
  std::string mask;
  std::string config;  // study or filters
};

// Prints the case by name, so that test listings do not show the struct's bytes.
void PrintTo(const image_type_case& c, std::ostream* out) { *out << c.name << "_" << c.config; }

class ImageTypeParity : public ::testing::TestWithParam<image_type_case> {};

TEST_P(ImageTypeParity, FeaturesMatchPyRadiomics) {
  const image_type_case& c = GetParam();
  RADCORE_REQUIRE_SHARED(c.image);
  const csv_table reference =
      read_csv_file(test_resource("reference/image_types/" + c.name + "_" + c.config + ".csv").string());
  ASSERT_FALSE(reference.rows.empty());
  const extraction_parameters parameters =
      load_parameters_file(test_resource("reference/image_types/params/" + c.config + ".yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/";
  for (std::size_t r = 0; r < reference.rows.size(); ++r) {
    const int label = std::atoi(testing::reference_value(reference, r, "label").c_str());
    SCOPED_TRACE("label " + std::to_string(label));
    const feature_row row = extract_case(data + c.image, data + c.mask, parameters, label);
    const std::vector<std::string> mismatches = testing::compare_reference_row(reference, r, row);
    std::string listing;
    for (const std::string& line : mismatches) listing += "\n  " + line;
    EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " feature(s) differ:" << listing;
    // PyRadiomics' order: image types in file order, images in yield order, classes in enabled order.
    EXPECT_EQ(row.feature_keys, testing::reference_feature_keys(reference));
  }
}

std::vector<image_type_case> image_type_cases() {
  return {
      {"brain1", "pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", "study"},
      {"breast1", "pyradiomics/breast1_image.nrrd", "pyradiomics/breast1_label.nrrd", "study"},
      {"sct_t2", "spine/sct_t2/t2.nii.gz", "spine/sct_t2/t2_seg-manual_labeled.nii.gz", "study"},
      {"sct_t2s", "spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", "study"},
      {"brain1", "pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", "filters"},
  };
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, ImageTypeParity, ::testing::ValuesIn(image_type_cases()),
                         [](const auto& info) { return info.param.name + "_" + info.param.config; });

TEST(ImageTypes, StudyConfigurationYields851Features) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const extraction_parameters parameters =
      load_parameters_file(test_resource("reference/image_types/params/study.yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/pyradiomics/";
  const feature_row row = extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters);
  int original = 0;
  int wavelet = 0;
  for (const std::string& key : row.feature_keys) {
    if (key.rfind("original_", 0) == 0) ++original;
    if (key.rfind("wavelet-", 0) == 0) ++wavelet;
  }
  EXPECT_EQ(original, 14 + 93);
  EXPECT_EQ(wavelet, 93 * 8);
  EXPECT_EQ(row.feature_keys.size(), 851u);
  EXPECT_EQ(row.feature_keys.front(), "original_shape_Elongation");
  EXPECT_EQ(row.feature_keys.back(), "wavelet-LLL_ngtdm_Strength");
}

// --- SimpleITK's LoG and gradient voxel by voxel --------------------------------------------------------

// Returns the float32 buffer of a filtered volume, whose values are exact float32 numbers.
std::vector<float> as_float32(const volume& filtered) {
  return std::vector<float>(filtered.values.begin(), filtered.values.end());
}

TEST(ItkFilters, LogAndGradientMatchSimpleItkOnBrain1) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const volume image = read_volume((testing::shared_data_dir() / "pyradiomics" / "brain1_image.nrrd").string());
  const csv_table reference = read_csv_file(test_resource("reference/image_types/filter_voxels.csv").string());
  ASSERT_FALSE(reference.rows.empty());
  std::string current;
  volume filtered;
  for (std::size_t r = 0; r < reference.rows.size(); ++r) {
    const std::string name = testing::reference_value(reference, r, "filter");
    SCOPED_TRACE(name);
    if (name != current) {
      current = name;
      if (name.rfind("log-sigma-", 0) == 0) {
        filtered = laplacian_of_gaussian(image, std::strtod(name.c_str() + 10, nullptr));
      } else {
        filtered = gradient_magnitude(image, name == "gradient-spacing-true");
      }
      EXPECT_EQ(filtered.value_pixel_type, "float");
    }
    const std::string digest = testing::reference_value(reference, r, "sha1");
    if (!digest.empty()) {
      const std::vector<float> buffer = as_float32(filtered);
      EXPECT_EQ(sha1_hex(buffer.data(), buffer.size() * sizeof(float)), digest);
      continue;
    }
    const int x = std::atoi(testing::reference_value(reference, r, "x").c_str());
    const int y = std::atoi(testing::reference_value(reference, r, "y").c_str());
    const int z = std::atoi(testing::reference_value(reference, r, "z").c_str());
    const std::size_t index =
        std::size_t(x) + std::size_t(image.size[0]) * (std::size_t(y) + std::size_t(image.size[1]) * std::size_t(z));
    EXPECT_EQ(filtered.values[index], std::strtod(testing::reference_value(reference, r, "value").c_str(), nullptr))
        << "voxel (" << x << ", " << y << ", " << z << ")";
  }
}

// --- PyRadiomics' intensity filters on hand-computed values ---------------------------------------------

// Inputs with M = max |x| = 4.
const std::vector<double> filter_input{-4.0, -1.0, 0.0, 1.0, 2.0};

TEST(SimpleFilters, SquareScalesByMaximum) {
  // (x / sqrt(4))^2 = x^2 / 4.
  const std::vector<double> out = square_filter(filter_input);
  const std::vector<double> expected{4.0, 0.25, 0.0, 0.25, 1.0};
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_DOUBLE_EQ(out[i], expected[i]) << "voxel " << i;
}

TEST(SimpleFilters, SquareRootKeepsSign) {
  // sign(x) sqrt(4 |x|).
  const std::vector<double> out = square_root_filter(filter_input);
  const std::vector<double> expected{-4.0, -2.0, 0.0, 2.0, std::sqrt(8.0)};
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_DOUBLE_EQ(out[i], expected[i]) << "voxel " << i;
}

TEST(SimpleFilters, LogarithmRescalesToInputMaximum) {
  // sign(x) log(|x| + 1), scaled by 4 / log(5) so that the largest magnitude stays 4.
  const std::vector<double> out = logarithm_filter(filter_input);
  const double scale = 4.0 / std::log(5.0);
  const std::vector<double> expected{-4.0, -std::log(2.0) * scale, 0.0, std::log(2.0) * scale, std::log(3.0) * scale};
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_DOUBLE_EQ(out[i], expected[i]) << "voxel " << i;
}

TEST(SimpleFilters, LogarithmOfZeroImageIsNan) {
  const std::vector<double> out = logarithm_filter({0.0, 0.0});
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_TRUE(std::isnan(out[1]));
}

TEST(SimpleFilters, ExponentialMapsMaximumToItself) {
  // exp(x log(4) / 4) = 4^(x / 4): 1/4 at -4, 1 at 0, 4^(1/2) = 2 at 2.
  const std::vector<double> out = exponential_filter(filter_input);
  const std::vector<double> expected{0.25, std::pow(4.0, -0.25), 1.0, std::pow(4.0, 0.25), 2.0};
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_DOUBLE_EQ(out[i], expected[i]) << "voxel " << i;
}

// --- names and skipped LoG sigmas ------------------------------------------------------------------------

TEST(ImageTypes, LogNameFollowsPythonStr) {
  EXPECT_EQ(log_image_name("3.0"), "log-sigma-3-0-mm-3D");
  EXPECT_EQ(log_image_name("3"), "log-sigma-3-mm-3D");
  EXPECT_EQ(log_image_name("0.5"), "log-sigma-0-5-mm-3D");
  EXPECT_EQ(log_image_name("2.50"), "log-sigma-2-5-mm-3D");
  EXPECT_EQ(log_image_name("0.00001"), "log-sigma-1e-05-mm-3D");
}

volume ramp_volume(int nx, int ny, int nz) {
  volume image;
  image.size = {nx, ny, nz};
  image.spacing = {1.0, 1.0, 1.0};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  image.pixel_type = "short";
  image.value_pixel_type = "short";
  image.values.resize(std::size_t(nx) * std::size_t(ny) * std::size_t(nz));
  for (std::size_t i = 0; i < image.values.size(); ++i) image.values[i] = double(i % 17);
  return image;
}

std::vector<std::string> log_names(const volume& image, const std::string& sigma_yaml) {
  const extraction_parameters parameters = parse_parameters(
      "imageType:\n  LoG:\n    sigma: " + sigma_yaml + "\nfeatureClass:\n  firstorder:\n", "test parameters");
  std::vector<std::string> names;
  const voxel_box box{{0, 0, 0}, image.size};
  compute_image_type(image, box, parameters, parameters.image_types.at(0),
                     [&](filtered_image&& filtered) { names.push_back(filtered.name); });
  return names;
}

TEST(ImageTypes, LogSkipsImageUnderFourVoxels) {
  EXPECT_TRUE(log_names(ramp_volume(8, 8, 3), "[1.0]").empty());
}

TEST(ImageTypes, LogSkipsSigmaTooLargeForImage) {
  // 6 voxels of 1 mm: sigma 5 needs ceil(5) + 1 = 6 voxels and passes, sigma 5.5 needs 7 and is skipped.
  const std::vector<std::string> expected{"log-sigma-1-mm-3D", "log-sigma-5-0-mm-3D"};
  EXPECT_EQ(log_names(ramp_volume(6, 6, 6), "[1, 5.5, 5.0]"), expected);
}

TEST(ImageTypes, UnknownImageTypeIsRejected) {
  image_type_selection unknown;
  unknown.name = "Gabor";
  const extraction_parameters parameters =
      parse_parameters("imageType:\n  Original: {}\nfeatureClass:\n  firstorder:\n", "test parameters");
  const volume image = ramp_volume(6, 6, 6);
  EXPECT_THROW(compute_image_type(image, voxel_box{{0, 0, 0}, image.size}, parameters, unknown, [](filtered_image&&) {}),
               input_error);
}

// --- radcore filter --------------------------------------------------------------------------------------

class FilterCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = std::filesystem::temp_directory_path() /
              ("radcore_filter_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Runs `radcore ARGUMENTS` with standard error sent to a file, and returns the exit status.
  int run(const std::string& arguments) const {
    const std::string command = std::string("'") + RADCORE_BINARY + "' " + arguments + " >/dev/null 2>'" +
                                (folder_ / "stderr.txt").string() + "'";
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }

  std::string error_text() const {
    std::ifstream input(folder_ / "stderr.txt");
    return std::string(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
  }

  std::filesystem::path folder_;
};

TEST_F(FilterCommand, WritesEveryImageWithInputGeometry) {
  volume image = ramp_volume(9, 8, 7);
  image.spacing = {0.5, 0.75, 2.0};
  image.origin = {-10.0, 4.0, 30.0};
  const std::string image_path = (folder_ / "image.nrrd").string();
  write_volume(image, image_path);
  const std::string params_path = (folder_ / "params.yaml").string();
  std::ofstream(params_path) << "imageType:\n  Original: {}\n  Wavelet: {}\n  LoG: {sigma: [1.0]}\n  Square: {}\n"
                                "featureClass:\n  firstorder:\n";

  ASSERT_EQ(run("filter '" + image_path + "' -p '" + params_path + "' -o '" + (folder_ / "out").string() + "'"), 0)
      << error_text();

  const volume written = read_volume(image_path);
  const extraction_parameters parameters = load_parameters_file(params_path);
  int images = 0;
  for (const image_type_selection& image_type : parameters.image_types) {
    compute_image_type(written, voxel_box{{0, 0, 0}, written.size}, parameters, image_type,
                       [&](filtered_image&& expected) {
                         ++images;
                         const std::filesystem::path path = folder_ / "out" / (expected.name + ".nii.gz");
                         SCOPED_TRACE(path.string());
                         ASSERT_TRUE(std::filesystem::exists(path));
                         const volume filtered = read_volume(path.string());
                         EXPECT_EQ(filtered.size, image.size);
                         for (int axis = 0; axis < 3; ++axis) {
                           EXPECT_NEAR(filtered.spacing[axis], image.spacing[axis], 1e-6) << "axis " << axis;
                           EXPECT_NEAR(filtered.origin[axis], image.origin[axis], 1e-6) << "axis " << axis;
                         }
                         EXPECT_EQ(filtered.values, expected.values);
                       });
  }
  EXPECT_EQ(images, 1 + 8 + 1 + 1);
  EXPECT_TRUE(std::filesystem::exists(folder_ / "out" / "wavelet-HHL.nii.gz"));
  EXPECT_TRUE(std::filesystem::exists(folder_ / "out" / "log-sigma-1-0-mm-3D.nii.gz"));
}

TEST_F(FilterCommand, PreCropWithoutMaskIsRejected) {
  const std::string image_path = (folder_ / "image.nrrd").string();
  write_volume(ramp_volume(6, 6, 6), image_path);
  EXPECT_EQ(run("filter '" + image_path + "' -s preCrop:true -o '" + (folder_ / "out").string() + "'"), 1);
  EXPECT_NE(error_text().find("give the MASK argument"), std::string::npos) << error_text();
}

}  // namespace
}  // namespace radcore
