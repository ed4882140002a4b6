// A cohort run over the ranks of MPI_COMM_WORLD. Rank 0 only dispatches: it hands out manifest rows
// one at a time to the ranks that ask, then merges their shards into the store. Ranks 1 to N-1 extract
// the ROIs of the rows they get, with --jobs threads each, into their own shard. Feature values never
// travel over MPI: each rank writes them to its shard, so a message per row is a few integers.
#include "host/cohort_mpi.hpp"

#include <mpi.h>
#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/cohort_pipeline.hpp"
#include "host/cohort_shards.hpp"
#include "host/version.hpp"
#include "kernels/error.hpp"
#if defined(RADCORE_HAS_CUDA)
#include "kernels/cuda_backend.hpp"
#endif

namespace radcore {
namespace {

using clock_type = std::chrono::steady_clock;

constexpr int dispatcher_rank = 0;
enum message_tag : int { tag_request = 1, tag_assignment = 2, tag_finished = 3, tag_failure_text = 4 };
constexpr std::int64_t no_more_rows = -1;
constexpr int finished_fields = 5;  // status, bytes sent, ROIs finished, ROIs failed, rows handled

// Pause between two polls of a pending message. Open MPI's blocking calls spin while they wait, and a
// spinning rank would take a core from the extraction threads of the ranks on its node.
constexpr auto poll_interval = std::chrono::microseconds(200);

// Test hook: "RANK:ROWS" makes worker rank RANK kill itself with SIGKILL once its shard contains ROWS
// committed rows, so that tests can kill one rank part way through a run.
const char* const kill_hook_variable = "RADCORE_TEST_KILL_AFTER_ROWS";

void wait_for(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  while (!done) {
    std::this_thread::sleep_for(poll_interval);
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

// Point-to-point messages and broadcasts of 64-bit integers on MPI_COMM_WORLD, counting the bytes this
// rank sends: the payload as passed to MPI, a broadcast once per receiving rank, no MPI headers.
class mpi_channel {
 public:
  mpi_channel() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }

  int rank() const { return rank_; }
  int size() const { return size_; }
  std::int64_t bytes_sent() const { return bytes_sent_; }

  void send(const std::int64_t* values, int count, int destination, message_tag tag) {
    MPI_Send(values, count, MPI_INT64_T, destination, tag, MPI_COMM_WORLD);
    bytes_sent_ += static_cast<std::int64_t>(count) * 8;
  }
  void send_text(const std::string& text, int destination, message_tag tag) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, destination, tag, MPI_COMM_WORLD);
    bytes_sent_ += static_cast<std::int64_t>(text.size());
  }
  void receive(std::int64_t* values, int count, int source, message_tag tag) {
    MPI_Request request;
    MPI_Irecv(values, count, MPI_INT64_T, source, tag, MPI_COMM_WORLD, &request);
    wait_for(request);
  }
  std::string receive_text(int source, message_tag tag) {
    MPI_Status status;
    MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    MPI_Recv(text.data(), length, MPI_CHAR, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return text;
  }

  // Sends `values` from the dispatcher to every rank; the other ranks' `values` are replaced.
  void broadcast(std::vector<std::int64_t>& values) {
    std::int64_t count = static_cast<std::int64_t>(values.size());
    broadcast_block(&count, 1);
    values.resize(static_cast<std::size_t>(count));
    if (count > 0) broadcast_block(values.data(), static_cast<int>(count));
  }

 private:
  void broadcast_block(std::int64_t* values, int count) {
    MPI_Request request;
    MPI_Ibcast(values, count, MPI_INT64_T, dispatcher_rank, MPI_COMM_WORLD, &request);
    wait_for(request);
    if (rank_ == dispatcher_rank) bytes_sent_ += static_cast<std::int64_t>(count) * 8 * (size_ - 1);
  }

  int rank_ = 0;
  int size_ = 1;
  std::int64_t bytes_sent_ = 0;
};

// Initialises MPI for the calling thread's use only (the extraction threads make no MPI calls) and
// finalises it when the run ends, however it ends.
class mpi_session {
 public:
  mpi_session() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      throw input_error(
          "the MPI library provides no thread support (MPI_THREAD_FUNNELED), which the extraction "
          "threads need; use an MPI built with thread support");
    }
  }
  ~mpi_session() { MPI_Finalize(); }
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;
};

