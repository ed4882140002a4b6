#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

struct repr_case {
  double value;
  const char* repr;  // Python 3's repr(value)
};

// The strings are CPython 3.11's repr() of each value: shortest round-trip digits, exponent form when the
// decimal exponent is below -4 or at least 16, and an exponent with a sign and at least two digits.
const repr_case repr_cases[] = {
    {0.1, "0.1"},
    {1.0 / 3.0, "0.3333333333333333"},
    {2.0 / 3.0, "0.6666666666666666"},
    {0.3, "0.3"},
    {1.0, "1.0"},
    {-1.5, "-1.5"},
    {100.0, "100.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {1e-4, "0.0001"},
    {1.234e-4, "0.0001234"},
    {1e-5, "1e-05"},
    {-2.5e-5, "-2.5e-05"},
    {5e-5, "5e-05"},
    {1e-7, "1e-07"},
    {9.5367431640625e-07, "9.5367431640625e-07"},
    {3.14159, "3.14159"},
    {4.35, "4.35"},
    {123456.789, "123456.789"},
    {123456789.0, "123456789.0"},
    {1e15, "1000000000000000.0"},
    {9999999999999998.0, "9999999999999998.0"},
    {1e16, "1e+16"},
    {1.5e16, "1.5e+16"},
    {12345678901234567890.0, "1.2345678901234567e+19"},
    {1e22, "1e+22"},
    {1e23, "1e+23"},
    {1e100, "1e+100"},
    {1e-100, "1e-100"},
    {2.5e-308, "2.5e-308"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {5e-324, "5e-324"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {9007199254740992.0, "9007199254740992.0"},
    {std::numeric_limits<double>::infinity(), "inf"},
    {-std::numeric_limits<double>::infinity(), "-inf"},
    {std::numeric_limits<double>::quiet_NaN(), "nan"},
    {-std::numeric_limits<double>::quiet_NaN(), "nan"},
};

TEST(CsvFormatDouble, MatchesPythonRepr) {
  for (const repr_case& entry : repr_cases) {
    EXPECT_EQ(format_double(entry.value), entry.repr) << "for the double written as " << entry.repr;
  }
}

TEST(CsvFormatDouble, RandomDoublesRoundTrip) {
  std::mt19937_64 generator(20261204);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t bits = generator();
    double value = 0.0;
    std::memcpy(&value, &bits, sizeof(value));
    if (!std::isfinite(value)) continue;
    const std::string text = format_double(value);
    const double parsed = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&parsed, &value, sizeof(value)), 0) << text;
  }
}

TEST(CsvFormatDouble, RandomDoublesUseReprLayout) {
  std::mt19937_64 generator(7);
  std::uniform_real_distribution<double> exponent(-30.0, 30.0);
  for (int i = 0; i < 20000; ++i) {
    const double value = std::pow(10.0, exponent(generator));
    const std::string text = format_double(value);
    const bool exponent_form = text.find('e') != std::string::npos;
    const bool expect_exponent = value < 1e-4 || value >= 1e16;
    ASSERT_EQ(exponent_form, expect_exponent) << text;
    if (!exponent_form) ASSERT_NE(text.find('.'), std::string::npos) << text;
  }
}

TEST(CsvWriter, QuotesOnlyWhereNeeded) {
  EXPECT_EQ(quote_csv_field("plain"), "plain");
  EXPECT_EQ(quote_csv_field(""), "");
  EXPECT_EQ(quote_csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(quote_csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quote_csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(quote_csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(quote_csv_field(" padded "), " padded ");
}

TEST(CsvWriter, WritesRowsEndedByLineFeed) {
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row({"diagnostics_Versions_PyRadiomics", "original_glcm_Idmn"});
  writer.write_row({"{'a': 1, 'b': 2}", format_double(0.5)});
  EXPECT_EQ(text.str(), "diagnostics_Versions_PyRadiomics,original_glcm_Idmn\n\"{'a': 1, 'b': 2}\",0.5\n");
}

TEST(CsvReader, ReadsWhatTheWriterWrites) {
  const std::vector<std::string> header{"name", "value", "note"};
  const std::vector<std::string> row{"a,b", "1e-05", "line one\nline \"two\""};
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row(header);
  writer.write_row(row);

  const csv_table table = parse_csv(text.str(), "memory");
  EXPECT_EQ(table.header, header);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], row);
  EXPECT_EQ(table.column("note"), 2);
  EXPECT_EQ(table.column("absent"), -1);
}

TEST(CsvReader, AcceptsCrlfAndMissingFinalLineEnd) {
  const csv_table table = parse_csv("a,b\r\n1,\r\n\"x\",y", "memory");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", ""}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"x", "y"}));
}

TEST(CsvReader, RejectsRaggedRows) {
  try {
    parse_csv("a,b\n1,2,3\n", "ragged.csv");
    FAIL() << "expected input_error";
  } catch (const input_error& error) {
    EXPECT_NE(std::string(error.what()).find("ragged.csv: record 2 has 3 fields but the header has 2"),
              std::string::npos)
        << error.what();
  }
}

TEST(CsvReader, RejectsUnterminatedQuote) {
  EXPECT_THROW(parse_csv("a\n\"open\n", "open.csv"), input_error);
}

TEST(CsvReader, MissingFileIsInputError) {
  EXPECT_THROW(read_csv_file("/nonexistent/radcore/reference.csv"), input_error);
}

}  // namespace
}  // namespace radcore
