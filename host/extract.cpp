#include "host/extract.hpp"

#include <cmath>
#include <iostream>
#include <sstream>
#include <utility>

#include "host/catalogue.hpp"
#include "host/diagnostics.hpp"
#include "host/feature_engine.hpp"
#include "host/image_types.hpp"
#include "host/roi_checks.hpp"
#include "host/version.hpp"
#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "kernels/shape.hpp"

namespace radcore {
namespace {

// Appends the crop of an image to `box` (no padding) to a batch, as cropToTumorMask does. `values` cover
// `values_box` of the image, which contains `box`.
void append_crop(const double* values, const voxel_box& values_box, const std::array<double, 3>& spacing,
                 const roi_mask& mask, const bounding_box& box, roi_batch& batch) {
  const extent3 crop{box.extent(0), box.extent(1), box.extent(2)};
  std::vector<double> cropped(std::size_t(crop.count()));
  std::vector<std::uint8_t> inside(std::size_t(crop.count()));
  const std::size_t nx = std::size_t(mask.size[0]);
  const std::size_t ny = std::size_t(mask.size[1]);
  const std::size_t box_nx = std::size_t(values_box.size[0]);
  const std::size_t box_ny = std::size_t(values_box.size[1]);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::size_t image_x = std::size_t(x + box.lower[0]);
        const std::size_t image_y = std::size_t(y + box.lower[1]);
        const std::size_t image_z = std::size_t(z + box.lower[2]);
        const std::size_t in_values = (image_x - std::size_t(values_box.lower[0])) +
                                      box_nx * ((image_y - std::size_t(values_box.lower[1])) +
                                                box_ny * (image_z - std::size_t(values_box.lower[2])));
        const std::size_t target = std::size_t(crop.index(x, y, z));
        cropped[target] = values[in_values];
        inside[target] = mask.inside[image_x + nx * (image_y + ny * image_z)];
      }
    }
  }
  batch.add(crop, spacing, cropped.data(), inside.data());
}

void append_crop(const volume& image, const roi_mask& mask, const bounding_box& box, roi_batch& batch) {
  const voxel_box whole{{0, 0, 0}, image.size};
  append_crop(image.values.data(), whole, image.spacing, mask, box, batch);
}

voxel_box to_voxel_box(const bounding_box& box) {
  return voxel_box{box.lower, {box.extent(0), box.extent(1), box.extent(2)}};
}

void check_finite(const volume& image, const roi_mask& mask, const std::string& where) {
  std::int64_t non_finite = 0;
  for (std::size_t i = 0; i < image.values.size(); ++i) {
    if (mask.inside[i] && !std::isfinite(image.values[i])) ++non_finite;
  }
  if (non_finite > 0) {
    throw roi_error(where + ": " + std::to_string(non_finite) +
                    " voxel(s) inside the ROI are NaN or infinite; fix the image or exclude them from the mask");
  }
}

// Appends the enabled features of one class to the row: all non-deprecated ones in table order when the
// selection names none, else the named ones in the order given (PyRadiomics enables them in that order).
// Prints one warning per image type and class with NaN features, so a NaN is never silent. PyRadiomics
// gives NaN in the same places, for example GLCM and GLRLM of an ROI where no direction has a voxel pair.
void warn_about_nan(const feature_row& row, const std::string& where) {
  std::vector<std::pair<std::string, int>> groups;  // "<image type>_<class>", NaN count, in output order
  for (std::size_t i = 0; i < row.feature_keys.size(); ++i) {
    if (!std::isnan(row.feature_values[i])) continue;
    const std::string& key = row.feature_keys[i];
    const std::string group = key.substr(0, key.find('_', key.find('_') + 1));
    if (groups.empty() || groups.back().first != group) groups.emplace_back(group, 0);
    ++groups.back().second;
  }
  for (const auto& [group, count] : groups) {
    std::cerr << "radcore: warning: " << where << ": " << count << " " << group
              << " feature(s) are NaN, as PyRadiomics also gives them (no voxel pair or run in any direction, "
                 "or a division by zero); check the ROI\n";
  }
}