struct rank_placement {
  int local_rank = 0;  // rank among the processes on this node
  std::string host;
};

// Collective: every rank of MPI_COMM_WORLD calls it.
rank_placement place_rank() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  rank_placement placement;
  MPI_Comm_rank(node, &placement.local_rank);
  MPI_Comm_free(&node);
  char host[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  MPI_Get_processor_name(host, &length);
  placement.host.assign(host, static_cast<std::size_t>(length));
  return placement;
}

int visible_gpu_count() {
#if defined(RADCORE_HAS_CUDA)
  return cuda_device_count();
#else
  return 0;
#endif
}

// Describes where a worker rank extracts. A rank's GPU is its local rank modulo the node's GPUs.
std::string device_choice(const cohort_options& options, const rank_placement& placement) {
  const std::string cpu = "CPU backend with " + std::to_string(options.jobs) +
                          (options.jobs == 1 ? " extraction thread" : " extraction threads");
  if (options.device == "cpu") return cpu + " (--device cpu)";
  const int gpus = visible_gpu_count();
  if (gpus == 0) {
    return cpu + (built_backends().size() > 1 ? " (no usable CUDA device)" : " (no CUDA backend built)");
  }
  return "CUDA backend on GPU " + std::to_string(placement.local_rank % gpus) + " of the node's " +
         std::to_string(gpus) + ", with " + std::to_string(options.jobs) +
         (options.jobs == 1 ? " extraction thread" : " extraction threads");
}

// Returns the number of CPUs this process may run on, 0 when the kernel does not report them.
int allowed_cpu_count() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  return sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 0;
}

// Warns when the launcher bound this rank to fewer CPUs than it starts threads. Open MPI's mpirun
// binds each process to one core when it starts 2 or fewer (mpirun(1), Open MPI 4.1), and then
// --jobs threads share that core.
void warn_about_binding(const cohort_options& options, int rank, std::ostream& log) {
  const int cpus = allowed_cpu_count();
  if (cpus == 0 || cpus >= options.jobs) return;
  const std::string jobs = std::to_string(options.jobs);
  log << "radcore: warning: rank " + std::to_string(rank) + " is bound to " + std::to_string(cpus) +
             (cpus == 1 ? " CPU" : " CPUs") + ", fewer than its " + jobs +
             " extraction threads; start mpirun with --bind-to none, or with --map-by slot:PE=" + jobs +
             " to give each rank " + jobs + " cores\n";
}

commit_observer kill_hook(int rank) {
  const char* value = std::getenv(kill_hook_variable);
  int hook_rank = -1;
  long long rows = 0;
  if (!value || std::sscanf(value, "%d:%lld", &hook_rank, &rows) != 2 || hook_rank != rank) return {};
  return [rows](std::int64_t rows_in_store) {
    if (rows_in_store >= rows) ::raise(SIGKILL);
  };
}

// Rows handed out by the dispatcher, one request and one reply per row.
class dispatched_rows : public row_source {
 public:
  explicit dispatched_rows(mpi_channel& channel) : channel_(channel) {}
  std::int64_t next_row(std::int64_t finished, std::int64_t failed) override {
    const std::int64_t request[2] = {finished, failed};
    channel_.send(request, 2, dispatcher_rank, tag_request);
    std::int64_t row = no_more_rows;
    channel_.receive(&row, 1, dispatcher_rank, tag_assignment);
    if (row != no_more_rows) ++rows_handled_;
    return row;
  }
  std::int64_t rows_handled() const { return rows_handled_; }

 private:
  mpi_channel& channel_;
  std::int64_t rows_handled_ = 0;
};

std::vector<std::int64_t> encode_keys(const std::set<roi_key>& keys) {
  std::vector<std::int64_t> values;
  for (const roi_key& key : keys) {
    values.push_back(key.first);
    values.push_back(key.second);
  }
  return values;
}

