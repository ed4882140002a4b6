#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "host/extract.hpp"
#include "host/settings.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {
namespace {

struct extract_options {
  std::string image;
  std::string mask;
  std::string parameter_file;
  std::vector<std::string> setting_overrides;
  int label = 0;
  std::string output;
};

void require_file(const std::string& path, const std::string& role) {
  if (!std::filesystem::exists(path)) throw input_error(path + ": " + role + " file not found");
}

// Returns the CSV text: one header record, then the ROI's record.
std::string feature_csv(const feature_row& row) {
  std::vector<std::string> header = row.diagnostic_keys;
  header.insert(header.end(), row.feature_keys.begin(), row.feature_keys.end());
  std::vector<std::string> values = row.diagnostic_values;
  for (const double value : row.feature_values) values.push_back(format_double(value));

  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row(header);
  writer.write_row(values);
  return text.str();
}

void run_extract(const extract_options& options) {
  extraction_parameters parameters =
      options.parameter_file.empty() ? default_parameters() : load_parameters_file(options.parameter_file);
  for (const std::string& name_value : options.setting_overrides) apply_setting_override(parameters, name_value);

  require_file(options.image, "image");
  require_file(options.mask, "mask");
  const feature_row row = extract_case(options.image, options.mask, parameters, options.label);
  const std::string csv = feature_csv(row);

  if (options.output.empty()) {
    std::cout << csv << std::flush;
  } else {
    write_file_atomically(options.output, csv);
  }
}

// Accepts a label value of 1 or more that fits an int; CLI11's own range checks print the range as doubles.
CLI::Validator label_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 9 &&
                            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoi(text) < 1) return "expected a label value >= 1, got '" + text + "'";
        return "";
      },
      "", "label");
}

}  // namespace

subcommand add_extract_command(CLI::App& parent) {
  auto options = std::make_shared<extract_options>();
  CLI::App* app = parent.add_subcommand("extract", "Extract PyRadiomics features of one image and mask into CSV");
  app->add_option("image", options->image, "Image file (NIfTI, NRRD, MHA or another single-file format ITK reads)")->required();
  app->add_option("mask", options->mask, "Label map of the ROI, on the image's geometry")->required();
  app->add_option("-p,--param", options->parameter_file,
                  "PyRadiomics parameter file (YAML or JSON); without it PyRadiomics' defaults apply");
  app->add_option("-s,--setting", options->setting_overrides,
                  "Set one `setting:` entry as NAME:VALUE, with VALUE in YAML (binWidth:10, "
                  "resampledPixelSpacing:[2,2,2]); repeatable, applied after the parameter file")
      ->allow_extra_args(false)
      ->take_all();
  app->add_option("-l,--label", options->label, "Label value of the ROI in the mask (default: the label setting)")
      ->check(label_validator());
  app->add_option("-o,--out", options->output,
                  "Output CSV file, written whole or not at all; without it the CSV goes to standard output");
  return {app, [options] { run_extract(*options); }};
}

}  // namespace radcore::cli
