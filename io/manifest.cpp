#include "io/manifest.hpp"

#include <filesystem>
#include <map>

#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

// Parses a whole non-negative integer such as a label; returns nothing for any other text.
std::optional<int> parse_integer(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoi(text);
}

std::string resolve(const std::string& path, const std::filesystem::path& folder) {
  const std::filesystem::path given(path);
  return given.is_absolute() ? path : (folder / given).lexically_normal().string();
}

// Reads the optional integer column `column` of `row`; an invalid value becomes the row's problem.
std::optional<int> read_integer_column(const csv_table& table, const std::string& column, manifest_row& row,
                                       int minimum) {
  const int index = table.column(column);
  if (index < 0 || row.values[index].empty()) return std::nullopt;
  const std::optional<int> value = parse_integer(row.values[index]);
  if (!value || *value < minimum) {
    if (row.problem.empty()) {
      row.problem = "invalid " + column + " '" + row.values[index] + "' (expected a whole number >= " +
                    std::to_string(minimum) + ")";
    }
    return std::nullopt;
  }
  return value;
}

}  // namespace

manifest read_manifest(const std::string& path) {
  if (!std::filesystem::exists(path)) throw input_error(path + ": manifest not found");
  const csv_table table = read_csv_file(path);
  const int image_column = table.column("Image");
  const int mask_column = table.column("Mask");
  if (image_column < 0 || mask_column < 0) {
    std::string found;
    for (const std::string& name : table.header) found += (found.empty() ? "" : ", ") + name;
    throw input_error(path + ": the manifest needs the columns Image and Mask in its header (PyRadiomics' batch "
                      "CSV layout); found: " + (found.empty() ? std::string("no columns") : found));
  }
  if (table.rows.empty()) throw input_error(path + ": the manifest has no data rows, so there is nothing to extract");

  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  manifest result;
  result.path = path;
  result.columns = table.header;
  std::map<std::vector<std::string>, std::int64_t> first_seen;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    manifest_row row;
    row.index = static_cast<std::int64_t>(i);
    row.values = table.rows[i];
    const std::string& image = row.values[image_column];
    const std::string& mask = row.values[mask_column];
    if (image.empty() || mask.empty()) row.problem = "empty Image or Mask path";
    row.image = image.empty() ? "" : resolve(image, folder);
    row.mask = mask.empty() ? "" : resolve(mask, folder);
    row.label = read_integer_column(table, "Label", row, 1);
    row.label_channel = read_integer_column(table, "Label_channel", row, 0);

    const auto [earlier, inserted] = first_seen.emplace(row.values, row.index);
    if (!inserted && row.problem.empty()) {
      // Data rows are numbered from 1 in messages, as a spreadsheet shows them below the header.
      row.problem = "duplicate of manifest row " + std::to_string(earlier->second + 1) +
                    " (every column is the same); remove one of them";
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace radcore
