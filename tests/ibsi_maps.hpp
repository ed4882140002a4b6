// Comparison of a filter response with an IBSI 2 phase 1 reference response map.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "io/image_reader.hpp"
#include "tests/test_data.hpp"

namespace radcore::testing {

inline volume read_shared_volume(const std::string& relative) {
  return read_volume((shared_data_dir() / relative).string());
}

// Path of an IBSI 2 phantom image, e.g. "checkerboard".
inline std::string ibsi_phantom_file(const std::string& phantom) {
  return "ibsi/filter_phantoms/" + phantom + "/image/" + phantom + ".nii.gz";
}

// Path of the reference response map of an IBSI 2 test, e.g. "2_a".
inline std::string ibsi_reference_file(const std::string& test) {
  return "ibsi/filter_responses/" + test + "-ValidCRM.nii.gz";
}

// The IBSI 2 pass rule: every voxel within 1 % of the reference map's range. The largest difference is
// recorded as a test property.
inline void expect_within_ibsi_tolerance(const std::vector<double>& response, const volume& reference) {
  ASSERT_EQ(response.size(), reference.values.size());
  const auto [low, high] = std::minmax_element(reference.values.begin(), reference.values.end());
  const double range = *high - *low;
  ASSERT_GT(range, 0.0);
  const double tolerance = 0.01 * range;
  std::size_t outside = 0;
  double max_difference = 0;
  for (std::size_t i = 0; i < response.size(); ++i) {
    const double difference = std::abs(response[i] - reference.values[i]);
    max_difference = std::max(max_difference, difference);
    if (difference > tolerance) ++outside;
  }
  EXPECT_EQ(outside, 0u) << "max |difference| " << max_difference << ", range " << range;
  std::ostringstream summary;
  summary << std::scientific << std::setprecision(2) << max_difference << " of range " << range;
  ::testing::Test::RecordProperty("max_difference", summary.str());
}

}  // namespace radcore::testing
