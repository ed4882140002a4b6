// A cohort run killed with SIGKILL at seeded random moments leaves a readable store whose row count never
// falls, and --resume completes it to the same rows as an uninterrupted run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cohort_fixtures.hpp"
#include "io/feature_store.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::shell_quoted;

constexpr int kill_count = 5;
constexpr unsigned kill_seed = 20261204;

class KillResume : public testing::radcore_folder_test {
 protected:
  // Starts `radcore ARGUMENTS...` with its output in log.txt and returns its process id.
  pid_t spawn(const std::vector<std::string>& arguments) const {
    const std::string log = (folder_ / "log.txt").string();
    const pid_t child = ::fork();
    if (child == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(RADCORE_BINARY));
      for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      ::execv(RADCORE_BINARY, argv.data());
      ::_exit(127);
    }
    return child;
  }

  std::vector<std::string> cohort_arguments(const fs::path& manifest, const fs::path& store) const {
    return {"extract", "--cohort", manifest.string(), "-o", store.string(), "--labels", "all", "--jobs", "2",
            "--resume"};
  }

  // Writes a manifest of `rows` rows over three phantom cases, each row its own patient.
  fs::path write_cohort(int rows) const {
    std::string text = "ID,Image,Mask\n";
    for (int i = 0; i < rows; ++i) {
      const std::string folder = "case" + std::to_string(1 + i % 3);
      text += "p" + std::to_string(i) + "," + folder + "/image.nrrd," + folder + "/mask.nrrd\n";
    }
    const fs::path path = folder_ / "manifest.csv";
    testing::write_text(path, text);
    return path;
  }
};

TEST_F(KillResume, KilledRunsResumeToUninterruptedResult) {
  make_phantoms({1, 2, 3});
  const fs::path manifest = write_cohort(40);
  const std::size_t total_rois = 80;

  const fs::path reference_store = folder_ / "reference.h5";
  const auto reference_start = std::chrono::steady_clock::now();
  const testing::command_result reference =
      run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(reference_store) + " --labels all --jobs 2");
  ASSERT_EQ(reference.status, 0) << reference.err;
  const double reference_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - reference_start).count();
  const store_contents expected = read_store(reference_store.string());
  ASSERT_EQ(expected.rows.size(), total_rois);

  const fs::path store = folder_ / "features.h5";
  std::mt19937 random(kill_seed);
  std::uniform_real_distribution<double> fraction(0.1, 0.5);
  std::size_t previous_rows = 0;
  int killed_mid_run = 0;
  std::string row_counts;
  for (int attempt = 0; attempt < kill_count; ++attempt) {
    const double delay = fraction(random) * reference_seconds;
    const pid_t child = spawn(cohort_arguments(manifest, store));
    ASSERT_GT(child, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(child, SIGKILL);
    int raw = 0;
    ::waitpid(child, &raw, 0);
    const bool was_killed = WIFSIGNALED(raw);

    if (!fs::exists(store)) {
      EXPECT_EQ(previous_rows, 0u) << "attempt " << attempt << ": the store disappeared";
      continue;
    }
    const testing::command_result exported = run("export " + shell_quoted(store) + " -o " + shell_quoted(folder_ / "x.csv"));
    EXPECT_EQ(exported.status, 0) << "attempt " << attempt << " (killed after " << delay << " s): " << exported.err;
    const std::size_t rows = read_store(store.string()).rows.size();
    EXPECT_GE(rows, previous_rows) << "attempt " << attempt << ": the row count fell";
    if (was_killed && rows > 0 && rows < total_rois) ++killed_mid_run;
    previous_rows = rows;
    row_counts += " " + std::to_string(rows);
  }
  std::cout << "rows stored after each kill:" << row_counts << " of " << total_rois << "\n";
  EXPECT_GT(killed_mid_run, 0) << "no kill landed while rows were being written; the cohort ran "
                               << reference_seconds << " s";

  const testing::command_result resumed = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) +
                                              " --labels all --jobs 2 --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  testing::expect_same_rows(read_store(store.string()), expected);
  EXPECT_FALSE(fs::exists(store.string() + ".partial"));
}

}  // namespace
}  // namespace radcore
