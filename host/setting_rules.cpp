#include <cmath>
#include "host/setting_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <regex>

namespace radcore {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Scalars, read by YAML 1.2's core schema: only true and false (in any of their three spellings) are
// booleans, and a quoted scalar is always a string.
// NOTE: a YAML 1.1 reader such as PyYAML also reads yes, no, on and off as booleans, and which reader
// PyRadiomics' validator (pykwalify) uses depends on its version. radcore rejects those words for bools.

bool is_plain_scalar(const YAML::Node& value) { return value.IsScalar() && value.Tag() != "!"; }

std::string describe(const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) return "null";
  if (value.IsSequence()) return "the list " + yaml_text(value);
  if (value.IsMap()) return "the mapping " + yaml_text(value);
  if (!is_plain_scalar(value)) return "the quoted string '" + value.Scalar() + "'";
  return "'" + value.Scalar() + "'";
}

[[noreturn]] void reject(const std::string& expected, const YAML::Node& value) {
  throw setting_value_error("expected " + expected + ", got " + describe(value));
}

const std::regex& integer_pattern() {
  static const std::regex pattern("[-+]?[0-9]+");
  return pattern;
}

const std::regex& decimal_pattern() {
  static const std::regex pattern(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return pattern;
}

// YAML 1.2's spellings of infinity and NaN.
const std::regex& yaml_special_float_pattern() {
  static const std::regex pattern(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  return pattern;
}

// The words Python's float() reads. pykwalify (since 1.5.1) accepts strings that float() reads as floats,
// and PyRadiomics' own exampleVoxel.yaml relies on that with `initValue: nan`.
const std::regex& python_float_word_pattern() {
  static const std::regex pattern("[-+]?(inf|infinity|nan)", std::regex::icase);
  return pattern;
}

bool is_bool_text(const std::string& text) {
  return text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
         text == "FALSE";
}

// Returns whether YAML 1.2 reads the plain scalar `text` as a number. Words such as `infinity` are
// strings there, which keeps `weightingNorm: infinity` a valid string.
bool is_yaml_number(const std::string& text) {
  return std::regex_match(text, decimal_pattern()) || std::regex_match(text, yaml_special_float_pattern());
}

std::int64_t read_integer(const YAML::Node& value, const std::string& expected) {
  if (!is_plain_scalar(value)) reject(expected, value);
  const std::string& text = value.Scalar();
  if (!std::regex_match(text, integer_pattern())) reject(expected, value);
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  std::int64_t result = 0;
  const auto parsed = std::from_chars(begin, text.data() + text.size(), result);
  if (parsed.ec != std::errc()) reject(expected, value);
  return result;
}

double read_float(const YAML::Node& value, const std::string& expected) {
  if (!is_plain_scalar(value)) reject(expected, value);
  const std::string& text = value.Scalar();
  if (std::regex_match(text, yaml_special_float_pattern()) || std::regex_match(text, python_float_word_pattern())) {
    if (text.find_first_of("fF") == std::string::npos) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    const double infinity = std::numeric_limits<double>::infinity();
    return text[0] == '-' ? -infinity : infinity;
  }
  if (!std::regex_match(text, decimal_pattern())) reject(expected, value);
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  double result = 0.0;
  const auto parsed = std::from_chars(begin, text.data() + text.size(), result);
  if (parsed.ec != std::errc()) reject(expected, value);  // beyond the double range
  return result;
}

bool read_bool(const YAML::Node& value) {
  if (value.IsNull()) return false;  // PyRadiomics tests these settings for truth, and None is falsy
  if (!is_plain_scalar(value) || !is_bool_text(value.Scalar())) reject("true or false", value);
  const char first = value.Scalar()[0];
  return first == 't' || first == 'T';
}

// A string: quoted, or plain without the form of a number, a bool or null.
std::string read_string(const YAML::Node& value, const std::string& expected) {
  if (!value.IsScalar()) reject(expected, value);
  const std::string& text = value.Scalar();
  if (is_plain_scalar(value) && (is_yaml_number(text) || is_bool_text(text))) reject(expected, value);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Typed rules. Integer ranges are inclusive, so "> 0" in the schema is ">= 1" here.

std::int64_t integer_in(const YAML::Node& value, std::int64_t minimum, std::int64_t maximum) {
  std::string expected = "an integer";
  if (maximum < std::numeric_limits<int>::max()) {
    expected += " in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "]";
  } else if (minimum != std::numeric_limits<int>::min()) {
    expected += " >= " + std::to_string(minimum);
  }
  const std::int64_t result = read_integer(value, expected);
  if (result < minimum || result > maximum) reject(expected, value);
  return result;
}

int integer_at_least(const YAML::Node& value, int minimum) {
  return int(integer_in(value, minimum, std::numeric_limits<int>::max()));
}

int any_integer(const YAML::Node& value) {
  return int(integer_in(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

enum class bound { none, at_least, above };

// A float with an optional lower bound. A bounded setting must also be finite: no bounded PyRadiomics
// setting has a meaning for NaN or infinity (an infinite binWidth would size the bin edges from it).
double float_with(const YAML::Node& value, bound kind, double limit) {
  std::string expected = "a float";
  if (kind == bound::at_least) expected += " >= " + std::to_string(int(limit));
  if (kind == bound::above) expected += " > " + std::to_string(int(limit));
  const double result = read_float(value, expected);
  if (kind != bound::none && !std::isfinite(result)) reject(expected, value);
  if (kind == bound::at_least && !(result >= limit)) reject(expected, value);
  if (kind == bound::above && !(result > limit)) reject(expected, value);
  return result;
}

std::vector<double> float_list(const YAML::Node& value, bound kind, double limit, const std::string& expected) {
  if (!value.IsSequence()) reject(expected, value);
  std::vector<double> result;
  for (const YAML::Node& item : value) result.push_back(float_with(item, kind, limit));
  return result;
}

std::string enum_value(const YAML::Node& value, const std::vector<std::string>& allowed) {
  std::string expected = "one of";
  for (std::size_t i = 0; i < allowed.size(); ++i) expected += (i ? ", '" : " '") + allowed[i] + "'";
  const std::string text = read_string(value, expected);
  if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) reject(expected, value);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Settings with their own checks in schemaFuncs.py.

// SimpleITK's interpolator names; the enum values 1 to 10 are in the same order.
const std::vector<std::string>& interpolator_names() {
  static const std::vector<std::string> names{
      "sitkNearestNeighbor",     "sitkLinear",           "sitkBSpline",           "sitkGaussian",
      "sitkLabelGaussian",       "sitkHammingWindowedSinc", "sitkCosineWindowedSinc", "sitkWelchWindowedSinc",
      "sitkLanczosWindowedSinc", "sitkBlackmanWindowedSinc"};
  return names;
}

// checkInterpolator: a SimpleITK name or its enum value 1-10. Null is handled by the parser, because it
// disables resampling rather than setting an interpolator.
interpolator_kind read_interpolator(const YAML::Node& value) {
  const std::string expected = "a SimpleITK interpolator name (sitkNearestNeighbor, sitkLinear, sitkBSpline, "
                               "sitkGaussian, sitkLabelGaussian, sitkHammingWindowedSinc, sitkCosineWindowedSinc, "
                               "sitkWelchWindowedSinc, sitkLanczosWindowedSinc, sitkBlackmanWindowedSinc) or an "
                               "integer in [1, 10]";
  if (is_plain_scalar(value) && std::regex_match(value.Scalar(), integer_pattern())) {
    const std::int64_t number = read_integer(value, expected);
    if (number < 1 || number > 10) reject(expected, value);
    return interpolator_kind(number - 1);
  }
  const std::string name = read_string(value, expected);
  const auto& names = interpolator_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) reject(expected, value);
  return interpolator_kind(found - names.begin());
}

weighting_norm read_weighting(const YAML::Node& value) {
  if (value.IsNull()) return weighting_norm::none;
  const std::string name = enum_value(value, {"euclidean", "manhattan", "infinity", "no_weighting"});
  if (name == "euclidean") return weighting_norm::euclidean;
  if (name == "manhattan") return weighting_norm::manhattan;
  if (name == "infinity") return weighting_norm::infinity;
  return weighting_norm::no_weighting;
}

// The discrete wavelets of PyWavelets 1.x, as its documentation lists them per family. checkWavelet accepts
// every name of pywt.wavelist(), continuous ones included, but a stationary wavelet transform needs a
// discrete wavelet.
bool is_discrete_wavelet(const std::string& name) {
  const auto numbered = [&name](const std::string& family, int first, int last) {
    if (name.rfind(family, 0) != 0 || name.size() == family.size()) return false;
    const std::string number = name.substr(family.size());
    if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (number[0] == '0') return false;
    const int order = std::stoi(number);
    return order >= first && order <= last;
  };
  static const std::vector<std::string> biorthogonal{"1.1", "1.3", "1.5", "2.2", "2.4", "2.6", "2.8", "3.1",
                                                     "3.3", "3.5", "3.7", "3.9", "4.4", "5.5", "6.8"};
  for (const std::string& family : {std::string("bior"), std::string("rbio")}) {
    for (const std::string& order : biorthogonal) {
      if (name == family + order) return true;
    }
  }
  return name == "haar" || name == "dmey" || numbered("db", 1, 38) || numbered("sym", 2, 20) ||
         numbered("coif", 1, 17);
}

std::string read_wavelet(const YAML::Node& value) {
  const std::string expected = "a discrete PyWavelets wavelet name (haar, db1-db38, sym2-sym20, coif1-coif17, "
                               "bior1.1-bior6.8, rbio1.1-rbio6.8, dmey)";
  const std::string name = read_string(value, expected);
  if (!is_discrete_wavelet(name)) reject(expected, value);
  return name;
}

// ---------------------------------------------------------------------------------------------------------
// The `setting:` table.

using apply_function = void (*)(const YAML::Node&, extraction_settings&);

struct setting_rule {
  const char* name;
  apply_function apply;
};

const std::vector<setting_rule>& setting_rules() {
  using node = const YAML::Node&;
  using settings = extraction_settings&;
  static const std::vector<setting_rule> rules{
      // Mask and ROI checks
      {"minimumROIDimensions", [](node v, settings s) { s.minimum_roi_dimensions = int(integer_in(v, 1, 3)); }},
      {"minimumROISize",
       [](node v, settings s) {
         s.minimum_roi_size = v.IsNull() ? std::optional<int>() : integer_at_least(v, 1);
       }},
      {"geometryTolerance",
       [](node v, settings s) {
         s.geometry_tolerance = v.IsNull() ? std::optional<double>() : float_with(v, bound::above, 0);
       }},
      {"correctMask", [](node v, settings s) { s.correct_mask = read_bool(v); }},
      {"additionalInfo", [](node v, settings s) { s.additional_info = read_bool(v); }},
      {"label", [](node v, settings s) { s.label = integer_at_least(v, 1); }},
      {"label_channel", [](node v, settings s) { s.label_channel = integer_at_least(v, 0); }},
      // Discretisation
      {"binWidth", [](node v, settings s) { s.bin_width = float_with(v, bound::above, 0); }},
      {"binCount",
       [](node v, settings s) { s.bin_count = v.IsNull() ? std::optional<int>() : integer_at_least(v, 1); }},
      {"maximumBinCount",
       [](node v, settings s) {
         s.maximum_bin_count = integer_in(v, 1, std::numeric_limits<std::int64_t>::max());
       }},
      {"voxelArrayShift", [](node v, settings s) { s.voxel_array_shift = any_integer(v); }},
      // Preprocessing
      {"normalize", [](node v, settings s) { s.normalize = read_bool(v); }},
      {"normalizeScale", [](node v, settings s) { s.normalize_scale = float_with(v, bound::above, 0); }},
      {"removeOutliers",
       [](node v, settings s) {
         s.remove_outliers = v.IsNull() ? std::optional<double>() : float_with(v, bound::above, 0);
       }},
      {"resampledPixelSpacing",
       [](node v, settings s) {
         if (v.IsNull()) {
           s.resampled_pixel_spacing.reset();
           return;
         }
         const std::string expected = "a list of 3 floats >= 0 (x, y, z spacing in mm, 0 keeps that axis)";
         const std::vector<double> spacing = float_list(v, bound::at_least, 0, expected);
         if (spacing.size() != 3) reject(expected, v);
         s.resampled_pixel_spacing = std::array<double, 3>{spacing[0], spacing[1], spacing[2]};
       }},
      {"interpolator",
       [](node v, settings s) {
         if (!v.IsNull()) s.interpolator = read_interpolator(v);
       }},
      {"padDistance", [](node v, settings s) { s.pad_distance = integer_at_least(v, 0); }},
      {"preCrop", [](node v, settings s) { s.pre_crop = read_bool(v); }},
      // Resegmentation
      {"resegmentRange",
       [](node v, settings s) {
         if (v.IsNull()) {
           s.resegment_range.reset();
           return;
         }
         const std::string expected = "a list of 1 or 2 floats (lower bound, optional upper bound)";
         std::vector<double> range = float_list(v, bound::none, 0, expected);
         for (double limit : range) {
           if (!std::isfinite(limit)) reject(expected + " that are finite", v);
         }
         if (range.empty() || range.size() > 2) reject(expected, v);
         s.resegment_range = std::move(range);
       }},
      {"resegmentMode",
       [](node v, settings s) {
         const std::string mode = enum_value(v, {"absolute", "relative", "sigma"});
         s.resegment = mode == "absolute" ? resegment_mode::absolute
                       : mode == "relative" ? resegment_mode::relative
                                            : resegment_mode::sigma;
       }},
      {"resegmentShape", [](node v, settings s) { s.resegment_shape = read_bool(v); }},
      // Texture
      {"distances",
       [](node v, settings s) {
         const std::string expected = "a non-empty list of integers >= 1";
         if (!v.IsSequence() || v.size() == 0) reject(expected, v);
         std::vector<int> distances;
         for (const YAML::Node& item : v) distances.push_back(integer_at_least(item, 1));
         s.distances = std::move(distances);
       }},
      {"force2D", [](node v, settings s) { s.force2d = read_bool(v); }},
      {"force2Ddimension", [](node v, settings s) { s.force2d_dimension = int(integer_in(v, 0, 2)); }},
      {"symmetricalGLCM", [](node v, settings s) { s.symmetrical_glcm = read_bool(v); }},
      {"weightingNorm", [](node v, settings s) { s.weighting = read_weighting(v); }},
      {"gldm_a", [](node v, settings s) { s.gldm_a = integer_at_least(v, 0); }},
      // Filters
      {"sigma",
       [](node v, settings s) {
         s.filters.sigma = float_list(v, bound::above, 0, "a list of floats > 0 (LoG sigma in mm)");
       }},
      {"wavelet", [](node v, settings s) { s.filters.wavelet = read_wavelet(v); }},
      {"level", [](node v, settings s) { s.filters.level = integer_at_least(v, 1); }},
      {"start_level", [](node v, settings s) { s.filters.start_level = integer_at_least(v, 0); }},
      {"gradientUseSpacing", [](node v, settings s) { s.filters.gradient_use_spacing = read_bool(v); }},
      {"lbp2DRadius", [](node v, settings s) { s.filters.lbp2d_radius = float_with(v, bound::above, 0); }},
      {"lbp2DSamples", [](node v, settings s) { s.filters.lbp2d_samples = integer_at_least(v, 1); }},
      {"lbp2DMethod",
       [](node v, settings s) { s.filters.lbp2d_method = enum_value(v, {"default", "ror", "uniform", "var"}); }},
      // radcore's bound: the harmonics' normalisation (n - m)! / (n + m)! stays far from underflow up to
      // degree 15, and an icosphere of 642 vertices cannot resolve higher degrees anyway.
      {"lbp3DLevels", [](node v, settings s) { s.filters.lbp3d_levels = int(integer_in(v, 1, 16)); }},
      {"lbp3DIcosphereRadius",
       [](node v, settings s) { s.filters.lbp3d_icosphere_radius = float_with(v, bound::above, 0); }},
      {"lbp3DIcosphereSubdivision",
       // radcore carries trimesh's icospheres of 0 to 3 subdivisions only (kernels/lbp3d_icosphere.cpp).
       [](node v, settings s) { s.filters.lbp3d_icosphere_subdivision = int(integer_in(v, 0, 3)); }},
      // radcore's IBSI mode of the Wavelet and LoG filters
      {"filterMode", [](node v, settings s) { s.filters.ibsi_mode = enum_value(v, {"pyradiomics", "ibsi"}) == "ibsi"; }},
      {"ibsiBoundary",
       [](node v, settings s) {
         s.filters.ibsi_boundary_mode = parse_ibsi_boundary(enum_value(v, {"zero", "nearest", "periodic", "mirror"}));
       }},
      {"ibsiRotationInvariance",
       [](node v, settings s) {
         const std::string pooling = enum_value(v, {"none", "mean", "max"});
         s.filters.ibsi_rotation = pooling == "mean"  ? ibsi_rotation_pooling::mean
                                   : pooling == "max" ? ibsi_rotation_pooling::max
                                                      : ibsi_rotation_pooling::none;
       }},
      {"ibsiLoGTruncate",
       [](node v, settings s) {
         // Beyond 10 standard deviations the Gaussian's taps are below 2e-22 of the centre and only add work.
         s.filters.ibsi_log_truncate = float_with(v, bound::above, 0);
         if (s.filters.ibsi_log_truncate > 10) reject("a float in (0, 10]", v);
       }},
  };
  return rules;
}

struct voxel_rule {
  const char* name;
  void (*check)(const YAML::Node&);
};

const std::vector<voxel_rule>& voxel_rules() {
  using node = const YAML::Node&;
  static const std::vector<voxel_rule> rules{
      {"kernelRadius", [](node v) { integer_at_least(v, 1); }},
      {"maskedKernel", [](node v) { read_bool(v); }},
      {"initValue", [](node v) { float_with(v, bound::none, 0); }},
      {"voxelBatch", [](node v) { integer_at_least(v, 1); }},
  };
  return rules;
}

template <typename Rule>
std::vector<std::string> sorted_names(const std::vector<Rule>& rules) {
  std::vector<std::string> names;
  for (const Rule& rule : rules) names.emplace_back(rule.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

const std::vector<std::string>& setting_names() {
  static const std::vector<std::string> names = sorted_names(setting_rules());
  return names;
}

bool is_setting_name(const std::string& name) {
  const auto& names = setting_names();
  return std::binary_search(names.begin(), names.end(), name);
}

void apply_setting_value(const std::string& name, const YAML::Node& value, extraction_settings& settings) {
  for (const setting_rule& rule : setting_rules()) {
    if (name == rule.name) {
      rule.apply(value, settings);
      return;
    }
  }
  throw setting_value_error("unknown setting");
}

const std::vector<std::string>& voxel_setting_names() {
  static const std::vector<std::string> names = sorted_names(voxel_rules());
  return names;
}

bool is_voxel_setting_name(const std::string& name) {
  const auto& names = voxel_setting_names();
  return std::binary_search(names.begin(), names.end(), name);
}

void check_voxel_setting_value(const std::string& name, const YAML::Node& value) {
  for (const voxel_rule& rule : voxel_rules()) {
    if (name == rule.name) {
      rule.check(value);
      return;
    }
  }
  throw setting_value_error("unknown voxel setting");
}

std::string yaml_text(const YAML::Node& value) {
  YAML::Emitter emitter;
  emitter << YAML::Flow << value;
  return emitter.c_str();
}

}  // namespace radcore
