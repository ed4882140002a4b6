#include "host/cohort.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "host/cohort_pipeline.hpp"
#include "host/cohort_progress.hpp"
#include "host/cohort_shards.hpp"
#include "host/extract.hpp"
#include "host/feature_engine.hpp"
#include "host/version.hpp"
#include "io/case_loader.hpp"
#include "io/feature_store.hpp"
#include "io/manifest.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

using clock_type = std::chrono::steady_clock;

// A batch is committed when it contains this many ROIs or its first ROI has waited this long.
constexpr std::size_t batch_rows = 8;
constexpr std::chrono::seconds batch_interval(2);
constexpr std::size_t failures_logged = 100;

// The backend a --device request runs on in this process: cuda when the request allows it and a device is
// usable, else cpu.
std::string chosen_backend(const std::string& device) {
  if (device == "cpu") return "cpu";
  return make_engine(device)->backend();
}

struct roi_task {
  std::int64_t sequence = 0;
  const manifest_row* row = nullptr;
  int label = 0;        // 0 when the mask could not be read to list its labels
  std::string problem;  // a reason to record the ROI as failed without extracting it
};

struct roi_result {
  store_row row;
  std::vector<std::string> feature_keys;
};

// State shared by the producer (the calling thread), the workers and the writer, under one mutex. The
// producer hands out at most `window` ROIs that the writer has not yet taken, so queues, results
// waiting for their turn and memory stay bounded however long the manifest is.
struct pipeline_state {
  std::mutex mutex;
  std::condition_variable task_ready;
  std::condition_variable result_ready;
  std::condition_variable window_open;
  std::deque<roi_task> tasks;
  std::map<std::int64_t, roi_result> results;
  std::int64_t queued = 0;     // sequence numbers handed out
  std::int64_t taken = 0;      // results the writer has taken, in sequence order
  std::int64_t failed = 0;     // of the taken results, those stored as failed
  std::int64_t rows_expanded = 0;
  bool producer_done = false;
  bool stopping = false;  // set when the writer failed
  std::exception_ptr writer_error;
};

std::vector<int> parse_label_list(const std::string& text) {
  std::vector<int> labels;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const bool digits = !item.empty() && item.size() <= 9 &&
                        std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(item) < 1) {
      throw input_error("--labels: expected 'all' or labels >= 1 separated by commas (such as 2,3,4), got '" +
                        text + "'");
    }
    if (std::find(labels.begin(), labels.end(), std::stoi(item)) == labels.end()) labels.push_back(std::stoi(item));
  }
  if (labels.empty() || text.back() == ',') {
    throw input_error("--labels: expected 'all' or labels >= 1 separated by commas (such as 2,3,4), got '" + text +
                      "'");
  }
  return labels;
}

store_row base_row(const manifest_row& row, int label, const std::string& backend) {
  store_row stored;
  stored.manifest_row = row.index;
  stored.metadata = row.values;
  stored.label = label;
  stored.backend = backend;
  return stored;
}

roi_result extract_roi(const roi_task& task, const extraction_parameters& parameters, feature_engine& engine) {
  roi_result result;
  result.row = base_row(*task.row, task.label, engine.backend());
  const clock_type::time_point start = clock_type::now();
  try {
    if (!task.problem.empty()) throw input_error(task.problem);
    if (!std::filesystem::exists(task.row->image)) throw input_error(task.row->image + ": image file not found");
    if (!std::filesystem::exists(task.row->mask)) throw input_error(task.row->mask + ": mask file not found");
    extraction_parameters row_parameters = parameters;
    if (task.row->label_channel) row_parameters.settings.label_channel = *task.row->label_channel;
    feature_row features = extract_case(task.row->image, task.row->mask, row_parameters, task.label, &engine);
    result.row.status = row_status::done;
    result.row.features = std::move(features.feature_values);
    result.feature_keys = std::move(features.feature_keys);
  } catch (const input_error& error) {
    result.row.status = row_status::failed;
    result.row.error = error.what();
  } catch (const std::bad_alloc&) {
    result.row.status = row_status::failed;
    result.row.error = "out of memory while extracting this ROI";
  } catch (const std::exception& error) {
    result.row.status = row_status::failed;
    result.row.error = std::string("unexpected failure: ") + error.what();
  }
  result.row.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return result;
}

