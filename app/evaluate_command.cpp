#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/ml_inputs.hpp"
#include "app/output_file.hpp"
#include "host/ml/prediction_scoring.hpp"
#include "host/ml/report.hpp"
#include "host/ml/validation.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {

namespace {

struct evaluate_arguments {
  std::string predictions;
  ml::prediction_columns columns;
  model_options model;
  int cv = 5;
  int repeats = 1;
  double test_fraction = 0.0;
  std::string classifier = "logistic";
  std::string report;
};

void run_prediction_scoring(const evaluate_arguments& arguments) {
  const csv_table table = read_csv_file(arguments.predictions);
  const ml::prediction_scores scores = ml::score_predictions(table, arguments.columns);
  std::cout << ml::format_prediction_scores(scores);
}

std::string decimal(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10f", value);
  return buffer;
}

void write_validation_outputs(const std::string& folder, const model_inputs& inputs,
                              const ml::validation_result& result, const std::string& summary) {
  const ml::validation_repeat& first = result.repeats.front();
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row({inputs.table.id_column, "truth", "score"});
  for (std::size_t i = 0; i < first.rows.size(); ++i) {
    const std::size_t row = first.rows[i];
    writer.write_row({inputs.table.ids[row],
                      inputs.outcome.y[Eigen::Index(row)] == 1.0 ? inputs.outcome.positive_class
                                                                 : inputs.outcome.negative_class,
                      format_double(first.scores[i])});
  }
  std::vector<bool> truth;
  for (std::size_t row : first.rows) truth.push_back(inputs.outcome.y[Eigen::Index(row)] == 1.0);
  ml::write_roc_report(folder, ml::roc_curve(first.scores, truth), first.auc,
                       "Held-out ROC (first repeat)", summary);
  write_file_atomically(folder + "/predictions.csv", text.str());
}

void run_validation(const evaluate_arguments& arguments) {
  const model_inputs inputs = load_model_inputs(arguments.model);
  ml::validation_settings settings;
  settings.selection = selection_settings_from(arguments.model, inputs);
  settings.refit_logistic = arguments.classifier == "logistic";
  settings.outer_folds = arguments.cv;
  settings.repeats = arguments.repeats;
  settings.test_fraction = arguments.test_fraction;
  settings.seed = arguments.model.seed;
  const ml::validation_result result =
      ml::validate_pipeline(inputs.table.values, inputs.table.feature_names, inputs.outcome, settings);

  std::ostringstream out;
  out << "cases " << inputs.table.rows() << " features " << inputs.table.feature_names.size() << " positive class "
      << inputs.outcome.positive_class << "\n";
  out << (settings.test_fraction > 0.0 ? "held-out test part of " + decimal(settings.test_fraction)
                                       : std::to_string(settings.outer_folds) + "-fold CV, " +
                                             std::to_string(settings.repeats) + " repeats")
      << "; selection and fitting inside each training part\n";
  double auc_sum = 0.0;
  double accuracy_sum = 0.0;
  for (std::size_t r = 0; r < result.repeats.size(); ++r) {
    const ml::validation_repeat& repeat = result.repeats[r];
    out << "repeat " << r + 1 << " " << ml::format_auc(repeat.auc) << " accuracy " << decimal(repeat.at_half.accuracy)
        << "\n";
    auc_sum += repeat.auc.auc;
    accuracy_sum += repeat.at_half.accuracy;
  }
  out << "mean AUC " << decimal(auc_sum / double(result.repeats.size())) << " mean accuracy "
      << decimal(accuracy_sum / double(result.repeats.size())) << "\n";
  out << "selection frequency over " << result.fits << " training fits:\n";
  std::vector<std::pair<int, std::string>> counts;
  for (const auto& [name, count] : result.selection_count) counts.push_back({-count, name});
  std::sort(counts.begin(), counts.end());
  for (std::size_t i = 0; i < counts.size() && i < 20; ++i) {
    out << "  " << counts[i].second << " " << -counts[i].first << "\n";
  }
  std::cout << out.str();
  if (!arguments.report.empty()) {
    write_validation_outputs(arguments.report, inputs, result, "```\n" + out.str() + "```\n");
    std::cerr << "radcore: wrote report.md, roc.png and predictions.csv into " << arguments.report << "\n";
  }
}

}  // namespace

subcommand add_evaluate_command(CLI::App& parent) {
  auto arguments = std::make_shared<evaluate_arguments>();
  CLI::App* app = parent.add_subcommand(
      "evaluate",
      "Score predictions (ROC AUC with DeLong SE and 95 % CI, accuracy), or validate LASSO + classifier on FEATURES");
  app->add_option("--predictions", arguments->predictions, "CSV of predictions, one row per case")
      ->check(CLI::ExistingFile);
  app->add_option("--truth", arguments->columns.truth, "Column of the true classes (with --predictions)");
  app->add_option("--score", arguments->columns.scores,
                  "Score column: one for a binary problem; one per class in sorted class order, or a template "
                  "such as 'prob_{class}', for one-vs-rest AUCs");
  app->add_option("--predicted", arguments->columns.predicted,
                  "Column of predicted classes, for accuracy and the confusion matrix");
  app->add_option("--threshold", arguments->columns.threshold,
                  "Score at or above which a case is called positive when --predicted is not given (default 0.5)");
  add_model_options(*app, arguments->model, false);
  app->add_option("--cv", arguments->cv, "Outer cross-validation folds for FEATURES (default 5)");
  app->add_option("--repeats", arguments->repeats, "Repeats of the outer cross-validation (default 1)");
  app->add_option("--test-fraction", arguments->test_fraction,
                  "Hold out this stratified fraction once instead of outer cross-validation");
  app->add_option("--classifier", arguments->classifier,
                  "Scoring model: logistic (refit on the LASSO selection) or lasso (the LASSO fit itself)")
      ->check(CLI::IsMember({"logistic", "lasso"}));
  app->add_option("--report", arguments->report, "Folder for report.md, roc.png and predictions.csv (FEATURES)");

  return {app, [arguments] {
            const bool predictions = !arguments->predictions.empty();
            const bool features = !arguments->model.features.empty();
            if (predictions == features) {
              throw input_error("evaluate: give either --predictions P.csv or a FEATURES table, not both or neither");
            }
            if (predictions) {
              if (arguments->columns.truth.empty()) throw input_error("evaluate: give --truth COLUMN");
              arguments->columns.positive = arguments->model.positive;
              run_prediction_scoring(*arguments);
            } else {
              if (arguments->model.outcome_column.empty()) throw input_error("evaluate: give --outcome-column NAME");
              run_validation(*arguments);
            }
          }};
}

}  // namespace radcore::cli
