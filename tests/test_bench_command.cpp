// `radcore bench`: the JSON result has every documented field, and the table prints one row per family.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "tests/cohort_fixtures.hpp"

#if defined(RADCORE_HAS_CUDA)
#include "kernels/cuda_backend.hpp"
#endif

namespace radcore {
namespace {

class BenchCommand : public testing::radcore_folder_test {};

TEST_F(BenchCommand, JsonHasEveryDocumentedField) {
  const auto output = folder_ / "bench.json";
  const testing::command_result result = run("bench --device cpu --seconds 0.02 -o " + testing::shell_quoted(output));
  ASSERT_EQ(result.status, 0) << result.err;

  const nlohmann::json json = nlohmann::json::parse(testing::read_text(output));
  EXPECT_TRUE(json.at("radcore_version").is_string());
  EXPECT_EQ(json.at("workload").at("name"), "study");
  EXPECT_TRUE(json.at("workload").at("version").is_number_integer());
  const nlohmann::json& machine = json.at("machine");
  EXPECT_TRUE(machine.at("cpu").is_string());
  EXPECT_GE(machine.at("cores").get<int>(), 1);
  EXPECT_TRUE(machine.at("gpu").is_null()) << "the workload runs on the CPU, so no GPU is reported";
  EXPECT_TRUE(machine.at("gpu_memory").is_null());

  std::set<std::string> families;
  for (const nlohmann::json& entry : json.at("results")) {
    families.insert(entry.at("family").get<std::string>());
    EXPECT_EQ(entry.at("device"), "cpu");
    EXPECT_GT(entry.at("rois_per_second").get<double>(), 0.0) << entry.dump();
    EXPECT_GT(entry.at("voxels_per_second").get<double>(), entry.at("rois_per_second").get<double>()) << entry.dump();
  }
  const std::set<std::string> expected{"firstorder", "shape", "glcm", "glrlm", "glszm",
                                       "gldm",       "ngtdm", "wavelet", "study"};
  EXPECT_EQ(families, expected);

  for (const std::string& family : expected) {
    EXPECT_TRUE(testing::contains(result.out, family + " ")) << "table lacks " << family << ":\n" << result.out;
  }
}

TEST_F(BenchCommand, UnknownWorkloadIsRejected) {
  const testing::command_result result = run("bench --workload nonsense");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(testing::contains(result.err, "workload 'nonsense' is unknown")) << result.err;
}

TEST_F(BenchCommand, CudaWithoutDeviceIsRejected) {
#if defined(RADCORE_HAS_CUDA)
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device is usable here, so --device cuda runs";
#endif
  const testing::command_result result = run("bench --device cuda --seconds 0.02");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(testing::contains(result.err, "--device cuda")) << result.err;
  EXPECT_TRUE(testing::contains(result.err, "use --device cpu")) << result.err;
}

}  // namespace
}  // namespace radcore
