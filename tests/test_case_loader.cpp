#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "io/case_loader.hpp"
#include "io/image_reader.hpp"
#include "kernels/error.hpp"
#include "kernels/pairwise_sum.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;

std::string shared(const std::string& relative) { return (testing::shared_data_dir() / relative).string(); }

// A folder of generated inputs for one test, removed afterwards.
class CaseLoaderFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() / ("radcore_case_loader_" + std::string(info->name()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string path(const std::string& name) const { return (folder_ / name).string(); }

  fs::path folder_;
};

// A 10 x 8 x 6 volume at 1 mm with value x + 10 y + 100 z.
volume ramp_volume() {
  volume image;
  image.size = {10, 8, 6};
  image.spacing = {1.0, 1.0, 1.0};
  image.origin = {-5.0, -4.0, 2.0};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  for (int z = 0; z < 6; ++z) {
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 10; ++x) image.values.push_back(x + 10.0 * y + 100.0 * z);
    }
  }
  return image;
}

// The ramp's grid with a 4 x 3 x 3 block of `label` at (3..6, 2..4, 1..3) and zeros elsewhere.
volume block_mask(double label = 1.0) {
  volume mask = ramp_volume();
  std::size_t i = 0;
  for (int z = 0; z < 6; ++z) {
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 10; ++x, ++i) {
        const bool inside = x >= 3 && x <= 6 && y >= 2 && y <= 4 && z >= 1 && z <= 3;
        mask.values[i] = inside ? label : 0.0;
      }
    }
  }
  return mask;
}

std::string message_of(const std::string& image, const std::string& mask, const extraction_settings& settings) {
  try {
    load_case(image, mask, settings);
  } catch (const input_error& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------------------
// PyRadiomics' test cases, against the diagnostics rows of its baseline CSVs.

TEST(CaseLoader, Brain1MatchesBaselineDiagnostics) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const loaded_case loaded = load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"),
                                       extraction_settings{});
  const load_diagnostics& facts = loaded.diagnostics;
  EXPECT_EQ(facts.image_hash, "5c9ce3ca174f0f8324aa4d277e0fef82dc5ac566");
  EXPECT_EQ(facts.mask_hash, "9dc2c3137b31fd872997d92c9a92d5178126d9d3");
  EXPECT_EQ(facts.image_dimensionality, 3);
  EXPECT_EQ(facts.image_size, (std::array<int, 3>{256, 256, 25}));
  EXPECT_EQ(facts.image_spacing, (std::array<double, 3>{0.7812499999999999, 0.7812499999999999, 6.499999999999998}));
  EXPECT_EQ(facts.image_mean, 385.6564080810547);
  EXPECT_EQ(facts.image_minimum, 0.0);
  EXPECT_EQ(facts.image_maximum, 3057.0);
  EXPECT_EQ(facts.mask_original.bounding_box, (std::array<int, 6>{162, 84, 11, 47, 70, 7}));
  EXPECT_EQ(facts.mask_original.voxel_count, 4137);
  EXPECT_EQ(facts.mask_original.volume_count, 2);
  EXPECT_EQ(facts.mask_original.center_of_mass_index,
            (std::array<double, 3>{186.98549673676578, 106.3562968334542, 14.38917089678511}));
  EXPECT_EQ(facts.mask_original.center_of_mass,
            (std::array<double, 3>{46.47304432559825, 16.518518098863908, 15.529610829103234}));
  EXPECT_FALSE(facts.image_interpolated.has_value());
  EXPECT_FALSE(facts.mask_corrected.has_value());

  EXPECT_EQ(loaded.image.size, (std::array<int, 3>{256, 256, 25}));
  EXPECT_EQ(loaded.image.pixel_type, "short");
  EXPECT_EQ(loaded.image.values.size(), 256u * 256u * 25u);
  EXPECT_EQ(loaded.mask.voxel_count, 4137);
  EXPECT_EQ(loaded.mask.bounding_box, (std::array<int, 6>{162, 208, 84, 153, 11, 17}));
}

