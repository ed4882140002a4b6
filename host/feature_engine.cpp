#include "host/feature_engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "kernels/error.hpp"
#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"

#if defined(RADCORE_HAS_CUDA)
#include "kernels/cuda_backend.hpp"
#endif

namespace radcore {

std::string class_settings_key(const extraction_settings& settings) {
  const texture_settings texture = settings.texture();
  std::ostringstream key;
  key << settings.voxel_array_shift << '|' << texture.symmetrical_glcm << '|' << int(texture.weighting) << '|'
      << texture.gldm_a << '|' << texture.angles.force2d << '|' << texture.angles.force2d_dimension << '|';
  for (int distance : texture.angles.distances) key << distance << ',';
  return key.str();
}

std::vector<int> split_by_voxels(const std::vector<std::int64_t>& voxel_offset, std::int64_t max_voxels) {
  const int rois = int(voxel_offset.size()) - 1;
  std::vector<int> starts{0};
  for (int r = 1; r < rois; ++r) {
    if (voxel_offset[std::size_t(r) + 1] - voxel_offset[std::size_t(starts.back())] > max_voxels) starts.push_back(r);
  }
  if (rois > 0) starts.push_back(rois);
  return starts;
}

std::vector<int> device_runs(const std::vector<std::int64_t>& voxel_offset, std::int64_t max_voxels,
                             std::int64_t overlap_voxels) {
  std::vector<int> starts = split_by_voxels(voxel_offset, max_voxels);
  const int rois = int(voxel_offset.size()) - 1;
  if (starts.size() != 2 || rois < 2 || voxel_offset.back() < overlap_voxels) return starts;
  // One run: split it at the ROI image boundary closest to half of the voxels.
  const std::int64_t total = voxel_offset.back();
  int middle = 1;
  for (int m = 2; m < rois; ++m) {
    if (std::llabs(2 * voxel_offset[std::size_t(m)] - total) < std::llabs(2 * voxel_offset[std::size_t(middle)] - total)) {
      middle = m;
    }
  }
  return {0, middle, rois};
}

std::vector<feature_block> compute_by_runs(const roi_batch& rois, const discrete_batch& discrete,
                                           const std::vector<int>& starts, int threads, const run_function& compute) {
  if (starts.size() <= 2) return compute(rois, discrete);
  const std::size_t runs = starts.size() - 1;
  std::vector<std::vector<feature_block>> results(runs);
  std::vector<std::exception_ptr> errors(runs);
  const auto run = [&](std::size_t r) {
    try {
      const int count = starts[r + 1] - starts[r];
      results[r] = compute(slice_rois(rois, starts[r], count), slice_rois(discrete, starts[r], count));
    } catch (...) {
      errors[r] = std::current_exception();
    }
  };
  // Thread t takes runs t, t + threads, ...; the calling thread is thread 0.
  const int helpers = std::max(1, std::min<int>(threads, int(runs))) - 1;
  std::vector<std::thread> pool;
  for (int t = 1; t <= helpers; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t r = std::size_t(t); r < runs; r += std::size_t(helpers) + 1) run(r);
    });
  }
  for (std::size_t r = 0; r < runs; r += std::size_t(helpers) + 1) run(r);
  for (std::thread& thread : pool) thread.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  std::vector<feature_block> blocks;
  for (std::size_t c = 0; c < results.front().size(); ++c) {
    feature_block block(rois.rois(), results.front()[c].features);
    auto at = block.values.begin();
    for (const std::vector<feature_block>& part : results) at = std::copy(part[c].values.begin(), part[c].values.end(), at);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

namespace {

feature_block compute_cpu_class(const std::string& name, const roi_batch& rois, const discrete_batch& discrete,
                                const extraction_settings& settings) {
  const texture_settings texture = settings.texture();
  if (name == "firstorder") return compute_firstorder_features(rois, discrete, settings.voxel_array_shift);
  if (name == "glcm") return compute_glcm_features(discrete, texture);
  if (name == "glrlm") return compute_glrlm_features(discrete, texture);
  if (name == "glszm") return compute_glszm_features(discrete, texture);
  if (name == "gldm") return compute_gldm_features(discrete, texture);
  if (name == "ngtdm") return compute_ngtdm_features(discrete, texture);
  throw input_error("feature class " + name + " cannot be computed per image type");
}

std::vector<std::vector<wavelet_decomposition>> cpu_wavelet(const std::vector<wavelet_input>& images,
                                                            const std::vector<voxel_box>& boxes,
                                                            const wavelet_options& options) {
  std::vector<std::vector<wavelet_decomposition>> results(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    wavelet_transform(images[i], boxes[i], options,
                      [&](wavelet_decomposition&& d) { results[i].push_back(std::move(d)); });
  }
  return results;
}

class cpu_engine final : public feature_engine {
 public:
  std::vector<feature_block> compute(const std::vector<std::string>& classes, const roi_batch& rois,
                                     const discrete_batch& discrete, const extraction_settings& settings) override {
    std::vector<feature_block> blocks;
    blocks.reserve(classes.size());
    for (const std::string& name : classes) blocks.push_back(compute_cpu_class(name, rois, discrete, settings));
    return blocks;
  }

  std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>& images,
                                                          const std::vector<voxel_box>& boxes,
                                                          const wavelet_options& options) override {
    return cpu_wavelet(images, boxes, options);
  }

  std::string backend() const override { return "cpu"; }
};

#if defined(RADCORE_HAS_CUDA)

// The CUDA backend, with the CPU backend for batches the device fails on. input_error and roi_error pass
// through unchanged, because the CPU would raise them for the same ROI. Any other runtime error (a CUDA
// call that failed, such as an allocation beyond the device's memory) moves the batch to the CPU.
class cuda_engine final : public feature_engine {
 public:
  // Crop voxels per device call. Larger batches are split, which keeps first order within the int item count
  // of CUB's segmented sort. It also bounds the working set: GLSZM keeps four 32-bit arrays per crop voxel
  // (levels, labels, zone sizes, columns) besides its matrices, 1 GiB at this size.
  static constexpr std::int64_t max_batch_voxels = std::int64_t(1) << 26;
  // A batch of at least this many crop voxels is split into runs that two host threads send to the device at
  // once, each on its own stream, so that one run's copies overlap the other's kernels.
  static constexpr std::int64_t overlap_voxels = std::int64_t(1) << 20;
  static constexpr int copy_threads = 2;

  explicit cuda_engine(int use_device) : device_(use_device) { cuda_use_device(use_device); }

  std::vector<feature_block> compute(const std::vector<std::string>& classes, const roi_batch& rois,
                                     const discrete_batch& discrete, const extraction_settings& settings) override {
    try {
      // The current device is a property of the host thread, and a batching engine calls from any worker.
      cuda_use_device(device_);
      const std::vector<int> starts = device_runs(rois.voxel_offset, max_batch_voxels, overlap_voxels);
      std::vector<feature_block> blocks = compute_by_runs(
          rois, discrete, starts, copy_threads, [&](const roi_batch& run_rois, const discrete_batch& run_levels) {
            cuda_use_device(device_);
            return compute_run(classes, run_rois, run_levels, settings);
          });
      gpu_images_ += rois.rois();
      return blocks;
    } catch (const input_error&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::runtime_error& error) {
      note_fallback(error.what());
    }
    // Retry image by image, so that only the images the device cannot run move to the CPU.
    std::vector<int> each(std::size_t(rois.rois()) + 1);
    for (std::size_t r = 0; r < each.size(); ++r) each[r] = int(r);
    return compute_by_runs(rois, discrete, each, 1, [&](const roi_batch& one, const discrete_batch& one_levels) {
      try {
        std::vector<feature_block> blocks = compute_run(classes, one, one_levels, settings);
        ++gpu_images_;
        return blocks;
      } catch (const input_error&) {
        throw;
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::runtime_error&) {
        ++fallback_images_;
      }
      return cpu_.compute(classes, one, one_levels, settings);
    });
  }

  std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>& images,
                                                          const std::vector<voxel_box>& boxes,
                                                          const wavelet_options& options) override {
    try {
      cuda_use_device(device_);
      std::vector<std::vector<wavelet_decomposition>> results = cuda_wavelet_transform(images, boxes, options);
      gpu_wavelet_boxes_ += std::int64_t(boxes.size());
      return results;
    } catch (const input_error&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::runtime_error& error) {
      note_fallback(error.what());
      fallback_wavelet_boxes_ += std::int64_t(boxes.size());
    }
    return cpu_wavelet(images, boxes, options);
  }

  std::string backend() const override { return "cuda"; }

  engine_counts counts() const override {
    return {gpu_images_.load(), fallback_images_.load(), gpu_wavelet_boxes_.load(), fallback_wavelet_boxes_.load()};
  }

 private:
  // The classes of one run: first order on its own, the texture families on one upload of the levels.
  static std::vector<feature_block> compute_run(const std::vector<std::string>& classes, const roi_batch& rois,
                                                const discrete_batch& discrete, const extraction_settings& settings) {
    std::vector<std::string> textures;
    for (const std::string& name : classes) {
      if (name != "firstorder") textures.push_back(name);
    }
    std::vector<feature_block> texture_blocks;
    if (!textures.empty()) texture_blocks = cuda_compute_texture_features(discrete, settings.texture(), textures);
    std::vector<feature_block> blocks;
    std::size_t next_texture = 0;
    for (const std::string& name : classes) {
      if (name == "firstorder") {
        blocks.push_back(cuda_compute_firstorder_features(rois, discrete, settings.voxel_array_shift));
      } else {
        blocks.push_back(std::move(texture_blocks[next_texture++]));
      }
    }
    return blocks;
  }

  // Logs the first failure, so that a run on a failing device logs the reason once and not per batch.
  void note_fallback(const std::string& reason) {
    if (!warned_.exchange(true)) {
      std::cerr << "radcore: warning: the CUDA backend failed (" << reason
                << "); the batch and any later failing batches run on the CPU, and the run summary counts them\n";
    }
  }

  int device_ = 0;
  cpu_engine cpu_;
  std::atomic<std::int64_t> gpu_images_{0};
  std::atomic<std::int64_t> fallback_images_{0};
  std::atomic<std::int64_t> gpu_wavelet_boxes_{0};
  std::atomic<std::int64_t> fallback_wavelet_boxes_{0};
  std::atomic<bool> warned_{false};
};

