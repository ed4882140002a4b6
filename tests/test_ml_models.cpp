// LASSO paths, cross-validation and logistic regression against scikit-learn 1.9.1 outputs committed
// under tests/reference/ml/ (scripts/reference/make_ml_references.py writes them).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include "host/ml/cross_validation.hpp"
#include "host/ml/feature_table.hpp"
#include "host/ml/lasso.hpp"
#include "host/ml/logistic.hpp"
#include "host/ml/metrics.hpp"
#include "host/ml/standardise.hpp"
#include "kernels/error.hpp"
#include "test_ml_support.hpp"

namespace radcore::ml {
namespace {

using radcore::testing::numeric_column;
using radcore::testing::test_resource;

struct reference_data {
  feature_table features;
  Eigen::VectorXd severity;
  Eigen::VectorXd label;
  std::vector<int> folds;
};

const reference_data& load_reference() {
  static const reference_data data = [] {
    reference_data d;
    d.features = read_feature_table_csv(test_resource("reference/ml/features.csv").string());
    const csv_table outcome = read_csv_file(test_resource("reference/ml/outcome.csv").string());
    const std::vector<std::string> severity = outcomes_for(d.features, outcome, "severity", "outcome.csv");
    const std::vector<std::string> label = outcomes_for(d.features, outcome, "label", "outcome.csv");
    d.severity.resize(Eigen::Index(severity.size()));
    d.label.resize(Eigen::Index(label.size()));
    for (std::size_t i = 0; i < severity.size(); ++i) {
      d.severity[Eigen::Index(i)] = radcore::testing::to_double(severity[i]);
      d.label[Eigen::Index(i)] = radcore::testing::to_double(label[i]);
    }
    const csv_table folds = read_csv_file(test_resource("reference/ml/folds.csv").string());
    for (double f : numeric_column(folds, "fold")) d.folds.push_back(int(f));
    return d;
  }();
  return data;
}

Eigen::MatrixXd z_scores(const Eigen::MatrixXd& x) { return standard_scaler::fit(x).transform(x); }

path_settings converged_settings() {
  path_settings settings;
  settings.tol = 1e-12;
  settings.max_iter = 1000000;
  return settings;
}

TEST(MlFeatureTable, ReadsBatchLayout) {
  const reference_data& data = load_reference();
  EXPECT_EQ(data.features.rows(), 120u);
  EXPECT_EQ(data.features.feature_names.size(), 40u);  // Label and diagnostics_* are not features
  EXPECT_EQ(data.features.id_column, "patient_id");
  EXPECT_EQ(data.features.feature_names.front(), "original_firstorder_Feature00");
}

TEST(MlLasso, AlphaGridMatchesScikitLearn) {
  const reference_data& data = load_reference();
  const csv_table reference = read_csv_file(test_resource("reference/ml/lasso_path.csv").string());
  const std::vector<double> expected = numeric_column(reference, "alpha");
  const std::vector<double> alphas = alpha_grid(z_scores(data.features.values), data.severity, 100, 1e-3);
  ASSERT_EQ(alphas.size(), expected.size());
  for (std::size_t k = 0; k < alphas.size(); ++k) EXPECT_NEAR(alphas[k], expected[k], 1e-13 * expected[0]) << k;
}

TEST(MlLasso, GaussianPathMatchesLassoPath) {
  const reference_data& data = load_reference();
  const csv_table reference = read_csv_file(test_resource("reference/ml/lasso_path.csv").string());
  path_settings settings = converged_settings();
  settings.alphas = numeric_column(reference, "alpha");
  const lasso_path_result path = gaussian_lasso_path(z_scores(data.features.values), data.severity, settings);
  EXPECT_TRUE(path.converged);
  double max_difference = 0.0;
  for (std::size_t j = 0; j < data.features.feature_names.size(); ++j) {
    const std::vector<double> expected = numeric_column(reference, data.features.feature_names[j]);
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const double difference = std::abs(path.coefficients(Eigen::Index(j), Eigen::Index(k)) - expected[k]);
      max_difference = std::max(max_difference, difference);
      EXPECT_LE(difference, 1e-6) << data.features.feature_names[j] << " at alpha " << k;
    }
  }
  // z-scores have mean 0, so the intercept is the mean outcome.
  EXPECT_NEAR(path.intercepts[50], data.severity.mean(), 1e-12);
  std::cout << "[ lasso_path ] max |coefficient difference| = " << max_difference << "\n";
}

// LassoCV centres each training part but does not rescale it, so radcore's CV runs without per-fold
// standardisation on the globally z-scored features to compare.
void check_lasso_cv(const std::string& target, const Eigen::VectorXd& y) {
  const reference_data& data = load_reference();
  const csv_table reference = read_csv_file(test_resource("reference/ml/lasso_cv.csv").string());
  const csv_table choice = read_csv_file(test_resource("reference/ml/lasso_cv_choice.csv").string());
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < reference.rows.size(); ++r) {
    if (reference.rows[r][0] == target) rows.push_back(r);
  }
  ASSERT_EQ(rows.size(), 100u);

