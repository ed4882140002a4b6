// A binary file of discretised ROI batches, written by radcore_gpu_export in the full build and read by the
// GPU tests on a machine without ITK. Layout: the 8 bytes "RCDBATCH", a uint32 format version, then each
// field of discrete_batch as a uint64 element count followed by its raw little-endian elements, in the
// order of write_discrete_batch. Version 2 follows them with the fields of the roi_batch the levels came
// from (intensities and masks), for the first-order tests. Version 1 files, without it, are still read.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/roi.hpp"

namespace radcore::testing {

namespace batch_file_detail {

constexpr char magic[8] = {'R', 'C', 'D', 'B', 'A', 'T', 'C', 'H'};
constexpr std::uint32_t discrete_only_version = 1;
constexpr std::uint32_t with_intensities_version = 2;

template <class T>
void write_field(std::ofstream& out, const std::vector<T>& values) {
  const std::uint64_t count = values.size();
  out.write(reinterpret_cast<const char*>(&count), sizeof(count));
  out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(count * sizeof(T)));
}

template <class T>
void read_field(std::ifstream& in, std::vector<T>& values, const std::string& path) {
  std::uint64_t count = 0;
  in.read(reinterpret_cast<char*>(&count), sizeof(count));
  if (!in || count > (std::uint64_t(1) << 32)) throw std::runtime_error("truncated or invalid ROI batch file: " + path);
  values.resize(std::size_t(count));
  in.read(reinterpret_cast<char*>(values.data()), std::streamsize(count * sizeof(T)));
  if (!in) throw std::runtime_error("truncated ROI batch file: " + path);
}

}  // namespace batch_file_detail

// A batch file's contents: the discretised ROIs and, in version 2 files, the intensities they came from.
struct exported_batch {
  discrete_batch discrete;
  std::optional<roi_batch> rois;
};

// Writes `batch` to `path`, as version 2 with the intensities and masks of `rois` when it is given and as
// version 1 otherwise.
inline void write_discrete_batch(const discrete_batch& batch, const std::string& path,
                                 const roi_batch* rois = nullptr) {
  using namespace batch_file_detail;
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot open ROI batch file for writing: " + path);
  const std::uint32_t version = rois != nullptr ? with_intensities_version : discrete_only_version;
  out.write(magic, sizeof(magic));
  out.write(reinterpret_cast<const char*>(&version), sizeof(version));
  write_field(out, batch.size);
  write_field(out, batch.spacing);
  write_field(out, batch.voxel_offset);
  write_field(out, batch.level);
  write_field(out, batch.level_offset);
  write_field(out, batch.grey_value);
  write_field(out, batch.ng);
  if (rois != nullptr) {
    write_field(out, rois->size);
    write_field(out, rois->spacing);
    write_field(out, rois->voxel_offset);
    write_field(out, rois->intensity);
    write_field(out, rois->mask);
  }
  if (!out) throw std::runtime_error("failed to write ROI batch file: " + path);
}

// Reads a file written by write_discrete_batch, of either version. Throws std::runtime_error for a missing,
// foreign or truncated file.
inline exported_batch read_exported_batch(const std::string& path) {
  using namespace batch_file_detail;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("ROI batch file not found: " + path);
  char header[sizeof(magic)] = {};
  std::uint32_t version = 0;
  in.read(header, sizeof(header));
  in.read(reinterpret_cast<char*>(&version), sizeof(version));
  if (!in || std::memcmp(header, magic, sizeof(magic)) != 0 ||
      (version != discrete_only_version && version != with_intensities_version)) {
    throw std::runtime_error("not a radcore ROI batch file (version 1 or 2): " + path);
  }
  exported_batch batch;
  read_field(in, batch.discrete.size, path);
  read_field(in, batch.discrete.spacing, path);
  read_field(in, batch.discrete.voxel_offset, path);
  read_field(in, batch.discrete.level, path);
  read_field(in, batch.discrete.level_offset, path);
  read_field(in, batch.discrete.grey_value, path);
  read_field(in, batch.discrete.ng, path);
  if (version == with_intensities_version) {
    roi_batch& rois = batch.rois.emplace();
    read_field(in, rois.size, path);
    read_field(in, rois.spacing, path);
    read_field(in, rois.voxel_offset, path);
    read_field(in, rois.intensity, path);
    read_field(in, rois.mask, path);
  }
  return batch;
}

// Reads the discretised ROIs of a file of either version.
inline discrete_batch read_discrete_batch(const std::string& path) { return read_exported_batch(path).discrete; }

}  // namespace radcore::testing
