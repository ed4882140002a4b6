// GLCM feature formulas of PyRadiomics 3.1.0 (radiomics/glcm.py) for one normalised co-occurrence matrix, written
// over plain pointers so that the CPU backend and CUDA kernels share them. No allocation, no exceptions: callers
// pass scratch buffers of the sizes stated at each function.
//
// Notation as in PyRadiomics' class documentation: p(i,j) is the normalised matrix of n present grey levels,
// i and j are the bin numbers of those levels (not 0..n-1), Ng is the largest bin number, px and py are the
// marginals, p_{x+y}(k) for k = 2..2Ng and p_{x-y}(k) for k = 0..Ng-1 group p by i+j and |i-j|.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"

namespace radcore {

// Sums values[0], values[stride], ... as numpy's pairwise_sum does along a contiguous axis of at most 128 elements
// (numpy/core/src/umath/loops_utils.h.src). Below 8 elements it adds in order. Otherwise it keeps 8 partial sums,
// combines them as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) and adds the remainder in order.
// radcore uses it where PyRadiomics reduces over angles (at most 13 for distance 1, or 49 more for distance 2).
RADCORE_HD inline double numpy_pairwise_sum(const double* values, std::int64_t count, std::int64_t stride = 1) {
  if (count < 8) {
    double sum = 0.0;
    for (std::int64_t i = 0; i < count; ++i) sum += values[i * stride];
    return sum;
  }
  double r[8];
  for (int k = 0; k < 8; ++k) r[k] = values[k * stride];
  std::int64_t i = 8;
  for (; i < count - (count % 8); i += 8) {
    for (int k = 0; k < 8; ++k) r[k] += values[(i + k) * stride];
  }
  double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < count; ++i) sum += values[i * stride];
  return sum;
}

// numpy.nanmean of `count` values: NaN entries count as absent (they are set to 0 in place) and the others
// are summed in numpy's pairwise order. Returns NaN when every value is NaN, as nanmean does. GLCM and GLRLM
// average their per-angle features with it.
RADCORE_HD inline double nan_mean_in_place(double* values, std::int64_t count) {
  std::int64_t valid = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    if (values[i] != values[i]) {
      values[i] = 0.0;
    } else {
      ++valid;
    }
  }
  if (valid == 0) return NAN;
  return numpy_pairwise_sum(values, count) / double(valid);
}

