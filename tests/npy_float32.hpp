// Reading little-endian float32 numpy .npy files (version 1 and 2, C order) in tests, keeping the values as
// float32 so that they can be compared bit for bit.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace radcore::testing {

struct npy_float32_array {
  std::vector<std::size_t> shape;
  std::vector<float> values;  // C order
};

inline npy_float32_array read_npy_float32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
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
  std::string header(header_length, '\0');
  in.read(header.data(), header_length);
  if (header.find("'descr': '<f4'") == std::string::npos) throw std::runtime_error(path + ": dtype is not <f4");
  if (header.find("'fortran_order': False") == std::string::npos) {
    throw std::runtime_error(path + ": only C-order arrays are supported");
  }

  npy_float32_array array;
  const auto shape_begin = header.find('(', header.find("'shape'")) + 1;
  const std::string dims = header.substr(shape_begin, header.find(')', shape_begin) - shape_begin);
  std::size_t count = 1;
  for (std::size_t at = 0; at < dims.size();) {
    const auto comma = dims.find(',', at);
    const std::string item = dims.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (item.find_first_of("0123456789") != std::string::npos) {
      array.shape.push_back(std::stoul(item));
      count *= array.shape.back();
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  array.values.resize(count);
  in.read(reinterpret_cast<char*>(array.values.data()), std::streamsize(count * sizeof(float)));
  if (!in) throw std::runtime_error(path + ": truncated");
  return array;
}

}  // namespace radcore::testing
