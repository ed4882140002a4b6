#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "host/benchmark_workload.hpp"
#include "host/feature_engine.hpp"
#include "host/version.hpp"
#include "kernels/error.hpp"

#if defined(RADCORE_HAS_CUDA)
#include "kernels/cuda_backend.hpp"
#endif

namespace radcore::cli {
namespace {

// The CPU model from /proc/cpuinfo, or "unknown" where it cannot be read.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

nlohmann::json result_json(const workload_info& workload, const std::vector<family_result>& results,
                           const std::string& backend) {
  nlohmann::json out;
  out["radcore_version"] = version();
  out["radcore_revision"] = git_revision();
  out["workload"] = {{"name", workload.name}, {"version", workload.version}, {"roi_edges", workload.roi_edges},
                     {"rois_per_size", workload.rois_per_size}};
  out["machine"] = {{"cpu", cpu_model()},
                    {"cores", std::thread::hardware_concurrency()},
                    {"gpu", nullptr},
                    {"gpu_memory", nullptr}};
#if defined(RADCORE_HAS_CUDA)
  // The description contains the name, compute capability, memory and SM count of device 0.
  if (backend == "cuda") out["machine"]["gpu"] = cuda_device_description();
#else
  (void)backend;
#endif
  out["results"] = nlohmann::json::array();
  for (const family_result& r : results) {
    out["results"].push_back({{"family", r.family},
                              {"device", r.device},
                              {"rois_per_second", r.rois_per_second},
                              {"voxels_per_second", r.voxels_per_second}});
  }
  return out;
}

void print_table(const workload_info& workload, const std::vector<family_result>& results) {
  std::printf("radcore bench: workload %s v%d, cubes of", workload.name.c_str(), workload.version);
  for (int edge : workload.roi_edges) std::printf(" %d^3", edge);
  std::printf(" voxels, %d ROIs each\n", workload.rois_per_size);
  std::printf("%-12s %-6s %16s %18s\n", "family", "device", "ROIs/s", "voxels/s");
  for (const family_result& r : results) {
    std::printf("%-12s %-6s %16.1f %18.4g\n", r.family.c_str(), r.device.c_str(), r.rois_per_second,
                r.voxels_per_second);
  }
}

}  // namespace

subcommand add_bench_command(CLI::App& parent) {
  struct options_t {
    std::string device = "auto";
    std::string workload = "study";
    std::string output;
    double seconds = 1.0;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* app = parent.add_subcommand("bench", "Time a fixed, versioned workload per feature family");
  app->add_option("--device", options->device,
                  "Backend: cpu, cuda, or auto (default: the GPU when one is usable, else the CPU)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app->add_option("--workload", options->workload, "Workload name: study (default) or study-large");
  app->add_option("-o,--out", options->output, "Write the results as JSON to this file");
  app->add_option("--seconds", options->seconds, "Least time spent timing each family, in seconds (default 1)")
      ->check(CLI::Validator(
          [](std::string& value) {
            return std::strtod(value.c_str(), nullptr) > 0 ? std::string()
                                                           : "expected a positive number of seconds, got " + value;
          },
          "SECONDS > 0"));

  return {app, [options] {
            std::unique_ptr<feature_engine> engine = make_engine(options->device);
            if (options->device == "auto") std::cerr << "radcore: " << describe_device_choice(options->device) << "\n";
            const workload_info workload = find_workload(options->workload);
            const std::vector<family_result> results = run_workload(workload, options->seconds, *engine);
            print_table(workload, results);
            if (!options->output.empty()) write_file_atomically(options->output, result_json(workload, results, engine->backend()).dump(2) + "\n");
          }};
}

}  // namespace radcore::cli