// One worker rank: extracts the rows it is handed into its shard, then reports to the dispatcher.
// Returns the exit status the dispatcher broadcasts at the end.
int run_worker_rank(const cohort_options& options, mpi_channel& channel, const rank_placement& placement,
                    std::ostream& log) {
  std::string failure;
  manifest cases;
  try {
    cases = read_manifest(options.manifest_path);
  } catch (const input_error& error) {
    failure = error.what();
  }
  std::vector<std::int64_t> setup;
  channel.broadcast(setup);
  // The dispatcher failed to set the run up and reports why, then exits with 1, which makes mpirun's status
  // 1. This rank exits with 0: a non-zero status here could make mpirun end the job before the dispatcher
  // has written its message.
  if (setup.empty() || setup.front() != 0) return 0;

  // One write per line, because the ranks share the launcher's standard error.
  log << "radcore: rank " + std::to_string(channel.rank()) + " of " + std::to_string(channel.size()) + " on " +
             placement.host + " (local rank " + std::to_string(placement.local_rank) +
             "): " + device_choice(options, placement) + "\n";
  warn_about_binding(options, channel.rank(), log);

  dispatched_rows source(channel);
  std::int64_t finished = 0;
  std::int64_t failed = 0;
  if (failure.empty()) {
    try {
      cohort_options shard_options = options;
      shard_options.store_path = shard_path(options.store_path, channel.rank());
      shard_options.resume = true;  // a shard of an earlier attempt keeps its rows
      shard_options.force = false;
      shard_options.gpu_index = placement.local_rank;
      std::ostream discard(nullptr);
      store_start start = open_store(shard_options, cases, make_header(options, cases), discard);
      start.stored.clear();
      // setup is {status, manifest row, label, manifest row, label, ...}: the ROIs stored so far.
      for (std::size_t i = 1; i + 1 < setup.size(); i += 2) {
        start.stored.emplace(setup[i], static_cast<int>(setup[i + 1]));
      }
      cohort_progress progress(discard, progress_style::lines);
      pipeline_limits limits;
      limits.window = static_cast<std::size_t>(options.jobs) + 1;
      limits.after_commit = kill_hook(channel.rank());
      const cohort_summary summary = run_pipeline(shard_options, cases, start, source, limits, progress);
      finished = summary.done + summary.failed;
      failed = summary.failed;
    } catch (const std::exception& error) {
      failure = error.what();
    }
  }

  const std::int64_t own_bytes = finished_fields * 8 + static_cast<std::int64_t>(failure.size());
  const std::int64_t report[finished_fields] = {failure.empty() ? 0 : 1, channel.bytes_sent() + own_bytes, finished,
                                                failed, source.rows_handled()};
  channel.send(report, finished_fields, dispatcher_rank, tag_finished);
  if (!failure.empty()) channel.send_text(failure, dispatcher_rank, tag_failure_text);
  // The dispatcher's exit status is the run's (0, 1, or 2 when some ROIs failed), and mpirun returns it.
  // This rank exits with 0 so that mpirun does not end the job before the dispatcher has written its
  // summary or its error.
  std::vector<std::int64_t> status;
  channel.broadcast(status);
  return 0;
}

struct worker_report {
  bool finished = false;
  std::int64_t bytes_sent = 0;
  std::int64_t rois_finished = 0;
  std::int64_t rois_failed = 0;
  std::int64_t rows_handled = 0;
  std::string failure;
};

// Rank 0's side: replies to each request with the next pending row until none is left or a rank failed,
// and collects each worker's final report.
class dispatcher {
 public:
  dispatcher(mpi_channel& channel, std::vector<std::int64_t> pending, cohort_progress& progress,
             std::int64_t expected_rois)
      : channel_(channel),
        pending_(std::move(pending)),
        progress_(progress),
        expected_(expected_rois),
        reports_(static_cast<std::size_t>(channel.size())) {}

