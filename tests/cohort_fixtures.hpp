// Shared pieces of the cohort tests: running the built binary, generated phantom cases, manifests.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/feature_store.hpp"

namespace radcore::testing {

struct command_result {
  int status = -1;  // exit status, or -1 when the process did not exit normally
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A fresh temporary folder per test, removed afterwards, with helpers that run `radcore`.
class radcore_folder_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = std::filesystem::temp_directory_path() /
              ("radcore_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Runs `radcore ARGUMENTS`, with standard output and standard error captured.
  command_result run(const std::string& arguments) const {
    return run_command(std::string("'") + RADCORE_BINARY + "' " + arguments);
  }

  // Runs the shell command `command_line`, with standard output and standard error captured.
  command_result run_command(const std::string& command_line) const {
    const std::filesystem::path out = folder_ / "stdout.txt";
    const std::filesystem::path err = folder_ / "stderr.txt";
    const std::string command = command_line + " >" + shell_quoted(out) + " 2>" + shell_quoted(err);
    const int raw = std::system(command.c_str());
    command_result result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = read_text(out);
    result.err = read_text(err);
    return result;
  }

  // Writes phantom cases case<seed>/image.nrrd and mask.nrrd (labels 1 and 2) for each seed.
  void make_phantoms(const std::vector<int>& seeds) const {
    for (const int seed : seeds) {
      const command_result result = run("phantom -o " + shell_quoted(case_folder(seed)) + " --seed " + std::to_string(seed));
      ASSERT_EQ(result.status, 0) << result.err;
    }
  }
  std::filesystem::path case_folder(int seed) const { return folder_ / ("case" + std::to_string(seed)); }

  // Writes a manifest of one row per seed (ID, Image, Mask, relative paths), plus `extra_rows` as given.
  std::filesystem::path write_manifest(const std::string& name, const std::vector<int>& seeds,
                                       const std::string& extra_rows = "") const {
    std::string text = "ID,Image,Mask\n";
    for (const int seed : seeds) {
      const std::string folder = "case" + std::to_string(seed);
      text += "p" + std::to_string(seed) + "," + folder + "/image.nrrd," + folder + "/mask.nrrd\n";
    }
    text += extra_rows;
    const std::filesystem::path path = folder_ / name;
    write_text(path, text);
    return path;
  }

  std::filesystem::path folder_;
};

// Returns the CSV at `path` as a table; fails the test when it does not parse.
inline csv_table read_table(const std::filesystem::path& path) { return parse_csv(read_text(path), path.string()); }

// Checks that `actual` has the rows of `expected` in the same order, with bit-identical features.
inline void expect_same_rows(const store_contents& actual, const store_contents& expected) {
  EXPECT_EQ(actual.header.feature_names, expected.header.feature_names);
  EXPECT_EQ(actual.header.metadata_columns, expected.header.metadata_columns);
  EXPECT_EQ(actual.header.settings_sha1, expected.header.settings_sha1);
  ASSERT_EQ(actual.rows.size(), expected.rows.size());
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    const store_row& a = actual.rows[r];
    const store_row& e = expected.rows[r];
    EXPECT_EQ(a.manifest_row, e.manifest_row) << "row " << r;
    EXPECT_EQ(a.label, e.label) << "row " << r;
    EXPECT_EQ(a.metadata, e.metadata) << "row " << r;
    EXPECT_EQ(a.status, e.status) << "row " << r;
    EXPECT_EQ(a.error, e.error) << "row " << r;
    EXPECT_EQ(a.backend, e.backend) << "row " << r;
    ASSERT_EQ(a.features.size(), e.features.size()) << "row " << r;
    EXPECT_EQ(std::memcmp(a.features.data(), e.features.data(), a.features.size() * sizeof(double)), 0)
        << "row " << r << ": features differ";
  }
}

}  // namespace radcore::testing
