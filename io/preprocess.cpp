#include "io/preprocess.hpp"

#include <itkBSplineInterpolateImageFunction.h>
#include <itkGaussianInterpolateImageFunction.h>
#include <itkImage.h>
#include <itkLabelImageGaussianInterpolateImageFunction.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkNormalizeImageFilter.h>
#include <itkAffineTransform.h>
#include <itkResampleImageFilter.h>
#include <itkWindowedSincInterpolateImageFunction.h>
#include <itkZeroFluxNeumannBoundaryCondition.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/error.hpp"

namespace radcore::preprocess {
namespace {

using double_image = itk::Image<double, 3>;
using interpolator_base = itk::InterpolateImageFunction<double_image, double>;

// Every step runs on float64 copies. That gives SimpleITK's values for every input type because each ITK
// filter used here converts pixels to double (NumericTraits<T>::RealType) before any arithmetic.
void set_geometry(double_image* image, const grid& geometry) {
  double_image::RegionType region;
  double_image::SpacingType spacing;
  double_image::PointType origin;
  double_image::DirectionType direction;
  for (int axis = 0; axis < 3; ++axis) {
    region.SetSize(axis, geometry.size[axis]);
    spacing[axis] = geometry.spacing[axis];
    origin[axis] = geometry.origin[axis];
    for (int column = 0; column < 3; ++column) direction[axis][column] = geometry.direction[axis * 3 + column];
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
}

double_image::Pointer to_itk(const volume& input) {
  auto image = double_image::New();
  set_geometry(image, grid_of(input));
  image->Allocate();
  std::copy(input.values.begin(), input.values.end(), image->GetBufferPointer());
  return image;
}

// An image with geometry but no pixel buffer, for index and point transforms.
double_image::Pointer geometry_only(const volume& input) {
  auto image = double_image::New();
  set_geometry(image, grid_of(input));
  return image;
}

volume from_itk(const double_image* image, const volume& like) {
  volume out;
  out.pixel_type = like.pixel_type;
  out.value_pixel_type = like.value_pixel_type;
  const auto region = image->GetLargestPossibleRegion();
  for (int axis = 0; axis < 3; ++axis) {
    out.size[axis] = int(region.GetSize()[axis]);
    out.spacing[axis] = image->GetSpacing()[axis];
    out.origin[axis] = image->GetOrigin()[axis];
    for (int column = 0; column < 3; ++column) out.direction[axis * 3 + column] = image->GetDirection()[axis][column];
  }
  const std::size_t n = region.GetNumberOfPixels();
  out.values.assign(image->GetBufferPointer(), image->GetBufferPointer() + n);
  return out;
}

// SimpleITK's windowed sinc interpolators: radius 5 and a zero-flux Neumann boundary (sitkCreateInterpolator.hxx).
template <template <unsigned, typename, typename> class Window>
interpolator_base::Pointer windowed_sinc() {
  constexpr unsigned radius = 5;
  using boundary = itk::ZeroFluxNeumannBoundaryCondition<double_image, double_image>;
  using function =
      itk::WindowedSincInterpolateImageFunction<double_image, radius, Window<radius, double, double>, boundary>;
  return function::New().GetPointer();
}

// The interpolator that SimpleITK builds for `kind`: Gaussian with sigma 0.8 x spacing, label Gaussian with
// sigma = spacing and alpha 1, the others with ITK's defaults (BSpline of order 3).
interpolator_base::Pointer make_interpolator(interpolator_kind kind, const double_image* input) {
  switch (kind) {
    case interpolator_kind::nearest_neighbor:
      return itk::NearestNeighborInterpolateImageFunction<double_image, double>::New().GetPointer();
    case interpolator_kind::linear:
      return itk::LinearInterpolateImageFunction<double_image, double>::New().GetPointer();
    case interpolator_kind::bspline:
      return itk::BSplineInterpolateImageFunction<double_image, double>::New().GetPointer();
    case interpolator_kind::gaussian: {
      auto gaussian = itk::GaussianInterpolateImageFunction<double_image, double>::New();
      itk::GaussianInterpolateImageFunction<double_image, double>::ArrayType sigma;
      for (int axis = 0; axis < 3; ++axis) sigma[axis] = 0.8 * input->GetSpacing()[axis];
      gaussian->SetSigma(sigma);
      return gaussian.GetPointer();
    }
    case interpolator_kind::label_gaussian: {
      auto gaussian = itk::LabelImageGaussianInterpolateImageFunction<double_image, double>::New();
      itk::LabelImageGaussianInterpolateImageFunction<double_image, double>::ArrayType sigma;
      for (int axis = 0; axis < 3; ++axis) sigma[axis] = input->GetSpacing()[axis];
      gaussian->SetSigma(sigma);
      gaussian->SetAlpha(1.0);
      return gaussian.GetPointer();
    }
    case interpolator_kind::hamming_windowed_sinc:
      return windowed_sinc<itk::Function::HammingWindowFunction>();
    case interpolator_kind::cosine_windowed_sinc:
      return windowed_sinc<itk::Function::CosineWindowFunction>();
    case interpolator_kind::welch_windowed_sinc:
      return windowed_sinc<itk::Function::WelchWindowFunction>();
    case interpolator_kind::lanczos_windowed_sinc:
      return windowed_sinc<itk::Function::LanczosWindowFunction>();
    case interpolator_kind::blackman_windowed_sinc:
      return windowed_sinc<itk::Function::BlackmanWindowFunction>();
  }
  return itk::BSplineInterpolateImageFunction<double_image, double>::New().GetPointer();
}

template <typename Integer>
double clamp_and_truncate(double value) {
  // ResampleImageFilter::CastComponentWithBoundsChecking (ITK 5.2): <= min gives min, >= max gives max,
  // anything else is static_cast, which truncates toward zero.
  constexpr double minimum = double(std::numeric_limits<Integer>::lowest());
  constexpr double maximum = double(std::numeric_limits<Integer>::max());
  if (std::isnan(value)) return 0.0;
  if (value <= minimum) return minimum;
  if (value >= maximum) return double(std::numeric_limits<Integer>::max());
  return double(static_cast<Integer>(value));
}

}  // namespace

grid grid_of(const volume& image) { return grid{image.size, image.spacing, image.origin, image.direction}; }

std::array<double, 3> index_to_point(const volume& image, const std::array<double, 3>& index) {
  const auto itk_image = geometry_only(image);
  itk::ContinuousIndex<double, 3> continuous;
  for (int axis = 0; axis < 3; ++axis) continuous[axis] = index[axis];
  double_image::PointType point;
  itk_image->TransformContinuousIndexToPhysicalPoint(continuous, point);
  return {point[0], point[1], point[2]};
}

std::array<double, 3> point_to_index(const volume& image, const std::array<double, 3>& point) {
  const auto itk_image = geometry_only(image);
  double_image::PointType itk_point;
  for (int axis = 0; axis < 3; ++axis) itk_point[axis] = point[axis];
  itk::ContinuousIndex<double, 3> continuous;
  itk_image->TransformPhysicalPointToContinuousIndex(itk_point, continuous);
  return {continuous[0], continuous[1], continuous[2]};
}

double cast_to_pixel_type(double value, const std::string& pixel_type) {
  if (pixel_type == "double") return value;
  if (pixel_type == "float") {
    constexpr double maximum = double(std::numeric_limits<float>::max());
    if (value <= -maximum) return -maximum;
    if (value >= maximum) return maximum;
    return double(static_cast<float>(value));
  }
  if (pixel_type == "char") return clamp_and_truncate<std::int8_t>(value);
  if (pixel_type == "unsigned_char") return clamp_and_truncate<std::uint8_t>(value);
  if (pixel_type == "short") return clamp_and_truncate<std::int16_t>(value);
  if (pixel_type == "unsigned_short") return clamp_and_truncate<std::uint16_t>(value);
  if (pixel_type == "int") return clamp_and_truncate<std::int32_t>(value);
  if (pixel_type == "unsigned_int") return clamp_and_truncate<std::uint32_t>(value);
  if (pixel_type == "long" || pixel_type == "long_long") return clamp_and_truncate<std::int64_t>(value);
  if (pixel_type == "unsigned_long" || pixel_type == "unsigned_long_long") {
    return clamp_and_truncate<std::uint64_t>(value);
  }
  throw input_error("pixel type '" + pixel_type + "' is not supported for resampling; convert the image to a " +
                    "standard integer or floating-point type");
}

volume normalize(const volume& image, std::optional<double> remove_outliers, double scale) {
  auto filter = itk::NormalizeImageFilter<double_image, double_image>::New();
  filter->SetInput(to_itk(image));
  filter->Update();
  volume out = from_itk(filter->GetOutput(), image);
  out.value_pixel_type = "double";
  // PyRadiomics clips the normalised values (in units of sigma) before it applies the scale.
  if (remove_outliers) {
    const double limit = *remove_outliers;
    for (double& value : out.values) {
      if (value > limit) value = limit;
      if (value < -limit) value = -limit;
    }
  }
  for (double& value : out.values) value *= scale;
  return out;
}

volume resample(const volume& input, const grid& output, interpolator_kind interpolator,
                const affine_map* transform) {
  const auto itk_input = to_itk(input);
  auto filter = itk::ResampleImageFilter<double_image, double_image, double>::New();
  filter->SetInput(itk_input);
  filter->SetInterpolator(make_interpolator(interpolator, itk_input));
  if (transform) {
    auto affine = itk::AffineTransform<double, 3>::New();
    itk::AffineTransform<double, 3>::MatrixType matrix;
    itk::AffineTransform<double, 3>::InputPointType center;
    itk::AffineTransform<double, 3>::OutputVectorType translation;
    for (int row = 0; row < 3; ++row) {
      for (int column = 0; column < 3; ++column) matrix[row][column] = transform->matrix[row * 3 + column];
      center[row] = transform->center[row];
      translation[row] = transform->translation[row];
    }
    affine->SetCenter(center);
    affine->SetMatrix(matrix);
    affine->SetTranslation(translation);
    filter->SetTransform(affine);
  }
  filter->SetDefaultPixelValue(0.0);
  double_image::SizeType size;
  double_image::SpacingType spacing;
  double_image::PointType origin;
  double_image::DirectionType direction;
  for (int axis = 0; axis < 3; ++axis) {
    size[axis] = output.size[axis];
    spacing[axis] = output.spacing[axis];
    origin[axis] = output.origin[axis];
    for (int column = 0; column < 3; ++column) direction[axis][column] = output.direction[axis * 3 + column];
  }
  filter->SetSize(size);
  filter->SetOutputSpacing(spacing);
  filter->SetOutputOrigin(origin);
  filter->SetOutputDirection(direction);
  filter->Update();
  volume out = from_itk(filter->GetOutput(), input);
  for (double& value : out.values) value = cast_to_pixel_type(value, input.value_pixel_type);
  return out;
}

volume crop(const volume& input, const std::array<int, 3>& lower, const std::array<int, 3>& size) {
  volume out;
  out.pixel_type = input.pixel_type;
  out.value_pixel_type = input.value_pixel_type;
  out.size = size;
  out.spacing = input.spacing;
  out.direction = input.direction;
  // SimpleITK moves a non-zero start index into the origin with TransformIndexToPhysicalPoint.
  const auto itk_image = geometry_only(input);
  double_image::IndexType start;
  for (int axis = 0; axis < 3; ++axis) start[axis] = lower[axis];
  double_image::PointType origin;
  itk_image->TransformIndexToPhysicalPoint(start, origin);
  for (int axis = 0; axis < 3; ++axis) out.origin[axis] = origin[axis];

  out.values.resize(std::size_t(size[0]) * size[1] * size[2]);
  std::size_t i = 0;
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      const std::size_t row =
          (std::size_t(z + lower[2]) * input.size[1] + std::size_t(y + lower[1])) * input.size[0] + lower[0];
      std::copy_n(input.values.begin() + std::ptrdiff_t(row), size[0], out.values.begin() + std::ptrdiff_t(i));
      i += std::size_t(size[0]);
    }
  }
  return out;
}

