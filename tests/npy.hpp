// Reading numpy .npy files (version 1 and 2, little-endian, C order) in tests: float64 or int64 as float64,
// and float32 kept as float32 so that it can be compared bit for bit.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace radcore::testing {

struct npy_array {
  std::vector<std::size_t> shape;
  std::vector<double> values;  // C order
};

struct npy_float32_array {
  std::vector<std::size_t> shape;
  std::vector<float> values;  // C order
};

// The header of an .npy file: its dtype string ("<f8", "<i8", "<f4", ...), shape and element count. The
// stream is left at the first data byte.
struct npy_header {
  std::string descr;
  std::vector<std::size_t> shape;
  std::size_t count = 1;
};

inline npy_header read_npy_header(std::ifstream& in, const std::string& path) {
  if (!in) throw std::runtime_error(path + ": cannot open");
  char magic[6];
  in.read(magic, 6);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not an .npy file");
  unsigned char version[2];
  in.read(reinterpret_cast<char*>(version), 2);
  std::uint32_t header_length = 0;
  if (version[0] == 1) {
    std::uint16_t length16 = 0;
    in.read(reinterpret_cast<char*>(&length16), 2);
    header_length = length16;
  } else {
    in.read(reinterpret_cast<char*>(&header_length), 4);
  }
  std::string text(header_length, '\0');
  in.read(text.data(), header_length);
  if (text.find("'fortran_order': False") == std::string::npos) {
    throw std::runtime_error(path + ": only C-order arrays are supported");
  }

  npy_header header;
  const auto descr_at = text.find("'descr': '") + 10;
  header.descr = text.substr(descr_at, text.find('\'', descr_at) - descr_at);
  const auto shape_begin = text.find('(', text.find("'shape'")) + 1;
  const std::string dims = text.substr(shape_begin, text.find(')', shape_begin) - shape_begin);
  for (std::size_t at = 0; at < dims.size();) {
    const auto comma = dims.find(',', at);
    const std::string item = dims.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (item.find_first_of("0123456789") != std::string::npos) {
      header.shape.push_back(std::stoul(item));
      header.count *= header.shape.back();
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return header;
}

inline npy_array read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const npy_header header = read_npy_header(in, path);
  npy_array array;
  array.shape = header.shape;
  array.values.resize(header.count);
  if (header.descr == "<f8") {
    in.read(reinterpret_cast<char*>(array.values.data()), std::streamsize(header.count * 8));
  } else if (header.descr == "<i8") {
    std::vector<std::int64_t> raw(header.count);
    in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(header.count * 8));
    for (std::size_t i = 0; i < header.count; ++i) array.values[i] = double(raw[i]);
  } else {
    throw std::runtime_error(path + ": unsupported dtype " + header.descr);
  }
  if (!in) throw std::runtime_error(path + ": truncated");
  return array;
}

inline npy_float32_array read_npy_float32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const npy_header header = read_npy_header(in, path);
  if (header.descr != "<f4") throw std::runtime_error(path + ": dtype is " + header.descr + ", not <f4");
  npy_float32_array array;
  array.shape = header.shape;
  array.values.resize(header.count);
  in.read(reinterpret_cast<char*>(array.values.data()), std::streamsize(header.count * sizeof(float)));
  if (!in) throw std::runtime_error(path + ": truncated");
  return array;
}

}  // namespace radcore::testing
