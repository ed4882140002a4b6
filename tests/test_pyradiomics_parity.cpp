// radcore against PyRadiomics 3.1.0 on the same inputs and settings (reference CSVs made by
// scripts/reference/make_references.py): every feature within the tolerance table of tests/parity.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
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

// MCC is held to the default tolerance only where every angle's second eigenvalue exceeds this. Below it,
// PyRadiomics keeps or drops the angle depending on numpy's real-or-complex result for all angles.
constexpr double mcc_stable_eigenvalue = 1e-9;

std::string value_of(const csv_table& table, std::size_t row, const std::string& column) {
  const int index = table.column(column);
  return index < 0 ? std::string() : table.rows[row][std::size_t(index)];
}

bool mcc_is_stable(const csv_table& table, std::size_t row) {
  const std::string eigenvalue = value_of(table, row, "reference_mcc_min_second_eigenvalue");
  return !eigenvalue.empty() && std::strtod(eigenvalue.c_str(), nullptr) > mcc_stable_eigenvalue;
}

void expect_parity(const csv_table& reference, std::size_t row_index, const feature_row& row) {
  const std::vector<std::string> mismatches =
      testing::compare_with_reference(reference.header, reference.rows[row_index], row, mcc_is_stable(reference, row_index));
  std::string listing;
  for (const std::string& line : mismatches) listing += "\n  " + line;
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " feature(s) differ:" << listing;
}

// --- brain1 and breast1 with the configurations of PyRadiomics' own test suite ---------------------

struct shared_case {
  std::string name;    // brain1, breast1
  std::string config;  // default, 2d, FBN, ...
};

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
  const std::string name = value_of(table, row_index, "case");
  const extraction_parameters parameters = load_parameters_file(
      test_resource("reference/random/params/" + value_of(table, row_index, "params") + ".yaml").string());
  const std::string folder = test_resource("reference/random/").string();
  const int label = std::atoi(value_of(table, row_index, "label").c_str());
  const feature_row row = extract_case(folder + name + "_image.nrrd", folder + name + "_mask.nrrd", parameters, label);
  expect_parity(table, row_index, row);
}

std::vector<std::size_t> random_rows() {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < random_features().rows.size(); ++i) rows.push_back(i);
  return rows;
}

INSTANTIATE_TEST_SUITE_P(PyRadiomics, RandomCaseParity, ::testing::ValuesIn(random_rows()), [](const auto& info) {
  return value_of(random_features(), info.param, "case") + "_" + value_of(random_features(), info.param, "kind");
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
  const std::string name = value_of(table, row_index, "case");
  const extraction_parameters parameters = load_parameters_file(
      test_resource("reference/random/params/" + value_of(table, row_index, "params") + ".yaml").string());
  const std::string folder = test_resource("reference/random/").string();
  const int label = std::atoi(value_of(table, row_index, "label").c_str());
  try {
    extract_case(folder + name + "_image.nrrd", folder + name + "_mask.nrrd", parameters, label);
    ADD_FAILURE() << name << " was accepted; PyRadiomics rejects it: " << value_of(table, row_index, "message");
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
  return value_of(refused_cases(), info.param, "case") + "_" + value_of(refused_cases(), info.param, "kind");
});

}  // namespace
}  // namespace radcore
