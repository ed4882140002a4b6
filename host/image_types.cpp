#include "host/image_types.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "io/itk_filters.hpp"
#include "kernels/error.hpp"
#include "kernels/lbp.hpp"
#include "kernels/lbp3d.hpp"
#include "kernels/log_ibsi.hpp"
#include "kernels/simple_filters.hpp"
#include "kernels/wavelet_ibsi.hpp"

namespace radcore {
namespace {

void warn(const std::string& message) { std::cerr << "radcore: warning: " << message << '\n'; }

std::vector<double> crop_values(const std::vector<double>& values, const std::array<int, 3>& size,
                                const voxel_box& box) {
  std::vector<double> out(std::size_t(box.count()));
  std::size_t target = 0;
  for (int z = box.lower[2]; z < box.lower[2] + box.size[2]; ++z) {
    for (int y = box.lower[1]; y < box.lower[1] + box.size[1]; ++y) {
      const std::size_t row = std::size_t(size[0]) * (std::size_t(y) + std::size_t(size[1]) * std::size_t(z));
      for (int x = box.lower[0]; x < box.lower[0] + box.size[0]; ++x) out[target++] = values[row + std::size_t(x)];
    }
  }
  return out;
}

void yield_cropped(const std::string& name, const std::vector<double>& whole, const volume& image,
                   const voxel_box& box, const std::string& pixel_type, const filtered_image_sink& sink) {
  sink(filtered_image{name, box, crop_values(whole, image.size, box), pixel_type});
}

// Python's str() of a float: the shortest text that reads back to the same double, in fixed notation for
// decimal exponents -4 to 15 (with ".0" when integral) and scientific notation otherwise ("1e-05").
std::string python_float_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  const std::string text = buffer;
  const std::size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  const bool negative = text[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i) {
    if (text[i] != '.') digits += text[i];
  }
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exponent_text[16];
    std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exponent_text;
  }
  if (exponent < 0) return out + "0." + std::string(std::size_t(-exponent - 1), '0') + digits;
  const std::size_t integer_digits = std::size_t(exponent) + 1;
  if (digits.size() <= integer_digits) return out + digits + std::string(integer_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

// The sigma entries as written in the parameter file, so that names tell 3 from 3.0 as PyRadiomics does.
std::vector<std::string> sigma_texts(const extraction_parameters& parameters, const image_type_selection& image_type,
                                     std::size_t count) {
  std::string text;
  if (const auto found = image_type.overrides.find("sigma"); found != image_type.overrides.end()) {
    text = found->second;
  } else if (const auto setting = parameters.setting_values.find("sigma"); setting != parameters.setting_values.end()) {
    text = setting->second;
  }
  std::vector<std::string> texts;
  if (!text.empty()) {
    const YAML::Node node = YAML::Load(text);
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) texts.push_back(item.Scalar());
    } else if (node.IsScalar()) {
      texts.push_back(node.Scalar());
    }
  }
  if (texts.size() != count) texts.clear();
  return texts;
}

void compute_log_images(const volume& image, const voxel_box& box, const extraction_settings& settings,
                        const std::vector<std::string>& texts, const filtered_image_sink& sink) {
  const int dimensions = image.file_dimensions == 2 ? 2 : 3;
  for (int axis = 0; axis < dimensions; ++axis) {
    if (image.size[axis] < 4) {
      warn("image too small to apply the LoG filter (size " + std::to_string(image.size[axis]) + " along axis " +
           std::to_string(axis) + ", at least 4 needed); no LoG image is computed");
      return;
    }
  }
  for (std::size_t i = 0; i < settings.filters.sigma.size(); ++i) {
    const double sigma = settings.filters.sigma[i];
    const std::string name = log_image_name(texts.empty() ? python_float_text(sigma) : texts[i]);
    bool fits = true;
    for (int axis = 0; axis < dimensions; ++axis) {
      fits = fits && image.size[axis] >= std::ceil(sigma / image.spacing[axis]) + 1;
    }
    if (!fits) {
      warn("LoG sigma " + python_float_text(sigma) + " mm is too large for the image: sigma / spacing + 1 exceeds " +
           "its size along an axis; " + name + " is skipped");
      continue;
    }
    const volume filtered = laplacian_of_gaussian(image, sigma);
    yield_cropped(name, filtered.values, image, box, "float", sink);
  }
}

