// `radcore select`, `train`, `predict` and `evaluate FEATURES` on the generated reference table, joining
// ROIs per patient, and their errors for unusable input.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <sstream>

#include "host/ml/feature_table.hpp"
#include "io/csv.hpp"
#include "test_ml_support.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using radcore::testing::run_radcore;
using radcore::testing::scratch_folder;
using radcore::testing::test_resource;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

const fs::path& features_csv() {
  static const fs::path path = test_resource("reference/ml/features.csv");
  return path;
}

const fs::path& outcome_csv() {
  static const fs::path path = test_resource("reference/ml/outcome.csv");
  return path;
}

// Returns the CSV at `path` as text, with `edit` applied to every data row. Rows for which `edit` returns
// false are left out.
std::string edited_csv(const fs::path& path, const std::function<bool(std::vector<std::string>&, std::size_t)>& edit) {
  const csv_table table = read_csv_file(path.string());
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row(table.header);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::string> row = table.rows[r];
    if (edit(row, r)) writer.write_row(row);
  }
  return text.str();
}

TEST(MlCommands, SelectTrainPredictRoundTrip) {
  const scratch_folder folder("select_train_predict");
  const fs::path selected = folder.path() / "selected";
  const auto select = run_radcore("select " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column label --folds 5 --seed 3 -o " + quoted(selected),
                                  folder.path());
  ASSERT_EQ(select.status, 0) << select.err;
  EXPECT_NE(select.out.find("alpha_min "), std::string::npos) << select.out;
  EXPECT_NE(select.out.find("original_firstorder_Feature00"), std::string::npos) << select.out;
  for (const char* name : {"model.csv", "model_info.csv", "model.json", "formula.txt", "path.csv", "cv.csv",
                           "report.md"}) {
    EXPECT_TRUE(fs::exists(selected / name)) << name;
  }

  const fs::path trained = folder.path() / "trained";
  const auto train = run_radcore("train " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                     " --outcome-column label --classifier logistic --selected " + quoted(selected) +
                                     " -o " + quoted(trained),
                                 folder.path());
  ASSERT_EQ(train.status, 0) << train.err;
  EXPECT_NE(train.out.find("training (apparent, optimistic) AUC 0."), std::string::npos) << train.out;

  const fs::path predictions = folder.path() / "predictions.csv";
  const auto predict = run_radcore("predict " + quoted(trained) + " " + quoted(features_csv()) + " -o " +
                                       quoted(predictions),
                                   folder.path());
  ASSERT_EQ(predict.status, 0) << predict.err;
  const csv_table table = read_csv_file(predictions.string());
  EXPECT_EQ(table.rows.size(), 120u);
  EXPECT_GE(table.column("probability_1"), 0);
  EXPECT_GE(table.column("predicted"), 0);

  // Scoring the predictions with evaluate gives the training AUC printed by train.
  const csv_table outcome = read_csv_file(outcome_csv().string());
  std::ostringstream joined;
  csv_writer writer(joined);
  writer.write_row({"patient_id", "label", "probability", "predicted"});
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    writer.write_row({table.rows[r][0], outcome.rows[r][1], table.rows[r][2], table.rows[r][3]});
  }
  const fs::path scored = folder.write("scored.csv", joined.str());
  const auto evaluate = run_radcore("evaluate --predictions " + quoted(scored) +
                                        " --truth label --score probability --predicted predicted",
                                    folder.path());
  ASSERT_EQ(evaluate.status, 0) << evaluate.err;
  const std::size_t at = train.out.find("AUC ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(evaluate.out.find(train.out.substr(at, 16)), std::string::npos) << evaluate.out << train.out;
}

TEST(MlCommands, SelectWritesPlots) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) GTEST_SKIP() << "gnuplot not installed";
  const scratch_folder folder("select_plots");
  const fs::path selected = folder.path() / "selected";
  const auto select = run_radcore("select " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column severity --family gaussian --rule 1se --folds 5 -o " +
                                      quoted(selected),
                                  folder.path());
  ASSERT_EQ(select.status, 0) << select.err;
  EXPECT_GT(fs::file_size(selected / "lasso_path.png"), 1000u);
  EXPECT_GT(fs::file_size(selected / "cv_error.png"), 1000u);
}

