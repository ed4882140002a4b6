// The backends that extraction computes features on. An engine computes the per-image-type feature
// classes (first order and the texture families) for a batch of ROI images, and the PyRadiomics-mode
// wavelet of a box. The CPU engine runs the CPU backend. The CUDA engine runs the CUDA backend and falls
// back to the CPU for the ROI images the device cannot run, counting them. A batching engine
// merges the requests of many worker threads, so that one launch per family serves all of them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/settings.hpp"
#include "kernels/roi.hpp"
#include "kernels/wavelet.hpp"

namespace radcore {

// ROI images computed so far, by backend.
struct engine_counts {
  std::int64_t gpu_images = 0;       // ROI images whose classes the GPU computed
  std::int64_t fallback_images = 0;  // ROI images sent to the GPU that ran on the CPU after a GPU failure
  std::int64_t gpu_wavelet_boxes = 0;
  std::int64_t fallback_wavelet_boxes = 0;
};

class feature_engine {
 public:
  virtual ~feature_engine() = default;

  // Computes each class of `classes` (firstorder, glcm, glrlm, glszm, gldm, ngtdm) for every ROI image
  // of the batch and returns one block per class, in the order of `classes`. `rois` and `discrete` hold
  // the same ROI images in the same order. Only settings.texture() and settings.voxel_array_shift are read.
  // Throws roi_error or input_error as compute_<class>_features does.
  virtual std::vector<feature_block> compute(const std::vector<std::string>& classes, const roi_batch& rois,
                                             const discrete_batch& discrete,
                                             const extraction_settings& settings) = 0;

  // Returns, for each box i of images[i], its decompositions in the order of wavelet_image_names, as
  // wavelet_transform yields them. Several boxes may share one image.
  virtual std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>& images,
                                                                  const std::vector<voxel_box>& boxes,
                                                                  const wavelet_options& options) = 0;

  // "cpu" or "cuda": the backend that computes when nothing fails.
  virtual std::string backend() const = 0;

  virtual engine_counts counts() const { return {}; }
};

// Returns the CPU backend's engine.
std::unique_ptr<feature_engine> make_cpu_engine();

// Returns the engine a --device request selects: "cpu", "cuda" (throws input_error when this build has no
// CUDA backend or no device is usable) or "auto" (CUDA when a device is usable, else the CPU).
// `use_device` chooses the CUDA device; it is ignored on the CPU.
std::unique_ptr<feature_engine> make_engine(const std::string& device, int use_device = 0);

// Returns an engine that passes the requests of up to `threads` concurrent callers to `inner` as one
// merged batch. A caller waits until `threads` requests with the same settings are queued or `window_ms`
// milliseconds have passed, whichever is first. A merged batch that fails is retried request by request,
// so an error reaches only the caller whose ROI caused it.
std::unique_ptr<feature_engine> make_batching_engine(std::unique_ptr<feature_engine> inner, int threads,
                                                     double window_ms = 5.0);

// Returns the settings that feature_engine::compute reads, as text: images with equal keys can share one
// batch.
std::string class_settings_key(const extraction_settings& settings);

// Splits ROI images 0 .. rois - 1 into consecutive runs of at most `max_voxels` voxels each (at least one
// ROI image per run), where voxel_offset contains the batch's offsets. Returns the first ROI image of each run
// and, last, `rois`.
std::vector<int> split_by_voxels(const std::vector<std::int64_t>& voxel_offset, std::int64_t max_voxels);

// Returns the runs, as split_by_voxels returns them, that a device computes a batch in. Runs have at most
// `max_voxels` voxels. When that gives one run of at least `overlap_voxels` voxels and two or more ROI
// images, it is split into two runs of about half the voxels each.
std::vector<int> device_runs(const std::vector<std::int64_t>& voxel_offset, std::int64_t max_voxels,
                             std::int64_t overlap_voxels);

// Computes the classes of one run of ROI images.
using run_function = std::function<std::vector<feature_block>(const roi_batch&, const discrete_batch&)>;

// Calls `compute` on each run [starts[k], starts[k + 1]) of the batch, spread over `threads` host threads (the
// caller's among them), and returns each class's rows in batch order. Rethrows the error of the first run
// that failed.
std::vector<feature_block> compute_by_runs(const roi_batch& rois, const discrete_batch& discrete,
                                           const std::vector<int>& starts, int threads, const run_function& compute);

// Returns one line that names the backend a --device request runs on, for the log of a run.
std::string describe_device_choice(const std::string& device);

}  // namespace radcore
