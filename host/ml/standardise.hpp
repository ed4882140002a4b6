// Feature screening (constant, non-finite and highly correlated features) and z-score standardisation,
// both fitted on training rows only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace radcore::ml {

// A feature left out by screen_features, and why.
struct dropped_feature {
  std::size_t column = 0;
  std::string reason;  // "non-finite", "constant" or "correlated with <name> (r = ...)"
};

struct feature_screen {
  std::vector<std::size_t> kept;  // columns of the input, in input order
  std::vector<dropped_feature> dropped;
};

// Drops columns of `x` that hold a NaN or an infinity, that are constant (population SD at most 1e-12
// times max(1, |mean|)), and, when `max_abs_correlation` < 1, each column whose |Pearson r| with an
// earlier kept column exceeds it (greedy in column order). `names` labels the reasons.
feature_screen screen_features(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                               double max_abs_correlation = 1.0);

// z-scores with the population SD (divisor n, as scikit-learn's StandardScaler). A column with SD 0 keeps
// scale 1, as StandardScaler does, so that it maps to zeros rather than NaN.
struct standard_scaler {
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;

  static standard_scaler fit(const Eigen::MatrixXd& x);
  Eigen::MatrixXd transform(const Eigen::MatrixXd& x) const;
};

// Returns the rows of `x` listed in `rows`, in that order.
Eigen::MatrixXd take_rows(const Eigen::MatrixXd& x, const std::vector<std::size_t>& rows);
Eigen::VectorXd take_rows(const Eigen::VectorXd& y, const std::vector<std::size_t>& rows);
// Returns the columns of `x` listed in `columns`, in that order.
Eigen::MatrixXd take_columns(const Eigen::MatrixXd& x, const std::vector<std::size_t>& columns);

}  // namespace radcore::ml