TEST(MlCommands, EvaluateFeaturesCrossValidates) {
  const scratch_folder folder("evaluate_features");
  const auto result = run_radcore("evaluate " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column label --cv 5 --repeats 2 --folds 5 --n-alphas 30 --eps 1e-2 --seed 11 --report " +
                                      quoted(folder.path() / "report"),
                                  folder.path());
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("repeat 1 AUC 0."), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("repeat 2 AUC 0."), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("selection frequency over 10 training fits"), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(folder.path() / "report" / "predictions.csv"));

  const auto split = run_radcore("evaluate " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                     " --outcome-column label --test-fraction 0.3 --folds 5 --n-alphas 30 --eps 1e-2 --seed 11",
                                 folder.path());
  ASSERT_EQ(split.status, 0) << split.err;
  EXPECT_NE(split.out.find("held-out test part"), std::string::npos) << split.out;
}

TEST(MlCommands, JoinsRoisByPatient) {
  // Two ROIs (labels 2 and 3) per patient: the same table twice with the label changed.
  const csv_table table = read_csv_file(features_csv().string());
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row(table.header);
  for (const char* label : {"2", "3"}) {
    for (auto row : table.rows) {
      row[3] = label;
      writer.write_row(row);
    }
  }
  const scratch_folder folder("join_by");
  const fs::path features = folder.write("rois.csv", text.str());
  const fs::path selected = folder.path() / "selected";
  const auto select = run_radcore("select " + quoted(features) + " --by patient_id --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column label --folds 5 --max-correlation 0.99 -o " + quoted(selected),
                                  folder.path());
  ASSERT_EQ(select.status, 0) << select.err;
  // The copies of each feature are perfectly correlated, and feature 7 follows feature 3 (r = 0.998).
  EXPECT_NE(select.out.find("features 80 kept 39 dropped 41"), std::string::npos) << select.out;
  EXPECT_NE(select.out.find("  2_original_firstorder_Feature00"), std::string::npos) << select.out;

  const fs::path predictions = folder.path() / "predictions.csv";
  const auto predict = run_radcore("predict " + quoted(selected) + " " + quoted(features) + " -o " + quoted(predictions),
                                   folder.path());
  ASSERT_EQ(predict.status, 0) << predict.err;
  EXPECT_EQ(read_csv_file(predictions.string()).rows.size(), 120u);
}

TEST(MlCommands, RejectsOutcomeWithMissingPatients) {
  const scratch_folder folder("missing_outcome");
  const fs::path outcome = folder.write("outcome.csv", edited_csv(outcome_csv(), [](auto&, std::size_t r) {
    return r != 5 && r != 17;
  }));
  const auto result = run_radcore("select " + quoted(features_csv()) + " --outcome " + quoted(outcome) +
                                      " --outcome-column label -o " + quoted(folder.path() / "m"),
                                  folder.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("no outcome in column 'label' for 2 of 120 rows (patient_id P005, P017)"),
            std::string::npos)
      << result.err;
}

TEST(MlCommands, RejectsSingleClassOutcome) {
  const scratch_folder folder("one_class");
  const fs::path outcome = folder.write("outcome.csv", edited_csv(outcome_csv(), [](auto& row, std::size_t) {
    row[1] = "1";
    return true;
  }));
  const auto result = run_radcore("select " + quoted(features_csv()) + " --outcome " + quoted(outcome) +
                                      " --outcome-column label -o " + quoted(folder.path() / "m"),
                                  folder.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("every case has the value '1'"), std::string::npos) << result.err;
}

TEST(MlCommands, RejectsMoreFoldsThanPatients) {
  const scratch_folder folder("too_many_folds");
  const auto result = run_radcore("select " + quoted(features_csv()) + " --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column label --folds 200 -o " + quoted(folder.path() / "m"),
                                  folder.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("200 folds but only 120 cases"), std::string::npos) << result.err;
}

TEST(MlCommands, RejectsNanFeatures) {
  const scratch_folder folder("nan_features");
  const fs::path features = folder.write("features.csv", edited_csv(features_csv(), [](auto& row, std::size_t r) {
    if (r == 2) row[6] = "nan";
    return true;
  }));
  const auto result = run_radcore("select " + quoted(features) + " --outcome " + quoted(outcome_csv()) +
                                      " --outcome-column label -o " + quoted(folder.path() / "m"),
                                  folder.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("original_glcm_Feature01 (P002)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--drop-non-finite"), std::string::npos) << result.err;

  const auto dropped = run_radcore("select " + quoted(features) + " --outcome " + quoted(outcome_csv()) +
                                       " --outcome-column label --drop-non-finite --folds 5 -o " +
                                       quoted(folder.path() / "m"),
                                   folder.path());
  ASSERT_EQ(dropped.status, 0) << dropped.err;
  EXPECT_NE(dropped.out.find("dropped original_glcm_Feature01: non-finite"), std::string::npos) << dropped.out;
}

}  // namespace
}  // namespace radcore
