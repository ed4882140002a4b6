// The perturbations of a stability study, one at a time, on generated volumes: zero strength is the
// identity, and noise, rotation, translation, volume adaptation and contour randomisation match their
// definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "host/extract.hpp"
#include "host/perturbation.hpp"
#include "host/stability.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

std::size_t at(const std::array<int, 3>& size, int x, int y, int z) {
  return std::size_t(x) + std::size_t(size[0]) * (std::size_t(y) + std::size_t(size[1]) * std::size_t(z));
}

// A textured int16-like image with an ellipsoid ROI centred at `centre` (voxel index) with radii in voxels.
loaded_case make_case(const std::array<int, 3>& size, const std::array<double, 3>& centre,
                      const std::array<double, 3>& radii, const std::array<double, 3>& spacing = {1, 1, 1}) {
  loaded_case c;
  c.image.size = size;
  c.image.spacing = spacing;
  c.image.origin = {0, 0, 0};
  c.image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  c.image.pixel_type = "short";
  c.image.value_pixel_type = "short";
  std::mt19937 engine(42);
  std::uniform_int_distribution<int> texture(0, 120);
  c.image.values.resize(std::size_t(size[0]) * size[1] * size[2]);
  c.mask.size = size;
  c.mask.spacing = spacing;
  c.mask.origin = c.image.origin;
  c.mask.direction = c.image.direction;
  c.mask.inside.resize(c.image.values.size());
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        const double dx = (x - centre[0]) / radii[0], dy = (y - centre[1]) / radii[1], dz = (z - centre[2]) / radii[2];
        const bool inside = dx * dx + dy * dy + dz * dz <= 1.0;
        c.mask.inside[at(size, x, y, z)] = inside;
        c.image.values[at(size, x, y, z)] = double(texture(engine) + (inside ? 200 + 10 * x : 0));
      }
    }
  }
  refresh_roi_mask(c.mask);
  return c;
}

extraction_parameters quick_parameters() {
  extraction_parameters parameters = default_parameters();
  parameters.settings.additional_info = false;
  return parameters;
}

std::vector<double> features_of(const loaded_case& c) {
  return extract_loaded(c, quick_parameters(), 1, "test ROI").feature_values;
}

// Bitwise equality, so that NaN features compare equal to themselves and -0.0 differs from 0.0.
void expect_bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i], &b[i], sizeof(double)), 0) << "feature " << i << ": " << a[i] << " vs " << b[i];
  }
}

std::array<double, 3> centroid(const roi_mask& mask) {
  std::array<double, 3> sum{};
  std::int64_t count = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x) {
        if (!mask.inside[at(mask.size, x, y, z)]) continue;
        sum[0] += x;
        sum[1] += y;
        sum[2] += z;
        ++count;
      }
    }
  }
  for (double& value : sum) value /= double(count);
  return sum;
}

// ROI voxels with a face neighbour outside the ROI (or outside the grid).
std::int64_t boundary_voxels(const roi_mask& mask) {
  const auto& size = mask.size;
  auto inside = [&](int x, int y, int z) {
    if (x < 0 || y < 0 || z < 0 || x >= size[0] || y >= size[1] || z >= size[2]) return false;
    return mask.inside[at(size, x, y, z)] != 0;
  };
  std::int64_t count = 0;
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        if (!inside(x, y, z)) continue;
        count += !inside(x + 1, y, z) || !inside(x - 1, y, z) || !inside(x, y + 1, z) || !inside(x, y - 1, z) ||
                 !inside(x, y, z + 1) || !inside(x, y, z - 1);
      }
    }
  }
  return count;
}

