#include "kernels/gldm.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "kernels/angles.hpp"
#include "kernels/gldm_formulas.hpp"
#include "kernels/zone_matrix.hpp"

namespace radcore {

const feature_info gldm_feature_table[] = {
    {"DependenceEntropy", false, "FCBV"},
    {"DependenceNonUniformity", false, "Z87G"},
    {"DependenceNonUniformityNormalized", false, "OKJI"},
    {"DependencePercentage", true, "6XV8"},
    {"DependenceVariance", false, "DNX2"},
    {"GrayLevelNonUniformity", false, "FP8K"},
    {"GrayLevelNonUniformityNormalized", true, "5SPA"},
    {"GrayLevelVariance", false, "1PFV"},
    {"HighGrayLevelEmphasis", false, "OAE7"},
    {"LargeDependenceEmphasis", false, "IMOQ"},
    {"LargeDependenceHighGrayLevelEmphasis", false, "9QMG"},
    {"LargeDependenceLowGrayLevelEmphasis", false, "NBZI"},
    {"LowGrayLevelEmphasis", false, "TL9H"},
    {"SmallDependenceEmphasis", false, "SODN"},
    {"SmallDependenceHighGrayLevelEmphasis", false, "JA6D"},
    {"SmallDependenceLowGrayLevelEmphasis", false, "EQ3F"},
};
const int gldm_feature_count = int(sizeof(gldm_feature_table) / sizeof(gldm_feature_table[0]));
static_assert(sizeof(gldm_feature_table) / sizeof(gldm_feature_table[0]) == gldm_feature_index_count,
              "gldm_feature_table and gldm_feature_index must list the same features");

gldm_matrix compute_gldm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings) {
  const extent3& crop = batch.size[std::size_t(roi)];
  const std::int32_t* level = batch.voxels(roi);
  const int levels = batch.levels(roi);
  const double* grey = batch.grey_values(roi);
  const std::vector<offset3> offsets = generate_angles(crop, settings.angles, true);
  const std::size_t max_dependence = offsets.size();

  // Dependence is judged on bin numbers, not on compact indices (calculate_gldm compares image values).
  std::vector<std::int64_t> bin(std::size_t(levels) + 1, 0);
  for (int k = 1; k <= levels; ++k) bin[std::size_t(k)] = std::int64_t(grey[k - 1]);

  // counts[(k - 1) * (max_dependence + 1) + d]: voxels of compact level k with d dependent neighbours.
  std::vector<std::int64_t> counts(std::size_t(levels) * (max_dependence + 1), 0);
  gldm_matrix matrix;
  const padded_levels padded = pad_levels(batch, roi, offsets);
  const std::vector<std::int64_t> steps = padded.offsets_of(offsets);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::int32_t centre = level[crop.index(x, y, z)];
        if (centre == 0) continue;
        const std::int32_t* block_voxel = padded.level.data() + padded.index(x, y, z);
        std::size_t dependent = 0;
        for (const std::int64_t step : steps) {
          const std::int32_t neighbour = block_voxel[step];
          if (neighbour == 0) continue;
          if (std::llabs(bin[std::size_t(centre)] - bin[std::size_t(neighbour)]) <= settings.gldm_a) ++dependent;
        }
        ++counts[std::size_t(centre - 1) * (max_dependence + 1) + dependent];
        ++matrix.voxel_count;
      }
    }
  }

  // Keep the dependence sizes that occur, as gldm.py deletes the empty columns. Column j is d + 1.
  std::vector<std::size_t> present_columns;
  for (std::size_t d = 0; d <= max_dependence; ++d) {
    for (int k = 0; k < levels; ++k) {
      if (counts[std::size_t(k) * (max_dependence + 1) + d] != 0) {
        present_columns.push_back(d);
        break;
      }
    }
  }
  matrix.grey_level.assign(grey, grey + levels);
  for (std::size_t d : present_columns) matrix.dependence.push_back(double(d + 1));
  matrix.counts.reserve(std::size_t(levels) * present_columns.size());
  for (int k = 0; k < levels; ++k) {
    for (std::size_t d : present_columns)
      matrix.counts.push_back(double(counts[std::size_t(k) * (max_dependence + 1) + d]));
  }
  return matrix;
}

feature_block compute_gldm_features(const discrete_batch& batch, const texture_settings& settings) {
  feature_block block(batch.rois(), gldm_feature_count);
  for (int roi = 0; roi < batch.rois(); ++roi) {
    double* out = &block.at(roi, 0);
    const gldm_matrix matrix = compute_gldm_matrix(batch, roi, settings);
    if (matrix.voxel_count == 0) {
      std::fill(out, out + gldm_feature_count, std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    const zone_matrix_marginals_storage marginals = make_zone_matrix_view(matrix.counts, matrix.grey_level, matrix.dependence);
    compute_gldm_values(marginals.view, double(matrix.voxel_count), out);
  }
  return block;
}

}  // namespace radcore
