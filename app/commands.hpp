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
  // Used in place of `run` when set, for commands with more outcomes than success: returns the exit status.
  std::function<int()> run_with_status;
};

// `radcore extract IMAGE MASK [-p PARAMS] [-s NAME:VALUE]... [--label N] [-o OUT.csv]`, or
// `radcore extract --cohort MANIFEST.csv -o FEATURES.h5 [--labels all|2,3] [--jobs N] [--resume | --force]`
subcommand add_extract_command(CLI::App& parent);

// `radcore phantom -o FOLDER [--seed N]`
subcommand add_phantom_command(CLI::App& parent);

// `radcore filter IMAGE [MASK] [-p PARAMS] [-s NAME:VALUE]... -o FOLDER`
subcommand add_filter_command(CLI::App& parent);

// `radcore export FEATURES.h5 -o FEATURES.csv`
subcommand add_export_command(CLI::App& parent);

// `radcore info FEATURES.h5 [--failures]`
subcommand add_info_command(CLI::App& parent);

// `radcore evaluate --predictions P.csv --truth COLUMN --score COLUMN... [--positive VALUE] [--predicted COLUMN]`,
// or `radcore evaluate FEATURES ...` for cross-validated selection and fitting.
subcommand add_evaluate_command(CLI::App& parent);

// `radcore select FEATURES --outcome-column NAME [--outcome OUTCOME.csv] [--by patient_id] -o MODEL_DIR`
subcommand add_select_command(CLI::App& parent);

// `radcore train FEATURES --outcome-column NAME [--selected MODEL_DIR] -o MODEL_DIR`
subcommand add_train_command(CLI::App& parent);

// `radcore predict MODEL_DIR FEATURES -o PREDICTIONS.csv`
subcommand add_predict_command(CLI::App& parent);

// `radcore icc TABLE.csv [--model 1,1|2,1|3,1] [--average]`
subcommand add_icc_command(CLI::App& parent);

// `radcore stability --cohort MANIFEST.csv --perturb LIST --repeats N -o STABILITY.h5 [...]`, or
// `radcore stability export STABILITY.h5 -o ICC.csv [--icc 1,1|2,1|3,1] [--report DIR]`
subcommand add_stability_command(CLI::App& parent);

// `radcore bench [--device auto|cpu|cuda] [--workload NAME] [-o RESULT.json]`
subcommand add_bench_command(CLI::App& parent);

// `radcore synth -o FOLDER [--patients N] [--seed N] [--size N]`
subcommand add_synth_command(CLI::App& parent);

}  // namespace radcore::cli
