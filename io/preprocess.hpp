// The ITK filters behind PyRadiomics' preprocessing, on `volume`s. Each step runs the same ITK filter that
// SimpleITK runs, on a float64 copy of the image, and then casts the result to the pixel type SimpleITK
// would output, so that values come out equal to PyRadiomics'. Internal to io/.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "host/settings.hpp"
#include "io/case_loader.hpp"
#include "io/transform.hpp"

namespace radcore::preprocess {

// The output grid of a resampling: size and spacing (x, y, z), origin in mm, row-major direction.
struct grid {
  std::array<int, 3> size{};
  std::array<double, 3> spacing{};
  std::array<double, 3> origin{};
  std::array<double, 9> direction{};
};

grid grid_of(const volume& image);

// itk::ImageBase::TransformContinuousIndexToPhysicalPoint and its inverse on the grid of `image`.
std::array<double, 3> index_to_point(const volume& image, const std::array<double, 3>& index);
std::array<double, 3> point_to_index(const volume& image, const std::array<double, 3>& point);

// Returns `value` as ResampleImageFilter casts it to `pixel_type` (clamped to the type's range, then
// truncated toward zero for integer types, rounded to float32 for "float").
double cast_to_pixel_type(double value, const std::string& pixel_type);

// sitk.Normalize (itk::NormalizeImageFilter: (x - mean) / sigma over the whole image, with the unbiased
// sigma), then clipping to [-remove_outliers, remove_outliers] when given, then multiplication by `scale`.
// The result is float64, as SimpleITK returns it.
volume normalize(const volume& image, std::optional<double> remove_outliers, double scale);

// Resamples `input` onto `output` with default value 0, as sitk.ResampleImageFilter, and casts the result to
// `input.value_pixel_type`. The transform is the identity unless `transform` is given.
volume resample(const volume& input, const grid& output, interpolator_kind interpolator,
                const affine_map* transform = nullptr);

// Returns the block [lower, lower + size) of `input`; the origin moves to the block's first voxel, as in
// SimpleITK's CropImageFilter.
volume crop(const volume& input, const std::array<int, 3>& lower, const std::array<int, 3>& size);

// Number of 26-connected components of the voxels equal to `label` (sitk.ConnectedComponentImageFilter with
// FullyConnectedOn on `mask == label`).
int count_components(const volume& mask, double label);

}  // namespace radcore::preprocess
