#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/ml_inputs.hpp"
#include "host/ml/model_io.hpp"
#include "host/ml/report.hpp"
#include "host/stability.hpp"
#include "io/csv.hpp"
#include "io/feature_store.hpp"
#include "kernels/error.hpp"

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

struct stability_filter {
  std::string store;
  double icc_min = 0.9;
  std::string model = "1,1";
};

// Keeps the features whose ICC in the stability store is at or above the threshold. A feature the store
// has no ICC for (absent, or NaN because it was constant or non-finite) is dropped: only features shown
// to be stable are kept. After --by, names are "<label>_<feature>" and are looked up without the label.
void keep_stable_features(model_inputs& inputs, const stability_filter& filter) {
  if (!std::isfinite(filter.icc_min)) throw input_error("--icc-min: expected a finite ICC threshold such as 0.9");
  const store_contents contents = read_store(filter.store);
  const std::size_t column = icc_model_column(contents.header, filter.model, filter.store);
  const store_icc_table& table = *contents.header.icc;
  std::map<std::string, double> icc_of;
  for (std::size_t f = 0; f < contents.header.feature_names.size(); ++f) {
    icc_of[contents.header.feature_names[f]] = table.icc[f * table.models.size() + column];
  }
  std::vector<std::string> kept;
  std::size_t absent = 0, without_icc = 0, below = 0;
  for (const std::string& name : inputs.table.feature_names) {
    auto found = icc_of.find(name);
    const std::size_t separator = name.find('_');
    if (found == icc_of.end() && separator != std::string::npos) found = icc_of.find(name.substr(separator + 1));
    if (found == icc_of.end()) {
      ++absent;
    } else if (std::isnan(found->second)) {
      ++without_icc;
    } else if (found->second < filter.icc_min) {
      ++below;
    } else {
      kept.push_back(name);
    }
  }
  std::cout << "stability " << filter.store << " ICC(" << table.models[column] << ") >= " << format_double(filter.icc_min)
            << ": kept " << kept.size() << " dropped " << below << " below, " << without_icc << " without ICC, "
            << absent << " not in the store\n";
  if (kept.empty()) {
    throw input_error(filter.store + ": no feature of the table has ICC(" +
                      table.models[column] + ") >= " + format_double(filter.icc_min) +
                      "; lower --icc-min or check that the stability study used the same settings");
  }
  inputs.table = ml::select_features(inputs.table, kept);
}

}  // namespace

subcommand add_select_command(CLI::App& parent) {
  auto options = std::make_shared<model_options>();
  auto folder = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "select", "Select features by LASSO with a cross-validated lambda; write the model, its formula and plots");
  add_model_options(*app, *options);
  app->add_option("-o,--out", *folder, "Model folder to write (created if missing)")->required();
  auto stability = std::make_shared<stability_filter>();
  app->add_option("--stability", stability->store,
                  "Stability store of 'radcore stability': keep only features with ICC >= --icc-min before LASSO")
      ->check(CLI::ExistingFile);
  app->add_option("--icc-min", stability->icc_min, "With --stability: smallest ICC a feature may have (default 0.9)");
  app->add_option("--stability-icc", stability->model, "With --stability: ICC form 1,1 (default), 2,1 or 3,1");

  return {app, [options, folder, stability] {
            model_inputs inputs = load_model_inputs(*options);
            if (!stability->store.empty()) keep_stable_features(inputs, *stability);
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
