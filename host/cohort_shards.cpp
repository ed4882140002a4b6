#include "host/cohort_shards.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>
#include <tuple>
#include <utility>

#include "host/cohort_pipeline.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;

// Rows of one file, with the feature columns that file stores them under.
struct file_rows {
  std::string path;
  std::vector<std::string> feature_names;
  std::vector<store_row> rows;
};

file_rows read_checked(const std::string& path, const manifest& cases, const store_header& header) {
  store_contents contents;
  try {
    contents = read_store(path);
  } catch (const input_error& error) {
    throw input_error(std::string(error.what()) + "; pass --force to start the run over");
  }
  check_resumable(contents, cases, header, path);
  return {path, std::move(contents.header.feature_names), std::move(contents.rows)};
}

// A merged row and the file it came from, for ordering and for the feature-column check.
struct sourced_row {
  store_row row;
  std::size_t file = 0;
};

// Orders rows as a single-process run stores them: by manifest row, then by label within the row.
void sort_rows(std::vector<sourced_row>& rows, const label_request& labels) {
  std::sort(rows.begin(), rows.end(), [&](const sourced_row& a, const sourced_row& b) {
    return std::make_pair(a.row.manifest_row, label_rank(labels, a.row.label)) <
           std::make_pair(b.row.manifest_row, label_rank(labels, b.row.label));
  });
}

// Moves the rows of every file into one list, keeping the first copy of an ROI that the store and a
// shard both contain and rejecting one that two shards contain. files[0] is the store when it exists.
std::vector<sourced_row> gather_rows(std::vector<file_rows>& files, bool first_is_store) {
  std::map<roi_key, std::size_t> seen;
  std::vector<sourced_row> gathered;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (store_row& row : files[f].rows) {
      const roi_key key(row.manifest_row, row.label);
      const auto [earlier, inserted] = seen.emplace(key, f);
      if (!inserted) {
        if (first_is_store && earlier->second == 0) continue;
        throw input_error(files[f].path + " and " + files[earlier->second].path + " both contain manifest row " +
                          std::to_string(key.first + 1) + ", label " + std::to_string(key.second) +
                          ", so the shards do not come from one run; remove " +
                          fs::path(files[f].path).parent_path().string() + " or pass --force to start over");
      }
      gathered.push_back({std::move(row), f});
    }
  }
  return gathered;
}

}  // namespace

std::string shard_folder(const std::string& store_path) { return store_path + ".shards"; }

std::string shard_path(const std::string& store_path, int rank) {
  char name[32];
  std::snprintf(name, sizeof name, "rank-%04d.h5", rank);
  return (fs::path(shard_folder(store_path)) / name).string();
}

std::vector<std::string> list_shards(const std::string& store_path) {
  std::vector<std::string> shards;
  const fs::path folder = shard_folder(store_path);
  if (!fs::is_directory(folder)) return shards;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    const bool shard = name.rfind("rank-", 0) == 0 && entry.path().extension() == ".h5";
    if (shard && entry.is_regular_file()) shards.push_back(entry.path().string());
  }
  std::sort(shards.begin(), shards.end());
  return shards;
}

stored_rows collect_stored_rows(const cohort_options& options, const manifest& cases, const store_header& header) {
  std::vector<file_rows> files;
  const bool store_exists = fs::exists(options.store_path);
  if (store_exists) files.push_back(read_checked(options.store_path, cases, header));
  const std::vector<std::string> shards = list_shards(options.store_path);
  for (const std::string& shard : shards) files.push_back(read_checked(shard, cases, header));

  stored_rows merged;
  merged.from_store = store_exists ? static_cast<std::int64_t>(files.front().rows.size()) : 0;
  merged.shards = static_cast<std::int64_t>(shards.size());
  std::vector<sourced_row> rows = gather_rows(files, store_exists);
  sort_rows(rows, options.labels);

  // The first successful ROI in manifest order fixes the columns, as in a single-process run.
  for (const sourced_row& entry : rows) {
    if (entry.row.status == row_status::done) {
      merged.feature_names = files[entry.file].feature_names;
      break;
    }
  }
  for (sourced_row& entry : rows) {
    const std::vector<std::string>& keys = files[entry.file].feature_names;
    if (entry.row.status == row_status::done && keys != merged.feature_names) {
      entry.row.status = row_status::failed;
      entry.row.error = key_mismatch(merged.feature_names, keys);
      entry.row.features.clear();
    }
    merged.rows.push_back(std::move(entry.row));
  }
  return merged;
}

void write_merged_store(const cohort_options& options, const store_header& header, const stored_rows& merged) {
  store_header merged_header = header;
  merged_header.feature_names = merged.feature_names;
  feature_store_writer::create(options.store_path, merged_header, merged.rows)->close();
  fs::remove_all(shard_folder(options.store_path));
}

stored_rows prepare_distributed_store(const cohort_options& options, const manifest& cases, const store_header& header,
                                      std::ostream& log) {
  const fs::path folder = fs::absolute(options.store_path).parent_path();
  if (!fs::is_directory(folder)) {
    throw input_error(options.store_path + ": folder " + folder.string() + " not found; create it first");
  }
  const std::string shards = shard_folder(options.store_path);
  const bool store_exists = fs::exists(options.store_path);
  if (!options.resume && !options.force) {
    if (store_exists) {
      throw input_error(options.store_path +
                        ": a feature store exists already; pass --resume to continue it or --force to replace it");
    }
    if (fs::exists(shards)) {
      throw input_error(shards +
                        ": shards of an unfinished distributed run exist; pass --resume to continue "
                        "them or --force to start over");
    }
  }
  if (options.force) {
    // A single-process --force replaces the store with its first batch. This run writes the store only
    // at its end, so the old one goes now, or a killed run's --resume would take its rows.
    fs::remove(options.store_path);
    fs::remove_all(shards);
  }

  stored_rows stored;
  if (options.resume && !store_exists && !fs::exists(shards)) {
    log << "radcore: no store or shards at " << options.store_path << " yet, so the run starts a new one\n";
  } else if (options.resume) {
    stored = collect_stored_rows(options, cases, header);
    log << "radcore: resuming " << options.store_path << ": " << stored.rows.size() << " ROIs already stored ("
        << stored.from_store << " in the store, " << stored.rows.size() - stored.from_store << " in " << stored.shards
        << " shards)\n";
  }
  fs::create_directories(shards);
  return stored;
}

void absorb_shards(const cohort_options& options, const manifest& cases, const store_header& header,
                   std::ostream& log) {
  const std::string shards = shard_folder(options.store_path);
  if (!fs::exists(shards)) return;
  if (options.force) {
    fs::remove_all(shards);
    return;
  }
  if (!options.resume) {
    throw input_error(shards +
                      ": shards of an unfinished distributed run exist; pass --resume to continue "
                      "them or --force to start over");
  }
  const stored_rows merged = collect_stored_rows(options, cases, header);
  if (merged.rows.empty()) {
    fs::remove_all(shards);
    return;
  }
  write_merged_store(options, header, merged);
  log << "radcore: merged " << merged.rows.size() - merged.from_store << " ROIs from the " << merged.shards
      << " shards of an unfinished distributed run into " << options.store_path << '\n';
}

}  // namespace radcore
