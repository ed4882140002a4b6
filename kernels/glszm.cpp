#include "kernels/glszm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "kernels/angles.hpp"
#include "kernels/glszm_formulas.hpp"
#include "kernels/zone_matrix.hpp"

namespace radcore {

const feature_info glszm_feature_table[] = {
    {"GrayLevelNonUniformity", false, "JNSA"},
    {"GrayLevelNonUniformityNormalized", false, "Y1RO"},
    {"GrayLevelVariance", false, "BYLV"},
    {"HighGrayLevelZoneEmphasis", false, "5GN9"},
    {"LargeAreaEmphasis", false, "48P8"},
    {"LargeAreaHighGrayLevelEmphasis", false, "J17V"},
    {"LargeAreaLowGrayLevelEmphasis", false, "YH51"},
    {"LowGrayLevelZoneEmphasis", false, "XMSY"},
    {"SizeZoneNonUniformity", false, "4JP3"},
    {"SizeZoneNonUniformityNormalized", false, "VB3A"},
    {"SmallAreaEmphasis", false, "5QRC"},
    {"SmallAreaHighGrayLevelEmphasis", false, "HW1V"},
    {"SmallAreaLowGrayLevelEmphasis", false, "5RAI"},
    {"ZoneEntropy", false, "GU8N"},
    {"ZonePercentage", false, "P30P"},
    {"ZoneVariance", false, "3NSA"},
};
const int glszm_feature_count = int(sizeof(glszm_feature_table) / sizeof(glszm_feature_table[0]));
static_assert(sizeof(glszm_feature_table) / sizeof(glszm_feature_table[0]) == glszm_feature_index_count,
              "glszm_feature_table and glszm_feature_index must list the same features");

namespace {

// Union-find over the voxels of one crop. Roots are the smallest voxel index of their set, and find()
// halves paths as it walks, so labelling needs neither recursion nor a flood-fill stack.
class zone_forest {
 public:
  explicit zone_forest(std::int64_t voxels) : parent_(std::size_t(voxels)) {
    for (std::int64_t v = 0; v < voxels; ++v) parent_[std::size_t(v)] = v;
  }

  std::int64_t find(std::int64_t v) {
    while (parent_[std::size_t(v)] != v) {
      const std::int64_t grandparent = parent_[std::size_t(parent_[std::size_t(v)])];
      parent_[std::size_t(v)] = grandparent;
      v = grandparent;
    }
    return v;
  }

  void unite(std::int64_t a, std::int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent_[std::size_t(a)] = b;
  }

  // Returns one (compact grey level, size) pair per zone of ROI voxels, zones ordered by their smallest
  // voxel index. The forest cannot be used afterwards, because each root's parent entry is overwritten
  // with -(zone number + 1). Reusing the array this way saves a second array the size of the crop.
  std::vector<std::pair<std::int32_t, std::int64_t>> take_zones(const std::int32_t* level) {
    const std::int64_t voxels = std::int64_t(parent_.size());
    for (std::int64_t v = 0; v < voxels; ++v) {
      if (level[v] != 0) parent_[std::size_t(v)] = find(v);
    }
    // A root is its set's smallest index, so the ascending scan meets it before any other member.
    std::vector<std::pair<std::int32_t, std::int64_t>> zones;
    for (std::int64_t v = 0; v < voxels; ++v) {
      if (level[v] == 0) continue;
      const std::int64_t root = parent_[std::size_t(v)];
      if (root == v) {
        zones.emplace_back(level[v], 1);
        parent_[std::size_t(v)] = -std::int64_t(zones.size());
      } else {
        ++zones[std::size_t(-parent_[std::size_t(root)] - 1)].second;
      }
    }
    return zones;
  }

 private:
  std::vector<std::int64_t> parent_;
};

// Joins every pair of neighbouring ROI voxels of equal grey level.
// A neighbour whose padded level equals the voxel's non-zero level lies inside the crop, so its crop
// index is the voxel's plus the offset's step in the crop.
void join_zones(const std::int32_t* level, const padded_levels& padded, const extent3& crop,
                const std::vector<offset3>& offsets, zone_forest& forest) {
  const std::vector<std::int64_t> padded_steps = padded.offsets_of(offsets);
  std::vector<std::int64_t> crop_steps;
  for (const offset3& o : offsets) {
    crop_steps.push_back(o.dx + std::int64_t(crop.nx) * (o.dy + std::int64_t(crop.ny) * o.dz));
  }

  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::int64_t v = crop.index(x, y, z);
        if (level[v] == 0) continue;
        const std::int32_t* block_voxel = padded.level.data() + padded.index(x, y, z);
        for (std::size_t k = 0; k < padded_steps.size(); ++k) {
          if (block_voxel[padded_steps[k]] == level[v]) forest.unite(v, v + crop_steps[k]);
        }
      }
    }
  }
}

}  // namespace

glszm_matrix compute_glszm_matrix(const discrete_batch& batch, int roi, const texture_settings& settings) {
  const extent3& crop = batch.size[std::size_t(roi)];
  const std::int32_t* level = batch.voxels(roi);
  const std::int64_t voxels = crop.count();

  // Connectivity is always distance 1 (glszm.py passes no distances to calculate_glszm). One offset of
  // each opposite pair is enough, because joining v to w also joins w to v.
  angle_options connectivity;
  connectivity.distances = {1};
  connectivity.force2d = settings.angles.force2d;
  connectivity.force2d_dimension = settings.angles.force2d_dimension;
  const std::vector<offset3> offsets = generate_angles(crop, connectivity, false);

  zone_forest forest(voxels);
  join_zones(level, pad_levels(batch, roi, offsets), crop, offsets, forest);

  const std::vector<std::pair<std::int32_t, std::int64_t>> zones = forest.take_zones(level);
  glszm_matrix matrix;
  for (const auto& zone : zones) matrix.voxel_count += zone.second;

  std::vector<std::int64_t> sizes;
  sizes.reserve(zones.size());
  for (const auto& zone : zones) sizes.push_back(zone.second);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());

  const int levels = batch.levels(roi);
  const double* grey = batch.grey_values(roi);
  matrix.grey_level.assign(grey, grey + levels);
  matrix.zone_size.assign(sizes.begin(), sizes.end());
  matrix.counts.assign(std::size_t(levels) * sizes.size(), 0.0);
  for (const auto& zone : zones) {
    const std::size_t column = std::size_t(std::lower_bound(sizes.begin(), sizes.end(), zone.second) - sizes.begin());
    matrix.counts[std::size_t(zone.first - 1) * sizes.size() + column] += 1.0;
  }
  return matrix;
}

feature_block compute_glszm_features(const discrete_batch& batch, const texture_settings& settings) {
  feature_block block(batch.rois(), glszm_feature_count);
  for (int roi = 0; roi < batch.rois(); ++roi) {
    double* out = &block.at(roi, 0);
    const glszm_matrix matrix = compute_glszm_matrix(batch, roi, settings);
    if (matrix.voxel_count == 0) {
      std::fill(out, out + glszm_feature_count, std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    const zone_matrix_marginals_storage marginals = make_zone_matrix_view(matrix.counts, matrix.grey_level, matrix.zone_size);
    compute_glszm_values(marginals.view, double(matrix.voxel_count), out);
  }
  return block;
}

}  // namespace radcore