TEST(Perturbation, ZeroStrengthGivesBitwiseEqualFeatures) {
  const loaded_case original = make_case({24, 22, 14}, {11.5, 10.2, 6.7}, {7, 5, 4});
  const std::vector<double> reference = features_of(original);
  ASSERT_GT(reference.size(), 100u);
  perturbation_settings zero;
  zero.noise_sigma = 0;
  zero.rotation_min_degrees = zero.rotation_max_degrees = 0;
  zero.translation_max_voxels = 0;
  zero.volume_min_fraction = zero.volume_max_fraction = 0;
  zero.contour_probability = 0;
  const std::vector<std::string> chains = {"noise", "rotation", "translation", "volume", "contour",
                                           "noise,rotation,translation,volume,contour"};
  for (const std::string& chain : chains) {
    SCOPED_TRACE(chain);
    zero.chain = parse_perturbation_chain(chain);
    const perturbation_draw draw = draw_perturbation(zero, 0.0, 0, 1, 1);
    const loaded_case perturbed = apply_perturbation(original, draw, interpolator_kind::bspline);
    expect_bitwise_equal(features_of(perturbed), reference);
  }
}

TEST(Perturbation, WholeVoxelTranslationEqualsShiftedInput) {
  const loaded_case original = make_case({24, 22, 14}, {11.5, 10.2, 6.7}, {7, 5, 4});
  const std::array<int, 3> shift = {2, -1, 1};
  // The input shifted by index: voxel p of the result is voxel p - shift of the input, 0 where that is outside.
  loaded_case shifted = original;
  const auto& size = original.image.size;
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        const int sx = x - shift[0], sy = y - shift[1], sz = z - shift[2];
        const bool inside = sx >= 0 && sy >= 0 && sz >= 0 && sx < size[0] && sy < size[1] && sz < size[2];
        shifted.image.values[at(size, x, y, z)] = inside ? original.image.values[at(size, sx, sy, sz)] : 0.0;
        shifted.mask.inside[at(size, x, y, z)] = inside ? original.mask.inside[at(size, sx, sy, sz)] : 0;
      }
    }
  }
  refresh_roi_mask(shifted.mask);

  loaded_case moved = original;
  transform_case(moved.image, moved.mask, 0.0, {double(shift[0]), double(shift[1]), double(shift[2])},
                 interpolator_kind::linear);
  EXPECT_EQ(moved.mask.inside, shifted.mask.inside);
  EXPECT_EQ(moved.image.values, shifted.image.values);
  expect_bitwise_equal(features_of(moved), features_of(shifted));
}

TEST(Perturbation, NoiseHasRequestedMeanAndSigma) {
  volume flat;
  flat.size = {64, 64, 64};
  flat.spacing = {1, 1, 1};
  flat.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  flat.pixel_type = flat.value_pixel_type = "short";
  flat.values.assign(64 * 64 * 64, 100.0);
  const double sigma = 10.0;
  const volume noisy = add_gaussian_noise(flat, sigma, 12345);
  EXPECT_EQ(noisy.value_pixel_type, "double");
  const double n = double(flat.values.size());
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < flat.values.size(); ++i) sum += noisy.values[i] - flat.values[i];
  const double mean = sum / n;
  for (std::size_t i = 0; i < flat.values.size(); ++i) {
    const double d = noisy.values[i] - flat.values[i] - mean;
    squares += d * d;
  }
  const double sd = std::sqrt(squares / (n - 1));
  // Four standard errors. The sample mean of n normal draws has SE sigma / sqrt(n) and the sample SD about
  // sigma / sqrt(2n), so a correct generator leaves these bounds with probability below 1e-4.
  EXPECT_NEAR(mean, 0.0, 4 * sigma / std::sqrt(n));
  EXPECT_NEAR(sd, sigma, 4 * sigma / std::sqrt(2 * n));
  EXPECT_EQ(add_gaussian_noise(flat, sigma, 12345).values, noisy.values);
  EXPECT_NE(add_gaussian_noise(flat, sigma, 54321).values, noisy.values);
}

