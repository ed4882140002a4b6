#include <iostream>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "host/phantom.hpp"

namespace radcore::cli {

subcommand add_phantom_command(CLI::App& parent) {
  auto folder = std::make_shared<std::string>();
  auto seed = std::make_shared<std::uint64_t>(phantom_options{}.seed);
  CLI::App* app = parent.add_subcommand(
      "phantom", "Write a generated phantom (image.nrrd, mask.nrrd with ROIs labelled 1 and 2) into a folder");
  app->add_option("-o,--out", *folder, "Folder to write image.nrrd and mask.nrrd into (created if missing)")
      ->required();
  app->add_option("--seed", *seed, "Seed of the phantom's noise; the same seed gives the same voxels");

  return {app, [folder, seed] {
            phantom_options options;
            options.seed = *seed;
            write_phantom(make_phantom(options), *folder);
            std::cerr << "radcore: wrote " << *folder << "/image.nrrd and " << *folder << "/mask.nrrd\n";
          }};
}

}  // namespace radcore::cli
