// The cohort manifest: PyRadiomics' batch CSV with one case per row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace radcore {

// One data row of the manifest. Problems confined to the row (an empty path, a label that is not a
// number) are kept in `problem`, so that the row fails on its own and the rest of the cohort runs.
struct manifest_row {
  std::int64_t index = 0;           // 0-based data row; the header is not counted
  std::vector<std::string> values;  // every column, as written in the manifest
  std::string image;                // resolved against the manifest's folder
  std::string mask;
  std::optional<int> label;          // the Label column, when present and not empty
  std::optional<int> label_channel;  // the Label_channel column, when present and not empty
  std::string problem;               // empty when the row is usable
};

struct manifest {
  std::string path;
  std::vector<std::string> columns;
  std::vector<manifest_row> rows;
};

// Reads a manifest whose header names the columns `Image` and `Mask`, with optional `Label` and
// `Label_channel`; other columns are row metadata. Relative paths resolve against the manifest's folder.
// A row identical in every column to an earlier one gets a problem that names the earlier row. Throws
// input_error naming the file when it cannot be read, lacks Image or Mask, or has no data rows.
manifest read_manifest(const std::string& path);

}  // namespace radcore
