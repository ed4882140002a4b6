#include <algorithm>
#include <cmath>

#include "kernels/angles.hpp"
#include "kernels/cuda/count_kernel.cuh"
#include "kernels/cuda/texture_kernels.hpp"
#include "kernels/ngtdm_formulas.hpp"

namespace radcore::cuda {
namespace {

// GLDM: per ROI voxel the number of neighbours whose bin number differs from its own by at most `a`
// (compute_gldm_matrix in gldm.cpp); column = that number.
struct gldm_visit {
  int a = 0;
  const double* grey = nullptr;  // the batch's grey values; bin numbers are integers stored as doubles
  const std::int64_t* level_offset = nullptr;

  template <class Counter>
  __device__ void visit(const count_item& item, const offset3* offsets, const extent3& crop,
                        const std::int32_t* level, std::int64_t v, Counter* counts, std::uint32_t*) const {
    const std::int32_t centre = level[v];
    if (centre == 0) return;
    const double* bins = grey + level_offset[item.roi] - 1;  // bins[k] is the bin number of compact level k
    const std::int64_t centre_bin = std::int64_t(bins[centre]);
    int x, y, z;
    decode_voxel(crop, v, x, y, z);
    int dependent = 0;
    for (int k = 0; k < item.offset_count; ++k) {
      const offset3 o = offsets[item.first_offset + k];
      if (!crop.contains(x + o.dx, y + o.dy, z + o.dz)) continue;
      const std::int32_t neighbour = level[crop.index(x + o.dx, y + o.dy, z + o.dz)];
      if (neighbour == 0) continue;
      const std::int64_t difference = centre_bin - std::int64_t(bins[neighbour]);
      if ((difference < 0 ? -difference : difference) <= a) ++dependent;
    }
    atomicAdd(&counts[std::int64_t(centre - 1) * item.columns + dependent], Counter(1));
  }
};

// NGTDM: per ROI voxel with W neighbours in the ROI whose bin numbers sum to S, adds |i W - S| to column W
// and one to the last column (the voxel count of level i), as compute_ngtdm_matrix in ngtdm.cpp.
struct ngtdm_visit {
  const double* grey = nullptr;
  const std::int64_t* level_offset = nullptr;

  template <class Counter>
  __device__ void visit(const count_item& item, const offset3* offsets, const extent3& crop,
                        const std::int32_t* level, std::int64_t v, Counter* counts, std::uint32_t*) const {
    const std::int32_t centre = level[v];
    if (centre == 0) return;
    const double* bins = grey + level_offset[item.roi] - 1;
    int x, y, z;
    decode_voxel(crop, v, x, y, z);
    std::int64_t neighbours = 0, neighbour_sum = 0;
    for (int k = 0; k < item.offset_count; ++k) {
      const offset3 o = offsets[item.first_offset + k];
      if (!crop.contains(x + o.dx, y + o.dy, z + o.dz)) continue;
      const std::int32_t neighbour = level[crop.index(x + o.dx, y + o.dy, z + o.dz)];
      if (neighbour == 0) continue;
      ++neighbours;
      neighbour_sum += std::int64_t(bins[neighbour]);
    }
    const std::int64_t difference = std::int64_t(bins[centre]) * neighbours - neighbour_sum;
    Counter* row = counts + std::int64_t(centre - 1) * item.columns;
    atomicAdd(&row[neighbours], Counter(difference < 0 ? -difference : difference));
    atomicAdd(&row[item.columns - 1], Counter(1));
  }
};

// One thread per ROI: the dependence sizes that occur become the columns, ascending (compute_gldm_matrix).
__global__ void gldm_prepare(const count_item* items, int rois, const std::uint32_t* counts, zone_slot* slots,
                             double* values, double* column_value) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const count_item item = items[roi];
  zone_slot& slot = slots[roi];
  const std::uint32_t* matrix = counts + item.counts_offset;
  double* out = values + slot.values_offset;
  double* column = column_value + slot.column_offset;
  int columns = 0;
  unsigned long long voxels = 0;
  for (int d = 0; d < item.columns; ++d) {
    bool present = false;
    for (int k = 0; k < item.rows; ++k) present = present || matrix[std::int64_t(k) * item.columns + d] != 0;
    if (present) column[columns++] = double(d + 1);
  }
  for (int k = 0; k < item.rows; ++k) {
    int c = 0;
    for (int d = 0; d < item.columns; ++d) {
      const std::uint32_t count = matrix[std::int64_t(k) * item.columns + d];
      voxels += count;
      if (c < columns && column[c] == double(d + 1)) out[std::int64_t(k) * columns + c++] = double(count);
    }
  }
  slot.columns = columns;
  slot.voxel_count = double(voxels);
}

}  // namespace

