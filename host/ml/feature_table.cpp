#include "host/ml/feature_table.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "io/csv.hpp"
#include "io/feature_store.hpp"
#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

bool read_number(const std::string& text, double& value) {
  if (text.empty()) {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  const char* end = text.data() + text.size();
  const auto [last, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && last == end;
}

std::string pick_id_column(const csv_table& table, const table_read_options& options, const std::string& source) {
  if (options.number_rows) return "row";
  if (!options.id_column.empty()) {
    if (table.column(options.id_column) < 0) {
      throw input_error(source + ": id column '" + options.id_column + "' not found in the header");
    }
    return options.id_column;
  }
  for (const char* name : {"patient_id", "id", "ID", "case", "Case"}) {
    if (table.column(name) >= 0) return name;
  }
  return "row";
}

std::string join_list(const std::vector<std::string>& items, std::size_t limit = 5) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) text += (i ? ", " : "") + items[i];
  if (items.size() > limit) text += ", ... (" + std::to_string(items.size()) + " in all)";
  return text;
}

}  // namespace

std::vector<std::string> feature_table::metadata_column(const std::string& name) const {
  for (std::size_t c = 0; c < metadata_names.size(); ++c) {
    if (metadata_names[c] != name) continue;
    std::vector<std::string> column;
    for (const auto& row : metadata) column.push_back(row[c]);
    return column;
  }
  if (name == id_column) return ids;
  throw input_error("features: column '" + name + "' not found among the non-feature columns (" +
                    join_list(metadata_names, 10) + ")");
}

feature_table feature_table_from_csv(const csv_table& table, const std::string& source,
                                     const table_read_options& options) {
  if (table.rows.empty()) throw input_error(source + ": the features table has no rows");
  feature_table result;
  result.id_column = pick_id_column(table, options, source);
  std::set<std::string> reserved{"Image", "Mask", "Label", result.id_column};
  reserved.insert(options.metadata_columns.begin(), options.metadata_columns.end());

  std::vector<std::size_t> feature_columns;
  std::vector<std::size_t> metadata_columns;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    const std::string& name = table.header[c];
    bool numeric = name.rfind("diagnostics_", 0) != 0 && reserved.count(name) == 0;
    bool any_value = false;
    for (std::size_t r = 0; numeric && r < table.rows.size(); ++r) {
      double value = 0.0;
      numeric = read_number(table.rows[r][c], value);
      any_value = any_value || !table.rows[r][c].empty();
    }
    if (numeric && any_value) {
      feature_columns.push_back(c);
    } else if (name != result.id_column) {
      metadata_columns.push_back(c);
    }
  }
  if (feature_columns.empty()) throw input_error(source + ": no numeric feature columns found");

  const int id_index = table.column(result.id_column);
  std::set<std::string> seen;
  result.values.resize(Eigen::Index(table.rows.size()), Eigen::Index(feature_columns.size()));
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string id = id_index >= 0 ? row[std::size_t(id_index)] : std::to_string(r + 1);
    if (!seen.insert(id).second) {
      throw input_error(source + ": id '" + id + "' of column '" + result.id_column +
                        "' appears more than once; pass the column that names each row, or --by to join them");
    }
    result.ids.push_back(id);
    std::vector<std::string> metadata;
    for (std::size_t c : metadata_columns) metadata.push_back(row[c]);
    result.metadata.push_back(metadata);
    for (std::size_t j = 0; j < feature_columns.size(); ++j) {
      double value = 0.0;
      read_number(row[feature_columns[j]], value);
      result.values(Eigen::Index(r), Eigen::Index(j)) = value;
    }
  }
  for (std::size_t c : metadata_columns) result.metadata_names.push_back(table.header[c]);
  for (std::size_t c : feature_columns) result.feature_names.push_back(table.header[c]);
  return result;
}

feature_table read_feature_table_csv(const std::string& path, const table_read_options& options) {
  return feature_table_from_csv(read_csv_file(path), path, options);
}

namespace {

// True for a file that starts with HDF5's signature (a radcore feature store).
bool is_hdf5_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in.gcount() == 8 && std::memcmp(signature, "\x89HDF\r\n\x1a\n", 8) == 0;
}

// The completed rows of a feature store in the layout `radcore export` writes: the manifest's columns,
// Label, then the features (failed rows are left out, as export leaves them out).
csv_table store_as_table(const std::string& path) {
  const store_contents store = read_store(path);
  csv_table table;
  table.header = store.header.metadata_columns;
  table.header.push_back("Label");
  table.header.insert(table.header.end(), store.header.feature_names.begin(), store.header.feature_names.end());
  for (const store_row& row : store.rows) {
    if (row.status != row_status::done) continue;
    std::vector<std::string> fields = row.metadata;
    fields.push_back(std::to_string(row.label));
    for (double value : row.features) fields.push_back(format_double(value));
    table.rows.push_back(std::move(fields));
  }
  return table;
}

}  // namespace

