// PyRadiomics 3.1.0's loading order: featureextractor.loadImage (getMask, normalizeImage, resampleImage or
// preCrop), then the geometry part of imageoperations.checkMask (with _correctMask). The ITK steps are in
// io/preprocess.cpp. This file contains the order, the index arithmetic and the messages.
#include "io/case_loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>

#include "io/image_reader.hpp"
#include "io/preprocess.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"
#include "kernels/pairwise_sum.hpp"

namespace radcore {
namespace {

// Inclusive index bounds (x, y, z) and voxel count of one label in a mask.
struct label_bounds {
  std::array<int, 3> lower{};
  std::array<int, 3> upper{};
  std::int64_t count = 0;

  int extent(int axis) const { return upper[axis] - lower[axis] + 1; }
};

label_bounds find_label_bounds(const volume& mask, double label) {
  label_bounds bounds;
  bounds.lower = {std::numeric_limits<int>::max(), std::numeric_limits<int>::max(), std::numeric_limits<int>::max()};
  bounds.upper = {-1, -1, -1};
  std::size_t i = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x, ++i) {
        if (mask.values[i] != label) continue;
        const int index[3] = {x, y, z};
        for (int axis = 0; axis < 3; ++axis) {
          bounds.lower[axis] = std::min(bounds.lower[axis], index[axis]);
          bounds.upper[axis] = std::max(bounds.upper[axis], index[axis]);
        }
        ++bounds.count;
      }
    }
  }
  return bounds;
}

std::string tuple_text(const double* values, int n) {
  std::ostringstream out;
  out.precision(17);
  out << "(";
  for (int i = 0; i < n; ++i) out << (i ? ", " : "") << values[i];
  out << ")";
  return out.str();
}

std::string tuple_text(const int* values, int n) {
  std::string out = "(";
  for (int i = 0; i < n; ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + ")";
}

// sitk.Cast(mask, sitkUInt32) is a static_cast per voxel. On x86-64 a float-to-unsigned cast goes through a
// 64-bit signed conversion, so negative values wrap modulo 2^32 like negative integers do.
double cast_to_uint32(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 9.2e18) return 0.0;
  return double(std::uint32_t(std::int64_t(std::trunc(value))));
}

volume read_mask(const std::string& mask_path, int label_channel) {
  volume mask = read_volume(mask_path, label_channel);
  for (double& value : mask.values) value = cast_to_uint32(value);
  mask.value_pixel_type = "unsigned_int";
  return mask;
}

