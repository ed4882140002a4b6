// Feature kernels and the public entry points of the CUDA backend (kernels/cuda_backend.hpp). The matrices
// come from texture_kernels.cu and zone_kernels.cu; every feature value comes from the formulas the CPU
// backend calls. The formulas are serial loops over one matrix, so each runs on one thread: one thread per
// (ROI, angle) matrix, then one thread per ROI to average over angles.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/cuda/texture_kernels.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/error.hpp"
#include "kernels/glcm_formulas.hpp"
#include "kernels/gldm_formulas.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glrlm_formulas.hpp"
#include "kernels/glszm_formulas.hpp"
#include "kernels/ngtdm_formulas.hpp"

namespace radcore {
namespace {

using cuda::angle_family_matrices;
using cuda::device_batch;
using cuda::device_buffer;
using cuda::matrix_slot;
using cuda::zone_family_matrices;
using cuda::zone_slot;

constexpr int feature_threads = 64;
// Scratch the GLCM feature step may hold at once. Slots beyond it are evaluated by further launches.
constexpr std::int64_t scratch_budget_bytes = std::int64_t(1) << 30;

unsigned blocks_for(std::int64_t threads_needed) {
  return unsigned((threads_needed + feature_threads - 1) / feature_threads);
}


// ---------------------------------------------------------------------------------------------------------
// GLCM

// One thread per slot of [begin, end): the GLCM formulas on a used slot. Scratch offsets are relative to
// the launch's first slot.
__global__ void glcm_slot_features(const matrix_slot* slots, int begin, int end, const double* values,
                                   const double* grey_value, const std::int64_t* level_offset, const std::int32_t* ng,
                                   const std::int64_t* double_offset, const std::int64_t* index_offset,
                                   double* work, std::int64_t* index_work, double* features) {
  const int s = begin + int(blockIdx.x * blockDim.x + threadIdx.x);
  if (s >= end) return;
  const matrix_slot slot = slots[s];
  double* out = features + std::int64_t(s) * glcm::feature_count;
  if (slot.state != 1) return;
  const std::int64_t n = slot.rows;
  const double* p = values + slot.values_offset;
  const double* grey = grey_value + level_offset[slot.roi];
  double* scratch = work + double_offset[s - begin];
  double* mcc_work = scratch + glcm::angle_scratch_size(n, ng[slot.roi]);
  glcm::angle_features(p, n, grey, ng[slot.roi], scratch, out);
  // angle_features leaves px and py at the start of its scratch.
  out[glcm::mcc] = glcm::mcc_angle(p, n, scratch, scratch + n, mcc_work, index_work + index_offset[s - begin]);
}

// One thread per ROI: the per-slot values averaged as roi_features in glcm.cpp averages them.
__global__ void glcm_combine(int rois, const int* first_slot, const matrix_slot* slots, const double* features,
                             const std::int32_t* ng, int merged, double* gather, double* out) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const int begin = first_slot[roi], end = first_slot[roi + 1];
  const bool merged_is_empty = merged != 0 && begin < end && slots[begin].state == 2;
  double* values = gather + begin;
  for (int f = 0; f < glcm::feature_count; ++f) {
    int kept = 0;
    for (int s = begin; s < end; ++s) {
      if (slots[s].state == 1) values[kept++] = features[std::int64_t(s) * glcm::feature_count + f];
    }
    double value;
    if (merged_is_empty && f == glcm::inverse_variance && ng[roi] == 1) {
      value = 0.0;  // an empty sum over k = 1 .. Ng - 1, as on the CPU
    } else if (merged_is_empty || kept == 0) {
      value = NAN;
    } else if (f == glcm::joint_average) {
      value = numpy_pairwise_sum(values, kept) / double(kept);  // a plain mean in PyRadiomics
    } else {
      value = nan_mean_in_place(values, kept);
    }
    out[std::int64_t(roi) * glcm::feature_count + f] = value;
  }
}

void evaluate_glcm_slots(const discrete_batch& batch, const device_batch& d_batch, const angle_family_matrices& m,
                         device_buffer<double>& features) {
  const int slots = int(m.host_slots.size());
  int begin = 0;
  while (begin < slots) {
    std::vector<std::int64_t> double_offset, index_offset;
    std::int64_t doubles = 0, indices = 0;
    int end = begin;
    while (end < slots) {
      const matrix_slot& slot = m.host_slots[std::size_t(end)];
      const std::int64_t n = slot.rows;
      const std::int64_t slot_doubles =
          glcm::angle_scratch_size(n, batch.ng[std::size_t(slot.roi)]) + glcm::mcc_scratch_doubles(n);
      const std::int64_t slot_indices = glcm::mcc_scratch_indices(n);
      const std::int64_t bytes = (doubles + slot_doubles) * 8 + (indices + slot_indices) * 8;
      if (end > begin && bytes > scratch_budget_bytes) break;
      double_offset.push_back(doubles);
      index_offset.push_back(indices);
      doubles += slot_doubles;
      indices += slot_indices;
      ++end;
    }
    device_buffer<std::int64_t> d_double_offset(double_offset), d_index_offset(index_offset);
    device_buffer<double> work{std::size_t(doubles)};
    device_buffer<std::int64_t> index_work{std::size_t(indices)};
    glcm_slot_features<<<blocks_for(end - begin), feature_threads>>>(
        m.slots.data(), begin, end, m.values.data(), d_batch.grey_value.data(), d_batch.level_offset.data(),
        d_batch.ng.data(), d_double_offset.data(), d_index_offset.data(), work.data(), index_work.data(),
        features.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "glcm_slot_features");
    // The scratch is freed on this thread's stream after the kernel; waiting for that stream alone keeps
    // another thread's work running.
    RADCORE_CUDA_CHECK(cudaStreamSynchronize(cudaStreamPerThread));
    begin = end;
  }
}

// ---------------------------------------------------------------------------------------------------------
// GLRLM

// One thread per slot: the GLRLM formulas on a used slot; a merged slot without runs gets the values
// roi_features in glrlm.cpp gives it.
__global__ void glrlm_slot_features(const matrix_slot* slots, int count, const double* values,
                                    const double* grey_value, const std::int64_t* level_offset, double* work,
                                    double* features) {
  const int s = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (s >= count) return;
  const matrix_slot slot = slots[s];
  double* out = features + std::int64_t(s) * glrlm::feature_count;
  if (slot.state == 0) return;
  if (slot.state == 2) {
    for (int f = 0; f < glrlm::feature_count; ++f) out[f] = NAN;
    out[glrlm::run_entropy] = 0.0;
    out[glrlm::run_variance] = 0.0;
    return;
  }
  // Slot s's scratch starts at values_offset + s, which leaves it rows x columns + 1 doubles, at least the
  // rows + columns that angle_features needs.
  glrlm::angle_features(values + slot.values_offset, slot.rows, slot.columns, grey_value + level_offset[slot.roi],
                        work + slot.values_offset + s, out);
}

__global__ void glrlm_combine(int rois, const int* first_slot, const matrix_slot* slots, const double* features,
                              double* gather, double* out) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const int begin = first_slot[roi], end = first_slot[roi + 1];
  double* values = gather + begin;
  for (int f = 0; f < glrlm::feature_count; ++f) {
    int kept = 0;
    for (int s = begin; s < end; ++s) {
      if (slots[s].state != 0) values[kept++] = features[std::int64_t(s) * glrlm::feature_count + f];
    }
    out[std::int64_t(roi) * glrlm::feature_count + f] = nan_mean_in_place(values, kept);
  }
}

