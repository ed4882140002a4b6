// A binary file of discretised ROI batches, written by radcore_gpu_export in the full build and read by the
// GPU tests on a machine without ITK. Layout: the 8 bytes "RCDBATCH", a uint32 format version (1), then
// each field of discrete_batch as a uint64 element count followed by its raw little-endian elements, in
// the order of write_discrete_batch.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/roi.hpp"

namespace radcore::testing {

namespace batch_file_detail {

constexpr char magic[8] = {'R', 'C', 'D', 'B', 'A', 'T', 'C', 'H'};
constexpr std::uint32_t format_version = 1;

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

inline void write_discrete_batch(const discrete_batch& batch, const std::string& path) {
  using namespace batch_file_detail;
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot open ROI batch file for writing: " + path);
  out.write(magic, sizeof(magic));
  out.write(reinterpret_cast<const char*>(&format_version), sizeof(format_version));
  write_field(out, batch.size);
  write_field(out, batch.spacing);
  write_field(out, batch.voxel_offset);
  write_field(out, batch.level);
  write_field(out, batch.level_offset);
  write_field(out, batch.grey_value);
  write_field(out, batch.ng);
  if (!out) throw std::runtime_error("failed to write ROI batch file: " + path);
}

// Reads a file written by write_discrete_batch. Throws std::runtime_error for a missing, foreign or
// truncated file.
inline discrete_batch read_discrete_batch(const std::string& path) {
  using namespace batch_file_detail;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("ROI batch file not found: " + path);
  char header[sizeof(magic)] = {};
  std::uint32_t version = 0;
  in.read(header, sizeof(header));
  in.read(reinterpret_cast<char*>(&version), sizeof(version));
  if (!in || std::memcmp(header, magic, sizeof(magic)) != 0 || version != format_version) {
    throw std::runtime_error("not a radcore ROI batch file (version 1): " + path);
  }
  discrete_batch batch;
  read_field(in, batch.size, path);
  read_field(in, batch.spacing, path);
  read_field(in, batch.voxel_offset, path);
  read_field(in, batch.level, path);
  read_field(in, batch.level_offset, path);
  read_field(in, batch.grey_value, path);
  read_field(in, batch.ng, path);
  return batch;
}

}  // namespace radcore::testing
