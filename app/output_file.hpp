// Output files that appear whole or not at all.
#pragma once

#include <string>

namespace radcore::cli {

// Writes `content` to a temporary file beside `path` and renames it to `path`, so that a failed run never
// leaves a partial file behind. Throws input_error naming `path` when the file cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace radcore::cli
