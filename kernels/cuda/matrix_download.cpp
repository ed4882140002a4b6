// The device's texture matrices copied back in the CPU backend's layouts, for parity checks. Host code:
// compiled by the C++ compiler against the CUDA runtime's headers.
#include <cstddef>
#include <vector>

#include "kernels/cuda/texture_kernels.hpp"
#include "kernels/cuda_backend.hpp"

namespace radcore {
namespace {

using cuda::matrix_slot;

// Slots of ROI `roi` whose state is in [lowest_state, 2], in angle order.
std::vector<matrix_slot> used_slots(const cuda::angle_family_matrices& m, const std::vector<matrix_slot>& slots,
                                    int roi, int lowest_state) {
  std::vector<matrix_slot> used;
  for (int s = m.first_slot[std::size_t(roi)]; s < m.first_slot[std::size_t(roi) + 1]; ++s) {
    if (slots[std::size_t(s)].state >= lowest_state) used.push_back(slots[std::size_t(s)]);
  }
  return used;
}

}  // namespace

std::vector<texture_matrix> cuda_glcm_matrices(const discrete_batch& batch, const texture_settings& settings) {
  const cuda::device_batch d_batch = cuda::upload_batch(batch);
  const cuda::angle_family_matrices m = cuda::build_glcm(batch, d_batch, settings, nullptr);
  const std::vector<matrix_slot> slots = cuda::download_slots(m);
  const std::vector<double> values = m.values.download();
  std::vector<texture_matrix> out;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    // glcm_matrix keeps only matrices with a non-zero sum, merged or not.
    const std::vector<matrix_slot> used = used_slots(m, slots, roi, 1);
    std::vector<matrix_slot> kept;
    for (const matrix_slot& slot : used) {
      if (slot.state == 1) kept.push_back(slot);
    }
    const std::size_t n = std::size_t(batch.levels(roi));
    const std::size_t angles = kept.size();
    texture_matrix matrix;
    matrix.shape = {n, n, angles};
    matrix.values.resize(n * n * angles);
    for (std::size_t a = 0; a < angles; ++a) {
      for (std::size_t k = 0; k < n * n; ++k) {
        matrix.values[k * angles + a] = values[std::size_t(kept[a].values_offset) + k];
      }
    }
    out.push_back(std::move(matrix));
  }
  return out;
}

std::vector<texture_matrix> cuda_glrlm_matrices(const discrete_batch& batch, const texture_settings& settings) {
  const cuda::device_batch d_batch = cuda::upload_batch(batch);
  const cuda::angle_family_matrices m = cuda::build_glrlm(batch, d_batch, settings, nullptr);
  const std::vector<matrix_slot> slots = cuda::download_slots(m);
  const std::vector<double> values = m.values.download();
  std::vector<texture_matrix> out;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const std::vector<matrix_slot> used = used_slots(m, slots, roi, 1);
    const std::size_t n = std::size_t(batch.levels(roi));
    const std::size_t nr = used.empty() ? 0 : std::size_t(used.front().columns);
    // Run lengths that occur in no angle are left out, as glrlm_matrix leaves them out.
    std::vector<std::size_t> lengths;
    for (std::size_t j = 0; j < nr; ++j) {
      bool occurs = false;
      for (const matrix_slot& slot : used) {
        for (std::size_t i = 0; i < n && !occurs; ++i) occurs = values[std::size_t(slot.values_offset) + i * nr + j] != 0.0;
      }
      if (occurs) lengths.push_back(j);
    }
    const std::size_t angles = used.size();
    texture_matrix matrix;
    matrix.shape = {n, lengths.size(), angles};
    matrix.values.resize(n * lengths.size() * angles);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < lengths.size(); ++j) {
        for (std::size_t a = 0; a < angles; ++a) {
          matrix.values[(i * lengths.size() + j) * angles + a] =
              values[std::size_t(used[a].values_offset) + i * nr + lengths[j]];
        }
      }
    }
    out.push_back(std::move(matrix));
  }
  return out;
}

namespace {

// Zone-style matrices (GLSZM, GLDM) as rows, column values and counts.
template <class Matrix, class Columns>
std::vector<Matrix> download_zone_matrices(const discrete_batch& batch, const cuda::zone_family_matrices& m,
                                           Columns columns_of) {
  const std::vector<double> values = m.values.download();
  const std::vector<double> column_value = m.column_value.download();
  std::vector<Matrix> out;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const cuda::zone_slot& slot = m.host_slots[std::size_t(roi)];
    Matrix matrix;
    const double* grey = batch.grey_values(roi);
    matrix.grey_level.assign(grey, grey + batch.levels(roi));
    columns_of(matrix).assign(column_value.begin() + slot.column_offset,
                              column_value.begin() + slot.column_offset + slot.columns);
    matrix.counts.assign(values.begin() + slot.values_offset,
                         values.begin() + slot.values_offset + std::int64_t(slot.rows) * slot.columns);
    matrix.voxel_count = std::int64_t(slot.voxel_count);
    out.push_back(std::move(matrix));
  }
  return out;
}

}  // namespace

std::vector<glszm_matrix> cuda_glszm_matrices(const discrete_batch& batch, const texture_settings& settings) {
  const cuda::device_batch d_batch = cuda::upload_batch(batch);
  const cuda::zone_family_matrices m = cuda::build_glszm(batch, d_batch, settings, nullptr);
  return download_zone_matrices<glszm_matrix>(batch, m,
                                              [](glszm_matrix& matrix) -> std::vector<double>& { return matrix.zone_size; });
}

std::vector<gldm_matrix> cuda_gldm_matrices(const discrete_batch& batch, const texture_settings& settings) {
  const cuda::device_batch d_batch = cuda::upload_batch(batch);
  const cuda::zone_family_matrices m = cuda::build_gldm(batch, d_batch, settings, nullptr);
  return download_zone_matrices<gldm_matrix>(batch, m,
                                             [](gldm_matrix& matrix) -> std::vector<double>& { return matrix.dependence; });
}

std::vector<ngtdm_matrix> cuda_ngtdm_matrices(const discrete_batch& batch, const texture_settings& settings) {
  const cuda::device_batch d_batch = cuda::upload_batch(batch);
  const cuda::ngtdm_family_matrices m = cuda::build_ngtdm(batch, d_batch, settings, nullptr);
  const std::vector<double> count = m.count.download();
  const std::vector<double> difference_sum = m.difference_sum.download();
  std::vector<ngtdm_matrix> out;
  for (int roi = 0; roi < batch.rois(); ++roi) {
    const std::size_t first = std::size_t(batch.level_offset[std::size_t(roi)]);
    const std::size_t last = std::size_t(batch.level_offset[std::size_t(roi) + 1]);
    ngtdm_matrix matrix;
    matrix.count.assign(count.begin() + first, count.begin() + last);
    matrix.difference_sum.assign(difference_sum.begin() + first, difference_sum.begin() + last);
    matrix.grey_level.assign(batch.grey_value.begin() + first, batch.grey_value.begin() + last);
    out.push_back(std::move(matrix));
  }
  return out;
}

}  // namespace radcore
