#include "host/extract.hpp"

#include <cmath>
#include <sstream>

#include "host/catalogue.hpp"
#include "host/diagnostics.hpp"
#include "host/roi_checks.hpp"
#include "host/version.hpp"
#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/shape.hpp"

namespace radcore {
namespace {

// Appends the crop of `image` and `mask` to `box` (no padding) to a batch, as cropToTumorMask does.
void append_crop(const volume& image, const roi_mask& mask, const bounding_box& box, roi_batch& batch) {
  const extent3 crop{box.extent(0), box.extent(1), box.extent(2)};
  std::vector<double> values(std::size_t(crop.count()));
  std::vector<std::uint8_t> inside(std::size_t(crop.count()));
  const std::size_t nx = std::size_t(image.size[0]);
  const std::size_t ny = std::size_t(image.size[1]);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::size_t source = std::size_t(x + box.lower[0]) +
                                   nx * (std::size_t(y + box.lower[1]) + ny * std::size_t(z + box.lower[2]));
        const std::size_t target = std::size_t(crop.index(x, y, z));
        values[target] = image.values[source];
        inside[target] = mask.inside[source];
      }
    }
  }
  batch.add(crop, image.spacing, values.data(), inside.data());
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

// Computes all features of one class for a one-ROI batch.
feature_block compute_class(const std::string& name, const roi_batch& rois, const discrete_batch& discrete,
                            const extraction_settings& settings) {
  const texture_settings texture = settings.texture();
  if (name == "firstorder") return compute_firstorder_features(rois, discrete, settings.voxel_array_shift);
  if (name == "glcm") return compute_glcm_features(discrete, texture);
  if (name == "glrlm") return compute_glrlm_features(discrete, texture);
  if (name == "glszm") return compute_glszm_features(discrete, texture);
  if (name == "gldm") return compute_gldm_features(discrete, texture);
  if (name == "ngtdm") return compute_ngtdm_features(discrete, texture);
  if (name == "shape2D") return compute_shape2d_features(rois, settings.force2d_dimension);
  throw input_error("feature class " + name + " cannot be computed per image type");
}

// Appends the enabled features of one class to the row: all non-deprecated ones in table order when the
// selection names none, else the named ones in the order given (PyRadiomics enables them in that order).
void append_selected(const class_selection& selection, const feature_block& block, const std::string& prefix,
                     feature_row& row) {
  const feature_class_info* info = find_feature_class(selection.name);
  if (selection.features.empty()) {
    for (int f = 0; f < info->count; ++f) {
      if (info->features[f].deprecated) continue;
      row.feature_keys.push_back(prefix + "_" + selection.name + "_" + info->features[f].name);
      row.feature_values.push_back(block.at(0, f));
    }
    return;
  }
  for (const std::string& feature : selection.features) {
    const int f = find_feature(*info, feature);
    if (f < 0) throw input_error("feature " + feature + " is not in class " + selection.name);
    row.feature_keys.push_back(prefix + "_" + selection.name + "_" + feature);
    row.feature_values.push_back(block.at(0, f));
  }
}

binning_settings binning_for(const extraction_settings& settings, const volume& image) {
  binning_settings binning;
  binning.bin_width = settings.bin_width;
  binning.bin_count = settings.bin_count;
  binning.maximum_bin_count = settings.maximum_bin_count;
  binning.float32_source = image.value_pixel_type == "float";
  return binning;
}

}  // namespace

feature_row extract_case(const std::string& image_path, const std::string& mask_path,
                         const extraction_parameters& parameters, int label) {
  extraction_settings settings = parameters.settings;
  if (label != 0) settings.label = label;
  const std::string where = mask_path + " (label " + std::to_string(settings.label) + ")";

  loaded_case loaded = load_case(image_path, mask_path, settings);

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

  for (const class_selection& selection : parameters.classes) {
    if (selection.name != "shape") continue;
    roi_batch shape_rois;
    append_crop(loaded.image, shape_mask, box, shape_rois);
    append_selected(selection, compute_shape_features(shape_rois), "original", row);
  }

  for (const image_type_selection& image_type : parameters.image_types) {
    if (image_type.name != "Original") {
      throw input_error("image type " + image_type.name + " is not supported yet; only Original is");
    }
    roi_batch rois;
    append_crop(loaded.image, texture_mask, box, rois);
    try {
      const discrete_batch discrete = discretise(rois, binning_for(settings, loaded.image));
      for (const class_selection& selection : parameters.classes) {
        if (selection.name == "shape") continue;
        append_selected(selection, compute_class(selection.name, rois, discrete, settings), "original", row);
      }
    } catch (const roi_error& error) {
      throw roi_error(where + ": " + error.what());
    }
  }
  return row;
}

}  // namespace radcore