  cv_settings settings;
  settings.path = converged_settings();
  settings.standardise_within_folds = false;
  const cv_result cv = cross_validate_lasso(z_scores(data.features.values), y, data.folds, settings);
  ASSERT_EQ(cv.alphas.size(), 100u);
  double max_relative = 0.0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& row = reference.rows[rows[k]];
    EXPECT_NEAR(cv.alphas[k], radcore::testing::to_double(row[2]), 1e-13) << k;
    for (int f = 0; f < 5; ++f) {
      const double expected = radcore::testing::to_double(row[std::size_t(3 + f)]);
      const double relative = std::abs(cv.fold_errors(Eigen::Index(k), f) - expected) / expected;
      max_relative = std::max(max_relative, relative);
      EXPECT_LE(relative, 1e-8) << target << " alpha " << k << " fold " << f;
    }
  }
  double expected_alpha = 0.0;
  double per_fold_alpha = 0.0;
  for (const auto& row : choice.rows) {
    if (row[0] == target && row[1] == "lassocv_global_scaling") expected_alpha = radcore::testing::to_double(row[2]);
    if (row[0] == target && row[1] == "per_fold_scaling") per_fold_alpha = radcore::testing::to_double(row[2]);
  }
  EXPECT_DOUBLE_EQ(cv.alphas[cv.index_min], expected_alpha) << target;
  std::cout << "[ LassoCV " << target << " ] alpha_ = " << cv.alphas[cv.index_min]
            << ", max relative fold-MSE difference = " << max_relative << "\n";

  // With each training part standardised on its own (a Pipeline of StandardScaler and Lasso).
  settings.standardise_within_folds = true;
  const cv_result per_fold = cross_validate_lasso(data.features.values, y, data.folds, settings);
  EXPECT_NEAR(per_fold.alphas[per_fold.index_min], per_fold_alpha, 1e-13) << target;
}

TEST(MlCrossValidation, MatchesLassoCvForSeverity) { check_lasso_cv("severity", load_reference().severity); }

TEST(MlCrossValidation, MatchesLassoCvForLabel) { check_lasso_cv("label", load_reference().label); }

TEST(MlCrossValidation, OneSeRulePicksLargerAlpha) {
  const reference_data& data = load_reference();
  cv_settings settings;
  const cv_result cv = cross_validate_lasso(data.features.values, data.severity, data.folds, settings);
  EXPECT_LE(cv.index_1se, cv.index_min);
  const double limit = cv.mean_error[Eigen::Index(cv.index_min)] + cv.standard_error[Eigen::Index(cv.index_min)];
  EXPECT_LE(cv.mean_error[Eigen::Index(cv.index_1se)], limit);
  for (std::size_t k = 0; k < cv.index_1se; ++k) EXPECT_GT(cv.mean_error[Eigen::Index(k)], limit) << k;
}

TEST(MlCrossValidation, StratifiedFoldsKeepProportions) {
  std::vector<int> classes(100, 0);
  for (std::size_t i = 0; i < 30; ++i) classes[i * 3] = 1;  // 30 positives
  const std::vector<int> folds = stratified_folds(classes, 10, 7);
  std::map<int, int> positives;
  std::map<int, int> sizes;
  for (std::size_t i = 0; i < folds.size(); ++i) {
    sizes[folds[i]] += 1;
    positives[folds[i]] += classes[i];
  }
  ASSERT_EQ(sizes.size(), 10u);
  for (const auto& [fold, size] : sizes) {
    EXPECT_EQ(size, 10) << fold;
    EXPECT_EQ(positives[fold], 3) << fold;
  }
  EXPECT_EQ(stratified_folds(classes, 10, 7), folds);
  EXPECT_NE(stratified_folds(classes, 10, 8), folds);
}

TEST(MlCrossValidation, RejectsMoreFoldsThanCases) {
  EXPECT_THROW(stratified_folds({0, 1, 0, 1}, 5, 1), input_error);
  EXPECT_THROW(stratified_folds({0, 1, 0, 1}, 1, 1), input_error);
}

