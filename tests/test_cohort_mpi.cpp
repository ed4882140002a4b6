// Distributed cohort runs: `mpirun -np N radcore extract --cohort` on one machine gives the store of a
// single-process run, a killed rank resumes without duplicates, and shards merge into one store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cohort_fixtures.hpp"
#include "io/feature_store.hpp"
#include "real_cohort.hpp"
#include "test_data.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::shell_quoted;

// The mpiexec that CMake's FindMPI found, empty when radcore is built without MPI.
const char* const mpiexec = RADCORE_MPIEXEC;

// Skips the test with the reason when radcore is built without MPI, or fails it under CI=true, where
// scripts/setup.sh installs Open MPI.
#define RADCORE_REQUIRE_MPI()                                                                               \
  do {                                                                                                      \
    if (std::strlen(mpiexec) == 0) {                                                                        \
      if (::radcore::testing::running_in_ci()) FAIL() << "radcore is built without MPI under CI";           \
      GTEST_SKIP() << "radcore is built without MPI (install openmpi-bin and libopenmpi-dev, reconfigure)"; \
    }                                                                                                       \
  } while (0)

class CohortMpi : public testing::radcore_folder_test {
 protected:
  // Returns the command line that starts `radcore ARGUMENTS` as `ranks` processes of Open MPI's mpirun
  // on this machine only. The ranks talk over shared memory and the launcher over loopback. More ranks
  // than cores are allowed, and so is root, because CI containers run as root. A run that hangs is
  // stopped after 300 s and fails its test. `environment` is NAME=VALUE to export to the ranks, or empty;
  // `launcher_options` go to mpirun as they are.
  std::string mpirun(int ranks, const std::string& arguments, const std::string& environment = "",
                     const std::string& launcher_options = "") const {
    std::string command = shell_quoted(mpiexec) + " -np " + std::to_string(ranks) +
                          " --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none"
                          " --mca oob_tcp_if_include lo --timeout 300";
    if (::geteuid() == 0) command += " --allow-run-as-root";
    if (!environment.empty()) command += " -x " + environment;
    if (!launcher_options.empty()) command += " " + launcher_options;
    return command + " " + shell_quoted(RADCORE_BINARY) + " " + arguments;
  }

  // Writes a manifest of `rows` rows over three phantom cases, each row its own patient.
  fs::path write_phantom_cohort(int rows) const {
    std::string text = "ID,Image,Mask\n";
    for (int i = 0; i < rows; ++i) {
      const std::string folder = "case" + std::to_string(1 + i % 3);
      text += "p" + std::to_string(i) + "," + folder + "/image.nrrd," + folder + "/mask.nrrd\n";
    }
    const fs::path path = folder_ / "manifest.csv";
    testing::write_text(path, text);
    return path;
  }

  std::string cohort_arguments(const fs::path& manifest, const fs::path& store, const std::string& extra) const {
    return "extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " " + extra;
  }
};

// Checks `actual` against `expected` row by row, naming the run in any failure.
void expect_same_store(const store_contents& actual, const store_contents& expected, const std::string& run) {
  SCOPED_TRACE(run);
  testing::expect_same_rows(actual, expected);
}

// Checks that no (manifest row, label) occurs twice among the rows.
void expect_no_duplicates(const store_contents& contents, const std::string& run) {
  std::set<std::pair<std::int64_t, int>> keys;
  for (const store_row& row : contents.rows) {
    EXPECT_TRUE(keys.emplace(row.manifest_row, row.label).second)
        << run << ": manifest row " << row.manifest_row + 1 << ", label " << row.label << " is stored twice";
  }
}

std::size_t committed_rows(const fs::path& folder) {
  std::size_t rows = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder))
    rows += read_store(entry.path().string()).rows.size();
  return rows;
}

TEST_F(CohortMpi, VersionNamesMpiLibrary) {
  const testing::command_result result = run("--version");
  ASSERT_EQ(result.status, 0) << result.err;
  if (std::strlen(mpiexec) == 0) {
    EXPECT_TRUE(contains(result.out, "mpi: not built\n")) << result.out;
  } else {
    EXPECT_TRUE(contains(result.out, "mpi: Open MPI v")) << result.out;
  }
}

