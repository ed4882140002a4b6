// ICC against pingouin 0.5.5 (reference made by scripts/reference/make_icc_references.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "host/icc.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

std::vector<std::vector<double>> load_table(const std::string& name) {
  const csv_table csv = read_csv_file(testing::test_resource("reference/icc/" + name + ".csv").string());
  std::vector<std::vector<double>> table;
  for (const auto& row : csv.rows) {
    std::vector<double> values;
    for (std::size_t c = 1; c < row.size(); ++c) values.push_back(std::strtod(row[c].c_str(), nullptr));
    table.push_back(values);
  }
  return table;
}

struct form {
  icc_model model;
  bool average;
};

const std::map<std::string, form>& pingouin_forms() {
  static const std::map<std::string, form> forms{
      {"ICC1", {icc_model::one_way, false}},        {"ICC2", {icc_model::two_way_random, false}},
      {"ICC3", {icc_model::two_way_mixed, false}},  {"ICC1k", {icc_model::one_way, true}},
      {"ICC2k", {icc_model::two_way_random, true}}, {"ICC3k", {icc_model::two_way_mixed, true}},
  };
  return forms;
}

TEST(Icc, AllFormsMatchPingouin) {
  const csv_table expected = read_csv_file(testing::test_resource("reference/icc/expected.csv").string());
  ASSERT_GE(expected.rows.size(), 6u * 13u);
  for (const auto& row : expected.rows) {
    const std::string table_name = row[std::size_t(expected.column("table"))];
    const std::string form_name = row[std::size_t(expected.column("form"))];
    const form f = pingouin_forms().at(form_name);
    const icc_result result = intraclass_correlation(load_table(table_name), f.model, f.average);
    const double icc = std::strtod(row[std::size_t(expected.column("icc"))].c_str(), nullptr);
    const double low = std::strtod(row[std::size_t(expected.column("ci_low"))].c_str(), nullptr);
    const double high = std::strtod(row[std::size_t(expected.column("ci_high"))].c_str(), nullptr);
    // 1e-10: the same mean squares summed in another order, and Boost's F quantile against scipy's.
    EXPECT_NEAR(result.icc, icc, 1e-10) << table_name << " " << form_name;
    EXPECT_NEAR(result.ci_low, low, 1e-10) << table_name << " " << form_name << " lower bound";
    EXPECT_NEAR(result.ci_high, high, 1e-10) << table_name << " " << form_name << " upper bound";
  }
}

TEST(Icc, ShroutFleissPublishedValues) {
  // Shrout and Fleiss (1979), table 2: 6 targets rated by 4 judges, values published to 2 decimals.
  const auto table = load_table("shrout_fleiss");
  EXPECT_NEAR(intraclass_correlation(table, icc_model::one_way, false).icc, 0.17, 0.005);
  EXPECT_NEAR(intraclass_correlation(table, icc_model::two_way_random, false).icc, 0.29, 0.005);
  EXPECT_NEAR(intraclass_correlation(table, icc_model::two_way_mixed, false).icc, 0.71, 0.005);
  EXPECT_NEAR(intraclass_correlation(table, icc_model::one_way, true).icc, 0.44, 0.005);
  EXPECT_NEAR(intraclass_correlation(table, icc_model::two_way_random, true).icc, 0.62, 0.005);
  EXPECT_NEAR(intraclass_correlation(table, icc_model::two_way_mixed, true).icc, 0.91, 0.005);
}

TEST(Icc, ConstantOffsetLowersOnlyAbsoluteAgreement) {
  // Rater 2 reads every subject exactly 3 higher: consistency is perfect, absolute agreement is not.
  const std::vector<std::vector<double>> table{{1, 4}, {2, 5}, {4, 7}, {8, 11}};
  EXPECT_DOUBLE_EQ(intraclass_correlation(table, icc_model::two_way_mixed, false).icc, 1.0);
  EXPECT_LT(intraclass_correlation(table, icc_model::two_way_random, false).icc, 1.0);
}

TEST(Icc, ConstantTableGivesNan) {
  const std::vector<std::vector<double>> table{{2, 2}, {2, 2}, {2, 2}};
  EXPECT_TRUE(std::isnan(intraclass_correlation(table, icc_model::one_way, false).icc));
}

TEST(Icc, RaggedTableIsRejected) {
  const std::vector<std::vector<double>> table{{1, 2, 3}, {1, 2}};
  EXPECT_THROW(intraclass_correlation(table, icc_model::one_way, false), input_error);
}

TEST(Icc, SingleSubjectIsRejected) {
  EXPECT_THROW(intraclass_correlation({{1, 2}}, icc_model::one_way, false), input_error);
}

TEST(Icc, UnknownModelIsRejected) { EXPECT_THROW(parse_icc_model("4,1"), input_error); }

}  // namespace
}  // namespace radcore
