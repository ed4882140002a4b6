// Resampling an image through an affine map of physical space with ITK, for the geometric perturbations
// of a stability study (rotation and translation of image and mask together).
#pragma once

#include <array>

#include "host/settings.hpp"
#include "io/case_loader.hpp"

namespace radcore {

// The map x -> matrix · (x − center) + center + translation of physical points in mm, as
// itk::AffineTransform applies it. `matrix` is row-major.
struct affine_map {
  std::array<double, 9> matrix{1, 0, 0, 0, 1, 0, 0, 0, 1};
  std::array<double, 3> center{};
  std::array<double, 3> translation{};
};

// Resamples `input` onto its own grid with itk::ResampleImageFilter. `transform` maps each output point
// to the input point sampled there (ITK's convention, so content moves by the inverse map). Points outside
// the input get 0, and values are cast to `input.value_pixel_type` as sitk.Resample casts them.
volume resample_affine(const volume& input, const affine_map& transform, interpolator_kind interpolator);

}  // namespace radcore