void append_selected(const class_selection& selection, const feature_block& block, int block_row,
                     const std::string& prefix, feature_row& row) {
  const feature_class_info* info = find_feature_class(selection.name);
  if (selection.features.empty()) {
    for (int f = 0; f < info->count; ++f) {
      if (info->features[f].deprecated) continue;
      row.feature_keys.push_back(prefix + "_" + selection.name + "_" + info->features[f].name);
      row.feature_values.push_back(block.at(block_row, f));
    }
    return;
  }
  for (const std::string& feature : selection.features) {
    const int f = find_feature(*info, feature);
    if (f < 0) throw input_error("feature " + feature + " is not in class " + selection.name);
    row.feature_keys.push_back(prefix + "_" + selection.name + "_" + feature);
    row.feature_values.push_back(block.at(block_row, f));
  }
}

binning_settings binning_for(const extraction_settings& settings, const std::string& pixel_type) {
  binning_settings binning;
  binning.bin_width = settings.bin_width;
  binning.bin_count = settings.bin_count;
  binning.maximum_bin_count = settings.maximum_bin_count;
  binning.float32_source = pixel_type == "float";
  return binning;
}

// Applies PyRadiomics 3.1.0's gate for shape2D on a 3D image. force2D must be set, and the bounding box must be
// more than one voxel wide along entry force2Ddimension of its (x, y, z) size. That is not the numpy axis that
// force2Ddimension names elsewhere, and shape2D itself then requires one voxel along the numpy axis.
bool shape2d_enabled(const volume& image, const bounding_box& box, const extraction_settings& settings) {
  if (image.file_dimensions == 2) return true;
  if (!settings.force2d) {
    std::cerr << "radcore: warning: shape2D needs force2D: true on a 3D image; no shape2D features are computed\n";
    return false;
  }
  if (box.extent(settings.force2d_dimension) <= 1) {
    std::cerr << "radcore: warning: the bounding box is one voxel wide along axis " << settings.force2d_dimension
              << " (x, y, z order), so PyRadiomics 3.1.0 computes no shape2D features\n";
    return false;
  }
  return true;
}

// One filtered image of the ROI: its crop, its discretised levels and, once computed, one feature block (a
// single row) per per-image-type class.
struct roi_image {
  std::string name;
  extraction_settings settings;
  roi_batch rois;
  discrete_batch discrete;
  std::vector<feature_block> blocks;
};

feature_engine& default_engine() {
  static const std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  return *cpu;
}

// The per-image-type classes of the parameters (every class but shape and shape2D), in their order.
std::vector<std::string> class_names(const extraction_parameters& parameters) {
  std::vector<std::string> names;
  for (const class_selection& selection : parameters.classes) {
    if (selection.name.rfind("shape", 0) != 0) names.push_back(selection.name);
  }
  return names;
}

// Computes the classes of all images in one engine call per group of images with the same settings, so that
// a GPU runs each family once for all of them. When a group fails, its images are computed one at a time,
// so that an error names the image that caused it.
void compute_image_classes(std::vector<roi_image>& images, const std::vector<std::string>& classes,
                           feature_engine& engine, const std::string& where) {
  if (classes.empty()) return;
  std::vector<bool> grouped(images.size(), false);
  for (std::size_t first = 0; first < images.size(); ++first) {
    if (grouped[first]) continue;
    const std::string key = class_settings_key(images[first].settings);
    std::vector<std::size_t> members;
    roi_batch rois;
    discrete_batch discrete;
    for (std::size_t i = first; i < images.size(); ++i) {
      if (grouped[i] || class_settings_key(images[i].settings) != key) continue;
      grouped[i] = true;
      members.push_back(i);
      append_rois(rois, images[i].rois);
      append_rois(discrete, images[i].discrete);
    }
    try {
      const std::vector<feature_block> blocks = engine.compute(classes, rois, discrete, images[first].settings);
      for (std::size_t m = 0; m < members.size(); ++m) {
        for (const feature_block& block : blocks) images[members[m]].blocks.push_back(block_rows(block, int(m), 1));
      }
      continue;
    } catch (const roi_error& error) {
      if (members.size() == 1) throw roi_error(where + ", " + images[first].name + " image: " + error.what());
    }
    for (std::size_t member : members) {
      roi_image& image = images[member];
      try {
        image.blocks = engine.compute(classes, image.rois, image.discrete, image.settings);
      } catch (const roi_error& error) {
        throw roi_error(where + ", " + image.name + " image: " + error.what());
      }
    }
  }
}

}  // namespace

