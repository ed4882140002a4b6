#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "host/cohort.hpp"
#include "host/cohort_mpi.hpp"
#include "host/extract.hpp"
#include "host/feature_engine.hpp"
#include "host/version.hpp"
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

  // Cohort mode
  std::string manifest;
  std::string labels;
  int jobs = 1;
  bool resume = false;
  bool force = false;
  std::string device = "auto";
};

constexpr int exit_some_rois_failed = 2;

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

extraction_parameters read_parameters(const extract_options& options) {
  extraction_parameters parameters =
      options.parameter_file.empty() ? default_parameters() : load_parameters_file(options.parameter_file);
  for (const std::string& name_value : options.setting_overrides) apply_setting_override(parameters, name_value);
  return parameters;
}

void run_extract(const extract_options& options) {
  const extraction_parameters parameters = read_parameters(options);

  require_file(options.image, "image");
  require_file(options.mask, "mask");
  reject_output_over_input(options.output, {options.image, options.mask, options.parameter_file});
  std::unique_ptr<feature_engine> engine = make_engine(options.device);
  const feature_row row = extract_case(options.image, options.mask, parameters, options.label, engine.get());
  const std::string csv = feature_csv(row);

  if (options.output.empty()) {
    std::cout << csv << std::flush;
  } else {
    write_file_atomically(options.output, csv);
  }
  // Printed once the CSV is written, so that a failure stays a one-line error.
  if (options.device == "auto") std::cerr << "radcore: " << describe_device_choice(options.device) << "\n";
  const engine_counts counts = engine->counts();
  if (counts.fallback_images + counts.fallback_wavelet_boxes > 0) {
    std::cerr << "radcore: warning: " << counts.fallback_images + counts.fallback_wavelet_boxes
              << " ROI image(s) or wavelet box(es) failed on the GPU and were computed on the CPU instead\n";
  }
}

// Checks the --device request before the run starts (input_error for cuda without a usable device), and
// prints where an auto run extracts.
void check_device(const std::string& device) {
  make_engine(device);
  // Under an MPI launch only the first process prints this, not every rank.
  if (device == "auto" && detect_mpi_launch().rank == 0) std::cerr << "radcore: " << describe_device_choice(device) << "\n";
}

int run_cohort_extract(const extract_options& options) {
  if (options.output.empty()) throw input_error("--cohort needs -o FEATURES.h5, the feature store to write");
  const std::string& out = options.output;
  if (out.size() >= 4 && out.compare(out.size() - 4, 4, ".csv") == 0) {
    throw input_error(out + ": with --cohort the output is an HDF5 feature store, not a CSV; name it .h5 and "
                      "write the CSV with radcore export");
  }
  check_device(options.device);
  cohort_options cohort;
  cohort.manifest_path = options.manifest;
  cohort.store_path = options.output;
  cohort.parameters = read_parameters(options);
  if (!options.labels.empty()) cohort.labels = parse_label_request(options.labels);
  cohort.jobs = options.jobs;
  cohort.resume = options.resume;
  cohort.force = options.force;
  cohort.device = options.device;
  cohort.progress = ::isatty(STDERR_FILENO) ? progress_style::bar : progress_style::lines;
  // Under mpirun or srun with several processes the run is spread over them (host/mpi/).
  if (const std::optional<int> status = run_cohort_if_distributed(cohort, std::cerr)) return *status;
  const cohort_summary summary = run_cohort(cohort, std::cerr);
  return summary.failed > 0 ? exit_some_rois_failed : 0;
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
  CLI::App* app = parent.add_subcommand(
      "extract",
      "Extract PyRadiomics features of one image and mask into CSV, or of a cohort (--cohort) into an HDF5 store");
  CLI::Option* image =
      app->add_option("image", options->image, "Image file (NIfTI, NRRD, MHA or another single-file format ITK reads)");
  CLI::Option* mask = app->add_option("mask", options->mask, "Label map of the ROI, on the image's geometry");
  app->add_option("-p,--param", options->parameter_file,
                  "PyRadiomics parameter file (YAML or JSON); without it PyRadiomics' defaults apply");
  app->add_option("-s,--setting", options->setting_overrides,
                  "Set one `setting:` entry as NAME:VALUE, with VALUE in YAML (binWidth:10, "
                  "resampledPixelSpacing:[2,2,2]); repeatable, applied after the parameter file")
      ->allow_extra_args(false)
      ->take_all();
  CLI::Option* label =
      app->add_option("-l,--label", options->label, "Label value of the ROI in the mask (default: the label setting)")
          ->check(label_validator());
  app->add_option("-o,--out", options->output,
                  "Output CSV file, written whole or not at all; without it the CSV goes to standard output. "
                  "With --cohort: the HDF5 feature store");

  CLI::Option* cohort = app->add_option(
      "--cohort", options->manifest,
      "Manifest CSV (PyRadiomics' batch layout: Image, Mask, optional Label and Label_channel, other columns kept "
      "as row metadata); extracts every ROI into the HDF5 store given by -o");
  cohort->excludes(image)->excludes(mask)->excludes(label);
  app->add_option("--labels", options->labels,
                  "With --cohort: 'all' (every non-zero label of each mask) or labels such as 2,3,4, each its own ROI; "
                  "default: the manifest's Label column, else the label setting")
      ->needs(cohort);
  app->add_option("-j,--jobs", options->jobs, "With --cohort: worker threads extracting ROIs at the same time")
      ->check(CLI::Validator(
          [](std::string& value) {
            return std::strtol(value.c_str(), nullptr, 10) >= 1 ? std::string()
                                                                : "expected 1 or more worker threads, got " + value;
          },
          "N >= 1"))
      ->needs(cohort);
  CLI::Option* resume =
      app->add_flag("--resume", options->resume,
                    "With --cohort: continue an existing store written with the same settings and manifest")
          ->needs(cohort);
  app->add_flag("--force", options->force, "With --cohort: replace an existing store")->needs(cohort)->excludes(resume);
  app->add_option("--device", options->device,
                  "Backend for the wavelet and the per-image-type classes: cpu, cuda, or auto (default: the GPU when "
                  "one is usable, else the CPU); shape always runs on the CPU")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));

  // Parse-time check, so that a missing IMAGE or MASK is a usage error like other command-line mistakes.
  app->callback([options] {
    if (options->manifest.empty() && (options->image.empty() || options->mask.empty())) {
      throw CLI::ValidationError("extract", "expected IMAGE and MASK, or --cohort MANIFEST.csv");
    }
  });
  subcommand command{app, [options] { run_extract(*options); }};
  command.run_with_status = [options] {
    if (options->manifest.empty()) {
      run_extract(*options);
      return 0;
    }
    return run_cohort_extract(*options);
  };
  return command;
}

}  // namespace radcore::cli
