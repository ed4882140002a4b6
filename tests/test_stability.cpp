// `radcore stability`, `stability export` and `select --stability` on generated phantoms and on the
// shared real data: store layout, reproducibility, recomputation of stored rows, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cohort_fixtures.hpp"
#include "host/extract.hpp"
#include "host/perturbation.hpp"
#include "host/stability.hpp"
#include "io/case_loader.hpp"
#include "io/feature_store.hpp"
#include "test_data.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::shell_quoted;

// Recomputes one stored repeat in-process: decode, draw with the run's settings, perturb, extract.
std::vector<double> recompute_repeat(const std::string& image, const std::string& mask, int label,
                                     const extraction_parameters& run_parameters, const perturbation_settings& settings,
                                     std::int64_t manifest_row, int repeat) {
  extraction_parameters parameters = run_parameters;
  parameters.settings.additional_info = false;
  extraction_settings load_settings = parameters.settings;
  load_settings.label = label;
  const loaded_case loaded = load_case(image, mask, load_settings);
  const double sigma = settings.noise_sigma ? *settings.noise_sigma : estimate_noise_sigma(loaded.image);
  const perturbation_draw draw = draw_perturbation(settings, sigma, manifest_row, label, repeat);
  const loaded_case perturbed = apply_perturbation(loaded, draw, parameters.settings.interpolator);
  return extract_loaded(perturbed, parameters, label, "recomputed ROI").feature_values;
}

const store_row* find_row(const store_contents& contents, std::int64_t manifest_row, int label, int repeat) {
  for (const store_row& row : contents.rows) {
    if (row.manifest_row == manifest_row && row.label == label && row.repeat == repeat) return &row;
  }
  return nullptr;
}

void expect_bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i], &b[i], sizeof(double)), 0) << "feature " << i << ": " << a[i] << " vs " << b[i];
  }
}

// Checks the exported ICC CSV: its header, one row per feature, counts and value ranges.
void expect_icc_csv(const csv_table& table, const store_header& header, int subjects, int repeats) {
  const std::vector<std::string> columns = {"feature", "icc", "ci_low", "ci_high", "n_subjects", "n_repeats"};
  ASSERT_EQ(table.header, columns);
  ASSERT_EQ(table.rows.size(), header.feature_names.size());
  int with_icc = 0;
  for (std::size_t f = 0; f < table.rows.size(); ++f) {
    const auto& row = table.rows[f];
    EXPECT_EQ(row[0], header.feature_names[f]);
    EXPECT_EQ(row[4], std::to_string(subjects));
    EXPECT_EQ(row[5], std::to_string(repeats));
    if (row[1] == "nan") {
      EXPECT_EQ(row[2], "nan") << row[0];
      EXPECT_EQ(row[3], "nan") << row[0];
      continue;
    }
    ++with_icc;
    const double icc = std::stod(row[1]), low = std::stod(row[2]), high = std::stod(row[3]);
    // ICC(1,1) lies in [-1 / (k - 1), 1], and its interval contains it.
    EXPECT_GE(icc, -1.0 / (repeats - 1) - 1e-12) << row[0];
    EXPECT_LE(icc, 1.0) << row[0];
    EXPECT_LE(low, icc) << row[0];
    EXPECT_GE(high, icc) << row[0];
  }
  EXPECT_GT(with_icc, int(table.rows.size()) / 2);
}

class StabilityStore : public testing::radcore_folder_test {};

