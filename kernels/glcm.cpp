#include "kernels/glcm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/glcm_formulas.hpp"

namespace radcore {

const feature_info glcm_feature_table[] = {
    {"Autocorrelation", false, "QWB0"},
    {"ClusterProminence", false, "AE86"},
    {"ClusterShade", false, "7NFM"},
    {"ClusterTendency", false, "DG8W"},
    {"Contrast", false, "ACUI"},
    {"Correlation", false, "NI2N"},
    {"DifferenceAverage", false, "TF7R"},
    {"DifferenceEntropy", false, "NTRS"},
    {"DifferenceVariance", false, "D3YU"},
    {"Dissimilarity", true, "8S9J"},
    {"Homogeneity1", true, ""},  // equals Id (IBSI IB1Z)
    {"Homogeneity2", true, ""},  // equals Idm (IBSI WF0Z)
    {"Id", false, "IB1Z"},
    {"Idm", false, "WF0Z"},
    {"Idmn", false, "1QCO"},
    {"Idn", false, "NDRX"},
    {"Imc1", false, "R8DG"},
    {"Imc2", false, "JN9H"},
    {"InverseVariance", false, "E8JP"},
    {"JointAverage", false, "60VM"},
    {"JointEnergy", false, "8ZQL"},
    {"JointEntropy", false, "TU9B"},
    {"MCC", false, ""},
    {"MaximumProbability", false, "GYBY"},
    {"SumAverage", false, "ZGXS"},
    {"SumEntropy", false, "P6QZ"},
    {"SumSquares", false, "UR99"},
    {"SumVariance", true, "OEEB"},
};
const int glcm_feature_count = int(sizeof(glcm_feature_table) / sizeof(glcm_feature_table[0]));
static_assert(sizeof(glcm_feature_table) / sizeof(glcm_feature_table[0]) == glcm::feature_count,
              "glcm_feature_table and glcm::feature disagree");

double glcm_angle_weight(const offset3& angle, const std::array<double, 3>& spacing, weighting_norm norm) {
  // PyRadiomics multiplies the (z, y, x) offset by GetSpacing()[::-1].
  const double d[3] = {std::abs(angle.dz) * spacing[2], std::abs(angle.dy) * spacing[1],
                       std::abs(angle.dx) * spacing[0]};
  switch (norm) {
    case weighting_norm::infinity: {
      const double m = std::max({d[0], d[1], d[2]});
      return std::exp(-(m * m));
    }
    case weighting_norm::euclidean:
      return std::exp(-((d[0] * d[0] + d[1] * d[1]) + d[2] * d[2]));
    case weighting_norm::manhattan: {
      const double m = (d[0] + d[1]) + d[2];
      return std::exp(-(m * m));
    }
    case weighting_norm::no_weighting:
    case weighting_norm::none:
      break;
  }
  return 1.0;
}

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

// Adds to `counts` (n x n, row-major) one for every ROI voxel whose neighbour at `angle` is inside the crop and
// the ROI: row = the voxel's level, column = the neighbour's (PyRadiomics cmatrices.c calculate_glcm).
void count_cooccurrences(const discrete_batch& batch, int roi, const padded_levels& padded, const offset3& angle,
                         std::vector<double>& counts) {
  const extent3& size = batch.size[roi];
  const std::int32_t* level = batch.voxels(roi);
  const std::int64_t n = batch.levels(roi);
  const std::int64_t step = padded.offset(angle);
  for (int z = 0; z < size.nz; ++z) {
    for (int y = 0; y < size.ny; ++y) {
      const std::int32_t* row = level + size.index(0, y, z);
      const std::int32_t* padded_row = padded.level.data() + padded.index(0, y, z) + step;
      for (int x = 0; x < size.nx; ++x) {
        const std::int32_t centre = row[x];
        if (centre == 0) continue;
        const std::int32_t neighbour = padded_row[x];
        if (neighbour == 0) continue;
        counts[std::size_t((centre - 1) * n + (neighbour - 1))] += 1.0;
      }
    }
  }
}

// P <- P + P^T.
void symmetrise(std::vector<double>& matrix, std::int64_t n) {
  for (std::int64_t r = 0; r < n; ++r) {
    matrix[std::size_t(r * n + r)] *= 2.0;
    for (std::int64_t c = r + 1; c < n; ++c) {
      const double sum = matrix[std::size_t(r * n + c)] + matrix[std::size_t(c * n + r)];
      matrix[std::size_t(r * n + c)] = matrix[std::size_t(c * n + r)] = sum;
    }
  }
}

// The matrices PyRadiomics' features see, one per kept angle (or one merged), before normalisation.
// Calls `visit(matrix)` for each, in angle order, and skips angles whose matrix is all zero. With a weighting
// norm the single merged matrix is visited even when it is zero.
// NOTE: weighted angles are summed in angle order, where numpy sums them pairwise. The two can differ in the last
// bit for non-integer weights, while no_weighting sums integers and is exact.
template <class Visit>
void for_each_glcm(const discrete_batch& batch, int roi, const texture_settings& settings, Visit visit) {
  const std::int64_t n = batch.levels(roi);
  const std::vector<offset3> angles = generate_angles(batch.size[roi], settings.angles, false);
  std::vector<double> counts(std::size_t(n * n));
  const padded_levels padded = pad_levels(batch, roi, angles);
  if (settings.weighting == weighting_norm::none) {
    for (const offset3& angle : angles) {
      std::fill(counts.begin(), counts.end(), 0.0);
      count_cooccurrences(batch, roi, padded, angle, counts);
      if (settings.symmetrical_glcm) symmetrise(counts, n);
      if (std::any_of(counts.begin(), counts.end(), [](double v) { return v != 0.0; })) visit(counts);
    }
    return;
  }
  std::vector<double> merged(std::size_t(n * n), 0.0);
  for (const offset3& angle : angles) {
    std::fill(counts.begin(), counts.end(), 0.0);
    count_cooccurrences(batch, roi, padded, angle, counts);
    if (settings.symmetrical_glcm) symmetrise(counts, n);
    const double weight = glcm_angle_weight(angle, batch.spacing[roi], settings.weighting);
    for (std::size_t k = 0; k < merged.size(); ++k) merged[k] += counts[k] * weight;
  }
  visit(merged);
}

// Divides the matrix by its sum; returns false (matrix untouched) when the sum is zero.
bool normalise(std::vector<double>& matrix) {
  double total = 0.0;
  for (double v : matrix) total += v;
  if (total == 0.0) return false;
  for (double& v : matrix) v /= total;
  return true;
}

// Averages per-angle values as numpy.nanmean over the angle axis.
double nan_mean(std::vector<double> values) { return nan_mean_in_place(values.data(), std::int64_t(values.size())); }

void roi_features(const discrete_batch& batch, int roi, const texture_settings& settings, double* out) {
  const std::int64_t n = batch.levels(roi);
  const std::int64_t ng = batch.ng[roi];
  const double* grey = batch.grey_values(roi);
  std::vector<double> scratch(std::size_t(glcm::angle_scratch_size(n, ng)));
  std::vector<double> mcc_work(std::size_t(glcm::mcc_scratch_doubles(n)));
  std::vector<std::int64_t> mcc_index(std::size_t(glcm::mcc_scratch_indices(n)));

  std::vector<std::vector<double>> per_angle(glcm::feature_count);
  bool merged_is_empty = false;
  for_each_glcm(batch, roi, settings, [&](std::vector<double>& matrix) {
    if (!normalise(matrix)) {
      merged_is_empty = true;  // only a merged matrix can be all zero here
      return;
    }
    double values[glcm::feature_count];
    glcm::angle_features(matrix.data(), n, grey, ng, scratch.data(), values);
    values[glcm::mcc] = glcm::mcc_angle(matrix.data(), n, scratch.data(), scratch.data() + n, mcc_work.data(),
                                        mcc_index.data());
    for (int f = 0; f < glcm::feature_count; ++f) per_angle[f].push_back(values[f]);
  });

  for (int f = 0; f < glcm::feature_count; ++f) {
    if (merged_is_empty && f == glcm::inverse_variance && ng == 1) {
      // PyRadiomics sums InverseVariance over k = 1 .. Ng - 1, an empty range when Ng is 1, so its all-NaN
      // merged matrix still gives 0 here.
      out[f] = 0.0;
    } else if (merged_is_empty || per_angle[f].empty()) {
      out[f] = nan_value;  // no co-occurrence at all: PyRadiomics divides by a NaN sum or averages nothing
    } else if (f == glcm::joint_average) {
      // PyRadiomics takes a plain mean here (ux.mean), which NaN would not skip; ux is never NaN on a kept angle.
      out[f] = numpy_pairwise_sum(per_angle[f].data(), std::int64_t(per_angle[f].size())) /
               double(per_angle[f].size());
    } else {
      out[f] = nan_mean(per_angle[f]);
    }
  }
}

}  // namespace

feature_block compute_glcm_features(const discrete_batch& batch, const texture_settings& settings) {
  feature_block block(batch.rois(), glcm_feature_count);
  for (int roi = 0; roi < batch.rois(); ++roi) roi_features(batch, roi, settings, &block.at(roi, 0));
  return block;
}

texture_matrix glcm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings) {
  const std::int64_t n = batch.levels(roi);
  std::vector<std::vector<double>> angle_matrices;
  for_each_glcm(batch, roi, settings, [&](std::vector<double>& matrix) {
    if (normalise(matrix)) angle_matrices.push_back(matrix);
  });
  const std::size_t angles = angle_matrices.size();
  texture_matrix out;
  out.shape = {std::size_t(n), std::size_t(n), angles};
  out.values.resize(std::size_t(n * n) * angles);
  for (std::size_t a = 0; a < angles; ++a) {
    for (std::size_t k = 0; k < std::size_t(n * n); ++k) out.values[k * angles + a] = angle_matrices[a][k];
  }
  return out;
}

}  // namespace radcore
