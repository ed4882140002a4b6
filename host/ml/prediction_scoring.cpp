#include "host/ml/prediction_scoring.hpp"

#include <charconv>
#include <cstdio>
#include <sstream>

#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

std::size_t require_column(const csv_table& table, const std::string& name) {
  const int index = table.column(name);
  if (index < 0) throw input_error("predictions: column '" + name + "' not found in the header");
  return std::size_t(index);
}

std::vector<double> read_scores(const csv_table& table, const std::string& name) {
  const std::size_t column = require_column(table, name);
  std::vector<double> values;
  values.reserve(table.rows.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    const std::string& text = table.rows[row][column];
    double value = 0.0;
    const auto [last, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || last != text.data() + text.size() || text.empty()) {
      throw input_error("predictions: column '" + name + "', row " + std::to_string(row + 1) + ": '" + text +
                        "' is not a number");
    }
    values.push_back(value);
  }
  return values;
}

std::string replace_class(const std::string& pattern, const std::string& label) {
  const std::string key = "{class}";
  const std::size_t at = pattern.find(key);
  return at == std::string::npos ? pattern : pattern.substr(0, at) + label + pattern.substr(at + key.size());
}

std::string decimal(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10f", value);
  return buffer;
}

// Returns the score column of class `index`, given the --score columns.
std::string score_column_of(const prediction_columns& columns, const std::vector<std::string>& classes,
                            std::size_t index) {
  if (columns.scores.size() == 1) return replace_class(columns.scores.front(), classes[index]);
  return columns.scores[index];
}

}  // namespace

prediction_scores score_predictions(const csv_table& table, const prediction_columns& columns) {
  if (columns.scores.empty()) throw input_error("predictions: no score column given (--score)");
  const std::size_t truth_column = require_column(table, columns.truth);
  std::vector<std::string> truth;
  for (const auto& row : table.rows) truth.push_back(row[truth_column]);

  prediction_scores result;
  result.classes = sorted_classes(truth);
  if (result.classes.size() < 2) {
    throw input_error("predictions: column '" + columns.truth + "' holds a single class; AUC needs two");
  }

  const bool template_score = columns.scores.size() == 1 && columns.scores.front().find("{class}") != std::string::npos;
  std::vector<std::size_t> scored;  // indices into result.classes
  if (!columns.positive.empty()) {
    std::size_t index = 0;
    while (index < result.classes.size() && result.classes[index] != columns.positive) ++index;
    if (index == result.classes.size()) {
      throw input_error("predictions: positive class '" + columns.positive + "' does not occur in column '" +
                        columns.truth + "'");
    }
    scored.push_back(index);
  } else if (result.classes.size() == 2 && columns.scores.size() == 1 && !template_score) {
    scored.push_back(1);
  } else {
    if (columns.scores.size() != 1 && columns.scores.size() != result.classes.size()) {
      throw input_error("predictions: " + std::to_string(result.classes.size()) + " classes but " +
                        std::to_string(columns.scores.size()) +
                        " --score columns; give one per class in sorted class order, or one with {class}");
    }
    if (columns.scores.size() == 1 && !template_score) {
      throw input_error("predictions: " + std::to_string(result.classes.size()) +
                        " classes need a score per class: repeat --score, use a template such as "
                        "'prob_{class}', or name the --positive class");
    }
    for (std::size_t i = 0; i < result.classes.size(); ++i) scored.push_back(i);
  }

  for (std::size_t index : scored) {
    class_auc entry;
    entry.label = result.classes[index];
    entry.score_column = scored.size() == 1 && !template_score ? columns.scores.front()
                                                               : score_column_of(columns, result.classes, index);
    std::vector<bool> positive;
    for (const std::string& label : truth) positive.push_back(label == entry.label);
    entry.estimate = roc_auc_delong(read_scores(table, entry.score_column), positive);
    result.aucs.push_back(entry);
  }

  if (!columns.predicted.empty()) {
    const std::size_t predicted_column = require_column(table, columns.predicted);
    std::vector<std::string> predicted;
    for (const auto& row : table.rows) predicted.push_back(row[predicted_column]);
    std::vector<std::string> all_labels = truth;
    all_labels.insert(all_labels.end(), predicted.begin(), predicted.end());
    result.confusion = make_confusion_matrix(truth, predicted, sorted_classes(all_labels));
    result.has_predictions = true;
  } else if (scored.size() == 1) {
    // A binary prediction from the single score at the threshold.
    const std::vector<double> values = read_scores(table, result.aucs.front().score_column);
    const std::string& positive_label = result.aucs.front().label;
    const std::string negative_label = result.classes.size() == 2 ? result.classes[positive_label == result.classes[0] ? 1 : 0]
                                                                  : "rest";
    std::vector<std::string> binary_truth;
    std::vector<std::string> predicted;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      binary_truth.push_back(truth[i] == positive_label ? positive_label : negative_label);
      predicted.push_back(values[i] >= columns.threshold ? positive_label : negative_label);
    }
    result.confusion = make_confusion_matrix(binary_truth, predicted, {negative_label, positive_label});
    result.has_predictions = true;
  }
  return result;
}

std::string format_auc(const auc_estimate& estimate) {
  return "AUC " + decimal(estimate.auc) + " SE " + decimal(estimate.se) + " CI " + decimal(estimate.ci_low) +
         " " + decimal(estimate.ci_high);
}

std::string format_prediction_scores(const prediction_scores& scores) {
  std::ostringstream out;
  out << "cases " << (scores.aucs.empty() ? 0 : scores.aucs.front().estimate.positives +
                                                   scores.aucs.front().estimate.negatives)
      << " classes " << scores.classes.size() << "\n";
  const bool one_vs_rest = scores.aucs.size() > 1;
  double auc_sum = 0.0;
  for (const class_auc& entry : scores.aucs) {
    if (one_vs_rest) out << "class " << entry.label << " ";
    out << format_auc(entry.estimate) << " positives " << entry.estimate.positives << " negatives "
        << entry.estimate.negatives << " score " << entry.score_column << "\n";
    auc_sum += entry.estimate.auc;
  }
  if (one_vs_rest) out << "macro AUC " << decimal(auc_sum / double(scores.aucs.size())) << "\n";

  if (scores.has_predictions) {
    const confusion_matrix& matrix = scores.confusion;
    out << "accuracy " << decimal(matrix.accuracy()) << " (" << matrix.correct() << " of " << matrix.total()
        << ")\n";
    out << "confusion matrix (rows: true class, columns: predicted class)\n";
    out << "true\\predicted";
    for (const std::string& label : matrix.classes) out << " " << label;
    out << "\n";
    for (std::size_t t = 0; t < matrix.classes.size(); ++t) {
      out << matrix.classes[t];
      for (std::size_t count : matrix.counts[t]) out << " " << count;
      out << "\n";
    }
    for (std::size_t i = 0; i < matrix.classes.size(); ++i) {
      const binary_scores s = score_binary(matrix.one_vs_rest(i));
      out << "class " << matrix.classes[i] << " precision " << decimal(s.precision) << " recall "
          << decimal(s.recall) << " specificity " << decimal(s.specificity) << " F1 " << decimal(s.f1) << "\n";
    }
  }
  return out.str();
}

}  // namespace radcore::ml
