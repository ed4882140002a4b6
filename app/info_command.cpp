// `radcore info`: a summary of a feature store.
#include <iostream>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "io/feature_store.hpp"

namespace radcore::cli {
namespace {

struct info_options {
  std::string store;
  bool failures = false;
};

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void run_info(const info_options& options) {
  const store_contents contents = read_store(options.store);
  const store_header& header = contents.header;
  std::int64_t done = 0;
  std::int64_t failed = 0;
  double seconds = 0;
  for (const store_row& row : contents.rows) {
    done += row.status == row_status::done;
    failed += row.status == row_status::failed;
    seconds += row.seconds;
  }

  std::cout << "store: " << options.store << " (layout version " << feature_store_layout_version << ")\n";
  std::cout << "rows: " << contents.rows.size() << " (" << done << " done, " << failed << " failed";
  if (contents.incomplete_rows > 0) std::cout << ", " << contents.incomplete_rows << " partly written, ignored";
  std::cout << ")\n";
  std::cout << "features: " << header.feature_names.size() << " per ROI\n";
  std::cout << "manifest columns: " << joined(header.metadata_columns) << "\n";
  std::cout << "extraction time: " << seconds << " s summed over ROIs\n";
  std::cout << "settings SHA-1: " << header.settings_sha1 << "\n";
  std::cout << "settings: " << header.settings_text << "\n";
  std::cout << "radcore: " << header.radcore_version << " (git revision " << header.git_revision << ")\n";
  std::cout << "backend: " << header.backend << " (--device " << header.device << ")\n";
  if (!header.stability_text.empty()) {
    std::cout << "stability study: " << header.stability_text << "\n";
    std::cout << "ICC table: "
              << (header.icc ? std::to_string(header.icc->models.size()) + " forms per feature"
                             : std::string("none (fewer than 2 ROIs completed every repeat)"))
              << "\n";
  }
  if (!options.failures) return;
  for (const store_row& row : contents.rows) {
    if (row.status != row_status::failed) continue;
    std::cout << "failed: manifest row " << row.manifest_row + 1 << ", label " << row.label << ": " << row.error
              << "\n";
  }
}

}  // namespace

subcommand add_info_command(CLI::App& parent) {
  auto options = std::make_shared<info_options>();
  CLI::App* app = parent.add_subcommand(
      "info", "Summarise a feature store: rows done and failed, features, settings, versions and backend");
  app->add_option("store", options->store, "Feature store (HDF5) written by 'radcore extract --cohort'")->required();
  app->add_flag("--failures", options->failures, "Also list every failed ROI with its manifest row and reason");
  return {app, [options] { run_info(*options); }};
}

}  // namespace radcore::cli