TEST_F(StabilityStore, RoundTripsPerturbationRowsAndIccTable) {
  store_header header;
  header.metadata_columns = {"ID", "Image", "Mask"};
  header.feature_names = {"original_firstorder_Mean", "original_glcm_Contrast"};
  header.settings_text = "{}";
  header.settings_sha1 = "0";
  header.backend = "cpu";
  header.device = "cpu";
  header.stability_text = "perturb=noise; repeats=2";
  store_icc_table icc;
  icc.models = {"1,1", "2,1", "3,1"};
  icc.icc = {0.5, 0.6, 0.7, std::nan(""), std::nan(""), std::nan("")};
  icc.ci_low = {0.1, 0.2, 0.3, std::nan(""), std::nan(""), std::nan("")};
  icc.ci_high = {0.8, 0.9, 1.0, std::nan(""), std::nan(""), std::nan("")};
  icc.subjects = {3, 3};
  icc.repeats = {2, 2};
  header.icc = icc;
  std::vector<store_row> rows;
  for (int repeat = 1; repeat <= 2; ++repeat) {
    store_row row;
    row.metadata = {"p1", "image.nrrd", "mask.nrrd"};
    row.label = 1;
    row.status = row_status::done;
    row.features = {1.0 * repeat, 2.0 * repeat};
    row.repeat = repeat;
    row.perturbation = "noise";
    row.perturbation_parameters = "noise_sigma=2.5;noise_seed=" + std::to_string(repeat);
    rows.push_back(row);
  }
  const std::string path = (folder_ / "s.h5").string();
  feature_store_writer::create(path, header, rows)->close();

  const store_contents contents = read_store(path);
  EXPECT_EQ(contents.header.stability_text, header.stability_text);
  ASSERT_EQ(contents.rows.size(), 2u);
  EXPECT_EQ(contents.rows[1].repeat, 2);
  EXPECT_EQ(contents.rows[1].perturbation, "noise");
  EXPECT_EQ(contents.rows[1].perturbation_parameters, "noise_sigma=2.5;noise_seed=2");
  ASSERT_TRUE(contents.header.icc.has_value());
  EXPECT_EQ(contents.header.icc->models, icc.models);
  EXPECT_EQ(contents.header.icc->icc[2], 0.7);
  EXPECT_EQ(contents.header.icc->ci_high[1], 0.9);
  EXPECT_TRUE(std::isnan(contents.header.icc->icc[3]));
  EXPECT_EQ(contents.header.icc->subjects, icc.subjects);
  EXPECT_EQ(contents.header.icc->repeats, icc.repeats);

  // A store without the stability attribute has neither perturbation columns nor an ICC table.
  header.stability_text.clear();
  header.icc.reset();
  feature_store_writer::create(path, header, rows)->close();
  const store_contents cohort = read_store(path);
  EXPECT_TRUE(cohort.header.stability_text.empty());
  EXPECT_FALSE(cohort.header.icc.has_value());
  EXPECT_EQ(cohort.rows[1].repeat, 0);
}

class Stability : public testing::radcore_folder_test {
 protected:
  // Two phantoms with labels 1 and 2 each: four ROIs.
  fs::path phantom_manifest() {
    make_phantoms({1, 2});
    return write_manifest("manifest.csv", {1, 2});
  }
  std::string study(const fs::path& manifest, const std::string& store, const std::string& extra = "",
                    int repeats = 3, int seed = 7) const {
    return "stability --cohort " + shell_quoted(manifest) + " --labels 1,2 --perturb " +
           "noise,rotation,translation,volume,contour --repeats " + std::to_string(repeats) + " --seed " +
           std::to_string(seed) + " -o " + shell_quoted(folder_ / store) + " " + extra;
  }
};

TEST_F(Stability, StoresEveryRepeatAndIccTable) {
  const fs::path manifest = phantom_manifest();
  const testing::command_result result = run(study(manifest, "s.h5"));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "12 extractions done, 0 failed; ICC over 4 ROIs")) << result.err;

  const store_contents contents = read_store((folder_ / "s.h5").string());
  ASSERT_EQ(contents.rows.size(), 12u);
  EXPECT_TRUE(contains(contents.header.stability_text, "perturb=noise,rotation,translation,volume,contour"));
  for (std::size_t r = 0; r < contents.rows.size(); ++r) {
    const store_row& row = contents.rows[r];
    EXPECT_EQ(row.status, row_status::done) << row.error;
    EXPECT_EQ(row.repeat, int(r % 3) + 1);
    EXPECT_EQ(row.perturbation, "noise,rotation,translation,volume,contour");
    EXPECT_TRUE(contains(row.perturbation_parameters, "rotation_degrees=")) << row.perturbation_parameters;
    EXPECT_TRUE(contains(row.perturbation_parameters, "volume_fraction=")) << row.perturbation_parameters;
  }
  ASSERT_TRUE(contents.header.icc.has_value());
  EXPECT_EQ(contents.header.icc->models, (std::vector<std::string>{"1,1", "2,1", "3,1"}));

  // A stored repeat equals its recomputation from the same seed.
  perturbation_settings settings;
  settings.chain = parse_perturbation_chain("noise,rotation,translation,volume,contour");
  settings.seed = 7;
  const std::string image = (case_folder(2) / "image.nrrd").string();
  const std::string mask = (case_folder(2) / "mask.nrrd").string();
  const store_row* stored = find_row(contents, 1, 2, 3);
  ASSERT_NE(stored, nullptr);
  expect_bitwise_equal(stored->features, recompute_repeat(image, mask, 2, default_parameters(), settings, 1, 3));

  const testing::command_result exported = run("stability export " + shell_quoted(folder_ / "s.h5") + " -o " +
                                               shell_quoted(folder_ / "icc.csv") + " --report " +
                                               shell_quoted(folder_ / "report"));
  ASSERT_EQ(exported.status, 0) << exported.err;
  expect_icc_csv(testing::read_table(folder_ / "icc.csv"), contents.header, 4, 3);
  EXPECT_TRUE(fs::exists(folder_ / "report" / "report.md"));
  EXPECT_TRUE(fs::exists(folder_ / "report" / "icc_by_class.csv"));

  const testing::command_result consistency = run("stability export " + shell_quoted(folder_ / "s.h5") + " -o " +
                                                  shell_quoted(folder_ / "icc3.csv") + " --icc 3,1");
  ASSERT_EQ(consistency.status, 0) << consistency.err;
  EXPECT_NE(testing::read_text(folder_ / "icc3.csv"), testing::read_text(folder_ / "icc.csv"));

  // export and info read a stability store like a cohort store, with the perturbation columns added.
  const testing::command_result rows = run("export " + shell_quoted(folder_ / "s.h5") + " -o " +
                                           shell_quoted(folder_ / "rows.csv"));
  ASSERT_EQ(rows.status, 0) << rows.err;
  const csv_table table = testing::read_table(folder_ / "rows.csv");
  EXPECT_EQ(table.rows.size(), 12u);
  ASSERT_GE(table.header.size(), 7u);
  EXPECT_EQ(table.header[4], "Repeat");
  EXPECT_EQ(table.header[5], "Perturbation");
  const testing::command_result info = run("info " + shell_quoted(folder_ / "s.h5"));
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "ICC table: 3 forms per feature")) << info.out;
}