// Non-zero label values of a mask, ascending, as float64 (exact for every uint32 label).
std::vector<double> label_values_of(const volume& mask) {
  std::vector<double> labels;
  for (double value : mask.values) {
    if (value != 0.0) labels.push_back(value);
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

// The labels that fit an int (PyRadiomics' `label` setting is an int); larger values cannot be selected.
std::vector<int> labels_of(const volume& mask) {
  std::vector<int> labels;
  for (double value : label_values_of(mask)) {
    if (value <= double(std::numeric_limits<int>::max())) labels.push_back(int(value));
  }
  return labels;
}

// Rejects the mask as imageoperations.getMask does: an all-zero mask has no labels, and `label` must be one of
// its values.
void check_label(const volume& mask, const std::string& mask_path, int label) {
  const std::vector<double> labels = label_values_of(mask);
  if (labels.empty()) {
    throw input_error(mask_path +
                      ": no labels found, every voxel of the mask is 0; check that this file is the "
                      "segmentation of the image");
  }
  const bool has_zero = std::find(mask.values.begin(), mask.values.end(), 0.0) != mask.values.end();
  if (std::find(labels.begin(), labels.end(), double(label)) != labels.end() || (label == 0 && has_zero)) return;
  std::string present;
  for (double value : labels) present += (present.empty() ? "" : ", ") + std::to_string(std::uint64_t(value));
  throw input_error(mask_path + ": label " + std::to_string(label) +
                    " not present in the mask; the labels present are " + present + "; set `label` to one of them");
}

// Little-endian bytes of the values in `pixel_type`, the buffer that sitk.Hash digests.
std::string hash_values(const volume& image, const std::string& pixel_type) {
  auto digest = [&](auto sample) {
    using native = decltype(sample);
    std::vector<native> buffer(image.values.size());
    for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<native>(image.values[i]);
    return sha1_hex(buffer.data(), buffer.size() * sizeof(native));
  };
  if (pixel_type == "char") return digest(std::int8_t{});
  if (pixel_type == "unsigned_char") return digest(std::uint8_t{});
  if (pixel_type == "short") return digest(std::int16_t{});
  if (pixel_type == "unsigned_short") return digest(std::uint16_t{});
  if (pixel_type == "int") return digest(std::int32_t{});
  if (pixel_type == "unsigned_int") return digest(std::uint32_t{});
  if (pixel_type == "long" || pixel_type == "long_long") return digest(std::int64_t{});
  if (pixel_type == "unsigned_long" || pixel_type == "unsigned_long_long") return digest(std::uint64_t{});
  if (pixel_type == "float") return digest(float{});
  return digest(double{});
}

// numpy.mean of a contiguous float64 array: pairwise summation, then one division.
double numpy_mean(const std::vector<double>& values) {
  return values.empty() ? std::nan("") : pairwise_sum(values.data(), values.size()) / double(values.size());
}

// numpy.min and numpy.max: NaN as soon as any value is NaN (std::minmax_element would depend on its position).
void numpy_min_max(const std::vector<double>& values, double& minimum, double& maximum) {
  minimum = std::numeric_limits<double>::infinity();
  maximum = -std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (std::isnan(v)) {
      minimum = maximum = v;
      return;
    }
    minimum = std::min(minimum, v);
    maximum = std::max(maximum, v);
  }
}

image_facts describe_image(const volume& image) {
  image_facts facts;
  facts.spacing = image.spacing;
  facts.size = image.size;
  facts.mean = numpy_mean(image.values);
  if (!image.values.empty()) numpy_min_max(image.values, facts.minimum, facts.maximum);
  return facts;
}

// GeneralInfo.addMaskElements; `image` adds the ROI's intensity mean, minimum and maximum.
mask_facts describe_mask(const volume& mask, int label, const volume* image) {
  mask_facts facts;
  facts.spacing = mask.spacing;
  facts.size = mask.size;
  const label_bounds bounds = find_label_bounds(mask, label);
  facts.voxel_count = bounds.count;
  facts.volume_count = preprocess::count_components(mask, label);
  if (bounds.count == 0) return facts;
  for (int axis = 0; axis < 3; ++axis) {
    facts.bounding_box[axis] = bounds.lower[axis];
    facts.bounding_box[3 + axis] = bounds.extent(axis);
  }

  // Integer index sums are exact in double, so the mean equals numpy's for any summation order.
  double sums[3] = {0, 0, 0};
  std::vector<double> roi_values;
  std::size_t i = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x, ++i) {
        if (mask.values[i] != label) continue;
        sums[0] += x;
        sums[1] += y;
        sums[2] += z;
        if (image) roi_values.push_back(image->values[i]);
      }
    }
  }
  for (int axis = 0; axis < 3; ++axis) facts.center_of_mass_index[axis] = sums[axis] / double(bounds.count);
  facts.center_of_mass = preprocess::index_to_point(mask, facts.center_of_mass_index);
  if (image) {
    facts.has_intensity = true;
    facts.mean = numpy_mean(roi_values);
    numpy_min_max(roi_values, facts.minimum, facts.maximum);
  }
  return facts;
}

