// Reading an image file with ITK into a `volume`, keeping its values exactly (converted to float64).
#pragma once

#include <string>

#include "io/case_loader.hpp"

namespace radcore {

// Reads a scalar image of any ITK-supported format and pixel type. A vector image (several components)
// yields the component `channel`. Throws input_error naming the file for a missing, unreadable,
// truncated or unsupported file.
volume read_volume(const std::string& path, int channel = 0);

// Writes a volume as float64 to a file whose format ITK picks from the extension.
void write_volume(const volume& image, const std::string& path);

}  // namespace radcore
