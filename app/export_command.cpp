// `radcore export`: a feature store as PyRadiomics' batch CSV.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "io/csv.hpp"
#include "io/feature_store.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {
namespace {

struct export_options {
  std::string store;
  std::string output;
};

// Writes the done rows: the manifest's columns without Label, then the ROI's Label, the perturbation
// columns of a stability store, then the features.
void write_rows(const store_contents& contents, std::ostream& output) {
  const std::vector<std::string>& columns = contents.header.metadata_columns;
  std::vector<std::string> header;
  for (const std::string& column : columns) {
    if (column != "Label") header.push_back(column);
  }
  header.push_back("Label");
  // A stability store has several rows per ROI: which repeat, under which perturbations and parameters.
  const bool stability = !contents.header.stability_text.empty();
  if (stability) header.insert(header.end(), {"Repeat", "Perturbation", "PerturbationParameters"});
  header.insert(header.end(), contents.header.feature_names.begin(), contents.header.feature_names.end());

  csv_writer writer(output);
  writer.write_row(header);
  std::vector<std::string> fields;
  for (const store_row& row : contents.rows) {
    if (row.status != row_status::done) continue;
    fields.clear();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] != "Label") fields.push_back(row.metadata[c]);
    }
    fields.push_back(std::to_string(row.label));
    if (stability) fields.insert(fields.end(), {std::to_string(row.repeat), row.perturbation, row.perturbation_parameters});
    for (const double value : row.features) fields.push_back(format_double(value));
    writer.write_row(fields);
  }
}

void run_export(const export_options& options) {
  reject_output_over_input(options.output, {options.store});
  const store_contents contents = read_store(options.store);
  std::int64_t failed = 0;
  for (const store_row& row : contents.rows) failed += row.status == row_status::failed;

  if (options.output.empty()) {
    write_rows(contents, std::cout);
    std::cout << std::flush;
  } else {
    // Streamed into a temporary file and renamed, so that a failed export leaves no partial CSV.
    const std::string temporary = options.output + ".partial";
    {
      std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
      if (!output) throw input_error(options.output + ": could not open " + temporary + " for writing");
      write_rows(contents, output);
      output.flush();
      if (!output) {
        std::remove(temporary.c_str());
        throw input_error(options.output + ": could not write " + temporary + " (disk full?)");
      }
    }
    if (std::rename(temporary.c_str(), options.output.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      std::remove(temporary.c_str());
      throw input_error(options.output + ": could not move " + temporary + " into place (" + reason + ")");
    }
  }
  const std::int64_t done = static_cast<std::int64_t>(contents.rows.size()) - failed;
  std::cerr << "radcore: exported " << done << " ROIs";
  if (failed > 0) std::cerr << "; " << failed << " failed ROIs left out ('radcore info --failures' lists them)";
  std::cerr << '\n';
}

}  // namespace

subcommand add_export_command(CLI::App& parent) {
  auto options = std::make_shared<export_options>();
  CLI::App* app = parent.add_subcommand(
      "export", "Write the ROIs of a feature store as PyRadiomics' batch CSV (manifest columns, Label, features)");
  app->add_option("store", options->store, "Feature store (HDF5) written by 'radcore extract --cohort'")->required();
  app->add_option("-o,--out", options->output,
                  "Output CSV file, written whole or not at all; without it the CSV goes to standard output");
  return {app, [options] { run_export(*options); }};
}

}  // namespace radcore::cli
