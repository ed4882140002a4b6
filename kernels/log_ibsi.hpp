// The Laplacian of Gaussian as the IBSI 2 filter definitions set it ("IBSI mode"), beside PyRadiomics'
// LoG (SimpleITK's recursive Gaussian, io/itk_filters.hpp), which IBSI's reference maps do not match.
//
// The kernel is truncated at `truncate` standard deviations and sampled on the voxel grid. It is applied as
// a sum of separable terms, one per filtered axis a: the second-derivative Gaussian along a and the
// Gaussian along the other filtered axes. As in scipy.ndimage.gaussian_laplace, the sampled Gaussian g is
// normalised to sum 1, the second derivative is d = (x^2 / s^4 - 1 / s^2) * g, and the kernel radius along
// an axis is floor(truncate * s + 0.5) for s = sigma / spacing voxels. Unlike scipy, d is then corrected to
// d - sum(d) * g, so that it sums to 0 and a constant image gives 0 also where s is below one voxel.
#pragma once

#include <array>
#include <vector>

#include "kernels/ibsi_convolution.hpp"

namespace radcore {

struct log_ibsi_options {
  double sigma_mm = 1;     // standard deviation of the Gaussian in mm
  double truncate = 4;     // the kernel ends at this many standard deviations
  ibsi_boundary boundary = ibsi_boundary::mirror;
  bool slice_wise = false;  // filter in the x-y plane of each slice only ("2D" in IBSI)
};

// Returns the LoG response of the volume `values` of (x, y, z) size `size` and spacing `spacing` (mm),
// x fastest, in the same voxel order. Throws input_error for a sigma or truncation that is not positive and
// finite, a spacing that is not positive, or a value count that does not match the size.
std::vector<double> log_ibsi_response(const std::array<int, 3>& size, const std::array<double, 3>& spacing,
                                      const std::vector<double>& values, const log_ibsi_options& options);

}  // namespace radcore
