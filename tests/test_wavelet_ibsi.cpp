// The IBSI-mode wavelet filter against the IBSI 2 phase 1 reference response maps, hand-derived responses
// and PyRadiomics' wavelet (parity mode).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/image_reader.hpp"
#include "kernels/error.hpp"
#include "kernels/wavelet.hpp"
#include "kernels/wavelet_ibsi.hpp"
#include "kernels/wavelet_taps.hpp"
#include "tests/ibsi_maps.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

void expect_ibsi_test(const std::string& phantom, const std::string& test, const wavelet_ibsi_options& options) {
  const std::string phantom_file = testing::ibsi_phantom_file(phantom);
  const std::string reference_file = testing::ibsi_reference_file(test);
  RADCORE_REQUIRE_SHARED(phantom_file);
  RADCORE_REQUIRE_SHARED(reference_file);
  const volume image = testing::read_shared_volume(phantom_file);
  const volume reference = testing::read_shared_volume(reference_file);
  ASSERT_EQ(image.size, reference.size);
  testing::expect_within_ibsi_tolerance(wavelet_ibsi_response(image.size, image.values, options), reference);
}

// IBSI 2 test 5.a.1: db2, level 1, band LHL, zero boundary, impulse phantom.
TEST(WaveletIbsi, Test5a1ImpulseDb2Lhl) {
  wavelet_ibsi_options options;
  options.wavelet = "db2";
  options.band = "LHL";
  options.boundary = ibsi_boundary::zero;
  expect_ibsi_test("impulse", "5_a_1", options);
}

// IBSI 2 test 5.a.2: as 5.a.1 with the mean over the 24 filter rotations.
TEST(WaveletIbsi, Test5a2ImpulseDb2LhlRotationMean) {
  wavelet_ibsi_options options;
  options.wavelet = "db2";
  options.band = "LHL";
  options.boundary = ibsi_boundary::zero;
  options.rotation = ibsi_rotation_pooling::mean;
  expect_ibsi_test("impulse", "5_a_2", options);
}

// IBSI 2 test 6.a.1: coif1, level 1, band HHL, periodic boundary, sphere phantom.
TEST(WaveletIbsi, Test6a1SphereCoif1Hhl) {
  wavelet_ibsi_options options;
  options.wavelet = "coif1";
  options.band = "HHL";
  options.boundary = ibsi_boundary::periodic;
  expect_ibsi_test("sphere", "6_a_1", options);
}

// The Haar low-pass taps are both 1/sqrt(2), so level L spreads an impulse at c over the 2^L voxels
// c - 2^L + 1 .. c along each axis with weight 2^(-L/2) each, if the dilation is 2^(l-1) at level l.
TEST(WaveletIbsi, AtrousHaarLowPassSpreadsImpulse) {
  const std::array<int, 3> size{20, 20, 20};
  const int centre = 12;
  std::vector<double> image(8000, 0.0);
  image[std::size_t(centre + 20 * (centre + 20 * centre))] = 255.0;
  for (int level : {1, 2, 3}) {
    SCOPED_TRACE("level " + std::to_string(level));
    wavelet_ibsi_options options;
    options.wavelet = "haar";
    options.level = level;
    options.band = "LLL";
    options.boundary = ibsi_boundary::zero;
    const std::vector<double> response = wavelet_ibsi_response(size, image, options);
    const int width = 1 << level;
    const double inside = 255.0 * std::pow(2.0, -1.5 * level);
    std::size_t mismatches = 0;
    for (int z = 0; z < 20; ++z) {
      for (int y = 0; y < 20; ++y) {
        for (int x = 0; x < 20; ++x) {
          const auto covered = [&](int c) { return c > centre - width && c <= centre; };
          const double expected = covered(x) && covered(y) && covered(z) ? inside : 0.0;
          // Products of the irrational taps round in the last bits.
          if (std::abs(response[std::size_t(x + 20 * (y + 20 * z))] - expected) > 1e-9) ++mismatches;
        }
      }
    }
    EXPECT_EQ(mismatches, 0u);
  }
}

