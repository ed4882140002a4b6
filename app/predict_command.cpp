#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "host/ml/feature_table.hpp"
#include "host/ml/model_io.hpp"
#include "io/csv.hpp"

namespace radcore::cli {

subcommand add_predict_command(CLI::App& parent) {
  auto folder = std::make_shared<std::string>();
  auto features = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand("predict", "Score a features table with a model from select or train");
  app->add_option("model", *folder, "Model folder written by radcore select or train")->required();
  app->add_option("features", *features, "Features: an HDF5 store from extract --cohort, or a CSV in PyRadiomics batch layout")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("-o,--out", *output, "Predictions CSV to write")->required();

  return {app, [folder, features, output] {
            const ml::stored_model stored = ml::read_model_folder(*folder);
            ml::table_read_options read;
            read.number_rows = !stored.join_by.empty();
            if (!stored.join_by.empty()) read.metadata_columns = {stored.join_by, "Label"};
            if (stored.join_by.empty() && stored.id_column != "row") read.id_column = stored.id_column;
            ml::feature_table table = ml::read_feature_table(*features, read);
            if (!stored.join_by.empty()) table = ml::join_rows_by(table, stored.join_by, "Label");
            table = ml::select_features(table, stored.model.features);
            ml::require_finite(table);

            const Eigen::VectorXd scores = stored.model.score(table.values);
            const bool binomial = stored.model.link == ml::family::binomial;
            const Eigen::VectorXd probability = binomial ? ml::logistic_of(scores) : scores;
            std::ostringstream text;
            csv_writer writer(text);
            if (binomial) {
              writer.write_row({table.id_column, "score", "probability_" + stored.model.positive_class, "predicted"});
            } else {
              writer.write_row({table.id_column, "prediction"});
            }
            for (std::size_t i = 0; i < table.rows(); ++i) {
              const Eigen::Index k = Eigen::Index(i);
              if (binomial) {
                const bool positive = probability[k] >= stored.model.threshold;
                writer.write_row({table.ids[i], format_double(scores[k]), format_double(probability[k]),
                                  positive ? stored.model.positive_class : stored.model.negative_class});
              } else {
                writer.write_row({table.ids[i], format_double(scores[k])});
              }
            }
            write_file_atomically(*output, text.str());
            std::cerr << "radcore: wrote " << table.rows() << " predictions to " << *output << "\n";
          }};
}

}  // namespace radcore::cli
