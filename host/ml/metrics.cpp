#include "host/ml/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

void check_binary_input(const std::vector<double>& scores, const std::vector<bool>& positive) {
  if (scores.size() != positive.size()) {
    throw input_error("ROC AUC: " + std::to_string(scores.size()) + " scores but " +
                      std::to_string(positive.size()) + " labels");
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw input_error("ROC AUC: score of case " + std::to_string(i + 1) + " is not finite");
    }
  }
}

// Returns the midranks (1-based; tied values share the mean of their ranks) of `values`.
std::vector<double> midranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  std::size_t start = 0;
  while (start < order.size()) {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    const double rank = 0.5 * double(start + 1 + end);  // mean of the ranks start+1 .. end
    for (std::size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

double ratio_or_zero(std::size_t numerator, std::size_t denominator) {
  return denominator == 0 ? 0.0 : double(numerator) / double(denominator);
}

bool parse_number(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [last, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && last == end && !text.empty();
}

}  // namespace

auc_estimate roc_auc_delong(const std::vector<double>& scores, const std::vector<bool>& positive, double z) {
  check_binary_input(scores, positive);
  std::vector<double> positive_scores;
  std::vector<double> negative_scores;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    (positive[i] ? positive_scores : negative_scores).push_back(scores[i]);
  }
  const std::size_t m = positive_scores.size();
  const std::size_t n = negative_scores.size();
  if (m == 0 || n == 0) {
    throw input_error("ROC AUC needs both classes, but there are " + std::to_string(m) + " positive and " +
                      std::to_string(n) + " negative cases");
  }

  // Midranks among all cases (positives first), among positives and among negatives.
  std::vector<double> all_scores = positive_scores;
  all_scores.insert(all_scores.end(), negative_scores.begin(), negative_scores.end());
  const std::vector<double> rank_all = midranks(all_scores);
  const std::vector<double> rank_positive = midranks(positive_scores);
  const std::vector<double> rank_negative = midranks(negative_scores);

  double positive_rank_sum = 0.0;
  for (std::size_t i = 0; i < m; ++i) positive_rank_sum += rank_all[i];
  auc_estimate result;
  result.positives = m;
  result.negatives = n;
  result.auc = (positive_rank_sum / double(m) - 0.5 * double(m + 1)) / double(n);

  // Placement values: V10 is the share of negatives below each positive, V01 the share of positives
  // above each negative.
  double s10 = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double v10 = (rank_all[i] - rank_positive[i]) / double(n);
    s10 += (v10 - result.auc) * (v10 - result.auc);
  }
  double s01 = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const double v01 = 1.0 - (rank_all[m + j] - rank_negative[j]) / double(m);
    s01 += (v01 - result.auc) * (v01 - result.auc);
  }
  const double variance = (m > 1 ? s10 / double(m - 1) / double(m) : 0.0) +
                          (n > 1 ? s01 / double(n - 1) / double(n) : 0.0);
  result.se = std::sqrt(variance);
  result.ci_low = std::max(0.0, result.auc - z * result.se);
  result.ci_high = std::min(1.0, result.auc + z * result.se);
  return result;
}

std::vector<roc_point> roc_curve(const std::vector<double>& scores, const std::vector<bool>& positive) {
  check_binary_input(scores, positive);
  const std::size_t total_positive = std::size_t(std::count(positive.begin(), positive.end(), true));
  const std::size_t total_negative = positive.size() - total_positive;
  if (total_positive == 0 || total_negative == 0) {
    throw input_error("ROC curve needs both classes");
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });

  std::vector<roc_point> points{{std::numeric_limits<double>::infinity(), 0.0, 0.0}};
  std::size_t true_positives = 0;
  std::size_t false_positives = 0;
  std::size_t k = 0;
  while (k < order.size()) {
    const double threshold = scores[order[k]];
    while (k < order.size() && scores[order[k]] == threshold) {
      (positive[order[k]] ? true_positives : false_positives) += 1;
      ++k;
    }
    points.push_back({threshold, double(false_positives) / double(total_negative),
                      double(true_positives) / double(total_positive)});
  }
  return points;
}