// Filters the signal 1..5 along x with coif1's high-pass filter and checks each boundary against the
// signal padded by hand. Along y and z (one voxel each) the low-pass filter multiplies the result by
// lo[3]^2 for the zero boundary, which reads the voxel only through tap 3, and by (sum lo)^2 = 2 otherwise.
TEST(WaveletIbsi, BoundaryConditionsMatchPaddedSignal) {
  const wavelet_filter_bank* coif1 = find_wavelet_filter_bank("coif1");
  ASSERT_NE(coif1, nullptr);
  ASSERT_EQ(coif1->length, 6);
  const std::vector<double> signal{1, 2, 3, 4, 5};
  struct padded_case {
    ibsi_boundary boundary;
    std::vector<double> padded;  // three voxels of padding on each side
    double factor;
  };
  const double zero_factor = coif1->dec_lo[3] * coif1->dec_lo[3];
  const std::vector<padded_case> cases{
      {ibsi_boundary::zero, {0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0}, zero_factor},
      {ibsi_boundary::nearest, {1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5}, 2.0},
      {ibsi_boundary::periodic, {3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3}, 2.0},
      {ibsi_boundary::mirror, {3, 2, 1, 1, 2, 3, 4, 5, 5, 4, 3}, 2.0},
  };
  for (const padded_case& c : cases) {
    SCOPED_TRACE("boundary " + std::to_string(int(c.boundary)));
    wavelet_ibsi_options options;
    options.wavelet = "coif1";
    options.band = "HLL";
    options.boundary = c.boundary;
    const std::vector<double> response = wavelet_ibsi_response({5, 1, 1}, signal, options);
    ASSERT_EQ(response.size(), 5u);
    for (int n = 0; n < 5; ++n) {
      // y[n] = sum_i hi[i] * x[n + 3 - i], and padded index = signal index + 3.
      double expected = 0;
      for (int i = 0; i < 6; ++i) expected += coif1->dec_hi[i] * c.padded[std::size_t(n + 6 - i)];
      EXPECT_NEAR(response[std::size_t(n)], c.factor * expected, 1e-12) << "voxel " << n;
    }
  }
}

// At level 1 with periodic boundaries on even sizes, IBSI mode and PyRadiomics' wavelet compute the same sums.
TEST(WaveletIbsi, Level1PeriodicMatchesParityMode) {
  const std::array<int, 3> size{8, 6, 4};
  std::mt19937 generator(20261204);
  std::uniform_real_distribution<double> distribution(-100.0, 100.0);
  std::vector<double> image(8 * 6 * 4);
  for (double& value : image) value = distribution(generator);
  wavelet_options parity_options;
  parity_options.wavelet = "db2";
  const wavelet_input input{size, image.data(), wavelet_precision::float64};
  for (const wavelet_decomposition& decomposition : wavelet_transform(input, parity_options)) {
    SCOPED_TRACE(decomposition.name);
    wavelet_ibsi_options options;
    options.wavelet = "db2";
    options.band = decomposition.name.substr(decomposition.name.size() - 3);
    options.boundary = ibsi_boundary::periodic;
    const std::vector<double> response = wavelet_ibsi_response(size, image, options);
    ASSERT_EQ(response.size(), decomposition.values.size());
    double max_difference = 0;
    for (std::size_t i = 0; i < response.size(); ++i) {
      max_difference = std::max(max_difference, std::abs(response[i] - decomposition.values[i]));
    }
    // The two modes add the same products in different orders.
    EXPECT_LT(max_difference, 1e-10);
  }
}

// Each low-pass filter sums to sqrt(2), so the approximation of a constant volume is the constant times
// 2^(3/2) per level for every rotation, and both poolings keep it.
TEST(WaveletIbsi, RotationPoolingKeepsConstantApproximation) {
  const std::vector<double> image(6 * 5 * 4, 3.0);
  for (auto pooling : {ibsi_rotation_pooling::mean, ibsi_rotation_pooling::max}) {
    wavelet_ibsi_options options;
    options.wavelet = "db2";
    options.level = 2;
    options.boundary = ibsi_boundary::nearest;
    options.rotation = pooling;
    for (double value : wavelet_ibsi_response({6, 5, 4}, image, options)) {
      // Products of the irrational taps round in the last bits.
      EXPECT_NEAR(value, 3.0 * 8.0, 1e-9);
    }
  }
}

TEST(WaveletIbsi, RejectsInvalidOptions) {
  const std::vector<double> image(8, 1.0);
  wavelet_ibsi_options options;
  options.wavelet = "morl";
  EXPECT_THROW(wavelet_ibsi_response({2, 2, 2}, image, options), input_error);
  options = wavelet_ibsi_options{};
  options.level = 0;
  EXPECT_THROW(wavelet_ibsi_response({2, 2, 2}, image, options), input_error);
  options = wavelet_ibsi_options{};
  options.band = "HH";
  EXPECT_THROW(wavelet_ibsi_response({2, 2, 2}, image, options), input_error);
  options.band = "HXL";
  EXPECT_THROW(wavelet_ibsi_response({2, 2, 2}, image, options), input_error);
  options = wavelet_ibsi_options{};
  EXPECT_THROW(wavelet_ibsi_response({2, 2, 3}, image, options), input_error);
}

}  // namespace
}  // namespace radcore
