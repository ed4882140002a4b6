// The CUDA backend's interface for host code. It includes no CUDA header, so code built without the
// toolkit can include it. The definitions are in kernels/cuda/ and exist only when radcore_cuda is built,
// and then radcore_host and its users see the compile definition RADCORE_HAS_CUDA.
//
// Every function takes a whole batch and launches one kernel per step for all of its ROIs. Matrices are
// integer counts built on the device and equal the CPU backend's; features call the same formulas
// (kernels/*_formulas.hpp) and agree with the CPU backend to rounding of the device's math functions.
// The wavelet transform follows the CPU's plan (kernels/wavelet_plan.hpp) and per-sample formula, and its
// values are bitwise the CPU's.
// Errors of the CUDA runtime are thrown as radcore::cuda::cuda_error, a std::runtime_error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/roi.hpp"
#include "kernels/texture.hpp"
#include "kernels/wavelet.hpp"

namespace radcore {

// Returns true when the CUDA runtime reports at least one device. Any error of cudaGetDeviceCount (for
// example cudaErrorInsufficientDriver where no driver is installed) counts as no device.
bool cuda_device_available();

// Returns the number of CUDA devices visible to this process (after CUDA_VISIBLE_DEVICES), 0 on any error.
int cuda_device_count();

// Returns a one-line description of device 0 (name, compute capability, memory), or the reason why no
// device is usable.
std::string cuda_device_description();

// Makes `device` (0-based, after CUDA_VISIBLE_DEVICES) the current device of the calling thread, taken modulo
// the number of devices. Throws cuda::cuda_error when no device is usable.
void cuda_use_device(int device);

// Feature blocks laid out as compute_<family>_features returns them on the CPU.
feature_block cuda_compute_glcm_features(const discrete_batch& batch, const texture_settings& settings);
feature_block cuda_compute_glrlm_features(const discrete_batch& batch, const texture_settings& settings);
feature_block cuda_compute_glszm_features(const discrete_batch& batch, const texture_settings& settings);
feature_block cuda_compute_gldm_features(const discrete_batch& batch, const texture_settings& settings);
feature_block cuda_compute_ngtdm_features(const discrete_batch& batch, const texture_settings& settings);

// The texture families named in `families` (glcm, glrlm, glszm, gldm, ngtdm) on one upload of the batch,
// one block per name in that order, each equal to what cuda_compute_<family>_features returns. Throws
// input_error for another name.
std::vector<feature_block> cuda_compute_texture_features(const discrete_batch& batch, const texture_settings& settings,
                                                         const std::vector<std::string>& families);

// First-order features laid out as compute_firstorder_features returns them, with the same input checks
// and errors. Order statistics, means, sums of squares and Uniformity are bitwise the CPU's, except that a
// zero order statistic may differ in sign where an ROI has both -0.0 and +0.0. Skewness, Kurtosis and
// Entropy go through the device's pow and log2 and agree to rounding. Throws input_error when
// the batch has more than INT_MAX voxels inside its masks, the most CUB's segmented sort takes in one call.
feature_block cuda_compute_firstorder_features(const roi_batch& rois, const discrete_batch& discrete,
                                               double voxel_array_shift);

// The matrices the device's feature step reads, one per ROI, in the layouts of glcm_matrix, glrlm_matrix,
// compute_glszm_matrix, compute_gldm_matrix and compute_ngtdm_matrix, for parity checks against the CPU.
std::vector<texture_matrix> cuda_glcm_matrices(const discrete_batch& batch, const texture_settings& settings);
std::vector<texture_matrix> cuda_glrlm_matrices(const discrete_batch& batch, const texture_settings& settings);
std::vector<glszm_matrix> cuda_glszm_matrices(const discrete_batch& batch, const texture_settings& settings);
std::vector<gldm_matrix> cuda_gldm_matrices(const discrete_batch& batch, const texture_settings& settings);
std::vector<ngtdm_matrix> cuda_ngtdm_matrices(const discrete_batch& batch, const texture_settings& settings);

// Device memory that one batch of cuda_wavelet_transform may plan for by default: 2 GiB.
inline constexpr std::size_t cuda_wavelet_default_batch_bytes = std::size_t(2) << 30;

// Computes the wavelet decompositions of boxes[i] of images[i] for every i. Result i contains them in the order
// of wavelet_image_names(options), bitwise equal to what wavelet_transform(images[i], boxes[i], options,
// sink) passes to its sink. Several entries may share one image, and float32 and float64 images may be
// mixed. Boxes are transformed in batches whose estimated device memory stays within max_batch_bytes; a box
// that exceeds it alone is transformed alone. Throws input_error, with the CPU's message, for invalid
// options or a box that is empty or outside its image, and when images and boxes differ in size, before any
// device work. The IBSI wavelet (wavelet_ibsi.hpp) has no GPU version.
std::vector<std::vector<wavelet_decomposition>> cuda_wavelet_transform(
    const std::vector<wavelet_input>& images, const std::vector<voxel_box>& boxes, const wavelet_options& options,
    std::size_t max_batch_bytes = cuda_wavelet_default_batch_bytes);

}  // namespace radcore