TEST_F(CohortMpi, LaunchWithoutMpiBuildIsRejected) {
  if (std::strlen(mpiexec) != 0) GTEST_SKIP() << "radcore is built with MPI, so a launch of several processes runs";
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const testing::command_result result = run_command("OMPI_COMM_WORLD_SIZE=2 '" + std::string(RADCORE_BINARY) + "' " +
                                                     cohort_arguments(manifest, folder_ / "features.h5", ""));
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "this radcore is built without MPI, but it was started as one of 2 processes"))
      << result.err;
  EXPECT_FALSE(fs::exists(folder_ / "features.h5"));
}

TEST_F(CohortMpi, RealDataRanksMatchSingleProcess) {
  RADCORE_REQUIRE_MPI();
  RADCORE_REQUIRE_SHARED("spine/sct_t2/t2.nii.gz");
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const fs::path manifest = testing::write_real_data_manifest(folder_);
  const fs::path parameters = folder_ / "params.yaml";
  testing::write_text(parameters, testing::real_data_parameters);
  const std::string settings = "-p " + shell_quoted(parameters);

  const fs::path single_store = folder_ / "single.h5";
  const testing::command_result single = run(cohort_arguments(manifest, single_store, settings + " --jobs 2"));
  ASSERT_EQ(single.status, 0) << single.err;
  const store_contents expected = read_store(single_store.string());
  ASSERT_EQ(expected.rows.size(), 13u);
  EXPECT_EQ(expected.header.feature_names.size(), 851u) << "the study configuration has 14 shape + 93 x 9 features";
  const testing::command_result single_export = run("export " + shell_quoted(single_store));
  ASSERT_EQ(single_export.status, 0) << single_export.err;

  for (const int ranks : {2, 3}) {
    const std::string name = "np" + std::to_string(ranks);
    const fs::path store = folder_ / (name + ".h5");
    const testing::command_result result = run_command(mpirun(ranks, cohort_arguments(manifest, store, settings)));
    ASSERT_EQ(result.status, 0) << name << ": " << result.err;
    EXPECT_TRUE(contains(result.err, "cohort finished: 13 ROIs done, 0 failed, 0 already stored")) << result.err;
    EXPECT_TRUE(contains(result.err, "radcore: MPI: " + std::to_string(ranks) + " ranks")) << result.err;
    EXPECT_FALSE(fs::exists(store.string() + ".shards")) << name << ": shards left after the merge";

    const store_contents actual = read_store(store.string());
    expect_same_store(actual, expected, name);
    expect_no_duplicates(actual, name);
    const testing::command_result exported = run("export " + shell_quoted(store));
    ASSERT_EQ(exported.status, 0) << exported.err;
    EXPECT_EQ(exported.out, single_export.out) << name << ": radcore export differs from the single-process store's";
  }

  // h5py reads the merged store as one matrix and one row table, as docs/hdf5-layout.md shows.
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    std::cout << "h5py check skipped: /usr/bin/python3 with h5py not found (scripts/setup.sh installs it)\n";
    return;
  }
  const std::string script = "import h5py; f = h5py.File('" + (folder_ / "np3.h5").string() +
                             "', 'r', swmr=True); print(f['features'].shape, f['rows/manifest_row'][()].tolist())";
  const testing::command_result python = run_command("/usr/bin/python3 -c \"" + script + "\"");
  EXPECT_EQ(python.status, 0) << python.err;
  EXPECT_EQ(python.out, "(13, 851) [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n") << python.err;
}

TEST_F(CohortMpi, FailedRoiIsStoredWithExitTwo) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1, 2});
  const fs::path manifest = write_manifest("manifest.csv", {1, 2}, "p3,absent/image.nrrd,case1/mask.nrrd\n");
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result = run_command(mpirun(3, cohort_arguments(manifest, store, "")));
  EXPECT_EQ(result.status, 2) << result.err;
  EXPECT_TRUE(contains(result.err, "cohort finished: 2 ROIs done, 1 failed")) << result.err;
  EXPECT_TRUE(contains(result.err, "failed: manifest row 3, label 1: " + (folder_ / "absent/image.nrrd").string() +
                                       ": image file not found"))
      << result.err;
  const store_contents contents = read_store(store.string());
  ASSERT_EQ(contents.rows.size(), 3u);
  EXPECT_EQ(contents.rows[0].status, row_status::done);
  EXPECT_EQ(contents.rows[1].status, row_status::done);
  EXPECT_EQ(contents.rows[2].status, row_status::failed);
}