int count_components(const volume& mask, double label) {
  // A flood fill over the 26 neighbours gives the same count as ConnectedComponentImageFilter with
  // FullyConnectedOn; only the count is needed, not ITK's component numbering.
  const int nx = mask.size[0], ny = mask.size[1], nz = mask.size[2];
  std::vector<std::uint8_t> todo(mask.values.size());
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = mask.values[i] == label;
  std::vector<std::size_t> stack;
  int components = 0;
  for (std::size_t seed = 0; seed < todo.size(); ++seed) {
    if (!todo[seed]) continue;
    ++components;
    todo[seed] = 0;
    stack.push_back(seed);
    while (!stack.empty()) {
      const std::size_t at = stack.back();
      stack.pop_back();
      const int x = int(at % nx), y = int((at / nx) % ny), z = int(at / (std::size_t(nx) * ny));
      for (int dz = -1; dz <= 1; ++dz) {
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int px = x + dx, py = y + dy, pz = z + dz;
            if (px < 0 || py < 0 || pz < 0 || px >= nx || py >= ny || pz >= nz) continue;
            const std::size_t next = (std::size_t(pz) * ny + py) * nx + px;
            if (!todo[next]) continue;
            todo[next] = 0;
            stack.push_back(next);
          }
        }
      }
    }
  }
  return components;
}

}  // namespace radcore::preprocess
