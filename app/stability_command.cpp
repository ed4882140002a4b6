// `radcore stability`: perturbed extractions of a cohort and their ICC, and `radcore stability export`.
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "host/stability.hpp"
#include "host/stability_report.hpp"
#include "host/version.hpp"
#include "io/csv.hpp"
#include "io/feature_store.hpp"
#include "kernels/error.hpp"

namespace radcore::cli {
namespace {

// Exit status of a run that wrote its ICC table while some extractions failed, as for a cohort run.
constexpr int exit_some_extractions_failed = 2;

struct stability_cli_options {
  std::string manifest;
  std::string parameter_file;
  std::vector<std::string> setting_overrides;
  std::string labels;
  std::string perturb;
  int repeats = 0;
  std::uint64_t seed = 1;
  std::string device = "auto";
  std::string output;
  int jobs = 1;
  bool force = false;
  std::optional<double> noise_sigma;
  std::vector<double> rotation = {-15, 15};
  double translation = 0.5;
  std::vector<double> volume = {-0.1, 0.1};
  double contour_probability = 0.05;
};

struct export_cli_options {
  std::string store;
  std::string output;
  std::string model = "1,1";
  std::string report;
  double threshold = 0.9;
};

void check_device(const std::string& device) {
  if (device == "cuda") {
    // NOTE: a stability study extracts each perturbed copy with the CPU engine; it does not batch them for
    // the GPU yet.
    throw input_error("--device cuda: stability studies run on the CPU backend only; use --device cpu or auto");
  }
  if (device == "auto") std::cerr << "radcore: the stability study runs on the CPU\n";
}

int run_study(const stability_cli_options& cli) {
  if (cli.manifest.empty()) throw input_error("stability needs --cohort MANIFEST.csv, the cases to perturb");
  if (cli.output.empty()) throw input_error("stability needs -o STABILITY.h5, the store to write");
  if (cli.perturb.empty()) {
    throw input_error("stability needs --perturb, such as noise,rotation,volume (any of noise, rotation, "
                      "translation, volume, contour)");
  }
  check_device(cli.device);
  stability_options options;
  options.manifest_path = cli.manifest;
  options.store_path = cli.output;
  options.parameters = cli.parameter_file.empty() ? default_parameters() : load_parameters_file(cli.parameter_file);
  for (const std::string& name_value : cli.setting_overrides) apply_setting_override(options.parameters, name_value);
  if (!cli.labels.empty()) options.labels = parse_label_request(cli.labels);
  options.perturbation.chain = parse_perturbation_chain(cli.perturb);
  options.perturbation.seed = cli.seed;
  options.perturbation.noise_sigma = cli.noise_sigma;
  options.perturbation.rotation_min_degrees = cli.rotation[0];
  options.perturbation.rotation_max_degrees = cli.rotation[1];
  options.perturbation.translation_max_voxels = cli.translation;
  options.perturbation.volume_min_fraction = cli.volume[0];
  options.perturbation.volume_max_fraction = cli.volume[1];
  options.perturbation.contour_probability = cli.contour_probability;
  options.repeats = cli.repeats;
  options.jobs = cli.jobs;
  options.force = cli.force;
  options.device = cli.device;
  const stability_summary summary = run_stability(options, std::cerr);
  return summary.extractions_failed > 0 ? exit_some_extractions_failed : 0;
}

void write_icc_csv(const store_contents& contents, std::size_t column, std::ostream& output) {
  const store_header& header = contents.header;
  const store_icc_table& table = *header.icc;
  const std::size_t models = table.models.size();
  csv_writer writer(output);
  writer.write_row({"feature", "icc", "ci_low", "ci_high", "n_subjects", "n_repeats"});
  for (std::size_t f = 0; f < header.feature_names.size(); ++f) {
    const std::size_t at = f * models + column;
    writer.write_row({header.feature_names[f], format_double(table.icc[at]), format_double(table.ci_low[at]),
                      format_double(table.ci_high[at]), std::to_string(table.subjects[f]),
                      std::to_string(table.repeats[f])});
  }
}

void run_export(const export_cli_options& options) {
  const store_contents contents = read_store(options.store);
  const std::size_t column = icc_model_column(contents.header, options.model, options.store);
  const store_icc_table& table = *contents.header.icc;
  std::vector<double> icc;
  int nan_count = 0;
  for (std::size_t f = 0; f < contents.header.feature_names.size(); ++f) {
    icc.push_back(table.icc[f * table.models.size() + column]);
    nan_count += std::isnan(icc.back());
  }

  const std::string temporary = options.output + ".partial";
  {
    std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
    if (!output) throw input_error(options.output + ": could not open " + temporary + " for writing");
    write_icc_csv(contents, column, output);
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
  std::cerr << "radcore: wrote ICC(" << table.models[column] << ") of " << icc.size() << " features to "
            << options.output;
  if (nan_count > 0) {
    std::cerr << "; " << nan_count << " of them are 'nan' (constant over every ROI and repeat, or non-finite in "
              << "some extraction)";
  }
  std::cerr << '\n';
  if (options.report.empty()) return;
  const bool drawn = write_stability_report(options.report, contents.header, icc, table.models[column], options.threshold);
  std::cerr << "radcore: wrote the stability report into " << options.report
            << (drawn ? "" : " (plot not drawn: gnuplot not found or failed)") << '\n';
}

}  // namespace

subcommand add_stability_command(CLI::App& parent) {
  auto cli = std::make_shared<stability_cli_options>();
  auto export_options = std::make_shared<export_cli_options>();
  CLI::App* app = parent.add_subcommand(
      "stability", "Extract every ROI under seeded perturbations and score each feature's stability by ICC");
  app->require_subcommand(0, 1);
  app->add_option("--cohort", cli->manifest, "Manifest CSV (Image, Mask[, Label], ...), as for extract --cohort");
  app->add_option("-p,--param", cli->parameter_file, "PyRadiomics parameter file; without it PyRadiomics' defaults apply");
  app->add_option("-s,--setting", cli->setting_overrides, "Set one `setting:` entry as NAME:VALUE (YAML value); repeatable")
      ->allow_extra_args(false)
      ->take_all();
  app->add_option("--labels", cli->labels, "'all' or labels such as 2,3,4, each its own ROI (default: the Label column)");
  app->add_option("--perturb", cli->perturb,
                  "Perturbations, comma-separated: noise, rotation, translation, volume, contour (applied in that order)");
  app->add_option("--repeats", cli->repeats, "Perturbed extractions per ROI (2 or more)");
  app->add_option("--seed", cli->seed, "Seed of the perturbation draws (default 1)");
  app->add_option("--device", cli->device, "Backend: auto or cpu (default auto, which runs on the CPU)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app->add_option("-o,--out", cli->output, "Stability store (HDF5) to write");
  app->add_option("-j,--jobs", cli->jobs, "Threads extracting the repeats of one ROI at the same time (default 1)");
  app->add_flag("--force", cli->force, "Replace an existing store");
  app->add_option("--noise-sigma", cli->noise_sigma,
                  "Standard deviation of the added noise in image units (default: estimated per case)");
  app->add_option("--rotation", cli->rotation, "Range of rotation angles in degrees, MIN,MAX (default -15,15)")
      ->delimiter(',')
      ->expected(2);
  app->add_option("--translation", cli->translation, "Largest shift per axis in voxels, in [0, 1] (default 0.5)");
  app->add_option("--volume", cli->volume,
                  "Range of relative volume changes, MIN,MAX (default -0.1,0.1: shrink or grow by up to 10 %)")
      ->delimiter(',')
      ->expected(2);
  app->add_option("--contour-probability", cli->contour_probability,
                  "Chance that a boundary voxel's 3x3x3 patch is added or removed (default 0.05)");

  CLI::App* export_app = app->add_subcommand("export", "Write a stability store's ICC table as CSV, optionally a report");
  export_app->add_option("store", export_options->store, "Stability store written by 'radcore stability'")->required();
  export_app->add_option("-o,--out", export_options->output, "CSV to write: feature,icc,ci_low,ci_high,n_subjects,n_repeats")
      ->required();
  export_app->add_option("--icc", export_options->model, "ICC form: 1,1 (default), 2,1 or 3,1");
  export_app->add_option("--report", export_options->report,
                         "Folder for report.md, per-class and per-image-type tables and the plot icc_by_class.png");
  export_app->add_option("--threshold", export_options->threshold, "ICC threshold of the report's counts (default 0.9)");

  return {app, nullptr, [cli, export_options, export_app] {
            if (export_app->parsed()) {
              reject_output_over_input(export_options->output, {export_options->store});
              run_export(*export_options);
              return 0;
            }
            return run_study(*cli);
          }};
}

}  // namespace radcore::cli
