#include "kernels/angles.hpp"

#include <algorithm>
#include <cstdlib>

namespace radcore {

std::vector<offset3> generate_angles(const extent3& crop, const angle_options& options, bool bidirectional) {
  int max_distance = 0;
  for (int d : options.distances) max_distance = std::max(max_distance, d);

  const int extent[3] = {crop.nz, crop.ny, crop.nx};
  // Components at least as large as the crop are left out anyway, so each axis is walked only up to its
  // extent: a huge distance setting costs nothing. The visiting order stays descending.
  const int reach[3] = {std::min(max_distance, std::max(crop.nz - 1, 0)), std::min(max_distance, std::max(crop.ny - 1, 0)),
                        std::min(max_distance, std::max(crop.nx - 1, 0))};
  std::vector<offset3> angles;
  for (int dz = reach[0]; dz >= -reach[0]; --dz) {
    for (int dy = reach[1]; dy >= -reach[1]; --dy) {
      for (int dx = reach[2]; dx >= -reach[2]; --dx) {
        const int component[3] = {dz, dy, dx};
        const int norm = std::max({std::abs(dz), std::abs(dy), std::abs(dx)});
        if (norm == 0) continue;
        if (std::find(options.distances.begin(), options.distances.end(), norm) == options.distances.end()) continue;

        bool keep = true;
        for (int axis = 0; axis < 3; ++axis) {
          if (std::abs(component[axis]) >= extent[axis]) keep = false;
          if (options.force2d && axis == options.force2d_dimension && component[axis] != 0) keep = false;
        }
        if (keep) angles.push_back({dz, dy, dx});
      }
    }
  }
  // The list is point-symmetric, so its first half contains one offset of each opposite pair.
  if (!bidirectional) angles.resize(angles.size() / 2);
  return angles;
}

}  // namespace radcore