namespace glcm {

// numpy.spacing(1), which PyRadiomics adds inside every log2 and to the MCC and Correlation denominators.
constexpr double eps = 2.220446049250313e-16;

// Column order of glcm_feature_table (PyRadiomics' method names sorted as Python sorts strings).
enum feature : int {
  autocorrelation,
  cluster_prominence,
  cluster_shade,
  cluster_tendency,
  contrast,
  correlation,
  difference_average,
  difference_entropy,
  difference_variance,
  dissimilarity,
  homogeneity1,
  homogeneity2,
  id,
  idm,
  idmn,
  idn,
  imc1,
  imc2,
  inverse_variance,
  joint_average,
  joint_energy,
  joint_entropy,
  mcc,
  maximum_probability,
  sum_average,
  sum_entropy,
  sum_squares,
  sum_variance,
  feature_count
};

// Scratch doubles angle_features needs: px and py (n each), p_{x+y} (2Ng - 1) and p_{x-y} (Ng).
RADCORE_HD inline std::int64_t angle_scratch_size(std::int64_t n, std::int64_t ng) { return 2 * n + 3 * ng; }

// Computes every feature except MCC (left untouched in `out`) from one normalised matrix p (n x n, row-major,
// sums to 1). `grey` contains the bin numbers of the n levels, `ng` the largest bin number. `out` has feature_count
// entries. Each formula below is the one PyRadiomics' getXFeatureValue evaluates, in the same association order.
RADCORE_HD inline void angle_features(const double* p, std::int64_t n, const double* grey, std::int64_t ng,
                                      double* scratch, double* out) {
  double* px = scratch;
  double* py = scratch + n;
  double* sum_dist = scratch + 2 * n;           // p_{x+y}(k), k = 2..2Ng at index k - 2
  double* diff_dist = scratch + 2 * n + 2 * ng - 1;  // p_{x-y}(k), k = 0..Ng-1 at index k
  for (std::int64_t i = 0; i < n; ++i) px[i] = py[i] = 0.0;
  for (std::int64_t k = 0; k < 3 * ng - 1; ++k) sum_dist[k] = 0.0;

  // Marginals, means and the grouped distributions (PyRadiomics _calculateCoefficients).
  double ux = 0.0, uy = 0.0, hxy = 0.0, energy = 0.0, max_p = 0.0, autocorr = 0.0;
  double contrast_sum = 0.0, dissimilarity_sum = 0.0, homogeneity1_sum = 0.0, homogeneity2_sum = 0.0;
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < n; ++c) {
      const double v = p[r * n + c];
      const double gi = grey[r], gj = grey[c];
      px[r] += v;
      py[c] += v;
      ux += gi * v;
      uy += gj * v;
      if (v != 0.0) hxy += v * std::log2(v + eps);  // a zero term adds nothing; skipping it saves the log2
      energy += v * v;
      if (v > max_p) max_p = v;
      autocorr += v * (gi * gj);
      const double d = std::fabs(gi - gj);
      contrast_sum += v * (d * d);
      dissimilarity_sum += d * v;
      homogeneity1_sum += v / (1.0 + d);
      homogeneity2_sum += v / (1.0 + d * d);
      sum_dist[std::int64_t(gi + gj) - 2] += v;
      diff_dist[std::int64_t(d)] += v;
    }
  }
  hxy = -hxy;

  // Moments about the means, HXY1 and HXY2 (glcm.py getClusterXFeatureValue, getCorrelation, getImc1/2).
  double prominence = 0.0, shade = 0.0, tendency = 0.0, variance_sum = 0.0, sigx2 = 0.0, sigy2 = 0.0, corm = 0.0;
  double hxy1 = 0.0, hxy2 = 0.0;
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < n; ++c) {
      const double v = p[r * n + c];
      const double gi = grey[r], gj = grey[c];
      if (v != 0.0) {  // zero terms add nothing; skipping them saves pow and log2 on sparse matrices
        const double centred = ((gi + gj) - ux) - uy;
        prominence += v * std::pow(centred, 4.0);  // numpy evaluates x ** 3 and x ** 4 with pow
        shade += v * std::pow(centred, 3.0);
        tendency += v * (centred * centred);
        variance_sum += v * ((gi - ux) * (gi - ux));
        sigx2 += v * ((gi - ux) * (gi - ux));
        sigy2 += v * ((gj - uy) * (gj - uy));
        corm += (v * (gi - ux)) * (gj - uy);
      }
      const double pxy = px[r] * py[c];
      if (pxy == 0.0) continue;  // v is 0 too: both terms are 0
      const double log_pxy = std::log2(pxy + eps);
      hxy1 += v * log_pxy;
      hxy2 += pxy * log_pxy;
    }
  }
  hxy1 = -hxy1;
  hxy2 = -hxy2;
  double hx = 0.0, hy = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    hx += px[i] * std::log2(px[i] + eps);
    hy += py[i] * std::log2(py[i] + eps);
  }
  hx = -hx;
  hy = -hy;

  out[autocorrelation] = autocorr;
  out[cluster_prominence] = prominence;
  out[cluster_shade] = shade;
  out[cluster_tendency] = tendency;
  out[contrast] = contrast_sum;

  // Correlation = (sum p(i,j)(i-ux)(j-uy)) / (sigma_x sigma_y + eps), and 1 where sigma_x sigma_y = 0.
  const double sigxy = std::sqrt(sigx2) * std::sqrt(sigy2);
  out[correlation] = sigxy == 0.0 ? 1.0 : corm / (sigxy + eps);

  // Sums over k of p_{x-y}(k): difference average, entropy and variance, the inverse differences (IBSI
  // definitions; Idmn and Idn normalise k by Ng, the largest bin number, as PyRadiomics does).
  double diff_avg = 0.0, diff_ent = 0.0, id_sum = 0.0, idm_sum = 0.0, idmn_sum = 0.0, idn_sum = 0.0, inv_var = 0.0;
  const double ng_real = double(ng);
  for (std::int64_t k = 0; k < ng; ++k) {
    const double v = diff_dist[k];
    const double kr = double(k);
    diff_avg += kr * v;
    diff_ent += v * std::log2(v + eps);
    id_sum += v / (1.0 + kr);
    idm_sum += v / (1.0 + kr * kr);
    idmn_sum += v / (1.0 + (kr * kr) / (ng_real * ng_real));
    idn_sum += v / (1.0 + kr / ng_real);
    if (k > 0) inv_var += v / (kr * kr);  // k = 0 skipped (division by zero), as in PyRadiomics
  }
  double diff_var = 0.0;
  for (std::int64_t k = 0; k < ng; ++k) diff_var += diff_dist[k] * ((double(k) - diff_avg) * (double(k) - diff_avg));
  out[difference_average] = diff_avg;
  out[difference_entropy] = -diff_ent;
  out[difference_variance] = diff_var;

  // Deprecated in PyRadiomics, which computes no value for them. radcore evaluates the definitions in their
  // docstrings: Dissimilarity = sum |i-j| p, Homogeneity1 = sum p / (1 + |i-j|), Homogeneity2 = sum p / (1 + |i-j|^2).
  out[dissimilarity] = dissimilarity_sum;
  out[homogeneity1] = homogeneity1_sum;
  out[homogeneity2] = homogeneity2_sum;

  out[id] = id_sum;
  out[idm] = idm_sum;
  out[idmn] = idmn_sum;
  out[idn] = idn_sum;

  // Imc1 = (HXY - HXY1) / max(HX, HY), 0 where that maximum is 0.
  const double div = hx > hy ? hx : hy;
  out[imc1] = div != 0.0 ? (hxy - hxy1) / div : 0.0;
  // Imc2 = sqrt(1 - e^(-2 (HXY2 - HXY))), 0 where HXY2 == HXY; NaN where HXY > HXY2 (numpy's real square root of
  // a negative number), which the average over angles then skips. numpy evaluates e ** x as pow(e, x).
  out[imc2] = hxy2 == hxy ? 0.0 : std::sqrt(1.0 - std::pow(2.718281828459045, -2.0 * (hxy2 - hxy)));

  out[inverse_variance] = inv_var;
  out[joint_average] = ux;
  out[joint_energy] = energy;
  out[joint_entropy] = hxy;
  out[maximum_probability] = max_p;

  // Sums over k of p_{x+y}(k): sum average, entropy, and the deprecated sum variance (= cluster tendency).
  double sum_avg = 0.0, sum_ent = 0.0;
  for (std::int64_t k = 0; k < 2 * ng - 1; ++k) {
    const double v = sum_dist[k];
    sum_avg += double(k + 2) * v;
    sum_ent += v * std::log2(v + eps);
  }
  double sum_var = 0.0;
  for (std::int64_t k = 0; k < 2 * ng - 1; ++k) {
    sum_var += ((double(k + 2) - sum_avg) * (double(k + 2) - sum_avg)) * sum_dist[k];
  }
  out[sum_average] = sum_avg;
  out[sum_entropy] = -sum_ent;
  out[sum_squares] = variance_sum;
  out[sum_variance] = sum_var;
}