std::vector<int> labels_of_row(const manifest_row& row, const cohort_options& options, std::string& problem) {
  return roi_labels_of_row(row, options.labels, options.parameters.settings, problem);
}

}  // namespace

std::string key_mismatch(const std::vector<std::string>& columns, const std::vector<std::string>& keys) {
  std::string reason = "its " + std::to_string(keys.size()) + " feature keys differ from the store's " +
                       std::to_string(columns.size()) + " columns, which the first successful ROI fixed";
  const std::size_t common = std::min(columns.size(), keys.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (columns[i] != keys[i]) {
      return reason + " (first difference at column " + std::to_string(i + 1) + ": '" + keys[i] + "' where the store has '" +
             columns[i] + "')";
    }
  }
  return reason;
}

void check_resumable(const store_contents& contents, const manifest& cases, const store_header& header,
                     const std::string& path) {
  if (contents.header.settings_sha1 != header.settings_sha1) {
    throw input_error(path + ": the store was written with other settings (SHA-1 " + contents.header.settings_sha1 +
                      ", this run " + header.settings_sha1 +
                      "); resume with the same parameter file and -s options, or pass --force to replace the store");
  }
  if (contents.header.metadata_columns != cases.columns) {
    throw input_error(path + ": the store's manifest columns differ from those of " + cases.path +
                      "; resume with the manifest the store was written from, or pass --force to replace the store");
  }
  for (const store_row& row : contents.rows) {
    const bool known = row.manifest_row >= 0 && row.manifest_row < static_cast<std::int64_t>(cases.rows.size());
    if (!known || cases.rows[row.manifest_row].values != row.metadata) {
      throw input_error(path + ": the store's row for manifest row " + std::to_string(row.manifest_row + 1) +
                        " does not match that row of " + cases.path +
                        "; resume with the manifest the store was written from, or pass --force to replace the store");
    }
  }
}

store_start open_store(const cohort_options& options, const manifest& cases, const store_header& header,
                       std::ostream& log) {
  store_start start;
  start.header = header;
  const std::filesystem::path folder = std::filesystem::absolute(options.store_path).parent_path();
  if (!std::filesystem::is_directory(folder)) {
    throw input_error(options.store_path + ": folder " + folder.string() + " not found; create it first");
  }
  const bool exists = std::filesystem::exists(options.store_path);
  if (exists && !options.resume && !options.force) {
    throw input_error(options.store_path +
                      ": a feature store exists already; pass --resume to continue it or --force to replace it");
  }
  if (!exists || !options.resume) {
    if (options.resume) log << "radcore: no store at " << options.store_path << " yet, so the run starts a new one\n";
    return start;
  }

  store_contents contents;
  try {
    contents = read_store(options.store_path);
  } catch (const input_error& error) {
    throw input_error(std::string(error.what()) + "; pass --force to replace it");
  }
  check_resumable(contents, cases, header, options.store_path);
  for (const store_row& row : contents.rows) start.stored.emplace(row.manifest_row, row.label);
  start.resumed = static_cast<std::int64_t>(contents.rows.size());
  start.header.feature_names = contents.header.feature_names;
  log << "radcore: resuming " << options.store_path << ": " << start.resumed << " ROIs already stored";
  if (contents.incomplete_rows > 0) log << ", " << contents.incomplete_rows << " partly written ROIs redone";
  log << '\n';

  // The store is rewritten whole rather than reopened for writing: a killed SWMR writer leaves HDF5's
  // "open for writing" flag set, and the copy starts clean without clearing it behind HDF5's back.
  if (start.header.feature_names.empty()) {
    start.carried = std::move(contents.rows);
  } else {
    start.writer = feature_store_writer::create(options.store_path, start.header, contents.rows);
  }
  return start;
}

namespace {

// The writer thread's side: orders results, checks feature keys, commits batches.
class store_sink {
 public:
  store_sink(const cohort_options& options, store_start& start, cohort_summary& summary,
             const commit_observer& after_commit)
      : options_(options), start_(start), summary_(summary), after_commit_(after_commit) {}

  void add(roi_result&& result) {
    store_row& row = result.row;
    if (row.status == row_status::done) {
      std::vector<std::string>& columns = start_.header.feature_names;
      if (columns.empty()) columns = result.feature_keys;
      if (result.feature_keys != columns) {
        row.status = row_status::failed;
        row.error = key_mismatch(columns, result.feature_keys);
        row.features.clear();
      }
    }
    if (row.status == row_status::done) {
      ++summary_.done;
    } else {
      ++summary_.failed;
      summary_.failures.push_back({row.manifest_row, row.label, row.error});
    }
    if (batch_.empty()) batch_started_ = clock_type::now();
    batch_.push_back(std::move(row));
    if (batch_.size() >= batch_rows) commit();
  }

