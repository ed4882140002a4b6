// PyRadiomics' wavelet image type (imageoperations.getWaveletImage and _swt3 in PyRadiomics 3.1.0), bitwise
// equal to the pywt.swtn calls it makes with PyWavelets 1.8.0.
//
// What PyRadiomics computes: every odd dimension of the image is padded by one voxel at its end with a copy
// of index 0 ('wrap'). Each level runs pywt.swtn(data, wavelet, level=1, start_level=0, axes) on the previous
// level's approximation, so later levels re-apply the undilated level-1 filters (not an a trous transform).
// swtn filters along x, then y, then z with periodic boundaries and without downsampling. The results are
// cropped back to the image size. Letter k of a decomposition name is the filter along the k-th transformed
// axis (x first), L for the low-pass and H for the high-pass filter.
//
// The transform can run on a box of the image only. It then reads the box plus a margin of half the filter
// length per level on each side, wrapping around the padded image near its border, so the box's values equal
// those of the whole-image transform. This keeps memory proportional to the box.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace radcore {

// The floating-point type PyWavelets computes in: float32 for float32 input, float64 for everything else.
enum class wavelet_precision { float64, float32 };

// Returns the precision PyWavelets uses for an image of ITK component type `pixel_type` ("float" is float32).
wavelet_precision wavelet_precision_for(const std::string& pixel_type);

// The wavelet settings of PyRadiomics.
struct wavelet_options {
  std::string wavelet = "coif1";  // a discrete PyWavelets wavelet
  int level = 1;                  // levels returned
  int start_level = 0;            // levels computed first and not returned
  bool force2d = false;
  int force2d_dimension = 0;  // numpy axis left out when force2d is set: 0 = z, 1 = y, 2 = x
  // 2 for a 2D image, read as one z slice. Its numpy axes are (y, x), so PyRadiomics transforms along x and y
  // only, and force2d_dimension 0 removes y and 1 removes x.
  int image_dimensions = 3;
};

// An image to transform, in numpy order (z, y, x) with x fastest.
struct wavelet_input {
  std::array<int, 3> size{};  // (x, y, z) voxels
  const double* values = nullptr;
  // float32 input must hold values that are exact float32 numbers, as ITK float images read into float64 do.
  wavelet_precision precision = wavelet_precision::float64;
};

// A box of voxels, lower corner and size in (x, y, z).
struct voxel_box {
  std::array<int, 3> lower{};
  std::array<int, 3> size{};

  std::int64_t count() const { return std::int64_t(size[0]) * size[1] * size[2]; }
};

// One decomposition of the requested box.
struct wavelet_decomposition {
  std::string name;  // PyRadiomics' image type name, e.g. "wavelet-LLH", "wavelet2-HHL", "wavelet-LLL"
  voxel_box box;
  // The box's voxels in numpy order. float32 results are stored exactly as float64.
  std::vector<double> values;
};

// Receives each decomposition as it is computed.
using wavelet_sink = std::function<void(wavelet_decomposition&&)>;

// Returns the image type names of the decompositions, in the order PyRadiomics yields them: for each
// returned level the details (LLH, LHL, LHH, HLL, HLH, HHL, HHH in 3D; LH, HL, HH with two axes), then the
// last approximation. Level 1 has no number in the name, level k > 1 is "waveletk-": k counts the returned
// levels, so start_level does not change the names. With level 0 the only image is "wavelet0-LLL", the
// approximation after start_level levels (the image itself when start_level is 0).
std::vector<std::string> wavelet_image_names(const wavelet_options& options);

// Returns the margin in voxels that the transform reads on each side of a box along a transformed axis.
int wavelet_margin(const wavelet_options& options);

// Computes the wavelet decompositions of `image` inside `box` and passes each to `sink` in the order of
// wavelet_image_names. At most one decomposition of the box plus a few working blocks of the box with its
// margin are held at once. Throws input_error for an unknown wavelet, a negative level or start level, an
// invalid force2d_dimension, or a box that is empty or not inside the image.
void wavelet_transform(const wavelet_input& image, const voxel_box& box, const wavelet_options& options,
                       const wavelet_sink& sink);

// Computes every decomposition of the whole image and returns them in the order of wavelet_image_names.
std::vector<wavelet_decomposition> wavelet_transform(const wavelet_input& image, const wavelet_options& options);

}  // namespace radcore
