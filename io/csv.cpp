#include "io/csv.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// The shortest round-trip digits of a finite positive double and their decimal exponent: the value is
// d.ddd × 10^exponent where `digits` is "dddd".
struct shortest_decimal {
  std::string digits;
  int exponent = 0;
};

shortest_decimal shortest_digits(double magnitude) {
  // std::to_chars without a precision writes the shortest form that reads back to the same double.
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), magnitude, std::chars_format::scientific);
  const std::string text(buffer, result.ptr);
  const std::size_t e = text.find('e');

  shortest_decimal decimal;
  for (std::size_t i = 0; i < e; ++i) {
    if (text[i] != '.') decimal.digits.push_back(text[i]);
  }
  decimal.exponent = std::atoi(text.c_str() + e + 1);
  return decimal;
}

std::string exponent_notation(const shortest_decimal& decimal) {
  std::string text(1, decimal.digits[0]);
  if (decimal.digits.size() > 1) text += "." + decimal.digits.substr(1);
  const int magnitude = std::abs(decimal.exponent);
  text += decimal.exponent < 0 ? "e-" : "e+";
  if (magnitude < 10) text += '0';
  text += std::to_string(magnitude);
  return text;
}

std::string fixed_notation(const shortest_decimal& decimal) {
  const std::string& digits = decimal.digits;
  if (decimal.exponent < 0) {
    return "0." + std::string(std::size_t(-decimal.exponent - 1), '0') + digits;
  }
  const std::size_t integer_digits = std::size_t(decimal.exponent) + 1;
  if (digits.size() <= integer_digits) {
    return digits + std::string(integer_digits - digits.size(), '0') + ".0";
  }
  return digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

}  // namespace

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";

  const std::string sign = std::signbit(value) ? "-" : "";
  if (value == 0.0) return sign + "0.0";

  // Python's repr switches to exponent notation when the decimal point would sit more than 16 places
  // right of the first digit or more than 4 places left of it (float_repr_style 'short').
  const shortest_decimal decimal = shortest_digits(std::fabs(value));
  if (decimal.exponent < -4 || decimal.exponent >= 16) return sign + exponent_notation(decimal);
  return sign + fixed_notation(decimal);
}

std::string quote_csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (const char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void csv_writer::write_row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) output_ << ',';
    output_ << quote_csv_field(fields[i]);
  }
  output_ << '\n';
}

int csv_table::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return int(i);
  }
  return -1;
}

namespace {

// Splits RFC 4180 text into records. A final line end does not start an empty record.
std::vector<std::vector<std::string>> split_records(const std::string& text, const std::string& source) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false;
  bool record_open = false;
  int line = 1;

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_quotes) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        in_quotes = false;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      record_open = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      record_open = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      record_open = false;
    } else {
      field += c;
      record_open = true;
    }
  }
  if (in_quotes) {
    throw input_error(source + ": unterminated quoted field at the end of the file (line " + std::to_string(line) +
                      ")");
  }
  if (record_open) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

}  // namespace

csv_table parse_csv(const std::string& text, const std::string& source) {
  std::vector<std::vector<std::string>> records = split_records(text, source);
  csv_table table;
  if (records.empty()) return table;

  table.header = std::move(records.front());
  for (std::size_t i = 1; i < records.size(); ++i) {
    if (records[i].size() != table.header.size()) {
      throw input_error(source + ": record " + std::to_string(i + 1) + " has " + std::to_string(records[i].size()) +
                        " fields but the header has " + std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(records[i]));
  }
  return table;
}

csv_table read_csv_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) throw input_error(path + ": cannot open the CSV file for reading");
  std::ostringstream text;
  text << input.rdbuf();
  return parse_csv(text.str(), path);
}

}  // namespace radcore
