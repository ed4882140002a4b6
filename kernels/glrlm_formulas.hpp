// GLRLM feature formulas of PyRadiomics 3.1.0 (radiomics/glrlm.py) for one run-length matrix, written over plain
// pointers so that the CPU backend and CUDA kernels share them. No allocation, no exceptions.
//
// Notation as in PyRadiomics' class documentation: P(i,j) counts runs of grey level i (the bin number of the
// row's level) and length j (1..Nr columns); N_r = sum P is the number of runs and N_p = sum_j j sum_i P(i,j) the
// number of voxels the runs cover. A matrix merged over weighted angles is used the same way.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/glcm_formulas.hpp"
#include "kernels/hd.hpp"

namespace radcore::glrlm {

// numpy.spacing(1), which PyRadiomics adds inside the log2 of RunEntropy.
constexpr double eps = 2.220446049250313e-16;

// Column order of glrlm_feature_table (PyRadiomics' method names sorted as Python sorts strings).
enum feature : int {
  gray_level_non_uniformity,
  gray_level_non_uniformity_normalized,
  gray_level_variance,
  high_gray_level_run_emphasis,
  long_run_emphasis,
  long_run_high_gray_level_emphasis,
  long_run_low_gray_level_emphasis,
  low_gray_level_run_emphasis,
  run_entropy,
  run_length_non_uniformity,
  run_length_non_uniformity_normalized,
  run_percentage,
  run_variance,
  short_run_emphasis,
  short_run_high_gray_level_emphasis,
  short_run_low_gray_level_emphasis,
  feature_count
};

// Scratch doubles angle_features needs: pg (n) and pr (nr).
RADCORE_HD inline std::int64_t angle_scratch_size(std::int64_t n, std::int64_t nr) { return n + nr; }

// Computes every GLRLM feature from one matrix P (n x nr, row-major; run length j + 1 in column j) with grey
// levels `grey`. All features are NaN when N_r = 0, as PyRadiomics' division by NaN makes them.
RADCORE_HD inline void angle_features(const double* P, std::int64_t n, std::int64_t nr, const double* grey,
                                      double* scratch, double* out) {
  double* pg = scratch;      // sum over run lengths, per grey level
  double* pr = scratch + n;  // sum over grey levels, per run length
  for (std::int64_t j = 0; j < nr; ++j) pr[j] = 0.0;
  double runs = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    double row = 0.0;
    for (std::int64_t j = 0; j < nr; ++j) {
      row += P[i * nr + j];
      pr[j] += P[i * nr + j];
    }
    pg[i] = row;
    runs += row;
  }
  if (runs == 0.0) {
    for (int f = 0; f < feature_count; ++f) out[f] = NAN;
    return;
  }

  // Sums over run lengths: SRE, LRE, RLN and N_p (glrlm.py getShortRunEmphasis, getLongRunEmphasis,
  // getRunLengthNonUniformity, getRunPercentage).
  double sre = 0.0, lre = 0.0, rln = 0.0, voxels = 0.0, run_mean = 0.0;
  for (std::int64_t j = 0; j < nr; ++j) {
    const double length = double(j + 1);
    sre += pr[j] / (length * length);
    lre += pr[j] * (length * length);
    rln += pr[j] * pr[j];
    voxels += pr[j] * length;
    run_mean += (pr[j] / runs) * length;
  }
  double run_var = 0.0;
  for (std::int64_t j = 0; j < nr; ++j) {
    const double centred = double(j + 1) - run_mean;
    run_var += (pr[j] / runs) * (centred * centred);
  }

  // Sums over grey levels: GLN, LGLRE, HGLRE and the grey-level variance with mu = sum p_g(i) i.
  double gln = 0.0, lglre = 0.0, hglre = 0.0, grey_mean = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    gln += pg[i] * pg[i];
    lglre += pg[i] / (grey[i] * grey[i]);
    hglre += pg[i] * (grey[i] * grey[i]);
    grey_mean += (pg[i] / runs) * grey[i];
  }
  double grey_variance = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double centred = grey[i] - grey_mean;
    grey_variance += (pg[i] / runs) * (centred * centred);
  }

  // Sums over the whole matrix: run entropy and the four joint emphases.
  double entropy = 0.0, srlgle = 0.0, srhgle = 0.0, lrlgle = 0.0, lrhgle = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double i2 = grey[i] * grey[i];
    for (std::int64_t j = 0; j < nr; ++j) {
      const double count = P[i * nr + j];
      const double j2 = double(j + 1) * double(j + 1);
      const double p = count / runs;
      entropy += p * std::log2(p + eps);
      srlgle += count / (i2 * j2);
      srhgle += (count * i2) / j2;
      lrlgle += (count * j2) / i2;
      lrhgle += count * (j2 * i2);
    }
  }

  out[gray_level_non_uniformity] = gln / runs;                         // sum_i p_g(i)^2 / N_r
  out[gray_level_non_uniformity_normalized] = gln / (runs * runs);     // sum_i p_g(i)^2 / N_r^2
  out[gray_level_variance] = grey_variance;                            // sum_i p(i) (i - mu)^2
  out[high_gray_level_run_emphasis] = hglre / runs;                    // sum P i^2 / N_r
  out[long_run_emphasis] = lre / runs;                                 // sum P j^2 / N_r
  out[long_run_high_gray_level_emphasis] = lrhgle / runs;              // sum P i^2 j^2 / N_r
  out[long_run_low_gray_level_emphasis] = lrlgle / runs;               // sum P j^2 / i^2 / N_r
  out[low_gray_level_run_emphasis] = lglre / runs;                     // sum P / i^2 / N_r
  out[run_entropy] = -entropy;                                         // -sum p log2(p + eps)
  out[run_length_non_uniformity] = rln / runs;                         // sum_j p_r(j)^2 / N_r
  out[run_length_non_uniformity_normalized] = rln / (runs * runs);     // sum_j p_r(j)^2 / N_r^2
  out[run_percentage] = runs / voxels;                                 // N_r / N_p, N_p from the matrix
  out[run_variance] = run_var;                                         // sum_j p(j) (j - mu)^2
  out[short_run_emphasis] = sre / runs;                                // sum P / j^2 / N_r
  out[short_run_high_gray_level_emphasis] = srhgle / runs;             // sum P i^2 / j^2 / N_r
  out[short_run_low_gray_level_emphasis] = srlgle / runs;              // sum P / (i^2 j^2) / N_r
}

}  // namespace radcore::glrlm