// ---------------------------------------------------------------------------------------------------------
// GLSZM, GLDM, NGTDM: one matrix per ROI.

enum class zone_family { glszm, gldm };

__global__ void zone_features(int rois, const zone_slot* slots, const double* values, const double* column_value,
                              const double* grey_value, const std::int64_t* level_offset, double* row_sum,
                              double* column_sum, int family, int feature_count, double* out) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  const zone_slot slot = slots[roi];
  double* result = out + std::int64_t(roi) * feature_count;
  if (slot.voxel_count == 0.0) {
    for (int f = 0; f < feature_count; ++f) result[f] = NAN;
    return;
  }
  zone_matrix_view view;
  view.counts = values + slot.values_offset;
  view.row_value = grey_value + level_offset[roi];
  view.column_value = column_value + slot.column_offset;
  view.rows = slot.rows;
  view.columns = slot.columns;
  view.row_sum = row_sum + level_offset[roi];
  view.column_sum = column_sum + slot.column_offset;
  zone_matrix_marginals(view.counts, view.rows, view.columns, row_sum + level_offset[roi],
                        column_sum + slot.column_offset);
  if (family == int(zone_family::glszm)) {
    compute_glszm_values(view, slot.voxel_count, result);
  } else {
    compute_gldm_values(view, slot.voxel_count, result);
  }
}