void compute_wavelet_images(const volume& image, const voxel_box& box, const extraction_settings& settings,
                            const wavelet_function* wavelet, const filtered_image_sink& sink) {
  wavelet_options options;
  options.wavelet = settings.filters.wavelet;
  options.level = settings.filters.level;
  options.start_level = settings.filters.start_level;
  options.force2d = settings.force2d;
  options.force2d_dimension = settings.force2d_dimension;
  options.image_dimensions = image.file_dimensions == 2 ? 2 : 3;
  wavelet_input input;
  input.size = image.size;
  input.values = image.values.data();
  input.precision = wavelet_precision_for(image.value_pixel_type);
  const std::string pixel_type = input.precision == wavelet_precision::float32 ? "float" : "double";
  if (wavelet != nullptr) {
    for (wavelet_decomposition& decomposition : (*wavelet)(input, box, options)) {
      sink(filtered_image{decomposition.name, decomposition.box, std::move(decomposition.values), pixel_type});
    }
    return;
  }
  wavelet_transform(input, box, options, [&](wavelet_decomposition&& decomposition) {
    sink(filtered_image{decomposition.name, decomposition.box, std::move(decomposition.values), pixel_type});
  });
}

// IBSI mode: the LoG of the whole loaded image with the truncated, sampled kernel. With force2D along the
// axial axis (force2Ddimension 0) each slice is filtered in 2D and the name ends in "-2D".
void compute_log_ibsi_images(const volume& image, const voxel_box& box, const extraction_settings& settings,
                             const std::vector<std::string>& texts, const filtered_image_sink& sink) {
  const bool slice_wise = image.file_dimensions == 2 || settings.force2d;
  if (slice_wise && image.file_dimensions == 3 && settings.force2d_dimension != 0) {
    throw input_error("filterMode ibsi: the LoG filters 2D slices only in the axial plane, but force2Ddimension is " +
                      std::to_string(settings.force2d_dimension) + "; set force2Ddimension to 0 or force2D to false");
  }
  log_ibsi_options options;
  options.truncate = settings.filters.ibsi_log_truncate;
  options.boundary = settings.filters.ibsi_boundary_mode;
  options.slice_wise = slice_wise;
  for (std::size_t i = 0; i < settings.filters.sigma.size(); ++i) {
    options.sigma_mm = settings.filters.sigma[i];
    std::string name = log_image_name(texts.empty() ? python_float_text(options.sigma_mm) : texts[i]);
    if (slice_wise) name.replace(name.size() - 2, 2, "2D");
    for (int axis = 0; axis < (slice_wise ? 2 : 3); ++axis) {
      if (options.sigma_mm < image.spacing[axis]) {
        warn(name + ": sigma " + python_float_text(options.sigma_mm) + " mm is below the voxel spacing " +
             python_float_text(image.spacing[axis]) + " mm along axis " + std::to_string(axis) +
             ", so the kernel barely samples the Gaussian there and the filter responds little along it; "
             "resample (resampledPixelSpacing) or use a larger sigma");
        break;
      }
    }
    yield_cropped(name, log_ibsi_response(image.size, image.spacing, image.values, options), image, box, "double",
                  sink);
  }
}

// IBSI mode: every band of the whole loaded image, with the names and order of PyRadiomics' wavelet. The
// returned level r (1-based) is decomposition level start_level + r of the a trous transform.
void compute_wavelet_ibsi_images(const volume& image, const voxel_box& box, const extraction_settings& settings,
                                 const filtered_image_sink& sink) {
  if (image.file_dimensions == 2 || settings.force2d) {
    throw input_error("filterMode ibsi: the IBSI-mode wavelet is 3D only, but the " +
                      std::string(image.file_dimensions == 2 ? "image is 2D" : "settings set force2D") +
                      "; use filterMode pyradiomics for 2D wavelets");
  }
  wavelet_options names_options;
  names_options.level = settings.filters.level;
  names_options.start_level = settings.filters.start_level;
  const std::vector<std::string> names = wavelet_image_names(names_options);
  wavelet_ibsi_options options;
  options.wavelet = settings.filters.wavelet;
  options.boundary = settings.filters.ibsi_boundary_mode;
  options.rotation = settings.filters.ibsi_rotation;
  for (const std::string& name : names) {
    // "wavelet-HHL" is returned level 1, "wavelet2-HHL" level 2; the name ends in the band's letters.
    const std::size_t dash = name.find('-');
    const int returned_level = dash == 7 ? 1 : std::stoi(name.substr(7, dash - 7));
    options.band = name.substr(dash + 1);
    options.level = settings.filters.start_level + returned_level;
    yield_cropped(name, wavelet_ibsi_response(image.size, image.values, options), image, box, "double", sink);
  }
}

