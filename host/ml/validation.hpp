// Honest performance estimates of the whole modelling pipeline (screening, standardisation, LASSO with
// inner cross-validation, optional logistic refit): every step is fitted on the training part of each
// outer split only, and the held-out part is scored once.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/ml/metrics.hpp"
#include "host/ml/pipeline.hpp"

namespace radcore::ml {

struct validation_settings {
  selection_settings selection;  // inner CV; its given_folds are ignored
  bool refit_logistic = true;    // false scores with the LASSO fit itself
  int outer_folds = 5;
  int repeats = 1;
  double test_fraction = 0.0;    // > 0: one stratified train/test split instead of outer folds
  std::uint64_t seed = 1;
};

struct validation_repeat {
  std::vector<std::size_t> rows;  // scored cases (all cases for CV, the test part for a split)
  std::vector<double> scores;     // linear score of each scored case, from a model that never saw it
  auc_estimate auc;
  binary_scores at_half;          // at probability 0.5 (score 0) for binomial, 0.5 for gaussian
};

struct validation_result {
  std::vector<validation_repeat> repeats;
  std::map<std::string, int> selection_count;  // feature -> number of training fits that selected it
  int fits = 0;
};

// Runs the validation. Needs a two-class outcome. Throws input_error, naming the repeat and fold, when a
// fit fails, and when a split leaves a class out of a training or test part.
validation_result validate_pipeline(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                                    const encoded_outcome& outcome, const validation_settings& settings);

// Returns the case indices of a stratified test part holding round(fraction · n_class) cases of each class.
std::vector<std::size_t> stratified_test_rows(const std::vector<int>& strata, double fraction, std::uint64_t seed);

}  // namespace radcore::ml