__global__ void ngtdm_features(int rois, const double* count, const double* difference_sum, const double* grey_value,
                               const std::int64_t* level_offset, double* out) {
  const int roi = blockIdx.x * blockDim.x + threadIdx.x;
  if (roi >= rois) return;
  double* result = out + std::int64_t(roi) * ngtdm_feature_index_count;
  const std::int64_t first = level_offset[roi];
  if (level_offset[roi + 1] == first) {
    for (int f = 0; f < ngtdm_feature_index_count; ++f) result[f] = NAN;
    return;
  }
  ngtdm_view view;
  view.count = count + first;
  view.difference_sum = difference_sum + first;
  view.grey_level = grey_value + first;
  view.levels = level_offset[roi + 1] - first;
  compute_ngtdm_values(view, result);
}

feature_block download_block(const device_buffer<double>& values, int rois, int features) {
  feature_block block(rois, features);
  block.values = values.download();
  return block;
}

feature_block zone_block(const discrete_batch& batch, const device_batch& d_batch, const zone_family_matrices& m,
                         zone_family family, int feature_count) {
  device_buffer<double> row_sum(batch.grey_value.size());
  device_buffer<double> column_sum(m.column_value.size());
  device_buffer<double> out(std::size_t(batch.rois()) * feature_count);
  if (batch.rois() > 0) {
    zone_features<<<blocks_for(batch.rois()), feature_threads>>>(
        batch.rois(), m.slots.data(), m.values.data(), m.column_value.data(), d_batch.grey_value.data(),
        d_batch.level_offset.data(), row_sum.data(), column_sum.data(), int(family), feature_count, out.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "zone_features");
  }
  return download_block(out, batch.rois(), feature_count);
}

feature_block glcm_features_on(const discrete_batch& batch, const device_batch& d_batch,
                               const texture_settings& settings) {
  const angle_family_matrices m = cuda::build_glcm(batch, d_batch, settings, nullptr);
  const std::size_t slots = m.host_slots.size();
  device_buffer<double> slot_features(std::max<std::size_t>(slots, 1) * glcm::feature_count);
  evaluate_glcm_slots(batch, d_batch, m, slot_features);
  device_buffer<int> first_slot(m.first_slot);
  device_buffer<double> gather(std::max<std::size_t>(slots, 1));
  device_buffer<double> out(std::size_t(batch.rois()) * glcm::feature_count);
  if (batch.rois() > 0) {
    glcm_combine<<<blocks_for(batch.rois()), feature_threads>>>(
        batch.rois(), first_slot.data(), m.slots.data(), slot_features.data(), d_batch.ng.data(),
        settings.weighting != weighting_norm::none ? 1 : 0, gather.data(), out.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "glcm_combine");
  }
  return download_block(out, batch.rois(), glcm::feature_count);
}

feature_block glrlm_features_on(const discrete_batch& batch, const device_batch& d_batch,
                                const texture_settings& settings) {
  const angle_family_matrices m = cuda::build_glrlm(batch, d_batch, settings, nullptr);
  const std::size_t slots = m.host_slots.size();
  device_buffer<double> slot_features(std::max<std::size_t>(slots, 1) * glrlm::feature_count);
  // Scratch for glrlm_slot_features: the values' layout with one more double per slot.
  device_buffer<double> work(m.values.size() + slots + 1);
  device_buffer<int> first_slot(m.first_slot);
  device_buffer<double> gather(std::max<std::size_t>(slots, 1));
  device_buffer<double> out(std::size_t(batch.rois()) * glrlm::feature_count);
  if (slots > 0) {
    glrlm_slot_features<<<blocks_for(std::int64_t(slots)), feature_threads>>>(
        m.slots.data(), int(slots), m.values.data(), d_batch.grey_value.data(), d_batch.level_offset.data(),
        work.data(), slot_features.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "glrlm_slot_features");
  }
  if (batch.rois() > 0) {
    glrlm_combine<<<blocks_for(batch.rois()), feature_threads>>>(batch.rois(), first_slot.data(), m.slots.data(),
                                                                  slot_features.data(), gather.data(), out.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "glrlm_combine");
  }
  return download_block(out, batch.rois(), glrlm::feature_count);
}