// ---------------------------------------------------------------------------------------------------------------
// Maximal correlation coefficient.
//
// PyRadiomics defines MCC = sqrt(second largest eigenvalue of Q), Q(i,j) = sum_k p(i,k) p(j,k) / (px(i) py(k) + eps),
// and takes the eigenvalues with numpy.linalg.eigvals (a general, non-symmetric solver). Without eps, Q equals
// D^(-1/2) S D^(1/2) with D = diag(px) and S = A A^T, A(i,k) = p(i,k) / sqrt(px(i) py(k)): S is symmetric positive
// semi-definite, so its eigenvalues are real and a symmetric solver finds them. radcore
//   1. splits the rows with px > 0 into groups that share no column of p (connected components); S is block
//      diagonal over them, and each block's largest eigenvalue is 1;
//   2. finds the two largest eigenvalues of each block by Householder tridiagonalisation and Sturm bisection;
//   3. adds to the second largest eigenvalue the first-order effect of PyRadiomics' eps: with the right and
//      left eigenvectors r = D^(-1/2) v and l = D^(1/2) v of the eps-free Q (v from inverse iteration on S),
//      the shift is l^T (Q - Q0) r;
//   4. clips a negative result to 0 (radcore's rule: the angle is kept, MCC 0).
// Where the exact second eigenvalue is 0, PyRadiomics reports the rounding noise of numpy's solver (about 7.45e-9
// after the square root, as reported for PyRadiomics). radcore then reports its own rounding noise or 0, so compare
// MCC with an absolute floor of about 1e-7 there.
// The correction moved the second eigenvalue by 1e-16 to 4e-11 on the PyRadiomics brain1 and breast1 cases and
// brought brain1's MCC from 3e-12 to 6e-16 relative of PyRadiomics' baseline value.
// Rare level pairs (small px py) make the correction larger.

