#include "io/image_reader.hpp"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkImportImageFilter.h>
#include <itkVectorImage.h>

#include <filesystem>

#include "kernels/error.hpp"

namespace radcore {
namespace {

using double_image = itk::Image<double, 3>;
using double_vector_image = itk::VectorImage<double, 3>;

template <typename Image>
void copy_geometry(const Image* image, volume& out) {
  const auto region = image->GetLargestPossibleRegion();
  for (int axis = 0; axis < 3; ++axis) {
    out.size[axis] = int(region.GetSize()[axis]);
    out.spacing[axis] = image->GetSpacing()[axis];
    out.origin[axis] = image->GetOrigin()[axis];
    for (int column = 0; column < 3; ++column) {
      out.direction[axis * 3 + column] = image->GetDirection()[axis][column];
    }
  }
}

// The last non-empty line of ITK's description, which names the actual failure; earlier lines are context.
std::string last_line(const std::string& text) {
  std::string line, last;
  for (char c : text) {
    if (c == '\n') {
      if (line.find_first_not_of(" \t") != std::string::npos) last = line;
      line.clear();
    } else {
      line += c;
    }
  }
  if (line.find_first_not_of(" \t") != std::string::npos) last = line;
  return last;
}

}  // namespace

volume read_volume(const std::string& path, int channel) {
  if (!std::filesystem::exists(path)) {
    throw input_error(path + ": file not found; check the path");
  }
  if (std::filesystem::is_directory(path)) {
    throw input_error(path + ": is a folder, not an image file; DICOM series folders are not read yet, so convert "
                      "the series to NIfTI or NRRD first");
  }
  itk::ImageIOBase::Pointer io =
      itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::ImageIOFactory::IOFileModeEnum::ReadMode);
  if (!io) {
    throw input_error(path + ": no ITK reader recognises this file; use NIfTI, NRRD, MHA or a DICOM series");
  }

  volume out;
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
    out.pixel_type = itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType());
    out.value_pixel_type = out.pixel_type;
    const unsigned dimensions = io->GetNumberOfDimensions();
    out.file_dimensions = int(dimensions);
    if (dimensions < 2 || dimensions > 3) {
      throw input_error(path + ": image has " + std::to_string(dimensions) +
                        " dimensions; radcore reads 2D and 3D images");
    }
    const unsigned components = io->GetNumberOfComponents();
    if (components > 1) {
      if (channel < 0 || unsigned(channel) >= components) {
        throw input_error(path + ": label_channel " + std::to_string(channel) + " is out of range; the image has " +
                          std::to_string(components) + " components");
      }
      auto reader = itk::ImageFileReader<double_vector_image>::New();
      reader->SetFileName(path);
      reader->Update();
      const double_vector_image* image = reader->GetOutput();
      copy_geometry(image, out);
      const std::size_t n = image->GetLargestPossibleRegion().GetNumberOfPixels();
      out.values.resize(n);
      const double* buffer = image->GetBufferPointer();
      for (std::size_t i = 0; i < n; ++i) out.values[i] = buffer[i * components + std::size_t(channel)];
    } else {
      auto reader = itk::ImageFileReader<double_image>::New();
      reader->SetFileName(path);
      reader->Update();
      const double_image* image = reader->GetOutput();
      copy_geometry(image, out);
      const std::size_t n = image->GetLargestPossibleRegion().GetNumberOfPixels();
      out.values.assign(image->GetBufferPointer(), image->GetBufferPointer() + n);
    }
  } catch (const itk::ExceptionObject& error) {
    throw input_error(path + ": ITK could not read the file (" + last_line(error.GetDescription()) +
                      "); check that it is complete and not truncated");
  }
  return out;
}

void write_volume(const volume& image, const std::string& path) {
  auto imported = double_image::New();
  double_image::RegionType region;
  double_image::SpacingType spacing;
  double_image::PointType origin;
  double_image::DirectionType direction;
  for (int axis = 0; axis < 3; ++axis) {
    region.SetSize(axis, image.size[axis]);
    spacing[axis] = image.spacing[axis];
    origin[axis] = image.origin[axis];
    for (int column = 0; column < 3; ++column) direction[axis][column] = image.direction[axis * 3 + column];
  }
  imported->SetRegions(region);
  imported->SetSpacing(spacing);
  imported->SetOrigin(origin);
  imported->SetDirection(direction);
  imported->Allocate();
  std::copy(image.values.begin(), image.values.end(), imported->GetBufferPointer());

  auto writer = itk::ImageFileWriter<double_image>::New();
  writer->SetFileName(path);
  writer->SetInput(imported);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& error) {
    throw input_error(path + ": ITK could not write the file (" + std::string(error.GetDescription()) + ")");
  }
}

}  // namespace radcore
