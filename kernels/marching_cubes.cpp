#include "kernels/marching_cubes.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "kernels/marching_cubes_table.hpp"
#include "kernels/shape_formulas.hpp"

namespace radcore {

padded_mask pad_mask(const std::uint8_t *mask, int nx, int ny, int nz) {
  padded_mask out;
  out.size = {nz + 2, ny + 2, nx + 2};
  out.inside.assign(std::size_t(out.size[0]) * out.size[1] * out.size[2], 0);
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        const std::size_t source = std::size_t(x) + std::size_t(nx) * (std::size_t(y) + std::size_t(ny) * z);
        const std::size_t target =
            std::size_t(x + 1) + std::size_t(out.size[2]) * (std::size_t(y + 1) + std::size_t(out.size[1]) * (z + 1));
        out.inside[target] = mask[source] ? 1 : 0;
      }
    }
  }
  return out;
}

namespace {

// Physical position of a vertex given by its cube origin and half-voxel code:
// (i + h / 2) * spacing per axis, the sum cshape.c forms from its vertex list.
void cube_vertex(int iz, int iy, int ix, int code, const std::array<double, 3> &spacing, double out[3]) {
  const int half[3] = {code / 9, code / 3 % 3, code % 3};
  const int origin[3] = {iz, iy, ix};
  for (int d = 0; d < 3; ++d) out[d] = (double(origin[d]) + 0.5 * half[d]) * spacing[d];
}

int cube_configuration(const padded_mask &mask, int iz, int iy, int ix) {
  int configuration = 0;
  for (int dz = 0; dz < 2; ++dz) {
    for (int dy = 0; dy < 2; ++dy) {
      for (int dx = 0; dx < 2; ++dx) {
        if (mask.at(iz + dz, iy + dy, ix + dx)) configuration |= 1 << (4 * dz + 2 * dy + dx);
      }
    }
  }
  return configuration;
}

// A mesh vertex in half-voxel grid units (twice the voxel index along each
// axis).
struct grid_point {
  int h[3];
};

// Every edge between an ROI voxel and a background voxel carries one vertex.
std::vector<grid_point> mesh_vertices(const padded_mask &mask) {
  std::vector<grid_point> vertices;
  for (int i0 = 0; i0 < mask.size[0]; ++i0) {
    for (int i1 = 0; i1 < mask.size[1]; ++i1) {
      for (int i2 = 0; i2 < mask.size[2]; ++i2) {
        const int here = mask.at(i0, i1, i2);
        if (i0 + 1 < mask.size[0] && mask.at(i0 + 1, i1, i2) != here)
          vertices.push_back({{2 * i0 + 1, 2 * i1, 2 * i2}});
        if (i1 + 1 < mask.size[1] && mask.at(i0, i1 + 1, i2) != here)
          vertices.push_back({{2 * i0, 2 * i1 + 1, 2 * i2}});
        if (i2 + 1 < mask.size[2] && mask.at(i0, i1, i2 + 1) != here)
          vertices.push_back({{2 * i0, 2 * i1, 2 * i2 + 1}});
      }
    }
  }
  return vertices;
}

std::int64_t cross(const int o[2], const int a[2], const int b[2]) {
  return std::int64_t(a[0] - o[0]) * (b[1] - o[1]) - std::int64_t(a[1] - o[1]) * (b[0] - o[0]);
}

// Indices (into `points`) of the vertices of the 2D convex hull, by Andrew's
// monotone chain. Points on hull edges are dropped; they cannot be farther from
// any point than both ends of their edge.
std::vector<int> convex_hull(const std::vector<std::array<int, 2>> &points) {
  std::vector<int> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return points[std::size_t(a)] < points[std::size_t(b)]; });
  if (order.size() < 3) return order;
  std::vector<int> hull(2 * order.size());
  std::size_t k = 0;
  const auto build = [&](std::size_t start, std::size_t limit, auto next) {
    for (std::size_t step = 0; step < limit; ++step) {
      const int i = next(step);
      while (k >= start + 2 && cross(points[std::size_t(hull[k - 2])].data(), points[std::size_t(hull[k - 1])].data(),
                                     points[std::size_t(i)].data()) <= 0) {
        --k;
      }
      hull[k++] = i;
    }
  };
  build(0, order.size(), [&](std::size_t s) { return order[s]; });
  const std::size_t lower = k;
  build(lower - 1, order.size() - 1, [&](std::size_t s) { return order[order.size() - 2 - s]; });
  hull.resize(k - 1);
  return hull;
}

void physical_position(const grid_point &p, const std::array<double, 3> &spacing, double out[3]) {
  for (int d = 0; d < 3; ++d) out[d] = (double(p.h[d]) * 0.5) * spacing[d];
}

// Largest squared distance over all pairs of `candidates`.
double max_squared_distance(const std::vector<grid_point> &candidates, const std::array<double, 3> &spacing) {
  std::vector<std::array<double, 3>> positions(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) physical_position(candidates[i], spacing, positions[i].data());
  double best = 0.0;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      best = std::max(best, squared_distance3(positions[i].data(), positions[j].data()));
  }
  return best;
}

