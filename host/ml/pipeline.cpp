#include "host/ml/pipeline.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "host/ml/logistic.hpp"
#include "host/ml/metrics.hpp"
#include "kernels/error.hpp"

namespace radcore::ml {

encoded_outcome encode_outcome(const std::vector<std::string>& values, family kind, const std::string& positive) {
  const std::vector<std::string> classes = sorted_classes(values);
  if (classes.size() < 2) {
    throw input_error("outcome: every case has the value '" + (classes.empty() ? std::string() : classes[0]) +
                      "'; a model needs at least two outcome values");
  }
  encoded_outcome outcome;
  outcome.y.resize(Eigen::Index(values.size()));
  outcome.strata.assign(values.size(), 0);
  if (classes.size() == 2) {
    outcome.binary = true;
    outcome.positive_class = positive.empty() ? classes[1] : positive;
    if (outcome.positive_class != classes[0] && outcome.positive_class != classes[1]) {
      throw input_error("outcome: positive class '" + positive + "' is neither '" + classes[0] + "' nor '" +
                        classes[1] + "'");
    }
    outcome.negative_class = outcome.positive_class == classes[1] ? classes[0] : classes[1];
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool is_positive = values[i] == outcome.positive_class;
      outcome.y[Eigen::Index(i)] = is_positive ? 1.0 : 0.0;
      outcome.strata[i] = is_positive ? 1 : 0;
    }
    return outcome;
  }
  if (kind == family::binomial) {
    throw input_error("outcome: the binomial family needs two classes, but the outcome has " +
                      std::to_string(classes.size()) + "; use --family gaussian for a continuous outcome");
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    double value = 0.0;
    const auto [last, error] = std::from_chars(values[i].data(), values[i].data() + values[i].size(), value);
    if (error != std::errc() || last != values[i].data() + values[i].size() || !std::isfinite(value)) {
      throw input_error("outcome: '" + values[i] + "' is not a number, as a continuous outcome needs");
    }
    outcome.y[Eigen::Index(i)] = value;
  }
  return outcome;
}

Eigen::VectorXd linear_model::score(const Eigen::MatrixXd& x) const {
  Eigen::VectorXd result = Eigen::VectorXd::Constant(x.rows(), intercept);
  for (Eigen::Index j = 0; j < coefficients.size(); ++j) {
    result += coefficients[j] * ((x.col(j).array() - mean[j]) / scale[j]).matrix();
  }
  return result;
}

Eigen::MatrixXd columns_by_name(const Eigen::MatrixXd& x, const std::vector<std::string>& all_names,
                                const std::vector<std::string>& names) {
  std::vector<std::size_t> columns;
  for (const std::string& name : names) {
    std::size_t column = 0;
    while (column < all_names.size() && all_names[column] != name) ++column;
    if (column == all_names.size()) throw input_error("features: column '" + name + "' not found");
    columns.push_back(column);
  }
  return take_columns(x, columns);
}

selection_result select_by_lasso(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                                 const encoded_outcome& outcome, const selection_settings& settings) {
  if (settings.kind == family::binomial && !outcome.binary) {
    throw input_error("LASSO: the binomial family needs a two-class outcome");
  }
  selection_result result;
  result.screen = screen_features(x, names, settings.max_abs_correlation);
  if (result.screen.kept.empty()) throw input_error("LASSO: no feature is left after dropping constant and non-finite ones");
  for (std::size_t column : result.screen.kept) result.screened_names.push_back(names[column]);
  const Eigen::MatrixXd screened = take_columns(x, result.screen.kept);

  std::vector<int> folds = settings.given_folds;
  if (folds.empty()) folds = stratified_folds(outcome.strata, settings.folds, settings.seed);
  if (outcome.binary) {
    for (int fold = 0; fold <= *std::max_element(folds.begin(), folds.end()); ++fold) {
      const Eigen::VectorXd y_train = take_rows(outcome.y, rows_outside_fold(folds, fold));
      if (y_train.minCoeff() == y_train.maxCoeff()) {
        throw input_error("cross-validation: the training part of fold " + std::to_string(fold + 1) +
                          " holds one class only; use fewer folds");
      }
    }
  }

  cv_settings cv;
  cv.kind = settings.kind;
  cv.path = settings.path;
  result.cv = cross_validate_lasso(screened, outcome.y, folds, cv);
  result.chosen = result.cv.chosen(settings.rule);

  result.scaler = standard_scaler::fit(screened);
  path_settings full = settings.path;
  full.alphas = result.cv.alphas;
  result.path = lasso_path(settings.kind, result.scaler.transform(screened), outcome.y, full);

  linear_model& model = result.model;
  model.method = "lasso";
  model.link = settings.kind;
  model.alpha = result.cv.alphas[result.chosen];
  model.intercept = result.path.intercepts[Eigen::Index(result.chosen)];
  model.negative_class = outcome.negative_class;
  model.positive_class = outcome.positive_class;
  std::vector<double> coefficients, means, scales;
  for (std::size_t j = 0; j < result.screened_names.size(); ++j) {
    const double beta = result.path.coefficients(Eigen::Index(j), Eigen::Index(result.chosen));
    if (beta == 0.0) continue;
    model.features.push_back(result.screened_names[j]);
    coefficients.push_back(beta);
    means.push_back(result.scaler.mean[Eigen::Index(j)]);
    scales.push_back(result.scaler.scale[Eigen::Index(j)]);
  }
  model.coefficients = Eigen::Map<Eigen::VectorXd>(coefficients.data(), Eigen::Index(coefficients.size()));
  model.mean = Eigen::Map<Eigen::VectorXd>(means.data(), Eigen::Index(means.size()));
  model.scale = Eigen::Map<Eigen::VectorXd>(scales.data(), Eigen::Index(scales.size()));
  return result;
}

linear_model fit_logistic_model(const Eigen::MatrixXd& x, const std::vector<std::string>& all_names,
                                const std::vector<std::string>& names, const encoded_outcome& outcome) {
  if (!outcome.binary) throw input_error("logistic regression needs a two-class outcome");
  const Eigen::MatrixXd selected = columns_by_name(x, all_names, names);
  const standard_scaler scaler = standard_scaler::fit(selected);
  const logistic_model fit = fit_logistic(scaler.transform(selected), outcome.y);
  linear_model model;
  model.method = "logistic";
  model.link = family::binomial;
  model.features = names;
  model.mean = scaler.mean;
  model.scale = scaler.scale;
  model.coefficients = fit.coefficients;
  model.intercept = fit.intercept;
  model.negative_class = outcome.negative_class;
  model.positive_class = outcome.positive_class;
  return model;
}

Eigen::VectorXd logistic_of(const Eigen::VectorXd& scores) {
  Eigen::VectorXd probability(scores.size());
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    const double s = scores[i];
    probability[i] = s >= 0.0 ? 1.0 / (1.0 + std::exp(-s)) : std::exp(s) / (1.0 + std::exp(s));
  }
  return probability;
}

}  // namespace radcore::ml