zone_family_matrices build_gldm(const discrete_batch& batch, const device_batch& d_batch,
                                const texture_settings& settings, cudaStream_t stream) {
  count_plan plan = roi_plan(batch, settings.angles, 1);  // columns 0..offsets dependent neighbours
  const gldm_visit visit{settings.gldm_a, d_batch.grey_value.data(), d_batch.level_offset.data()};
  counted<std::uint32_t> counts = run_count<std::uint32_t>(std::move(plan), d_batch, visit, stream);
  zone_family_matrices out;
  std::int64_t values = 0, column_values = 0;
  for (const count_item& item : counts.plan.items) {
    zone_slot slot;
    slot.rows = item.rows;
    slot.values_offset = values;
    slot.column_offset = column_values;
    values += std::int64_t(item.rows) * item.columns;
    column_values += item.columns;
    out.host_slots.push_back(slot);
  }
  out.slots = device_buffer<zone_slot>(out.host_slots);
  out.values = device_buffer<double>(std::size_t(values));
  out.column_value = device_buffer<double>(std::size_t(column_values));
  if (batch.rois() > 0) {
    const int threads = 64;
    gldm_prepare<<<unsigned((batch.rois() + threads - 1) / threads), threads, 0, stream>>>(
        counts.items.data(), batch.rois(), counts.counts.data(), out.slots.data(), out.values.data(),
        out.column_value.data());
    RADCORE_CUDA_CHECK_LAUNCH(stream, "gldm_prepare");
  }
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  out.host_slots = out.slots.download();
  return out;
}

namespace {

// One thread per ROI: n_i from the last column and s_i from the integer sums by ngtdm_difference_sum.
__global__ void ngtdm_prepare(const count_item* items, int rois, const unsigned long long* counts,
                              const std::int64_t* level_offset, double* count, double* difference_sum) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const count_item item = items[roi];
  const int max_neighbours = item.columns - 2;
  for (int k = 0; k < item.rows; ++k) {
    const unsigned long long* row = counts + item.counts_offset + std::int64_t(k) * item.columns;
    // Each entry is a sum of absolute values, far below 2^63, so reading it as signed keeps its value.
    const std::int64_t* scaled_sums = reinterpret_cast<const std::int64_t*>(row);
    count[level_offset[roi] + k] = double(row[item.columns - 1]);
    difference_sum[level_offset[roi] + k] = ngtdm_difference_sum(scaled_sums, max_neighbours);
  }
}

}  // namespace

ngtdm_family_matrices build_ngtdm(const discrete_batch& batch, const device_batch& d_batch,
                                  const texture_settings& settings, cudaStream_t stream) {
  // Columns: W = 0..offsets neighbours, then the voxel count of the level.
  count_plan plan = roi_plan(batch, settings.angles, 2);
  const ngtdm_visit visit{d_batch.grey_value.data(), d_batch.level_offset.data()};
  counted<unsigned long long> counts = run_count<unsigned long long>(std::move(plan), d_batch, visit, stream);
  ngtdm_family_matrices out;
  out.count = device_buffer<double>(batch.grey_value.size());
  out.difference_sum = device_buffer<double>(batch.grey_value.size());
  if (batch.rois() > 0) {
    const int threads = 64;
    ngtdm_prepare<<<unsigned((batch.rois() + threads - 1) / threads), threads, 0, stream>>>(
        counts.items.data(), batch.rois(), counts.counts.data(), d_batch.level_offset.data(), out.count.data(),
        out.difference_sum.data());
    RADCORE_CUDA_CHECK_LAUNCH(stream, "ngtdm_prepare");
  }
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  return out;
}

