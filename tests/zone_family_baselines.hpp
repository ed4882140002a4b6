// Reference data readers for the GLSZM, GLDM and NGTDM tests: PyRadiomics' baseline CSVs and saved
// matrices, the IBSI 1 digital phantom's reference values, and the case settings they were made with.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "kernels/feature_info.hpp"
#include "kernels/texture.hpp"
#include "tests/npy.hpp"
#include "tests/roi_fixtures.hpp"
#include "tests/test_data.hpp"

namespace radcore::testing {

// Splits one CSV line into fields. Double quotes enclose fields that contain commas.
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// A CSV file as rows of fields, the header row first.
inline std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": failed to open");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) rows.push_back(split_csv_line(line));
  }
  return rows;
}

// PyRadiomics' baseline_<class>.csv: one row per key (feature or diagnostic), one column per test case.
struct baseline_table {
  std::map<std::string, std::map<std::string, std::string>> cells;  // cells[key][case]

  const std::string& cell(const std::string& key, const std::string& case_name) const {
    return cells.at(key).at(case_name);
  }
};

inline baseline_table read_baseline_table(const std::string& path) {
  const auto rows = read_csv(path);
  baseline_table table;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    for (std::size_t c = 1; c < rows[r].size() && c < rows[0].size(); ++c) {
      table.cells[rows[r][0]][rows[0][c]] = rows[r][c];
    }
  }
  return table;
}

// Returns the text after "'key': " in a printed Python settings dict, up to the next ", '" or "}".
inline std::string python_dict_entry(const std::string& dict, const std::string& key) {
  const std::string marker = "'" + key + "': ";
  const auto at = dict.find(marker);
  if (at == std::string::npos) return "";
  const auto begin = at + marker.size();
  auto end = dict.find(", '", begin);
  if (end == std::string::npos) end = dict.find('}', begin);
  return dict.substr(begin, end - begin);
}

// The settings of one baseline column, read from its diagnostics_Configuration_Settings row.
struct baseline_case_settings {
  binning_settings binning;
  texture_settings texture;
};

inline baseline_case_settings read_case_settings(const baseline_table& table, const std::string& case_name) {
  const std::string dict = table.cell("diagnostics_Configuration_Settings", case_name);
  baseline_case_settings settings;
  if (const std::string width = python_dict_entry(dict, "binWidth"); !width.empty()) {
    settings.binning.bin_width = std::stod(width);
  }
  if (const std::string count = python_dict_entry(dict, "binCount"); !count.empty()) {
    settings.binning.bin_count = std::stoi(count);
  }
  settings.texture.angles.force2d = python_dict_entry(dict, "force2D") == "True";
  if (const std::string dimension = python_dict_entry(dict, "force2Ddimension"); !dimension.empty()) {
    settings.texture.angles.force2d_dimension = std::stoi(dimension);
  }
  if (const std::string alpha = python_dict_entry(dict, "gldm_a"); !alpha.empty()) {
    settings.texture.gldm_a = std::stoi(alpha);
  }
  const std::string distances = python_dict_entry(dict, "distances");
  if (!distances.empty()) {
    settings.texture.angles.distances.clear();
    std::string digits;
    for (char c : distances + ",") {
      if (c >= '0' && c <= '9') {
        digits += c;
      } else if (!digits.empty()) {
        settings.texture.angles.distances.push_back(std::stoi(digits));
        digits.clear();
      }
    }
  }
  return settings;
}

// Discretised label-1 crop of a PyRadiomics test case ("brain1" or "breast1").
inline discrete_batch load_pyradiomics_case(const std::string& subject, const binning_settings& binning) {
  const roi_batch rois =
      load_shared_roi("pyradiomics/" + subject + "_image.nrrd", "pyradiomics/" + subject + "_label.nrrd", 1);
  return discretise(rois, binning);
}

// Reads a 2D .npy matrix in either memory order and returns it in C order. The GLSZM and GLDM baselines
// are saved in Fortran order, which read_npy rejects, so the header flag is read here and the values
// transposed.
inline npy_array read_npy_matrix(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": failed to open");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string fortran_flag = "'fortran_order': True";
  const auto flag_at = bytes.find(fortran_flag);
  if (flag_at == std::string::npos || flag_at > 256) return read_npy(path);

  // The flag grows by one character. Dropping one padding space before the header's closing newline
  // makes room, so the header length field stays valid.
  const auto header_end = bytes.find('\n', flag_at);
  if (header_end == std::string::npos || bytes[header_end - 1] != ' ') {
    throw std::runtime_error(path + ": no header padding to rewrite the Fortran-order flag");
  }
  bytes.erase(header_end - 1, 1);
  bytes.replace(flag_at, fortran_flag.size(), "'fortran_order': False");
  const std::string c_order_copy = ::testing::TempDir() + "radcore_npy_c_order.npy";
  std::ofstream(c_order_copy, std::ios::binary) << bytes;
  const npy_array column_major = read_npy(c_order_copy);
  if (column_major.shape.size() != 2) throw std::runtime_error(path + ": expected a 2D matrix");

  npy_array matrix = column_major;
  const std::size_t rows = matrix.shape[0];
  const std::size_t columns = matrix.shape[1];
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) matrix.values[r * columns + c] = column_major.values[c * rows + r];
  }
  return matrix;
}

// Drops the columns of a C-order matrix whose entries are all zero.
inline npy_array drop_empty_columns(const npy_array& matrix) {
  const std::size_t rows = matrix.shape[0];
  const std::size_t columns = matrix.shape[1];
  std::vector<std::size_t> present_columns;
  for (std::size_t c = 0; c < columns; ++c) {
    for (std::size_t r = 0; r < rows; ++r) {
      if (matrix.values[r * columns + c] != 0.0) {
        present_columns.push_back(c);
        break;
      }
    }
  }
  npy_array out;
  out.shape = {rows, present_columns.size()};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c : present_columns) out.values.push_back(matrix.values[r * columns + c]);
  }
  return out;
}

