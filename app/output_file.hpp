// Output files that appear whole or not at all.
#pragma once

#include <string>
#include <vector>

namespace radcore::cli {

// Writes `content` to a temporary file beside `path` and renames it to `path`, so that a failed run never
// leaves a partial file behind. Throws input_error naming `path` when the file cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);

// Throws input_error when `output` names the same file as one of `inputs` (paths that do not exist yet
// are never the same), because writing the output would destroy that input.
void reject_output_over_input(const std::string& output, const std::vector<std::string>& inputs);

}  // namespace radcore::cli
