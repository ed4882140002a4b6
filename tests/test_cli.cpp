// Runs the built `radcore` binary and checks its output, messages and exit status.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "io/csv.hpp"
#include "test_data.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;

struct run_result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_text(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

// A fresh folder per test, removed afterwards.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("radcore_cli_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Runs `radcore ARGUMENTS` with standard output and standard error sent to files in the folder.
  run_result run(const std::string& arguments) const {
    const fs::path out = folder_ / "stdout.txt";
    const fs::path err = folder_ / "stderr.txt";
    const std::string command =
        std::string("'") + RADCORE_BINARY + "' " + arguments + " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int raw = std::system(command.c_str());
    run_result result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = read_text(out);
    result.err = read_text(err);
    return result;
  }

  fs::path write_file(const std::string& name, const std::string& text) const {
    const fs::path path = folder_ / name;
    std::ofstream(path) << text;
    return path;
  }

  fs::path folder_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int line_count(const std::string& text) {
  int lines = 0;
  for (const char c : text) lines += c == '\n';
  return lines;
}

TEST_F(Cli, VersionPrintsVersionRevisionAndBackends) {
  const run_result result = run("--version");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "radcore 0.1.0\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "git revision: ")) << result.out;
#if defined(RADCORE_HAS_CUDA)
  const std::string backends = "backends: cpu cuda\n";  // built with the CUDA backend
#else
  const std::string backends = "backends: cpu\n";
#endif
  EXPECT_TRUE(contains(result.out, backends)) << result.out;
  EXPECT_EQ(result.err, "");
}

TEST_F(Cli, BadSettingExitsOneWithOneLine) {
  const fs::path output = folder_ / "features.csv";
  const run_result result = run("extract image.nrrd mask.nrrd -s binWidth:abc -o '" + output.string() + "'");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err.rfind("radcore: error: ", 0), 0u) << result.err;
  EXPECT_TRUE(contains(result.err, "setting 'binWidth': expected a float > 0, got 'abc'")) << result.err;
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(fs::exists(output));
}

TEST_F(Cli, BadParameterFileExitsOne) {
  const fs::path parameters = write_file("params.yaml", "setting:\n  binCount: 0\n");
  const run_result result = run("extract image.nrrd mask.nrrd -p '" + parameters.string() + "'");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, parameters.string() + ": setting 'binCount'")) << result.err;
}

TEST_F(Cli, MissingImageExitsOne) {
  const run_result result = run("extract '" + (folder_ / "absent.nrrd").string() + "' mask.nrrd");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "absent.nrrd: image file not found")) << result.err;
}

TEST_F(Cli, UsageErrorsExitSixtyFour) {
  for (const std::string arguments : {"", "extract", "extract image.nrrd", "--bogus", "extract a b --label x",
                                      "extract a b --label 0", "frobnicate"}) {
    const run_result result = run(arguments);
    EXPECT_EQ(result.status, 64) << "radcore " << arguments;
    EXPECT_TRUE(contains(result.err, "radcore: error: ")) << "radcore " << arguments << ": " << result.err;
  }
}

TEST_F(Cli, HelpExitsZero) {
  const run_result result = run("extract --help");
  EXPECT_EQ(result.status, 0);
  EXPECT_TRUE(contains(result.out, "--setting")) << result.out;
  EXPECT_TRUE(contains(result.out, "--param")) << result.out;
}

TEST_F(Cli, SettingOptionTakesOneValueEach) {
  // Were -s greedy, `image.nrrd mask.nrrd` would be read as settings and the positionals reported missing.
  const run_result result = run("extract -s binWidth:10 -s binCount:0 image.nrrd mask.nrrd");
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "setting 'binCount'")) << result.err;
}

TEST_F(Cli, ExtractWritesHeaderAndOneRow) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const fs::path data = testing::shared_data_dir() / "pyradiomics";
  const fs::path parameters = write_file("params.yaml", "featureClass:\n  firstorder:\n");
  const fs::path output = folder_ / "features.csv";
  const run_result result = run("extract '" + (data / "brain1_image.nrrd").string() + "' '" +
                                (data / "brain1_label.nrrd").string() + "' -p '" + parameters.string() +
                                "' -o '" + output.string() + "'");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "");

  const csv_table table = read_csv_file(output.string());
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_GE(table.column("original_firstorder_Mean"), 0);
  for (const auto& entry : fs::directory_iterator(folder_)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace radcore
