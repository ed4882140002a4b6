#include <iostream>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/ml_inputs.hpp"
#include "host/ml/model_io.hpp"
#include "host/ml/report.hpp"
#include "io/csv.hpp"

namespace radcore::cli {

namespace {

void print_selection(const ml::selection_result& selection, const ml::feature_table& table) {
  const ml::cv_result& cv = selection.cv;
  std::cout << "features " << table.feature_names.size() << " kept " << selection.screened_names.size()
            << " dropped " << selection.screen.dropped.size() << "\n";
  for (const ml::dropped_feature& dropped : selection.screen.dropped) {
    std::cout << "dropped " << table.feature_names[dropped.column] << ": " << dropped.reason << "\n";
  }
  std::cout << "alpha_min " << format_double(cv.alphas[cv.index_min]) << " cv_error "
            << format_double(cv.mean_error[Eigen::Index(cv.index_min)]) << "\n";
  std::cout << "alpha_1se " << format_double(cv.alphas[cv.index_1se]) << " cv_error "
            << format_double(cv.mean_error[Eigen::Index(cv.index_1se)]) << "\n";
  std::cout << "selected " << selection.model.features.size() << " at alpha " << format_double(selection.model.alpha)
            << "\n";
  for (std::size_t j = 0; j < selection.model.features.size(); ++j) {
    std::cout << "  " << selection.model.features[j] << " "
              << format_double(selection.model.coefficients[Eigen::Index(j)]) << "\n";
  }
}

}  // namespace

subcommand add_select_command(CLI::App& parent) {
  auto options = std::make_shared<model_options>();
  auto folder = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "select", "Select features by LASSO with a cross-validated lambda; write the model, its formula and plots");
  add_model_options(*app, *options);
  app->add_option("-o,--out", *folder, "Model folder to write (created if missing)")->required();

  return {app, [options, folder] {
            const model_inputs inputs = load_model_inputs(*options);
            const ml::selection_settings settings = selection_settings_from(*options, inputs);
            const ml::selection_result selection =
                ml::select_by_lasso(inputs.table.values, inputs.table.feature_names, inputs.outcome, settings);
            print_selection(selection, inputs.table);
            ml::write_model_folder(*folder, selection.model, inputs.outcome_name, inputs.table.id_column, options->by);
            const bool drawn = ml::write_selection_report(*folder, selection, settings.rule);
            std::cerr << "radcore: wrote the model and report.md into " << *folder
                      << (drawn ? "" : " (plots not drawn: gnuplot not found or failed)") << "\n";
          }};
}

}  // namespace radcore::cli
