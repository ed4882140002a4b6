// numpy's pairwise summation of float64 values (numpy/core/src/umath/loops_utils.h.src, pairwise_sum):
// plain loop below 8 values, eight interleaved partial sums up to 128, halves split on a multiple of 8
// above. Reproducing it makes sums and means equal numpy's to the last bit for contiguous arrays.
#pragma once

#include <cstddef>

#include "kernels/hd.hpp"

namespace radcore {

namespace pairwise_detail {

// numpy's sum of at most 128 terms: in order below 8, otherwise eight interleaved partial sums combined as
// ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the remainder in order.
template <typename Accumulator, typename Term>
RADCORE_HD Accumulator block_sum(const Term& term, std::size_t first, std::size_t n) {
  if (n < 8) {
    Accumulator sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += Accumulator(term(first + i));
    return sum;
  }
  Accumulator partial[8];
  for (int k = 0; k < 8; ++k) partial[k] = Accumulator(term(first + std::size_t(k)));
  std::size_t i = 8;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) partial[k] += Accumulator(term(first + i + std::size_t(k)));
  }
  Accumulator sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                    ((partial[4] + partial[5]) + (partial[6] + partial[7]));
  for (; i < n; ++i) sum += Accumulator(term(first + i));
  return sum;
}

// numpy's split of n > 128 values: the first half rounded down to a multiple of 8.
RADCORE_HD inline std::size_t left_size(std::size_t n) {
  const std::size_t half = n / 2;
  return half - half % 8;
}

// A range of more than 128 terms whose halves are being summed. stage counts the halves started (1: the
// left half, 2: the right half, with the left half's sum in `left`).
template <typename Accumulator>
struct open_range {
  std::size_t first;
  std::size_t n;
  Accumulator left;
  int stage;
};

// Each split leaves at most n / 2 + 8 values in a half, so ranges of more than 128 values nest at most 58
// deep for any std::size_t n, and a stack of 64 ranges never overflows.
constexpr int max_depth = 64;

}  // namespace pairwise_detail

// numpy's pairwise sum of term(0), ..., term(n - 1), with partial sums of type `Accumulator`. It adds the
// same values in the same order as numpy summing an array of the terms, without storing them. The
// recursion is unrolled into a fixed stack, so that a device thread needs no call stack of unknown size.
template <typename Accumulator, typename Term>
RADCORE_HD Accumulator pairwise_sum_of(const Term& term, std::size_t n) {
  using range = pairwise_detail::open_range<Accumulator>;
  range stack[pairwise_detail::max_depth];
  int top = 0;
  stack[0] = range{0, n, Accumulator(0), 0};
  for (;;) {
    range& current = stack[top];
    if (current.n > 128) {
      const std::size_t left = pairwise_detail::left_size(current.n);
      if (current.stage == 0) {
        stack[top + 1] = range{current.first, left, Accumulator(0), 0};
      } else {
        stack[top + 1] = range{current.first + left, current.n - left, Accumulator(0), 0};
      }
      ++current.stage;
      ++top;
      continue;
    }
    Accumulator sum = pairwise_detail::block_sum<Accumulator>(term, current.first, current.n);
    // Add each completed right half to its left half, up to the first range whose left half just completed.
    for (;;) {
      if (top == 0) return sum;
      --top;
      range& parent = stack[top];
      if (parent.stage == 1) {
        parent.left = sum;
        break;
      }
      sum = parent.left + sum;
    }
  }
}

// numpy's pairwise sum of an array with partial sums of type `Accumulator`: double for float64 arrays, float
// for float32 arrays (numpy sums float32 in float32).
template <typename Accumulator, typename Value>
RADCORE_HD Accumulator pairwise_sum_as(const Value* values, std::size_t n) {
  return pairwise_sum_of<Accumulator>([values](std::size_t i) { return values[i]; }, n);
}

template <typename Value>
RADCORE_HD double pairwise_sum(const Value* values, std::size_t n) {
  return pairwise_sum_as<double>(values, n);
}

}  // namespace radcore