// The reason why ITK's ImageToImageFilter::VerifyInputInformation would reject the pair, or "" when the image
// and mask occupy the same space. ITK scales the coordinate tolerance by the image's first spacing only.
std::string describe_mismatch(const volume& image, const volume& mask, double tolerance) {
  std::ostringstream out;
  out.precision(6);
  if (image.size != mask.size) {
    out << "the image size is " << tuple_text(image.size.data(), 3) << " voxels but the mask size is "
        << tuple_text(mask.size.data(), 3);
    return out.str();
  }
  const double coordinate_tolerance = std::fabs(tolerance * image.spacing[0]);
  const char* axis_names[3] = {"x", "y", "z"};
  for (int axis = 0; axis < 3; ++axis) {
    const double difference = std::fabs(image.origin[axis] - mask.origin[axis]);
    if (difference > coordinate_tolerance) {
      out << "the origins differ by " << difference << " mm in " << axis_names[axis] << " (tolerance "
          << coordinate_tolerance << " mm)";
      return out.str();
    }
  }
  for (int axis = 0; axis < 3; ++axis) {
    const double difference = std::fabs(image.spacing[axis] - mask.spacing[axis]);
    if (difference > coordinate_tolerance) {
      out << "the spacings differ by " << difference << " mm in " << axis_names[axis] << " (tolerance "
          << coordinate_tolerance << " mm)";
      return out.str();
    }
  }
  for (int k = 0; k < 9; ++k) {
    const double difference = std::fabs(image.direction[k] - mask.direction[k]);
    if (difference > tolerance) {
      out << "the direction cosines differ by " << difference << " (tolerance " << tolerance << ")";
      return out.str();
    }
  }
  return "";
}

// imageoperations._checkROI: the ROI's corners, mapped into the image's continuous index space, must lie
// within the image's voxel edges, with 1e-3 voxel of slack. Returns the ROI's bounds in the mask.
label_bounds check_roi_inside_image(const volume& image, const volume& mask, int label, const std::string& image_path,
                                    const std::string& mask_path) {
  const label_bounds bounds = find_label_bounds(mask, label);
  if (bounds.count == 0) {
    throw input_error(mask_path + ": label " + std::to_string(label) + " not present in the mask");
  }
  std::array<double, 3> low_corner{}, high_corner{};
  for (int axis = 0; axis < 3; ++axis) {
    low_corner[axis] = double(bounds.lower[axis]) - 0.5;
    high_corner[axis] = double(bounds.lower[axis] + bounds.extent(axis)) - 0.5;
  }
  const auto low = preprocess::point_to_index(image, preprocess::index_to_point(mask, low_corner));
  const auto high = preprocess::point_to_index(image, preprocess::index_to_point(mask, high_corner));
  constexpr double slack = 1e-3;
  for (int axis = 0; axis < 3; ++axis) {
    const double smallest = std::min(low[axis], high[axis]);
    const double largest = std::max(low[axis], high[axis]);
    if (smallest < -0.5 - slack || largest > double(image.size[axis]) - 0.5 + slack) {
      throw input_error(mask_path + ": the bounding box of label " + std::to_string(label) +
                        " extends outside the image " + image_path + " (ROI corners at image index " +
                        tuple_text(low.data(), 3) + " and " + tuple_text(high.data(), 3) + ", image size " +
                        tuple_text(image.size.data(), 3) +
                        "); check that the mask belongs to this image and has the same orientation");
    }
  }
  return bounds;
}

// Applies checkMask's geometry step and returns whether the mask was resampled. When the mask does not occupy
// the image's space, correctMask resamples it onto the image grid with nearest-neighbour interpolation.
// Without correctMask the pair is rejected.
bool match_mask_to_image(const volume& image, volume& mask, const extraction_settings& settings,
                         const std::string& image_path, const std::string& mask_path) {
  // NOTE: PyRadiomics sets geometryTolerance as SimpleITK's process-wide default, so a value set by an earlier
  // extractor stays in force for later ones that leave it unset. radcore applies each case's own setting.
  const double tolerance = settings.geometry_tolerance.value_or(1e-6);
  const std::string mismatch = describe_mismatch(image, mask, tolerance);
  if (mismatch.empty()) return false;
  if (!settings.correct_mask) {
    throw input_error(image_path + " and " + mask_path + " do not occupy the same physical space: " + mismatch +
                      "; set correctMask: true to resample the mask onto the image grid, or raise "
                      "geometryTolerance if the difference is rounding");
  }
  check_roi_inside_image(image, mask, settings.label, image_path, mask_path);
  mask = preprocess::resample(mask, preprocess::grid_of(image), interpolator_kind::nearest_neighbor);
  if (find_label_bounds(mask, settings.label).count == 0) {
    throw input_error(mask_path + ": no voxel keeps label " + std::to_string(settings.label) +
                      " after correctMask resampled the mask onto the image grid; the ROI is smaller than one "
                      "image voxel");
  }
  return true;
}

