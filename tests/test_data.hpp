// Locating the shared reference data (../shared/data beside the checkout) from tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace radcore::testing {

// The shared data folder: $RADCORE_SHARED_DATA if set, else ../shared/data beside the source tree.
inline std::filesystem::path shared_data_dir() {
  if (const char* env = std::getenv("RADCORE_SHARED_DATA")) return env;
  return std::filesystem::path(RADCORE_SOURCE_DIR) / ".." / "shared" / "data";
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Committed test inputs and reference outputs under tests/.
inline std::filesystem::path test_resource(const std::string& relative) {
  return std::filesystem::path(RADCORE_SOURCE_DIR) / "tests" / relative;
}

}  // namespace radcore::testing

// Skips the test when a shared data file is absent, or fails it under CI=true, where the data must exist.
#define RADCORE_REQUIRE_SHARED(relative_path)                                                            \
  do {                                                                                                    \
    const auto radcore_required_ = ::radcore::testing::shared_data_dir() / (relative_path);             \
    if (!std::filesystem::exists(radcore_required_)) {                                                   \
      if (::radcore::testing::running_in_ci()) {                                                          \
        FAIL() << "shared data missing under CI: " << radcore_required_.string();                        \
      }                                                                                                   \
      GTEST_SKIP() << "shared data not found: " << radcore_required_.string()                            \
                   << " (set RADCORE_SHARED_DATA or place ../shared/data beside the checkout)";          \
    }                                                                                                     \
  } while (0)
