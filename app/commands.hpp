// The subcommands of `radcore`, one source file each.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace radcore::cli {

// One subcommand: its CLI11 definition, and the function that runs it once the command line is parsed.
// `run` throws input_error (exit status 1) for inputs it cannot use.
struct subcommand {
  CLI::App* app = nullptr;
  std::function<void()> run;
};

// `radcore extract IMAGE MASK [-p PARAMS] [-s NAME:VALUE]... [--label N] [-o OUT.csv]`
subcommand add_extract_command(CLI::App& parent);

// `radcore phantom -o FOLDER [--seed N]`
subcommand add_phantom_command(CLI::App& parent);

}  // namespace radcore::cli
