// The modelling steps the commands share: encoding an outcome, LASSO selection with cross-validated λ,
// refitting a logistic regression on the selected features, and scoring new cases with a fitted model.
// Every step fits on the rows it is given only, so that callers can run it inside a training fold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "host/ml/cross_validation.hpp"
#include "host/ml/lasso.hpp"
#include "host/ml/standardise.hpp"

namespace radcore::ml {

// An outcome ready for fitting.
struct encoded_outcome {
  Eigen::VectorXd y;                 // 0/1 for two classes, else the numeric values
  bool binary = false;
  std::string negative_class;        // when binary
  std::string positive_class;        // when binary
  std::vector<int> strata;           // class per case (all 0 for a continuous outcome), for stratified folds
};

// Encodes `values`: two distinct values become 0/1 (the positive class is `positive`, or the larger in
// sorted order); otherwise every value must be a number. Throws input_error for one class only, for a
// `positive` that does not occur, or for binomial with other than two classes.
encoded_outcome encode_outcome(const std::vector<std::string>& values, family kind, const std::string& positive);

// A linear model on z-scored features: score = intercept + Σ coefficient_j · (x_j − mean_j) / scale_j.
// For the binomial link the score is the log-odds of the positive class.
struct linear_model {
  std::string method;  // "lasso" or "logistic"
  family link = family::binomial;
  std::vector<std::string> features;
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;
  Eigen::VectorXd coefficients;
  double intercept = 0.0;
  std::string negative_class;
  std::string positive_class;
  double alpha = 0.0;       // λ of a LASSO model
  double threshold = 0.5;   // probability at or above which the positive class is predicted

  // Returns the linear score of each row of `x`, whose columns are `features` in order.
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const;
};

struct selection_settings {
  family kind = family::binomial;
  int folds = 10;
  std::uint64_t seed = 1;
  selection_rule rule = selection_rule::min;
  double max_abs_correlation = 1.0;  // below 1 enables the correlation filter
  std::vector<int> given_folds;      // when not empty, used in place of seeded folds
  path_settings path;
};

struct selection_result {
  feature_screen screen;
  std::vector<std::string> screened_names;  // names of screen.kept
  standard_scaler scaler;                   // of the screened features
  cv_result cv;
  lasso_path_result path;                   // full-data path on the CV's alpha grid
  std::size_t chosen = 0;                   // index into cv.alphas
  linear_model model;                       // the LASSO fit at the chosen alpha, selected features only
};

// Screens, standardises and cross-validates the LASSO path on (x, outcome), then keeps the features with
// nonzero coefficients at the λ of `settings.rule`.
selection_result select_by_lasso(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                                 const encoded_outcome& outcome, const selection_settings& settings);

// Fits an unpenalised logistic regression on the columns `names` of x (z-scored on these rows).
linear_model fit_logistic_model(const Eigen::MatrixXd& x, const std::vector<std::string>& all_names,
                                const std::vector<std::string>& names, const encoded_outcome& outcome);

// Returns the columns of x named `names`. Throws input_error for a missing name.
Eigen::MatrixXd columns_by_name(const Eigen::MatrixXd& x, const std::vector<std::string>& all_names,
                                const std::vector<std::string>& names);

// Returns the probability 1/(1 + e^−score).
Eigen::VectorXd logistic_of(const Eigen::VectorXd& scores);

}  // namespace radcore::ml
