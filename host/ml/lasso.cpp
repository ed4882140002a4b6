#include "host/ml/lasso.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

double soft_threshold(double value, double threshold) {
  if (value > threshold) return value - threshold;
  if (value < -threshold) return value + threshold;
  return 0.0;
}

std::vector<double> resolve_alphas(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const path_settings& settings) {
  std::vector<double> alphas = settings.alphas;
  if (alphas.empty()) alphas = alpha_grid(x, y, settings.n_alphas, settings.eps);
  std::sort(alphas.begin(), alphas.end(), std::greater<double>());
  return alphas;
}

void check_shapes(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  if (x.rows() != y.size()) {
    throw input_error("LASSO: " + std::to_string(x.rows()) + " rows of features but " +
                      std::to_string(y.size()) + " outcomes");
  }
  if (x.rows() < 2) throw input_error("LASSO needs at least 2 cases");
}

// Duality gap of the n-scaled problem ½‖r‖² + l1·‖β‖₁, with residual r = y − Xβ and gradient g = Xᵀr.
double lasso_duality_gap(const Eigen::VectorXd& residual, const Eigen::VectorXd& y, const Eigen::VectorXd& beta,
                         double l1, const Eigen::VectorXd& gradient) {
  const double dual_norm = gradient.cwiseAbs().maxCoeff();
  const double residual_norm2 = residual.squaredNorm();
  double scale = 1.0;
  double gap = residual_norm2;
  if (dual_norm > l1) {
    scale = l1 / dual_norm;
    gap = 0.5 * (residual_norm2 + scale * scale * residual_norm2);
  }
  return gap + l1 * beta.cwiseAbs().sum() - scale * residual.dot(y);
}

}  // namespace

std::vector<double> alpha_grid(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::size_t n_alphas,
                               double eps) {
  check_shapes(x, y);
  if (n_alphas == 0) throw input_error("LASSO: the number of alphas must be positive");
  const Eigen::RowVectorXd x_mean = x.colwise().mean();
  const Eigen::VectorXd y_centred = y.array() - y.mean();
  const Eigen::VectorXd correlation = (x.rowwise() - x_mean).transpose() * y_centred;
  const double alpha_max = correlation.cwiseAbs().maxCoeff() / double(x.rows());
  if (!(alpha_max > 0.0)) {
    throw input_error("LASSO: no feature is correlated with the outcome (alpha_max is 0); is the outcome constant?");
  }
  std::vector<double> alphas(n_alphas);
  if (n_alphas == 1) {
    alphas[0] = alpha_max;
    return alphas;
  }
  const double log_high = std::log10(alpha_max);
  const double log_low = std::log10(alpha_max * eps);
  for (std::size_t k = 0; k < n_alphas; ++k) {
    // Same spacing as numpy.logspace(log_low, log_high, n)[::-1].
    const double step = double(n_alphas - 1 - k) / double(n_alphas - 1);
    alphas[k] = std::pow(10.0, log_low + step * (log_high - log_low));
  }
  return alphas;
}

lasso_path_result gaussian_lasso_path(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      const path_settings& settings) {
  check_shapes(x, y);
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  const Eigen::RowVectorXd x_mean = x.colwise().mean();
  const double y_mean = y.mean();
  const Eigen::MatrixXd xc = x.rowwise() - x_mean;
  const Eigen::VectorXd yc = y.array() - y_mean;
  const Eigen::VectorXd column_norm2 = xc.colwise().squaredNorm().transpose();
  const double tolerance = settings.tol * yc.squaredNorm();

  lasso_path_result result;
  result.alphas = resolve_alphas(x, y, settings);
  const std::size_t k_count = result.alphas.size();
  result.coefficients.setZero(p, Eigen::Index(k_count));
  result.intercepts.setZero(Eigen::Index(k_count));

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd residual = yc;
  for (std::size_t k = 0; k < k_count; ++k) {
    const double l1 = result.alphas[k] * double(n);
    std::size_t sweep = 0;
    double gap = 0.0;
    bool done = false;
    while (!done && sweep < settings.max_iter) {
      ++sweep;
      double max_change = 0.0;
      double max_beta = 0.0;
      for (Eigen::Index j = 0; j < p; ++j) {
        if (column_norm2[j] == 0.0) continue;
        const double old = beta[j];
        const double target = xc.col(j).dot(residual) + old * column_norm2[j];
        beta[j] = soft_threshold(target, l1) / column_norm2[j];
        if (beta[j] != old) residual -= (beta[j] - old) * xc.col(j);
        max_change = std::max(max_change, std::abs(beta[j] - old));
        max_beta = std::max(max_beta, std::abs(beta[j]));
      }
      // The gap is computed only when the coefficients have settled, because it costs a full Xᵀr.
      if (max_beta == 0.0 || max_change / max_beta <= settings.tol || sweep == settings.max_iter) {
        gap = lasso_duality_gap(residual, yc, beta, l1, xc.transpose() * residual);
        done = gap <= tolerance;
      }
    }
    if (!done) result.converged = false;
    result.coefficients.col(Eigen::Index(k)) = beta;
    result.intercepts[Eigen::Index(k)] = y_mean - x_mean.dot(beta);
    result.iterations.push_back(sweep);
    result.duality_gaps.push_back(gap / double(n));
  }
  return result;
}

