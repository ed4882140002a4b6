// Unpenalised logistic regression by Newton's method (IRLS) with a backtracking line search.
#pragma once

#include <cstddef>

#include <Eigen/Dense>

namespace radcore::ml {

struct logistic_settings {
  double tol = 1e-10;          // stop when max |gradient| of the mean log loss is at most tol
  std::size_t max_iter = 100;  // Newton steps
};

struct logistic_model {
  double intercept = 0.0;
  Eigen::VectorXd coefficients;
  std::size_t iterations = 0;
  double mean_log_loss = 0.0;
};

// Fits P(y = 1 | x) = 1/(1 + exp(−(b + xᵀβ))) by maximum likelihood, y in {0, 1}. Throws input_error when
// the outcome has one class, when the classes are perfectly separated (no finite maximum), when the
// information matrix is singular (collinear features), or when Newton's method does not converge.
logistic_model fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                            const logistic_settings& settings = {});

// Returns the probabilities of class 1 for the rows of x.
Eigen::VectorXd predict_probability(const Eigen::VectorXd& coefficients, double intercept, const Eigen::MatrixXd& x);

}  // namespace radcore::ml
