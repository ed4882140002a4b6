// Shape formulas shared by the CPU backend and the CUDA kernels: mesh terms in
// the operation order of PyRadiomics 3.1.0's radiomics/src/cshape.c, and the
// features of radiomics/shape.py and shape2D.py. Coordinates are physical
// positions in numpy axis order (z, y, x), or (row, column) in 2D.
#pragma once

#include <cmath>

#include "kernels/hd.hpp"

namespace radcore {

inline constexpr double shape_pi = 3.141592653589793;

// Signed volume term a x b . c of one triangle (six times the volume of the
// tetrahedron it spans with the origin), as cshape.c sums it; the mesh volume
// is the sum of these over 6.
RADCORE_HD inline double tetrahedron_volume_term(const double a[3], const double b[3], const double c[3]) {
  const double ab0 = (a[1] * b[2]) - (b[1] * a[2]);
  const double ab1 = (a[2] * b[0]) - (b[2] * a[0]);
  const double ab2 = (a[0] * b[1]) - (b[0] * a[1]);
  return ab0 * c[0] + ab1 * c[1] + ab2 * c[2];
}

// Area of one triangle: half the norm of (a - c) x (b - c), as cshape.c
// computes it.
RADCORE_HD inline double triangle_area(const double a[3], const double b[3], const double c[3]) {
  double u[3];
  double v[3];
  for (int d = 0; d < 3; ++d) {
    u[d] = a[d] - c[d];
    v[d] = b[d] - c[d];
  }
  double w0 = (u[1] * v[2]) - (v[1] * u[2]);
  double w1 = (u[2] * v[0]) - (v[2] * u[0]);
  double w2 = (u[0] * v[1]) - (v[0] * u[1]);
  w0 = w0 * w0;
  w1 = w1 * w1;
  w2 = w2 * w2;
  return 0.5 * std::sqrt(w0 + w1 + w2);
}

// Squared distance between two mesh vertices, summed in (z, y, x) order as
// cshape.c does.
RADCORE_HD inline double squared_distance3(const double a[3], const double b[3]) {
  double d0 = a[0] - b[0];
  double d1 = a[1] - b[1];
  double d2 = a[2] - b[2];
  d0 *= d0;
  d1 *= d1;
  d2 *= d2;
  return d0 + d1 + d2;
}

RADCORE_HD inline double squared_distance2(const double a[2], const double b[2]) {
  double d0 = a[0] - b[0];
  double d1 = a[1] - b[1];
  d0 *= d0;
  d1 *= d1;
  return d0 + d1;
}

// Twice the signed area of the triangle (origin, a, b): cshape.c sums a0 b1 -
// b0 a1 over the contour lines and halves the total.
RADCORE_HD inline double signed_area_term(const double a[2], const double b[2]) {
  return (a[0] * b[1]) - (b[0] * a[1]);
}

// Length of one contour line.
RADCORE_HD inline double line_length(const double a[2], const double b[2]) {
  return std::sqrt(squared_distance2(a, b));
}

// PyRadiomics rounds eigenvalues in (-1e-10, 0) to 0 before taking square roots
// (shape.py, shape2D.py).
RADCORE_HD inline double clip_eigenvalue(double lambda) { return (lambda < 0.0 && lambda > -1e-10) ? 0.0 : lambda; }

// Principal axis length 4 sqrt(lambda); NaN for a negative eigenvalue, as
// shape.py returns.
RADCORE_HD inline double axis_length(double lambda) { return lambda < 0.0 ? NAN : std::sqrt(lambda) * 4.0; }

// sqrt(smaller / larger) for Elongation and Flatness; NaN when either
// eigenvalue is negative.
RADCORE_HD inline double axis_ratio(double smaller, double larger) {
  return (smaller < 0.0 || larger < 0.0) ? NAN : std::sqrt(smaller / larger);
}

// (36 pi V^2)^(1/3), the surface area of a sphere of volume V, in shape.py's
// operation order.
RADCORE_HD inline double sphere_area_for_volume(double volume) {
  return std::pow(36.0 * shape_pi * std::pow(volume, 2.0), 1.0 / 3.0);
}

// Sphericity = (36 pi V^2)^(1/3) / A.
RADCORE_HD inline double sphericity3(double volume, double area) { return sphere_area_for_volume(volume) / area; }

// Compactness1 = V / (A^(3/2) sqrt(pi)) (deprecated in PyRadiomics).
RADCORE_HD inline double compactness1(double volume, double area) {
  return volume / (std::pow(area, 3.0 / 2.0) * std::sqrt(shape_pi));
}

// Compactness2 = 36 pi V^2 / A^3 (deprecated in PyRadiomics).
RADCORE_HD inline double compactness2(double volume, double area) {
  return (36.0 * shape_pi) * std::pow(volume, 2.0) / std::pow(area, 3.0);
}

// SphericalDisproportion = A / (36 pi V^2)^(1/3) (deprecated in PyRadiomics).
RADCORE_HD inline double spherical_disproportion3(double volume, double area) {
  return area / sphere_area_for_volume(volume);
}

// 2D Sphericity = 2 sqrt(pi A) / P (shape2D.py).
RADCORE_HD inline double sphericity2(double surface, double perimeter) {
  return (2.0 * std::sqrt(shape_pi * surface)) / perimeter;
}

// Eigenvalues, ascending, of a symmetric 3x3 matrix by cyclic Jacobi rotations.
// numpy.linalg.eigvals (LAPACK dgeev) reaches the same values to a few units in
// the last place of the largest eigenvalue.
RADCORE_HD inline void symmetric_eigenvalues3(const double matrix[3][3], double out[3]) {
  double a[3][3];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) a[i][j] = matrix[i][j];
  }
  for (int sweep = 0; sweep < 64; ++sweep) {
    const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
    if (off == 0.0) break;
    for (int p = 0; p < 2; ++p) {
      for (int q = p + 1; q < 3; ++q) {
        if (a[p][q] == 0.0) continue;
        // Rotation that zeroes a[p][q] (Golub and Van Loan, Matrix
        // Computations, algorithm 8.4.1).
        const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
        const double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        for (int k = 0; k < 3; ++k) {
          const double akp = a[k][p];
          const double akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; ++k) {
          const double apk = a[p][k];
          const double aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  out[0] = a[0][0];
  out[1] = a[1][1];
  out[2] = a[2][2];
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2 - i; ++j) {
      if (out[j] > out[j + 1]) {
        const double swap = out[j];
        out[j] = out[j + 1];
        out[j + 1] = swap;
      }
    }
  }
}

// Eigenvalues, ascending, of the symmetric 2x2 matrix [[a, b], [b, c]]. The
// smaller one is taken as det / larger so that it keeps its relative precision
// when the two differ by orders of magnitude.
RADCORE_HD inline void symmetric_eigenvalues2(double a, double b, double c, double out[2]) {
  const double half_trace = 0.5 * (a + c);
  const double half_difference = 0.5 * (a - c);
  const double radius = std::sqrt(half_difference * half_difference + b * b);
  const double larger = half_trace + radius;
  const double determinant = a * c - b * b;
  out[1] = larger;
  out[0] = larger != 0.0 ? determinant / larger : 0.0;
}

}  // namespace radcore