// The IBSI 1 digital phantom: a 5x4x4 image of integer grey levels 1..6 and its ROI, discretised with
// bin width 1, which leaves each grey level as its own bin number.
inline discrete_batch load_ibsi_phantom() {
  const roi_batch rois = load_shared_roi("ibsi/digital_phantom/image.nii.gz", "ibsi/digital_phantom/mask.nii.gz", 1);
  binning_settings binning;
  binning.bin_width = 1.0;
  return discretise(rois, binning);
}

// One IBSI reference value and the PyRadiomics feature that computes it.
struct ibsi_reference {
  std::string tag;      // e.g. "szm_sze_3D"
  std::string feature;  // PyRadiomics' name without the class prefix, e.g. "SmallAreaEmphasis"
  double value = 0.0;
};

// Returns the digital phantom's 3D reference values of one PyRadiomics class ("glszm", "gldm", "ngtdm")
// for the features that pyradiomics_mapping.csv maps to PyRadiomics.
inline std::vector<ibsi_reference> read_ibsi_references(const std::string& pyradiomics_class) {
  const std::string folder = (shared_data_dir() / "ibsi" / "digital_phantom").string();
  std::map<std::string, std::string> feature_of_tag;
  const std::string prefix = "original_" + pyradiomics_class + "_";
  for (const auto& row : read_csv(folder + "/pyradiomics_mapping.csv")) {
    if (row.size() < 3 || row[2].rfind(prefix, 0) != 0) continue;
    feature_of_tag[row[0]] = row[2].substr(prefix.size());
  }
  std::vector<ibsi_reference> references;
  for (const auto& row : read_csv(folder + "/reference_values.csv")) {
    if (row.size() < 7 || row[2] != "3D") continue;
    const auto mapped = feature_of_tag.find(row[4]);
    if (mapped == feature_of_tag.end()) continue;
    references.push_back({row[4], mapped->second, std::stod(row[6])});
  }
  return references;
}

// Rounds to `digits` significant digits, as the IBSI digital-phantom values were rounded.
inline double round_significant(double value, int digits) {
  if (value == 0.0 || !std::isfinite(value)) return value;
  const double scale = std::pow(10.0, digits - 1 - int(std::floor(std::log10(std::fabs(value)))));
  return std::round(value * scale) / scale;
}

// A family's batch entry point, such as compute_glszm_features.
using family_features_function = feature_block (*)(const discrete_batch&, const texture_settings&);

// Returns the column of `name` in a family's feature table, or -1.
inline int feature_column(const feature_info* table, int count, const std::string& name) {
  for (int f = 0; f < count; ++f) {
    if (name == table[f].name) return f;
  }
  return -1;
}

// Checks every feature of a family that baseline_<family>.csv lists for `case_name` (such as "brain1_2d")
// within 3 % relative, or exactly where the baseline is 0. The baselines come from PyRadiomics 1.3 and 2.0,
// and PyRadiomics' own test suite accepts the same 3 % against them.
inline void expect_baseline_features(const std::string& family, const feature_info* table, int count,
                                     family_features_function compute, const std::string& case_name) {
  const std::string folder = (shared_data_dir() / "pyradiomics" / "baseline").string();
  const baseline_table baseline = read_baseline_table(folder + "/baseline_" + family + ".csv");
  const baseline_case_settings settings = read_case_settings(baseline, case_name);
  const std::string subject = case_name.substr(0, case_name.find('_'));
  const feature_block block = compute(load_pyradiomics_case(subject, settings.binning), settings.texture);

  int compared = 0;
  for (int f = 0; f < count; ++f) {
    const std::string key = "original_" + family + "_" + table[f].name;
    const auto row = baseline.cells.find(key);
    if (row == baseline.cells.end()) continue;  // deprecated features have no baseline
    const double expected = std::stod(row->second.at(case_name));
    const double actual = block.at(0, f);
    if (expected == 0.0) {
      EXPECT_EQ(actual, 0.0) << key << " in " << case_name;
    } else {
      EXPECT_NEAR(actual, expected, 0.03 * std::fabs(expected)) << key << " in " << case_name;
    }
    ++compared;
  }
  EXPECT_GT(compared, 0) << "no " << family << " feature of " << case_name << " found in the baseline";
}

// Checks a family's 3D features on the IBSI 1 digital phantom against the reference values, after
// rounding to 3 significant digits, for the features that PyRadiomics computes.
inline void expect_ibsi_phantom_features(const std::string& family, const feature_info* table, int count,
                                         family_features_function compute, const texture_settings& settings) {
  const feature_block block = compute(load_ibsi_phantom(), settings);
  const std::vector<ibsi_reference> references = read_ibsi_references(family);
  ASSERT_FALSE(references.empty()) << "no 3D " << family << " reference values found";
  for (const ibsi_reference& reference : references) {
    const int column = feature_column(table, count, reference.feature);
    ASSERT_GE(column, 0) << reference.feature << " is missing from the " << family << " table";
    const double rounded = round_significant(block.at(0, column), 3);
    // The reference is itself rounded to 3 significant digits; the margin only absorbs its decimal parsing.
    EXPECT_NEAR(rounded, reference.value, 1e-9 * std::fabs(reference.value))
        << reference.tag << " (" << reference.feature << "): computed " << block.at(0, column);
  }
}

}  // namespace radcore::testing
