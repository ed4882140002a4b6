// `filterMode: ibsi`: the Wavelet and LoG image types computed as the IBSI 2 filter definitions set them,
// through the parameter file, compute_image_type and `radcore filter`.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host/image_types.hpp"
#include "host/settings.hpp"
#include "io/image_reader.hpp"
#include "kernels/error.hpp"
#include "kernels/log_ibsi.hpp"
#include "kernels/wavelet_ibsi.hpp"
#include "tests/ibsi_maps.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

volume ramp_volume(int nx, int ny, int nz) {
  volume image;
  image.size = {nx, ny, nz};
  image.spacing = {1.0, 1.5, 2.0};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  image.pixel_type = "short";
  image.value_pixel_type = "short";
  image.values.resize(std::size_t(nx) * std::size_t(ny) * std::size_t(nz));
  for (std::size_t i = 0; i < image.values.size(); ++i) image.values[i] = double((i * 7) % 23);
  return image;
}

std::vector<filtered_image> compute_all(const volume& image, const voxel_box& box, const std::string& yaml) {
  const extraction_parameters parameters = parse_parameters(yaml, "test parameters");
  std::vector<filtered_image> images;
  for (const image_type_selection& image_type : parameters.image_types) {
    compute_image_type(image, box, parameters, image_type,
                       [&](filtered_image&& filtered) { images.push_back(std::move(filtered)); });
  }
  return images;
}

std::vector<double> crop(const std::vector<double>& values, const std::array<int, 3>& size, const voxel_box& box) {
  std::vector<double> out;
  for (int z = box.lower[2]; z < box.lower[2] + box.size[2]; ++z) {
    for (int y = box.lower[1]; y < box.lower[1] + box.size[1]; ++y) {
      for (int x = box.lower[0]; x < box.lower[0] + box.size[0]; ++x) {
        out.push_back(values[std::size_t(x + size[0] * (y + size[1] * z))]);
      }
    }
  }
  return out;
}

// The images of the setting equal the kernels' responses of the whole image, cropped to the box. Returned
// wavelet level r is decomposition level start_level + r.
TEST(IbsiMode, ImageTypesEqualKernelResponses) {
  const volume image = ramp_volume(12, 10, 9);
  const voxel_box box{{2, 3, 1}, {6, 5, 7}};
  const std::vector<filtered_image> images = compute_all(
      image, box,
      "imageType:\n  Wavelet: {wavelet: haar, level: 2, start_level: 1}\n  LoG: {sigma: [2.0]}\n"
      "featureClass:\n  firstorder:\nsetting:\n  filterMode: ibsi\n  ibsiBoundary: nearest\n"
      "  ibsiRotationInvariance: max\n  ibsiLoGTruncate: 3\n");
  ASSERT_EQ(images.size(), 7u + 7u + 1u + 1u);
  wavelet_ibsi_options wavelet;
  wavelet.wavelet = "haar";
  wavelet.boundary = ibsi_boundary::nearest;
  wavelet.rotation = ibsi_rotation_pooling::max;
  const std::vector<std::pair<std::string, std::pair<int, std::string>>> expected_wavelets{
      {"wavelet-LLH", {2, "LLH"}}, {"wavelet-HHH", {2, "HHH"}}, {"wavelet2-HLH", {3, "HLH"}},
      {"wavelet2-LLL", {3, "LLL"}}};
  for (const auto& [name, level_band] : expected_wavelets) {
    SCOPED_TRACE(name);
    const auto found = std::find_if(images.begin(), images.end(), [&](const filtered_image& f) { return f.name == name; });
    ASSERT_NE(found, images.end());
    wavelet.level = level_band.first;
    wavelet.band = level_band.second;
    EXPECT_EQ(found->values, crop(wavelet_ibsi_response(image.size, image.values, wavelet), image.size, box));
    EXPECT_EQ(found->box.lower, box.lower);
    EXPECT_EQ(found->pixel_type, "double");
  }
  const filtered_image& log = images.back();
  EXPECT_EQ(log.name, "log-sigma-2-0-mm-3D");
  log_ibsi_options log_options;
  log_options.sigma_mm = 2;
  log_options.truncate = 3;
  log_options.boundary = ibsi_boundary::nearest;
  EXPECT_EQ(log.values, crop(log_ibsi_response(image.size, image.spacing, image.values, log_options), image.size, box));
}

// Parity mode stays the default, and the two modes differ at level 2 (PyRadiomics does not dilate the filters).
TEST(IbsiMode, DefaultIsPyRadiomicsWavelet) {
  const volume image = ramp_volume(12, 10, 9);
  const voxel_box box{{0, 0, 0}, image.size};
  const std::string types = "imageType:\n  Wavelet: {wavelet: haar, level: 2}\nfeatureClass:\n  firstorder:\n";
  const std::vector<filtered_image> parity = compute_all(image, box, types);
  const std::vector<filtered_image> explicit_parity = compute_all(image, box, types + "setting:\n  filterMode: pyradiomics\n");
  const std::vector<filtered_image> ibsi =
      compute_all(image, box, types + "setting:\n  filterMode: ibsi\n  ibsiBoundary: periodic\n");
  ASSERT_EQ(parity.size(), ibsi.size());
  ASSERT_EQ(parity.size(), explicit_parity.size());
  EXPECT_EQ(parity.back().name, "wavelet2-LLL");
  EXPECT_EQ(parity.back().values, explicit_parity.back().values);
  EXPECT_NE(parity.back().values, ibsi.back().values);
}

