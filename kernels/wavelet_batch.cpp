#include "kernels/wavelet_batch.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "kernels/error.hpp"

namespace radcore {
namespace {

// Returns the spans of the block after the first `filtered` transformed axes of level k are filtered: the
// level's input spans with those axes replaced by the level's output spans.
block_spans node_spans(const std::vector<block_spans>& spans, const std::vector<int>& axes, int k, int filtered) {
  block_spans result = spans[std::size_t(k)];
  for (int a = 0; a < filtered; ++a) {
    const std::size_t axis = std::size_t(axes[std::size_t(a)]);
    result[axis] = spans[std::size_t(k) + 1][axis];
  }
  return result;
}

// The part of a request that is the same for every box.
struct transform_setup {
  std::vector<int> axes;
  int levels = 0;
  int start_level = 0;
  int filter_length = 0;
  std::size_t decompositions = 0;
};

// Builds the launches of one batch from its boxes' per-level spans.
class batch_planner {
 public:
  batch_planner(const transform_setup& setup, const std::vector<voxel_box>& boxes, wavelet_batch_plan& plan,
                const std::vector<std::vector<block_spans>>& spans)
      : setup_(setup), boxes_(boxes), plan_(plan), spans_(spans) {}

  void run() {
    for (std::size_t m = 0; m < plan_.requests.size(); ++m) {
      plan_.box_offset.push_back(plan_.box_total);
      plan_.box_total += boxes_[plan_.requests[m]].count();
      plan_.input_spans.push_back(spans_[m][0]);
    }
    size_buffers();
    plan_.copy_input_to_output = setup_.levels == 0;
    for (int k = 0; k < setup_.levels; ++k) plan_level(k);
  }

 private:
  // Returns the sum over the batch's boxes of the volumes of node_spans(k, filtered).
  std::int64_t node_total(int k, int filtered) const {
    std::int64_t total = 0;
    for (const auto& spans : spans_) total += span_volume(node_spans(spans, setup_.axes, k, filtered));
    return total;
  }

  void size_buffers() {
    const int depths = int(setup_.axes.size());
    // With no level the input buffer is the output, and otherwise the last level writes to output_buffer.
    for (int k = 0; k < std::max(setup_.levels, 1); ++k) {
      std::int64_t& level = plan_.buffer_size[std::size_t(level_buffers + k % 2)];
      level = std::max(level, node_total(k, 0));
    }
    for (int depth = 0; depth + 1 < depths; ++depth) {
      std::int64_t& inner = plan_.buffer_size[std::size_t(inner_buffer + depth)];
      for (int k = 0; k < setup_.levels; ++k) inner = std::max(inner, node_total(k, depth + 1));
    }
    plan_.buffer_size[output_buffer] = std::int64_t(setup_.decompositions) * plan_.box_total;
  }

  // Adds the jobs that filter transformed axis `depth` of level k and returns their list's index. With
  // `on_box` they compute only the box, laid out box after box as in the output buffer, and otherwise the
  // whole output blocks.
  int add_jobs(int k, int depth, bool on_box) {
    const std::size_t axis = std::size_t(setup_.axes[std::size_t(depth)]);
    std::vector<filter_job> jobs;
    std::int64_t input_offset = 0;
    std::int64_t output_offset = 0;
    for (std::size_t m = 0; m < plan_.requests.size(); ++m) {
      const voxel_box& box = boxes_[plan_.requests[m]];
      const block_spans in = node_spans(spans_[m], setup_.axes, k, depth);
      const block_spans out = node_spans(spans_[m], setup_.axes, k, depth + 1);
      const std::array<int, 3> crop = on_box ? box_offset_in(out, box) : std::array<int, 3>{0, 0, 0};
      filter_job job;
      job.first_output = output_offset;
      job.input_offset = input_offset;
      job.output_offset = output_offset;
      for (std::size_t a = 0; a < 3; ++a) {
        job.input_extent[a] = in[a].length;
        job.output_extent[a] = on_box ? box.size[a] : out[a].length;
        job.crop[a] = crop[a];
      }
      job.line_first = in[axis].first;
      job.output_first = out[axis].first;
      job.period = in[axis].period;
      jobs.push_back(job);
      input_offset += span_volume(in);
      output_offset += on_box ? box.count() : span_volume(out);
    }
    plan_.job_lists.push_back(std::move(jobs));
    plan_.job_outputs.push_back(output_offset);
    return int(plan_.job_lists.size()) - 1;
  }

  void plan_level(int k) {
    const int depths = int(setup_.axes.size());
    level_ = k;
    returned_level_ = k - setup_.start_level + 1;
    last_level_ = k + 1 == setup_.levels;
    whole_jobs_.clear();
    for (int depth = 0; depth < depths; ++depth) whole_jobs_.push_back(add_jobs(k, depth, false));
    box_jobs_ = add_jobs(k, depths - 1, true);
    descend(0, level_buffers + k % 2, 0);
  }

