// The parts of cohort extraction that the single-process run (host/cohort.cpp), the shard merge
// (host/cohort_shards.cpp) and the MPI run (host/mpi/) share: the store a run starts from, the pipeline
// of reader, worker and writer threads, and the run summary.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "host/cohort.hpp"
#include "host/cohort_progress.hpp"
#include "io/feature_store.hpp"
#include "io/manifest.hpp"

namespace radcore {

using roi_key = std::pair<std::int64_t, int>;  // (manifest row, label)

// The store as the run finds it: rows already written, the writer of a rebuilt store, or rows to carry
// into a store not yet created because no ROI has succeeded so far.
struct store_start {
  store_header header;
  std::unique_ptr<feature_store_writer> writer;
  std::vector<store_row> carried;
  std::set<roi_key> stored;  // ROIs the pipeline skips
  std::int64_t resumed = 0;
};

// The header every store of the run gets: manifest columns, settings and their SHA-1, versions, backend.
store_header make_header(const cohort_options& options, const manifest& cases);

// Throws input_error naming `path` when the stored rows were written with other settings or from
// another manifest than this run's.
void check_resumable(const store_contents& contents, const manifest& cases, const store_header& header,
                     const std::string& path);

// Opens options.store_path for the run: checks --resume and --force against an existing store, and for
// --resume reads its committed rows and rewrites it with them (see docs/hdf5-layout.md, "Resume copies").
store_start open_store(const cohort_options& options, const manifest& cases, const store_header& header,
                       std::ostream& log);

// Describes why an ROI's feature keys cannot go into the store's columns.
std::string key_mismatch(const std::vector<std::string>& columns, const std::vector<std::string>& keys);

// Throws input_error for --resume with --force and for fewer than one worker thread.
void check_run_options(const cohort_options& options);

// Returns the labels of a row's ROIs when they do not depend on its mask: every label mode except
// `all`, which reads the mask to list them.
std::optional<std::vector<int>> labels_without_mask(const manifest_row& row, const cohort_options& options);

// Position of `label` among a manifest row's ROIs: the --labels order when labels are listed, else the
// label value (a mask's labels are extracted in ascending order).
int label_rank(const label_request& labels, int label);

// Source of the manifest rows a pipeline extracts, called from the thread that runs the pipeline.
class row_source {
 public:
  virtual ~row_source() = default;
  // Returns the 0-based index of the next manifest row to extract, or -1 when there is none left.
  // `finished` and `failed` count the ROIs this pipeline has passed to its store so far.
  virtual std::int64_t next_row(std::int64_t finished, std::int64_t failed) = 0;
};

// Called by the writer thread after each batch it commits, with the number of rows in the store.
using commit_observer = std::function<void(std::int64_t rows_in_store)>;

struct pipeline_limits {
  // ROIs handed to workers and not yet taken by the writer. Larger keeps workers busy through slow
  // reads; smaller keeps a rank of a distributed run from holding cases that idle ranks could take.
  std::size_t window = 16;
  commit_observer after_commit;
};

// Extracts the ROIs of the rows `source` hands out, skipping those in start.stored, with options.jobs
// worker threads and one writer thread that commits them to start's store in the order handed out.
// Returns this run's counts and failures (start.resumed is not added). Rethrows an error of the writer.
cohort_summary run_pipeline(const cohort_options& options, const manifest& cases, store_start& start,
                            row_source& source, const pipeline_limits& limits, cohort_progress& progress);

// Logs the summary line and the failed ROIs of a finished run.
void log_summary(const cohort_summary& summary, const cohort_options& options, std::ostream& log);

}  // namespace radcore