TEST(Perturbation, NoiseEstimateRecoversSigma) {
  volume image;
  image.size = {128, 128, 16};
  image.spacing = {1, 1, 1};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  image.pixel_type = image.value_pixel_type = "double";
  image.values.resize(128 * 128 * 16);
  // A linear ramp, which the coif1 diagonal band removes (its wavelet has two vanishing moments) except
  // near the mirrored edges, plus N(0, 5^2) noise.
  for (int z = 0; z < 16; ++z) {
    for (int y = 0; y < 128; ++y) {
      for (int x = 0; x < 128; ++x) image.values[at(image.size, x, y, z)] = 3.0 * x + 2.0 * y + z;
    }
  }
  const double sigma = 5.0;
  const volume noisy = add_gaussian_noise(image, sigma, 99);
  // Rounding leaves residues of about 1e-13 of the ramp's values in the band.
  EXPECT_LT(estimate_noise_sigma(image), 1e-9);
  // Four standard errors of the median-absolute-deviation estimator, whose asymptotic variance for m
  // independent normal coefficients is 1.3605 sigma^2 / m. The undecimated band has one coefficient per
  // voxel but neighbours are correlated, so m counts one in four, as a decimated 2D band would hold.
  const double m = 128.0 * 128.0 * 16.0 / 4.0;
  EXPECT_NEAR(estimate_noise_sigma(noisy), sigma, 4 * sigma * std::sqrt(1.3605 / m));
}

TEST(Perturbation, RotationBy90DegreesPermutesIndices) {
  // Odd-sized block ROI centred on voxel (12, 12, z) so that its centroid is a voxel centre.
  loaded_case c = make_case({25, 25, 9}, {12, 12, 4}, {1, 1, 1});
  std::fill(c.mask.inside.begin(), c.mask.inside.end(), 0);
  for (int z = 2; z <= 6; ++z) {
    for (int y = 9; y <= 15; ++y) {
      for (int x = 7; x <= 17; ++x) c.mask.inside[at(c.mask.size, x, y, z)] = 1;
    }
  }
  refresh_roi_mask(c.mask);
  c.image.value_pixel_type = "double";
  loaded_case rotated = c;
  transform_case(rotated.image, rotated.mask, 90.0, {0, 0, 0}, interpolator_kind::linear);

  double range = 0;
  for (double v : c.image.values) range = std::max(range, std::fabs(v));
  // cos(90 degrees) evaluates to 6.1e-17, not 0, so each sample point is off its voxel centre by about
  // 1e-15 voxel and linear interpolation mixes in that fraction of a neighbour.
  const double tolerance = 1e-12 * range;
  // Positive angles turn x toward y: content at centre + (u, v) moves to centre + (-v, u).
  for (int z = 0; z < 9; ++z) {
    for (int v = -12; v <= 12; ++v) {
      for (int u = -12; u <= 12; ++u) {
        const std::size_t source = at(c.mask.size, 12 + u, 12 + v, z);
        const std::size_t target = at(c.mask.size, 12 - v, 12 + u, z);
        ASSERT_EQ(rotated.mask.inside[target], c.mask.inside[source]) << u << "," << v << "," << z;
        ASSERT_NEAR(rotated.image.values[target], c.image.values[source], tolerance) << u << "," << v << "," << z;
      }
    }
  }
  EXPECT_EQ(rotated.mask.voxel_count, c.mask.voxel_count);
}

TEST(Perturbation, RotationKeepsCentroid) {
  const loaded_case c = make_case({40, 40, 12}, {19.3, 20.6, 5.5}, {11, 6, 3});
  for (const double degrees : {-33.0, 12.5, 47.0}) {
    SCOPED_TRACE(degrees);
    loaded_case rotated = c;
    transform_case(rotated.image, rotated.mask, degrees, {0, 0, 0}, interpolator_kind::bspline);
    const auto before = centroid(c.mask);
    const auto after = centroid(rotated.mask);
    // Rotation about the centroid keeps it. Resampling the mask adds and drops boundary voxels, each
    // displaced by at most a voxel. Their imbalance over some 800 ROI voxels moves the centroid by an
    // estimated few hundredths of a voxel, so a quarter voxel is a loose bound.
    for (int axis = 0; axis < 3; ++axis) EXPECT_NEAR(after[axis], before[axis], 0.25) << "axis " << axis;
    // The rotated ellipsoid keeps its volume up to the same boundary effects; 5 % bounds them here.
    EXPECT_NEAR(double(rotated.mask.voxel_count), double(c.mask.voxel_count), 0.05 * double(c.mask.voxel_count));
    // The rotation axis is the grid's z axis, so no voxel leaves its slice range.
    EXPECT_EQ(rotated.mask.bounding_box[4], c.mask.bounding_box[4]);
    EXPECT_EQ(rotated.mask.bounding_box[5], c.mask.bounding_box[5]);
  }
}