  void run() {
    int open_workers = channel_.size() - 1;
    while (open_workers > 0) {
      MPI_Status status;
      int waiting = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
      if (!waiting) {
        std::this_thread::sleep_for(poll_interval);
        continue;
      }
      if (status.MPI_TAG == tag_request) {
        reply_to_request(status.MPI_SOURCE);
      } else if (status.MPI_TAG == tag_finished) {
        record_report(status.MPI_SOURCE);
        --open_workers;
      } else {
        // Only radcore's own ranks share MPI_COMM_WORLD, so this is a bug; the workers wait on rank 0,
        // so the whole job stops rather than hangs.
        std::fprintf(stderr, "radcore: error: rank %d sent a message with unknown tag %d\n", status.MPI_SOURCE,
                     status.MPI_TAG);
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
    }
    progress_.finish();
  }

  const std::vector<worker_report>& reports() const { return reports_; }
  std::int64_t rows_handed_out() const { return static_cast<std::int64_t>(next_); }

 private:
  void reply_to_request(int source) {
    std::int64_t counts[2] = {0, 0};
    MPI_Recv(counts, 2, MPI_INT64_T, source, tag_request, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    worker_report& report = reports_[static_cast<std::size_t>(source)];
    report.rois_finished = counts[0];
    report.rois_failed = counts[1];
    const bool rows_left = next_ < pending_.size() && !stopping_;
    const std::int64_t row = rows_left ? pending_[next_++] : no_more_rows;
    channel_.send(&row, 1, source, tag_assignment);
    std::int64_t finished = 0;
    std::int64_t failed = 0;
    for (const worker_report& each : reports_) {
      finished += each.rois_finished;
      failed += each.rois_failed;
    }
    progress_.update(finished, failed, std::max(expected_, finished));
  }

  void record_report(int source) {
    std::int64_t values[finished_fields] = {};
    MPI_Recv(values, finished_fields, MPI_INT64_T, source, tag_finished, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    worker_report& report = reports_[static_cast<std::size_t>(source)];
    report.finished = true;
    report.bytes_sent = values[1];
    report.rois_finished = values[2];
    report.rois_failed = values[3];
    report.rows_handled = values[4];
    if (values[0] != 0) {
      report.failure = channel_.receive_text(source, tag_failure_text);
      stopping_ = true;  // the other ranks finish the rows they have and get no more
    }
  }

  mpi_channel& channel_;
  std::vector<std::int64_t> pending_;
  std::size_t next_ = 0;
  bool stopping_ = false;
  cohort_progress& progress_;
  std::int64_t expected_;
  std::vector<worker_report> reports_;
};

// Returns the rows to hand out: every row with an ROI not yet stored. Under --labels all a row's ROIs
// are known only from its mask, so every row is handed out and counts as one expected ROI.
std::vector<std::int64_t> pending_rows(const manifest& cases, const cohort_options& options,
                                       const std::set<roi_key>& stored, std::int64_t& expected_rois) {
  std::vector<std::int64_t> rows;
  expected_rois = 0;
  for (const manifest_row& row : cases.rows) {
    const std::optional<std::vector<int>> labels = labels_without_mask(row, options);
    std::int64_t left = labels ? 0 : 1;
    if (labels) {
      for (const int label : *labels) left += stored.count({row.index, label}) == 0 ? 1 : 0;
    }
    if (left == 0) continue;
    rows.push_back(row.index);
    expected_rois += left;
  }
  return rows;
}

cohort_summary summarise(const stored_rows& merged, const std::set<roi_key>& stored_before) {
  cohort_summary summary;
  for (const store_row& row : merged.rows) {
    if (stored_before.count({row.manifest_row, row.label}) > 0) {
      ++summary.resumed;
    } else if (row.status == row_status::done) {
      ++summary.done;
    } else {
      ++summary.failed;
      summary.failures.push_back({row.manifest_row, row.label, row.error});
    }
  }
  return summary;
}

void log_traffic(const mpi_channel& channel, const dispatcher& dispatch, std::ostream& log) {
  const auto per_row = [](std::int64_t bytes, std::int64_t rows) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f",
                  static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(rows, 1)));
    return std::string(text);
  };
  log << "radcore: MPI: " << channel.size() << " ranks (rank 0 dispatches, " << channel.size() - 1 << " extract), "
      << dispatch.rows_handed_out() << " rows handed out; bytes sent to the other ranks: rank 0 "
      << channel.bytes_sent() << " (" << per_row(channel.bytes_sent(), dispatch.rows_handed_out()) << " per row)";
  for (int rank = 1; rank < channel.size(); ++rank) {
    const worker_report& report = dispatch.reports()[static_cast<std::size_t>(rank)];
    log << ", rank " << rank << " " << report.bytes_sent;
    if (report.rows_handled == 0) {
      log << " (no rows)";
    } else {
      log << " (" << per_row(report.bytes_sent, report.rows_handled) << " per row of its " << report.rows_handled
          << ")";
    }
  }
  log << '\n';
}

