// Reading an image and its mask with ITK, and PyRadiomics' preprocessing up to the bounding-box check:
// label selection, normalisation, resampling or pre-cropping, and mask correction. ITK stays inside io/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/settings.hpp"

namespace radcore {

// An image on a voxel grid, with values converted to float64 (exact for every integer and float32 input).
// Arrays are in numpy order (z, y, x) with x varying fastest.
struct volume {
  std::array<int, 3> size{};          // (x, y, z) voxels
  std::array<double, 3> spacing{};    // (x, y, z) mm
  std::array<double, 3> origin{};     // (x, y, z) mm
  std::array<double, 9> direction{};  // row-major 3x3 direction cosines
  std::string pixel_type;             // ITK component type of the file, e.g. "short", "float"
  // ITK component type that `values` hold after preprocessing: the file's type, or "double" after
  // normalisation (sitk.Normalize returns float64). Resampling keeps it, as PyRadiomics does.
  std::string value_pixel_type;
  int file_dimensions = 3;  // dimensions of the file: 2 for a 2D image, read as one slice
  std::vector<double> values;
};

// A mask after label selection: 1 where the mask equals the requested label, 0 elsewhere, on the grid of
// the image it belongs to (after any correction or resampling).
struct roi_mask {
  std::array<int, 3> size{};
  std::array<double, 3> spacing{};
  std::array<double, 3> origin{};
  std::array<double, 9> direction{};
  std::vector<std::uint8_t> inside;
  // Inclusive ROI bounds in PyRadiomics' checkMask order (L_x, U_x, L_y, U_y, L_z, U_z), as
  // sitk.LabelStatisticsImageFilter returns them, and the number of ROI voxels.
  std::array<int, 6> bounding_box{};
  std::int64_t voxel_count = 0;
};

// The diagnostics_Mask-<stage>_* facts of one mask, as PyRadiomics' GeneralInfo.addMaskElements computes them.
struct mask_facts {
  std::array<double, 3> spacing{};
  std::array<int, 3> size{};
  std::array<int, 6> bounding_box{};  // sitk.LabelShapeStatisticsImageFilter order: lower x, y, z, then size x, y, z
  std::int64_t voxel_count = 0;
  int volume_count = 0;                        // 26-connected components of the ROI
  std::array<double, 3> center_of_mass_index{};  // mean voxel index (x, y, z)
  std::array<double, 3> center_of_mass{};        // the same point in mm
  // Image values inside the ROI; PyRadiomics adds them for every stage except "original".
  bool has_intensity = false;
  double mean = 0, minimum = 0, maximum = 0;
};

// The diagnostics_Image-<stage>_* facts of one image.
struct image_facts {
  std::array<double, 3> spacing{};
  std::array<int, 3> size{};
  double mean = 0, minimum = 0, maximum = 0;
};

// What the loader reports for the diagnostics_* columns.
struct load_diagnostics {
  std::string image_hash;  // SHA-1 of the image's pixel buffer, as SimpleITK's Hash
  std::string mask_hash;
  int image_dimensionality = 3;
  std::array<double, 3> image_spacing{};
  std::array<int, 3> image_size{};
  double image_mean = 0, image_minimum = 0, image_maximum = 0;
  std::array<double, 3> mask_spacing{};
  std::array<int, 3> mask_size{};

  mask_facts mask_original;                        // the mask as read, after label-channel selection
  std::optional<image_facts> image_interpolated;  // set when resampledPixelSpacing is set
  std::optional<mask_facts> mask_interpolated;
  std::optional<mask_facts> mask_corrected;  // set when correctMask resampled the mask onto the image grid
};

// The image and mask ready for the ROI checks, after preprocessing.
struct loaded_case {
  volume image;
  roi_mask mask;
  load_diagnostics diagnostics;
};

// Returns the diagnostics facts of an ROI mask on `image`'s grid, with the ROI's intensity statistics, as
// PyRadiomics reports a corrected, interpolated or resegmented mask.
mask_facts describe_roi(const roi_mask& mask, const volume& image);

// Returns the labels present in a mask file (non-zero values, ascending), for --labels all and messages.
std::vector<int> read_mask_labels(const std::string& mask_path, int label_channel);

// Reads the image and mask and applies PyRadiomics' preprocessing in its order. Throws input_error with the
// file name and the reason for a missing, unreadable or truncated file, a label not in the mask (listing
// the labels present), an empty mask, or a geometry mismatch beyond geometryTolerance without correctMask.
loaded_case load_case(const std::string& image_path, const std::string& mask_path,
                      const extraction_settings& settings);

}  // namespace radcore
