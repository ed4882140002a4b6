#include <iostream>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "host/synth.hpp"

namespace radcore::cli {

subcommand add_synth_command(CLI::App& parent) {
  auto folder = std::make_shared<std::string>();
  auto options = std::make_shared<synth_options>();
  CLI::App* app = parent.add_subcommand(
      "synth", "Write a generated cohort: images with four ROIs (labels 2-5), manifest.csv and outcome.csv");
  app->add_option("-o,--out", *folder, "Folder to write the cohort into (created if missing)")->required();
  app->add_option("--patients", options->patients, "Number of patients (default 40); half are severe");
  app->add_option("--seed", options->seed, "Seed; the same seed gives the same files");
  app->add_option("--size", options->size, "Voxels along each axis of every image (default 40)");
  return {app, [folder, options] {
            write_synthetic_cohort(*options, *folder);
            std::cerr << "radcore: wrote " << options->patients << " patients to " << *folder
                      << " (manifest.csv, outcome.csv, images/)\n";
          }};
}

}  // namespace radcore::cli