TEST(Perturbation, VolumeAdaptationHitsFractionWithinOneShell) {
  const loaded_case c = make_case({40, 36, 20}, {19.4, 17.8, 9.6}, {9, 7, 4}, {0.8, 0.8, 2.5});
  const std::int64_t original = c.mask.voxel_count;
  for (const double fraction : {-0.5, -0.2, -0.05, 0.05, 0.2, 0.6, 1.0}) {
    SCOPED_TRACE(fraction);
    const roi_mask adapted = adapt_volume(c.mask, fraction);
    const double target = std::round((1 + fraction) * double(original));
    const roi_mask& larger = fraction > 0 ? adapted : c.mask;
    EXPECT_LE(std::fabs(double(adapted.voxel_count) - target), double(boundary_voxels(larger)));
    // Growing keeps every ROI voxel and shrinking adds none.
    for (std::size_t i = 0; i < c.mask.inside.size(); ++i) {
      if (fraction > 0 && c.mask.inside[i]) ASSERT_TRUE(adapted.inside[i]) << i;
      if (fraction < 0 && !c.mask.inside[i]) ASSERT_FALSE(adapted.inside[i]) << i;
    }
  }
  EXPECT_THROW(adapt_volume(c.mask, -1.0), input_error);
}

TEST(Perturbation, ContourRandomisationChangesOnlyBoundaryPatches) {
  const loaded_case c = make_case({30, 30, 16}, {14.5, 15.2, 7.7}, {9, 7, 5});
  const roi_mask randomised = randomise_contour(c.mask, 0.2, 77);
  EXPECT_NE(randomised.inside, c.mask.inside);
  EXPECT_EQ(randomise_contour(c.mask, 0.2, 77).inside, randomised.inside);
  EXPECT_EQ(randomise_contour(c.mask, 0.0, 77).inside, c.mask.inside);
  // A changed voxel lies in the 3x3x3 patch of a boundary voxel of the input.
  const auto& size = c.mask.size;
  auto boundary = [&](int x, int y, int z) {
    if (!c.mask.inside[at(size, x, y, z)]) return false;
    const int faces[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (const auto& f : faces) {
      const int px = x + f[0], py = y + f[1], pz = z + f[2];
      if (px < 0 || py < 0 || pz < 0 || px >= size[0] || py >= size[1] || pz >= size[2]) return true;
      if (!c.mask.inside[at(size, px, py, pz)]) return true;
    }
    return false;
  };
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        if (randomised.inside[at(size, x, y, z)] == c.mask.inside[at(size, x, y, z)]) continue;
        bool near = false;
        for (int dz = -1; dz <= 1 && !near; ++dz) {
          for (int dy = -1; dy <= 1 && !near; ++dy) {
            for (int dx = -1; dx <= 1 && !near; ++dx) {
              const int px = x + dx, py = y + dy, pz = z + dz;
              if (px < 0 || py < 0 || pz < 0 || px >= size[0] || py >= size[1] || pz >= size[2]) continue;
              near = boundary(px, py, pz);
            }
          }
        }
        ASSERT_TRUE(near) << x << "," << y << "," << z;
      }
    }
  }
}

