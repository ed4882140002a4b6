// Classification metrics: ROC AUC with DeLong's standard error, ROC points, the confusion matrix and the
// scores derived from it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace radcore::ml {

// The 0.975 quantile of the standard normal distribution, for two-sided 95 % intervals.
inline constexpr double z_975 = 1.959963984540054;

// ROC AUC of one binary problem with DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988) and the
// normal-approximation interval AUC ± z·SE clipped to [0, 1], as pROC's ci.auc(method = "delong").
struct auc_estimate {
  double auc = 0.0;
  double se = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  std::size_t positives = 0;
  std::size_t negatives = 0;
};

// Computes the Mann–Whitney AUC (ties count one half) and DeLong's standard error from midranks (Sun &
// Xu 2014), in O(N log N). Throws input_error when the sizes differ, a score is not finite, or either
// class is empty. The SE is 0 when a class has a single case, because its placement variance is undefined.
auc_estimate roc_auc_delong(const std::vector<double>& scores, const std::vector<bool>& positive,
                            double z = z_975);

// One point of the empirical ROC curve: cases with score >= threshold are called positive.
struct roc_point {
  double threshold = 0.0;
  double false_positive_rate = 0.0;
  double true_positive_rate = 0.0;
};

// Returns the ROC curve from (0, 0) to (1, 1), one point per distinct score in decreasing order, the
// first point having threshold +inf.
std::vector<roc_point> roc_curve(const std::vector<double>& scores, const std::vector<bool>& positive);

// Returns the threshold that maximises Youden's J = sensitivity + specificity − 1 (the first such point
// of roc_curve, so the highest threshold among ties).
double youden_threshold(const std::vector<double>& scores, const std::vector<bool>& positive);

// Counts of a binary prediction.
struct binary_counts {
  std::size_t true_positives = 0;
  std::size_t false_positives = 0;
  std::size_t true_negatives = 0;
  std::size_t false_negatives = 0;
};

binary_counts count_binary(const std::vector<bool>& predicted, const std::vector<bool>& truth);

// Scores of a binary prediction. A ratio whose denominator is 0 is 0, as scikit-learn's zero_division=0.
struct binary_scores {
  double accuracy = 0.0;
  double precision = 0.0;    // positive predictive value
  double recall = 0.0;       // sensitivity, true positive rate
  double specificity = 0.0;  // true negative rate
  double npv = 0.0;          // negative predictive value
  double f1 = 0.0;
};

binary_scores score_binary(const binary_counts& counts);

// A confusion matrix over `classes` (rows: true class, columns: predicted class).
struct confusion_matrix {
  std::vector<std::string> classes;
  std::vector<std::vector<std::size_t>> counts;

  std::size_t total() const;
  std::size_t correct() const;
  double accuracy() const;
  // One-vs-rest counts for class `index`.
  binary_counts one_vs_rest(std::size_t index) const;
};

// Builds the confusion matrix of `predicted` against `truth` over `classes`. Throws input_error when the
// sizes differ or a value is not one of `classes`.
confusion_matrix make_confusion_matrix(const std::vector<std::string>& truth,
                                       const std::vector<std::string>& predicted,
                                       const std::vector<std::string>& classes);

// Returns the distinct values of `labels`, in numeric order when all of them are numbers, else in
// lexicographic order.
std::vector<std::string> sorted_classes(const std::vector<std::string>& labels);

}  // namespace radcore::ml
