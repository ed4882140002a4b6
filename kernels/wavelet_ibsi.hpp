// The separable wavelet filter as the IBSI 2 filter definitions set it ("IBSI mode"), beside PyRadiomics'
// wavelet in wavelet.hpp ("parity mode"). Both use PyWavelets' decomposition filters (wavelet_taps.hpp).
//
// What IBSI mode computes on a whole 3D volume, undecimated:
// - Each even-length filter f of length F gets a trailing zero and is applied as a centred kernel by true
//   convolution: y[n] = sum_i f[i] * x[n + F/2 - i]. At level 1 with periodic boundaries this equals
//   pywt.swtn, so IBSI test 6.a.1 holds for both modes.
// - Level L > 1 is the a trous scheme: the low-pass filter runs along every axis at each level l < L with
//   its taps 2^(l-1) voxels apart, then the requested band runs with taps 2^(L-1) voxels apart
//   (2^(L-1) - 1 zeros inserted between taps). PyRadiomics instead repeats the undilated level-1 filters.
// - Letter 1 of a band name is the filter along x (the fastest axis), letter 2 along y, letter 3 along z.
// - Rotation invariance pools the responses of the 24 right-handed cube rotations of the filter set. A
//   rotation permutes which letter runs along which axis and reverses some centred kernels, the a trous
//   low-pass levels included. Reversal moves the centring zero to the front, so a reversed filter of
//   length F reads x[n + F/2 - 1 - i]. IBSI test 5.a.2 (db2) fails by more than the map's range if the
//   zero stays at the end.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "kernels/ibsi_convolution.hpp"

namespace radcore {

// The pooling of the responses of the 24 filter rotations into one map.
enum class ibsi_rotation_pooling { none, mean, max };

struct wavelet_ibsi_options {
  std::string wavelet = "coif1";  // a discrete PyWavelets wavelet, e.g. "haar", "db2", "coif1"
  int level = 1;                  // decomposition level, 1 or more
  std::string band = "LLL";       // L (low-pass) or H (high-pass) along x, y, z; "LLL" is the approximation
  ibsi_boundary boundary = ibsi_boundary::mirror;
  ibsi_rotation_pooling rotation = ibsi_rotation_pooling::none;
};

// Returns the response map of `band` for the volume `values` of (x, y, z) size `size`, x fastest, in the
// same voxel order. Throws input_error for an unknown wavelet, a level outside 1 to 16, a band that is not three
// letters L or H, or a value count that does not match the size.
std::vector<double> wavelet_ibsi_response(const std::array<int, 3>& size, const std::vector<double>& values,
                                          const wavelet_ibsi_options& options);

}  // namespace radcore