namespace {

constexpr int zone_threads = 256;

// Per-ROI placement of the GLSZM's work arrays: the zone matrix (rows x column_bound counts) and its
// column values (column_bound zone sizes).
struct zone_item {
  int roi = 0;
  int first_offset = 0;
  int offset_count = 0;
  int rows = 0;
  int column_bound = 0;
  std::int64_t counts_offset = 0;
};

// Returns a bound on the number of distinct zone sizes in a crop of `voxels` voxels: k distinct sizes need
// at least 1 + 2 + ... + k = k (k + 1) / 2 voxels.
int distinct_size_bound(std::int64_t voxels) {
  std::int64_t k = std::int64_t(std::sqrt(2.0 * double(voxels))) + 1;
  while (k > 0 && k * (k + 1) / 2 > voxels) --k;
  return int(k);
}

// One block per ROI labels the zones (connected voxels of equal level along the offsets) by the smallest
// voxel index they contain, as the union-find of compute_glszm_matrix does. Labels only decrease: each
// pass takes the minimum over the equal-level neighbours and jumps to the label's own label, until a
// pass changes nothing, so the result does not depend on thread order. Then zone sizes are counted, the
// sizes present become the columns, ascending, and each zone adds one to (its level, its size's column).
// `label`, `zone_size` and `column_of` hold one entry per batch voxel; `zone_size` and `column_of` start
// at zero, and so do the counts.
__global__ void glszm_kernel(batch_view batch, const zone_item* items, const offset3* offsets, std::int32_t* label,
                             std::uint32_t* zone_size, std::int32_t* column_of, std::uint32_t* counts,
                             zone_slot* slots, double* column_value) {
  const zone_item item = items[blockIdx.x];
  const extent3 crop = batch.size[item.roi];
  const std::int64_t base = batch.voxel_offset[item.roi];
  const std::int64_t voxels = crop.count();
  const std::int32_t* level = batch.level + base;
  std::int32_t* own_label = label + base;
  std::uint32_t* own_size = zone_size + base;
  std::int32_t* own_column = column_of + base;  // entry s - 1: column of zone size s, plus one

  for (std::int64_t v = threadIdx.x; v < voxels; v += blockDim.x) own_label[v] = level[v] != 0 ? int(v) : -1;
  __syncthreads();

  bool changed = true;
  while (changed) {
    int local_change = 0;
    for (std::int64_t v = threadIdx.x; v < voxels; v += blockDim.x) {
      const std::int32_t here = level[v];
      if (here == 0) continue;
      int x, y, z;
      decode_voxel(crop, v, x, y, z);
      std::int32_t smallest = own_label[v];
      for (int k = 0; k < item.offset_count; ++k) {
        const offset3 o = offsets[item.first_offset + k];
        if (!crop.contains(x + o.dx, y + o.dy, z + o.dz)) continue;
        const std::int64_t w = crop.index(x + o.dx, y + o.dy, z + o.dz);
        if (level[w] == here) smallest = min(smallest, own_label[w]);
      }
      smallest = min(smallest, own_label[smallest]);
      if (smallest < own_label[v]) {
        own_label[v] = smallest;
        local_change = 1;
      }
    }
    changed = __syncthreads_or(local_change) != 0;
  }

  __shared__ unsigned long long roi_voxels;
  if (threadIdx.x == 0) roi_voxels = 0;
  __syncthreads();
  unsigned long long local_voxels = 0;
  for (std::int64_t v = threadIdx.x; v < voxels; v += blockDim.x) {
    if (level[v] == 0) continue;
    atomicAdd(&own_size[own_label[v]], 1u);
    ++local_voxels;
  }
  atomicAdd(&roi_voxels, local_voxels);
  __syncthreads();
  for (std::int64_t v = threadIdx.x; v < voxels; v += blockDim.x) {
    if (level[v] != 0 && own_label[v] == v) own_column[own_size[v] - 1] = 1;
  }
  __syncthreads();

  // NOTE: one thread numbers the sizes present, a serial pass over the crop's voxels; a block-wide scan
  // would be faster for large crops.
  zone_slot& slot = slots[blockIdx.x];
  if (threadIdx.x == 0) {
    int columns = 0;
    for (std::int64_t s = 0; s < voxels; ++s) {
      if (own_column[s] == 0) continue;
      column_value[slot.column_offset + columns] = double(s + 1);
      own_column[s] = ++columns;
    }
    slot.columns = columns;
    slot.voxel_count = double(roi_voxels);
  }
  __syncthreads();
  const int columns = slot.columns;
  for (std::int64_t v = threadIdx.x; v < voxels; v += blockDim.x) {
    if (level[v] == 0 || own_label[v] != v) continue;
    const std::int32_t column = own_column[own_size[v] - 1] - 1;
    atomicAdd(&counts[item.counts_offset + std::int64_t(level[v] - 1) * columns + column], 1u);
  }
}

// One thread per ROI: the zone counts as doubles, rows x columns.
__global__ void zone_counts_to_values(const zone_item* items, int rois, const std::uint32_t* counts,
                                      const zone_slot* slots, double* values) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const zone_slot slot = slots[roi];
  const std::int64_t cells = std::int64_t(slot.rows) * slot.columns;
  for (std::int64_t k = 0; k < cells; ++k) values[slot.values_offset + k] = double(counts[items[roi].counts_offset + k]);
}

}  // namespace

