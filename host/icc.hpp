// Intraclass correlation (Shrout and Fleiss 1979; McGraw and Wong 1996) with F-based 95 % intervals,
// computed as pingouin 0.5.5's intraclass_corr computes them.
#pragma once

#include <string>
#include <vector>

namespace radcore {

// Shrout and Fleiss' forms: (1,1) one-way random, (2,1) two-way random absolute agreement, (3,1) two-way
// mixed consistency; `average` gives the (·,k) form for the mean of k measurements.
enum class icc_model { one_way, two_way_random, two_way_mixed };

struct icc_result {
  double icc = 0;
  double ci_low = 0;
  double ci_high = 0;
  int subjects = 0;
  int repeats = 0;
};

// Computes one ICC form of a complete table: rows are subjects (n >= 2), columns repeated measurements
// (k >= 2). Throws input_error for a ragged or too small table or non-finite values. A table without any
// variation gives NaN (0 / 0), as pingouin does.
icc_result intraclass_correlation(const std::vector<std::vector<double>>& table, icc_model model, bool average);

// Parses "1,1", "2,1" or "3,1"; throws input_error otherwise.
icc_model parse_icc_model(const std::string& text);

}  // namespace radcore
