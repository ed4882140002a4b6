// `radcore extract --cohort`, `export` and `info` on generated phantoms and on the shared real data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cohort_fixtures.hpp"
#include "real_cohort.hpp"
#include "io/feature_store.hpp"
#include "io/image_reader.hpp"
#include "test_data.hpp"
#include "tests/gpu_tolerance.hpp"

#if defined(RADCORE_HAS_CUDA)
#include "kernels/cuda_backend.hpp"
#endif

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::shell_quoted;

class Cohort : public testing::radcore_folder_test {
 protected:
  // Returns the feature columns of `radcore extract IMAGE MASK --label LABEL ARGUMENTS`, as CSV text.
  std::map<std::string, std::string> single_features(const std::string& image, const std::string& mask, int label,
                                                     const std::string& arguments = "") const {
    const fs::path output = folder_ / "single.csv";
    const testing::command_result result = run("extract " + shell_quoted(image) + " " + shell_quoted(mask) + " --label " +
                                               std::to_string(label) + " " + arguments + " -o " + shell_quoted(output));
    EXPECT_EQ(result.status, 0) << result.err;
    const csv_table table = testing::read_table(output);
    std::map<std::string, std::string> features;
    if (table.rows.size() != 1) return features;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      if (table.header[c].rfind("diagnostics_", 0) != 0) features[table.header[c]] = table.rows[0][c];
    }
    return features;
  }

  // Checks every exported row against a single-case extraction of the same ROI, comparing CSV text.
  void expect_rows_equal_single(const csv_table& exported, const std::string& arguments = "") const {
    const int image = exported.column("Image");
    const int mask = exported.column("Mask");
    const int label = exported.column("Label");
    ASSERT_GE(image, 0);
    ASSERT_GE(mask, 0);
    ASSERT_GE(label, 0);
    for (const std::vector<std::string>& row : exported.rows) {
      const std::string image_path = fs::path(row[image]).is_absolute() ? row[image] : (folder_ / row[image]).string();
      const std::string mask_path = fs::path(row[mask]).is_absolute() ? row[mask] : (folder_ / row[mask]).string();
      const std::map<std::string, std::string> single =
          single_features(image_path, mask_path, std::stoi(row[label]), arguments);
      ASSERT_EQ(single.size(), exported.header.size() - static_cast<std::size_t>(label) - 1) << row[image];
      for (std::size_t c = static_cast<std::size_t>(label) + 1; c < exported.header.size(); ++c) {
        const auto found = single.find(exported.header[c]);
        ASSERT_NE(found, single.end()) << exported.header[c];
        EXPECT_EQ(row[c], found->second) << row[image] << " label " << row[label] << ": " << exported.header[c];
      }
    }
  }

  csv_table export_store(const fs::path& store) const {
    const fs::path output = folder_ / "export.csv";
    const testing::command_result result = run("export " + shell_quoted(store) + " -o " + shell_quoted(output));
    EXPECT_EQ(result.status, 0) << result.err;
    return testing::read_table(output);
  }

  std::vector<int> labels_of(const csv_table& table) const {
    std::vector<int> labels;
    for (const auto& row : table.rows) labels.push_back(std::stoi(row[table.column("Label")]));
    return labels;
  }
};

TEST_F(Cohort, ExportedRowsEqualSingleExtraction) {
  make_phantoms({1, 2});
  const fs::path manifest = write_manifest("manifest.csv", {1, 2});
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result =
      run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --labels all --jobs 2");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "cohort finished: 4 ROIs done, 0 failed")) << result.err;

  const csv_table exported = export_store(store);
  ASSERT_EQ(exported.rows.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(exported.header.begin(), exported.header.begin() + 4),
            (std::vector<std::string>{"ID", "Image", "Mask", "Label"}));
  EXPECT_EQ(exported.rows[0][0], "p1");
  EXPECT_EQ(exported.rows[3][0], "p2");
  expect_rows_equal_single(exported);
}

