// Fold assignment (seeded, stratified for class outcomes) and k-fold cross-validation of a LASSO path,
// with the λ of minimum mean CV error and the one-standard-error rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Dense>

#include "host/ml/lasso.hpp"

namespace radcore::ml {

// A deterministic random generator (64-bit Mersenne Twister, whose output the C++ standard fixes) with its
// own uniform integer draw, so that folds are the same on every standard library.
class seeded_random {
 public:
  explicit seeded_random(std::uint64_t seed) : engine_(seed) {}
  // Returns an integer uniform on [0, bound), bound > 0, by rejection sampling.
  std::uint64_t below(std::uint64_t bound);
  // Shuffles `values` in place (Fisher–Yates).
  void shuffle(std::vector<std::size_t>& values);

 private:
  std::mt19937_64 engine_;
};

// Returns a fold number in [0, k) per case: the cases of each class are shuffled with `seed` and dealt
// out in turn, continuing the rotation from one class to the next, so every fold holds each class in
// proportion (fold sizes differ by at most one). Throws input_error when k < 2 or k exceeds the number
// of cases.
std::vector<int> stratified_folds(const std::vector<int>& classes, int k, std::uint64_t seed);

// Returns a fold number per case for an outcome without classes: the cases are shuffled with `seed` and
// dealt out in turn.
std::vector<int> shuffled_folds(std::size_t cases, int k, std::uint64_t seed);

// Returns the case indices with fold != `fold` (training) or == `fold` (held out).
std::vector<std::size_t> rows_outside_fold(const std::vector<int>& folds, int fold);
std::vector<std::size_t> rows_in_fold(const std::vector<int>& folds, int fold);

enum class selection_rule { min, one_se };

struct cv_settings {
  family kind = family::gaussian;
  path_settings path;
  // Standardise with each training part's mean and population SD (true), or only centre it (false, as
  // scikit-learn's LassoCV does on the data it is given).
  bool standardise_within_folds = true;
};

// CV error of each alpha: Gaussian, the mean squared error of the held-out cases; binomial, the mean
// binomial deviance −2·mean(y log p + (1 − y) log(1 − p)) with p clipped to [1e-5, 1 − 1e-5] as glmnet does.
struct cv_result {
  std::vector<double> alphas;  // decreasing, from the full data
  Eigen::MatrixXd fold_errors;  // alphas × folds
  Eigen::VectorXd mean_error;   // unweighted mean over folds, as scikit-learn's LassoCV
  Eigen::VectorXd standard_error;  // SD over folds (divisor K − 1) / √K
  std::size_t index_min = 0;    // first (largest) alpha with the minimum mean error
  std::size_t index_1se = 0;    // largest alpha with mean error <= minimum + its standard error
  std::size_t chosen(selection_rule rule) const { return rule == selection_rule::min ? index_min : index_1se; }
};

// Cross-validates the LASSO path of `kind` on (x, y) over the given folds. The alpha grid is computed once
// from the full data (standardised when standardise_within_folds), and every fold's path is fitted on
// its training part only. Throws input_error for fewer than 2 folds or a fold without cases.
cv_result cross_validate_lasso(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& folds,
                               const cv_settings& settings);

}  // namespace radcore::ml