feature_block glszm_features_on(const discrete_batch& batch, const device_batch& d_batch,
                                const texture_settings& settings) {
  const zone_family_matrices m = cuda::build_glszm(batch, d_batch, settings, nullptr);
  return zone_block(batch, d_batch, m, zone_family::glszm, glszm_feature_index_count);
}

feature_block gldm_features_on(const discrete_batch& batch, const device_batch& d_batch,
                               const texture_settings& settings) {
  const zone_family_matrices m = cuda::build_gldm(batch, d_batch, settings, nullptr);
  return zone_block(batch, d_batch, m, zone_family::gldm, gldm_feature_index_count);
}

feature_block ngtdm_features_on(const discrete_batch& batch, const device_batch& d_batch,
                                const texture_settings& settings) {
  const cuda::ngtdm_family_matrices m = cuda::build_ngtdm(batch, d_batch, settings, nullptr);
  device_buffer<double> out(std::size_t(batch.rois()) * ngtdm_feature_index_count);
  if (batch.rois() > 0) {
    ngtdm_features<<<blocks_for(batch.rois()), feature_threads>>>(batch.rois(), m.count.data(),
                                                                   m.difference_sum.data(), d_batch.grey_value.data(),
                                                                   d_batch.level_offset.data(), out.data());
    RADCORE_CUDA_CHECK_LAUNCH(nullptr, "ngtdm_features");
  }
  return download_block(out, batch.rois(), ngtdm_feature_index_count);
}

// Returns the features of one texture family on a batch already on the device.
feature_block family_features_on(const std::string& family, const discrete_batch& batch, const device_batch& d_batch,
                                 const texture_settings& settings) {
  if (family == "glcm") return glcm_features_on(batch, d_batch, settings);
  if (family == "glrlm") return glrlm_features_on(batch, d_batch, settings);
  if (family == "glszm") return glszm_features_on(batch, d_batch, settings);
  if (family == "gldm") return gldm_features_on(batch, d_batch, settings);
  if (family == "ngtdm") return ngtdm_features_on(batch, d_batch, settings);
  throw input_error("the CUDA backend has no texture family '" + family +
                    "'; expected glcm, glrlm, glszm, gldm or ngtdm");
}

}  // namespace

feature_block cuda_compute_glcm_features(const discrete_batch& batch, const texture_settings& settings) {
  return glcm_features_on(batch, cuda::upload_batch(batch), settings);
}

feature_block cuda_compute_glrlm_features(const discrete_batch& batch, const texture_settings& settings) {
  return glrlm_features_on(batch, cuda::upload_batch(batch), settings);
}

feature_block cuda_compute_glszm_features(const discrete_batch& batch, const texture_settings& settings) {
  return glszm_features_on(batch, cuda::upload_batch(batch), settings);
}

feature_block cuda_compute_gldm_features(const discrete_batch& batch, const texture_settings& settings) {
  return gldm_features_on(batch, cuda::upload_batch(batch), settings);
}

feature_block cuda_compute_ngtdm_features(const discrete_batch& batch, const texture_settings& settings) {
  return ngtdm_features_on(batch, cuda::upload_batch(batch), settings);
}

std::vector<feature_block> cuda_compute_texture_features(const discrete_batch& batch, const texture_settings& settings,
                                                         const std::vector<std::string>& families) {
  const device_batch d_batch = cuda::upload_batch(batch);
  std::vector<feature_block> blocks;
  blocks.reserve(families.size());
  for (const std::string& family : families) blocks.push_back(family_features_on(family, batch, d_batch, settings));
  return blocks;
}

}  // namespace radcore