// Finds the eigenvalues of the symmetric m x m matrix `a` (row-major, overwritten) by cyclic Jacobi rotations in
// the fixed order (0,1), (0,2), ..., (m-2,m-1). Sweeps stop once the off-diagonal sum of squares is below 1e-30
// times the squared Frobenius norm, or after 100 sweeps. `vectors` (m x m, may be null) receives the eigenvectors
// as columns, and `values` the eigenvalues, unsorted.
RADCORE_HD inline void jacobi_eigen(double* a, std::int64_t m, double* values, double* vectors) {
  if (vectors) {
    for (std::int64_t i = 0; i < m * m; ++i) vectors[i] = 0.0;
    for (std::int64_t i = 0; i < m; ++i) vectors[i * m + i] = 1.0;
  }
  double norm2 = 0.0;
  for (std::int64_t i = 0; i < m * m; ++i) norm2 += a[i] * a[i];
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::int64_t p = 0; p < m; ++p) {
      for (std::int64_t q = p + 1; q < m; ++q) off += a[p * m + q] * a[p * m + q];
    }
    if (off <= 1e-30 * norm2) break;
    for (std::int64_t p = 0; p < m; ++p) {
      for (std::int64_t q = p + 1; q < m; ++q) {
        const double apq = a[p * m + q];
        if (apq == 0.0) continue;
        // Rotation angle that zeroes a(p,q): t = tan(phi), theta = cot(2 phi) (Rutishauser's stable form).
        const double theta = (a[q * m + q] - a[p * m + p]) / (2.0 * apq);
        const double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        a[p * m + p] -= t * apq;
        a[q * m + q] += t * apq;
        a[p * m + q] = a[q * m + p] = 0.0;
        for (std::int64_t k = 0; k < m; ++k) {
          if (k == p || k == q) continue;
          const double akp = a[k * m + p], akq = a[k * m + q];
          a[k * m + p] = a[p * m + k] = c * akp - s * akq;
          a[k * m + q] = a[q * m + k] = s * akp + c * akq;
        }
        if (vectors) {
          for (std::int64_t k = 0; k < m; ++k) {
            const double vkp = vectors[k * m + p], vkq = vectors[k * m + q];
            vectors[k * m + p] = c * vkp - s * vkq;
            vectors[k * m + q] = s * vkp + c * vkq;
          }
        }
      }
    }
  }
  for (std::int64_t i = 0; i < m; ++i) values[i] = a[i * m + i];
}

