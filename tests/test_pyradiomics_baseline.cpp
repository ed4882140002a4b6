// PyRadiomics' own test suite: every feature of every baseline column for brain1 and breast1
// (baseline_<class>.csv, made by PyRadiomics 1.3 / 2.0) within that suite's tolerance of 3 % relative,
// exact where the baseline is 0, run through extract_case with the settings recorded in each column.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "io/csv.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

struct baseline_column {
  std::string feature_class;
  std::string column;  // brain1, brain1_2d, ...
};

// Prints the column by name, so that test listings do not show the struct's bytes.
void PrintTo(const baseline_column& c, std::ostream* out) { *out << c.feature_class << "/" << c.column; }

// The parameter file of a column: the configuration after the case name ("default" for none). These files
// carry the settings of the baseline's diagnostics_Configuration_Settings row.
std::string params_for(const std::string& column) {
  const auto underscore = column.find('_');
  const std::string config = underscore == std::string::npos ? "default" : column.substr(underscore + 1);
  return testing::test_resource("reference/pyradiomics/params/" + config + ".yaml").string();
}

const feature_row& extraction_for(const std::string& column) {
  static std::map<std::string, feature_row> cache;
  const auto found = cache.find(column);
  if (found != cache.end()) return found->second;
  const std::string name = column.substr(0, column.find('_'));
  const std::string data = (testing::shared_data_dir() / "pyradiomics").string() + "/";
  return cache[column] = extract_case(data + name + "_image.nrrd", data + name + "_label.nrrd",
                                      load_parameters_file(params_for(column)));
}

class PyRadiomicsBaseline : public ::testing::TestWithParam<baseline_column> {};

TEST_P(PyRadiomicsBaseline, ColumnWithinThreePercent) {
  RADCORE_REQUIRE_SHARED("pyradiomics/baseline/baseline_" + GetParam().feature_class + ".csv");
  const baseline_column& c = GetParam();
  const csv_table baseline =
      read_csv_file((testing::shared_data_dir() / ("pyradiomics/baseline/baseline_" + c.feature_class + ".csv")).string());
  const int column = baseline.column(c.column);
  ASSERT_GE(column, 0) << c.column << " is not a column of baseline_" << c.feature_class << ".csv";

  const feature_row& row = extraction_for(c.column);
  std::map<std::string, double> computed;
  for (std::size_t i = 0; i < row.feature_keys.size(); ++i) computed[row.feature_keys[i]] = row.feature_values[i];

  int compared = 0;
  for (const auto& record : baseline.rows) {
    const std::string& key = record[0];
    if (key.rfind("original_", 0) != 0) continue;
    const std::string& text = record[std::size_t(column)];
    if (text.empty()) continue;
    const auto found = computed.find(key);
    ASSERT_NE(found, computed.end()) << key << " is in the baseline but radcore did not compute it";
    const double expected = std::strtod(text.c_str(), nullptr);
    ++compared;
    if (expected == 0.0) {
      EXPECT_EQ(found->second, 0.0) << key << " in " << c.column;
    } else {
      // PyRadiomics' suite accepts 3 % relative error: the baselines come from releases 1.3 and 2.0.
      EXPECT_LT(std::fabs(1.0 - found->second / expected), 0.03)
          << key << " in " << c.column << ": radcore " << found->second << ", baseline " << expected;
    }
  }
  EXPECT_GT(compared, 0) << "no feature of " << c.feature_class << " compared in " << c.column;
}

std::vector<baseline_column> baseline_columns() {
  std::vector<baseline_column> columns;
  const std::map<std::string, std::vector<std::string>> configs{
      {"firstorder", {"", "_normalization", "_resampling", "_resegmentation"}},
      {"shape", {"", "_resampling"}},
      {"glcm", {"", "_2d", "_FBN", "_combined", "_flatRegion", "_normalization", "_resampling", "_resegmentation"}},
      {"glrlm", {"", "_2d", "_FBN", "_combined", "_flatRegion", "_normalization", "_resampling", "_resegmentation"}},
      {"glszm", {"", "_2d", "_FBN", "_flatRegion", "_normalization", "_resampling", "_resegmentation"}},
      {"gldm", {"", "_2d", "_FBN", "_flatRegion", "_normalization", "_resampling", "_resegmentation"}},
      {"ngtdm", {"", "_2d", "_FBN", "_flatRegion", "_normalization", "_resampling", "_resegmentation"}},
  };
  for (const auto& [feature_class, suffixes] : configs) {
    for (const char* name : {"brain1", "breast1"}) {
      for (const std::string& suffix : suffixes) columns.push_back({feature_class, name + suffix});
    }
  }
  return columns;
}

INSTANTIATE_TEST_SUITE_P(Suite, PyRadiomicsBaseline, ::testing::ValuesIn(baseline_columns()),
                         [](const auto& info) { return info.param.feature_class + "_" + info.param.column; });

}  // namespace
}  // namespace radcore