// Groups vertices by their coordinate along `axis` and marks those on the
// convex hull of their plane. Returns the largest squared distance within one
// plane; `on_hull[i]` is cleared for interior vertices.
double plane_diameters(const std::vector<grid_point> &vertices, int axis, const std::array<double, 3> &spacing,
                       std::vector<char> &on_hull) {
  std::map<int, std::vector<int>> planes;
  for (std::size_t i = 0; i < vertices.size(); ++i) planes[vertices[i].h[axis]].push_back(int(i));
  const int u = axis == 0 ? 1 : 0;
  const int v = axis == 2 ? 1 : 2;
  double best = 0.0;
  for (const auto &[level, members] : planes) {
    std::vector<std::array<int, 2>> projected(members.size());
    for (std::size_t m = 0; m < members.size(); ++m) {
      const grid_point &p = vertices[std::size_t(members[m])];
      projected[m] = {p.h[u], p.h[v]};
    }
    std::vector<char> keep(members.size(), 0);
    std::vector<grid_point> hull_points;
    for (const int h : convex_hull(projected)) {
      keep[std::size_t(h)] = 1;
      hull_points.push_back(vertices[std::size_t(members[std::size_t(h)])]);
    }
    for (std::size_t m = 0; m < members.size(); ++m) {
      if (!keep[m]) on_hull[std::size_t(members[m])] = 0;
    }
    best = std::max(best, max_squared_distance(hull_points, spacing));
  }
  return best;
}

}  // namespace

mesh_measures marching_cubes_measures(const padded_mask &mask, const std::array<double, 3> &spacing_zyx) {
  mesh_measures out;
  double volume_sum = 0.0;
  for (int iz = 0; iz + 1 < mask.size[0]; ++iz) {
    for (int iy = 0; iy + 1 < mask.size[1]; ++iy) {
      for (int ix = 0; ix + 1 < mask.size[2]; ++ix) {
        const cube_triangles &cube = marching_cubes_table[cube_configuration(mask, iz, iy, ix)];
        for (int t = 0; t < cube.count; ++t) {
          double a[3];
          double b[3];
          double c[3];
          cube_vertex(iz, iy, ix, cube.vertex[t][0], spacing_zyx, a);
          cube_vertex(iz, iy, ix, cube.vertex[t][1], spacing_zyx, b);
          cube_vertex(iz, iy, ix, cube.vertex[t][2], spacing_zyx, c);
          volume_sum += tetrahedron_volume_term(a, b, c);
          out.surface_area += triangle_area(a, b, c);
        }
      }
    }
  }
  out.volume = volume_sum / 6;
  return out;
}

std::array<double, 4> mesh_diameters(const padded_mask &mask, const std::array<double, 3> &spacing_zyx) {
  const std::vector<grid_point> vertices = mesh_vertices(mask);
  std::vector<char> on_hull(vertices.size(), 1);
  std::array<double, 4> squared{};
  for (int axis = 0; axis < 3; ++axis)
    squared[std::size_t(axis)] = plane_diameters(vertices, axis, spacing_zyx, on_hull);
  // A vertex inside the hull of its own z, y or x plane is inside the 3D hull
  // too.
  std::vector<grid_point> candidates;
  for (std::size_t i = 0; i < vertices.size(); ++i) {
    if (on_hull[i]) candidates.push_back(vertices[i]);
  }
  squared[3] = max_squared_distance(candidates, spacing_zyx);
  std::array<double, 4> out{};
  for (int k = 0; k < 4; ++k) out[std::size_t(k)] = std::sqrt(squared[std::size_t(k)]);
  return out;
}

contour_measures marching_squares_measures(const padded_mask &mask, const std::array<double, 2> &spacing) {
  contour_measures out;
  double surface_sum = 0.0;
  for (int ir = 0; ir + 1 < mask.size[1]; ++ir) {
    for (int ic = 0; ic + 1 < mask.size[2]; ++ic) {
      int configuration = 0;
      for (int dr = 0; dr < 2; ++dr) {
        for (int dc = 0; dc < 2; ++dc) {
          if (mask.at(0, ir + dr, ic + dc)) configuration |= 1 << (2 * dr + dc);
        }
      }
      const square_lines &square = marching_squares_table[configuration];
      for (int l = 0; l < square.count; ++l) {
        double a[2];
        double b[2];
        const int origin[2] = {ir, ic};
        for (int d = 0; d < 2; ++d) {
          const int half_a = d == 0 ? square.vertex[l][0] / 3 : square.vertex[l][0] % 3;
          const int half_b = d == 0 ? square.vertex[l][1] / 3 : square.vertex[l][1] % 3;
          a[d] = (double(origin[d]) + 0.5 * half_a) * spacing[std::size_t(d)];
          b[d] = (double(origin[d]) + 0.5 * half_b) * spacing[std::size_t(d)];
        }
        surface_sum += signed_area_term(a, b);
        out.perimeter += line_length(a, b);
      }
    }
  }
  out.surface = surface_sum / 2;
  return out;
}

double contour_diameter(const padded_mask &mask, const std::array<double, 2> &spacing) {
  const std::vector<grid_point> vertices = mesh_vertices(mask);
  std::vector<std::array<int, 2>> projected(vertices.size());
  for (std::size_t i = 0; i < vertices.size(); ++i) projected[i] = {vertices[i].h[1], vertices[i].h[2]};
  std::vector<std::array<double, 2>> positions;
  for (const int h : convex_hull(projected)) {
    positions.push_back({(double(projected[std::size_t(h)][0]) * 0.5) * spacing[0],
                         (double(projected[std::size_t(h)][1]) * 0.5) * spacing[1]});
  }
  double best = 0.0;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      best = std::max(best, squared_distance2(positions[i].data(), positions[j].data()));
  }
  return std::sqrt(best);
}

}  // namespace radcore