TEST(MlLogistic, MatchesUnpenalisedScikitLearn) {
  const reference_data& data = load_reference();
  const csv_table reference = read_csv_file(test_resource("reference/ml/logistic.csv").string());
  std::vector<std::string> names;
  std::vector<double> expected;
  for (const auto& row : reference.rows) {
    if (row[0] != "(intercept)") names.push_back(row[0]);
    expected.push_back(radcore::testing::to_double(row[1]));
  }
  const Eigen::MatrixXd x = select_features(data.features, names).values;
  const logistic_model model = fit_logistic(z_scores(x), data.label);
  double max_difference = std::abs(model.intercept - expected[0]);
  EXPECT_NEAR(model.intercept, expected[0], 1e-5);
  for (std::size_t j = 0; j < names.size(); ++j) {
    EXPECT_NEAR(model.coefficients[Eigen::Index(j)], expected[j + 1], 1e-5) << names[j];
    max_difference = std::max(max_difference, std::abs(model.coefficients[Eigen::Index(j)] - expected[j + 1]));
  }
  std::cout << "[ LogisticRegression ] max |coefficient difference| = " << max_difference << "\n";
}

TEST(MlLogistic, RejectsSeparatedClasses) {
  Eigen::MatrixXd x(6, 1);
  x << 1, 2, 3, 4, 5, 6;
  Eigen::VectorXd y(6);
  y << 0, 0, 0, 1, 1, 1;
  EXPECT_THROW(fit_logistic(x, y), input_error);
}

TEST(MlLogistic, L1PathMatchesSaga) {
  const reference_data& data = load_reference();
  const csv_table reference = read_csv_file(test_resource("reference/ml/l1_logistic.csv").string());
  path_settings settings;
  settings.tol = 1e-12;
  settings.alphas = numeric_column(reference, "lambda");
  const lasso_path_result path = l1_logistic_path(z_scores(data.features.values), data.label, settings);
  ASSERT_TRUE(path.converged);
  const std::vector<double> intercepts = numeric_column(reference, "intercept");
  double max_difference = 0.0;
  for (std::size_t k = 0; k < intercepts.size(); ++k) {
    EXPECT_NEAR(path.intercepts[Eigen::Index(k)], intercepts[k], 1e-5) << k;
    max_difference = std::max(max_difference, std::abs(path.intercepts[Eigen::Index(k)] - intercepts[k]));
  }
  for (std::size_t j = 0; j < data.features.feature_names.size(); ++j) {
    const std::vector<double> expected = numeric_column(reference, data.features.feature_names[j]);
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const double value = path.coefficients(Eigen::Index(j), Eigen::Index(k));
      EXPECT_NEAR(value, expected[k], 1e-5) << data.features.feature_names[j] << " at lambda " << k;
      max_difference = std::max(max_difference, std::abs(value - expected[k]));
    }
  }
  std::cout << "[ L1 LogisticRegression (saga) ] max |coefficient difference| = " << max_difference << "\n";
}

TEST(MlMetricsReference, AucMatchesRocAucScore) {
  const csv_table scores = read_csv_file(test_resource("reference/ml/auc_scores.csv").string());
  const csv_table expected = read_csv_file(test_resource("reference/ml/auc.csv").string());
  std::vector<bool> positive;
  for (double value : numeric_column(scores, "label")) positive.push_back(value == 1.0);
  for (const auto& row : expected.rows) {
    const auc_estimate estimate = roc_auc_delong(numeric_column(scores, row[0]), positive);
    EXPECT_NEAR(estimate.auc, radcore::testing::to_double(row[1]), 1e-15) << row[0];
  }
}

TEST(MlStandardise, ScreenDropsConstantNonFiniteAndCorrelated) {
  Eigen::MatrixXd x(4, 4);
  x << 1, 5, 1, 2,  //
      2, 5, NAN, 4,  //
      3, 5, 2, 6.1,  //
      4, 5, 3, 8;
  const feature_screen screen = screen_features(x, {"a", "constant", "missing", "twice_a"}, 0.9);
  ASSERT_EQ(screen.kept.size(), 1u);
  EXPECT_EQ(screen.kept[0], 0u);
  ASSERT_EQ(screen.dropped.size(), 3u);
  EXPECT_EQ(screen.dropped[0].reason, "constant");
  EXPECT_EQ(screen.dropped[1].reason, "non-finite");
  EXPECT_EQ(screen.dropped[2].reason.rfind("correlated with a", 0), 0u) << screen.dropped[2].reason;
}

TEST(MlStandardise, UsesPopulationSd) {
  Eigen::MatrixXd x(4, 1);
  x << 1, 2, 3, 4;
  const standard_scaler scaler = standard_scaler::fit(x);
  EXPECT_DOUBLE_EQ(scaler.mean[0], 2.5);
  EXPECT_DOUBLE_EQ(scaler.scale[0], std::sqrt(1.25));
}

}  // namespace
}  // namespace radcore::ml
