// Reading an image and its mask with ITK, and PyRadiomics' preprocessing up to the bounding-box check:
// label selection, normalisation, resampling or pre-cropping, and mask correction. ITK stays inside io/.
#pragma once

#include <array>
#include <cstdint>
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
};

// The image and mask ready for the ROI checks, after preprocessing.
struct loaded_case {
  volume image;
  roi_mask mask;
  load_diagnostics diagnostics;
};

// Returns the labels present in a mask file (non-zero values, ascending), for --labels all and messages.
std::vector<int> read_mask_labels(const std::string& mask_path, int label_channel);

// Reads the image and mask and applies PyRadiomics' preprocessing in its order. Throws input_error with the
// file name and the reason for a missing, unreadable or truncated file, a label not in the mask (listing
// the labels present), an empty mask, or a geometry mismatch beyond geometryTolerance without correctMask.
loaded_case load_case(const std::string& image_path, const std::string& mask_path,
                      const extraction_settings& settings);

}  // namespace radcore
