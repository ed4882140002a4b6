// Comparing radcore's feature rows with PyRadiomics 3.1.0 reference rows, with one tolerance table.
#pragma once

#include <string>
#include <vector>

#include "host/extract.hpp"
#include "io/csv.hpp"

namespace radcore::testing {

// Relative and absolute tolerance of one feature; a value passes when
// |radcore - reference| <= relative * |reference| + absolute.
struct tolerance {
  double relative;
  double absolute;
  const char* reason;
};

// The tolerance for a key such as original_glcm_Correlation.
tolerance tolerance_for(const std::string& key);

// Returns whether a CSV column is a feature: its name starts with one of PyRadiomics' image type names.
bool is_feature_key(const std::string& key);

// Compares every feature key of a reference row, of every image type, with radcore's row and returns one
// line per mismatch (empty when all agree). With compare_mcc false, MCC is compared with an absolute floor
// of 1e-7 only (its reference is unstable where an angle's second eigenvalue is at most 1e-9).
std::vector<std::string> compare_with_reference(const std::vector<std::string>& reference_keys,
                                                const std::vector<std::string>& reference_values,
                                                const feature_row& row, bool compare_mcc);

// Returns the text of `column` in data row `row` of a reference CSV, or "" when the column is absent.
std::string reference_value(const csv_table& table, std::size_t row, const std::string& column);

// Returns the feature keys of a reference CSV's header, in their order.
std::vector<std::string> reference_feature_keys(const csv_table& table);

// Compares data row `row` of a reference CSV with radcore's row. MCC gets the full tolerance only where the
// row's reference_mcc_min_second_eigenvalue exceeds 1e-9: below it PyRadiomics keeps or drops an angle
// depending on numpy's real-or-complex eigenvalue result for all angles together.
std::vector<std::string> compare_reference_row(const csv_table& reference, std::size_t row, const feature_row& computed);

}  // namespace radcore::testing