TEST_F(Stability, ZeroStrengthRowsEqualExtract) {
  const fs::path manifest = phantom_manifest();
  const testing::command_result result =
      run("stability --cohort " + shell_quoted(manifest) + " --labels 1,2 --perturb noise,rotation,translation,volume," +
          "contour --noise-sigma 0 --rotation 0,0 --translation 0 --volume 0,0 --contour-probability 0 --repeats 2 -o " +
          shell_quoted(folder_ / "s.h5"));
  ASSERT_EQ(result.status, 0) << result.err;
  const store_contents contents = read_store((folder_ / "s.h5").string());
  ASSERT_EQ(contents.rows.size(), 8u);
  for (const store_row& row : contents.rows) {
    SCOPED_TRACE("manifest row " + std::to_string(row.manifest_row) + ", label " + std::to_string(row.label));
    const fs::path folder = case_folder(int(row.manifest_row) + 1);
    const testing::command_result single = run("extract " + shell_quoted(folder / "image.nrrd") + " " +
                                               shell_quoted(folder / "mask.nrrd") + " --label " +
                                               std::to_string(row.label) + " -o " + shell_quoted(folder_ / "one.csv"));
    ASSERT_EQ(single.status, 0) << single.err;
    const csv_table table = testing::read_table(folder_ / "one.csv");
    ASSERT_EQ(table.rows.size(), 1u);
    std::vector<double> expected;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      // The CSV prints the shortest decimal that reads back to the same double, so stod is exact.
      if (table.header[c].rfind("diagnostics_", 0) != 0) expected.push_back(std::stod(table.rows[0][c]));
    }
    expect_bitwise_equal(row.features, expected);
  }
}

TEST_F(Stability, SeededRunsAreReproducible) {
  const fs::path manifest = phantom_manifest();
  ASSERT_EQ(run(study(manifest, "a.h5", "--jobs 2")).status, 0);
  ASSERT_EQ(run(study(manifest, "b.h5")).status, 0);
  ASSERT_EQ(run(study(manifest, "c.h5", "", 3, 8)).status, 0);
  const store_contents a = read_store((folder_ / "a.h5").string());
  const store_contents b = read_store((folder_ / "b.h5").string());
  const store_contents c = read_store((folder_ / "c.h5").string());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t r = 0; r < a.rows.size(); ++r) {
    EXPECT_EQ(a.rows[r].perturbation_parameters, b.rows[r].perturbation_parameters);
    expect_bitwise_equal(a.rows[r].features, b.rows[r].features);
  }
  EXPECT_NE(a.rows[0].perturbation_parameters, c.rows[0].perturbation_parameters);
}