TEST_F(Cohort, SettingOverridesReachEveryRoi) {
  make_phantoms({3});
  const fs::path manifest = write_manifest("manifest.csv", {3});
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result =
      run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " -s binWidth:10 --labels 2");
  ASSERT_EQ(result.status, 0) << result.err;
  expect_rows_equal_single(export_store(store), "-s binWidth:10");
}

TEST_F(Cohort, LabelsAllAndListedSelectRois) {
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path all = folder_ / "all.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(all) + " --labels all").status, 0);
  EXPECT_EQ(labels_of(export_store(all)), (std::vector<int>{1, 2}));

  const fs::path listed = folder_ / "listed.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(listed) + " --labels 1,2").status, 0);
  EXPECT_EQ(labels_of(export_store(listed)), (std::vector<int>{1, 2}));

  const fs::path second = folder_ / "second.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(second) + " --labels 2").status, 0);
  EXPECT_EQ(labels_of(export_store(second)), (std::vector<int>{2}));

  const fs::path defaults = folder_ / "default.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(defaults)).status, 0);
  EXPECT_EQ(labels_of(export_store(defaults)), (std::vector<int>{1}));
}

TEST_F(Cohort, LabelColumnPicksRoiAndMovesAfterMetadata) {
  make_phantoms({1});
  const fs::path manifest = folder_ / "manifest.csv";
  testing::write_text(manifest, "Image,Mask,Label,Outcome\ncase1/image.nrrd,case1/mask.nrrd,2,severe\n");
  const fs::path store = folder_ / "features.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store)).status, 0);
  const csv_table exported = export_store(store);
  ASSERT_EQ(exported.rows.size(), 1u);
  EXPECT_EQ(std::vector<std::string>(exported.header.begin(), exported.header.begin() + 4),
            (std::vector<std::string>{"Image", "Mask", "Outcome", "Label"}));
  EXPECT_EQ(exported.rows[0][2], "severe");
  EXPECT_EQ(exported.rows[0][3], "2");
}

TEST_F(Cohort, BadRowsFailAloneWithExitTwo) {
  make_phantoms({1});
  testing::write_text(folder_ / "not_an_image.nrrd", "this is not an image\n");
  const std::string extra =
      "p2,absent/image.nrrd,case1/mask.nrrd\n"
      "p3,not_an_image.nrrd,case1/mask.nrrd\n"
      "p1,case1/image.nrrd,case1/mask.nrrd\n"
      "p4,case1/image.nrrd,\n";
  const fs::path manifest = write_manifest("manifest.csv", {1}, extra);
  const fs::path store = folder_ / "features.h5";
  const testing::command_result result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store));
  EXPECT_EQ(result.status, 2) << result.err;
  EXPECT_TRUE(contains(result.err, "cohort finished: 1 ROIs done, 4 failed")) << result.err;
  EXPECT_TRUE(contains(result.err, "manifest row 2, label 1: " + (folder_ / "absent/image.nrrd").string() +
                                       ": image file not found"))
      << result.err;
  EXPECT_TRUE(contains(result.err, "manifest row 3, label 1: ")) << result.err;
  EXPECT_TRUE(contains(result.err, "manifest row 4, label 1: duplicate of manifest row 1")) << result.err;
  EXPECT_TRUE(contains(result.err, "manifest row 5, label 1: empty Image or Mask path")) << result.err;

  const store_contents contents = read_store(store.string());
  ASSERT_EQ(contents.rows.size(), 5u);
  EXPECT_EQ(contents.rows[0].status, row_status::done);
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(contents.rows[i].status, row_status::failed) << "row " << i;
    EXPECT_FALSE(contents.rows[i].error.empty()) << "row " << i;
  }
  EXPECT_EQ(export_store(store).rows.size(), 1u);

  const testing::command_result info = run("info " + shell_quoted(store) + " --failures");
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "rows: 5 (1 done, 4 failed)")) << info.out;
  EXPECT_TRUE(contains(info.out, "failed: manifest row 4, label 1: duplicate of manifest row 1")) << info.out;
}

