#include "host/icc.hpp"

#include <boost/math/distributions/fisher_f.hpp>

#include <cmath>
#include <limits>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Mean squares of the two-way layout without replication (balanced, so type-II sums of squares equal
// the sequential ones): between subjects (rows), between repeats (columns), residual, within subjects.
struct mean_squares {
  double rows = 0;
  double columns = 0;
  double error = 0;
  double within = 0;
};

mean_squares compute_mean_squares(const std::vector<std::vector<double>>& table) {
  const std::size_t n = table.size();
  const std::size_t k = table.front().size();
  double grand = 0;
  std::vector<double> row_mean(n, 0.0), column_mean(k, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      row_mean[i] += table[i][j];
      column_mean[j] += table[i][j];
      grand += table[i][j];
    }
  }
  grand /= double(n * k);
  for (double& m : row_mean) m /= double(k);
  for (double& m : column_mean) m /= double(n);

  double total = 0, between_rows = 0, between_columns = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) total += (table[i][j] - grand) * (table[i][j] - grand);
  }
  for (double m : row_mean) between_rows += double(k) * (m - grand) * (m - grand);
  for (double m : column_mean) between_columns += double(n) * (m - grand) * (m - grand);
  const double residual = total - between_rows - between_columns;

  mean_squares ms;
  ms.rows = between_rows / double(n - 1);
  ms.columns = between_columns / double(k - 1);
  ms.error = residual / double((n - 1) * (k - 1));
  ms.within = (between_columns + residual) / double(n * (k - 1));
  return ms;
}

// Upper quantile F_{1 - alpha/2}(df1, df2) of the F distribution, alpha = 0.05.
// NaN where the degrees of freedom are not finite and positive (a table without residual variation).
double f_quantile(double df1, double df2) {
  if (!(std::isfinite(df1) && std::isfinite(df2) && df1 > 0 && df2 > 0)) return std::numeric_limits<double>::quiet_NaN();
  const boost::math::fisher_f_distribution<double> distribution(df1, df2);
  return boost::math::quantile(distribution, 0.975);
}

void check_table(const std::vector<std::vector<double>>& table) {
  if (table.size() < 2) throw input_error("ICC needs at least 2 subjects (rows); the table has " + std::to_string(table.size()));
  const std::size_t k = table.front().size();
  if (k < 2) throw input_error("ICC needs at least 2 repeated measurements (columns); the table has " + std::to_string(k));
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].size() != k) {
      throw input_error("row " + std::to_string(i + 1) + " has " + std::to_string(table[i].size()) +
                        " measurements, the first row " + std::to_string(k) + "; the table must be complete");
    }
    for (double v : table[i]) {
      if (!std::isfinite(v)) throw input_error("row " + std::to_string(i + 1) + " contains a NaN or infinite value; ICC needs finite values");
    }
  }
}

}  // namespace

icc_model parse_icc_model(const std::string& text) {
  if (text == "1,1" || text == "1") return icc_model::one_way;
  if (text == "2,1" || text == "2") return icc_model::two_way_random;
  if (text == "3,1" || text == "3") return icc_model::two_way_mixed;
  throw input_error("ICC model '" + text + "' is invalid; use 1,1, 2,1 or 3,1");
}

icc_result intraclass_correlation(const std::vector<std::vector<double>>& table, icc_model model, bool average) {
  check_table(table);
  const double n = double(table.size());
  const double k = double(table.front().size());
  const mean_squares ms = compute_mean_squares(table);
  const double df1 = n - 1;
  const double df_within = n * (k - 1);
  const double df_error = (n - 1) * (k - 1);

  icc_result result;
  result.subjects = int(table.size());
  result.repeats = int(table.front().size());

  if (model == icc_model::one_way || model == icc_model::two_way_mixed) {
    // ICC(1) compares subjects with the within-subject spread, ICC(3) with the residual.
    const bool one_way = model == icc_model::one_way;
    const double noise = one_way ? ms.within : ms.error;
    const double df2 = one_way ? df_within : df_error;
    const double f = ms.rows / noise;
    const double f_low = f / f_quantile(df1, df2);
    const double f_high = f * f_quantile(df2, df1);
    if (average) {
      result.icc = (ms.rows - noise) / ms.rows;
      result.ci_low = 1 - 1 / f_low;
      result.ci_high = 1 - 1 / f_high;
    } else {
      result.icc = (ms.rows - noise) / (ms.rows + (k - 1) * noise);
      result.ci_low = (f_low - 1) / (f_low + (k - 1));
      result.ci_high = (f_high - 1) / (f_high + (k - 1));
    }
    return result;
  }

  // ICC(2,1): absolute agreement with random raters; interval with Satterthwaite's degrees of freedom
  // (McGraw and Wong 1996, as pingouin computes it).
  const double icc2 = (ms.rows - ms.error) / (ms.rows + (k - 1) * ms.error + k * (ms.columns - ms.error) / n);
  const double fj = ms.columns / ms.error;
  const double a = k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2;
  const double b = n * (1 + (k - 1) * icc2) - k * icc2;
  const double v = df_error * a * a / (df1 * k * k * icc2 * icc2 * fj * fj + b * b);
  const double f_upper = f_quantile(n - 1, v);
  const double f_lower = f_quantile(v, n - 1);
  const double denominator = k * ms.columns + (k * n - k - n) * ms.error;
  const double low = n * (ms.rows - f_upper * ms.error) / (f_upper * denominator + n * ms.rows);
  const double high = n * (f_lower * ms.rows - ms.error) / (denominator + n * f_lower * ms.rows);
  if (average) {
    result.icc = (ms.rows - ms.error) / (ms.rows + (ms.columns - ms.error) / n);
    result.ci_low = low * k / (1 + low * (k - 1));
    result.ci_high = high * k / (1 + high * (k - 1));
  } else {
    result.icc = icc2;
    result.ci_low = low;
    result.ci_high = high;
  }
  return result;
}

}  // namespace radcore
