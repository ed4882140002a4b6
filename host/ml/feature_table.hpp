// A table of features: one row per case (an ROI, or a patient after joining ROIs), named numeric columns,
// and the non-numeric columns kept as row metadata.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "io/csv.hpp"

namespace radcore::ml {

struct feature_table {
  std::string id_column;                 // the column that names the rows, or "row" for row numbers
  std::vector<std::string> ids;          // one per row
  std::vector<std::string> metadata_names;
  std::vector<std::vector<std::string>> metadata;  // [row][metadata column]
  std::vector<std::string> feature_names;
  Eigen::MatrixXd values;                // rows × features; NaN where a value is empty or "nan"

  std::size_t rows() const { return ids.size(); }
  // Returns the metadata column `name`, or throws input_error naming the table's columns.
  std::vector<std::string> metadata_column(const std::string& name) const;
};

struct table_read_options {
  // Column that names the rows. Empty: the first of patient_id, id, ID, case, Case that exists, else row
  // numbers starting at 1.
  std::string id_column;
  // Name the rows by row number even where an id column exists (for tables with several ROIs per patient
  // that join_rows_by joins afterwards).
  bool number_rows = false;
  // Columns kept as metadata even when they hold numbers (such as a numeric patient id given to --by).
  std::vector<std::string> metadata_columns;
};

// Builds a feature table from a CSV in PyRadiomics batch layout (input columns such as Image, Mask and
// Label, then diagnostics_* columns, then one column per feature). A column is a feature when every value
// reads as a number, "nan" or empty, unless its name starts with "diagnostics_" or it is Image, Mask, Label,
// the id column or one of options.metadata_columns. The other columns become metadata. Throws input_error naming `source` when
// there are no rows, no feature columns, or a repeated id.
feature_table feature_table_from_csv(const csv_table& table, const std::string& source,
                                     const table_read_options& options = {});

// Reads the CSV at `path` with feature_table_from_csv.
feature_table read_feature_table_csv(const std::string& path, const table_read_options& options = {});

// Reads a features table from `path`. Every command reads its FEATURES argument through this function, so
// another format (such as the HDF5 feature store) needs only a branch here.
feature_table read_feature_table(const std::string& path, const table_read_options& options = {});

// Joins the rows that share a value of metadata column `by` (e.g. the ROIs of one patient) into one row
// whose features are named "<label>_<feature>", with <label> taken from column `label_column`. Every
// group must hold the same set of labels, each once; otherwise throws input_error naming the group.
feature_table join_rows_by(const feature_table& table, const std::string& by, const std::string& label_column);

// Returns the columns listed in `names` of `table`, in that order. Throws input_error for a missing name.
feature_table select_features(const feature_table& table, const std::vector<std::string>& names);

// Returns the outcome of each row of `table`, looked up by id in column `outcome_column` of `outcomes`
// (which has the table's id column, or else its first column, as key). Throws input_error listing the
// ids without an outcome or with an empty one.
std::vector<std::string> outcomes_for(const feature_table& table, const csv_table& outcomes,
                                      const std::string& outcome_column, const std::string& source);

// Throws input_error naming the first features (and their rows) that hold NaN or an infinity.
void require_finite(const feature_table& table);

}  // namespace radcore::ml