TEST_F(Cohort, EmptyOrHeaderlessManifestExitsOne) {
  const fs::path store = folder_ / "features.h5";
  const fs::path empty = folder_ / "empty.csv";
  testing::write_text(empty, "ID,Image,Mask\n");
  testing::command_result result = run("extract --cohort " + shell_quoted(empty) + " -o " + shell_quoted(store));
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, empty.string() + ": the manifest has no data rows")) << result.err;
  EXPECT_FALSE(fs::exists(store));

  const fs::path no_mask = folder_ / "no_mask.csv";
  testing::write_text(no_mask, "ID,Image\np1,a.nrrd\n");
  result = run("extract --cohort " + shell_quoted(no_mask) + " -o " + shell_quoted(store));
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "needs the columns Image and Mask in its header")) << result.err;
  EXPECT_TRUE(contains(result.err, "found: ID, Image")) << result.err;

  result = run("extract --cohort " + shell_quoted(folder_ / "absent.csv") + " -o " + shell_quoted(store));
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "absent.csv: manifest not found")) << result.err;
}

TEST_F(Cohort, ExistingStoreNeedsResumeOrForce) {
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path store = folder_ / "features.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store)).status, 0);

  testing::command_result result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store));
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "a feature store exists already; pass --resume to continue it or --force"))
      << result.err;

  result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --resume");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "0 ROIs done, 0 failed, 1 already stored")) << result.err;

  result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --force --labels all");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(read_store(store.string()).rows.size(), 2u);

  // --force and --resume exclude each other: a usage error.
  result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --force --resume");
  EXPECT_EQ(result.status, 64);
}

TEST_F(Cohort, ResumeRejectsOtherSettingsOrManifest) {
  make_phantoms({1, 2});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path store = folder_ / "features.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store)).status, 0);

  testing::command_result result =
      run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --resume -s binWidth:10");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "the store was written with other settings")) << result.err;

  const fs::path other = write_manifest("other.csv", {2});
  result = run("extract --cohort " + shell_quoted(other) + " -o " + shell_quoted(store) + " --resume");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(contains(result.err, "does not match that row of")) << result.err;

  // A manifest that gained rows at its end resumes and extracts only the new ones.
  const fs::path longer = write_manifest("manifest.csv", {1, 2});
  result = run("extract --cohort " + shell_quoted(longer) + " -o " + shell_quoted(store) + " --resume");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "1 ROIs done, 0 failed, 1 already stored")) << result.err;
  EXPECT_EQ(read_store(store.string()).rows.size(), 2u);
}

// True when this build has the CUDA backend and a device is usable, so --device cuda and auto run on it.
bool gpu_usable() {
#if defined(RADCORE_HAS_CUDA)
  return cuda_device_available();
#else
  return false;
#endif
}

TEST_F(Cohort, DeviceRequestIsChecked) {
  const auto info_of = [this](const fs::path& store) { return run("info " + shell_quoted(store)).out; };
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path store = folder_ / "features.h5";
  testing::command_result result;
  if (!gpu_usable()) {
    result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --device cuda");
    EXPECT_EQ(result.status, 1);
    EXPECT_TRUE(contains(result.err, "--device cuda: ")) << result.err;
    EXPECT_TRUE(contains(result.err, "use --device cpu or auto")) << result.err;
    EXPECT_FALSE(fs::exists(store));

    result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --device auto");
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_TRUE(contains(result.err, "radcore: running on the CPU: ")) << result.err;
    EXPECT_TRUE(contains(info_of(store), "backend: cpu (--device auto)"));
  }

  result = run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(folder_ / "cpu.h5") + " --device cpu");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_FALSE(contains(result.err, "running on the")) << result.err;
  EXPECT_TRUE(contains(info_of(folder_ / "cpu.h5"), "backend: cpu (--device cpu)"));
  EXPECT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o x.h5 --device tpu").status, 64);
}

