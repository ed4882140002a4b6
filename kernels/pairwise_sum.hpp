// numpy's pairwise summation of float64 values (numpy/core/src/umath/loops_utils.h.src, pairwise_sum):
// plain loop below 8 values, eight interleaved partial sums up to 128, halves split on a multiple of 8
// above. Reproducing it makes sums and means equal numpy's to the last bit for contiguous arrays.
#pragma once

#include <cstddef>

#include "kernels/hd.hpp"

namespace radcore {

// numpy's pairwise sum with partial sums of type `Accumulator`: double for float64 arrays, float for float32
// arrays (numpy sums float32 in float32).
template <typename Accumulator, typename Value>
RADCORE_HD Accumulator pairwise_sum_as(const Value* values, std::size_t n) {
  if (n < 8) {
    Accumulator sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += Accumulator(values[i]);
    return sum;
  }
  if (n <= 128) {
    Accumulator partial[8];
    for (int k = 0; k < 8; ++k) partial[k] = Accumulator(values[k]);
    std::size_t i = 8;
    for (; i + 8 <= n; i += 8) {
      for (int k = 0; k < 8; ++k) partial[k] += Accumulator(values[i + std::size_t(k)]);
    }
    Accumulator sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                      ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < n; ++i) sum += Accumulator(values[i]);
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum_as<Accumulator>(values, half) + pairwise_sum_as<Accumulator>(values + half, n - half);
}

template <typename Value>
RADCORE_HD double pairwise_sum(const Value* values, std::size_t n) {
  return pairwise_sum_as<double>(values, n);
}

}  // namespace radcore