TEST(CaseLoader, Breast1MatchesBaselineDiagnostics) {
  RADCORE_REQUIRE_SHARED("pyradiomics/breast1_image.nrrd");
  const loaded_case loaded = load_case(shared("pyradiomics/breast1_image.nrrd"),
                                       shared("pyradiomics/breast1_label.nrrd"), extraction_settings{});
  const load_diagnostics& facts = loaded.diagnostics;
  EXPECT_EQ(facts.image_hash, "016951a8f9e8e5de21092d9d62b77262f92e04a5");
  EXPECT_EQ(facts.mask_hash, "c45601d81c387b7c809948af79ebf173738c0b02");
  EXPECT_EQ(facts.image_size, (std::array<int, 3>{45, 120, 21}));
  EXPECT_EQ(facts.image_spacing, (std::array<double, 3>{0.664062, 0.664062, 2.1}));
  EXPECT_EQ(facts.image_mean, 63.380440917107585);
  EXPECT_EQ(facts.image_minimum, 6.0);
  EXPECT_EQ(facts.image_maximum, 248.0);
  EXPECT_EQ(facts.mask_original.bounding_box, (std::array<int, 6>{21, 64, 8, 9, 12, 3}));
  EXPECT_EQ(facts.mask_original.voxel_count, 143);
  EXPECT_EQ(facts.mask_original.volume_count, 1);
  EXPECT_EQ(facts.mask_original.center_of_mass_index,
            (std::array<double, 3>{24.58041958041958, 69.27272727272727, 9.132867132867133}));
  for (int axis = 0; axis < 3; ++axis) {
    const double expected[3] = {-100.22011741258741, -2.1432681818181933, 28.629020979021007};
    // Tolerance: the baseline came from SimpleITK 0.9.1, whose index-to-point sum may round differently.
    EXPECT_NEAR(facts.mask_original.center_of_mass[axis], expected[axis], 1e-12) << axis;
  }
  EXPECT_EQ(loaded.mask.voxel_count, 143);
}

TEST(CaseLoader, Brain1ResampledTo2mmMatchesBaseline) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  extraction_settings settings;
  settings.resampled_pixel_spacing = std::array<double, 3>{2, 2, 2};
  settings.interpolator = interpolator_kind::bspline;
  const loaded_case loaded =
      load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"), settings);
  const load_diagnostics& facts = loaded.diagnostics;
  ASSERT_TRUE(facts.image_interpolated.has_value());
  ASSERT_TRUE(facts.mask_interpolated.has_value());
  EXPECT_EQ(facts.image_interpolated->size, (std::array<int, 3>{30, 39, 34}));
  EXPECT_EQ(facts.image_interpolated->spacing, (std::array<double, 3>{2, 2, 2}));
  EXPECT_EQ(facts.image_interpolated->mean, 598.916742081448);
  EXPECT_EQ(facts.image_interpolated->minimum, -128.0);
  EXPECT_EQ(facts.image_interpolated->maximum, 2253.0);
  const mask_facts& mask = *facts.mask_interpolated;
  EXPECT_EQ(mask.size, (std::array<int, 3>{30, 39, 34}));
  EXPECT_EQ(mask.bounding_box, (std::array<int, 6>{5, 6, 7, 19, 27, 22}));
  EXPECT_EQ(mask.voxel_count, 1915);
  EXPECT_EQ(mask.volume_count, 2);
  EXPECT_EQ(mask.center_of_mass_index,
            (std::array<double, 3>{14.769190600522194, 14.254830287206266, 18.813577023498695}));
  EXPECT_EQ(mask.mean, 820.533681462141);
  EXPECT_EQ(mask.minimum, 481.0);
  EXPECT_EQ(mask.maximum, 1334.0);
  // The int16 image stays int16: BSpline values are truncated toward zero.
  for (double value : loaded.image.values) ASSERT_EQ(value, std::trunc(value));
  EXPECT_EQ(loaded.mask.voxel_count, 1915);
  EXPECT_EQ(loaded.image.size, loaded.mask.size);
  EXPECT_EQ(loaded.image.origin, loaded.mask.origin);
}