// Running largest and second largest of the values added, with the tags they were added with (-1 until set).
struct top_two {
  double first = -1e300, second = -1e300;
  std::int64_t first_at = -1, second_at = -1;

  RADCORE_HD void add(double value, std::int64_t at) {
    if (value > first) {
      second = first;
      second_at = first_at;
      first = value;
      first_at = at;
    } else if (value > second) {
      second = value;
      second_at = at;
    }
  }
};

// Scratch for mcc_angle: doubles and 64-bit integers, for n present levels.
RADCORE_HD inline std::int64_t mcc_scratch_doubles(std::int64_t n) { return n * n + (n * n + 4 * n) + 4 * n; }
RADCORE_HD inline std::int64_t mcc_scratch_indices(std::int64_t n) { return 3 * n; }

RADCORE_HD inline std::int64_t group_root(const std::int64_t* label, std::int64_t r) {
  while (label[r] != r) r = label[r];
  return r;
}

// Labels each row r with px[r] > 0 by the smallest row it shares a column with, transitively (union-find), and
// rows with px[r] == 0 by -1. Returns the number of groups.
RADCORE_HD inline std::int64_t label_row_groups(const double* p, std::int64_t n, const double* px,
                                                std::int64_t* label, std::int64_t* first_row_in_column) {
  for (std::int64_t r = 0; r < n; ++r) label[r] = px[r] > 0.0 ? r : -1;
  for (std::int64_t c = 0; c < n; ++c) first_row_in_column[c] = -1;
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < n; ++c) {
      if (p[r * n + c] == 0.0) continue;
      if (first_row_in_column[c] < 0) {
        first_row_in_column[c] = r;
        continue;
      }
      const std::int64_t a = group_root(label, r), b = group_root(label, first_row_in_column[c]);
      if (a < b) label[b] = a;
      if (b < a) label[a] = b;
    }
  }
  std::int64_t groups = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    if (label[r] < 0) continue;
    label[r] = group_root(label, r);
    if (label[r] == r) ++groups;
  }
  return groups;
}

// Writes S = A A^T for the rows `rows` (m of them) into s (m x m), with a (m x n) = the rows of A.
RADCORE_HD inline void fill_block(const double* p, std::int64_t n, const double* px, const double* py,
                                  const std::int64_t* rows, std::int64_t m, double* a, double* s) {
  for (std::int64_t b = 0; b < m; ++b) {
    const std::int64_t r = rows[b];
    for (std::int64_t c = 0; c < n; ++c) {
      const double v = p[r * n + c];
      a[b * n + c] = v == 0.0 ? 0.0 : v / std::sqrt(px[r] * py[c]);
    }
  }
  if (!s) return;
  for (std::int64_t x = 0; x < m; ++x) {
    for (std::int64_t y = x; y < m; ++y) {
      double dot = 0.0;
      for (std::int64_t c = 0; c < n; ++c) dot += a[x * n + c] * a[y * n + c];
      s[x * m + y] = s[y * m + x] = dot;
    }
  }
}

