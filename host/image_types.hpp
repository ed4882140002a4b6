// PyRadiomics' image types (imageoperations.get<Type>Image in PyRadiomics 3.1.0): the filtered images that
// features are computed on, with PyRadiomics' names and yield order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/settings.hpp"
#include "io/case_loader.hpp"
#include "kernels/wavelet.hpp"

namespace radcore {

// One filtered image, restricted to a box of the loaded image.
struct filtered_image {
  std::string name;  // PyRadiomics' image type name, e.g. "original", "wavelet-LLH", "log-sigma-3-0-mm-3D"
  voxel_box box;     // the region of the loaded image that `values` cover
  std::vector<double> values;  // numpy order (z, y, x), x fastest
  // ITK component type the filter returns, which decides float32 binning: the loaded image's own for
  // Original, "float" for LoG, Gradient and wavelets of float32 input, "double" otherwise.
  std::string pixel_type;
};

// Receives each filtered image as it is computed.
using filtered_image_sink = std::function<void(filtered_image&&)>;

// Computes the PyRadiomics-mode wavelet of one box, as wavelet_transform does (for example on a GPU).
using wavelet_function =
    std::function<std::vector<wavelet_decomposition>(const wavelet_input&, const voxel_box&, const wavelet_options&)>;

// Computes the images of one image type from the loaded (preprocessed) image and passes each, cropped to
// `box`, to `sink` in PyRadiomics' yield order. Wavelets are computed on the box and its margin only. The
// other filters run on the whole image, as PyRadiomics runs them, and are then cropped. LoG sigmas that
// PyRadiomics skips (image under 4 voxels along an axis, or sigma / spacing + 1 larger than the image) are
// skipped with a warning on stderr. LBP3D needs `roi`, the ROI mask on the image's grid (non-zero inside),
// because it is computed at the ROI's voxels only. Throws input_error for an image type radcore does not
// implement, and for LBP3D without `roi`. `wavelet`, when given, replaces wavelet_transform for the
// PyRadiomics-mode wavelet.
void compute_image_type(const volume& image, const voxel_box& box, const extraction_parameters& parameters,
                        const image_type_selection& image_type, const filtered_image_sink& sink,
                        const std::vector<std::uint8_t>* roi = nullptr, const wavelet_function* wavelet = nullptr);

// Returns PyRadiomics' name of the LoG image for a sigma as written in the parameter file: Python's str() of
// the YAML number with '.' replaced by '-', so 3.0 gives "log-sigma-3-0-mm-3D" and 3 gives "log-sigma-3-mm-3D".
std::string log_image_name(const std::string& sigma_text);

}  // namespace radcore