TEST(CaseLoader, Breast1ResampledTo2mmMatchesBaseline) {
  RADCORE_REQUIRE_SHARED("pyradiomics/breast1_image.nrrd");
  extraction_settings settings;
  settings.resampled_pixel_spacing = std::array<double, 3>{2, 2, 2};
  const loaded_case loaded =
      load_case(shared("pyradiomics/breast1_image.nrrd"), shared("pyradiomics/breast1_label.nrrd"), settings);
  const load_diagnostics& facts = loaded.diagnostics;
  ASSERT_TRUE(facts.image_interpolated.has_value());
  EXPECT_EQ(facts.image_interpolated->size, (std::array<int, 3>{14, 16, 16}));
  EXPECT_EQ(facts.image_interpolated->mean, 61.190011160714285);
  EXPECT_EQ(facts.image_interpolated->minimum, 41.0);
  EXPECT_EQ(facts.image_interpolated->maximum, 180.0);
  EXPECT_EQ(facts.mask_interpolated->bounding_box, (std::array<int, 6>{6, 5, 6, 3, 4, 4}));
  EXPECT_EQ(facts.mask_interpolated->voxel_count, 23);
  EXPECT_EQ(facts.mask_interpolated->mean, 126.17391304347827);
  EXPECT_EQ(facts.mask_interpolated->maximum, 160.0);
  EXPECT_EQ(facts.mask_interpolated->minimum, 82.0);
}

TEST(CaseLoader, NormalizeGivesZeroMeanAndScaledSigma) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  extraction_settings settings;
  settings.normalize = true;
  settings.normalize_scale = 100;
  const loaded_case loaded =
      load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"), settings);
  const volume raw = read_volume(shared("pyradiomics/brain1_image.nrrd"));
  ASSERT_EQ(loaded.image.values.size(), raw.values.size());
  EXPECT_EQ(loaded.image.value_pixel_type, "double");

  // sitk.Normalize divides by the unbiased sigma; sums of int16 values are exact in double.
  const double n = double(raw.values.size());
  double sum = 0, sum_of_squares = 0;
  for (double value : raw.values) {
    sum += value;
    sum_of_squares += value * value;
  }
  const double mean = sum / n;
  const double sigma = std::sqrt((sum_of_squares - sum * sum / n) / (n - 1));
  for (std::size_t i = 0; i < raw.values.size(); i += 997) {
    const double expected = (raw.values[i] - mean) * (1.0 / sigma) * 100.0;
    ASSERT_EQ(loaded.image.values[i], expected) << i;
  }

  double result_sum = 0, result_squares = 0;
  for (double value : loaded.image.values) {
    result_sum += value;
    result_squares += value * value;
  }
  const double result_mean = result_sum / n;
  const double result_sigma = std::sqrt((result_squares - result_sum * result_sum / n) / (n - 1));
  // Tolerance: the two sums above are accumulated in a different order from ITK's, so only rounding differs.
  EXPECT_NEAR(result_mean, 0.0, 1e-9);
  EXPECT_NEAR(result_sigma, 100.0, 1e-9);
  // The diagnostics describe the image before normalisation.
  EXPECT_EQ(loaded.diagnostics.image_mean, 385.6564080810547);
}

TEST(CaseLoader, RemoveOutliersClipsBeforeScaling) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  extraction_settings settings;
  settings.normalize = true;
  settings.normalize_scale = 100;
  settings.remove_outliers = 2.0;
  const loaded_case loaded =
      load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"), settings);
  double maximum = -1e300, minimum = 1e300;
  for (double value : loaded.image.values) {
    maximum = std::max(maximum, value);
    minimum = std::min(minimum, value);
  }
  EXPECT_EQ(maximum, 200.0);
  EXPECT_GE(minimum, -200.0);
}

TEST(CaseLoader, PreCropKeepsPadDistanceAroundRoi) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  extraction_settings settings;
  settings.pre_crop = true;
  const loaded_case loaded =
      load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"), settings);
  // ROI x 162..208, y 84..153, z 11..17 grown by 5 voxels; z is clipped to the 25 slices.
  EXPECT_EQ(loaded.image.size, (std::array<int, 3>{57, 80, 17}));
  EXPECT_EQ(loaded.mask.size, loaded.image.size);
  EXPECT_EQ(loaded.mask.voxel_count, 4137);
  EXPECT_EQ(loaded.mask.bounding_box, (std::array<int, 6>{5, 51, 5, 74, 5, 11}));
  const volume raw = read_volume(shared("pyradiomics/brain1_image.nrrd"));
  // Voxel (0, 0, 0) of the crop is voxel (157, 79, 6) of the file.
  EXPECT_EQ(loaded.image.values[0], raw.values[(6u * 256u + 79u) * 256u + 157u]);
  EXPECT_DOUBLE_EQ(loaded.image.origin[0], raw.origin[0] + 157 * raw.spacing[0]);
  EXPECT_DOUBLE_EQ(loaded.image.origin[1], raw.origin[1] - 79 * raw.spacing[1]);
  EXPECT_DOUBLE_EQ(loaded.image.origin[2], raw.origin[2] + 6 * raw.spacing[2]);
}