// cropToTumorMask: the ROI's bounding box grown by `pad` voxels, kept inside the mask's extent.
void crop_to_roi(volume& image, volume& mask, const label_bounds& bounds, int pad) {
  std::array<int, 3> lower{}, size{};
  for (int axis = 0; axis < 3; ++axis) {
    const int crop_low = std::max(bounds.lower[axis] - pad, 0);
    const int crop_high = std::max(mask.size[axis] - bounds.upper[axis] - pad - 1, 0);
    lower[axis] = crop_low;
    size[axis] = mask.size[axis] - crop_low - crop_high;
  }
  image = preprocess::crop(image, lower, size);
  mask = preprocess::crop(mask, lower, size);
}

bool all_close(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  // numpy.allclose defaults: |a - b| <= 1e-8 + 1e-5 * |b|.
  for (int axis = 0; axis < 3; ++axis) {
    if (!(std::fabs(a[axis] - b[axis]) <= 1e-8 + 1e-5 * std::fabs(b[axis]))) return false;
  }
  return true;
}

// imageoperations.resampleImage. The new grid starts at the corner of the mask's first voxel and covers the
// ROI's bounding box plus padDistance voxels of the new spacing, clipped to the mask's extent.
void resample_case(volume& image, volume& mask, const extraction_settings& settings, const std::string& image_path,
                   const std::string& mask_path) {
  std::array<double, 3> spacing = *settings.resampled_pixel_spacing;
  for (int axis = 0; axis < 3; ++axis) {
    if (spacing[axis] == 0.0) spacing[axis] = mask.spacing[axis];
  }
  label_bounds bounds = check_roi_inside_image(image, mask, settings.label, image_path, mask_path);
  for (int axis = 0; axis < 3; ++axis) {
    if (bounds.extent(axis) == 1) spacing[axis] = mask.spacing[axis];
  }

  if (all_close(image.spacing, spacing)) {
    mask = preprocess::resample(mask, preprocess::grid_of(image), interpolator_kind::nearest_neighbor);
    bounds = find_label_bounds(mask, settings.label);
    if (bounds.count == 0) {
      throw input_error(mask_path + ": no voxel keeps label " + std::to_string(settings.label) +
                        " after the mask was resampled onto the image grid");
    }
    crop_to_roi(image, mask, bounds, settings.pad_distance);
    return;
  }

  preprocess::grid output;
  output.spacing = spacing;
  output.direction = mask.direction;
  std::array<double, 3> origin_index{};
  std::array<double, 3> sizes{};
  for (int axis = 0; axis < 3; ++axis) {
    const double ratio = mask.spacing[axis] / spacing[axis];
    const int size = bounds.extent(axis);
    double low = std::floor((double(bounds.lower[axis]) - 0.5) * ratio - settings.pad_distance);
    double high = std::ceil((double(bounds.lower[axis] + size) - 0.5) * ratio + settings.pad_distance);
    const double max_high = std::ceil(double(mask.size[axis]) * ratio) - 1;
    if (low < 0) low = 0;
    if (high > max_high) high = max_high;
    sizes[axis] = high - low + 1;
    output.size[axis] = sizes[axis] <= double(std::numeric_limits<int>::max()) ? int(sizes[axis]) : 0;
    // Index 0 of the new grid sits half a new voxel from the corner of the mask's first voxel.
    const double corner_offset = 0.5 * (spacing[axis] - mask.spacing[axis]) / mask.spacing[axis];
    origin_index[axis] = corner_offset + low / ratio;
  }
  // The resampled crop is held as float64 twice (image and mask); 2^30 voxels is 8 GiB each.
  constexpr double maximum_resampled_voxels = double(1 << 30);
  const double voxels = sizes[0] * sizes[1] * sizes[2];
  if (!(voxels <= maximum_resampled_voxels)) {
    std::ostringstream message;
    message << mask_path << ": resampledPixelSpacing (" << spacing[0] << ", " << spacing[1] << ", " << spacing[2]
            << ") mm would make a grid of " << sizes[0] << " x " << sizes[1] << " x " << sizes[2]
            << " voxels around the ROI, above radcore's limit of 2^30 voxels; use a coarser spacing";
    throw input_error(message.str());
  }
  output.origin = preprocess::index_to_point(mask, origin_index);
  image = preprocess::resample(image, output, settings.interpolator);
  mask = preprocess::resample(mask, output, interpolator_kind::nearest_neighbor);
}

