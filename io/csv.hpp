// CSV output and input: RFC 4180 quoting, and doubles written as Python's repr(float) writes them.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace radcore {

// Formats `value` as Python 3's repr(float): the shortest decimal that reads back to the same double, in
// fixed notation with at least one fractional digit ("1.0", "0.0001", "123456.789"), or in exponent
// notation when the decimal exponent is below -4 or at least 16 ("1e-05", "1.5e+16"). NaN is "nan",
// infinities are "inf" and "-inf", negative zero is "-0.0".
std::string format_double(double value);

// Returns `field` as a CSV field: unchanged, or in double quotes with inner quotes doubled when it
// contains a comma, a double quote, a carriage return or a line feed (RFC 4180, and Python's csv module
// with QUOTE_MINIMAL).
std::string quote_csv_field(const std::string& field);

// Writes CSV records, each ended by a line feed as PyRadiomics' command line writes them (RFC 4180 names
// CRLF, which parse_csv also reads).
class csv_writer {
 public:
  explicit csv_writer(std::ostream& output) : output_(output) {}

  void write_row(const std::vector<std::string>& fields);

 private:
  std::ostream& output_;
};

// A whole CSV file: the first record as the header, the others as rows of strings.
struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Returns the column index of `name` in the header, or -1.
  int column(const std::string& name) const;
};

// Parses RFC 4180 text (quoted fields may span lines; LF or CRLF line ends). Throws input_error naming
// `source` for an unterminated quoted field or a row whose field count differs from the header's.
csv_table parse_csv(const std::string& text, const std::string& source);

// Reads and parses the CSV file at `path`. Throws input_error when it cannot be read or parsed.
csv_table read_csv_file(const std::string& path);

}  // namespace radcore
