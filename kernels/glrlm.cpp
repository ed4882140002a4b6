#include "kernels/glrlm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/glrlm_formulas.hpp"

namespace radcore {

const feature_info glrlm_feature_table[] = {
    {"GrayLevelNonUniformity", false, "R5YN"},
    {"GrayLevelNonUniformityNormalized", false, "OVBL"},
    {"GrayLevelVariance", false, "8CE5"},
    {"HighGrayLevelRunEmphasis", false, "G3QZ"},
    {"LongRunEmphasis", false, "W4KF"},
    {"LongRunHighGrayLevelEmphasis", false, "3KUM"},
    {"LongRunLowGrayLevelEmphasis", false, "IVPO"},
    {"LowGrayLevelRunEmphasis", false, "V3SW"},
    {"RunEntropy", false, "HJ9O"},
    {"RunLengthNonUniformity", false, "W92Y"},
    {"RunLengthNonUniformityNormalized", false, "IC23"},
    {"RunPercentage", false, "9ZK5"},
    {"RunVariance", false, "SXLW"},
    {"ShortRunEmphasis", false, "22OV"},
    {"ShortRunHighGrayLevelEmphasis", false, "GD3A"},
    {"ShortRunLowGrayLevelEmphasis", false, "HTZT"},
};
const int glrlm_feature_count = int(sizeof(glrlm_feature_table) / sizeof(glrlm_feature_table[0]));
static_assert(sizeof(glrlm_feature_table) / sizeof(glrlm_feature_table[0]) == glrlm::feature_count,
              "glrlm_feature_table and glrlm::feature disagree");

double glrlm_angle_weight(const offset3& angle, const std::array<double, 3>& spacing, weighting_norm norm) {
  // PyRadiomics multiplies the (z, y, x) offset by GetSpacing()[::-1].
  const double d[3] = {std::abs(angle.dz) * spacing[2], std::abs(angle.dy) * spacing[1],
                       std::abs(angle.dx) * spacing[0]};
  switch (norm) {
    case weighting_norm::infinity:
      return std::max({d[0], d[1], d[2]});
    case weighting_norm::euclidean:
      return std::sqrt((d[0] * d[0] + d[1] * d[1]) + d[2] * d[2]);
    case weighting_norm::manhattan:
      return (d[0] + d[1]) + d[2];
    case weighting_norm::no_weighting:
    case weighting_norm::none:
      break;
  }
  return 1.0;
}

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

// Longest possible run: the largest crop dimension (PyRadiomics allocates Nr = max(imageArray.shape)).
std::int64_t max_run_length(const extent3& size) { return std::max({size.nx, size.ny, size.nz}); }

// Adds the runs along `angle` to `counts` (n x nr, row-major, column = run length - 1). Every line through the
// crop along the angle starts at a voxel whose predecessor lies outside the crop; a run ends at a voxel outside the
// ROI, a change of level or the crop's edge (PyRadiomics cmatrices.c calculate_glrlm). When no line holds two or
// more ROI voxels the angle's counts are zeroed, as PyRadiomics does before dropping such an angle.
void count_runs(const discrete_batch& batch, int roi, const offset3& angle, std::int64_t nr,
                std::vector<double>& counts) {
  const extent3& size = batch.size[roi];
  const std::int32_t* level = batch.voxels(roi);
  bool multi_element = false;
  auto record = [&](std::int32_t grey, std::int64_t length) {
    counts[std::size_t((grey - 1) * nr + (length - 1))] += 1.0;
  };
  const std::int64_t step = angle.dx + std::int64_t(size.nx) * (angle.dy + std::int64_t(size.ny) * angle.dz);
  // Returns how many voxels from coordinate c along an axis of n voxels stay inside with stride d.
  auto steps_inside = [](int c, int n, int d) -> std::int64_t {
    if (d > 0) return (n - 1 - c) / d + 1;
    if (d < 0) return c / -d + 1;
    return std::numeric_limits<std::int64_t>::max();
  };
  for (int z = 0; z < size.nz; ++z) {
    for (int y = 0; y < size.ny; ++y) {
      for (int x = 0; x < size.nx; ++x) {
        if (size.contains(x - angle.dx, y - angle.dy, z - angle.dz)) continue;  // not the start of a line
        std::int32_t current = 0;
        std::int64_t length = 0, elements = 0;
        const std::int64_t line_length = std::min({steps_inside(x, size.nx, angle.dx), steps_inside(y, size.ny, angle.dy),
                                                    steps_inside(z, size.nz, angle.dz)});
        const std::int32_t* voxel = level + size.index(x, y, z);
        for (std::int64_t k = 0; k < line_length; ++k, voxel += step) {
          const std::int32_t here = *voxel;
          if (here != 0) ++elements;
          if (here != 0 && here == current) {
            ++length;
            continue;
          }
          if (current != 0) record(current, length);
          current = here;
          length = here != 0 ? 1 : 0;
        }
        if (current != 0) record(current, length);
        if (elements > 1) multi_element = true;
      }
    }
  }
  if (!multi_element) std::fill(counts.begin(), counts.end(), 0.0);
}

// The matrices PyRadiomics' features see: one per angle with runs, or one weighted merge of all angles.
std::vector<std::vector<double>> glrlm_matrices(const discrete_batch& batch, int roi, const texture_settings& settings,
                                                std::int64_t nr) {
  const std::int64_t n = batch.levels(roi);
  // PyRadiomics' calculate_glrlm builds its angles without the distances setting, so runs always follow
  // the distance-1 directions.
  angle_options options = settings.angles;
  options.distances = {1};
  const std::vector<offset3> angles = generate_angles(batch.size[roi], options, false);
  std::vector<std::vector<double>> matrices;
  std::vector<double> counts(std::size_t(n * nr));
  std::vector<double> merged;
  if (settings.weighting != weighting_norm::none) merged.assign(counts.size(), 0.0);
  for (const offset3& angle : angles) {
    std::fill(counts.begin(), counts.end(), 0.0);
    count_runs(batch, roi, angle, nr, counts);
    if (settings.weighting == weighting_norm::none) {
      if (std::any_of(counts.begin(), counts.end(), [](double v) { return v != 0.0; })) matrices.push_back(counts);
      continue;
    }
    // NOTE: summed in angle order, where numpy sums the angle axis pairwise. The two can differ in the last bit for
    // non-integer weights, while no_weighting sums integers and is exact.
    const double weight = glrlm_angle_weight(angle, batch.spacing[roi], settings.weighting);
    for (std::size_t k = 0; k < merged.size(); ++k) merged[k] += counts[k] * weight;
  }
  if (settings.weighting != weighting_norm::none) matrices.push_back(merged);
  return matrices;
}

// Averages per-angle values as numpy.nanmean over the angle axis.
double nan_mean(std::vector<double> values) { return nan_mean_in_place(values.data(), std::int64_t(values.size())); }

void roi_features(const discrete_batch& batch, int roi, const texture_settings& settings, double* out) {
  const std::int64_t n = batch.levels(roi);
  const std::int64_t nr = max_run_length(batch.size[roi]);
  const double* grey = batch.grey_values(roi);
  std::vector<double> scratch(std::size_t(glrlm::angle_scratch_size(n, nr)));
  std::vector<std::vector<double>> per_angle(glrlm::feature_count);
  for (const std::vector<double>& matrix : glrlm_matrices(batch, roi, settings, nr)) {
    double values[glrlm::feature_count];
    if (std::all_of(matrix.begin(), matrix.end(), [](double v) { return v == 0.0; })) {
      // A weighted merge without any run: PyRadiomics deletes every (empty) run-length column, so the two
      // features that only sum over the matrix give 0 and those that divide by the run count (NaN) give NaN.
      for (int f = 0; f < glrlm::feature_count; ++f) values[f] = nan_value;
      values[glrlm::run_entropy] = 0.0;
      values[glrlm::run_variance] = 0.0;
      for (int f = 0; f < glrlm::feature_count; ++f) per_angle[f].push_back(values[f]);
      continue;
    }
    glrlm::angle_features(matrix.data(), n, nr, grey, scratch.data(), values);
    for (int f = 0; f < glrlm::feature_count; ++f) per_angle[f].push_back(values[f]);
  }
  for (int f = 0; f < glrlm::feature_count; ++f) out[f] = nan_mean(per_angle[f]);
}

}  // namespace

