// Local binary patterns in 2D as PyRadiomics 3.1.0 computes them (imageoperations.getLBP2DImage), which calls
// scikit-image's skimage.feature.local_binary_pattern slice by slice. The arithmetic follows scikit-image
// 0.25.2 (_texture.pyx, _local_binary_pattern) so that the patterns equal its output bit for bit.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace radcore {

// scikit-image's `method` values that PyRadiomics accepts for lbp2DMethod.
enum class lbp_method { basic, rotation_invariant, uniform, variance };  // default, ror, uniform, var

// Parses "default", "ror", "uniform" or "var". Throws input_error for any other text.
lbp_method parse_lbp_method(const std::string& text);

struct lbp_options {
  double radius = 1.0;  // lbp2DRadius in voxels, rounded to float32 because scikit-image reads a C float
  int samples = 8;      // lbp2DSamples: neighbours sampled on the circle
  lbp_method method = lbp_method::uniform;
};

// Computes scikit-image's local_binary_pattern of one row-major slice of `rows` x `cols` values. Neighbours
// are bilinearly interpolated, with 0 outside the slice. The variance method yields NaN where the neighbours
// have zero variance.
std::vector<double> local_binary_pattern(const double* slice, int rows, int cols, const lbp_options& options);

// Computes PyRadiomics' LBP2D image of a volume in numpy order (z, y, x) with x fastest, `size` as (x, y, z).
// Slices are taken across numpy axis `axis` (force2Ddimension: 0 for z slices, 1 for y, 2 for x). Every
// slice keeps numpy's row and column order of the swapped array, so axis 2 slices have y as rows and z as
// columns.
std::vector<double> lbp2d_filter(const std::vector<double>& values, const std::array<int, 3>& size, int axis,
                                 const lbp_options& options);

// Converts LBP values as numpy does when PyRadiomics writes them back into the input array: truncation toward
// zero for integer pixel types, rounding to float32 for "float", unchanged for "double".
void cast_to_pixel_type(std::vector<double>& values, const std::string& pixel_type);

}  // namespace radcore