feature_table read_feature_table(const std::string& path, const table_read_options& options) {
  if (is_hdf5_file(path)) return feature_table_from_csv(store_as_table(path), path, options);
  return read_feature_table_csv(path, options);
}

feature_table join_rows_by(const feature_table& table, const std::string& by, const std::string& label_column) {
  const std::vector<std::string> groups = by == table.id_column ? table.ids : table.metadata_column(by);
  const std::vector<std::string> labels = table.metadata_column(label_column);

  std::vector<std::string> order;
  std::map<std::string, std::map<std::string, std::size_t>> rows_of;  // group -> label -> row
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (rows_of.count(groups[r]) == 0) order.push_back(groups[r]);
    if (!rows_of[groups[r]].emplace(labels[r], r).second) {
      throw input_error("features: " + by + " '" + groups[r] + "' has two rows with " + label_column + " " +
                        labels[r] + "; each label may appear once per " + by);
    }
  }
  const std::map<std::string, std::size_t>& first = rows_of[order.front()];
  for (const std::string& group : order) {
    std::set<std::string> expected;
    std::set<std::string> found;
    for (const auto& entry : first) expected.insert(entry.first);
    for (const auto& entry : rows_of[group]) found.insert(entry.first);
    if (expected != found) {
      throw input_error("features: " + by + " '" + group + "' has labels {" +
                        join_list({found.begin(), found.end()}, 20) + "} but '" + order.front() + "' has {" +
                        join_list({expected.begin(), expected.end()}, 20) + "}; every " + by +
                        " needs the same ROIs");
    }
  }

  feature_table joined;
  joined.id_column = by;
  joined.ids = order;
  joined.metadata.assign(order.size(), {});
  const Eigen::Index per_label = Eigen::Index(table.feature_names.size());
  joined.values.resize(Eigen::Index(order.size()), per_label * Eigen::Index(first.size()));
  Eigen::Index block = 0;
  for (const auto& [label, unused] : first) {
    for (const std::string& name : table.feature_names) joined.feature_names.push_back(label + "_" + name);
    for (std::size_t g = 0; g < order.size(); ++g) {
      const std::size_t row = rows_of[order[g]].at(label);
      joined.values.block(Eigen::Index(g), block * per_label, 1, per_label) = table.values.row(Eigen::Index(row));
    }
    ++block;
  }
  return joined;
}

feature_table select_features(const feature_table& table, const std::vector<std::string>& names) {
  feature_table selected = table;
  selected.feature_names = names;
  selected.values.resize(table.values.rows(), Eigen::Index(names.size()));
  for (std::size_t j = 0; j < names.size(); ++j) {
    std::size_t column = 0;
    while (column < table.feature_names.size() && table.feature_names[column] != names[j]) ++column;
    if (column == table.feature_names.size()) {
      throw input_error("features: the model's feature '" + names[j] + "' is not in the table");
    }
    selected.values.col(Eigen::Index(j)) = table.values.col(Eigen::Index(column));
  }
  return selected;
}

std::vector<std::string> outcomes_for(const feature_table& table, const csv_table& outcomes,
                                      const std::string& outcome_column, const std::string& source) {
  const int value_index = outcomes.column(outcome_column);
  if (value_index < 0) throw input_error(source + ": outcome column '" + outcome_column + "' not found");
  int key_index = outcomes.column(table.id_column);
  if (key_index < 0) key_index = 0;
  std::map<std::string, std::string> by_id;
  for (const auto& row : outcomes.rows) by_id[row[std::size_t(key_index)]] = row[std::size_t(value_index)];

  std::vector<std::string> values;
  std::vector<std::string> missing;
  for (const std::string& id : table.ids) {
    const auto found = by_id.find(id);
    if (found == by_id.end() || found->second.empty()) {
      missing.push_back(id);
    } else {
      values.push_back(found->second);
    }
  }
  if (!missing.empty()) {
    throw input_error(source + ": no outcome in column '" + outcome_column + "' for " +
                      std::to_string(missing.size()) + " of " + std::to_string(table.rows()) + " rows (" +
                      table.id_column + " " + join_list(missing) + "); add them or remove those rows");
  }
  return values;
}

void require_finite(const feature_table& table) {
  std::vector<std::string> bad;
  for (Eigen::Index j = 0; j < table.values.cols(); ++j) {
    std::vector<std::string> rows;
    for (Eigen::Index i = 0; i < table.values.rows(); ++i) {
      if (!std::isfinite(table.values(i, j))) rows.push_back(table.ids[std::size_t(i)]);
    }
    if (!rows.empty()) bad.push_back(table.feature_names[std::size_t(j)] + " (" + join_list(rows, 3) + ")");
  }
  if (!bad.empty()) {
    throw input_error("features: " + std::to_string(bad.size()) + " features hold NaN or infinite values: " +
                      join_list(bad, 3) + "; fix the extraction, or pass --drop-non-finite to leave them out");
  }
}

}  // namespace radcore::ml
