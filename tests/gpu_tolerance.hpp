// The allowed difference between a feature computed on the GPU and on the CPU, for tests that compare whole
// extractions by feature name. The tolerances are those of the GPU parity tests (tests/gpu/).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

namespace radcore::testing {

// The matrices and filtered images are identical on both backends. The device's log2, pow, exp and sqrt
// differ from glibc's in the last bits, so features get 1e-12 relative with an absolute floor near 0.
inline double gpu_feature_tolerance(const std::string& name, double expected) {
  double floor = 1e-13;
  // Where GLCM's second eigenvalue is 0, MCC is rounding noise of the eigensolver.
  if (name.find("_MCC") != std::string::npos) floor = 1e-7;
  // Imc2's square root near 0 magnifies a last-bit difference of the entropies.
  if (name.find("_Imc2") != std::string::npos) floor = 1e-9;
  // Skewness divides a sum of cubed deviations that cancel for near-symmetric ROIs.
  if (name.find("_Skewness") != std::string::npos) floor = 1e-12;
  return std::max(floor, 1e-12 * std::fabs(expected));
}

}  // namespace radcore::testing
