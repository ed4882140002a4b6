// Shards of a distributed cohort run: one store per worker rank in FEATURES.h5.shards/, merged into
// the store at FEATURES.h5 when the run ends. docs/hdf5-layout.md describes the layout.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "host/cohort.hpp"
#include "io/feature_store.hpp"
#include "io/manifest.hpp"

namespace radcore {

// The folder of the shards of the store at `store_path`: `store_path` with ".shards" appended.
std::string shard_folder(const std::string& store_path);
// The shard that worker rank `rank` writes: shard_folder(store_path)/rank-0003.h5 for rank 3.
std::string shard_path(const std::string& store_path, int rank);
// The shard files in the shard folder, in name order; empty when the folder does not exist.
std::vector<std::string> list_shards(const std::string& store_path);

// Committed rows of a store and its shards, merged.
struct stored_rows {
  std::vector<std::string> feature_names;  // the columns the merged store gets
  std::vector<store_row> rows;             // manifest order, each row's labels in --labels order
  std::int64_t from_store = 0;             // rows that came from the store itself
  std::int64_t shards = 0;                 // shard files read
};

// Reads the committed rows of the store at options.store_path (when it exists) and of every shard,
// checks each file against this run's settings and manifest, and merges them. A row found in the store
// and in a shard (a merge killed after writing the store) is taken from the store. Rows whose file has
// other feature columns than the first successful row are stored as failed, as a single-process run
// stores them. Throws input_error naming the file that cannot be read or does not match, or the ROI
// that two shards both contain.
// NOTE: every row is kept in memory (about 7 KiB per ROI of 851 features), as a single-process --resume
// keeps its store.
stored_rows collect_stored_rows(const cohort_options& options, const manifest& cases, const store_header& header);

// Writes `merged` into a new store at options.store_path (replacing any store there in one rename),
// then removes the shard folder.
void write_merged_store(const cohort_options& options, const store_header& header, const stored_rows& merged);

// Prepares a distributed run on rank 0: checks --resume and --force against the store and the shard
// folder, removes the store and the shards for --force, creates the shard folder, and returns what
// --resume finds already stored. Throws input_error as open_store does, and for shards left without --resume or
// --force.
stored_rows prepare_distributed_store(const cohort_options& options, const manifest& cases, const store_header& header,
                                      std::ostream& log);

// For a single-process run: merges the shards that an unfinished distributed run left into the store
// (with --resume), removes them (with --force), or throws input_error (with neither).
void absorb_shards(const cohort_options& options, const manifest& cases, const store_header& header, std::ostream& log);

}  // namespace radcore