TEST_F(CohortMpi, RankWithoutRowsStillMerges) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path reference_store = folder_ / "reference.h5";
  ASSERT_EQ(run(cohort_arguments(manifest, reference_store, "--labels all")).status, 0);

  // One row for two extracting ranks: one of them gets none and writes an empty shard.
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result = run_command(mpirun(3, cohort_arguments(manifest, store, "--labels all")));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "1 rows handed out")) << result.err;
  EXPECT_TRUE(contains(result.err, " (no rows)")) << result.err;
  expect_same_store(read_store(store.string()), read_store(reference_store.string()), "one row, three ranks");
}

TEST_F(CohortMpi, RankBoundToOneCoreWarns) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result =
      run_command(mpirun(2, cohort_arguments(manifest, store, "--jobs 2"), "", "--bind-to core:overload-allowed"));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "radcore: rank 1 of 2 on ")) << result.err;
  EXPECT_TRUE(contains(result.err, "CPU backend with 2 extraction threads")) << result.err;
  EXPECT_TRUE(contains(result.err, "radcore: warning: rank 1 is bound to 1 CPU, fewer than its 2 extraction "
                                   "threads; start mpirun with --bind-to none"))
      << result.err;
}

TEST_F(CohortMpi, KilledRankResumesWithoutDuplicates) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1, 2, 3});
  const fs::path manifest = write_phantom_cohort(24);
  const std::size_t total_rois = 48;
  const fs::path reference_store = folder_ / "reference.h5";
  ASSERT_EQ(run(cohort_arguments(manifest, reference_store, "--labels all")).status, 0);
  const store_contents expected = read_store(reference_store.string());
  ASSERT_EQ(expected.rows.size(), total_rois);

  // Rank 1 kills itself with SIGKILL once its shard contains 8 committed rows; mpirun then ends the job.
  const fs::path store = folder_ / "features.h5";
  const fs::path shards = store.string() + ".shards";
  const testing::command_result killed =
      run_command(mpirun(3, cohort_arguments(manifest, store, "--labels all"), "RADCORE_TEST_KILL_AFTER_ROWS=1:8"));
  ASSERT_NE(killed.status, 0) << killed.err;
  EXPECT_FALSE(fs::exists(store)) << "the store appeared although the run was killed before its merge";
  ASSERT_TRUE(fs::is_directory(shards));
  EXPECT_GE(read_store((shards / "rank-0001.h5").string()).rows.size(), 8u);
  const std::size_t committed = committed_rows(shards);
  ASSERT_LT(committed, total_rois) << "the kill came after every ROI was stored";

  const testing::command_result restarted = run_command(mpirun(2, cohort_arguments(manifest, store, "--labels all")));
  EXPECT_EQ(restarted.status, 1);
  EXPECT_TRUE(contains(restarted.err, "shards of an unfinished distributed run exist; pass --resume")) << restarted.err;

  // Two ranks resume what three started: every committed row is kept and none is extracted again.
  const testing::command_result resumed =
      run_command(mpirun(2, cohort_arguments(manifest, store, "--labels all --resume")));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(
      contains(resumed.err, "resuming " + store.string() + ": " + std::to_string(committed) + " ROIs already stored"))
      << resumed.err;
  EXPECT_TRUE(contains(resumed.err, std::to_string(total_rois - committed) + " ROIs done, 0 failed, " +
                                        std::to_string(committed) + " already stored"))
      << resumed.err;
  const store_contents actual = read_store(store.string());
  expect_same_store(actual, expected, "resumed");
  expect_no_duplicates(actual, "resumed");
  EXPECT_FALSE(fs::exists(shards));
}