  std::int64_t failed() const { return summary_.failed; }
  bool batch_due() const { return !batch_.empty() && clock_type::now() - batch_started_ >= batch_interval; }
  clock_type::time_point deadline() const {
    return batch_.empty() ? clock_type::now() + std::chrono::hours(1) : batch_started_ + batch_interval;
  }

  void commit() {
    if (batch_.empty()) return;
    if (start_.writer) {
      start_.writer->append(batch_);
    } else if (!start_.header.feature_names.empty()) {
      // The first successful ROI fixes the columns, so the store can be created now.
      std::vector<store_row> rows = std::move(start_.carried);
      rows.insert(rows.end(), std::make_move_iterator(batch_.begin()), std::make_move_iterator(batch_.end()));
      start_.writer = feature_store_writer::create(options_.store_path, start_.header, rows);
    } else {
      start_.carried.insert(start_.carried.end(), std::make_move_iterator(batch_.begin()),
                            std::make_move_iterator(batch_.end()));
    }
    batch_.clear();
    if (after_commit_ && start_.writer) after_commit_(start_.writer->row_count());
  }

  // Commits the last batch and closes the store; a run where no ROI succeeded stores no feature columns.
  void finish() {
    commit();
    if (!start_.writer && (!start_.carried.empty() || !std::filesystem::exists(options_.store_path) || options_.force)) {
      start_.writer = feature_store_writer::create(options_.store_path, start_.header, start_.carried);
      start_.carried.clear();
    }
    if (start_.writer) start_.writer->close();
  }

 private:
  const cohort_options& options_;
  store_start& start_;
  cohort_summary& summary_;
  const commit_observer& after_commit_;
  std::vector<store_row> batch_;
  clock_type::time_point batch_started_;
};

void run_worker(pipeline_state& state, const extraction_parameters& parameters, feature_engine& engine) {
  for (;;) {
    roi_task task;
    {
      std::unique_lock<std::mutex> lock(state.mutex);
      state.task_ready.wait(lock, [&] { return !state.tasks.empty() || state.producer_done || state.stopping; });
      if (state.stopping || state.tasks.empty()) return;
      task = std::move(state.tasks.front());
      state.tasks.pop_front();
    }
    roi_result result = extract_roi(task, parameters, engine);
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      state.results.emplace(task.sequence, std::move(result));
    }
    state.result_ready.notify_one();
  }
}

std::int64_t expected_rois(const pipeline_state& state, std::int64_t manifest_rows) {
  if (state.rows_expanded == 0) return state.queued;
  const double per_row = static_cast<double>(state.queued) / static_cast<double>(state.rows_expanded);
  return state.queued + static_cast<std::int64_t>(per_row * static_cast<double>(manifest_rows - state.rows_expanded));
}

void run_writer(pipeline_state& state, store_sink& sink, cohort_progress& progress, std::int64_t manifest_rows) {
  try {
    for (;;) {
      std::vector<roi_result> ready;
      bool finished = false;
      std::int64_t expected = 0;
      {
        std::unique_lock<std::mutex> lock(state.mutex);
        state.result_ready.wait_until(lock, sink.deadline(), [&] {
          return state.results.count(state.taken) > 0 || (state.producer_done && state.taken == state.queued);
        });
        for (auto next = state.results.find(state.taken); next != state.results.end();
             next = state.results.find(state.taken)) {
          ready.push_back(std::move(next->second));
          state.results.erase(next);
          ++state.taken;
        }
        finished = state.producer_done && state.taken == state.queued;
        expected = expected_rois(state, manifest_rows);
      }
      if (!ready.empty()) state.window_open.notify_all();
      for (roi_result& result : ready) sink.add(std::move(result));
      if (sink.batch_due()) sink.commit();
      if (!ready.empty()) {
        std::lock_guard<std::mutex> lock(state.mutex);
        state.failed = sink.failed();
      }
      progress.update(state.taken, sink.failed(), expected);
      if (finished) break;
    }
    sink.finish();
  } catch (...) {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.writer_error = std::current_exception();
    state.stopping = true;
  }
  state.task_ready.notify_all();
  state.window_open.notify_all();
}

