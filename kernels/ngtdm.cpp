#include "kernels/ngtdm.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "kernels/angles.hpp"
#include "kernels/ngtdm_formulas.hpp"

namespace radcore {

const feature_info ngtdm_feature_table[] = {
    {"Busyness", false, "NQ30"}, {"Coarseness", false, "QCDE"}, {"Complexity", false, "HDEZ"},
    {"Contrast", false, "65HE"}, {"Strength", false, "1X9X"},
};
const int ngtdm_feature_count = int(sizeof(ngtdm_feature_table) / sizeof(ngtdm_feature_table[0]));
static_assert(sizeof(ngtdm_feature_table) / sizeof(ngtdm_feature_table[0]) == ngtdm_feature_index_count,
              "ngtdm_feature_table and ngtdm_feature_index must list the same features");

ngtdm_matrix compute_ngtdm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings) {
  const extent3& crop = batch.size[std::size_t(roi)];
  const std::int32_t* level = batch.voxels(roi);
  const int levels = batch.levels(roi);
  const double* grey = batch.grey_values(roi);
  const std::vector<offset3> offsets = generate_angles(crop, settings.angles, true);
  const int max_neighbours = int(offsets.size());
  const std::size_t stride = std::size_t(max_neighbours) + 1;

  std::vector<std::int64_t> bin(std::size_t(levels) + 1, 0);
  for (int k = 1; k <= levels; ++k) bin[std::size_t(k)] = std::int64_t(grey[k - 1]);

  // scaled_sums[(k - 1) * stride + W]: sum of |i W - S| over the voxels of compact level k that have W
  // neighbours in the ROI, S being the sum of those neighbours' bin numbers. Integer sums are exact, so
  // the result is the same in any voxel order.
  std::vector<std::int64_t> scaled_sums(std::size_t(levels) * stride, 0);
  std::vector<std::int64_t> voxel_count(std::size_t(levels), 0);
  const padded_levels padded = pad_levels(batch, roi, offsets);
  const std::vector<std::int64_t> steps = padded.offsets_of(offsets);
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::int32_t centre = level[crop.index(x, y, z)];
        if (centre == 0) continue;
        const std::int32_t* block_voxel = padded.level.data() + padded.index(x, y, z);
        std::int64_t neighbours = 0;
        std::int64_t neighbour_sum = 0;
        for (const std::int64_t step : steps) {
          const std::int32_t neighbour = block_voxel[step];
          if (neighbour == 0) continue;
          ++neighbours;
          neighbour_sum += bin[std::size_t(neighbour)];
        }
        const std::int64_t scaled = std::llabs(bin[std::size_t(centre)] * neighbours - neighbour_sum);
        scaled_sums[std::size_t(centre - 1) * stride + std::size_t(neighbours)] += scaled;
        ++voxel_count[std::size_t(centre - 1)];
      }
    }
  }

  ngtdm_matrix matrix;
  for (int k = 0; k < levels; ++k) {
    matrix.count.push_back(double(voxel_count[std::size_t(k)]));
    matrix.difference_sum.push_back(ngtdm_difference_sum(&scaled_sums[std::size_t(k) * stride], max_neighbours));
    matrix.grey_level.push_back(grey[k]);
  }
  return matrix;
}

feature_block compute_ngtdm_features(const discrete_batch& batch, const texture_settings& settings) {
  feature_block block(batch.rois(), ngtdm_feature_count);
  for (int roi = 0; roi < batch.rois(); ++roi) {
    double* out = &block.at(roi, 0);
    const ngtdm_matrix matrix = compute_ngtdm_matrix(batch, roi, settings);
    if (matrix.count.empty()) {
      std::fill(out, out + ngtdm_feature_count, std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    ngtdm_view view;
    view.count = matrix.count.data();
    view.difference_sum = matrix.difference_sum.data();
    view.grey_level = matrix.grey_level.data();
    view.levels = std::int64_t(matrix.count.size());
    compute_ngtdm_values(view, out);
  }
  return block;
}

}  // namespace radcore