TEST_F(Cohort, CudaStoreMatchesCpuStore) {
  if (!gpu_usable()) GTEST_SKIP() << "GPU test skipped: no usable CUDA device in this build or on this machine";
  make_phantoms({1, 2, 3});
  const fs::path manifest = write_manifest("manifest.csv", {1, 2, 3});
  const fs::path cpu_store = folder_ / "cpu.h5";
  const fs::path gpu_store = folder_ / "gpu.h5";
  const std::string common = "extract --cohort " + shell_quoted(manifest) + " --labels all --jobs 3 -o ";
  ASSERT_EQ(run(common + shell_quoted(cpu_store) + " --device cpu").status, 0);
  const testing::command_result gpu = run(common + shell_quoted(gpu_store) + " --device cuda");
  ASSERT_EQ(gpu.status, 0) << gpu.err;
  EXPECT_FALSE(contains(gpu.err, "computed on the CPU instead")) << gpu.err;
  const store_contents cpu_rows = read_store(cpu_store.string());
  const store_contents gpu_rows = read_store(gpu_store.string());
  EXPECT_EQ(gpu_rows.header.backend, "cuda");
  ASSERT_EQ(gpu_rows.header.feature_names, cpu_rows.header.feature_names);
  ASSERT_EQ(gpu_rows.rows.size(), cpu_rows.rows.size());
  for (std::size_t r = 0; r < cpu_rows.rows.size(); ++r) {
    EXPECT_EQ(gpu_rows.rows[r].backend, "cuda");
    ASSERT_EQ(gpu_rows.rows[r].features.size(), cpu_rows.rows[r].features.size());
    for (std::size_t f = 0; f < cpu_rows.rows[r].features.size(); ++f) {
      const double a = gpu_rows.rows[r].features[f], b = cpu_rows.rows[r].features[f];
      const std::string& name = cpu_rows.header.feature_names[f];
      if (std::isnan(a) || std::isnan(b)) {
        EXPECT_EQ(std::isnan(a), std::isnan(b)) << name;
        continue;
      }
      EXPECT_LE(std::fabs(a - b), testing::gpu_feature_tolerance(name, b)) << "row " << r << " " << name;
    }
  }
}

TEST_F(Cohort, InfoSummarisesStore) {
  make_phantoms({1});
  const fs::path manifest = write_manifest("manifest.csv", {1});
  const fs::path store = folder_ / "features.h5";
  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " --labels all").status, 0);
  const store_contents contents = read_store(store.string());
  const testing::command_result info = run("info " + shell_quoted(store));
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "rows: 2 (2 done, 0 failed)")) << info.out;
  EXPECT_TRUE(contains(info.out, "features: " + std::to_string(contents.header.feature_names.size()) + " per ROI"))
      << info.out;
  EXPECT_TRUE(contains(info.out, "settings SHA-1: " + contents.header.settings_sha1)) << info.out;
  EXPECT_TRUE(contains(info.out, "radcore: 0.1.0 (git revision ")) << info.out;
  EXPECT_TRUE(contains(info.out, "backend: cpu (--device auto)")) << info.out;
  EXPECT_EQ(contents.header.settings_sha1.size(), 40u);

  const testing::command_result missing = run("info " + shell_quoted(folder_ / "absent.h5"));
  EXPECT_EQ(missing.status, 1);
  EXPECT_TRUE(contains(missing.err, "absent.h5: feature store not found")) << missing.err;
}

TEST_F(Cohort, RealDataRowsEqualSingleExtraction) {
  RADCORE_REQUIRE_SHARED("spine/sct_t2/t2.nii.gz");
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const fs::path parameters = folder_ / "params.yaml";
  testing::write_text(parameters, testing::real_data_parameters);
  const fs::path manifest = testing::write_real_data_manifest(folder_);

  const fs::path store = folder_ / "features.h5";
  const std::string settings = "-p " + shell_quoted(parameters);
  const testing::command_result result =
      run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(store) + " " + settings + " --jobs 2");
  ASSERT_EQ(result.status, 0) << result.err;
  const csv_table exported = export_store(store);
  ASSERT_EQ(exported.rows.size(), 13u);
  int feature_columns = 0;
  for (const std::string& column : exported.header) {
    feature_columns += column.rfind("original_", 0) == 0 || column.rfind("wavelet-", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(feature_columns, 851) << "the study configuration has 14 shape + 93 x 9 features";
  expect_rows_equal_single(exported, settings);
}

}  // namespace
}  // namespace radcore