// Hands out the ROIs of the rows `source` returns, skipping those already stored, within the window. A
// row is requested only when the window has room, so rows wait at their source rather than here.
void produce(pipeline_state& state, const manifest& cases, const cohort_options& options,
             const std::set<roi_key>& stored, std::size_t window, row_source& source) {
  const auto window_has_room = [&] {
    return state.stopping || state.queued - state.taken < static_cast<std::int64_t>(window);
  };
  for (;;) {
    std::int64_t finished = 0;
    std::int64_t failed = 0;
    {
      std::unique_lock<std::mutex> lock(state.mutex);
      state.window_open.wait(lock, window_has_room);
      if (state.stopping) return;
      finished = state.taken;
      failed = state.failed;
    }
    const std::int64_t index = source.next_row(finished, failed);
    if (index < 0) return;
    const manifest_row& row = cases.rows.at(static_cast<std::size_t>(index));
    std::string problem;
    const std::vector<int> labels = labels_of_row(row, options, problem);
    for (const int label : labels) {
      if (stored.count({row.index, label}) > 0) continue;
      std::unique_lock<std::mutex> lock(state.mutex);
      state.window_open.wait(lock, window_has_room);
      if (state.stopping) return;
      state.tasks.push_back({state.queued++, &row, label, problem});
      lock.unlock();
      state.task_ready.notify_one();
    }
    std::lock_guard<std::mutex> lock(state.mutex);
    ++state.rows_expanded;
  }
}

// Every row of the manifest, in order.
class manifest_order_source : public row_source {
 public:
  explicit manifest_order_source(std::int64_t rows) : rows_(rows) {}
  std::int64_t next_row(std::int64_t, std::int64_t) override { return next_ < rows_ ? next_++ : -1; }

 private:
  std::int64_t rows_;
  std::int64_t next_ = 0;
};

}  // namespace

store_header make_header(const cohort_options& options, const manifest& cases) {
  store_header header;
  header.metadata_columns = cases.columns;
  for (const manifest_row& row : cases.rows) {
    for (const std::string& value : row.values) header.metadata_width = std::max(header.metadata_width, value.size());
  }
  header.settings_text = options.parameters.text;
  header.settings_sha1 = sha1_hex(options.parameters.text.data(), options.parameters.text.size());
  header.radcore_version = version();
  header.git_revision = git_revision();
  header.backend = chosen_backend(options.device);
  header.device = options.device;
  return header;
}

void log_summary(const cohort_summary& summary, const cohort_options& options, std::ostream& log) {
  const double rate = summary.seconds > 0 ? static_cast<double>(summary.done + summary.failed) / summary.seconds : 0;
  char figures[200];
  std::snprintf(figures, sizeof figures, "%lld ROIs done, %lld failed, %lld already stored; %s, %.2f ROIs/s",
                static_cast<long long>(summary.done), static_cast<long long>(summary.failed),
                static_cast<long long>(summary.resumed), format_duration(summary.seconds).c_str(), rate);
  log << "radcore: cohort finished: " << figures << "; features in " << options.store_path << '\n';
  if (summary.gpu_fallbacks > 0) {
    log << "radcore: warning: " << summary.gpu_fallbacks
        << " ROI image(s) or wavelet box(es) failed on the GPU and were computed on the CPU instead\n";
  }
  for (std::size_t i = 0; i < summary.failures.size() && i < failures_logged; ++i) {
    const cohort_failure& failure = summary.failures[i];
    log << "radcore: failed: manifest row " << failure.manifest_row + 1 << ", label " << failure.label << ": "
        << failure.reason << '\n';
  }
  if (summary.failures.size() > failures_logged) {
    log << "radcore: ... and " << summary.failures.size() - failures_logged
        << " more failed ROIs; 'radcore info " << options.store_path << " --failures' lists them all\n";
  }
}