feature_block compute_glrlm_features(const discrete_batch& batch, const texture_settings& settings) {
  feature_block block(batch.rois(), glrlm_feature_count);
  for (int roi = 0; roi < batch.rois(); ++roi) roi_features(batch, roi, settings, &block.at(roi, 0));
  return block;
}

texture_matrix glrlm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings) {
  const std::int64_t n = batch.levels(roi);
  const std::int64_t nr = max_run_length(batch.size[roi]);
  const std::vector<std::vector<double>> matrices = glrlm_matrices(batch, roi, settings, nr);
  // Run lengths that occur in no angle are removed, as PyRadiomics' _calculateCoefficients removes them.
  std::vector<std::int64_t> lengths;
  for (std::int64_t j = 0; j < nr; ++j) {
    bool used = false;
    for (const std::vector<double>& matrix : matrices) {
      for (std::int64_t i = 0; i < n && !used; ++i) used = matrix[std::size_t(i * nr + j)] != 0.0;
    }
    if (used) lengths.push_back(j);
  }
  const std::size_t angles = matrices.size();
  texture_matrix out;
  out.shape = {std::size_t(n), lengths.size(), angles};
  out.values.resize(std::size_t(n) * lengths.size() * angles);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < lengths.size(); ++j) {
      for (std::size_t a = 0; a < angles; ++a) {
        out.values[(std::size_t(i) * lengths.size() + j) * angles + a] =
            matrices[a][std::size_t(i * nr + lengths[j])];
      }
    }
  }
  return out;
}

}  // namespace radcore