// PyRadiomics writes the patterns back into the input array, so they take the input's pixel type.
void compute_lbp2d_image(const volume& image, const voxel_box& box, const extraction_settings& settings,
                         const filtered_image_sink& sink) {
  if (image.file_dimensions == 3 && !settings.force2d) {
    warn("LBP2D is computed slice by slice, but features are extracted in 3D. Set force2D to true to extract "
         "them in 2D");
  }
  lbp_options options;
  options.radius = settings.filters.lbp2d_radius;
  options.samples = settings.filters.lbp2d_samples;
  options.method = parse_lbp_method(settings.filters.lbp2d_method);
  const int axis = image.file_dimensions == 2 ? 0 : settings.force2d_dimension;
  std::vector<double> filtered = lbp2d_filter(image.values, image.size, axis, options);
  cast_to_pixel_type(filtered, image.value_pixel_type);
  yield_cropped("lbp-2D", filtered, image, box, image.value_pixel_type, sink);
}

// PyRadiomics yields lbp-3D-m1 to lbp-3D-m<levels> and then lbp-3D-k, as float64 images.
void compute_lbp3d_images(const volume& image, const voxel_box& box, const extraction_settings& settings,
                          const std::vector<std::uint8_t>* roi, const filtered_image_sink& sink) {
  if (roi == nullptr) {
    throw input_error("LBP3D is computed at the ROI's voxels only and needs a mask; give the MASK argument");
  }
  if (image.file_dimensions == 2) {
    warn("LBP3D is only available for 3D images, but the image is 2D; no LBP3D image is computed");
    return;
  }
  if (settings.force2d) {
    warn("LBP3D is computed in 3D, but features are extracted in 2D (force2D); use with caution");
  }
  lbp3d_options options;
  options.levels = settings.filters.lbp3d_levels;
  options.icosphere_radius = settings.filters.lbp3d_icosphere_radius;
  options.icosphere_subdivision = settings.filters.lbp3d_icosphere_subdivision;
  const std::vector<std::vector<double>> images = lbp3d_filter(image.values, image.size, *roi, image.value_pixel_type, options);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::string name = i + 1 < images.size() ? "lbp-3D-m" + std::to_string(i + 1) : "lbp-3D-k";
    yield_cropped(name, images[i], image, box, "double", sink);
  }
}

}  // namespace

std::string log_image_name(const std::string& sigma_text) {
  std::string text = sigma_text;
  static const std::regex integer("[-+]?[0-9]+");
  if (std::regex_match(text, integer)) {
    text = std::to_string(std::stoll(text));
  } else {
    text = python_float_text(std::strtod(text.c_str(), nullptr));
  }
  for (char& c : text) {
    if (c == '.') c = '-';
  }
  return "log-sigma-" + text + "-mm-3D";
}

void compute_image_type(const volume& image, const voxel_box& box, const extraction_parameters& parameters,
                        const image_type_selection& image_type, const filtered_image_sink& sink,
                        const std::vector<std::uint8_t>* roi, const wavelet_function* wavelet) {
  const extraction_settings settings = settings_for_image_type(parameters, image_type);
  const std::string& type = image_type.name;
  if (type == "Original") {
    yield_cropped("original", image.values, image, box, image.value_pixel_type, sink);
  } else if (type == "Wavelet") {
    if (settings.filters.ibsi_mode) {
      compute_wavelet_ibsi_images(image, box, settings, sink);
    } else {
      compute_wavelet_images(image, box, settings, wavelet, sink);
    }
  } else if (type == "LoG") {
    const std::vector<std::string> texts = sigma_texts(parameters, image_type, settings.filters.sigma.size());
    if (settings.filters.ibsi_mode) {
      compute_log_ibsi_images(image, box, settings, texts, sink);
    } else {
      compute_log_images(image, box, settings, texts, sink);
    }
  } else if (type == "Square") {
    yield_cropped("square", square_filter(image.values), image, box, "double", sink);
  } else if (type == "SquareRoot") {
    yield_cropped("squareroot", square_root_filter(image.values), image, box, "double", sink);
  } else if (type == "Logarithm") {
    yield_cropped("logarithm", logarithm_filter(image.values), image, box, "double", sink);
  } else if (type == "Exponential") {
    yield_cropped("exponential", exponential_filter(image.values), image, box, "double", sink);
  } else if (type == "Gradient") {
    const volume filtered = gradient_magnitude(image, settings.filters.gradient_use_spacing);
    yield_cropped("gradient", filtered.values, image, box, "float", sink);
  } else if (type == "LBP2D") {
    compute_lbp2d_image(image, box, settings, sink);
  } else if (type == "LBP3D") {
    compute_lbp3d_images(image, box, settings, roi, sink);
  } else {
    throw input_error("image type " + type + " is not supported; radcore computes Original, Wavelet, LoG, "
                      "Square, SquareRoot, Logarithm, Exponential, Gradient, LBP2D and LBP3D");
  }
}

}  // namespace radcore