namespace {

double log_loss_mean(const Eigen::VectorXd& eta, const Eigen::VectorXd& y) {
  // log(1 + e^η) − yη, evaluated without overflow.
  double sum = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    const double e = eta[i];
    const double softplus = e > 0.0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e));
    sum += softplus - y[i] * e;
  }
  return sum / double(eta.size());
}

double sigmoid(double eta) {
  return eta >= 0.0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
}

// One λ of the binomial path: proximal Newton from (intercept, beta), updated in place.
std::size_t fit_l1_logistic_point(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double lambda,
                                  const path_settings& settings, double& intercept, Eigen::VectorXd& beta,
                                  bool& converged) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  auto objective = [&](double b, const Eigen::VectorXd& coefficients) {
    const Eigen::VectorXd eta = (x * coefficients).array() + b;
    return log_loss_mean(eta, y) + lambda * coefficients.cwiseAbs().sum();
  };
  double current = objective(intercept, beta);
  const std::size_t max_newton = 200;
  for (std::size_t step = 1; step <= max_newton; ++step) {
    // Quadratic approximation at the current fit: weights w = p(1 − p), working residual (y − p)/w.
    const Eigen::VectorXd eta = (x * beta).array() + intercept;
    Eigen::VectorXd weight(n);
    Eigen::VectorXd residual(n);  // working response minus the current linear predictor
    for (Eigen::Index i = 0; i < n; ++i) {
      const double prob = sigmoid(eta[i]);
      weight[i] = std::max(prob * (1.0 - prob), 1e-12);
      residual[i] = (y[i] - prob) / weight[i];
    }
    const double weight_sum = weight.sum();
    Eigen::VectorXd curvature(p);
    for (Eigen::Index j = 0; j < p; ++j) curvature[j] = x.col(j).cwiseAbs2().dot(weight) / double(n);

    // Coordinate descent on (1/(2n))Σ wᵢ(residualᵢ − Δb − xᵢᵀΔβ)² + λ‖β + Δβ‖₁.
    Eigen::VectorXd new_beta = beta;
    double new_intercept = intercept;
    for (std::size_t sweep = 0; sweep < settings.max_iter; ++sweep) {
      double max_change = 0.0;
      const double shift = residual.dot(weight) / weight_sum;
      new_intercept += shift;
      residual.array() -= shift;
      max_change = std::abs(shift);
      for (Eigen::Index j = 0; j < p; ++j) {
        if (curvature[j] == 0.0) continue;
        const double old = new_beta[j];
        const double target = x.col(j).cwiseProduct(weight).dot(residual) / double(n) + curvature[j] * old;
        new_beta[j] = soft_threshold(target, lambda) / curvature[j];
        if (new_beta[j] != old) residual -= (new_beta[j] - old) * x.col(j);
        max_change = std::max(max_change, std::sqrt(curvature[j]) * std::abs(new_beta[j] - old));
      }
      if (max_change <= 1e-3 * settings.tol) break;
    }

    // Backtracking along the Newton direction until the penalised objective does not increase.
    const Eigen::VectorXd direction = new_beta - beta;
    const double intercept_direction = new_intercept - intercept;
    double t = 1.0;
    double candidate = objective(intercept + intercept_direction, beta + direction);
    while (candidate > current && t > 1e-10) {
      t *= 0.5;
      candidate = objective(intercept + t * intercept_direction, beta + t * direction);
    }
    const double change = t * std::max(std::abs(intercept_direction), direction.cwiseAbs().maxCoeff());
    intercept += t * intercept_direction;
    beta += t * direction;
    current = candidate;
    const double size = std::max(1.0, beta.cwiseAbs().maxCoeff());
    if (change <= settings.tol * size) return step;
  }
  converged = false;
  return max_newton;
}

}  // namespace

lasso_path_result l1_logistic_path(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const path_settings& settings) {
  check_shapes(x, y);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) throw input_error("L1 logistic regression needs outcomes 0 or 1");
  }
  const double mean = y.mean();
  if (mean == 0.0 || mean == 1.0) throw input_error("L1 logistic regression needs both classes in the outcome");

  lasso_path_result result;
  result.alphas = resolve_alphas(x, y, settings);
  const std::size_t k_count = result.alphas.size();
  result.coefficients.setZero(x.cols(), Eigen::Index(k_count));
  result.intercepts.setZero(Eigen::Index(k_count));

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(x.cols());
  double intercept = std::log(mean / (1.0 - mean));
  for (std::size_t k = 0; k < k_count; ++k) {
    bool converged = true;
    result.iterations.push_back(fit_l1_logistic_point(x, y, result.alphas[k], settings, intercept, beta, converged));
    if (!converged) result.converged = false;
    result.coefficients.col(Eigen::Index(k)) = beta;
    result.intercepts[Eigen::Index(k)] = intercept;
  }
  return result;
}

lasso_path_result lasso_path(family kind, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                             const path_settings& settings) {
  return kind == family::gaussian ? gaussian_lasso_path(x, y, settings) : l1_logistic_path(x, y, settings);
}

}  // namespace radcore::ml