TEST_F(Stability, BadInputsGiveClearErrors) {
  const fs::path manifest = phantom_manifest();
  const testing::command_result unknown = run("stability --cohort " + shell_quoted(manifest) +
                                              " --perturb noise,blur --repeats 3 -o " + shell_quoted(folder_ / "x.h5"));
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(contains(unknown.err, "unknown perturbation 'blur'")) << unknown.err;

  const testing::command_result one_repeat = run(study(manifest, "x.h5", "", 1));
  EXPECT_EQ(one_repeat.status, 1);
  EXPECT_TRUE(contains(one_repeat.err, "--repeats: ICC needs at least 2")) << one_repeat.err;

  const fs::path single = write_manifest("single.csv", {1});
  const testing::command_result one_roi = run("stability --cohort " + shell_quoted(single) +
                                              " --perturb noise --repeats 3 -o " + shell_quoted(folder_ / "x.h5"));
  EXPECT_EQ(one_roi.status, 1);
  EXPECT_TRUE(contains(one_roi.err, "ICC needs at least 2 ROIs (subjects) but the manifest gives 1")) << one_roi.err;
  EXPECT_FALSE(fs::exists(folder_ / "x.h5"));

  const testing::command_result missing = run("stability export " + shell_quoted(folder_ / "none.h5") + " -o " +
                                              shell_quoted(folder_ / "icc.csv"));
  EXPECT_EQ(missing.status, 1);
  EXPECT_TRUE(contains(missing.err, "feature store not found")) << missing.err;

  ASSERT_EQ(run("extract --cohort " + shell_quoted(manifest) + " -o " + shell_quoted(folder_ / "cohort.h5")).status, 0);
  const testing::command_result cohort = run("stability export " + shell_quoted(folder_ / "cohort.h5") + " -o " +
                                             shell_quoted(folder_ / "icc.csv"));
  EXPECT_EQ(cohort.status, 1);
  EXPECT_TRUE(contains(cohort.err, "the store has no ICC table")) << cohort.err;

  const testing::command_result range = run(study(manifest, "x.h5", "--volume 0.2,-0.2"));
  EXPECT_EQ(range.status, 1);
  EXPECT_TRUE(contains(range.err, "--volume: expected MIN,MAX fractions")) << range.err;

  ASSERT_EQ(run(study(manifest, "s.h5")).status, 0);
  const testing::command_result exists = run(study(manifest, "s.h5"));
  EXPECT_EQ(exists.status, 1);
  EXPECT_TRUE(contains(exists.err, "a store exists already; pass --force")) << exists.err;

  const testing::command_result no_cohort = run("stability --perturb noise --repeats 3 -o " + shell_quoted(folder_ / "y.h5"));
  EXPECT_EQ(no_cohort.status, 1);
  EXPECT_TRUE(contains(no_cohort.err, "stability needs --cohort")) << no_cohort.err;
}

TEST_F(Stability, FailedRoiIsStoredAndRunGoesOn) {
  make_phantoms({1, 2});
  const fs::path manifest = write_manifest("manifest.csv", {1, 2}, "p9,case9/image.nrrd,case9/mask.nrrd\n");
  const testing::command_result result = run(study(manifest, "s.h5"));
  EXPECT_EQ(result.status, 2) << result.err;
  EXPECT_TRUE(contains(result.err, "12 extractions done, 6 failed; ICC over 4 ROIs")) << result.err;
  const store_contents contents = read_store((folder_ / "s.h5").string());
  ASSERT_EQ(contents.rows.size(), 18u);
  const store_row& failed = contents.rows.back();
  EXPECT_EQ(failed.status, row_status::failed);
  EXPECT_TRUE(contains(failed.error, "image file not found")) << failed.error;
  ASSERT_TRUE(contents.header.icc.has_value());
  EXPECT_EQ(contents.header.icc->subjects.front(), 4);
}