std::string worker_failures(const dispatcher& dispatch) {
  std::string text;
  for (std::size_t rank = 1; rank < dispatch.reports().size(); ++rank) {
    const std::string& failure = dispatch.reports()[rank].failure;
    if (!failure.empty()) text += (text.empty() ? "rank " : "; rank ") + std::to_string(rank) + ": " + failure;
  }
  return text;
}

// Rank 0: checks the run, hands out rows, merges the shards and logs the summary.
int run_dispatcher_rank(const cohort_options& options, mpi_channel& channel, std::ostream& log) {
  const clock_type::time_point start_time = clock_type::now();
  manifest cases;
  store_header header;
  std::set<roi_key> stored;
  std::vector<std::int64_t> setup = {1};
  try {
    check_run_options(options);
    cases = read_manifest(options.manifest_path);
    header = make_header(options, cases);
    const stored_rows before = prepare_distributed_store(options, cases, header, log);
    for (const store_row& row : before.rows) stored.emplace(row.manifest_row, row.label);
    setup = encode_keys(stored);
    setup.insert(setup.begin(), 0);
  } catch (...) {
    channel.broadcast(setup);  // stops the workers, and this rank reports the error
    throw;
  }
  channel.broadcast(setup);

  std::int64_t expected = 0;
  std::vector<std::int64_t> pending = pending_rows(cases, options, stored, expected);
  cohort_progress progress(log, options.progress);
  dispatcher dispatch(channel, std::move(pending), progress, expected);
  dispatch.run();

  std::vector<std::int64_t> status = {1};
  cohort_summary summary;
  try {
    const std::string failures = worker_failures(dispatch);
    if (!failures.empty()) {
      throw input_error("the distributed run failed (" + failures + "); the rows the ranks committed are kept in " +
                        shard_folder(options.store_path) +
                        "; fix the error and run it again with --resume to continue");
    }
    const stored_rows merged = collect_stored_rows(options, cases, header);
    write_merged_store(options, header, merged);
    summary = summarise(merged, stored);
    summary.seconds = std::chrono::duration<double>(clock_type::now() - start_time).count();
    status = {summary.failed > 0 ? 2 : 0};
  } catch (...) {
    channel.broadcast(status);
    throw;
  }
  channel.broadcast(status);
  log_summary(summary, options, log);
  log_traffic(channel, dispatch, log);
  return static_cast<int>(status.front());
}

}  // namespace

std::string mpi_build_description() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string description(text, static_cast<std::size_t>(length));
  const std::size_t line_end = description.find_first_of(",\n");
  return description.substr(0, line_end);
}

std::optional<int> run_cohort_if_distributed(const cohort_options& options, std::ostream& log) {
  const mpi_launch launch = detect_mpi_launch();
  if (!launch.launched || launch.processes == 1) return std::nullopt;
  mpi_session session;
  mpi_channel channel;
  if (channel.size() == 1) {
    if (launch.processes == 0) return std::nullopt;  // a PMIx launch of one process
    throw input_error("radcore was started as one of " + std::to_string(launch.processes) + " processes (" +
                      launch.variable +
                      "), but MPI sees this process alone, so every process would write the "
                      "same store; start it with mpirun, or with srun --mpi=pmix under Slurm (docs/mpi.md)");
  }
  const rank_placement placement = place_rank();
  try {
    if (channel.rank() == dispatcher_rank) return run_dispatcher_rank(options, channel, log);
    return run_worker_rank(options, channel, placement, log);
  } catch (const input_error&) {
    if (channel.rank() == dispatcher_rank) throw;
    return 1;
  }
}

}  // namespace radcore