// Reduces the symmetric m x m matrix `s` (row-major, overwritten) to tridiagonal form by Householder reflections
// and writes its diagonal to `diagonal` (m) and sub-diagonal to `off` (m - 1). `v` and `q` are m-element scratch.
RADCORE_HD inline void householder_tridiagonal(double* s, std::int64_t m, double* diagonal, double* off, double* v,
                                               double* q) {
  for (std::int64_t k = 0; k + 2 < m; ++k) {
    const std::int64_t len = m - k - 1;  // the trailing block starts at row and column k + 1
    double norm2 = 0.0;
    for (std::int64_t i = 0; i < len; ++i) norm2 += s[(k + 1 + i) * m + k] * s[(k + 1 + i) * m + k];
    if (norm2 == 0.0) continue;
    const double x0 = s[(k + 1) * m + k];
    const double alpha = x0 >= 0.0 ? -std::sqrt(norm2) : std::sqrt(norm2);
    for (std::int64_t i = 0; i < len; ++i) v[i] = s[(k + 1 + i) * m + k];
    v[0] -= alpha;
    double vv = 0.0;
    for (std::int64_t i = 0; i < len; ++i) vv += v[i] * v[i];
    if (vv == 0.0) continue;
    // H = I - 2 v v^T / (v^T v); B <- H B H as B - v w^T - w v^T with w = p - (v^T p / v^T v) v and
    // p = 2 B v / v^T v.
    double vp = 0.0;
    for (std::int64_t i = 0; i < len; ++i) {
      double dot = 0.0;
      for (std::int64_t j = 0; j < len; ++j) dot += s[(k + 1 + i) * m + (k + 1 + j)] * v[j];
      q[i] = 2.0 * dot / vv;
      vp += v[i] * q[i];
    }
    const double k_factor = vp / vv;
    for (std::int64_t i = 0; i < len; ++i) q[i] -= k_factor * v[i];
    for (std::int64_t i = 0; i < len; ++i) {
      for (std::int64_t j = 0; j < len; ++j) s[(k + 1 + i) * m + (k + 1 + j)] -= v[i] * q[j] + q[i] * v[j];
    }
    s[(k + 1) * m + k] = s[k * m + k + 1] = alpha;
    for (std::int64_t i = 1; i < len; ++i) s[(k + 1 + i) * m + k] = s[k * m + k + 1 + i] = 0.0;
  }
  for (std::int64_t i = 0; i < m; ++i) diagonal[i] = s[i * m + i];
  for (std::int64_t i = 0; i + 1 < m; ++i) off[i] = s[(i + 1) * m + i];
}

// Number of eigenvalues below x of the symmetric tridiagonal matrix (Sturm sequence count).
RADCORE_HD inline std::int64_t eigenvalues_below(const double* diagonal, const double* off, std::int64_t m, double x) {
  std::int64_t count = 0;
  double q = 1.0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double e2 = i > 0 ? off[i - 1] * off[i - 1] : 0.0;
    q = (diagonal[i] - x) - (i > 0 ? e2 / q : 0.0);
    if (q == 0.0) q = -1e-300;  // a pivot of exactly zero counts as negative, as in LAPACK's dstebz
    if (q < 0.0) ++count;
  }
  return count;
}

// Eigenvalue number `rank` in ascending order (0-based) of the tridiagonal matrix, by bisection to machine
// precision between Gershgorin bounds.
RADCORE_HD inline double tridiagonal_eigenvalue(const double* diagonal, const double* off, std::int64_t m,
                                                std::int64_t rank) {
  double lo = 0.0, hi = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double radius = (i > 0 ? std::fabs(off[i - 1]) : 0.0) + (i + 1 < m ? std::fabs(off[i]) : 0.0);
    if (i == 0 || diagonal[i] - radius < lo) lo = diagonal[i] - radius;
    if (i == 0 || diagonal[i] + radius > hi) hi = diagonal[i] + radius;
  }
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (eigenvalues_below(diagonal, off, m, mid) > rank) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// First-order change of the eigenvalue with S-eigenvector v (on rows `rows`) when eps enters Q as PyRadiomics adds
// it: sum_k [sum_i l_i p(i,k) d(i,k)] [sum_j p(j,k) r_j], d(i,k) = -eps / (x (x + eps)), x = px(i) py(k).
RADCORE_HD inline double eps_shift(const double* p, std::int64_t n, const double* px, const double* py,
                                   const std::int64_t* rows, std::int64_t m, const double* v, std::int64_t v_stride,
                                   double* left_sum, double* right_sum) {
  for (std::int64_t c = 0; c < n; ++c) left_sum[c] = right_sum[c] = 0.0;
  for (std::int64_t b = 0; b < m; ++b) {
    const std::int64_t r = rows[b];
    const double left = v[b * v_stride] * std::sqrt(px[r]);
    const double right = v[b * v_stride] / std::sqrt(px[r]);
    for (std::int64_t c = 0; c < n; ++c) {
      const double value = p[r * n + c];
      if (value == 0.0) continue;
      const double x = px[r] * py[c];
      left_sum[c] += left * value * (-eps / (x * (x + eps)));
      right_sum[c] += value * right;
    }
  }
  double shift = 0.0;
  for (std::int64_t c = 0; c < n; ++c) shift += left_sum[c] * right_sum[c];
  return shift;
}