double youden_threshold(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const std::vector<roc_point> points = roc_curve(scores, positive);
  double best_j = -1.0;
  double best_threshold = points.back().threshold;
  for (const roc_point& point : points) {
    if (!std::isfinite(point.threshold)) continue;
    const double j = point.true_positive_rate - point.false_positive_rate;
    if (j > best_j) {
      best_j = j;
      best_threshold = point.threshold;
    }
  }
  return best_threshold;
}

binary_counts count_binary(const std::vector<bool>& predicted, const std::vector<bool>& truth) {
  if (predicted.size() != truth.size()) {
    throw input_error("binary counts: " + std::to_string(predicted.size()) + " predictions but " +
                      std::to_string(truth.size()) + " labels");
  }
  binary_counts counts;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i]) {
      (predicted[i] ? counts.true_positives : counts.false_negatives) += 1;
    } else {
      (predicted[i] ? counts.false_positives : counts.true_negatives) += 1;
    }
  }
  return counts;
}

binary_scores score_binary(const binary_counts& c) {
  binary_scores s;
  const std::size_t total = c.true_positives + c.false_positives + c.true_negatives + c.false_negatives;
  s.accuracy = ratio_or_zero(c.true_positives + c.true_negatives, total);
  s.precision = ratio_or_zero(c.true_positives, c.true_positives + c.false_positives);
  s.recall = ratio_or_zero(c.true_positives, c.true_positives + c.false_negatives);
  s.specificity = ratio_or_zero(c.true_negatives, c.true_negatives + c.false_positives);
  s.npv = ratio_or_zero(c.true_negatives, c.true_negatives + c.false_negatives);
  s.f1 = ratio_or_zero(2 * c.true_positives, 2 * c.true_positives + c.false_positives + c.false_negatives);
  return s;
}

std::size_t confusion_matrix::total() const {
  std::size_t sum = 0;
  for (const auto& row : counts) sum += std::accumulate(row.begin(), row.end(), std::size_t{0});
  return sum;
}

std::size_t confusion_matrix::correct() const {
  std::size_t sum = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) sum += counts[i][i];
  return sum;
}

double confusion_matrix::accuracy() const { return ratio_or_zero(correct(), total()); }

binary_counts confusion_matrix::one_vs_rest(std::size_t index) const {
  binary_counts c;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    for (std::size_t p = 0; p < counts.size(); ++p) {
      const std::size_t count = counts[t][p];
      if (t == index && p == index) {
        c.true_positives += count;
      } else if (t == index) {
        c.false_negatives += count;
      } else if (p == index) {
        c.false_positives += count;
      } else {
        c.true_negatives += count;
      }
    }
  }
  return c;
}

confusion_matrix make_confusion_matrix(const std::vector<std::string>& truth,
                                       const std::vector<std::string>& predicted,
                                       const std::vector<std::string>& classes) {
  if (truth.size() != predicted.size()) {
    throw input_error("confusion matrix: " + std::to_string(predicted.size()) + " predictions but " +
                      std::to_string(truth.size()) + " labels");
  }
  auto index_of = [&](const std::string& value) {
    const auto found = std::find(classes.begin(), classes.end(), value);
    if (found == classes.end()) throw input_error("confusion matrix: class '" + value + "' is not known");
    return std::size_t(found - classes.begin());
  };
  confusion_matrix matrix;
  matrix.classes = classes;
  matrix.counts.assign(classes.size(), std::vector<std::size_t>(classes.size(), 0));
  for (std::size_t i = 0; i < truth.size(); ++i) matrix.counts[index_of(truth[i])][index_of(predicted[i])] += 1;
  return matrix;
}

std::vector<std::string> sorted_classes(const std::vector<std::string>& labels) {
  const std::set<std::string> distinct(labels.begin(), labels.end());
  std::vector<std::string> classes(distinct.begin(), distinct.end());
  bool numeric = true;
  double value = 0.0;
  for (const std::string& label : classes) numeric = numeric && parse_number(label, value);
  if (numeric) {
    std::stable_sort(classes.begin(), classes.end(), [](const std::string& a, const std::string& b) {
      double x = 0.0;
      double y = 0.0;
      parse_number(a, x);
      parse_number(b, y);
      return x < y;
    });
  }
  return classes;
}

}  // namespace radcore::ml
