// The checks every texture family runs on the GPU: features against the CPU on random and exported
// batches, and two GPU runs compared bit for bit. Matrix checks differ by layout and sit in each family's
// test file.
#pragma once

#include <string>

#include "tests/gpu/gpu_test_support.hpp"

namespace radcore::testing {

// Feature block functions of one family on each backend.
using features_function = feature_block (*)(const discrete_batch&, const texture_settings&);

struct family_under_test {
  const char* name;
  features_function cpu;
  features_function gpu;
  const feature_info* table;
  feature_tolerance (*tolerance)(int feature);
};

inline void expect_features_match_cpu(const family_under_test& family, const discrete_batch& batch,
                                      const std::string& batch_name) {
  for (const texture_settings& settings : parity_settings()) {
    const std::string what = std::string(family.name) + " on " + batch_name + " (" + describe(settings) + ")";
    expect_features_close(family.gpu(batch, settings), family.cpu(batch, settings), family.table, family.tolerance,
                          what);
  }
}

inline void expect_random_features_match_cpu(const family_under_test& family) {
  expect_features_match_cpu(family, random_discrete_batch(20260101), "random batch");
}

inline void expect_exported_features_match_cpu(const family_under_test& family) {
  for (const auto& file : exported_batches()) {
    expect_features_match_cpu(family, read_discrete_batch(file.string()), file.filename().string());
  }
}

inline void expect_repeatable(const family_under_test& family) {
  const discrete_batch batch = random_discrete_batch(7, 3);
  for (const texture_settings& settings : parity_settings()) {
    expect_bitwise_equal_blocks(family.gpu(batch, settings), family.gpu(batch, settings),
                                std::string(family.name) + " (" + describe(settings) + ")");
  }
}

// Skips the current test when --prepare has not exported any ROI batch.
#define RADCORE_REQUIRE_EXPORTED_ROIS()                                                                      \
  do {                                                                                                       \
    if (::radcore::testing::exported_batches().empty()) {                                                    \
      GTEST_SKIP() << "no exported ROI batches in " << ::radcore::testing::gpu_export_dir().string()         \
                   << "/rois; run scripts/gpu-check.sh --prepare in the full build first";                   \
    }                                                                                                        \
  } while (false)

}  // namespace radcore::testing