#endif  // RADCORE_HAS_CUDA

// Requests queue here until one caller, the leader, takes every queued request with the front's key and
// runs them as one group. Only one group runs at a time, so the inner engine has one caller at a time.
template <class Request>
class merge_queue {
 public:
  merge_queue(int threads, double window_ms)
      : threads_(std::max(threads, 1)),
        window_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(window_ms))) {}

  // Queues `request` and returns when its group has run. `run` must not throw: it stores each request's
  // result or error in the request.
  void submit(Request& request, const std::function<void(std::vector<Request*>&)>& run) {
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(&request);
    changed_.notify_all();
    while (!request.done) {
      if (leading_) {
        changed_.wait(lock);
        continue;
      }
      leading_ = true;
      changed_.wait_for(lock, window_, [&] { return int(queue_.size()) >= threads_; });
      std::vector<Request*> group;
      try {
        group.reserve(queue_.size());
        const std::string key = queue_.front()->key;
        for (auto it = queue_.begin(); it != queue_.end();) {
          if ((*it)->key == key) {
            group.push_back(*it);
            it = queue_.erase(it);
          } else {
            ++it;
          }
        }
        lock.unlock();
        run(group);
        lock.lock();
      } catch (...) {
        // Nothing here should throw (run stores errors in the requests), but if it does, every member of
        // the group gets the error, and the next caller may lead, so that no caller waits forever.
        if (!lock.owns_lock()) lock.lock();
        const std::exception_ptr error = std::current_exception();
        for (Request* member : group) {
          if (!member->error) member->error = error;
        }
        if (group.empty()) {
          queue_.erase(std::remove(queue_.begin(), queue_.end(), &request), queue_.end());
          request.error = error;
          request.done = true;
        }
      }
      for (Request* member : group) member->done = true;
      leading_ = false;
      changed_.notify_all();
    }
  }

 private:
  const int threads_;
  const std::chrono::steady_clock::duration window_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Request*> queue_;
  bool leading_ = false;
};