TEST_F(Stability, SelectKeepsOnlyStableFeatures) {
  const fs::path manifest = phantom_manifest();
  ASSERT_EQ(run(study(manifest, "s.h5")).status, 0);
  const store_contents contents = read_store((folder_ / "s.h5").string());
  const store_icc_table& icc = *contents.header.icc;

  // A features table with up to three stable stored features, one unstable one, and one the store does
  // not have. The values are random, with the first column tied to the outcome so that LASSO can fit.
  std::vector<std::string> chosen;
  std::set<std::string> expected_kept;
  const std::size_t models = icc.models.size();
  bool have_stable = false, have_unstable = false;
  for (std::size_t f = 0; f < contents.header.feature_names.size() && chosen.size() < 6; ++f) {
    const double value = icc.icc[f * models];
    const bool stable = value >= 0.9;
    if ((stable && have_stable && expected_kept.size() >= 3) || (!stable && have_unstable)) continue;
    chosen.push_back(contents.header.feature_names[f]);
    if (stable) expected_kept.insert(chosen.back());
    have_stable = have_stable || stable;
    have_unstable = have_unstable || (!stable && !std::isnan(value));
  }
  ASSERT_TRUE(have_stable);
  chosen.push_back("original_firstorder_NotInTheStore");
  std::string csv = "ID,outcome";
  for (const std::string& name : chosen) csv += "," + name;
  csv += "\n";
  std::mt19937 engine(3);
  std::normal_distribution<double> noise(0, 1);
  for (int i = 0; i < 40; ++i) {
    csv += "case" + std::to_string(i) + "," + std::to_string(i % 2);
    for (std::size_t j = 0; j < chosen.size(); ++j) csv += "," + std::to_string(noise(engine) + (j == 0 ? i % 2 : 0));
    csv += "\n";
  }
  testing::write_text(folder_ / "features.csv", csv);

  const testing::command_result result = run("select " + shell_quoted(folder_ / "features.csv") +
                                             " --outcome-column outcome --folds 4 --stability " +
                                             shell_quoted(folder_ / "s.h5") + " --icc-min 0.9 -o " +
                                             shell_quoted(folder_ / "model"));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "kept " + std::to_string(expected_kept.size()) + " dropped")) << result.out;
  EXPECT_TRUE(contains(result.out, "1 not in the store")) << result.out;
  EXPECT_TRUE(contains(result.out, "features " + std::to_string(expected_kept.size()) + " kept")) << result.out;
}

// A smaller version of the documented study: the four spinal-cord levels of sct_t2 and the PyRadiomics
// cases brain1 and breast1, the study configuration, 3 repeats of noise, rotation and volume change.
TEST_F(Stability, RealDataStudyConfiguration) {
  RADCORE_REQUIRE_SHARED("spine/sct_t2/t2.nii.gz");
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const fs::path data = testing::shared_data_dir();
  const std::string spine_image = (data / "spine/sct_t2/t2.nii.gz").string();
  const std::string spine_mask = (data / "spine/sct_t2/t2_seg-manual_labeled.nii.gz").string();
  std::string text = "ID,Image,Mask,Label\n";
  for (int level = 2; level <= 5; ++level) {
    text += "sct_t2_" + std::to_string(level) + "," + spine_image + "," + spine_mask + "," + std::to_string(level) + "\n";
  }
  for (const std::string name : {"brain1", "breast1"}) {
    text += name + "," + (data / "pyradiomics" / (name + "_image.nrrd")).string() + "," +
            (data / "pyradiomics" / (name + "_label.nrrd")).string() + ",1\n";
  }
  testing::write_text(folder_ / "manifest.csv", text);
  const fs::path parameters = fs::path(RADCORE_SOURCE_DIR) / "scripts" / "study.yaml";
  const testing::command_result result =
      run("stability --cohort " + shell_quoted(folder_ / "manifest.csv") + " -p " + shell_quoted(parameters) +
          " --perturb noise,rotation,volume --repeats 3 --seed 1 --jobs 2 -o " + shell_quoted(folder_ / "s.h5"));
  ASSERT_EQ(result.status, 0) << result.err;

  const store_contents contents = read_store((folder_ / "s.h5").string());
  ASSERT_EQ(contents.rows.size(), 18u);
  ASSERT_EQ(contents.header.feature_names.size(), 851u);
  const testing::command_result exported = run("stability export " + shell_quoted(folder_ / "s.h5") + " -o " +
                                               shell_quoted(folder_ / "icc.csv"));
  ASSERT_EQ(exported.status, 0) << exported.err;
  expect_icc_csv(testing::read_table(folder_ / "icc.csv"), contents.header, 6, 3);

  perturbation_settings settings;
  settings.chain = parse_perturbation_chain("noise,rotation,volume");
  settings.seed = 1;
  const store_row* stored = find_row(contents, 2, 4, 2);  // manifest row 3: spinal-cord level 4, repeat 2
  ASSERT_NE(stored, nullptr);
  expect_bitwise_equal(stored->features,
                       recompute_repeat(spine_image, spine_mask, 4, load_parameters_file(parameters.string()), settings,
                                        2, 2));
}

}  // namespace
}  // namespace radcore
