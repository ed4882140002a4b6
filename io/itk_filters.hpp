// The image filters that PyRadiomics 3.1.0 takes from SimpleITK, run with the same ITK filters and pixel
// types: LoG (sitk.LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on) and Gradient
// (sitk.GradientMagnitudeImageFilter). ITK stays inside io/.
#pragma once

#include "io/case_loader.hpp"

namespace radcore {

// Returns the Laplacian of Gaussian of the whole image with `sigma` in mm, normalised across scale. The
// input keeps its pixel type (value_pixel_type) and the output is float32, as SimpleITK 2.x returns it,
// stored exactly in float64 with value_pixel_type "float". A 2D file is filtered in 2D. Throws input_error
// for a pixel type ITK's filter is not instantiated for here.
volume laplacian_of_gaussian(const volume& image, double sigma);

// Returns the gradient magnitude of the whole image, in intensity per mm when `use_spacing` is set and per
// voxel otherwise. The output is float32 as SimpleITK 2.x returns it, stored as in laplacian_of_gaussian.
volume gradient_magnitude(const volume& image, bool use_spacing);

}  // namespace radcore
