// Per-sample arithmetic of PyWavelets' level-1 stationary wavelet transform along one axis, shared by the
// CPU filter (wavelet.cpp) and CUDA kernels. Bitwise equality with PyWavelets 1.8.0 needs its exact order
// of additions, a sum that starts at 0, and no fused multiply-add (the library builds with -ffp-contract=off).
#pragma once

#include <cstdint>

#include "kernels/hd.hpp"

namespace radcore {

// Returns value modulo period, in [0, period), for any sign of value.
RADCORE_HD inline int wrap_index(int value, int period) {
  const int remainder = value % period;
  return remainder < 0 ? remainder + period : remainder;
}

// A run of samples along one axis of a periodic signal of length `period`. data[t * stride] is the sample at
// position (first + t) mod period, for t from 0 to the run's length minus 1. Reading a position outside the
// run is a caller error that this type does not check.
template <typename T>
struct periodic_line {
  const T* data;
  std::int64_t stride;
  int first;
  int period;

  // Returns the sample at `position`, which may be any integer: it is taken modulo the period.
  RADCORE_HD T at(int position) const {
    int offset = position - first;
    if (offset < 0 || offset >= period) offset = wrap_index(offset, period);
    return data[std::int64_t(offset) * stride];
  }
};

// Returns output sample n (0 <= n < period) of PyWavelets' level-1 SWT of `line` with a filter of even length
// F, as pywt.swt computes it in C (downsampling_convolution_periodization with step 1 in
// convolution.template.c):
//
//   y[n] = sum over m = 0 .. F-1 of taps[m] * x[(n + F/2 - m) mod period]
//
// The order of the terms is PyWavelets'. With i = n + F/2, it adds m = 0, 1, ..., F-1 when i < period.
// Otherwise it first adds the terms whose input position i - m lies at or beyond the period, from
// m = i - period down to m = 0, and then m = i - period + 1, ..., F-1 in ascending order.
template <typename T>
RADCORE_HD T swt_periodic_sample(const T* taps, int length, const periodic_line<T>& line, int n) {
  const int i = n + length / 2;
  T sum = 0;
  int m = 0;
  if (i >= line.period) {
    for (int k = i - line.period; k >= 0; --k) sum += taps[k] * line.at(i - k);
    m = i - line.period + 1;
  }
  for (; m < length; ++m) sum += taps[m] * line.at(i - m);
  return sum;
}

}  // namespace radcore
