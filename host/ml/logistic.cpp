#include "host/ml/logistic.hpp"

#include <cmath>

#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

double sigmoid(double eta) {
  return eta >= 0.0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
}

// Mean log loss of the linear predictor eta = D·theta, where D has a leading column of ones.
double mean_log_loss(const Eigen::VectorXd& eta, const Eigen::VectorXd& y) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    const double e = eta[i];
    sum += (e > 0.0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e))) - y[i] * e;
  }
  return sum / double(eta.size());
}

}  // namespace

logistic_model fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const logistic_settings& settings) {
  const Eigen::Index n = x.rows();
  if (n != y.size()) throw input_error("logistic regression: feature rows and outcomes differ in number");
  const double mean = y.mean();
  if (!(mean > 0.0 && mean < 1.0)) throw input_error("logistic regression needs both classes in the outcome");

  Eigen::MatrixXd design(n, x.cols() + 1);
  design.col(0).setOnes();
  design.rightCols(x.cols()) = x;
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(design.cols());
  theta[0] = std::log(mean / (1.0 - mean));

  Eigen::VectorXd eta = design * theta;
  double loss = mean_log_loss(eta, y);
  for (std::size_t step = 1; step <= settings.max_iter; ++step) {
    Eigen::VectorXd prob(n);
    Eigen::VectorXd weight(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      prob[i] = sigmoid(eta[i]);
      weight[i] = prob[i] * (1.0 - prob[i]);
    }
    const Eigen::VectorXd gradient = design.transpose() * (prob - y) / double(n);
    if (gradient.cwiseAbs().maxCoeff() <= settings.tol) {
      return {theta[0], theta.tail(x.cols()), step - 1, loss};
    }
    if ((prob - y).cwiseAbs().maxCoeff() < 1e-8) {
      throw input_error("logistic regression: the classes are perfectly separated by the features, so the "
                        "coefficients have no finite maximum-likelihood value; use fewer features or a penalty");
    }
    const Eigen::MatrixXd information = design.transpose() * weight.asDiagonal() * design / double(n);
    const Eigen::LDLT<Eigen::MatrixXd> solver(information);
    if (solver.info() != Eigen::Success || solver.isNegative() ||
        solver.vectorD().cwiseAbs().minCoeff() <= 1e-14 * solver.vectorD().cwiseAbs().maxCoeff()) {
      throw input_error("logistic regression: the information matrix is singular; the features are collinear "
                        "or fewer than their number plus one distinct cases");
    }
    const Eigen::VectorXd direction = -solver.solve(gradient);

    // Backtracking (Armijo) so that each step lowers the loss.
    double t = 1.0;
    const double slope = gradient.dot(direction);
    Eigen::VectorXd candidate = theta + direction;
    Eigen::VectorXd candidate_eta = design * candidate;
    double candidate_loss = mean_log_loss(candidate_eta, y);
    while (candidate_loss > loss + 1e-4 * t * slope && t > 1e-12) {
      t *= 0.5;
      candidate = theta + t * direction;
      candidate_eta = design * candidate;
      candidate_loss = mean_log_loss(candidate_eta, y);
    }
    if (candidate_loss > loss) {
      // Rounding limits the decrease near the optimum; the gradient test above decides convergence.
      return {theta[0], theta.tail(x.cols()), step, loss};
    }
    theta = candidate;
    eta = candidate_eta;
    loss = candidate_loss;
  }
  throw input_error("logistic regression did not converge in " + std::to_string(settings.max_iter) +
                    " Newton steps; the classes may be nearly separated");
}

Eigen::VectorXd predict_probability(const Eigen::VectorXd& coefficients, double intercept, const Eigen::MatrixXd& x) {
  Eigen::VectorXd eta = (x * coefficients).array() + intercept;
  for (Eigen::Index i = 0; i < eta.size(); ++i) eta[i] = sigmoid(eta[i]);
  return eta;
}

}  // namespace radcore::ml