roi_mask to_roi_mask(const volume& mask, int label) {
  roi_mask out;
  out.size = mask.size;
  out.spacing = mask.spacing;
  out.origin = mask.origin;
  out.direction = mask.direction;
  out.inside.resize(mask.values.size());
  for (std::size_t i = 0; i < mask.values.size(); ++i) out.inside[i] = mask.values[i] == double(label);
  const label_bounds bounds = find_label_bounds(mask, label);
  out.voxel_count = bounds.count;
  for (int axis = 0; axis < 3; ++axis) {
    out.bounding_box[2 * axis] = bounds.lower[axis];
    out.bounding_box[2 * axis + 1] = bounds.upper[axis];
  }
  return out;
}

}  // namespace

std::vector<int> read_mask_labels(const std::string& mask_path, int label_channel) {
  return labels_of(read_mask(mask_path, label_channel));
}

mask_facts describe_roi(const roi_mask& mask, const volume& image) {
  volume labels;
  labels.size = mask.size;
  labels.spacing = mask.spacing;
  labels.origin = mask.origin;
  labels.direction = mask.direction;
  labels.values.assign(mask.inside.begin(), mask.inside.end());
  return describe_mask(labels, 1, &image);
}

loaded_case load_case(const std::string& image_path, const std::string& mask_path,
                      const extraction_settings& settings) {
  volume image = read_volume(image_path, 0);
  volume mask = read_mask(mask_path, settings.label_channel);
  check_label(mask, mask_path, settings.label);

  loaded_case loaded;
  load_diagnostics& facts = loaded.diagnostics;
  facts.image_hash = hash_values(image, image.pixel_type);
  facts.mask_hash = hash_values(mask, "unsigned_int");
  facts.image_dimensionality = image.file_dimensions;
  const image_facts original = describe_image(image);
  facts.image_spacing = original.spacing;
  facts.image_size = original.size;
  facts.image_mean = original.mean;
  facts.image_minimum = original.minimum;
  facts.image_maximum = original.maximum;
  facts.mask_original = describe_mask(mask, settings.label, nullptr);
  facts.mask_spacing = mask.spacing;
  facts.mask_size = mask.size;

  if (settings.normalize) image = preprocess::normalize(image, settings.remove_outliers, settings.normalize_scale);

  if (settings.resampled_pixel_spacing) {
    resample_case(image, mask, settings, image_path, mask_path);
    facts.image_interpolated = describe_image(image);
    facts.mask_interpolated = describe_mask(mask, settings.label, &image);
  } else if (settings.pre_crop) {
    match_mask_to_image(image, mask, settings, image_path, mask_path);
    crop_to_roi(image, mask, find_label_bounds(mask, settings.label), settings.pad_distance);
  }

  // In PyRadiomics this check runs in execute(), after loadImage. It passes at once after resampling or
  // pre-cropping, because both leave the image and mask on one grid.
  if (match_mask_to_image(image, mask, settings, image_path, mask_path)) {
    facts.mask_corrected = describe_mask(mask, settings.label, &image);
  }

  loaded.mask = to_roi_mask(mask, settings.label);
  loaded.image = std::move(image);
  return loaded;
}

}  // namespace radcore
