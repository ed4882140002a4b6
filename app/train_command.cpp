#include <iostream>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/ml_inputs.hpp"
#include "host/ml/metrics.hpp"
#include "host/ml/model_io.hpp"
#include "host/ml/prediction_scoring.hpp"
#include "host/ml/report.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {

subcommand add_train_command(CLI::App& parent) {
  auto options = std::make_shared<model_options>();
  auto folder = std::make_shared<std::string>();
  auto selected = std::make_shared<std::string>();
  auto classifier = std::make_shared<std::string>("logistic");
  CLI::App* app = parent.add_subcommand(
      "train", "Fit a classifier on LASSO-selected features (selected here, or read from --selected)");
  add_model_options(*app, *options);
  app->add_option("--classifier", *classifier, "Classifier: logistic (unpenalised logistic regression)")
      ->check(CLI::IsMember({"logistic"}));
  app->add_option("--selected", *selected, "Model folder from radcore select whose features to use");
  app->add_option("-o,--out", *folder, "Model folder to write (created if missing)")->required();

  return {app, [options, folder, selected] {
            const model_inputs inputs = load_model_inputs(*options);
            std::vector<std::string> names;
            if (!selected->empty()) {
              names = ml::read_model_folder(*selected).model.features;
            } else {
              const ml::selection_settings settings = selection_settings_from(*options, inputs);
              names = ml::select_by_lasso(inputs.table.values, inputs.table.feature_names, inputs.outcome, settings)
                          .model.features;
            }
            if (names.empty()) {
              throw input_error("train: LASSO selected no feature, so there is nothing to fit; try --rule min, "
                                "more cases, or other features");
            }
            const ml::linear_model model =
                ml::fit_logistic_model(inputs.table.values, inputs.table.feature_names, names, inputs.outcome);
            ml::write_model_folder(*folder, model, inputs.outcome_name, inputs.table.id_column, options->by);

            const Eigen::VectorXd scores = model.score(ml::columns_by_name(inputs.table.values,
                                                                            inputs.table.feature_names, names));
            std::vector<double> score_list(scores.data(), scores.data() + scores.size());
            std::vector<bool> positive;
            for (Eigen::Index i = 0; i < inputs.outcome.y.size(); ++i) positive.push_back(inputs.outcome.y[i] == 1.0);
            const ml::auc_estimate auc = ml::roc_auc_delong(score_list, positive);
            std::cout << "features " << names.size() << "\n";
            std::cout << "training (apparent, optimistic) " << ml::format_auc(auc) << "\n";
            std::cout << ml::model_formula(model);
            ml::write_roc_report(*folder, ml::roc_curve(score_list, positive), auc,
                                 "Training ROC (apparent performance)",
                                 "Logistic regression on " + std::to_string(names.size()) +
                                     " features; AUC on the training data overstates performance on new cases.\n\n"
                                     "- " + ml::format_auc(auc) + "\n");
            std::cerr << "radcore: wrote the model into " << *folder << "\n";
          }};
}

}  // namespace radcore::cli