feature_row extract_case(const std::string& image_path, const std::string& mask_path,
                         const extraction_parameters& parameters, int label, feature_engine* engine) {
  extraction_settings settings = parameters.settings;
  if (label != 0) settings.label = label;
  const loaded_case loaded = load_case(image_path, mask_path, settings);
  return extract_loaded(loaded, parameters, settings.label, mask_path + " (label " + std::to_string(settings.label) + ")",
                        engine);
}

feature_row extract_loaded(const loaded_case& loaded, const extraction_parameters& parameters, int label,
                           const std::string& where, feature_engine* engine_or_null) {
  feature_engine& engine = engine_or_null != nullptr ? *engine_or_null : default_engine();
  const wavelet_function wavelet = [&engine](const wavelet_input& input, const voxel_box& wavelet_box,
                                             const wavelet_options& options) {
    return std::move(engine.wavelet({input}, {wavelet_box}, options).front());
  };
  extraction_settings settings = parameters.settings;
  if (label != 0) settings.label = label;

  std::int64_t voxel_count = 0;
  bounding_box box = find_bounding_box(loaded.mask, &voxel_count);
  check_roi(box, voxel_count, settings, where);
  check_finite(loaded.image, loaded.mask, where);

  // PyRadiomics crops the shape mask with the bounding box of the resegmented mask, and uses the
  // resegmented mask for shape only with resegmentShape.
  roi_mask shape_mask = loaded.mask;
  roi_mask texture_mask = loaded.mask;
  if (settings.resegment_range) {
    texture_mask = resegment(loaded.image, loaded.mask, settings, where);
    box = find_bounding_box(texture_mask, &voxel_count);
    check_roi(box, voxel_count, settings, where);
    if (settings.resegment_shape) shape_mask = texture_mask;
  }

  feature_row row;
  if (settings.additional_info) {
    append_diagnostics(parameters, loaded, settings.resegment_range ? &texture_mask : nullptr, row);
  }

  // PyRadiomics computes shape, then shape2D, once on the original image in computeShape. Its
  // computeFeatures skips every class whose name starts with "shape", so no image type gets shape2D.
  for (const char* shape_class : {"shape", "shape2D"}) {
    for (const class_selection& selection : parameters.classes) {
      if (selection.name != shape_class) continue;
      roi_batch shape_rois;
      append_crop(loaded.image, shape_mask, box, shape_rois);
      if (selection.name == "shape") {
        append_selected(selection, compute_shape_features(shape_rois), 0, "original", row);
      } else if (shape2d_enabled(loaded.image, box, settings)) {
        // A 2D file is read as one z slice, so its thin numpy axis is 0 for any force2Ddimension.
        const int thin_axis = loaded.image.file_dimensions == 2 ? 0 : settings.force2d_dimension;
        try {
          append_selected(selection, compute_shape2d_features(shape_rois, thin_axis), 0, "original", row);
        } catch (const roi_error& error) {
          throw roi_error(where + ": " + error.what());
        }
      }
    }
  }

  std::vector<roi_image> images;
  for (const image_type_selection& image_type : parameters.image_types) {
    const extraction_settings type_settings = settings_for_image_type(parameters, image_type);
    // An error of a filter whose settings do not fit this image gets the case and image type as prefix.
    // Errors of the features of a filtered image get their prefix inside and pass through unchanged.
    try {
      compute_image_type(
          loaded.image, to_voxel_box(box), parameters, image_type,
          [&](filtered_image&& filtered) {
            roi_image image;
            image.name = filtered.name;
            image.settings = type_settings;
            append_crop(filtered.values.data(), filtered.box, loaded.image.spacing, texture_mask, box, image.rois);
            try {
              image.discrete = discretise(image.rois, binning_for(type_settings, filtered.pixel_type));
            } catch (const roi_error& error) {
              throw roi_error(where + ", " + filtered.name + " image: " + error.what());
            }
            images.push_back(std::move(image));
          },
          &texture_mask.inside, &wavelet);
    } catch (const roi_error&) {
      throw;
    } catch (const input_error& error) {
      throw input_error(where + ", image type " + image_type.name + ": " + error.what());
    }
  }
  compute_image_classes(images, class_names(parameters), engine, where);
  for (const roi_image& image : images) {
    std::size_t block = 0;
    for (const class_selection& selection : parameters.classes) {
      if (selection.name.rfind("shape", 0) == 0) continue;
      append_selected(selection, image.blocks[block++], 0, image.name, row);
    }
  }
  warn_about_nan(row, where);
  return row;
}

}  // namespace radcore
