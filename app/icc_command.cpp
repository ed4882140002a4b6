#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "host/icc.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {
namespace {

bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// Reads a table of subjects (rows) by repeated measurements (columns) with a header row. A first column
// that is not numeric in every row is taken as the subject id and skipped.
std::vector<std::vector<double>> read_icc_table(const std::string& path) {
  const csv_table csv = read_csv_file(path);
  if (csv.rows.empty()) throw input_error(path + ": the table has no rows below its header");
  bool first_is_id = false;
  for (const auto& row : csv.rows) {
    double ignored = 0;
    if (!row.empty() && !parse_number(row[0], ignored)) first_is_id = true;
  }
  std::vector<std::vector<double>> table;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    std::vector<double> values;
    for (std::size_t c = first_is_id ? 1 : 0; c < csv.rows[r].size(); ++c) {
      double value = 0;
      if (!parse_number(csv.rows[r][c], value)) {
        throw input_error(path + ": row " + std::to_string(r + 2) + ", column '" + csv.header[c] + "' contains '" +
                          csv.rows[r][c] + "', not a number");
      }
      values.push_back(value);
    }
    table.push_back(std::move(values));
  }
  return table;
}

}  // namespace

subcommand add_icc_command(CLI::App& parent) {
  struct options_t {
    std::string table;
    std::string model = "1,1";
    bool average = false;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* app = parent.add_subcommand(
      "icc", "Intraclass correlation of a table (rows = subjects, columns = repeated measurements)");
  app->add_option("table", options->table, "CSV file with a header row; a non-numeric first column is the subject id")
      ->required();
  app->add_option("--model", options->model, "Shrout and Fleiss form: 1,1 (one-way), 2,1 (absolute agreement) or 3,1 (consistency)");
  app->add_flag("--average", options->average, "Report the ICC of the mean of the k measurements, (m,k)");

  return {app, [options] {
            const icc_result result = intraclass_correlation(read_icc_table(options->table),
                                                             parse_icc_model(options->model), options->average);
            std::printf("ICC %.10f CI %.10f %.10f\n", result.icc, result.ci_low, result.ci_high);
            std::printf("subjects %d repeats %d\n", result.subjects, result.repeats);
          }};
}

}  // namespace radcore::cli
