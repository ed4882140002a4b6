#include "app/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "kernels/error.hpp"

namespace radcore::cli {

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  // The temporary file sits in the target's folder, so that the rename stays on one file system.
  fs::path temporary = target;
  temporary += ".tmp-" + std::to_string(::getpid());

  {
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output) throw input_error(path + ": cannot create the output file: " + std::strerror(errno));
    output << content;
    output.flush();
    if (!output) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw input_error(path + ": writing the output file failed: " + std::strerror(errno));
    }
  }

  std::error_code error;
  fs::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw input_error(path + ": cannot move the finished output into place: " + error.message());
  }
}

void reject_output_over_input(const std::string& output, const std::vector<std::string>& inputs) {
  if (output.empty()) return;
  std::error_code error;
  for (const std::string& input : inputs) {
    if (std::filesystem::equivalent(output, input, error)) {
      throw input_error(output + ": the output would overwrite the input " + input + "; choose another output path");
    }
  }
}

}  // namespace radcore::cli
