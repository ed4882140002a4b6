// Neighbour offsets ("angles") in PyRadiomics' generation order.
#pragma once

#include <vector>

#include "kernels/roi.hpp"

namespace radcore {

struct angle_options {
  std::vector<int> distances{1};
  bool force2d = false;
  int force2d_dimension = 0;  // numpy order: 0 = z, 1 = y, 2 = x
};

// Returns every offset whose infinity norm is one of `distances`, in descending lexicographic (z, y, x)
// order, as PyRadiomics generates them. Offsets with a component at least as large as the crop along that
// axis are left out, which makes single-slice ROIs two-dimensional; with force2d, offsets that move along
// force2d_dimension are left out too. With bidirectional false only the first half is returned: one of
// each pair of opposite offsets (13 for distance 1 in 3D), as GLCM and GLRLM use them.
std::vector<offset3> generate_angles(const extent3& crop, const angle_options& options, bool bidirectional);

}  // namespace radcore
