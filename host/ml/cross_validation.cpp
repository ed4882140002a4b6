#include "host/ml/cross_validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "host/ml/standardise.hpp"
#include "kernels/error.hpp"

namespace radcore::ml {

std::uint64_t seeded_random::below(std::uint64_t bound) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value = engine_();
  while (value >= limit) value = engine_();
  return value % bound;
}

void seeded_random::shuffle(std::vector<std::size_t>& values) {
  for (std::size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[std::size_t(below(i))]);
}

namespace {

void check_fold_count(std::size_t cases, int k) {
  if (k < 2) throw input_error("cross-validation needs at least 2 folds, got " + std::to_string(k));
  if (std::size_t(k) > cases) {
    throw input_error("cross-validation: " + std::to_string(k) + " folds but only " + std::to_string(cases) +
                      " cases; use at most " + std::to_string(cases) + " folds");
  }
}

double clipped_deviance(double y, double eta) {
  double prob = eta >= 0.0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
  prob = std::clamp(prob, 1e-5, 1.0 - 1e-5);
  return -2.0 * (y * std::log(prob) + (1.0 - y) * std::log(1.0 - prob));
}

}  // namespace

std::vector<int> stratified_folds(const std::vector<int>& classes, int k, std::uint64_t seed) {
  check_fold_count(classes.size(), k);
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < classes.size(); ++i) members[classes[i]].push_back(i);
  seeded_random random(seed);
  std::vector<int> folds(classes.size(), 0);
  std::size_t next_fold = 0;
  for (auto& [label, rows] : members) {
    random.shuffle(rows);
    for (std::size_t row : rows) {
      folds[row] = int(next_fold);
      next_fold = (next_fold + 1) % std::size_t(k);
    }
  }
  return folds;
}

std::vector<int> shuffled_folds(std::size_t cases, int k, std::uint64_t seed) {
  return stratified_folds(std::vector<int>(cases, 0), k, seed);
}

std::vector<std::size_t> rows_outside_fold(const std::vector<int>& folds, int fold) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < folds.size(); ++i) {
    if (folds[i] != fold) rows.push_back(i);
  }
  return rows;
}

std::vector<std::size_t> rows_in_fold(const std::vector<int>& folds, int fold) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < folds.size(); ++i) {
    if (folds[i] == fold) rows.push_back(i);
  }
  return rows;
}

cv_result cross_validate_lasso(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& folds,
                               const cv_settings& settings) {
  if (folds.size() != std::size_t(x.rows())) throw input_error("cross-validation: one fold number per case needed");
  const int fold_count = folds.empty() ? 0 : *std::max_element(folds.begin(), folds.end()) + 1;
  if (fold_count < 2) throw input_error("cross-validation needs at least 2 folds");

  cv_result result;
  path_settings path = settings.path;
  if (path.alphas.empty()) {
    const Eigen::MatrixXd grid_x = settings.standardise_within_folds ? standard_scaler::fit(x).transform(x) : x;
    path.alphas = alpha_grid(grid_x, y, path.n_alphas, path.eps);
  }
  std::sort(path.alphas.begin(), path.alphas.end(), std::greater<double>());
  result.alphas = path.alphas;
  const Eigen::Index alpha_count = Eigen::Index(result.alphas.size());
  result.fold_errors.setZero(alpha_count, fold_count);

  for (int fold = 0; fold < fold_count; ++fold) {
    const std::vector<std::size_t> train = rows_outside_fold(folds, fold);
    const std::vector<std::size_t> test = rows_in_fold(folds, fold);
    if (test.empty()) throw input_error("cross-validation: fold " + std::to_string(fold + 1) + " has no cases");
    Eigen::MatrixXd x_train = take_rows(x, train);
    Eigen::MatrixXd x_test = take_rows(x, test);
    if (settings.standardise_within_folds) {
      const standard_scaler scaler = standard_scaler::fit(x_train);
      x_train = scaler.transform(x_train);
      x_test = scaler.transform(x_test);
    }
    const Eigen::VectorXd y_train = take_rows(y, train);
    const Eigen::VectorXd y_test = take_rows(y, test);
    const lasso_path_result fit = lasso_path(settings.kind, x_train, y_train, path);
    for (Eigen::Index k = 0; k < alpha_count; ++k) {
      const Eigen::VectorXd eta = (x_test * fit.coefficients.col(k)).array() + fit.intercepts[k];
      double error = 0.0;
      for (Eigen::Index i = 0; i < eta.size(); ++i) {
        error += settings.kind == family::gaussian ? (y_test[i] - eta[i]) * (y_test[i] - eta[i])
                                                   : clipped_deviance(y_test[i], eta[i]);
      }
      result.fold_errors(k, fold) = error / double(eta.size());
    }
  }

  result.mean_error = result.fold_errors.rowwise().mean();
  result.standard_error.resize(alpha_count);
  for (Eigen::Index k = 0; k < alpha_count; ++k) {
    const double variance = (result.fold_errors.row(k).array() - result.mean_error[k]).square().sum() /
                            double(fold_count - 1);
    result.standard_error[k] = std::sqrt(variance / double(fold_count));
  }
  Eigen::Index best = 0;
  for (Eigen::Index k = 1; k < alpha_count; ++k) {
    if (result.mean_error[k] < result.mean_error[best]) best = k;
  }
  result.index_min = std::size_t(best);
  const double limit = result.mean_error[best] + result.standard_error[best];
  Eigen::Index one_se = best;
  for (Eigen::Index k = 0; k <= best; ++k) {
    if (result.mean_error[k] <= limit) {
      one_se = k;
      break;
    }
  }
  result.index_1se = std::size_t(one_se);
  return result;
}

}  // namespace radcore::ml
