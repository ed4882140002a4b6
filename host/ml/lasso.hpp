// LASSO paths by cyclic coordinate descent with warm starts (Friedman, Hastie & Tibshirani 2010):
// Gaussian (least squares) and binomial (L1-penalised logistic regression), both with an unpenalised
// intercept.
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace radcore::ml {

enum class family { gaussian, binomial };

struct path_settings {
  std::size_t n_alphas = 100;
  double eps = 1e-3;            // alpha_min / alpha_max of the generated grid
  std::vector<double> alphas;   // when not empty, used in place of the generated grid (any order)
  double tol = 1e-7;            // Gaussian: duality gap <= tol·‖y − ȳ‖²; binomial: see l1_logistic_path
  std::size_t max_iter = 100000;  // coordinate-descent sweeps per alpha (binomial: per Newton step)
};

// Coefficients along a path: column k of `coefficients` is the fit at alphas[k].
struct lasso_path_result {
  std::vector<double> alphas;  // decreasing
  Eigen::MatrixXd coefficients;  // features × alphas
  Eigen::VectorXd intercepts;    // one per alpha
  std::vector<std::size_t> iterations;
  std::vector<double> duality_gaps;  // Gaussian only, on the objective's scale (divided by n)
  bool converged = true;
};

// Returns scikit-learn's alpha grid: alpha_max = max_j |x_jᵀ(y − ȳ)| / n on centred x, then n_alphas values
// log-spaced from alpha_max down to eps·alpha_max. For the binomial family the same alpha_max is the
// smallest λ at which every coefficient is 0 (the gradient of the mean log loss at the intercept-only fit).
std::vector<double> alpha_grid(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::size_t n_alphas,
                               double eps);

// Minimises (1/(2n))‖y − b − Xβ‖² + α‖β‖₁ at each alpha, warm-started from the previous alpha. x and y are
// centred internally, so b = ȳ − x̄ᵀβ. Stops each alpha when the duality gap of the centred problem is at
// most tol·‖y − ȳ‖² (scikit-learn's criterion); `converged` is false when some alpha reached max_iter.
lasso_path_result gaussian_lasso_path(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      const path_settings& settings);

// Minimises (1/n)Σ log-loss(yᵢ, b + xᵢᵀβ) + λ‖β‖₁ (y in {0, 1}) at each λ by proximal Newton steps: each step
// solves the weighted least-squares approximation by coordinate descent, then backtracks until the
// penalised objective decreases. Stops when no coefficient or the intercept moves by more than
// tol·max(1, max|β|). scikit-learn's C relates to λ by C = 1/(n·λ).
lasso_path_result l1_logistic_path(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const path_settings& settings);

// Dispatches on `kind`.
lasso_path_result lasso_path(family kind, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                             const path_settings& settings);

}  // namespace radcore::ml