TEST(CaseLoader, ResampleToOwnSpacingOnlyCrops) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const volume raw = read_volume(shared("pyradiomics/brain1_image.nrrd"));
  extraction_settings settings;
  settings.resampled_pixel_spacing = raw.spacing;
  const loaded_case loaded =
      load_case(shared("pyradiomics/brain1_image.nrrd"), shared("pyradiomics/brain1_label.nrrd"), settings);
  EXPECT_EQ(loaded.image.size, (std::array<int, 3>{57, 80, 17}));
  EXPECT_EQ(loaded.mask.voxel_count, 4137);
  EXPECT_EQ(loaded.image.values[0], raw.values[(6u * 256u + 79u) * 256u + 157u]);
}

TEST(CaseLoader, ReadMaskLabelsListsNonZeroValues) {
  RADCORE_REQUIRE_SHARED("spine/sct_t2/t2_seg-manual_labeled.nii.gz");
  EXPECT_EQ(read_mask_labels(shared("spine/sct_t2/t2_seg-manual_labeled.nii.gz"), 0), (std::vector<int>{2, 3, 4, 5}));
}

// ---------------------------------------------------------------------------------------------------------
// PyRadiomics 3.1.0 reference outputs (tests/reference/pyradiomics, one header row and one value row).

std::map<std::string, std::string> read_reference_row(const std::string& path) {
  std::ifstream in(path);
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    return cells;
  };
  std::string header, values;
  std::getline(in, header);
  std::getline(in, values);
  const auto keys = split(header), cells = split(values);
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < keys.size() && i < cells.size(); ++i) row[keys[i]] = cells[i];
  return row;
}

// The numbers in a Python repr such as "(0.78125, 0.78125, 6.5)" or "385.65".
std::vector<double> numbers_in(const std::string& text) {
  std::vector<double> numbers;
  const char* at = text.c_str();
  while (*at) {
    if (std::isdigit(static_cast<unsigned char>(*at)) || *at == '-') {
      char* end = nullptr;
      numbers.push_back(std::strtod(at, &end));
      at = end;
    } else {
      ++at;
    }
  }
  return numbers;
}

template <typename Array>
std::vector<double> as_numbers(const Array& values) {
  return std::vector<double>(values.begin(), values.end());
}

void add_mask_numbers(std::map<std::string, std::vector<double>>& out, const std::string& stage,
                      const mask_facts& facts) {
  const std::string prefix = "diagnostics_Mask-" + stage + "_";
  out[prefix + "Spacing"] = as_numbers(facts.spacing);
  out[prefix + "Size"] = as_numbers(facts.size);
  out[prefix + "BoundingBox"] = as_numbers(facts.bounding_box);
  out[prefix + "VoxelNum"] = {double(facts.voxel_count)};
  out[prefix + "VolumeNum"] = {double(facts.volume_count)};
  out[prefix + "CenterOfMassIndex"] = as_numbers(facts.center_of_mass_index);
  out[prefix + "CenterOfMass"] = as_numbers(facts.center_of_mass);
  if (facts.has_intensity) {
    out[prefix + "Mean"] = {facts.mean};
    out[prefix + "Minimum"] = {facts.minimum};
    out[prefix + "Maximum"] = {facts.maximum};
  }
}

// The numeric diagnostics that load_case reproduces, under PyRadiomics' column names.
std::map<std::string, std::vector<double>> diagnostic_numbers(const load_diagnostics& facts) {
  std::map<std::string, std::vector<double>> out;
  out["diagnostics_Image-original_Spacing"] = as_numbers(facts.image_spacing);
  out["diagnostics_Image-original_Size"] = as_numbers(facts.image_size);
  out["diagnostics_Image-original_Mean"] = {facts.image_mean};
  out["diagnostics_Image-original_Minimum"] = {facts.image_minimum};
  out["diagnostics_Image-original_Maximum"] = {facts.image_maximum};
  add_mask_numbers(out, "original", facts.mask_original);
  if (facts.image_interpolated) {
    out["diagnostics_Image-interpolated_Spacing"] = as_numbers(facts.image_interpolated->spacing);
    out["diagnostics_Image-interpolated_Size"] = as_numbers(facts.image_interpolated->size);
    out["diagnostics_Image-interpolated_Mean"] = {facts.image_interpolated->mean};
    out["diagnostics_Image-interpolated_Minimum"] = {facts.image_interpolated->minimum};
    out["diagnostics_Image-interpolated_Maximum"] = {facts.image_interpolated->maximum};
  }
  if (facts.mask_interpolated) add_mask_numbers(out, "interpolated", *facts.mask_interpolated);
  if (facts.mask_corrected) add_mask_numbers(out, "corrected", *facts.mask_corrected);
  return out;
}

