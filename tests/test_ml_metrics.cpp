// ROC AUC, DeLong intervals and classification scores, against hand-counted cases and the shared
// disc-classifier predictions. class_auc.csv holds the AUCs published with the predictions, and
// delong_ovr_computed.txt holds DeLong SEs computed with pROC's formula.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "host/ml/metrics.hpp"
#include "host/ml/prediction_scoring.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"
#include "test_data.hpp"
#include "test_ml_support.hpp"

namespace radcore::ml {
namespace {

TEST(MlMetrics, AucCountsTiesAsHalf) {
  // Positives 0.9, 0.8, 0.4 and negatives 0.7, 0.4, 0.2: 3 + 3 + 1.5 wins out of 9 pairs.
  const std::vector<double> scores{0.9, 0.8, 0.4, 0.7, 0.4, 0.2};
  const std::vector<bool> positive{true, true, true, false, false, false};
  const auc_estimate estimate = roc_auc_delong(scores, positive);
  EXPECT_DOUBLE_EQ(estimate.auc, 7.5 / 9.0);
  EXPECT_EQ(estimate.positives, 3u);
  EXPECT_EQ(estimate.negatives, 3u);
}

TEST(MlMetrics, DelongMatchesPlacementDefinition) {
  // Placements V10 = (1, 1, 1/2) and V01 = (2/3, 5/6, 1) for the case above, with A = 5/6:
  // S10 = ((1/6)² + (1/6)² + (1/3)²)/2 = 1/12 and S01 = ((1/6)² + 0 + (1/6)²)/2 = 1/36.
  const std::vector<double> scores{0.9, 0.8, 0.4, 0.7, 0.4, 0.2};
  const std::vector<bool> positive{true, true, true, false, false, false};
  const auc_estimate estimate = roc_auc_delong(scores, positive);
  const double variance = (1.0 / 12.0) / 3.0 + (1.0 / 36.0) / 3.0;
  EXPECT_NEAR(estimate.se, std::sqrt(variance), 1e-15);
  EXPECT_NEAR(estimate.ci_low, 5.0 / 6.0 - z_975 * std::sqrt(variance), 1e-15);
  EXPECT_DOUBLE_EQ(estimate.ci_high, 1.0);  // clipped
}

TEST(MlMetrics, AucRejectsOneClass) {
  EXPECT_THROW(roc_auc_delong({0.1, 0.2}, {true, true}), input_error);
  EXPECT_THROW(roc_auc_delong({0.1, NAN}, {true, false}), input_error);
}

TEST(MlMetrics, RocCurveEndsAtCorners) {
  const std::vector<roc_point> points = roc_curve({0.9, 0.8, 0.4, 0.7, 0.4, 0.2}, {true, true, true, false, false, false});
  ASSERT_EQ(points.size(), 6u);  // +inf and five distinct scores
  EXPECT_TRUE(std::isinf(points.front().threshold));
  EXPECT_DOUBLE_EQ(points.back().false_positive_rate, 1.0);
  EXPECT_DOUBLE_EQ(points.back().true_positive_rate, 1.0);
  EXPECT_DOUBLE_EQ(youden_threshold({0.9, 0.8, 0.4, 0.7, 0.4, 0.2}, {true, true, true, false, false, false}), 0.8);
}

TEST(MlMetrics, BinaryScoresFromCounts) {
  const binary_counts counts = count_binary({true, true, false, false, true}, {true, false, false, true, true});
  EXPECT_EQ(counts.true_positives, 2u);
  EXPECT_EQ(counts.false_positives, 1u);
  EXPECT_EQ(counts.true_negatives, 1u);
  EXPECT_EQ(counts.false_negatives, 1u);
  const binary_scores scores = score_binary(counts);
  EXPECT_DOUBLE_EQ(scores.accuracy, 0.6);
  EXPECT_DOUBLE_EQ(scores.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(scores.recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(scores.specificity, 0.5);
  EXPECT_DOUBLE_EQ(scores.f1, 2.0 / 3.0);
}

TEST(MlMetrics, ClassesSortNumerically) {
  const std::vector<std::string> classes = sorted_classes({"10", "2", "1", "2"});
  ASSERT_EQ(classes.size(), 3u);
  EXPECT_EQ(classes[0], "1");
  EXPECT_EQ(classes[1], "2");
  EXPECT_EQ(classes[2], "10");
}

// The shared disc predictions: AUCs per class one-vs-rest, DeLong SEs and accuracy.
class MlSharedPredictions : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto folder = radcore::testing::shared_data_dir() / "ml";
    predictions_ = folder / "test_predictions_3d.csv";
    published_ = folder / "class_auc.csv";
    delong_ = folder / "delong_ovr_computed.txt";
  }
  std::filesystem::path predictions_, published_, delong_;
};

TEST_F(MlSharedPredictions, OneVsRestAucsMatchPublished) {
  RADCORE_REQUIRE_SHARED("ml/test_predictions_3d.csv");
  RADCORE_REQUIRE_SHARED("ml/class_auc.csv");
  prediction_columns columns;
  columns.truth = "y_true";
  columns.scores = {"prob_{class}"};
  const prediction_scores scores = score_predictions(read_csv_file(predictions_.string()), columns);
  ASSERT_EQ(scores.aucs.size(), 5u);

  const csv_table published = read_csv_file(published_.string());
  int compared = 0;
  for (const auto& row : published.rows) {
    if (row[std::size_t(published.column("config"))] != "3D_primary") continue;
    const std::string label = row[std::size_t(published.column("class"))];
    for (const class_auc& entry : scores.aucs) {
      if (entry.label != label) continue;
      EXPECT_NEAR(entry.estimate.auc, radcore::testing::to_double(row[std::size_t(published.column("AUC"))]), 1e-6)
          << "class " << label;
      EXPECT_EQ(entry.estimate.positives, std::size_t(radcore::testing::to_double(
                                              row[std::size_t(published.column("n_test_pos"))])));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 5);
}

TEST_F(MlSharedPredictions, DelongStandardErrorsMatchPrOC) {
  RADCORE_REQUIRE_SHARED("ml/test_predictions_3d.csv");
  RADCORE_REQUIRE_SHARED("ml/delong_ovr_computed.txt");
  prediction_columns columns;
  columns.truth = "y_true";
  columns.scores = {"prob_1", "prob_2", "prob_3", "prob_4", "prob_5"};
  const prediction_scores scores = score_predictions(read_csv_file(predictions_.string()), columns);

  std::ifstream input(delong_);
  std::string line;
  std::getline(input, line);  // header: class m_pos n_neg AUC SE_DeLong CI95_low CI95_high
  int compared = 0;
  while (std::getline(input, line)) {
    std::istringstream fields(line);
    std::string label;
    double m = 0, n = 0, auc = 0, se = 0, low = 0, high = 0;
    if (!(fields >> label >> m >> n >> auc >> se >> low >> high)) continue;
    for (const class_auc& entry : scores.aucs) {
      if (entry.label != label) continue;
      // The file rounds to 6 significant digits.
      EXPECT_NEAR(entry.estimate.se, se, 1e-4) << "class " << label;
      EXPECT_NEAR(entry.estimate.ci_low, low, 1e-4) << "class " << label;
      EXPECT_NEAR(entry.estimate.ci_high, high, 1e-4) << "class " << label;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 5);
}

TEST_F(MlSharedPredictions, AccuracyIs95Of126) {
  RADCORE_REQUIRE_SHARED("ml/test_predictions_3d.csv");
  prediction_columns columns;
  columns.truth = "y_true";
  columns.scores = {"prob_{class}"};
  columns.predicted = "y_pred";
  const prediction_scores scores = score_predictions(read_csv_file(predictions_.string()), columns);
  ASSERT_TRUE(scores.has_predictions);
  EXPECT_EQ(scores.confusion.correct(), 95u);
  EXPECT_EQ(scores.confusion.total(), 126u);
}

TEST_F(MlSharedPredictions, CommandPrintsAucLines) {
  RADCORE_REQUIRE_SHARED("ml/test_predictions_3d.csv");
  const radcore::testing::scratch_folder folder("evaluate_predictions");
  const auto result = radcore::testing::run_radcore(
      "evaluate --predictions '" + predictions_.string() + "' --truth y_true --score 'prob_{class}' --predicted y_pred",
      folder.path());
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("class 3 AUC 0.8759590793 SE 0.0317"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("accuracy 0.7539682540 (95 of 126)"), std::string::npos) << result.out;

  const auto binary = radcore::testing::run_radcore(
      "evaluate --predictions '" + predictions_.string() + "' --truth y_true --score prob_5 --positive 5",
      folder.path());
  ASSERT_EQ(binary.status, 0) << binary.err;
  EXPECT_EQ(binary.out.find("AUC 0.9777777778 SE 0.0162"), binary.out.find("AUC ")) << binary.out;
}

TEST_F(MlSharedPredictions, CommandRejectsMissingColumn) {
  RADCORE_REQUIRE_SHARED("ml/test_predictions_3d.csv");
  const radcore::testing::scratch_folder folder("evaluate_missing");
  const auto result = radcore::testing::run_radcore(
      "evaluate --predictions '" + predictions_.string() + "' --truth y_true --score prob_9 --positive 5",
      folder.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("column 'prob_9' not found"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace radcore::ml
