#include "tests/parity.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

namespace radcore::testing {

tolerance tolerance_for(const std::string& key) {
  // Default: both implementations evaluate the same formulas in float64; 1e-6 relative is the parity
  // target, and 1e-12 absolute covers values that are exactly 0 in exact arithmetic but come out as
  // rounding residues of about 1e-16 (flat-ROI entropies, for example).
  static const tolerance exact{1e-6, 1e-12, "same formulas in float64"};
  // Small differences of large terms: the absolute error is bounded by the size of the terms, not of
  // the result, so the floor is set relative to the magnitudes involved.
  static const std::map<std::string, tolerance> floors{
      {"glcm_Correlation", {1e-6, 1e-9, "(sum p*i*j - ux*uy) / (sx*sy) cancels where sx*sy is tiny"}},
      {"glcm_ClusterShade", {1e-6, 1e-7, "sum of cubed deviations of opposite sign cancels"}},
      {"glcm_Imc1", {1e-6, 1e-9, "(HXY - HXY1) is a difference of entropies of similar size"}},
      {"glcm_Imc2", {1e-6, 1e-9, "sqrt(1 - exp(-2 (HXY2 - HXY))) of a difference of entropies"}},
      {"firstorder_Skewness", {1e-6, 1e-9, "third central moment cancels for near-symmetric ROIs"}},
  };
  for (const auto& [suffix, value] : floors) {
    if (key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return value;
    }
  }
  return exact;
}

bool is_feature_key(const std::string& key) {
  // PyRadiomics 3.1.0's image type names: original, wavelet-XYZ, waveletN-XYZ, log-sigma-S-mm-3D, square,
  // squareroot, logarithm, exponential, gradient, lbp-2D, lbp-3D-mN and lbp-3D-k.
  static const char* const prefixes[] = {"original_", "wavelet",      "log-sigma-",   "square_",   "squareroot_",
                                         "logarithm_", "exponential_", "gradient_", "lbp-"};
  for (const char* prefix : prefixes) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> compare_with_reference(const std::vector<std::string>& reference_keys,
                                                const std::vector<std::string>& reference_values,
                                                const feature_row& row, bool compare_mcc) {
  std::map<std::string, double> computed;
  for (std::size_t i = 0; i < row.feature_keys.size(); ++i) computed[row.feature_keys[i]] = row.feature_values[i];

  std::map<std::string, std::string> diagnostics;
  for (std::size_t i = 0; i < row.diagnostic_keys.size(); ++i) diagnostics[row.diagnostic_keys[i]] = row.diagnostic_values[i];

  std::vector<std::string> mismatches;
  for (std::size_t i = 0; i < reference_keys.size(); ++i) {
    const std::string& key = reference_keys[i];
    // Image and mask diagnostics are facts of the input (hashes, sizes, bounding boxes, means), so they
    // must be equal as text; versions and the configuration text differ by design.
    if (key.rfind("diagnostics_Image-", 0) == 0 || key.rfind("diagnostics_Mask-", 0) == 0) {
      const auto found = diagnostics.find(key);
      if (found == diagnostics.end()) {
        mismatches.push_back(key + ": missing from radcore's diagnostics");
      } else if (found->second != reference_values[i]) {
        mismatches.push_back(key + ": radcore '" + found->second + "', PyRadiomics '" + reference_values[i] + "'");
      }
      continue;
    }
    if (!is_feature_key(key)) continue;

    const auto found = computed.find(key);
    if (found == computed.end()) {
      mismatches.push_back(key + ": missing from radcore's output");
      continue;
    }
    const double expected = std::strtod(reference_values[i].c_str(), nullptr);
    const double actual = found->second;
    if (std::isnan(expected) && std::isnan(actual)) continue;
    // Where an angle's second eigenvalue is 0 or nearly so, PyRadiomics' epsilon turns it into noise of up to
    // about 7.5e-9 in MCC, and numpy's real-or-complex result decides whether a tiny negative value drops the
    // angle. radcore clips the eigenvalue to 0 and keeps the angle, so those cases get an absolute floor.
    static const tolerance unstable_mcc{0.0, 1e-7, "second eigenvalue at most 1e-9 in some angle"};
    const bool is_mcc = key.size() >= 9 && key.compare(key.size() - 9, 9, "_glcm_MCC") == 0;
    const tolerance t = (!compare_mcc && is_mcc) ? unstable_mcc : tolerance_for(key);
    const double allowed = t.relative * std::fabs(expected) + t.absolute;
    if (!(std::fabs(actual - expected) <= allowed)) {
      std::ostringstream line;
      line.precision(17);
      line << key << ": radcore " << actual << ", PyRadiomics " << expected << " (difference "
           << actual - expected << ", allowed " << allowed << ")";
      mismatches.push_back(line.str());
    }
  }
  for (const auto& [key, value] : computed) {
    bool in_reference = false;
    for (const std::string& reference_key : reference_keys) in_reference = in_reference || reference_key == key;
    if (!in_reference) mismatches.push_back(key + ": computed by radcore but absent from the reference");
  }
  return mismatches;
}

std::string reference_value(const csv_table& table, std::size_t row, const std::string& column) {
  const int index = table.column(column);
  return index < 0 ? std::string() : table.rows[row][std::size_t(index)];
}

std::vector<std::string> reference_feature_keys(const csv_table& table) {
  std::vector<std::string> keys;
  for (const std::string& key : table.header) {
    if (is_feature_key(key)) keys.push_back(key);
  }
  return keys;
}

std::vector<std::string> compare_reference_row(const csv_table& reference, std::size_t row, const feature_row& computed) {
  constexpr double mcc_stable_eigenvalue = 1e-9;
  const std::string eigenvalue = reference_value(reference, row, "reference_mcc_min_second_eigenvalue");
  const bool mcc_stable = !eigenvalue.empty() && std::strtod(eigenvalue.c_str(), nullptr) > mcc_stable_eigenvalue;
  return compare_with_reference(reference.header, reference.rows[row], computed, mcc_stable);
}

}  // namespace radcore::testing