TEST(IbsiMode, InvalidSettingsAreRejected) {
  const std::string types = "imageType:\n  LoG: {sigma: [1.0]}\n  Wavelet: {}\nfeatureClass:\n  firstorder:\n";
  EXPECT_THROW(parse_parameters(types + "setting:\n  filterMode: IBSI2\n", "test"), input_error);
  EXPECT_THROW(parse_parameters(types + "setting:\n  ibsiBoundary: reflect\n", "test"), input_error);
  EXPECT_THROW(parse_parameters(types + "setting:\n  ibsiRotationInvariance: yes\n", "test"), input_error);
  EXPECT_THROW(parse_parameters(types + "setting:\n  ibsiLoGTruncate: 0\n", "test"), input_error);

  const volume image = ramp_volume(8, 8, 8);
  const voxel_box box{{0, 0, 0}, image.size};
  // Slice-wise LoG only in the axial plane, and the IBSI-mode wavelet only in 3D.
  EXPECT_THROW(compute_all(image, box,
                           "imageType:\n  LoG: {sigma: [1.0]}\nfeatureClass:\n  firstorder:\nsetting:\n"
                           "  filterMode: ibsi\n  force2D: true\n  force2Ddimension: 1\n"),
               input_error);
  EXPECT_THROW(compute_all(image, box,
                           "imageType:\n  Wavelet: {}\nfeatureClass:\n  firstorder:\nsetting:\n"
                           "  filterMode: ibsi\n  force2D: true\n"),
               input_error);
}

// --- IBSI 2 phase 1 tests through `radcore filter` ---------------------------------------------------

class IbsiFilterCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = std::filesystem::temp_directory_path() /
              ("radcore_ibsi_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Runs `radcore filter` on the phantom with the parameter file text and compares the written image `name`
  // with the reference map of `test`.
  void expect_ibsi_test(const std::string& phantom, const std::string& yaml, const std::string& name,
                        const std::string& test) {
    const std::string phantom_file = testing::ibsi_phantom_file(phantom);
    const std::string reference_file = testing::ibsi_reference_file(test);
    RADCORE_REQUIRE_SHARED(phantom_file);
    RADCORE_REQUIRE_SHARED(reference_file);
    const std::string params = (folder_ / "params.yaml").string();
    std::ofstream(params) << yaml;
    const std::string command = std::string("'") + RADCORE_BINARY + "' filter '" +
                                (testing::shared_data_dir() / phantom_file).string() + "' -p '" + params + "' -o '" +
                                (folder_ / "out").string() + "' >/dev/null 2>'" + (folder_ / "stderr.txt").string() +
                                "'";
    const int raw = std::system(command.c_str());
    std::ifstream error_file(folder_ / "stderr.txt");
    const std::string errors((std::istreambuf_iterator<char>(error_file)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(WIFEXITED(raw)) << errors;
    ASSERT_EQ(WEXITSTATUS(raw), 0) << errors;
    const volume response = read_volume((folder_ / "out" / (name + ".nii.gz")).string());
    const volume reference = testing::read_shared_volume(reference_file);
    ASSERT_EQ(response.size, reference.size);
    testing::expect_within_ibsi_tolerance(response.values, reference);
  }

  std::filesystem::path folder_;
};

std::string log_parameters(const std::string& sigma, const std::string& settings) {
  return "imageType:\n  LoG: {sigma: [" + sigma + "]}\nfeatureClass:\n  firstorder:\nsetting:\n  filterMode: ibsi\n" +
         settings;
}

std::string wavelet_parameters(const std::string& wavelet, const std::string& settings) {
  return "imageType:\n  Wavelet: {wavelet: " + wavelet + "}\nfeatureClass:\n  firstorder:\nsetting:\n"
         "  filterMode: ibsi\n" + settings;
}

TEST_F(IbsiFilterCommand, Test2aLogImpulse) {
  expect_ibsi_test("impulse", log_parameters("3.0", "  ibsiBoundary: zero\n"), "log-sigma-3-0-mm-3D", "2_a");
}

TEST_F(IbsiFilterCommand, Test2bLogCheckerboard) {
  expect_ibsi_test("checkerboard", log_parameters("5.0", "  ibsiBoundary: mirror\n"), "log-sigma-5-0-mm-3D", "2_b");
}

TEST_F(IbsiFilterCommand, Test2cLogCheckerboardSliceWise) {
  expect_ibsi_test("checkerboard", log_parameters("5.0", "  ibsiBoundary: mirror\n  force2D: true\n"),
                   "log-sigma-5-0-mm-2D", "2_c");
}

TEST_F(IbsiFilterCommand, Test5a1WaveletImpulse) {
  expect_ibsi_test("impulse", wavelet_parameters("db2", "  ibsiBoundary: zero\n"), "wavelet-LHL", "5_a_1");
}

TEST_F(IbsiFilterCommand, Test5a2WaveletImpulseRotationMean) {
  expect_ibsi_test("impulse", wavelet_parameters("db2", "  ibsiBoundary: zero\n  ibsiRotationInvariance: mean\n"),
                   "wavelet-LHL", "5_a_2");
}

TEST_F(IbsiFilterCommand, Test6a1WaveletSphere) {
  expect_ibsi_test("sphere", wavelet_parameters("coif1", "  ibsiBoundary: periodic\n"), "wavelet-HHL", "6_a_1");
}

}  // namespace
}  // namespace radcore