struct reference_case {
  const char* name;  // file stem under tests/reference/pyradiomics
  const char* image;
  const char* mask;
  bool resample;
  bool normalize;
};

void PrintTo(const reference_case& test_case, std::ostream* out) { *out << test_case.name; }

class CaseLoaderReference : public ::testing::TestWithParam<reference_case> {};

TEST_P(CaseLoaderReference, DiagnosticsEqualPyRadiomics) {
  const reference_case& test_case = GetParam();
  RADCORE_REQUIRE_SHARED(test_case.image);
  const std::string reference_path =
      testing::test_resource(std::string("reference/pyradiomics/") + test_case.name + ".csv").string();
  if (!fs::exists(reference_path)) GTEST_SKIP() << "reference output not found: " << reference_path;

  extraction_settings settings;
  if (test_case.resample) settings.resampled_pixel_spacing = std::array<double, 3>{2, 2, 2};
  if (test_case.normalize) {
    settings.normalize = true;
    settings.normalize_scale = 100;
  }
  const loaded_case loaded = load_case(shared(test_case.image), shared(test_case.mask), settings);
  const auto reference = read_reference_row(reference_path);

  EXPECT_EQ(loaded.diagnostics.image_hash, reference.at("diagnostics_Image-original_Hash"));
  EXPECT_EQ(loaded.diagnostics.mask_hash, reference.at("diagnostics_Mask-original_Hash"));
  EXPECT_EQ(std::to_string(loaded.diagnostics.image_dimensionality) + "D",
            reference.at("diagnostics_Image-original_Dimensionality"));
  int compared = 0;
  for (const auto& [key, numbers] : diagnostic_numbers(loaded.diagnostics)) {
    const auto found = reference.find(key);
    EXPECT_NE(found, reference.end()) << key << " is reported by radcore but not by PyRadiomics";
    if (found == reference.end()) continue;
    EXPECT_EQ(numbers, numbers_in(found->second)) << key << ": PyRadiomics " << found->second;
    ++compared;
  }
  for (const auto& [key, value] : reference) {
    const bool loader_key = key.rfind("diagnostics_Image-", 0) == 0 || key.rfind("diagnostics_Mask-", 0) == 0;
    const bool later_stage = key.find("resegmented") != std::string::npos;  // resegmentation runs after loading
    const bool text = key.find("_Hash") != std::string::npos || key.find("_Dimensionality") != std::string::npos;
    if (!loader_key || later_stage || text) continue;
    EXPECT_TRUE(diagnostic_numbers(loaded.diagnostics).count(key)) << key << " is missing from radcore";
  }
  EXPECT_GE(compared, 12);

  // firstorder Mean, Minimum and Maximum are numpy functions of the preprocessed ROI voxels, so they check
  // the normalised or resampled values themselves.
  std::vector<double> roi;
  for (std::size_t i = 0; i < loaded.mask.inside.size(); ++i) {
    if (loaded.mask.inside[i]) roi.push_back(loaded.image.values[i]);
  }
  ASSERT_FALSE(roi.empty());
  EXPECT_EQ(*std::min_element(roi.begin(), roi.end()), std::stod(reference.at("original_firstorder_Minimum")));
  EXPECT_EQ(*std::max_element(roi.begin(), roi.end()), std::stod(reference.at("original_firstorder_Maximum")));
  EXPECT_EQ(pairwise_sum(roi.data(), roi.size()) / double(roi.size()),
            std::stod(reference.at("original_firstorder_Mean")));
}

