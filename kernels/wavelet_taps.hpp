// Decomposition filter taps of every discrete wavelet of PyWavelets 1.8.0 (pywt.wavelist(kind='discrete')).
// The tables are generated into wavelet_taps.cpp by scripts/reference/make_wavelet_references.py.
#pragma once

namespace radcore {

// One wavelet's decomposition filters, as pywt.Wavelet(name).dec_lo and .dec_hi. PyWavelets keeps a
// separate float32 copy for float32 input, computed in float32 arithmetic. For every coif wavelet, most bior
// wavelets and rbio5.5, some of its taps differ in the last bit from the float64 taps rounded to float32.
struct wavelet_filter_bank {
  const char* name;
  int length;  // taps per filter, always even
  const double* dec_lo;
  const double* dec_hi;
  const float* dec_lo_float;
  const float* dec_hi_float;
};

// Returns the filters of the discrete wavelet `name` (e.g. "coif1", "bior1.3"), or nullptr if there is none.
const wavelet_filter_bank* find_wavelet_filter_bank(const char* name);

// The number of wavelets in the table, and the wavelet at `index` (0 <= index < count) in pywt.wavelist order.
int wavelet_filter_bank_count();
const wavelet_filter_bank& wavelet_filter_bank_at(int index);

}  // namespace radcore
