// Extraction settings with PyRadiomics' names, defaults and meanings (PyRadiomics 3.1.0).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernels/ibsi_convolution.hpp"
#include "kernels/texture.hpp"
#include "kernels/wavelet_ibsi.hpp"

namespace radcore {

enum class interpolator_kind {
  nearest_neighbor,
  linear,
  bspline,
  gaussian,
  label_gaussian,
  hamming_windowed_sinc,
  cosine_windowed_sinc,
  welch_windowed_sinc,
  lanczos_windowed_sinc,
  blackman_windowed_sinc,
};

enum class resegment_mode { absolute, relative, sigma };

// Settings of the filtered image types, with the defaults PyRadiomics' filter functions use.
struct filter_settings {
  std::vector<double> sigma;       // LoG sigmas in mm; empty yields no LoG image
  std::string wavelet = "coif1";   // a discrete PyWavelets wavelet name
  int level = 1;                   // wavelet levels computed
  int start_level = 0;             // first wavelet level (0-based)
  bool gradient_use_spacing = true;
  double lbp2d_radius = 1.0;
  int lbp2d_samples = 8;
  std::string lbp2d_method = "uniform";  // default, ror, uniform or var
  int lbp3d_levels = 2;
  double lbp3d_icosphere_radius = 1.0;
  int lbp3d_icosphere_subdivision = 1;
  // radcore's own settings. `filterMode: ibsi` computes Wavelet and LoG as the IBSI 2 filter definitions
  // set them (a trous levels, the boundary below, optional rotation invariance, truncated LoG kernel)
  // instead of as PyRadiomics does.
  bool ibsi_mode = false;
  ibsi_boundary ibsi_boundary_mode = ibsi_boundary::mirror;
  ibsi_rotation_pooling ibsi_rotation = ibsi_rotation_pooling::none;
  double ibsi_log_truncate = 4.0;  // LoG kernel radius in standard deviations
};

// The `setting:` section. Optional fields are PyRadiomics' None.
struct extraction_settings {
  // Discretisation
  double bin_width = 25.0;
  std::optional<int> bin_count;
  std::int64_t maximum_bin_count = 100000;  // radcore's own setting: largest bin index accepted
  int voxel_array_shift = 0;

  // Mask and ROI checks
  int label = 1;
  int label_channel = 0;
  int minimum_roi_dimensions = 2;
  std::optional<int> minimum_roi_size;
  std::optional<double> geometry_tolerance;
  bool correct_mask = false;
  bool additional_info = true;

  // Preprocessing
  bool normalize = false;
  double normalize_scale = 1.0;
  std::optional<double> remove_outliers;
  std::optional<std::array<double, 3>> resampled_pixel_spacing;  // (x, y, z) mm; 0 keeps that axis
  interpolator_kind interpolator = interpolator_kind::bspline;
  int pad_distance = 5;
  bool pre_crop = false;

  // Resegmentation
  std::optional<std::vector<double>> resegment_range;  // one or two values
  resegment_mode resegment = resegment_mode::absolute;
  bool resegment_shape = false;

  // Texture
  std::vector<int> distances{1};
  bool force2d = false;
  int force2d_dimension = 0;
  bool symmetrical_glcm = true;
  weighting_norm weighting = weighting_norm::none;
  int gldm_a = 0;

  filter_settings filters;

  texture_settings texture() const;
};

// One feature class as the parameter file enables it: all non-deprecated features (empty `features`),
// or the named ones (computed even when deprecated).
struct class_selection {
  std::string name;  // firstorder, shape, shape2D, glcm, glrlm, glszm, gldm, ngtdm
  std::vector<std::string> features;
};

// One image type with its own setting overrides (the `imageType:` section).
struct image_type_selection {
  std::string name;  // Original, Wavelet, LoG, Square, SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D
  std::map<std::string, std::string> overrides;  // checked `setting` names and their values as YAML text
};

// A whole parameter file: settings, enabled classes in file order, enabled image types in file order.
struct extraction_parameters {
  extraction_settings settings;
  std::vector<class_selection> classes;
  std::vector<image_type_selection> image_types;
  std::map<std::string, std::string> setting_values;  // the `setting:` entries given, as YAML text
  std::string text;  // canonical YAML of the effective parameters, for provenance; parse_parameters reads it
};

// Returns PyRadiomics' defaults: image type Original, every class except shape2D.
extraction_parameters default_parameters();

// Parses a PyRadiomics parameter file. Throws input_error that names the file, the setting and the
// problem for an unknown name, a value of the wrong type or out of range, or an unknown class or feature.
extraction_parameters load_parameters_file(const std::string& path);

// Parses parameter text (YAML or JSON, as PyRadiomics accepts); `source` names it in errors.
extraction_parameters parse_parameters(const std::string& text, const std::string& source);

// Applies one `-s NAME:VALUE` override, with the value parsed as YAML. Throws input_error as above.
void apply_setting_override(extraction_parameters& parameters, const std::string& name_value);

// Returns the settings for one image type: `setting:` with the type's own overrides on top. PyRadiomics
// resamples before it filters, so interpolator, resampledPixelSpacing and padDistance overrides of an
// image type have no effect there, and callers should take those from parameters.settings.
extraction_settings settings_for_image_type(const extraction_parameters& parameters,
                                            const image_type_selection& image_type);

// The image type names PyRadiomics 3.1.0 accepts, in its order (sorted names of its get*Image functions).
const std::vector<std::string>& image_type_names();

}  // namespace radcore
