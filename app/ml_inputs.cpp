#include "app/ml_inputs.hpp"

#include <map>

#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {

void add_model_options(CLI::App& app, model_options& options, bool required) {
  app.add_option("features", options.features, "Features: an HDF5 store from extract --cohort, or a CSV in PyRadiomics batch layout")
      ->required(required)
      ->check(CLI::ExistingFile);
  app.add_option("--outcome", options.outcome_file,
                 "CSV with the outcome per case, keyed by the id column (or its first column)")
      ->check(CLI::ExistingFile);
  app.add_option("--outcome-column", options.outcome_column,
                 "Outcome column, in --outcome's file or else in the features table")
      ->required(required);
  app.add_option("--id", options.id_column,
                 "Column naming each row (default: patient_id, id, ID, case or Case, whichever exists first)");
  app.add_option("--by", options.by,
                 "Join the rows sharing this column (e.g. patient_id) into one, naming features <label>_<key>");
  app.add_option("--label-column", options.label_column, "Column with the ROI label used by --by (default Label)");
  app.add_option("--family", options.family, "LASSO family: binomial (two classes) or gaussian (default binomial)")
      ->check(CLI::IsMember({"binomial", "gaussian"}));
  app.add_option("--positive", options.positive, "Positive outcome class (default: the larger in sorted order)");
  app.add_option("--folds", options.folds, "Cross-validation folds for choosing lambda (default 10)");
  app.add_option("--folds-file", options.folds_file, "CSV of id and fold (0-based) to use in place of seeded folds")
      ->check(CLI::ExistingFile);
  app.add_option("--seed", options.seed, "Seed of the fold assignment (default 1)");
  app.add_option("--rule", options.rule, "Lambda rule: min (minimum CV error) or 1se (one standard error)")
      ->check(CLI::IsMember({"min", "1se"}));
  app.add_option("--n-alphas", options.n_alphas, "Number of lambda values on the path (default 100)");
  app.add_option("--eps", options.eps, "Smallest lambda as a fraction of the largest (default 1e-3)");
  app.add_option("--max-correlation", options.max_abs_correlation,
                 "Drop a feature whose |Pearson r| with an earlier kept one exceeds this (default 1: off)");
  app.add_flag("--drop-non-finite", options.drop_non_finite,
               "Drop features holding NaN or infinity instead of stopping with an error");
}

namespace {

std::vector<std::string> take_outcome_from_table(ml::feature_table& table, const std::string& column) {
  for (std::size_t j = 0; j < table.feature_names.size(); ++j) {
    if (table.feature_names[j] != column) continue;
    std::vector<std::string> values;
    for (Eigen::Index i = 0; i < table.values.rows(); ++i) values.push_back(format_double(table.values(i, Eigen::Index(j))));
    // Remove the outcome from the features.
    std::vector<std::string> names;
    for (std::size_t k = 0; k < table.feature_names.size(); ++k) {
      if (k != j) names.push_back(table.feature_names[k]);
    }
    table = ml::select_features(table, names);
    return values;
  }
  return table.metadata_column(column);
}

std::vector<int> read_folds(const std::string& path, const ml::feature_table& table) {
  const csv_table folds = read_csv_file(path);
  if (folds.header.size() < 2) throw input_error(path + ": a folds file needs an id column and a fold column");
  int key = folds.column(table.id_column);
  if (key < 0) key = 0;
  const int value = folds.column("fold") >= 0 ? folds.column("fold") : (key == 0 ? 1 : 0);
  std::map<std::string, int> fold_of;
  for (const auto& row : folds.rows) {
    try {
      fold_of[row[std::size_t(key)]] = std::stoi(row[std::size_t(value)]);
    } catch (const std::exception&) {
      throw input_error(path + ": fold '" + row[std::size_t(value)] + "' is not an integer");
    }
  }
  std::vector<int> result;
  for (const std::string& id : table.ids) {
    const auto found = fold_of.find(id);
    if (found == fold_of.end()) throw input_error(path + ": no fold for " + table.id_column + " '" + id + "'");
    if (found->second < 0) throw input_error(path + ": folds are numbered from 0");
    result.push_back(found->second);
  }
  return result;
}

}  // namespace

model_inputs load_model_inputs(const model_options& options) {
  model_inputs inputs;
  ml::table_read_options read;
  read.id_column = options.id_column;
  read.number_rows = !options.by.empty() && options.id_column.empty();
  if (!options.by.empty()) read.metadata_columns = {options.by, options.label_column};
  inputs.table = ml::read_feature_table(options.features, read);
  if (!options.by.empty()) {
    if (inputs.table.id_column == options.by) {
      throw input_error("--by " + options.by + ": the column names each row already, so there is nothing to join");
    }
    inputs.table = ml::join_rows_by(inputs.table, options.by, options.label_column);
  }

  std::vector<std::string> outcome_values;
  if (!options.outcome_file.empty()) {
    outcome_values = ml::outcomes_for(inputs.table, read_csv_file(options.outcome_file), options.outcome_column,
                                      options.outcome_file);
  } else {
    outcome_values = take_outcome_from_table(inputs.table, options.outcome_column);
  }
  inputs.outcome_name = options.outcome_column;
  if (!options.drop_non_finite) ml::require_finite(inputs.table);
  const ml::family kind = options.family == "gaussian" ? ml::family::gaussian : ml::family::binomial;
  inputs.outcome = ml::encode_outcome(outcome_values, kind, options.positive);
  if (!options.folds_file.empty()) inputs.given_folds = read_folds(options.folds_file, inputs.table);
  return inputs;
}

ml::selection_settings selection_settings_from(const model_options& options, const model_inputs& inputs) {
  ml::selection_settings settings;
  settings.kind = options.family == "gaussian" ? ml::family::gaussian : ml::family::binomial;
  settings.folds = options.folds;
  settings.seed = options.seed;
  settings.rule = options.rule == "1se" ? ml::selection_rule::one_se : ml::selection_rule::min;
  settings.max_abs_correlation = options.max_abs_correlation;
  settings.given_folds = inputs.given_folds;
  settings.path.n_alphas = options.n_alphas;
  settings.path.eps = options.eps;
  return settings;
}

}  // namespace radcore::cli