// Two largest eigenvalues of one row group's block of S, by Householder tridiagonalisation and Sturm bisection
// (about 2 m^3 operations, where cyclic Jacobi needs tens of m^3).
RADCORE_HD inline void block_top_two(const double* p, std::int64_t n, const double* px, const double* py,
                                     const std::int64_t* rows, std::int64_t m, double* a, double* block_work,
                                     double* first, double* second) {
  double* s = block_work;
  fill_block(p, n, px, py, rows, m, a, s);
  if (m == 1) {
    *first = s[0];
    *second = -1e300;
    return;
  }
  double* diagonal = s + m * m;
  double* off = diagonal + m;
  double* v = off + m;
  double* q = v + m;
  householder_tridiagonal(s, m, diagonal, off, v, q);
  *first = tridiagonal_eigenvalue(diagonal, off, m, m - 1);
  *second = tridiagonal_eigenvalue(diagonal, off, m, m - 2);
}

// Unit eigenvector of the group's block of S for the eigenvalue `lambda`, by three steps of inverse iteration
// with an LU factorisation (partial pivoting) of S - lambda I. `s` has m * m entries, `pivot` and `vector` m.
// The sign is arbitrary, which eps_shift does not depend on.
RADCORE_HD inline void block_eigenvector(const double* p, std::int64_t n, const double* px, const double* py,
                                         const std::int64_t* rows, std::int64_t m, double* a, double* s,
                                         std::int64_t* pivot, double lambda, double* vector) {
  fill_block(p, n, px, py, rows, m, a, s);
  double scale = 0.0;
  for (std::int64_t i = 0; i < m * m; ++i) scale = std::fabs(s[i]) > scale ? std::fabs(s[i]) : scale;
  for (std::int64_t i = 0; i < m; ++i) s[i * m + i] -= lambda;
  // S - lambda I is singular up to rounding; a zero pivot is replaced by one rounding unit of the matrix.
  const double tiny = (scale > 0.0 ? scale : 1.0) * 2.220446049250313e-16;
  for (std::int64_t k = 0; k < m; ++k) {
    std::int64_t best = k;
    for (std::int64_t i = k + 1; i < m; ++i) {
      if (std::fabs(s[i * m + k]) > std::fabs(s[best * m + k])) best = i;
    }
    pivot[k] = best;
    if (best != k) {
      for (std::int64_t j = 0; j < m; ++j) {
        const double swap = s[k * m + j];
        s[k * m + j] = s[best * m + j];
        s[best * m + j] = swap;
      }
    }
    if (std::fabs(s[k * m + k]) < tiny) s[k * m + k] = s[k * m + k] < 0.0 ? -tiny : tiny;
    for (std::int64_t i = k + 1; i < m; ++i) {
      const double factor = s[i * m + k] / s[k * m + k];
      s[i * m + k] = factor;
      for (std::int64_t j = k + 1; j < m; ++j) s[i * m + j] -= factor * s[k * m + j];
    }
  }
  // A fixed start vector with no special direction, so results are reproducible.
  for (std::int64_t i = 0; i < m; ++i) vector[i] = 1.0 + 0.25 * std::sin(double(i) + 1.0);
  for (int step = 0; step < 3; ++step) {
    for (std::int64_t k = 0; k < m; ++k) {
      if (pivot[k] != k) {
        const double swap = vector[k];
        vector[k] = vector[pivot[k]];
        vector[pivot[k]] = swap;
      }
      for (std::int64_t i = k + 1; i < m; ++i) vector[i] -= s[i * m + k] * vector[k];
    }
    for (std::int64_t k = m - 1; k >= 0; --k) {
      double sum = vector[k];
      for (std::int64_t j = k + 1; j < m; ++j) sum -= s[k * m + j] * vector[j];
      vector[k] = sum / s[k * m + k];
    }
    double norm2 = 0.0;
    for (std::int64_t i = 0; i < m; ++i) norm2 += vector[i] * vector[i];
    const double inverse_norm = 1.0 / std::sqrt(norm2);
    for (std::int64_t i = 0; i < m; ++i) vector[i] *= inverse_norm;
  }
}