INSTANTIATE_TEST_SUITE_P(CaseLoaderPyRadiomics310, CaseLoaderReference,
                         ::testing::Values(reference_case{"brain1_default", "pyradiomics/brain1_image.nrrd",
                                                          "pyradiomics/brain1_label.nrrd", false, false},
                                           reference_case{"breast1_default", "pyradiomics/breast1_image.nrrd",
                                                          "pyradiomics/breast1_label.nrrd", false, false},
                                           reference_case{"brain1_resampling", "pyradiomics/brain1_image.nrrd",
                                                          "pyradiomics/brain1_label.nrrd", true, false},
                                           reference_case{"breast1_resampling", "pyradiomics/breast1_image.nrrd",
                                                          "pyradiomics/breast1_label.nrrd", true, false},
                                           reference_case{"brain1_normalization", "pyradiomics/brain1_image.nrrd",
                                                          "pyradiomics/brain1_label.nrrd", false, true},
                                           reference_case{"breast1_normalization", "pyradiomics/breast1_image.nrrd",
                                                          "pyradiomics/breast1_label.nrrd", false, true}),
                         [](const ::testing::TestParamInfo<reference_case>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------------------------------------
// Bad input: each message names the file and the reason.

TEST_F(CaseLoaderFiles, MissingFileNamesPath) {
  write_volume(block_mask(), path("mask.nrrd"));
  const std::string message = message_of(path("absent.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("absent.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "not found")) << message;
}

TEST_F(CaseLoaderFiles, GarbageFileNamesPath) {
  std::ofstream(path("garbage.nrrd")) << "this is not an image\n";
  write_volume(block_mask(), path("mask.nrrd"));
  const std::string message = message_of(path("garbage.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("garbage.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "no ITK reader")) << message;
}

TEST_F(CaseLoaderFiles, TruncatedRawNrrdNamesPath) {
  write_volume(ramp_volume(), path("full.nrrd"));
  write_volume(block_mask(), path("mask.nrrd"));
  const auto full_size = fs::file_size(path("full.nrrd"));
  fs::copy_file(path("full.nrrd"), path("truncated.nrrd"));
  fs::resize_file(path("truncated.nrrd"), full_size - 200);
  const std::string message = message_of(path("truncated.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("truncated.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "could not read")) << message;
}

TEST_F(CaseLoaderFiles, TruncatedGzipNrrdNamesPath) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const std::string source = shared("pyradiomics/brain1_image.nrrd");
  fs::copy_file(source, path("brain1_truncated.nrrd"));
  fs::permissions(path("brain1_truncated.nrrd"), fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(path("brain1_truncated.nrrd"), fs::file_size(source) / 2);
  const std::string message =
      message_of(path("brain1_truncated.nrrd"), shared("pyradiomics/brain1_label.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("brain1_truncated.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "could not read")) << message;
}

TEST_F(CaseLoaderFiles, LabelNotInMaskListsLabelsPresent) {
  volume mask = block_mask(1.0);
  mask.values[0] = 3.0;
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  extraction_settings settings;
  settings.label = 2;
  const std::string message = message_of(path("image.nrrd"), path("mask.nrrd"), settings);
  EXPECT_TRUE(contains(message, path("mask.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "label 2 not present")) << message;
  EXPECT_TRUE(contains(message, "labels present are 1, 3")) << message;
}

TEST_F(CaseLoaderFiles, AllZeroMaskIsRejected) {
  volume mask = block_mask();
  std::fill(mask.values.begin(), mask.values.end(), 0.0);
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const std::string message = message_of(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("mask.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "no labels found")) << message;
}

TEST_F(CaseLoaderFiles, FullOnesMaskIsAccepted) {
  volume mask = block_mask();
  std::fill(mask.values.begin(), mask.values.end(), 1.0);
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_EQ(loaded.mask.voxel_count, 10 * 8 * 6);
}

TEST_F(CaseLoaderFiles, FloatMaskIsTruncatedToUInt32) {
  // sitk.Cast to UInt32 truncates: 1.9 becomes label 1, 0.5 becomes background.
  volume mask = block_mask(1.9);
  mask.values[0] = 0.5;
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_EQ(loaded.mask.voxel_count, 4 * 3 * 3);
  EXPECT_EQ(loaded.mask.inside[0], 0);
}

TEST_F(CaseLoaderFiles, OriginBeyondToleranceIsRejected) {
  volume mask = block_mask();
  mask.origin[1] += 1e-3;  // the tolerance is 1e-6 x 1 mm spacing
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const std::string message = message_of(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("image.nrrd"))) << message;
  EXPECT_TRUE(contains(message, path("mask.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "origins differ")) << message;
  EXPECT_TRUE(contains(message, "correctMask")) << message;
  EXPECT_TRUE(contains(message, "geometryTolerance")) << message;
}

TEST_F(CaseLoaderFiles, SizeMismatchIsRejected) {
  volume mask = block_mask();
  mask.size[2] = 5;
  mask.values.resize(10 * 8 * 5);
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const std::string message = message_of(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_TRUE(contains(message, path("mask.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "mask size is (10, 8, 5)")) << message;
  EXPECT_TRUE(contains(message, "correctMask")) << message;
}

TEST_F(CaseLoaderFiles, OriginWithinToleranceIsAccepted) {
  volume mask = block_mask();
  mask.origin[0] += 5e-7;
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), extraction_settings{});
  EXPECT_EQ(loaded.mask.voxel_count, 36);
  EXPECT_FALSE(loaded.diagnostics.mask_corrected.has_value());
}

TEST_F(CaseLoaderFiles, LargerGeometryToleranceAcceptsShift) {
  volume mask = block_mask();
  mask.origin[1] += 1e-3;
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  extraction_settings settings;
  settings.geometry_tolerance = 1e-2;
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), settings);
  EXPECT_EQ(loaded.mask.voxel_count, 36);
  EXPECT_FALSE(loaded.diagnostics.mask_corrected.has_value());
}

TEST_F(CaseLoaderFiles, CorrectMaskResamplesOntoImageGrid) {
  volume mask = block_mask();
  mask.origin[0] += 0.75;  // three quarters of a voxel: nearest neighbour moves the block by one voxel in x
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  extraction_settings settings;
  settings.correct_mask = true;
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), settings);
  ASSERT_TRUE(loaded.diagnostics.mask_corrected.has_value());
  EXPECT_EQ(loaded.mask.origin, loaded.image.origin);
  EXPECT_EQ(loaded.mask.size, loaded.image.size);
  EXPECT_EQ(loaded.mask.bounding_box, (std::array<int, 6>{4, 7, 2, 4, 1, 3}));
  EXPECT_EQ(loaded.diagnostics.mask_corrected->voxel_count, 36);
  EXPECT_TRUE(loaded.diagnostics.mask_corrected->has_intensity);
  // The original-mask diagnostics describe the file as read.
  EXPECT_EQ(loaded.diagnostics.mask_original.bounding_box, (std::array<int, 6>{3, 2, 1, 4, 3, 3}));
}

TEST_F(CaseLoaderFiles, CorrectMaskRejectsRoiOutsideImage) {
  volume mask = block_mask();
  mask.origin[0] += 6.0;  // the block now ends at x = 12.5 mm in image index space, beyond the 10 voxels
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(mask, path("mask.nrrd"));
  extraction_settings settings;
  settings.correct_mask = true;
  const std::string message = message_of(path("image.nrrd"), path("mask.nrrd"), settings);
  EXPECT_TRUE(contains(message, path("mask.nrrd"))) << message;
  EXPECT_TRUE(contains(message, "extends outside the image")) << message;
}

TEST_F(CaseLoaderFiles, LinearResamplingReproducesRamp) {
  // Linear interpolation reproduces a linear ramp, so each resampled voxel must contain the ramp's value at its
  // continuous index in the old grid. That checks the origin and spacing of the new grid.
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(block_mask(), path("mask.nrrd"));
  extraction_settings settings;
  settings.resampled_pixel_spacing = std::array<double, 3>{0.5, 0.5, 0.5};
  settings.interpolator = interpolator_kind::linear;
  settings.pad_distance = 1;
  const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), settings);

  const volume& image = loaded.image;
  EXPECT_EQ(image.value_pixel_type, "double");  // write_volume writes float64
  EXPECT_EQ(image.spacing, (std::array<double, 3>{0.5, 0.5, 0.5}));
  // ROI x 3..6: floor((3 - 0.5) * 2 - 1) = 4 to ceil((7 - 0.5) * 2 + 1) = 14 in the new index space.
  EXPECT_EQ(image.size, (std::array<int, 3>{11, 9, 9}));
  EXPECT_EQ(loaded.mask.size, image.size);

  std::size_t i = 0;
  for (int z = 0; z < image.size[2]; ++z) {
    for (int y = 0; y < image.size[1]; ++y) {
      for (int x = 0; x < image.size[0]; ++x, ++i) {
        const double old_x = (image.origin[0] + 0.5 * x) - (-5.0);
        const double old_y = (image.origin[1] + 0.5 * y) - (-4.0);
        const double old_z = (image.origin[2] + 0.5 * z) - 2.0;
        // Beyond the outer voxel centres ITK repeats the edge value instead of extrapolating.
        if (old_x < 0 || old_y < 0 || old_z < 0 || old_x > 9 || old_y > 7 || old_z > 5) continue;
        // Tolerance: the interpolation weights are rounded, and values reach a few hundred.
        ASSERT_NEAR(image.values[i], old_x + 10 * old_y + 100 * old_z, 1e-9) << x << " " << y << " " << z;
      }
    }
  }
  // The grid starts at the corner of the mask's first voxel: origin = old origin - 0.25 mm + 4 x 0.5 mm.
  EXPECT_DOUBLE_EQ(image.origin[0], -5.0 - 0.25 + 4 * 0.5);
}

TEST_F(CaseLoaderFiles, EveryInterpolatorResamples) {
  // NOTE: only NearestNeighbor, Linear and BSpline are compared with PyRadiomics output. The Gaussian and
  // windowed-sinc interpolators use SimpleITK's parameters but no reference output checks their values.
  write_volume(ramp_volume(), path("image.nrrd"));
  write_volume(block_mask(), path("mask.nrrd"));
  const interpolator_kind kinds[] = {interpolator_kind::nearest_neighbor,
                                     interpolator_kind::linear,
                                     interpolator_kind::bspline,
                                     interpolator_kind::gaussian,
                                     interpolator_kind::label_gaussian,
                                     interpolator_kind::hamming_windowed_sinc,
                                     interpolator_kind::cosine_windowed_sinc,
                                     interpolator_kind::welch_windowed_sinc,
                                     interpolator_kind::lanczos_windowed_sinc,
                                     interpolator_kind::blackman_windowed_sinc};
  for (interpolator_kind kind : kinds) {
    extraction_settings settings;
    settings.resampled_pixel_spacing = std::array<double, 3>{0.5, 0.5, 0.5};
    settings.interpolator = kind;
    const loaded_case loaded = load_case(path("image.nrrd"), path("mask.nrrd"), settings);
    EXPECT_EQ(loaded.image.size, (std::array<int, 3>{19, 15, 12})) << int(kind);
    EXPECT_EQ(loaded.mask.voxel_count, 8 * 6 * 6) << int(kind);
    for (double value : loaded.image.values) ASSERT_TRUE(std::isfinite(value)) << int(kind);
  }
}

TEST(CaseLoader, Float32ImageStaysFloat32WhenResampled) {
  RADCORE_REQUIRE_SHARED("spine/sct_t2s/t2s.nii.gz");
  extraction_settings settings;
  settings.resampled_pixel_spacing = std::array<double, 3>{0.4, 0.4, 0};
  const loaded_case loaded =
      load_case(shared("spine/sct_t2s/t2s.nii.gz"), shared("spine/sct_t2s/t2s_seg.nii.gz"), settings);
  EXPECT_EQ(loaded.image.pixel_type, "float");
  EXPECT_EQ(loaded.image.value_pixel_type, "float");
  EXPECT_EQ(loaded.image.spacing[0], 0.4);
  for (double value : loaded.image.values) ASSERT_EQ(value, double(float(value)));
  EXPECT_EQ(loaded.mask.size, loaded.image.size);
}

// ---------------------------------------------------------------------------------------------------------
// Real data whose mask header differs from the image's by rounding.

TEST(CaseLoader, SctMtOriginMismatchNeedsCorrectMask) {
  RADCORE_REQUIRE_SHARED("spine/sct_mt/mt1.nii.gz");
  const std::string image = shared("spine/sct_mt/mt1.nii.gz");
  const std::string mask = shared("spine/sct_mt/mt1_seg.nii.gz");
  const std::string message = message_of(image, mask, extraction_settings{});
  EXPECT_TRUE(contains(message, "do not occupy the same physical space")) << message;
  EXPECT_TRUE(contains(message, "mt1_seg.nii.gz")) << message;

  extraction_settings settings;
  settings.correct_mask = true;
  const loaded_case loaded = load_case(image, mask, settings);
  ASSERT_TRUE(loaded.diagnostics.mask_corrected.has_value());
  EXPECT_EQ(loaded.mask.origin, loaded.image.origin);
  EXPECT_GT(loaded.mask.voxel_count, 0);
}

}  // namespace
}  // namespace radcore