TEST(Perturbation, DrawsAreSeededAndInRange) {
  perturbation_settings settings;
  settings.chain = parse_perturbation_chain("volume,noise,rotation,translation");
  settings.seed = 5;
  const perturbation_draw first = draw_perturbation(settings, 3.5, 2, 4, 1);
  const perturbation_draw again = draw_perturbation(settings, 3.5, 2, 4, 1);
  const perturbation_draw other = draw_perturbation(settings, 3.5, 2, 4, 2);
  EXPECT_EQ(describe_draw(first, settings.chain), describe_draw(again, settings.chain));
  EXPECT_NE(describe_draw(first, settings.chain), describe_draw(other, settings.chain));
  EXPECT_EQ(first.noise_sigma, 3.5);
  EXPECT_EQ(first.contour_probability, 0.0);  // contour is not in the chain
  for (int repeat = 1; repeat <= 200; ++repeat) {
    const perturbation_draw draw = draw_perturbation(settings, 3.5, 0, 1, repeat);
    EXPECT_GE(draw.rotation_degrees, settings.rotation_min_degrees);
    EXPECT_LE(draw.rotation_degrees, settings.rotation_max_degrees);
    EXPECT_GE(draw.volume_fraction, settings.volume_min_fraction);
    EXPECT_LE(draw.volume_fraction, settings.volume_max_fraction);
    for (double shift : draw.translation_voxels) EXPECT_LE(std::fabs(shift), settings.translation_max_voxels);
  }
  EXPECT_EQ(describe_draw(first, settings.chain).rfind("noise_sigma=3.5;", 0), 0u);
}

TEST(Perturbation, ChainParsingRejectsUnknownAndRepeatedNames) {
  EXPECT_EQ(parse_perturbation_chain("volume,noise").front(), perturbation_kind::noise);
  try {
    parse_perturbation_chain("noise,blur");
    FAIL() << "blur was accepted";
  } catch (const input_error& error) {
    EXPECT_NE(std::string(error.what()).find("unknown perturbation 'blur'"), std::string::npos) << error.what();
  }
  EXPECT_THROW(parse_perturbation_chain("noise,noise"), input_error);
  EXPECT_THROW(parse_perturbation_chain(""), input_error);
  perturbation_settings settings;
  settings.chain = {perturbation_kind::rotation};
  settings.rotation_min_degrees = 10;
  settings.rotation_max_degrees = -10;
  EXPECT_THROW(validate_perturbation_settings(settings), input_error);
}

store_row icc_row(std::int64_t roi, int repeat, std::vector<double> features) {
  store_row row;
  row.manifest_row = roi;
  row.label = 1;
  row.repeat = repeat;
  row.status = row_status::done;
  row.features = std::move(features);
  return row;
}

TEST(StabilityIcc, TableMatchesIccAndMarksDegenerateFeatures) {
  // Feature 0 varies; feature 1 is constant everywhere; feature 2 is constant within each ROI only;
  // feature 3 contains a NaN.
  const double values[3][2] = {{1.0, 1.4}, {2.2, 2.0}, {3.1, 3.5}};
  std::vector<store_row> rows;
  for (int roi = 0; roi < 3; ++roi) {
    for (int r = 0; r < 2; ++r) {
      const double last = roi == 1 && r == 1 ? std::nan("") : 1.0;
      rows.push_back(icc_row(roi, r + 1, {values[roi][r], 7.0, 10.0 * roi, last}));
    }
  }
  store_row failed = icc_row(9, 1, {});
  failed.status = row_status::failed;
  rows.push_back(failed);  // an ROI without all its repeats is left out

  icc_nan_counts counts;
  const store_icc_table table = compute_icc_table(rows, 4, 2, &counts);
  ASSERT_EQ(table.models.size(), 3u);
  EXPECT_EQ(table.subjects[0], 3);
  EXPECT_EQ(table.repeats[0], 2);
  const icc_result expected = intraclass_correlation({{1.0, 1.4}, {2.2, 2.0}, {3.1, 3.5}}, icc_model::one_way, false);
  EXPECT_EQ(table.icc[0], expected.icc);
  EXPECT_EQ(table.ci_low[0], expected.ci_low);
  EXPECT_EQ(table.ci_high[0], expected.ci_high);
  EXPECT_TRUE(std::isnan(table.icc[3 * 1]));
  EXPECT_EQ(table.icc[3 * 2], 1.0);
  EXPECT_EQ(table.ci_low[3 * 2], 1.0);
  EXPECT_EQ(table.ci_high[3 * 2], 1.0);
  EXPECT_TRUE(std::isnan(table.icc[3 * 3]));
  EXPECT_EQ(counts.constant, 1);
  EXPECT_EQ(counts.non_finite, 1);
}

}  // namespace
}  // namespace radcore
