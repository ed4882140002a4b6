#include "host/ml/model_io.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::binary);
  output << text;
  if (!output) throw input_error("model: cannot write " + path.string());
}

double read_double(const std::string& text, const std::string& source) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw input_error(source + ": '" + text + "' is not a number");
}

}  // namespace

std::string model_formula(const linear_model& model) {
  std::ostringstream text;
  text.precision(17);
  text << (model.link == family::binomial ? "log-odds(" + model.positive_class + ") = " : "prediction = ")
       << model.intercept;
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    const double beta = model.coefficients[Eigen::Index(j)];
    text << (beta < 0 ? " - " : " + ") << std::abs(beta) << " * z(" << model.features[j] << ")";
  }
  text << "\nwhere z(x) = (x - mean) / sd with the training mean and population SD:\n";
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    text << "  " << model.features[j] << ": mean " << model.mean[Eigen::Index(j)] << ", sd "
         << model.scale[Eigen::Index(j)] << "\n";
  }
  return text.str();
}

void write_model_folder(const std::string& folder, const linear_model& model, const std::string& outcome,
                        const std::string& id_column, const std::string& join_by) {
  const std::filesystem::path dir(folder);
  std::filesystem::create_directories(dir);

  std::ostringstream coefficients;
  csv_writer writer(coefficients);
  writer.write_row({"term", "coefficient", "mean", "scale"});
  writer.write_row({"(intercept)", format_double(model.intercept), "", ""});
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    const Eigen::Index k = Eigen::Index(j);
    writer.write_row({model.features[j], format_double(model.coefficients[k]), format_double(model.mean[k]),
                      format_double(model.scale[k])});
  }
  write_text(dir / "model.csv", coefficients.str());

  const std::vector<std::pair<std::string, std::string>> info{
      {"method", model.method},
      {"family", model.link == family::binomial ? "binomial" : "gaussian"},
      {"alpha", format_double(model.alpha)},
      {"threshold", format_double(model.threshold)},
      {"positive_class", model.positive_class},
      {"negative_class", model.negative_class},
      {"outcome", outcome},
      {"id_column", id_column},
      {"join_by", join_by}};
  std::ostringstream info_text;
  csv_writer info_writer(info_text);
  info_writer.write_row({"key", "value"});
  for (const auto& [key, value] : info) info_writer.write_row({key, value});
  write_text(dir / "model_info.csv", info_text.str());

  std::ostringstream json;
  json << "{\n";
  for (const auto& [key, value] : info) json << "  " << json_string(key) << ": " << json_string(value) << ",\n";
  json << "  \"intercept\": " << format_double(model.intercept) << ",\n  \"features\": [";
  for (std::size_t j = 0; j < model.features.size(); ++j) {
    const Eigen::Index k = Eigen::Index(j);
    json << (j ? ",\n" : "\n") << "    {\"name\": " << json_string(model.features[j])
         << ", \"coefficient\": " << format_double(model.coefficients[k]) << ", \"mean\": "
         << format_double(model.mean[k]) << ", \"scale\": " << format_double(model.scale[k]) << "}";
  }
  json << "\n  ],\n  \"formula\": " << json_string("intercept + sum(coefficient * (x - mean) / scale)") << "\n}\n";
  write_text(dir / "model.json", json.str());
  write_text(dir / "formula.txt", model_formula(model));
}

stored_model read_model_folder(const std::string& folder) {
  const std::filesystem::path dir(folder);
  for (const char* name : {"model.csv", "model_info.csv"}) {
    if (!std::filesystem::exists(dir / name)) {
      throw input_error("model: " + (dir / name).string() + " not found; is '" + folder +
                        "' a folder written by radcore select or train?");
    }
  }
  stored_model stored;
  std::map<std::string, std::string> info;
  for (const auto& row : read_csv_file((dir / "model_info.csv").string()).rows) info[row[0]] = row[1];
  linear_model& model = stored.model;
  model.method = info["method"];
  model.link = info["family"] == "gaussian" ? family::gaussian : family::binomial;
  model.alpha = info["alpha"].empty() ? 0.0 : read_double(info["alpha"], "model_info.csv");
  model.threshold = info["threshold"].empty() ? 0.5 : read_double(info["threshold"], "model_info.csv");
  model.positive_class = info["positive_class"];
  model.negative_class = info["negative_class"];
  stored.outcome = info["outcome"];
  stored.id_column = info["id_column"];
  stored.join_by = info["join_by"];

  const csv_table terms = read_csv_file((dir / "model.csv").string());
  std::vector<double> coefficients, means, scales;
  for (const auto& row : terms.rows) {
    const std::string source = (dir / "model.csv").string();
    if (row[0] == "(intercept)") {
      model.intercept = read_double(row[1], source);
      continue;
    }
    model.features.push_back(row[0]);
    coefficients.push_back(read_double(row[1], source));
    means.push_back(read_double(row[2], source));
    scales.push_back(read_double(row[3], source));
  }
  model.coefficients = Eigen::Map<Eigen::VectorXd>(coefficients.data(), Eigen::Index(coefficients.size()));
  model.mean = Eigen::Map<Eigen::VectorXd>(means.data(), Eigen::Index(means.size()));
  model.scale = Eigen::Map<Eigen::VectorXd>(scales.data(), Eigen::Index(scales.size()));
  return stored;
}

}  // namespace radcore::ml
