#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "host/catalogue.hpp"
#include "host/settings.hpp"
#include "kernels/error.hpp"
#include "test_data.hpp"

namespace radcore {
namespace {

const char* const source = "test.yaml";

// Returns the message of the input_error that parsing `text` throws, or "" when it parses.
std::string parse_error(const std::string& text) {
  try {
    parse_parameters(text, source);
  } catch (const input_error& error) {
    return error.what();
  }
  return "";
}

std::string override_error(const std::string& name_value) {
  extraction_parameters parameters = default_parameters();
  try {
    apply_setting_override(parameters, name_value);
  } catch (const input_error& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> class_names_of(const extraction_parameters& parameters) {
  std::vector<std::string> names;
  for (const class_selection& selection : parameters.classes) names.push_back(selection.name);
  return names;
}

std::vector<std::string> image_type_names_of(const extraction_parameters& parameters) {
  std::vector<std::string> names;
  for (const image_type_selection& selection : parameters.image_types) names.push_back(selection.name);
  return names;
}

std::filesystem::path settings_dir() { return testing::shared_data_dir() / "pyradiomics" / "settings"; }

// ---------------------------------------------------------------------------------------------------------
// Defaults and the example files

TEST(SettingsDefaults, MatchPyRadiomics) {
  const extraction_parameters parameters = default_parameters();
  EXPECT_EQ(class_names_of(parameters),
            (std::vector<std::string>{"firstorder", "glcm", "gldm", "glrlm", "glszm", "ngtdm", "shape"}));
  for (const class_selection& selection : parameters.classes) EXPECT_TRUE(selection.features.empty());
  EXPECT_EQ(image_type_names_of(parameters), (std::vector<std::string>{"Original"}));

  const extraction_settings& settings = parameters.settings;
  EXPECT_EQ(settings.bin_width, 25.0);
  EXPECT_FALSE(settings.bin_count.has_value());
  EXPECT_EQ(settings.maximum_bin_count, 100000);
  EXPECT_EQ(settings.label, 1);
  EXPECT_EQ(settings.minimum_roi_dimensions, 2);
  EXPECT_FALSE(settings.resampled_pixel_spacing.has_value());
  EXPECT_EQ(settings.interpolator, interpolator_kind::bspline);
  EXPECT_EQ(settings.pad_distance, 5);
  EXPECT_EQ(settings.distances, std::vector<int>{1});
  EXPECT_TRUE(settings.symmetrical_glcm);
  EXPECT_EQ(settings.weighting, weighting_norm::none);
  EXPECT_EQ(settings.filters.wavelet, "coif1");
  EXPECT_EQ(settings.filters.level, 1);
  EXPECT_TRUE(settings.filters.sigma.empty());
}

TEST(SettingsExampleFiles, EveryExampleParses) {
  RADCORE_REQUIRE_SHARED("pyradiomics/settings/Params.yaml");
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(settings_dir())) {
    if (entry.path().extension() != ".yaml" || entry.path().filename() == "paramSchema.yaml") continue;
    EXPECT_NO_THROW(load_parameters_file(entry.path().string())) << entry.path();
    ++parsed;
  }
  EXPECT_EQ(parsed, 8);
}

TEST(SettingsExampleFiles, ParamsYamlContents) {
  RADCORE_REQUIRE_SHARED("pyradiomics/settings/Params.yaml");
  const extraction_parameters parameters = load_parameters_file((settings_dir() / "Params.yaml").string());
  EXPECT_EQ(class_names_of(parameters),
            (std::vector<std::string>{"shape", "firstorder", "glcm", "glrlm", "glszm", "gldm"}));
  EXPECT_TRUE(parameters.classes[0].features.empty());
  EXPECT_TRUE(parameters.classes[1].features.empty());
  ASSERT_EQ(parameters.classes[2].features.size(), 22u);
  EXPECT_EQ(parameters.classes[2].features.front(), "Autocorrelation");
  EXPECT_EQ(parameters.classes[2].features.back(), "SumSquares");
  EXPECT_EQ(image_type_names_of(parameters), (std::vector<std::string>{"Original"}));
  EXPECT_FALSE(parameters.settings.resampled_pixel_spacing.has_value());
  EXPECT_EQ(parameters.settings.weighting, weighting_norm::none);
  EXPECT_EQ(parameters.settings.interpolator, interpolator_kind::bspline);
  EXPECT_EQ(parameters.settings.bin_width, 25.0);
}

TEST(SettingsExampleFiles, ExampleCtContents) {
  RADCORE_REQUIRE_SHARED("pyradiomics/settings/exampleCT.yaml");
  const extraction_parameters parameters = load_parameters_file((settings_dir() / "exampleCT.yaml").string());
  EXPECT_EQ(image_type_names_of(parameters), (std::vector<std::string>{"Original", "LoG", "Wavelet"}));
  EXPECT_EQ(parameters.image_types[1].overrides.at("sigma"), "[1.0, 2.0, 3.0, 4.0, 5.0]");
  const extraction_settings log_settings = settings_for_image_type(parameters, parameters.image_types[1]);
  EXPECT_EQ(log_settings.filters.sigma, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(parameters.settings.filters.sigma.empty());
  ASSERT_TRUE(parameters.settings.resampled_pixel_spacing.has_value());
  EXPECT_EQ(*parameters.settings.resampled_pixel_spacing, (std::array<double, 3>{1, 1, 1}));
  EXPECT_EQ(parameters.settings.pad_distance, 10);
  EXPECT_EQ(parameters.settings.voxel_array_shift, 1000);
}

TEST(SettingsExampleFiles, Mr2dContents) {
  RADCORE_REQUIRE_SHARED("pyradiomics/settings/MR_2D_extraction.yaml");
  const extraction_parameters parameters =
      load_parameters_file((settings_dir() / "MR_2D_extraction.yaml").string());
  EXPECT_EQ(parameters.classes.front().name, "shape2D");
  EXPECT_TRUE(parameters.settings.force2d);
  EXPECT_TRUE(parameters.settings.normalize);
  EXPECT_EQ(parameters.settings.normalize_scale, 100.0);
  EXPECT_TRUE(parameters.settings.pre_crop);
  EXPECT_EQ(*parameters.settings.resampled_pixel_spacing, (std::array<double, 3>{2, 2, 0}));
  EXPECT_EQ(parameters.settings.voxel_array_shift, 300);
}

TEST(SettingsExampleFiles, VoxelSettingIsCheckedAndReported) {
  RADCORE_REQUIRE_SHARED("pyradiomics/settings/exampleVoxel.yaml");
  ::testing::internal::CaptureStderr();
  const extraction_parameters parameters = load_parameters_file((settings_dir() / "exampleVoxel.yaml").string());
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(warnings, "voxelSetting")) << warnings;
  EXPECT_TRUE(contains(warnings, "not used")) << warnings;
  ASSERT_EQ(parameters.classes.size(), 1u);
  EXPECT_EQ(parameters.classes[0].features, std::vector<std::string>{"JointEntropy"});
}

TEST(SettingsExampleFiles, MissingFileNamesThePath) {
  try {
    load_parameters_file("/nonexistent/params.yaml");
    FAIL() << "expected input_error";
  } catch (const input_error& error) {
    EXPECT_TRUE(contains(error.what(), "/nonexistent/params.yaml")) << error.what();
  }
}

// ---------------------------------------------------------------------------------------------------------
// featureClass

TEST(SettingsFeatureClass, MissingSectionEnablesEveryClassWithShape2d) {
  const extraction_parameters parameters = parse_parameters("setting:\n  binWidth: 10\n", source);
  EXPECT_EQ(class_names_of(parameters), (std::vector<std::string>{"firstorder", "glcm", "gldm", "glrlm", "glszm",
                                                                  "ngtdm", "shape", "shape2D"}));
}

TEST(SettingsFeatureClass, EmptySectionEnablesEveryClassWithShape2d) {
  const extraction_parameters parameters = parse_parameters("featureClass: {}\n", source);
  EXPECT_EQ(parameters.classes.size(), 8u);
  EXPECT_EQ(parameters.classes.back().name, "shape2D");
}

TEST(SettingsFeatureClass, NullSectionIsRejected) {
  EXPECT_TRUE(contains(parse_error("featureClass:\n"), "section 'featureClass'"));
}

TEST(SettingsFeatureClass, NullAndEmptyListEnableDefaultFeatures) {
  const extraction_parameters parameters = parse_parameters("featureClass:\n  glcm:\n  ngtdm: []\n", source);
  ASSERT_EQ(parameters.classes.size(), 2u);
  EXPECT_TRUE(parameters.classes[0].features.empty());
  EXPECT_TRUE(parameters.classes[1].features.empty());
}

TEST(SettingsFeatureClass, KeepsFileOrder) {
  const extraction_parameters parameters =
      parse_parameters("featureClass:\n  ngtdm:\n  firstorder: [Mean, Energy]\n  shape:\n", source);
  EXPECT_EQ(class_names_of(parameters), (std::vector<std::string>{"ngtdm", "firstorder", "shape"}));
  EXPECT_EQ(parameters.classes[1].features, (std::vector<std::string>{"Mean", "Energy"}));
}

TEST(SettingsFeatureClass, UnknownClassListsValidClasses) {
  const std::string message = parse_error("featureClass:\n  glcmm:\n");
  EXPECT_TRUE(contains(message, "test.yaml")) << message;
  EXPECT_TRUE(contains(message, "unknown feature class 'glcmm'")) << message;
  EXPECT_TRUE(contains(message, "shape2D")) << message;
}

TEST(SettingsFeatureClass, UnknownFeatureListsValidNames) {
  const std::string message = parse_error("featureClass:\n  glcm: [Contrast, Contrst]\n");
  EXPECT_TRUE(contains(message, "featureClass 'glcm'")) << message;
  EXPECT_TRUE(contains(message, "unknown feature 'Contrst'")) << message;
  EXPECT_TRUE(contains(message, "JointEntropy")) << message;
}

TEST(SettingsFeatureClass, FeatureListMustBeAList) {
  EXPECT_TRUE(contains(parse_error("featureClass:\n  glcm: Contrast\n"), "expected a list of feature names"));
}

TEST(SettingsFeatureClass, DeprecatedFeatureIsKeptWithWarning) {
  const feature_class_info* glcm = find_feature_class("glcm");
  ASSERT_NE(glcm, nullptr);
  std::string deprecated;
  for (int i = 0; i < glcm->count; ++i) {
    if (glcm->features[i].deprecated) deprecated = glcm->features[i].name;
  }
  ASSERT_FALSE(deprecated.empty()) << "the GLCM table marks no feature deprecated";

  ::testing::internal::CaptureStderr();
  const extraction_parameters parameters =
      parse_parameters("featureClass:\n  glcm: [" + deprecated + ", Contrast, " + deprecated + "]\n", source);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(parameters.classes[0].features, (std::vector<std::string>{deprecated, "Contrast"}));
  EXPECT_TRUE(contains(warnings, "deprecated")) << warnings;
  EXPECT_TRUE(contains(warnings, deprecated)) << warnings;
}

// ---------------------------------------------------------------------------------------------------------
// imageType

TEST(SettingsImageType, KeepsOrderAndOverrides) {
  const extraction_parameters parameters =
      parse_parameters("imageType:\n  Wavelet: {wavelet: db2, level: 2}\n  Original: {}\n", source);
  EXPECT_EQ(image_type_names_of(parameters), (std::vector<std::string>{"Wavelet", "Original"}));
  const extraction_settings wavelet = settings_for_image_type(parameters, parameters.image_types[0]);
  EXPECT_EQ(wavelet.filters.wavelet, "db2");
  EXPECT_EQ(wavelet.filters.level, 2);
  EXPECT_EQ(parameters.settings.filters.wavelet, "coif1");
}

TEST(SettingsImageType, EmptySectionMeansOriginal) {
  EXPECT_EQ(image_type_names_of(parse_parameters("imageType: {}\n", source)),
            (std::vector<std::string>{"Original"}));
}

TEST(SettingsImageType, RejectsUnknownTypeAndBadOverrides) {
  std::string message = parse_error("imageType:\n  Gabor: {}\n");
  EXPECT_TRUE(contains(message, "unknown image type 'Gabor'")) << message;
  EXPECT_TRUE(contains(message, "LoG")) << message;

  message = parse_error("imageType:\n  LoG: {sigma: [1.0, 0]}\n");
  EXPECT_TRUE(contains(message, "imageType 'LoG'")) << message;
  EXPECT_TRUE(contains(message, "setting 'sigma'")) << message;
  EXPECT_TRUE(contains(message, "a float > 0")) << message;

  message = parse_error("imageType:\n  LoG: {sigmas: [1.0]}\n");
  EXPECT_TRUE(contains(message, "unknown setting 'sigmas'")) << message;

  message = parse_error("imageType:\n  Original:\n");
  EXPECT_TRUE(contains(message, "imageType 'Original'")) << message;
  EXPECT_TRUE(contains(message, "{} for none")) << message;
}

// ---------------------------------------------------------------------------------------------------------
// setting: types and ranges

struct rejected_case {
  const char* setting_yaml;  // the `setting:` mapping in flow style
  const char* name;          // the setting the message must name
  const char* expected;      // part of the expected type or range in the message
};

const rejected_case rejected_cases[] = {
    {"{binWidth: 0}", "binWidth", "a float > 0"},
    {"{binWidth: -1.5}", "binWidth", "a float > 0"},
    {"{binWidth: abc}", "binWidth", "a float > 0"},
    {"{binWidth: '25'}", "binWidth", "a float > 0"},
    {"{binWidth: .nan}", "binWidth", "a float > 0"},
    {"{binWidth: [25]}", "binWidth", "a float > 0"},
    {"{binCount: 0}", "binCount", "an integer >= 1"},
    {"{binCount: 2.5}", "binCount", "an integer >= 1"},
    {"{maximumBinCount: 0}", "maximumBinCount", "an integer >= 1"},
    {"{label: 0}", "label", "an integer >= 1"},
    {"{label: true}", "label", "an integer >= 1"},
    {"{label: null}", "label", "an integer >= 1"},
    {"{label_channel: -1}", "label_channel", "an integer >= 0"},
    {"{minimumROIDimensions: 0}", "minimumROIDimensions", "an integer in [1, 3]"},
    {"{minimumROIDimensions: 4}", "minimumROIDimensions", "an integer in [1, 3]"},
    {"{minimumROISize: 0}", "minimumROISize", "an integer >= 1"},
    {"{geometryTolerance: 0}", "geometryTolerance", "a float > 0"},
    {"{correctMask: yes}", "correctMask", "true or false"},
    {"{additionalInfo: 1}", "additionalInfo", "true or false"},
    {"{normalize: 'true'}", "normalize", "true or false"},
    {"{normalizeScale: 0}", "normalizeScale", "a float > 0"},
    {"{removeOutliers: -3}", "removeOutliers", "a float > 0"},
    {"{resampledPixelSpacing: [1, 1]}", "resampledPixelSpacing", "a list of 3 floats >= 0"},
    {"{resampledPixelSpacing: [1, -1, 1]}", "resampledPixelSpacing", "a float >= 0"},
    {"{resampledPixelSpacing: 1}", "resampledPixelSpacing", "a list of 3 floats >= 0"},
    {"{interpolator: sitkCubic}", "interpolator", "sitkBSpline"},
    {"{interpolator: 0}", "interpolator", "an integer in [1, 10]"},
    {"{interpolator: 11}", "interpolator", "an integer in [1, 10]"},
    {"{interpolator: 2.5}", "interpolator", "SimpleITK interpolator name"},
    {"{padDistance: -1}", "padDistance", "an integer >= 0"},
    {"{preCrop: on}", "preCrop", "true or false"},
    {"{distances: [0]}", "distances", "an integer >= 1"},
    {"{distances: []}", "distances", "a non-empty list of integers >= 1"},
    {"{distances: 1}", "distances", "a non-empty list of integers >= 1"},
    {"{force2D: 0}", "force2D", "true or false"},
    {"{force2Ddimension: 3}", "force2Ddimension", "an integer in [0, 2]"},
    {"{resegmentRange: [1, 2, 3]}", "resegmentRange", "a list of 1 or 2 floats"},
    {"{resegmentRange: []}", "resegmentRange", "a list of 1 or 2 floats"},
    {"{resegmentRange: [low]}", "resegmentRange", "a float"},
    {"{resegmentMode: percentile}", "resegmentMode", "'absolute', 'relative', 'sigma'"},
    {"{resegmentMode: 1}", "resegmentMode", "'absolute', 'relative', 'sigma'"},
    {"{resegmentShape: maybe}", "resegmentShape", "true or false"},
    {"{sigma: [0]}", "sigma", "a float > 0"},
    {"{sigma: 1.0}", "sigma", "a list of floats > 0"},
    {"{start_level: -1}", "start_level", "an integer >= 0"},
    {"{level: 0}", "level", "an integer >= 1"},
    {"{wavelet: morl}", "wavelet", "a discrete PyWavelets wavelet name"},
    {"{wavelet: db39}", "wavelet", "a discrete PyWavelets wavelet name"},
    {"{wavelet: 1}", "wavelet", "a discrete PyWavelets wavelet name"},
    {"{gradientUseSpacing: 1}", "gradientUseSpacing", "true or false"},
    {"{lbp2DRadius: 0}", "lbp2DRadius", "a float > 0"},
    {"{lbp2DSamples: 0}", "lbp2DSamples", "an integer >= 1"},
    {"{lbp2DMethod: nri}", "lbp2DMethod", "'default', 'ror', 'uniform', 'var'"},
    {"{lbp3DLevels: 0}", "lbp3DLevels", "an integer in [1, 16]"},
    {"{lbp3DLevels: 17}", "lbp3DLevels", "an integer in [1, 16]"},
    {"{ibsiLoGTruncate: 11}", "ibsiLoGTruncate", "a float in (0, 10]"},
    {"{lbp3DIcosphereRadius: 0}", "lbp3DIcosphereRadius", "a float > 0"},
    {"{lbp3DIcosphereSubdivision: -1}", "lbp3DIcosphereSubdivision", "an integer in [0, 3]"},
    {"{lbp3DIcosphereSubdivision: 4}", "lbp3DIcosphereSubdivision", "an integer in [0, 3]"},
    {"{voxelArrayShift: 1.5}", "voxelArrayShift", "an integer"},
    {"{symmetricalGLCM: 'true'}", "symmetricalGLCM", "true or false"},
    {"{weightingNorm: euclidian}", "weightingNorm", "'euclidean', 'manhattan', 'infinity', 'no_weighting'"},
    {"{weightingNorm: 1}", "weightingNorm", "'euclidean', 'manhattan', 'infinity', 'no_weighting'"},
    {"{gldm_a: -1}", "gldm_a", "an integer >= 0"},
};

TEST(SettingsValues, WrongTypeOrRangeIsRejected) {
  for (const rejected_case& entry : rejected_cases) {
    const std::string message = parse_error(std::string("setting: ") + entry.setting_yaml + "\n");
    EXPECT_TRUE(contains(message, "test.yaml")) << entry.setting_yaml << " -> " << message;
    EXPECT_TRUE(contains(message, std::string("setting '") + entry.name + "'")) << entry.setting_yaml << " -> "
                                                                                 << message;
    EXPECT_TRUE(contains(message, entry.expected)) << entry.setting_yaml << " -> " << message;
  }
}

TEST(SettingsValues, UnknownSettingListsValidNames) {
  const std::string message = parse_error("setting:\n  binwidth: 25\n");
  EXPECT_TRUE(contains(message, "test.yaml: unknown setting 'binwidth'")) << message;
  EXPECT_TRUE(contains(message, "binWidth")) << message;
}

TEST(SettingsValues, UnknownSectionIsRejected) {
  const std::string message = parse_error("settings:\n  binWidth: 25\n");
  EXPECT_TRUE(contains(message, "unknown section 'settings'")) << message;
}

TEST(SettingsValues, VoxelSettingIsChecked) {
  EXPECT_TRUE(contains(parse_error("voxelSetting: {kernelRadius: 0}\n"), "voxelSetting 'kernelRadius'"));
  EXPECT_TRUE(contains(parse_error("voxelSetting: {radius: 1}\n"), "unknown voxelSetting 'radius'"));
}

TEST(SettingsValues, IntegerLiteralIsAValidFloat) {
  const extraction_parameters parameters = parse_parameters("setting: {binWidth: 10, normalizeScale: 2}\n", source);
  EXPECT_EQ(parameters.settings.bin_width, 10.0);
  EXPECT_EQ(parameters.settings.normalize_scale, 2.0);
}

TEST(SettingsValues, QuotedNumberIsAString) {
  const std::string message = parse_error("setting: {binWidth: '25'}\n");
  EXPECT_TRUE(contains(message, "expected a float > 0, got the quoted string '25'")) << message;
}

TEST(SettingsValues, AcceptedForms) {
  const extraction_parameters parameters = parse_parameters(
      "setting:\n"
      "  binWidth: 2.5e-1\n"
      "  binCount: 32\n"
      "  geometryTolerance: .001\n"
      "  interpolator: 2\n"
      "  resegmentRange: [-100]\n"
      "  resegmentMode: sigma\n"
      "  weightingNorm: manhattan\n"
      "  distances: [1, 2]\n"
      "  force2D: True\n"
      "  voxelArrayShift: -300\n"
      "  wavelet: bior1.3\n"
      "  maximumBinCount: 5000000000\n",
      source);
  const extraction_settings& settings = parameters.settings;
  EXPECT_EQ(settings.bin_width, 0.25);
  EXPECT_EQ(settings.bin_count, 32);
  EXPECT_EQ(settings.geometry_tolerance, 0.001);
  EXPECT_EQ(settings.interpolator, interpolator_kind::linear);
  EXPECT_EQ(settings.resegment_range, std::vector<double>{-100.0});
  EXPECT_EQ(settings.resegment, resegment_mode::sigma);
  EXPECT_EQ(settings.weighting, weighting_norm::manhattan);
  EXPECT_EQ(settings.distances, (std::vector<int>{1, 2}));
  EXPECT_TRUE(settings.force2d);
  EXPECT_EQ(settings.voxel_array_shift, -300);
  EXPECT_EQ(settings.filters.wavelet, "bior1.3");
  EXPECT_EQ(settings.maximum_bin_count, 5000000000);
}

TEST(SettingsValues, InterpolatorNamesAndNumbersAgree) {
  const char* const names[] = {"sitkNearestNeighbor",    "sitkLinear",
                               "sitkBSpline",            "sitkGaussian",
                               "sitkLabelGaussian",      "sitkHammingWindowedSinc",
                               "sitkCosineWindowedSinc", "sitkWelchWindowedSinc",
                               "sitkLanczosWindowedSinc", "sitkBlackmanWindowedSinc"};
  for (int number = 1; number <= 10; ++number) {
    const auto by_name = parse_parameters(std::string("setting: {interpolator: '") + names[number - 1] + "'}", source);
    const auto by_number = parse_parameters("setting: {interpolator: " + std::to_string(number) + "}", source);
    EXPECT_EQ(by_name.settings.interpolator, interpolator_kind(number - 1)) << names[number - 1];
    EXPECT_EQ(by_number.settings.interpolator, interpolator_kind(number - 1)) << number;
  }
}

TEST(SettingsValues, NullMeansNone) {
  const extraction_parameters parameters = parse_parameters(
      "setting:\n  binCount:\n  resampledPixelSpacing:\n  weightingNorm:\n  resegmentRange: ~\n"
      "  symmetricalGLCM: null\n  minimumROISize:\n",
      source);
  EXPECT_FALSE(parameters.settings.bin_count.has_value());
  EXPECT_FALSE(parameters.settings.resampled_pixel_spacing.has_value());
  EXPECT_EQ(parameters.settings.weighting, weighting_norm::none);
  EXPECT_FALSE(parameters.settings.resegment_range.has_value());
  EXPECT_FALSE(parameters.settings.symmetrical_glcm);  // PyRadiomics tests None for truth
  EXPECT_FALSE(parameters.settings.minimum_roi_size.has_value());
}

TEST(SettingsValues, NullInterpolatorDisablesResampling) {
  const extraction_parameters parameters =
      parse_parameters("setting: {resampledPixelSpacing: [1, 1, 1], interpolator: null}\n", source);
  EXPECT_FALSE(parameters.settings.resampled_pixel_spacing.has_value());
}

TEST(SettingsValues, LastOfRepeatedNamesWins) {
  const extraction_parameters parameters = parse_parameters("setting:\n  binWidth: 10\n  binWidth: 20\n", source);
  EXPECT_EQ(parameters.settings.bin_width, 20.0);
}

TEST(SettingsValues, JsonTextParses) {
  const extraction_parameters parameters = parse_parameters(
      R"({"setting": {"binWidth": 25, "symmetricalGLCM": true, "resampledPixelSpacing": null},)"
      R"( "featureClass": {"firstorder": null}, "imageType": {"Original": {}, "Wavelet": {}}})",
      "slicer.json");
  EXPECT_EQ(class_names_of(parameters), std::vector<std::string>{"firstorder"});
  EXPECT_EQ(image_type_names_of(parameters), (std::vector<std::string>{"Original", "Wavelet"}));
  EXPECT_EQ(parameters.settings.bin_width, 25.0);
  EXPECT_TRUE(contains(parse_error(R"({"setting": {"binWidth": "25"}})"), "a float > 0"));
}

TEST(SettingsValues, SyntaxErrorNamesSourceAndLine) {
  const std::string message = parse_error("setting:\n  binWidth: [25\n");
  EXPECT_TRUE(contains(message, "test.yaml: invalid YAML or JSON at line")) << message;
}

TEST(SettingsValues, EmptyDocumentIsRejected) {
  EXPECT_TRUE(contains(parse_error("# only a comment\n"), "an empty document"));
}

TEST(SettingsValues, TextureSettingsFollowSettings) {
  const extraction_parameters parameters = parse_parameters(
      "setting: {distances: [1, 3], force2D: true, force2Ddimension: 1, symmetricalGLCM: false, "
      "weightingNorm: infinity, gldm_a: 2}\n",
      source);
  const texture_settings texture = parameters.settings.texture();
  EXPECT_EQ(texture.angles.distances, (std::vector<int>{1, 3}));
  EXPECT_TRUE(texture.angles.force2d);
  EXPECT_EQ(texture.angles.force2d_dimension, 1);
  EXPECT_FALSE(texture.symmetrical_glcm);
  EXPECT_EQ(texture.weighting, weighting_norm::infinity);
  EXPECT_EQ(texture.gldm_a, 2);
}

TEST(SettingsValues, CanonicalTextParsesToTheSameParameters) {
  const extraction_parameters parameters = parse_parameters(
      "imageType: {LoG: {sigma: [1, 2.5]}, Original: {}}\n"
      "featureClass: {glcm: [Contrast, Idmn], shape: }\n"
      "setting: {binWidth: 10, resampledPixelSpacing: [2, 2, 0], interpolator: sitkLinear, weightingNorm: }\n",
      source);
  const extraction_parameters again = parse_parameters(parameters.text, "canonical");
  EXPECT_EQ(again.text, parameters.text);
  EXPECT_EQ(class_names_of(again), class_names_of(parameters));
  EXPECT_EQ(again.classes[0].features, parameters.classes[0].features);
  EXPECT_EQ(image_type_names_of(again), image_type_names_of(parameters));
  EXPECT_EQ(again.settings.bin_width, 10.0);
  EXPECT_EQ(again.settings.interpolator, interpolator_kind::linear);
  EXPECT_EQ(*again.settings.resampled_pixel_spacing, (std::array<double, 3>{2, 2, 0}));
  EXPECT_TRUE(contains(parameters.text, "binWidth: 10")) << parameters.text;
}

TEST(SettingsValues, DefaultCanonicalTextParses) {
  const extraction_parameters defaults = default_parameters();
  const extraction_parameters again = parse_parameters(defaults.text, "canonical");
  EXPECT_EQ(class_names_of(again), class_names_of(defaults));
}

// ---------------------------------------------------------------------------------------------------------
// -s NAME:VALUE

TEST(SettingsOverride, ParsesValueAsYaml) {
  extraction_parameters parameters = default_parameters();
  apply_setting_override(parameters, "binWidth:10");
  apply_setting_override(parameters, "resampledPixelSpacing:[2,2,2]");
  apply_setting_override(parameters, "interpolator:sitkLinear");
  apply_setting_override(parameters, "binCount:16");
  EXPECT_EQ(parameters.settings.bin_width, 10.0);
  EXPECT_EQ(*parameters.settings.resampled_pixel_spacing, (std::array<double, 3>{2, 2, 2}));
  EXPECT_EQ(parameters.settings.interpolator, interpolator_kind::linear);
  EXPECT_EQ(parameters.settings.bin_count, 16);
  EXPECT_TRUE(contains(parameters.text, "binWidth: 10")) << parameters.text;
}

TEST(SettingsOverride, EmptyValueIsNone) {
  extraction_parameters parameters = parse_parameters("setting: {weightingNorm: euclidean, binCount: 8}\n", source);
  apply_setting_override(parameters, "weightingNorm:");
  apply_setting_override(parameters, "binCount:");
  EXPECT_EQ(parameters.settings.weighting, weighting_norm::none);
  EXPECT_FALSE(parameters.settings.bin_count.has_value());
}

TEST(SettingsOverride, OverridesTheFileAndKeepsTheRest) {
  extraction_parameters parameters = parse_parameters("setting: {binWidth: 5, voxelArrayShift: 300}\n", source);
  apply_setting_override(parameters, "binWidth:25");
  EXPECT_EQ(parameters.settings.bin_width, 25.0);
  EXPECT_EQ(parameters.settings.voxel_array_shift, 300);
}

TEST(SettingsOverride, BadOverridesAreRejected) {
  std::string message = override_error("binWidth:abc");
  EXPECT_TRUE(contains(message, "binWidth:abc")) << message;
  EXPECT_TRUE(contains(message, "setting 'binWidth': expected a float > 0, got 'abc'")) << message;

  message = override_error("binWidth");
  EXPECT_TRUE(contains(message, "expected NAME:VALUE")) << message;

  message = override_error("binwidht:3");
  EXPECT_TRUE(contains(message, "unknown setting 'binwidht'")) << message;

  message = override_error("resampledPixelSpacing:[2,2");
  EXPECT_TRUE(contains(message, "invalid YAML")) << message;
}

}  // namespace
}  // namespace radcore
