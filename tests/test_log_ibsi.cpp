// The IBSI-mode Laplacian of Gaussian against the IBSI 2 phase 1 reference response maps and the
// analytic properties of its kernel.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/log_ibsi.hpp"
#include "tests/ibsi_maps.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

void expect_ibsi_test(const std::string& phantom, const std::string& test, const log_ibsi_options& options) {
  const std::string phantom_file = testing::ibsi_phantom_file(phantom);
  const std::string reference_file = testing::ibsi_reference_file(test);
  RADCORE_REQUIRE_SHARED(phantom_file);
  RADCORE_REQUIRE_SHARED(reference_file);
  const volume image = testing::read_shared_volume(phantom_file);
  const volume reference = testing::read_shared_volume(reference_file);
  ASSERT_EQ(image.size, reference.size);
  testing::expect_within_ibsi_tolerance(log_ibsi_response(image.size, image.spacing, image.values, options),
                                        reference);
}

// IBSI 2 test 2.a: sigma 3 mm, truncated at 4 sigma, 3D, zero boundary, impulse phantom.
TEST(LogIbsi, Test2aImpulseSigma3) {
  log_ibsi_options options;
  options.sigma_mm = 3;
  options.boundary = ibsi_boundary::zero;
  expect_ibsi_test("impulse", "2_a", options);
}

// IBSI 2 test 2.b: sigma 5 mm, 3D, mirror boundary, checkerboard phantom.
TEST(LogIbsi, Test2bCheckerboardSigma5) {
  log_ibsi_options options;
  options.sigma_mm = 5;
  options.boundary = ibsi_boundary::mirror;
  expect_ibsi_test("checkerboard", "2_b", options);
}

// IBSI 2 test 2.c: as 2.b, filtering each axial slice in 2D.
TEST(LogIbsi, Test2cCheckerboardSigma5SliceWise) {
  log_ibsi_options options;
  options.sigma_mm = 5;
  options.boundary = ibsi_boundary::mirror;
  options.slice_wise = true;
  expect_ibsi_test("checkerboard", "2_c", options);
}

// The second-derivative taps are corrected to sum to 0, so a constant image gives 0 under every boundary
// that continues it: exactly so in exact arithmetic, and to a few ulps of the value 100 after rounding. The
// case with sigma below the voxel spacing along z (1 mm against 6.5 mm) is the one where the uncorrected
// sampled kernel gives -100 * 6.5^2.
TEST(LogIbsi, ConstantImageGivesZero) {
  const std::array<int, 3> size{9, 8, 7};
  const std::vector<double> values(9 * 8 * 7, 100.0);
  for (const std::array<double, 3>& spacing : {std::array<double, 3>{1, 1, 1}, std::array<double, 3>{0.8, 0.8, 6.5}}) {
    for (ibsi_boundary boundary : {ibsi_boundary::nearest, ibsi_boundary::periodic, ibsi_boundary::mirror}) {
      log_ibsi_options options;
      options.sigma_mm = spacing[2] > 1 ? 1.0 : 1.5;
      options.boundary = boundary;
      for (double value : log_ibsi_response(size, spacing, values, options)) EXPECT_NEAR(value, 0.0, 1e-11);
    }
  }
}

// The response to an impulse is the kernel itself: symmetric, with the centre value 3 * d(0) * g(0)^2. Here
// g(0) = 1 / sum_x exp(-x^2 / (2 s^2)) over the radius floor(4 s + 0.5), and d(0) = -g(0) / s^2 - S * g(0) with
// S = sum_x (x^2 / s^4 - 1 / s^2) g(x), the correction that makes d sum to 0. The bound allows for the
// rounding of the different summation orders.
TEST(LogIbsi, ImpulseResponseIsSymmetricKernel) {
  const std::array<int, 3> size{21, 21, 21};
  std::vector<double> values(21 * 21 * 21, 0.0);
  const auto at = [](int x, int y, int z) { return std::size_t(x + 21 * (y + 21 * z)); };
  values[at(10, 10, 10)] = 1;
  log_ibsi_options options;
  options.sigma_mm = 4;  // 2 voxels of 2 mm
  options.boundary = ibsi_boundary::zero;
  const std::vector<double> response = log_ibsi_response(size, {2, 2, 2}, values, options);
  EXPECT_DOUBLE_EQ(response[at(7, 10, 10)], response[at(13, 10, 10)]);
  // Points on different axes add the three axis terms, which partly cancel, in different orders, so they
  // agree to rounding of the terms (about 1e-19 here), not bit for bit.
  EXPECT_NEAR(response[at(10, 7, 10)], response[at(10, 10, 13)], 1e-17);
  EXPECT_NEAR(response[at(9, 12, 8)], response[at(11, 8, 12)], 1e-17);
  double gaussian_sum = 0;
  for (int x = -8; x <= 8; ++x) gaussian_sum += std::exp(-x * x / 8.0);
  double correction = 0;
  for (int x = -8; x <= 8; ++x) correction += (x * x / 16.0 - 1 / 4.0) * std::exp(-x * x / 8.0) / gaussian_sum;
  const double g0 = 1 / gaussian_sum;
  const double expected_centre = 3 * (-g0 / 4 - correction * g0) * g0 * g0;
  EXPECT_NEAR(response[at(10, 10, 10)], expected_centre, 1e-14);
}

// Slice-wise filtering never mixes slices: an impulse in slice 3 leaves the other slices at zero.
TEST(LogIbsi, SliceWiseKeepsSlicesApart) {
  const std::array<int, 3> size{11, 11, 6};
  std::vector<double> values(11 * 11 * 6, 0.0);
  values[std::size_t(5 + 11 * (5 + 11 * 3))] = 1;
  log_ibsi_options options;
  options.sigma_mm = 1;
  options.boundary = ibsi_boundary::zero;
  options.slice_wise = true;
  const std::vector<double> response = log_ibsi_response(size, {1, 1, 1}, values, options);
  for (int z = 0; z < 6; ++z) {
    double slice_sum = 0;
    for (int i = 0; i < 121; ++i) slice_sum += std::abs(response[std::size_t(121 * z + i)]);
    if (z == 3) {
      EXPECT_GT(slice_sum, 0.0);
    } else {
      EXPECT_EQ(slice_sum, 0.0) << "slice " << z;
    }
  }
}

TEST(LogIbsi, RejectsInvalidOptions) {
  const std::array<int, 3> size{4, 4, 4};
  const std::vector<double> values(64, 1.0);
  log_ibsi_options options;
  options.sigma_mm = 0;
  EXPECT_THROW(log_ibsi_response(size, {1, 1, 1}, values, options), input_error);
  options.sigma_mm = 1;
  options.truncate = -1;
  EXPECT_THROW(log_ibsi_response(size, {1, 1, 1}, values, options), input_error);
  options.truncate = 4;
  EXPECT_THROW(log_ibsi_response(size, {1, 0, 1}, values, options), input_error);
  EXPECT_THROW(log_ibsi_response(size, {1, 1, 1}, std::vector<double>(63, 1.0), options), input_error);
  EXPECT_THROW(parse_ibsi_boundary("reflect"), input_error);
}

}  // namespace
}  // namespace radcore
