// Device-side texture matrices for a batch of ROIs: the integer counting kernels and the step that turns
// counts into the double matrices PyRadiomics' formulas read. CUDA header; only kernels/cuda/*.cu include it.
//
// Every family builds its counts with one launch for the whole batch. A block counts one chunk of one
// item's voxels (an item is one ROI, or one ROI and one angle for GLCM and GLRLM) into shared memory when the
// item's counters fit there and the chunk has at least as many voxels as counters, and straight into global
// memory otherwise. Only integer atomics are used, so the counts do not depend on thread scheduling.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

#include "kernels/cuda/device_buffer.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"

namespace radcore::cuda {

// Device pointers to a discrete_batch, passed to kernels by value.
struct batch_view {
  const extent3* size = nullptr;
  const std::int64_t* voxel_offset = nullptr;
  const std::int32_t* level = nullptr;
  const std::int64_t* level_offset = nullptr;
  const double* grey_value = nullptr;
  const std::int32_t* ng = nullptr;
};

// A discrete_batch copied to the device.
struct device_batch {
  int rois = 0;
  std::int64_t max_voxels = 0;  // voxels of the largest crop
  device_buffer<extent3> size;
  device_buffer<std::int64_t> voxel_offset;
  device_buffer<std::int32_t> level;
  device_buffer<std::int64_t> level_offset;
  device_buffer<double> grey_value;
  device_buffer<std::int32_t> ng;

  batch_view view() const {
    return {size.data(), voxel_offset.data(), level.data(), level_offset.data(), grey_value.data(), ng.data()};
  }
};

device_batch upload_batch(const discrete_batch& batch);

// One unit of counting work: a rows x columns matrix of counters at counts_offset, built from the voxels
// of ROI `roi` and the neighbour offsets [first_offset, first_offset + offset_count) of the item's list.
struct count_item {
  int roi = 0;
  int first_offset = 0;
  int offset_count = 0;
  int rows = 0;
  int columns = 0;
  int use_shared = 0;  // 1 when a block counts into shared memory first
  double weight = 1.0;  // the angle's weight when a weighting norm merges angles (GLCM, GLRLM)
  std::int64_t counts_offset = 0;
};

// A matrix as the formulas read it: rows x columns doubles at values_offset (row-major).
// state: 0 = left out (an empty angle), 1 = used, 2 = used although it holds no count (a weighted merge of
// empty angles, which PyRadiomics still evaluates).
struct matrix_slot {
  int roi = 0;
  int rows = 0;
  int columns = 0;
  int state = 0;
  std::int64_t values_offset = 0;
};

// Matrices of an angle family (GLCM, GLRLM): one slot per angle with weighting_norm::none, one merged slot
// per ROI otherwise. Slots of ROI r are [first_slot[r], first_slot[r + 1]), in angle order.
struct angle_family_matrices {
  std::vector<int> first_slot;
  std::vector<matrix_slot> host_slots;  // state is known only on the device until download_slots()
  device_buffer<matrix_slot> slots;
  device_buffer<double> values;
};

// Returns the slots with their device-side state.
std::vector<matrix_slot> download_slots(const angle_family_matrices& matrices);

// GLCM: per slot the (symmetrised, when requested) co-occurrence matrix divided by its sum.
angle_family_matrices build_glcm(const discrete_batch& batch, const device_batch& d_batch,
                                 const texture_settings& settings, cudaStream_t stream);

// GLRLM: per slot the run-length counts (n x max crop dimension), or their weighted merge.
angle_family_matrices build_glrlm(const discrete_batch& batch, const device_batch& d_batch,
                                  const texture_settings& settings, cudaStream_t stream);

// A zone-style matrix of one ROI (GLSZM, GLDM): rows x columns counts as doubles, with the column values
// (zone sizes, dependence + 1) alongside. columns and voxel_count are filled on the device.
struct zone_slot {
  int rows = 0;
  int columns = 0;
  std::int64_t values_offset = 0;
  std::int64_t column_offset = 0;
  double voxel_count = 0.0;
};

struct zone_family_matrices {
  std::vector<zone_slot> host_slots;  // columns and voxel_count are valid after download
  device_buffer<zone_slot> slots;
  device_buffer<double> values;
  device_buffer<double> column_value;
};

zone_family_matrices build_glszm(const discrete_batch& batch, const device_batch& d_batch,
                                 const texture_settings& settings, cudaStream_t stream);
zone_family_matrices build_gldm(const discrete_batch& batch, const device_batch& d_batch,
                                const texture_settings& settings, cudaStream_t stream);

// NGTDM: n_i and s_i per present grey level, laid out like the batch's grey values (level_offset).
struct ngtdm_family_matrices {
  device_buffer<double> count;
  device_buffer<double> difference_sum;
};

ngtdm_family_matrices build_ngtdm(const discrete_batch& batch, const device_batch& d_batch,
                                  const texture_settings& settings, cudaStream_t stream);

}  // namespace radcore::cuda