  // Visits the filter tree below a node at `depth` whose blocks are in buffer `source`. `code` encodes the
  // letters so far, one bit per letter with H = 1 and the first letter highest.
  void descend(int depth, int source, int code) {
    const int depths = int(setup_.axes.size());
    const bool details = returned_level_ >= 1;
    for (int branch = 0; branch < (details ? 2 : 1); ++branch) {
      filter_launch launch;
      launch.axis = setup_.axes[std::size_t(depth)];
      launch.high_pass = branch == 1;
      launch.source = source;
      const int letters = code * 2 + branch;
      if (depth + 1 < depths) {
        launch.job_list = whole_jobs_[std::size_t(depth)];
        launch.destination = inner_buffer + depth;
        plan_.launches.push_back(launch);
        descend(depth + 1, launch.destination, letters);
      } else if (letters == 0 && !last_level_) {
        launch.job_list = whole_jobs_[std::size_t(depth)];
        launch.destination = level_buffers + (level_ + 1) % 2;
        plan_.launches.push_back(launch);
      } else {
        launch.job_list = box_jobs_;
        launch.destination = output_buffer;
        launch.destination_offset = decomposition_index(letters) * plan_.box_total;
        plan_.launches.push_back(launch);
      }
    }
  }

  // Returns the position of a decomposition in wavelet_image_names: detail `code` of returned level r is
  // at (r - 1) * (2^d - 1) + code - 1 for d transformed axes, and the approximation is last.
  std::int64_t decomposition_index(int letters) const {
    if (letters == 0) return std::int64_t(setup_.decompositions) - 1;
    const int details_per_level = (1 << setup_.axes.size()) - 1;
    return std::int64_t(returned_level_ - 1) * details_per_level + letters - 1;
  }

  const transform_setup& setup_;
  const std::vector<voxel_box>& boxes_;
  wavelet_batch_plan& plan_;
  const std::vector<std::vector<block_spans>>& spans_;
  int level_ = 0;
  int returned_level_ = 0;
  bool last_level_ = false;
  std::vector<int> whole_jobs_;  // per depth, job lists that compute whole output blocks
  int box_jobs_ = 0;             // the job list of the leaves computed on the box only
};

// Returns an upper bound of the device memory a box adds to a batch. It counts the box's level-0 block once
// per level buffer and inner buffer, because no later block is larger, plus its decompositions and jobs.
std::size_t box_device_bytes(const std::vector<block_spans>& spans, const voxel_box& box,
                             const transform_setup& setup, std::size_t value_bytes) {
  const std::size_t blocks = 2 + (setup.axes.size() - 1);
  const std::size_t values =
      blocks * std::size_t(span_volume(spans[0])) + setup.decompositions * std::size_t(box.count());
  const std::size_t job_lists = std::size_t(setup.levels) * (setup.axes.size() + 1);
  return values * value_bytes + job_lists * sizeof(filter_job);
}

}  // namespace

void check_wavelet_batch(const std::vector<wavelet_input>& images, const std::vector<voxel_box>& boxes,
                         const wavelet_options& options) {
  if (images.size() != boxes.size()) {
    throw input_error("wavelet: " + std::to_string(images.size()) + " images but " + std::to_string(boxes.size()) +
                      " boxes; pass one box per image entry, repeating an image for each of its boxes");
  }
  check_wavelet_options(options);
  wavelet_filter_bank_of(options);
  for (std::size_t i = 0; i < images.size(); ++i) check_wavelet_request(images[i], boxes[i], options);
}

std::vector<wavelet_batch_plan> plan_wavelet_batches(const std::vector<wavelet_input>& images,
                                                     const std::vector<voxel_box>& boxes,
                                                     const wavelet_options& options, wavelet_precision precision,
                                                     std::size_t value_bytes, std::size_t max_batch_bytes) {
  transform_setup setup;
  setup.axes = wavelet_transformed_axes(options);
  setup.levels = options.start_level + options.level;
  setup.start_level = options.start_level;
  setup.filter_length = wavelet_filter_bank_of(options).length;
  setup.decompositions = wavelet_image_names(options).size();

  std::vector<wavelet_batch_plan> plans;
  wavelet_batch_plan plan;
  std::vector<std::vector<block_spans>> spans;
  std::size_t batch_bytes = 0;
  const auto finish_batch = [&] {
    if (plan.requests.empty()) return;
    batch_planner(setup, boxes, plan, spans).run();
    plans.push_back(std::move(plan));
    plan = wavelet_batch_plan{};
    spans.clear();
    batch_bytes = 0;
  };
  for (std::size_t request = 0; request < images.size(); ++request) {
    if (images[request].precision != precision) continue;
    std::vector<block_spans> box_spans =
        wavelet_level_spans(images[request].size, boxes[request], setup.axes, setup.filter_length, setup.levels);
    const std::size_t bytes = box_device_bytes(box_spans, boxes[request], setup, value_bytes);
    if (!plan.requests.empty() && batch_bytes + bytes > max_batch_bytes) finish_batch();
    plan.requests.push_back(request);
    spans.push_back(std::move(box_spans));
    batch_bytes += bytes;
  }
  finish_batch();
  return plans;
}

}  // namespace radcore
