// SHA-1 (FIPS 180-4) of a byte buffer, for the image and mask hashes that PyRadiomics reports.
#pragma once

#include <cstddef>
#include <string>

namespace radcore {

// Returns the SHA-1 digest of `size` bytes at `data` as 40 lowercase hexadecimal digits.
std::string sha1_hex(const void* data, std::size_t size);

}  // namespace radcore