// Gathers the rows labelled g into rows[] and returns their number.
RADCORE_HD inline std::int64_t gather_group(const std::int64_t* label, std::int64_t n, std::int64_t g,
                                            std::int64_t* rows) {
  std::int64_t m = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    if (label[r] == g) rows[m++] = r;
  }
  return m;
}

// MCC of one normalised matrix p (n x n) with marginals px, py. Returns 1 for a single grey level, as PyRadiomics
// does for a 1 x 1 matrix. `work` and `index` have mcc_scratch_doubles(n) and mcc_scratch_indices(n) entries.
RADCORE_HD inline double mcc_angle(const double* p, std::int64_t n, const double* px, const double* py, double* work,
                                   std::int64_t* index) {
  if (n < 2) return 1.0;
  std::int64_t* label = index;
  std::int64_t* rows = index + n;
  std::int64_t* pivot = index + 2 * n;
  label_row_groups(p, n, px, label, rows);
  double* a = work;                      // rows of A for one group, up to n x n
  double* vector = work + n * n;         // eigenvector for the eps correction (n)
  double* left_sum = vector + n;         // n
  double* right_sum = left_sum + n;      // n
  double* block_work = right_sum + n;

  // Candidates are tagged 2 g + rank for rank 0 (largest) and 1 (second) of group g; rows with px == 0 add the
  // eigenvalue 0 (tag -1).
  top_two best;
  for (std::int64_t r = 0; r < n; ++r) {
    if (label[r] < 0) {
      best.add(0.0, -1);
      break;
    }
  }
  for (std::int64_t g = 0; g < n; ++g) {
    if (label[g] != g) continue;
    const std::int64_t m = gather_group(label, n, g, rows);
    double first = 0.0, second = 0.0;
    block_top_two(p, n, px, py, rows, m, a, block_work, &first, &second);
    best.add(first, 2 * g);
    if (m > 1) best.add(second, 2 * g + 1);
  }
  // Unreachable for n >= 2, because every row adds an eigenvalue (its group's, or 0 when px is 0); kept as a
  // guard so that a caller passing a degenerate matrix gets 0 and not a sentinel.
  if (best.second_at == -1 && best.second == -1e300) return 0.0;

  double lambda2 = best.second;
  if (best.second_at >= 0) {
    const std::int64_t g = best.second_at / 2;
    const std::int64_t m = gather_group(label, n, g, rows);
    block_eigenvector(p, n, px, py, rows, m, a, block_work, pivot, best.second, vector);
    lambda2 += eps_shift(p, n, px, py, rows, m, vector, 1, left_sum, right_sum);
  }
  if (!(lambda2 > 0.0)) return 0.0;  // radcore's rule: a negative second eigenvalue counts as 0
  return std::sqrt(lambda2);
}

}  // namespace glcm
}  // namespace radcore