struct class_request {
  std::string key;
  bool done = false;
  const std::vector<std::string>* classes = nullptr;
  const roi_batch* rois = nullptr;
  const discrete_batch* discrete = nullptr;
  const extraction_settings* settings = nullptr;
  std::vector<feature_block> result;
  std::exception_ptr error;
};

struct wavelet_request {
  std::string key;
  bool done = false;
  const std::vector<wavelet_input>* images = nullptr;
  const std::vector<voxel_box>* boxes = nullptr;
  const wavelet_options* options = nullptr;
  std::vector<std::vector<wavelet_decomposition>> result;
  std::exception_ptr error;
};

std::string class_key(const std::vector<std::string>& classes, const extraction_settings& settings) {
  std::string key;
  for (const std::string& name : classes) key += name + ',';
  return key + '|' + class_settings_key(settings);
}

std::string wavelet_key(const std::vector<wavelet_input>& images, const wavelet_options& options) {
  std::ostringstream key;
  key << options.wavelet << '|' << options.level << '|' << options.start_level << '|' << options.force2d << '|'
      << options.force2d_dimension << '|' << options.image_dimensions << '|';
  for (const wavelet_input& image : images) key << int(image.precision);
  return key.str();
}

class batching_engine final : public feature_engine {
 public:
  batching_engine(std::unique_ptr<feature_engine> inner, int threads, double window_ms)
      : inner_(std::move(inner)), classes_(threads, window_ms), wavelets_(threads, window_ms) {}

