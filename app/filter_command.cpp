#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "host/image_types.hpp"
#include "host/settings.hpp"
#include "io/case_loader.hpp"
#include "io/image_reader.hpp"
#include "io/preprocess.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {
namespace {

struct filter_options {
  std::string image;
  std::string mask;
  std::string parameter_file;
  std::vector<std::string> setting_overrides;
  std::string folder;
};

// Returns the case that PyRadiomics filters: the preprocessed image and mask when MASK is given, else the
// image as read, normalised when `normalize` is set. Resampling and preCrop need the mask's bounding box.
loaded_case image_to_filter(const filter_options& options, const extraction_settings& settings) {
  if (!options.mask.empty()) return load_case(options.image, options.mask, settings);
  if (settings.resampled_pixel_spacing || settings.pre_crop) {
    throw input_error("resampledPixelSpacing and preCrop crop the image around the ROI; give the MASK argument");
  }
  loaded_case loaded;
  loaded.image = read_volume(options.image);
  if (settings.normalize) {
    loaded.image = preprocess::normalize(loaded.image, settings.remove_outliers, settings.normalize_scale);
  }
  return loaded;
}

void run_filter(const filter_options& options) {
  extraction_parameters parameters =
      options.parameter_file.empty() ? default_parameters() : load_parameters_file(options.parameter_file);
  for (const std::string& name_value : options.setting_overrides) apply_setting_override(parameters, name_value);

  if (options.mask.empty()) {
    for (const image_type_selection& image_type : parameters.image_types) {
      if (image_type.name == "LBP3D") {
        throw input_error("LBP3D is computed at the ROI's voxels only and needs a mask; give the MASK argument");
      }
    }
  }
  const loaded_case loaded = image_to_filter(options, parameters.settings);
  const volume& image = loaded.image;
  // LBP3D is computed at the ROI's voxels, so it needs the mask; the other image types do not.
  const std::vector<std::uint8_t>* roi = options.mask.empty() ? nullptr : &loaded.mask.inside;
  std::filesystem::create_directories(options.folder);
  const voxel_box whole{{0, 0, 0}, image.size};
  for (const image_type_selection& image_type : parameters.image_types) {
    compute_image_type(image, whole, parameters, image_type, [&](filtered_image&& filtered) {
      volume output = image;
      output.values = std::move(filtered.values);
      std::size_t nonfinite = 0;
      for (std::size_t i = 0; i < output.values.size(); ++i) {
        const bool counted = roi == nullptr || (*roi)[i] != 0;
        if (counted && !std::isfinite(output.values[i])) ++nonfinite;
      }
      if (nonfinite > 0) {
        std::cerr << "radcore: warning: " << filtered.name << ": " << nonfinite << " of "
                  << (roi == nullptr ? output.values.size() : std::size_t(loaded.mask.voxel_count))
                  << (roi == nullptr ? " voxels" : " ROI voxels")
                  << " are NaN or infinite; features of this image cannot be computed with these settings\n";
      }
      const std::string path = (std::filesystem::path(options.folder) / (filtered.name + ".nii.gz")).string();
      write_volume(output, path);
      std::cerr << "radcore: wrote " << path << '\n';
    }, roi);
  }
}

}  // namespace

subcommand add_filter_command(CLI::App& parent) {
  auto options = std::make_shared<filter_options>();
  CLI::App* app = parent.add_subcommand(
      "filter", "Write every filtered image of a parameter file's image types as FOLDER/<image type>.nii.gz");
  app->add_option("image", options->image, "Image file")->required();
  app->add_option("mask", options->mask,
                  "Mask file; with it the image is preprocessed (normalised, resampled, cropped) as for extraction");
  app->add_option("-p,--param,--params", options->parameter_file, "PyRadiomics parameter file (YAML or JSON)");
  app->add_option("-s,--setting", options->setting_overrides, "Override one setting, as NAME:VALUE (repeatable)");
  app->add_option("-o,--out", options->folder, "Folder to write the images into (created if missing)")->required();
  return {app, [options] { run_filter(*options); }};
}

}  // namespace radcore::cli
