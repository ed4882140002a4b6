#include "host/ml/standardise.hpp"

#include <cmath>
#include <cstdio>

namespace radcore::ml {

namespace {

bool all_finite(const Eigen::VectorXd& column) {
  for (Eigen::Index i = 0; i < column.size(); ++i) {
    if (!std::isfinite(column[i])) return false;
  }
  return true;
}

double population_sd(const Eigen::VectorXd& column, double mean) {
  return std::sqrt((column.array() - mean).square().mean());
}

}  // namespace

feature_screen screen_features(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                               double max_abs_correlation) {
  feature_screen screen;
  std::vector<Eigen::VectorXd> kept_centred;  // centred, unit-norm copies of the kept columns
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const Eigen::VectorXd column = x.col(j);
    if (!all_finite(column)) {
      screen.dropped.push_back({std::size_t(j), "non-finite"});
      continue;
    }
    const double mean = column.mean();
    const double sd = population_sd(column, mean);
    if (x.rows() == 0 || sd <= 1e-12 * std::max(1.0, std::abs(mean))) {
      screen.dropped.push_back({std::size_t(j), "constant"});
      continue;
    }
    Eigen::VectorXd centred = column.array() - mean;
    centred /= centred.norm();
    bool correlated = false;
    if (max_abs_correlation < 1.0) {
      for (std::size_t k = 0; k < kept_centred.size(); ++k) {
        const double r = kept_centred[k].dot(centred);
        if (std::abs(r) > max_abs_correlation) {
          char text[64];
          std::snprintf(text, sizeof text, " (r = %.4f)", r);
          screen.dropped.push_back({std::size_t(j), "correlated with " + names[screen.kept[k]] + text});
          correlated = true;
          break;
        }
      }
    }
    if (correlated) continue;
    screen.kept.push_back(std::size_t(j));
    kept_centred.push_back(centred);
  }
  return screen;
}

standard_scaler standard_scaler::fit(const Eigen::MatrixXd& x) {
  standard_scaler scaler;
  scaler.mean = x.colwise().mean().transpose();
  scaler.scale.resize(x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double sd = population_sd(x.col(j), scaler.mean[j]);
    scaler.scale[j] = sd > 0.0 ? sd : 1.0;
  }
  return scaler;
}

Eigen::MatrixXd standard_scaler::transform(const Eigen::MatrixXd& x) const {
  Eigen::MatrixXd z = x;
  for (Eigen::Index j = 0; j < x.cols(); ++j) z.col(j) = (x.col(j).array() - mean[j]) / scale[j];
  return z;
}

Eigen::MatrixXd take_rows(const Eigen::MatrixXd& x, const std::vector<std::size_t>& rows) {
  Eigen::MatrixXd out(Eigen::Index(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(Eigen::Index(i)) = x.row(Eigen::Index(rows[i]));
  return out;
}

Eigen::VectorXd take_rows(const Eigen::VectorXd& y, const std::vector<std::size_t>& rows) {
  Eigen::VectorXd out(Eigen::Index(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) out[Eigen::Index(i)] = y[Eigen::Index(rows[i])];
  return out;
}

Eigen::MatrixXd take_columns(const Eigen::MatrixXd& x, const std::vector<std::size_t>& columns) {
  Eigen::MatrixXd out(x.rows(), Eigen::Index(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) out.col(Eigen::Index(j)) = x.col(Eigen::Index(columns[j]));
  return out;
}

}  // namespace radcore::ml
