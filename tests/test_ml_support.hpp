// Helpers shared by the downstream-statistics tests: running the radcore binary, reading committed
// reference CSVs.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "test_data.hpp"

namespace radcore::testing {

struct command_result {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

// Runs `radcore ARGUMENTS` with its output captured in files under `folder`.
inline command_result run_radcore(const std::string& arguments, const std::filesystem::path& folder) {
  const auto out = folder / "stdout.txt";
  const auto err = folder / "stderr.txt";
  const std::string command =
      std::string("'") + RADCORE_BINARY + "' " + arguments + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  command_result result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_text_file(out);
  result.err = read_text_file(err);
  return result;
}

inline double to_double(const std::string& text) {
  double value = 0.0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A numeric column of a CSV table.
inline std::vector<double> numeric_column(const csv_table& table, const std::string& name) {
  const int column = table.column(name);
  EXPECT_GE(column, 0) << "column " << name << " missing";
  std::vector<double> values;
  if (column < 0) return values;
  for (const auto& row : table.rows) values.push_back(to_double(row[std::size_t(column)]));
  return values;
}

// A temporary folder per test, removed at the end.
class scratch_folder {
 public:
  explicit scratch_folder(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("radcore_ml_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_folder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace radcore::testing
