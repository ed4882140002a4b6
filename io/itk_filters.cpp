#include "io/itk_filters.hpp"

#include <algorithm>

// GCC 12.2 reports array-bounds false positives inside ITK 5.2's 2D neighbourhood operators, which index a
// size array only below the image dimension; the warning is switched off for this file only.
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <itkGradientMagnitudeImageFilter.h>
#include <itkImage.h>
#include <itkLaplacianRecursiveGaussianImageFilter.h>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Builds an ITK image of pixel type Pixel from a volume; the conversion is exact because the values were
// read from (or computed in) that type.
template <typename Pixel, unsigned Dimension>
typename itk::Image<Pixel, Dimension>::Pointer to_itk(const volume& image) {
  using image_type = itk::Image<Pixel, Dimension>;
  auto out = image_type::New();
  typename image_type::RegionType region;
  typename image_type::SpacingType spacing;
  typename image_type::PointType origin;
  typename image_type::DirectionType direction;
  for (unsigned axis = 0; axis < Dimension; ++axis) {
    region.SetSize(axis, image.size[axis]);
    spacing[axis] = image.spacing[axis];
    origin[axis] = image.origin[axis];
    for (unsigned column = 0; column < Dimension; ++column) {
      direction[axis][column] = image.direction[axis * 3 + column];
    }
  }
  out->SetRegions(region);
  out->SetSpacing(spacing);
  out->SetOrigin(origin);
  out->SetDirection(direction);
  out->Allocate();
  Pixel* buffer = out->GetBufferPointer();
  for (std::size_t i = 0; i < image.values.size(); ++i) buffer[i] = static_cast<Pixel>(image.values[i]);
  return out;
}

template <unsigned Dimension>
volume from_itk_float(const itk::Image<float, Dimension>* filtered, const volume& geometry) {
  volume out = geometry;
  out.value_pixel_type = "float";
  const float* buffer = filtered->GetBufferPointer();
  std::copy(buffer, buffer + out.values.size(), out.values.begin());
  return out;
}

struct log_filter {
  double sigma;

  template <typename Pixel, unsigned Dimension>
  volume run(const volume& image) const {
    using filter_type =
        itk::LaplacianRecursiveGaussianImageFilter<itk::Image<Pixel, Dimension>, itk::Image<float, Dimension>>;
    auto filter = filter_type::New();
    filter->SetInput(to_itk<Pixel, Dimension>(image));
    filter->SetSigma(sigma);
    filter->SetNormalizeAcrossScale(true);
    filter->Update();
    return from_itk_float<Dimension>(filter->GetOutput(), image);
  }
};

struct gradient_filter {
  bool use_spacing;

  template <typename Pixel, unsigned Dimension>
  volume run(const volume& image) const {
    using filter_type = itk::GradientMagnitudeImageFilter<itk::Image<Pixel, Dimension>, itk::Image<float, Dimension>>;
    auto filter = filter_type::New();
    filter->SetInput(to_itk<Pixel, Dimension>(image));
    filter->SetUseImageSpacing(use_spacing);
    filter->Update();
    return from_itk_float<Dimension>(filter->GetOutput(), image);
  }
};

template <typename Pixel, typename Filter>
volume run_in_dimension(const Filter& filter, const volume& image) {
  if (image.file_dimensions == 2) return filter.template run<Pixel, 2>(image);
  return filter.template run<Pixel, 3>(image);
}

// Runs `filter` on the image in its pixel type, with the ITK component type names of
// itk::ImageIOBase::GetComponentTypeAsString.
template <typename Filter>
volume run_in_pixel_type(const Filter& filter, const volume& image, const char* filter_name) {
  const std::string& type = image.value_pixel_type;
  try {
    if (type == "unsigned_char") return run_in_dimension<unsigned char>(filter, image);
    if (type == "char") return run_in_dimension<signed char>(filter, image);
    if (type == "unsigned_short") return run_in_dimension<unsigned short>(filter, image);
    if (type == "short") return run_in_dimension<short>(filter, image);
    if (type == "unsigned_int") return run_in_dimension<unsigned int>(filter, image);
    if (type == "int") return run_in_dimension<int>(filter, image);
    if (type == "unsigned_long" || type == "unsigned_long_long") return run_in_dimension<std::uint64_t>(filter, image);
    if (type == "long" || type == "long_long") return run_in_dimension<std::int64_t>(filter, image);
    if (type == "float") return run_in_dimension<float>(filter, image);
    if (type == "double") return run_in_dimension<double>(filter, image);
  } catch (const itk::ExceptionObject& error) {
    throw input_error(std::string(filter_name) + " failed in ITK: " + error.GetDescription());
  }
  throw input_error(std::string(filter_name) + ": pixel type '" + type +
                    "' is not supported; convert the image to an integer or floating-point type");
}

}  // namespace

volume laplacian_of_gaussian(const volume& image, double sigma) {
  return run_in_pixel_type(log_filter{sigma}, image, "LoG filter");
}

volume gradient_magnitude(const volume& image, bool use_spacing) {
  return run_in_pixel_type(gradient_filter{use_spacing}, image, "gradient magnitude filter");
}

}  // namespace radcore
