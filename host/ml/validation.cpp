#include "host/ml/validation.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/error.hpp"

namespace radcore::ml {

std::vector<std::size_t> stratified_test_rows(const std::vector<int>& strata, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0)) throw input_error("the test fraction must lie between 0 and 1");
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < strata.size(); ++i) members[strata[i]].push_back(i);
  seeded_random random(seed);
  std::vector<std::size_t> test;
  for (auto& [label, rows] : members) {
    random.shuffle(rows);
    const std::size_t count = std::size_t(std::lround(fraction * double(rows.size())));
    if (count == 0 || count == rows.size()) {
      throw input_error("test fraction " + std::to_string(fraction) + " leaves class " + std::to_string(label) +
                        " (" + std::to_string(rows.size()) + " cases) out of the training or test part");
    }
    test.insert(test.end(), rows.begin(), rows.begin() + std::ptrdiff_t(count));
  }
  std::sort(test.begin(), test.end());
  return test;
}

namespace {

encoded_outcome subset(const encoded_outcome& outcome, const std::vector<std::size_t>& rows) {
  encoded_outcome part = outcome;
  part.y = take_rows(outcome.y, rows);
  part.strata.clear();
  for (std::size_t row : rows) part.strata.push_back(outcome.strata[row]);
  return part;
}

// Fits the pipeline on `train` and returns the scores of `test`.
std::vector<double> fit_and_score(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                                  const encoded_outcome& outcome, const validation_settings& settings,
                                  const std::vector<std::size_t>& train, const std::vector<std::size_t>& test,
                                  validation_result& result) {
  const Eigen::MatrixXd x_train = take_rows(x, train);
  const encoded_outcome y_train = subset(outcome, train);
  selection_settings inner = settings.selection;
  inner.given_folds.clear();
  const selection_result selection = select_by_lasso(x_train, names, y_train, inner);
  for (const std::string& name : selection.model.features) result.selection_count[name] += 1;
  result.fits += 1;
  const linear_model model = settings.refit_logistic
                                 ? fit_logistic_model(x_train, names, selection.model.features, y_train)
                                 : selection.model;
  const Eigen::VectorXd scores = model.score(columns_by_name(take_rows(x, test), names, model.features));
  return std::vector<double>(scores.data(), scores.data() + scores.size());
}

validation_repeat score_repeat(const encoded_outcome& outcome, std::vector<std::size_t> rows,
                               std::vector<double> scores, bool binomial_scores) {
  validation_repeat repeat;
  repeat.rows = std::move(rows);
  repeat.scores = std::move(scores);
  std::vector<bool> truth;
  std::vector<bool> predicted;
  for (std::size_t i = 0; i < repeat.rows.size(); ++i) {
    truth.push_back(outcome.y[Eigen::Index(repeat.rows[i])] == 1.0);
    predicted.push_back(repeat.scores[i] >= (binomial_scores ? 0.0 : 0.5));
  }
  repeat.auc = roc_auc_delong(repeat.scores, truth);
  repeat.at_half = score_binary(count_binary(predicted, truth));
  return repeat;
}

}  // namespace

validation_result validate_pipeline(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                                    const encoded_outcome& outcome, const validation_settings& settings) {
  if (!outcome.binary) throw input_error("evaluate: validation needs a two-class outcome");
  if (settings.repeats < 1) throw input_error("evaluate: --repeats must be at least 1");
  const bool binomial_scores = settings.refit_logistic || settings.selection.kind == family::binomial;
  validation_result result;

  if (settings.test_fraction > 0.0) {
    const std::vector<std::size_t> test = stratified_test_rows(outcome.strata, settings.test_fraction, settings.seed);
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < outcome.strata.size(); ++i) {
      if (!std::binary_search(test.begin(), test.end(), i)) train.push_back(i);
    }
    try {
      std::vector<double> scores = fit_and_score(x, names, outcome, settings, train, test, result);
      result.repeats.push_back(score_repeat(outcome, test, std::move(scores), binomial_scores));
    } catch (const input_error& error) {
      throw input_error(std::string("evaluate: train/test split: ") + error.what());
    }
    return result;
  }

  for (int repeat = 0; repeat < settings.repeats; ++repeat) {
    const std::vector<int> folds = stratified_folds(outcome.strata, settings.outer_folds, settings.seed + std::uint64_t(repeat));
    std::vector<double> scores(outcome.strata.size(), 0.0);
    for (int fold = 0; fold < settings.outer_folds; ++fold) {
      const std::vector<std::size_t> train = rows_outside_fold(folds, fold);
      const std::vector<std::size_t> test = rows_in_fold(folds, fold);
      try {
        const std::vector<double> fold_scores = fit_and_score(x, names, outcome, settings, train, test, result);
        for (std::size_t i = 0; i < test.size(); ++i) scores[test[i]] = fold_scores[i];
      } catch (const input_error& error) {
        throw input_error("evaluate: repeat " + std::to_string(repeat + 1) + ", outer fold " +
                          std::to_string(fold + 1) + ": " + error.what());
      }
    }
    std::vector<std::size_t> rows(outcome.strata.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    result.repeats.push_back(score_repeat(outcome, std::move(rows), std::move(scores), binomial_scores));
  }
  return result;
}

}  // namespace radcore::ml
