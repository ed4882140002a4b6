// radcore against PyRadiomics 3.1.0 on the same inputs and settings (reference CSVs made by
// scripts/reference/make_references.py): every feature within the tolerance table of tests/parity.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "host/extract.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"
#include "tests/parity.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

using testing::test_resource;


void expect_parity(const csv_table& reference, std::size_t row_index, const feature_row& row) {
  const std::vector<std::string> mismatches = testing::compare_reference_row(reference, row_index, row);
  std::string listing;
  for (const std::string& line : mismatches) listing += "\n  " + line;
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " feature(s) differ:" << listing;
}

// --- brain1 and breast1 with the configurations of PyRadiomics' own test suite ---------------------

struct shared_case {
  std::string name;    // brain1, breast1
  std::string config;  // default, 2d, FBN, ...
};

// Prints the case by name, so that test listings do not show the struct's bytes.
void PrintTo(const shared_case& c, std::ostream* out) { *out << c.name << "_" << c.config; }

class SharedCaseParity : public ::testing::TestWithParam<shared_case> {};

TEST_P(SharedCaseParity, FeaturesMatchPyRadiomics) {
  const shared_case& c = GetParam();
  RADCORE_REQUIRE_SHARED("pyradiomics/" + c.name + "_image.nrrd");
  const csv_table reference = read_csv_file(test_resource("reference/pyradiomics/" + c.name + "_" + c.config + ".csv").string());
  ASSERT_EQ(reference.rows.size(), 1u);
  const extraction_parameters parameters =
      load_parameters_file(test_resource("reference/pyradiomics/params/" + c.config + ".yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/pyradiomics/";
  const feature_row row = extract_case(data + c.name + "_image.nrrd", data + c.name + "_label.nrrd", parameters);
  expect_parity(reference, 0, row);
}

std::vector<shared_case> shared_cases() {
  std::vector<shared_case> cases;
  for (const char* name : {"brain1", "breast1"}) {
    for (const char* config :
         {"default", "2d", "FBN", "combined", "flatRegion", "normalization", "resampling", "resegmentation"}) {
      cases.push_back({name, config});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, SharedCaseParity, ::testing::ValuesIn(shared_cases()),
                         [](const auto& info) { return info.param.name + "_" + info.param.config; });

// --- seeded random volumes and masks ------------------------------------------------------------------

const csv_table& random_features() {
  static const csv_table table = read_csv_file(test_resource("reference/random/features.csv").string());
  return table;
}

class RandomCaseParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RandomCaseParity, FeaturesMatchPyRadiomics) {
  const csv_table& table = random_features();
  const std::size_t row_index = GetParam();
  const std::string name = testing::reference_value(table, row_index, "case");
  const extraction_parameters parameters = load_parameters_file(
      test_resource("reference/random/params/" + testing::reference_value(table, row_index, "params") + ".yaml").string());
  const std::string folder = test_resource("reference/random/").string();
  const int label = std::atoi(testing::reference_value(table, row_index, "label").c_str());
  const feature_row row = extract_case(folder + name + "_image.nrrd", folder + name + "_mask.nrrd", parameters, label);
  expect_parity(table, row_index, row);
}

std::vector<std::size_t> random_rows() {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < random_features().rows.size(); ++i) rows.push_back(i);
  return rows;
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, RandomCaseParity, ::testing::ValuesIn(random_rows()), [](const auto& info) {
  return testing::reference_value(random_features(), info.param, "case") + "_" + testing::reference_value(random_features(), info.param, "kind");
});

// --- inputs PyRadiomics rejects ------------------------------------------------------------------------

const csv_table& refused_cases() {
  static const csv_table table = read_csv_file(test_resource("reference/random/refused.csv").string());
  return table;
}

class RefusedCase : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RefusedCase, IsRejectedWithReason) {
  const csv_table& table = refused_cases();
  const std::size_t row_index = GetParam();
  const std::string name = testing::reference_value(table, row_index, "case");
  const extraction_parameters parameters = load_parameters_file(
      test_resource("reference/random/params/" + testing::reference_value(table, row_index, "params") + ".yaml").string());
  const std::string folder = test_resource("reference/random/").string();
  const int label = std::atoi(testing::reference_value(table, row_index, "label").c_str());
  try {
    extract_case(folder + name + "_image.nrrd", folder + name + "_mask.nrrd", parameters, label);
    ADD_FAILURE() << name << " was accepted; PyRadiomics rejects it: " << testing::reference_value(table, row_index, "message");
  } catch (const input_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(name + "_mask.nrrd"), std::string::npos) << "message does not name the mask: " << message;
  }
}

std::vector<std::size_t> refused_rows() {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < refused_cases().rows.size(); ++i) rows.push_back(i);
  return rows;
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, RefusedCase, ::testing::ValuesIn(refused_rows()), [](const auto& info) {
  return testing::reference_value(refused_cases(), info.param, "case") + "_" + testing::reference_value(refused_cases(), info.param, "kind");
});

}  // namespace
}  // namespace radcore