zone_family_matrices build_glszm(const discrete_batch& batch, const device_batch& d_batch,
                                 const texture_settings& settings, cudaStream_t stream) {
  // Connectivity is always distance 1 (glszm.py passes no distances), and both directions of each
  // offset are needed because labels spread from either side.
  angle_options connectivity;
  connectivity.distances = {1};
  connectivity.force2d = settings.angles.force2d;
  connectivity.force2d_dimension = settings.angles.force2d_dimension;

  std::vector<offset3> offsets;
  std::vector<zone_item> items;
  zone_family_matrices out;
  std::int64_t cells = 0, column_values = 0;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const std::vector<offset3> roi_offsets = generate_angles(batch.size[std::size_t(roi)], connectivity, true);
    zone_item item;
    item.roi = roi;
    item.first_offset = int(offsets.size());
    item.offset_count = int(roi_offsets.size());
    item.rows = batch.levels(roi);
    item.column_bound = distinct_size_bound(batch.size[std::size_t(roi)].count());
    item.counts_offset = cells;
    offsets.insert(offsets.end(), roi_offsets.begin(), roi_offsets.end());
    zone_slot slot;
    slot.rows = item.rows;
    slot.values_offset = cells;
    slot.column_offset = column_values;
    cells += std::int64_t(item.rows) * item.column_bound;
    column_values += item.column_bound;
    items.push_back(item);
    out.host_slots.push_back(slot);
  }
  out.slots = device_buffer<zone_slot>(out.host_slots);
  out.values = device_buffer<double>(std::size_t(cells));
  out.column_value = device_buffer<double>(std::size_t(column_values));
  if (batch.rois() == 0) return out;

  const std::size_t batch_voxels = batch.level.size();
  device_buffer<zone_item> d_items(items);
  device_buffer<offset3> d_offsets(offsets);
  device_buffer<std::int32_t> label(batch_voxels);
  device_buffer<std::uint32_t> zone_size(batch_voxels);
  device_buffer<std::int32_t> column_of(batch_voxels);
  device_buffer<std::uint32_t> counts{std::size_t(cells)};
  zone_size.zero(stream);
  column_of.zero(stream);
  counts.zero(stream);
  glszm_kernel<<<unsigned(batch.rois()), zone_threads, 0, stream>>>(d_batch.view(), d_items.data(), d_offsets.data(),
                                                                     label.data(), zone_size.data(), column_of.data(),
                                                                     counts.data(), out.slots.data(),
                                                                     out.column_value.data());
  RADCORE_CUDA_CHECK_LAUNCH(stream, "glszm_kernel");
  const int threads = 64;
  zone_counts_to_values<<<unsigned((batch.rois() + threads - 1) / threads), threads, 0, stream>>>(
      d_items.data(), batch.rois(), counts.data(), out.slots.data(), out.values.data());
  RADCORE_CUDA_CHECK_LAUNCH(stream, "zone_counts_to_values");
  RADCORE_CUDA_CHECK(cudaStreamSynchronize(stream));
  out.host_slots = out.slots.download();
  return out;
}

}  // namespace radcore::cuda