  std::vector<feature_block> compute(const std::vector<std::string>& classes, const roi_batch& rois,
                                     const discrete_batch& discrete, const extraction_settings& settings) override {
    class_request request;
    request.key = class_key(classes, settings);
    request.classes = &classes;
    request.rois = &rois;
    request.discrete = &discrete;
    request.settings = &settings;
    classes_.submit(request, [this](std::vector<class_request*>& group) { run_classes(group); });
    if (request.error) std::rethrow_exception(request.error);
    return std::move(request.result);
  }

  std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>& images,
                                                          const std::vector<voxel_box>& boxes,
                                                          const wavelet_options& options) override {
    wavelet_request request;
    request.key = wavelet_key(images, options);
    request.images = &images;
    request.boxes = &boxes;
    request.options = &options;
    wavelets_.submit(request, [this](std::vector<wavelet_request*>& group) { run_wavelets(group); });
    if (request.error) std::rethrow_exception(request.error);
    return std::move(request.result);
  }

  std::string backend() const override { return inner_->backend(); }
  engine_counts counts() const override { return inner_->counts(); }

 private:
  // Runs the group as one batch; when that fails, runs each request alone so that the error reaches only
  // the request that caused it.
  void run_classes(std::vector<class_request*>& group) {
    if (group.size() > 1) {
      try {
        roi_batch rois;
        discrete_batch discrete;
        for (const class_request* request : group) {
          append_rois(rois, *request->rois);
          append_rois(discrete, *request->discrete);
        }
        const std::vector<feature_block> blocks =
            inner_->compute(*group.front()->classes, rois, discrete, *group.front()->settings);
        int first = 0;
        for (class_request* request : group) {
          const int count = request->rois->rois();
          for (const feature_block& block : blocks) request->result.push_back(block_rows(block, first, count));
          first += count;
        }
        return;
      } catch (...) {
        for (class_request* request : group) request->result.clear();
      }
    }
    for (class_request* request : group) {
      try {
        request->result = inner_->compute(*request->classes, *request->rois, *request->discrete, *request->settings);
      } catch (...) {
        request->error = std::current_exception();
      }
    }
  }

  // The wavelet counterpart of run_classes: one call for all boxes of the group, request by request on failure.
  void run_wavelets(std::vector<wavelet_request*>& group) {
    if (group.size() > 1) {
      try {
        std::vector<wavelet_input> images;
        std::vector<voxel_box> boxes;
        for (const wavelet_request* request : group) {
          images.insert(images.end(), request->images->begin(), request->images->end());
          boxes.insert(boxes.end(), request->boxes->begin(), request->boxes->end());
        }
        std::vector<std::vector<wavelet_decomposition>> results =
            inner_->wavelet(images, boxes, *group.front()->options);
        std::size_t next = 0;
        for (wavelet_request* request : group) {
          for (std::size_t b = 0; b < request->boxes->size(); ++b) request->result.push_back(std::move(results[next++]));
        }
        return;
      } catch (...) {
        for (wavelet_request* request : group) request->result.clear();
      }
    }
    for (wavelet_request* request : group) {
      try {
        request->result = inner_->wavelet(*request->images, *request->boxes, *request->options);
      } catch (...) {
        request->error = std::current_exception();
      }
    }
  }

  std::unique_ptr<feature_engine> inner_;
  merge_queue<class_request> classes_;
  merge_queue<wavelet_request> wavelets_;
};

}  // namespace

std::unique_ptr<feature_engine> make_cpu_engine() { return std::make_unique<cpu_engine>(); }

std::unique_ptr<feature_engine> make_engine(const std::string& device, int use_device) {
  if (device == "cpu") return make_cpu_engine();
  if (device != "cuda" && device != "auto") {
    throw input_error("--device " + device + " is invalid; use auto, cpu or cuda");
  }
#if defined(RADCORE_HAS_CUDA)
  if (cuda_device_available()) return std::make_unique<cuda_engine>(use_device);
  if (device == "cuda") {
    throw input_error("--device cuda: " + cuda_device_description() + "; use --device cpu or auto");
  }
#else
  (void)use_device;
  if (device == "cuda") {
    throw input_error("--device cuda: the CUDA backend is not built into this radcore; use --device cpu or auto");
  }
#endif
  return make_cpu_engine();
}

std::unique_ptr<feature_engine> make_batching_engine(std::unique_ptr<feature_engine> inner, int threads,
                                                     double window_ms) {
  return std::make_unique<batching_engine>(std::move(inner), threads, window_ms);
}

std::string describe_device_choice(const std::string& device) {
  if (device == "cpu") return "running on the CPU (--device cpu)";
#if defined(RADCORE_HAS_CUDA)
  if (cuda_device_available()) return "running on the GPU: " + cuda_device_description();
  return "running on the CPU: " + cuda_device_description();
#else
  return "running on the CPU: this build of radcore has no CUDA backend";
#endif
}

}  // namespace radcore
