// Scoring a table of predictions made by any tool: ROC AUC with DeLong intervals per class, accuracy and
// the confusion matrix.
#pragma once

#include <string>
#include <vector>

#include "host/ml/metrics.hpp"
#include "io/csv.hpp"

namespace radcore::ml {

struct prediction_columns {
  std::string truth;                // column of true classes
  std::vector<std::string> scores;  // one column, one per class, or one template containing "{class}"
  std::string positive;             // the positive class of a binary problem; empty to score every class
  std::string predicted;            // column of predicted classes; empty for none
  double threshold = 0.5;           // binary prediction from a single score when `predicted` is empty
};

// The AUC of one class against the rest.
struct class_auc {
  std::string label;
  std::string score_column;
  auc_estimate estimate;
};

struct prediction_scores {
  std::vector<std::string> classes;
  std::vector<class_auc> aucs;  // one per scored class
  bool has_predictions = false;
  confusion_matrix confusion;   // when has_predictions
};

// Scores `table`. With a positive class (or two classes and a single score column, where the larger
// class in sorted order is positive) one AUC is computed; otherwise one AUC per class, one-vs-rest.
// Throws input_error for a missing column, a non-numeric score or a class with no cases.
prediction_scores score_predictions(const csv_table& table, const prediction_columns& columns);

// Formats the scores as the lines `radcore evaluate --predictions` prints.
std::string format_prediction_scores(const prediction_scores& scores);

// Formats an AUC estimate as "AUC <value> SE <value> CI <low> <high>" with 10 decimals.
std::string format_auc(const auc_estimate& estimate);

}  // namespace radcore::ml
