// Command-line options and input loading shared by `radcore select`, `train` and `evaluate FEATURES`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "host/ml/feature_table.hpp"
#include "host/ml/pipeline.hpp"

namespace radcore::cli {

struct model_options {
  std::string features;
  std::string outcome_file;
  std::string outcome_column;
  std::string id_column;
  std::string by;
  std::string label_column = "Label";
  std::string family = "binomial";
  std::string positive;
  std::string rule = "min";
  std::string folds_file;
  int folds = 10;
  std::uint64_t seed = 1;
  std::size_t n_alphas = 100;
  double eps = 1e-3;
  double max_abs_correlation = 1.0;
  bool drop_non_finite = false;
};

// Adds FEATURES and the outcome, join, family and LASSO options to `app`. With `required` false, FEATURES
// and --outcome-column are optional (for `evaluate`, which also scores prediction files).
void add_model_options(CLI::App& app, model_options& options, bool required = true);

// The inputs of a fit: features joined and checked, the outcome encoded, and the folds if given.
struct model_inputs {
  ml::feature_table table;
  ml::encoded_outcome outcome;
  std::string outcome_name;
  std::vector<int> given_folds;
};

// Reads and checks the inputs named by `options`. Throws input_error for a missing or unmatched outcome,
// one class only, non-finite features (unless --drop-non-finite) or a malformed folds file.
model_inputs load_model_inputs(const model_options& options);

// Returns the selection settings that `options` set.
ml::selection_settings selection_settings_from(const model_options& options, const model_inputs& inputs);

}  // namespace radcore::cli