TEST_F(CohortMpi, FailedRankKeepsOtherRanksRows) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1, 2, 3});
  const fs::path manifest = write_phantom_cohort(12);
  const fs::path reference_store = folder_ / "reference.h5";
  ASSERT_EQ(run(cohort_arguments(manifest, reference_store, "--labels all")).status, 0);
  const store_contents expected = read_store(reference_store.string());

  // A folder in place of rank 1's temporary shard file makes its first commit fail, and rank 1 stops.
  const fs::path store = folder_ / "features.h5";
  const fs::path shards = store.string() + ".shards";
  const fs::path blocker = shards / "rank-0001.h5.partial";
  fs::create_directories(blocker);
  testing::write_text(blocker / "file", "keeps the folder from being removed\n");
  const testing::command_result failed =
      run_command(mpirun(3, cohort_arguments(manifest, store, "--labels all --resume")));
  EXPECT_EQ(failed.status, 1) << failed.err;
  EXPECT_TRUE(contains(failed.err, "radcore: error: the distributed run failed (rank 1: ")) << failed.err;
  EXPECT_TRUE(contains(failed.err, "the rows the ranks committed are kept in " + shards.string() +
                                       "; fix the error and run it again with --resume"))
      << failed.err;
  EXPECT_FALSE(fs::exists(store));
  EXPECT_FALSE(fs::exists(shards / "rank-0001.h5"));
  const std::size_t rank2_rows = read_store((shards / "rank-0002.h5").string()).rows.size();
  EXPECT_GT(rank2_rows, 0u) << "rank 2 committed no rows before the run ended";

  fs::remove_all(blocker);
  const testing::command_result resumed =
      run_command(mpirun(3, cohort_arguments(manifest, store, "--labels all --resume")));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(contains(resumed.err, std::to_string(rank2_rows) + " ROIs already stored")) << resumed.err;
  const store_contents actual = read_store(store.string());
  expect_same_store(actual, expected, "resumed after a failed rank");
  expect_no_duplicates(actual, "resumed after a failed rank");
}

TEST_F(CohortMpi, SingleProcessResumeMergesShards) {
  RADCORE_REQUIRE_MPI();
  make_phantoms({1, 2, 3});
  const fs::path manifest = write_phantom_cohort(12);
  const fs::path reference_store = folder_ / "reference.h5";
  ASSERT_EQ(run(cohort_arguments(manifest, reference_store, "--labels all")).status, 0);
  const store_contents expected = read_store(reference_store.string());

  const fs::path store = folder_ / "features.h5";
  const fs::path shards = store.string() + ".shards";
  const testing::command_result killed =
      run_command(mpirun(2, cohort_arguments(manifest, store, "--labels all"), "RADCORE_TEST_KILL_AFTER_ROWS=1:8"));
  ASSERT_NE(killed.status, 0) << killed.err;
  const std::size_t committed = committed_rows(shards);
  ASSERT_GE(committed, 8u);

  const testing::command_result plain = run(cohort_arguments(manifest, store, "--labels all"));
  EXPECT_EQ(plain.status, 1);
  EXPECT_TRUE(contains(plain.err, "shards of an unfinished distributed run exist")) << plain.err;

  const testing::command_result resumed = run(cohort_arguments(manifest, store, "--labels all --resume"));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(contains(resumed.err, "merged " + std::to_string(committed) + " ROIs from the 1 shards")) << resumed.err;
  expect_same_store(read_store(store.string()), expected, "single-process resume");
  EXPECT_FALSE(fs::exists(shards));

  // --force starts over, removing shards that a killed run left.
  ASSERT_NE(run_command(mpirun(2, cohort_arguments(manifest, store, "--labels all --force"),
                               "RADCORE_TEST_KILL_AFTER_ROWS=1:8"))
                .status,
            0);
  ASSERT_TRUE(fs::exists(shards));
  const testing::command_result forced = run(cohort_arguments(manifest, store, "--labels all --force"));
  ASSERT_EQ(forced.status, 0) << forced.err;
  EXPECT_TRUE(contains(forced.err, "24 ROIs done, 0 failed, 0 already stored")) << forced.err;
  EXPECT_FALSE(fs::exists(shards));
}

}  // namespace
}  // namespace radcore
