// `radcore`: the command line. Exit status 0 on success and 1 when an input cannot be used (the message names
// it and the reason). `extract --cohort` exits 2 when some ROIs failed while the run itself completed, and a
// command line that cannot be parsed exits 64.
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "host/cohort_mpi.hpp"
#include "host/version.hpp"
#include "kernels/error.hpp"

namespace {

constexpr int exit_failure = 1;
// EX_USAGE of sysexits.h; 2 is taken by a cohort run in which some ROIs failed.
constexpr int exit_usage = 64;

void print_version() {
  std::cout << "radcore " << radcore::version() << "\n";
  std::cout << "git revision: " << radcore::git_revision() << "\n";
  std::cout << "backends:";
  for (const std::string& backend : radcore::built_backends()) std::cout << ' ' << backend;
  std::cout << "\n";
  std::cout << "mpi: " << radcore::mpi_build_description() << "\n";
}

// Returns the help command for the subcommand given on the command line, or for radcore itself.
std::string help_command(const CLI::App& app) {
  const std::vector<const CLI::App*> given = app.get_subcommands([](const CLI::App* sub) { return sub->parsed(); });
  return given.empty() ? "radcore --help" : "radcore " + given.front()->get_name() + " --help";
}

// Prints the error as one line; line breaks inside a library's message become spaces.
int report_error(std::string message, int status) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "radcore: error: " << message << '\n';
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("radcore: radiomics features with PyRadiomics 3.1.0's definitions", "radcore");
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version, the git revision, the built backends and the MPI library");
  app.require_subcommand(0, 1);

  std::vector<radcore::cli::subcommand> subcommands;
  subcommands.push_back(radcore::cli::add_extract_command(app));
  subcommands.push_back(radcore::cli::add_phantom_command(app));
  subcommands.push_back(radcore::cli::add_filter_command(app));
  subcommands.push_back(radcore::cli::add_export_command(app));
  subcommands.push_back(radcore::cli::add_info_command(app));
  subcommands.push_back(radcore::cli::add_evaluate_command(app));
  subcommands.push_back(radcore::cli::add_select_command(app));
  subcommands.push_back(radcore::cli::add_train_command(app));
  subcommands.push_back(radcore::cli::add_predict_command(app));
  subcommands.push_back(radcore::cli::add_icc_command(app));
  subcommands.push_back(radcore::cli::add_stability_command(app));
  subcommands.push_back(radcore::cli::add_bench_command(app));
  subcommands.push_back(radcore::cli::add_synth_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    return report_error(std::string(error.what()) + " (run '" + help_command(app) + "' for usage)", exit_usage);
  }

  if (show_version) {
    print_version();
    return 0;
  }

  try {
    for (const radcore::cli::subcommand& command : subcommands) {
      if (command.app->parsed()) {
        if (command.run_with_status) return command.run_with_status();
        command.run();
        return 0;
      }
    }
  } catch (const radcore::input_error& error) {  // roi_error included
    return report_error(error.what(), exit_failure);
  } catch (const std::bad_alloc&) {
    return report_error("out of memory: the inputs or settings need more memory than this machine has (for example "
                        "a very large lbp3DLevels, sigma or --repeats); lower them or use a machine with more memory",
                        exit_failure);
  } catch (const std::exception& error) {
    return report_error(std::string("unexpected failure: ") + error.what(), exit_failure);
  }

  return report_error("no command given (run 'radcore --help' for usage)", exit_usage);
}