std::vector<int> roi_labels_of_row(const manifest_row& row, const label_request& request,
                                   const extraction_settings& settings, std::string& problem) {
  problem = row.problem;
  if (request.mode == label_mode::listed) return request.labels;
  if (request.mode == label_mode::manifest) return {row.label.value_or(settings.label)};
  if (!problem.empty()) return {0};
  if (!std::filesystem::exists(row.mask)) {
    problem = row.mask + ": mask file not found";
    return {0};
  }
  try {
    const int channel = row.label_channel.value_or(settings.label_channel);
    std::vector<int> labels = read_mask_labels(row.mask, channel);
    if (labels.empty()) problem = row.mask + ": the mask has no non-zero label, so it holds no ROI";
    return labels.empty() ? std::vector<int>{0} : labels;
  } catch (const input_error& error) {
    problem = error.what();
    return {0};
  }
}

void check_run_options(const cohort_options& options) {
  if (options.resume && options.force) throw input_error("--resume and --force exclude each other; pass one of them");
  if (options.jobs < 1) throw input_error("--jobs: expected 1 or more worker threads, got " + std::to_string(options.jobs));
}

std::optional<std::vector<int>> labels_without_mask(const manifest_row& row, const cohort_options& options) {
  if (options.labels.mode == label_mode::listed) return options.labels.labels;
  if (options.labels.mode == label_mode::manifest) {
    return std::vector<int>{row.label.value_or(options.parameters.settings.label)};
  }
  return std::nullopt;
}

int label_rank(const label_request& labels, int label) {
  if (labels.mode != label_mode::listed) return label;
  const auto found = std::find(labels.labels.begin(), labels.labels.end(), label);
  return static_cast<int>(found - labels.labels.begin());
}

cohort_summary run_pipeline(const cohort_options& options, const manifest& cases, store_start& start,
                            row_source& source, const pipeline_limits& limits, cohort_progress& progress) {
  cohort_summary summary;
  // On the GPU the workers' requests are merged, so that one launch per family serves all of them.
  std::unique_ptr<feature_engine> engine = make_engine(options.device, options.gpu_index);
  if (engine->backend() == "cuda" && options.jobs > 1) engine = make_batching_engine(std::move(engine), options.jobs);
  summary.backend = engine->backend();
  pipeline_state state;
  store_sink sink(options, start, summary, limits.after_commit);
  std::thread writer(run_writer, std::ref(state), std::ref(sink), std::ref(progress),
                     static_cast<std::int64_t>(cases.rows.size()));
  std::vector<std::thread> workers;
  for (int i = 0; i < options.jobs; ++i) {
    workers.emplace_back(run_worker, std::ref(state), std::cref(options.parameters), std::ref(*engine));
  }
  std::exception_ptr producer_error;
  try {
    produce(state, cases, options, start.stored, limits.window, source);
  } catch (...) {
    producer_error = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.producer_done = true;
    if (producer_error) state.stopping = true;
  }
  state.task_ready.notify_all();
  state.result_ready.notify_all();
  for (std::thread& worker : workers) worker.join();
  writer.join();
  progress.finish();
  if (producer_error) std::rethrow_exception(producer_error);
  if (state.writer_error) std::rethrow_exception(state.writer_error);
  std::sort(summary.failures.begin(), summary.failures.end(), [](const cohort_failure& a, const cohort_failure& b) {
    return std::make_pair(a.manifest_row, a.label) < std::make_pair(b.manifest_row, b.label);
  });
  const engine_counts counts = engine->counts();
  summary.gpu_fallbacks = counts.fallback_images + counts.fallback_wavelet_boxes;
  return summary;
}

label_request parse_label_request(const std::string& text) {
  label_request request;
  if (text == "all") {
    request.mode = label_mode::all;
  } else {
    request.mode = label_mode::listed;
    request.labels = parse_label_list(text);
  }
  return request;
}

cohort_summary run_cohort(const cohort_options& options, std::ostream& log) {
  check_run_options(options);
  const clock_type::time_point start_time = clock_type::now();
  const manifest cases = read_manifest(options.manifest_path);
  const store_header header = make_header(options, cases);
  absorb_shards(options, cases, header, log);
  store_start start = open_store(options, cases, header, log);

  cohort_progress progress(log, options.progress);
  manifest_order_source source(static_cast<std::int64_t>(cases.rows.size()));
  pipeline_limits limits;
  limits.window = std::max<std::size_t>(16, 4 * static_cast<std::size_t>(options.jobs));
  cohort_summary summary = run_pipeline(options, cases, start, source, limits, progress);
  summary.resumed = start.resumed;
  summary.seconds = std::chrono::duration<double>(clock_type::now() - start_time).count();
  log_summary(summary, options, log);
  return summary;
}

}  // namespace radcore
