// The wavelet filter against PyRadiomics 3.1.0 / PyWavelets 1.8.0 outputs written by
// scripts/reference/make_wavelet_references.py. Every comparison is bitwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"
#include "kernels/wavelet.hpp"
#include "kernels/wavelet_formulas.hpp"
#include "kernels/wavelet_taps.hpp"
#include "tests/npy.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

using testing::test_resource;

std::string wavelet_file(const std::string& name) { return test_resource("reference/wavelet/" + name).string(); }

struct csv_rows {
  csv_table table;

  explicit csv_rows(const std::string& file) : table(read_csv_file(wavelet_file(file))) {}
  std::string at(std::size_t row, const std::string& column) const {
    return table.rows[row][std::size_t(table.column(column))];
  }
  std::size_t size() const { return table.rows.size(); }
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string::npos; at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

// A test input: the values as float64 and the (x, y, z) size of a numpy (z, y, x) array.
struct test_volume {
  std::array<int, 3> size{};
  std::vector<double> values;
  wavelet_precision precision = wavelet_precision::float64;

  wavelet_input input() const { return {size, values.data(), precision}; }
};

test_volume read_input(const std::string& file) {
  test_volume volume;
  std::vector<std::size_t> shape;
  if (file.find("float") != std::string::npos) {
    const auto array = testing::read_npy_float32(wavelet_file(file));
    shape = array.shape;
    volume.values.assign(array.values.begin(), array.values.end());
    volume.precision = wavelet_precision::float32;
  } else {
    const auto array = testing::read_npy(wavelet_file(file));
    shape = array.shape;
    volume.values = array.values;
  }
  volume.size = {int(shape[2]), int(shape[1]), int(shape[0])};
  return volume;
}

// The reference decompositions of one manifest row, stacked, as float64 (float32 references widened exactly).
std::vector<double> read_stack(const std::string& file, bool single_precision) {
  if (single_precision) {
    const auto array = testing::read_npy_float32(wavelet_file(file));
    return {array.values.begin(), array.values.end()};
  }
  return testing::read_npy(wavelet_file(file)).values;
}

wavelet_options options_of(const csv_rows& rows, std::size_t row) {
  wavelet_options options;
  options.wavelet = rows.at(row, "wavelet");
  options.level = std::stoi(rows.at(row, "level"));
  options.start_level = std::stoi(rows.at(row, "start_level"));
  options.force2d = rows.at(row, "force2d") == "1";
  options.force2d_dimension = std::stoi(rows.at(row, "force2d_dimension"));
  options.image_dimensions = std::stoi(rows.at(row, "dimensions"));
  return options;
}

// SHA-1 of a decomposition's bytes in the precision PyWavelets returns it.
std::string digest_of(const std::vector<double>& values, wavelet_precision precision) {
  if (precision == wavelet_precision::float64) return sha1_hex(values.data(), values.size() * sizeof(double));
  const std::vector<float> narrowed(values.begin(), values.end());
  return sha1_hex(narrowed.data(), narrowed.size() * sizeof(float));
}

// Returns how many values differ bitwise between `actual` and the box `box` of `expected`, a whole image.
std::size_t count_box_mismatches(const std::vector<double>& actual, const double* expected,
                                 const std::array<int, 3>& size, const voxel_box& box) {
  std::size_t mismatches = 0;
  std::size_t at = 0;
  for (int z = 0; z < box.size[2]; ++z) {
    for (int y = 0; y < box.size[1]; ++y) {
      for (int x = 0; x < box.size[0]; ++x, ++at) {
        const std::size_t source =
            (std::size_t(box.lower[2] + z) * size[1] + std::size_t(box.lower[1] + y)) * size[0] + box.lower[0] + x;
        if (std::memcmp(&actual[at], &expected[source], sizeof(double)) != 0) ++mismatches;
      }
    }
  }
  return mismatches;
}

TEST(WaveletTaps, TableListsEveryDiscreteWavelet) {
  EXPECT_EQ(wavelet_filter_bank_count(), 106);
  const wavelet_filter_bank* coif1 = find_wavelet_filter_bank("coif1");
  ASSERT_NE(coif1, nullptr);
  EXPECT_EQ(coif1->length, 6);
  EXPECT_EQ(coif1->dec_lo[3], 0.8525720202116004);
  EXPECT_EQ(coif1->dec_hi[0], 0.07273261951252645);
  const wavelet_filter_bank* dmey = find_wavelet_filter_bank("dmey");
  ASSERT_NE(dmey, nullptr);
  EXPECT_EQ(dmey->length, 62);
  EXPECT_EQ(find_wavelet_filter_bank("morl"), nullptr);  // continuous, so not in the table
}

TEST(WaveletTaps, Float32TapsAreNotAllRoundedFloat64Taps) {
  // PyWavelets' wavelets.c computes the float32 coif taps as coif_float * sqrt2_float, so two coif1 taps differ
  // from the float64 taps rounded to float32.
  const wavelet_filter_bank* coif1 = find_wavelet_filter_bank("coif1");
  ASSERT_NE(coif1, nullptr);
  int differing = 0;
  for (int m = 0; m < coif1->length; ++m) {
    if (coif1->dec_lo_float[m] != float(coif1->dec_lo[m])) ++differing;
    if (coif1->dec_hi_float[m] != float(coif1->dec_hi[m])) ++differing;
  }
  EXPECT_EQ(differing, 2);
}

TEST(WaveletFormula, ImpulseReturnsTapsShiftedByHalfLength) {
  const double taps[4] = {1.0, 2.0, 3.0, 4.0};
  const double impulse[6] = {1.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  const periodic_line<double> line{impulse, 1, 0, 6};
  // y[n] = taps[(n + 2) mod 6] where that index is below 4.
  const double expected[6] = {3.0, 4.0, 0.0, 0.0, 1.0, 2.0};
  for (int n = 0; n < 6; ++n) EXPECT_EQ(swt_periodic_sample(taps, 4, line, n), expected[n]) << "n = " << n;
}

TEST(Wavelet, NamesFollowPyRadiomicsYieldOrder) {
  const csv_rows manifest("small_manifest.csv");
  ASSERT_GT(manifest.size(), 0u);
  for (std::size_t row = 0; row < manifest.size(); ++row) {
    const wavelet_options options = options_of(manifest, row);
    EXPECT_EQ(wavelet_image_names(options), split(manifest.at(row, "names"), ';'))
        << manifest.at(row, "case") << " " << manifest.at(row, "config");
  }
}

TEST(Wavelet, SmallVolumesMatchPyWaveletsBitwise) {
  const csv_rows manifest("small_manifest.csv");
  for (std::size_t row = 0; row < manifest.size(); ++row) {
    const std::string label = manifest.at(row, "case") + " " + manifest.at(row, "config");
    const test_volume volume = read_input(manifest.at(row, "case") + "_input.npy");
    const std::string stack_file = manifest.at(row, "case") + "_" + manifest.at(row, "config") + ".npy";
    const std::vector<double> expected = read_stack(stack_file, manifest.at(row, "dtype") == "float32");
    const auto decompositions = wavelet_transform(volume.input(), options_of(manifest, row));
    const std::vector<std::string> names = split(manifest.at(row, "names"), ';');
    ASSERT_EQ(decompositions.size(), names.size()) << label;
    const std::size_t voxels = volume.values.size();
    ASSERT_EQ(expected.size(), voxels * names.size()) << label;
    for (std::size_t k = 0; k < names.size(); ++k) {
      EXPECT_EQ(decompositions[k].name, names[k]) << label;
      ASSERT_EQ(decompositions[k].values.size(), voxels) << label;
      EXPECT_EQ(std::memcmp(decompositions[k].values.data(), &expected[k * voxels], voxels * sizeof(double)), 0)
          << label << " " << names[k];
    }
  }
}

TEST(Wavelet, BoxesMatchWholeVolumeTransform) {
  const csv_rows manifest("small_manifest.csv");
  for (std::size_t row = 0; row < manifest.size(); ++row) {
    const std::string label = manifest.at(row, "case") + " " + manifest.at(row, "config");
    const test_volume volume = read_input(manifest.at(row, "case") + "_input.npy");
    const std::string stack_file = manifest.at(row, "case") + "_" + manifest.at(row, "config") + ".npy";
    const std::vector<double> expected = read_stack(stack_file, manifest.at(row, "dtype") == "float32");
    const std::array<int, 3> n = volume.size;
    // Boxes at both corners (the high one contains the voxels next to the wrap padding), a single voxel, a
    // slab and an interior box.
    const std::vector<voxel_box> boxes{
        {{0, 0, 0}, {std::min(2, n[0]), std::min(3, n[1]), 1}},
        {{n[0] - 2, n[1] - 1, n[2] - 1}, {2, 1, 1}},
        {{n[0] - 1, 0, n[2] - 1}, {1, 1, 1}},
        {{0, 1, 0}, {n[0], 1, n[2]}},
        {{1, 1, n[2] / 2}, {std::max(1, n[0] - 3), std::max(1, n[1] - 2), 1}},
    };
    const std::size_t voxels = volume.values.size();
    for (const voxel_box& box : boxes) {
      std::size_t k = 0;
      wavelet_transform(volume.input(), box, options_of(manifest, row), [&](wavelet_decomposition&& d) {
        ASSERT_EQ(d.values.size(), std::size_t(box.count()));
        EXPECT_EQ(count_box_mismatches(d.values, &expected[k * voxels], n, box), 0u)
            << label << " " << d.name << " box at (" << box.lower[0] << ", " << box.lower[1] << ", " << box.lower[2]
            << ")";
        ++k;
      });
      EXPECT_EQ(k, split(manifest.at(row, "names"), ';').size()) << label;
    }
  }
}

TEST(Wavelet, EveryFamilyMatchesPyWaveletsDigests) {
  const csv_rows digests("families_sha1.csv");
  ASSERT_EQ(digests.size(), 106u * 2 * 8);
  const std::map<std::string, test_volume> inputs{{"int16", read_input("families_int16_input.npy")},
                                                  {"float32", read_input("families_float32_input.npy")}};
  std::map<std::string, std::string> actual;  // "<wavelet> <input> <image>" -> SHA-1
  for (int index = 0; index < wavelet_filter_bank_count(); ++index) {
    wavelet_options options;
    options.wavelet = wavelet_filter_bank_at(index).name;
    for (const auto& [label, volume] : inputs) {
      for (const auto& d : wavelet_transform(volume.input(), options)) {
        actual[options.wavelet + " " + label + " " + d.name] = digest_of(d.values, volume.precision);
      }
    }
  }
  for (std::size_t row = 0; row < digests.size(); ++row) {
    const std::string key =
        digests.at(row, "wavelet") + " " + digests.at(row, "input") + " " + digests.at(row, "image");
    EXPECT_EQ(actual[key], digests.at(row, "sha1")) << key;
  }
}

wavelet_options brain1_options(const std::string& config) {
  wavelet_options options;
  if (config == "coif1_level2") options.level = 2;
  if (config == "haar") options.wavelet = "haar";
  return options;
}

TEST(Wavelet, Brain1MatchesPyWaveletsDigests) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const volume image = read_volume((testing::shared_data_dir() / "pyradiomics/brain1_image.nrrd").string());
  ASSERT_EQ(image.pixel_type, "short");
  const wavelet_input input{image.size, image.values.data(), wavelet_precision_for(image.pixel_type)};
  const csv_rows digests("brain1_sha1.csv");
  const csv_rows samples("brain1_samples.csv");
  const std::map<std::string, voxel_box> boxes{{"low_corner", {{0, 3, 0}, {20, 27, 4}}},
                                               {"high_corner", {{240, 200, 20}, {16, 56, 5}}},
                                               {"interior", {{100, 90, 8}, {41, 37, 9}}}};

  std::map<std::string, std::string> actual;  // "<config> <region> <image>" -> SHA-1
  for (const std::string config : {"coif1", "coif1_level2", "haar"}) {
    for (const auto& d : wavelet_transform(input, brain1_options(config))) {
      actual[config + " whole " + d.name] = digest_of(d.values, wavelet_precision::float64);
      for (std::size_t row = 0; row < samples.size(); ++row) {
        if (samples.at(row, "config") != config || samples.at(row, "image") != d.name) continue;
        const std::size_t at = (std::stoul(samples.at(row, "z")) * 256 + std::stoul(samples.at(row, "y"))) * 256 +
                               std::stoul(samples.at(row, "x"));
        EXPECT_EQ(d.values[at], std::stod(samples.at(row, "value"))) << config << " " << d.name << " row " << row;
      }
    }
    for (const auto& [region, box] : boxes) {
      wavelet_transform(input, box, brain1_options(config), [&](wavelet_decomposition&& d) {
        actual[config + " " + region + " " + d.name] = digest_of(d.values, wavelet_precision::float64);
      });
    }
  }

  // A crop transformed on its own, as PyRadiomics transforms a pre-cropped image.
  const voxel_box crop{{100, 90, 5}, {41, 37, 9}};
  std::vector<double> cropped;
  for (int z = 0; z < crop.size[2]; ++z) {
    for (int y = 0; y < crop.size[1]; ++y) {
      for (int x = 0; x < crop.size[0]; ++x) {
        cropped.push_back(image.values[(std::size_t(crop.lower[2] + z) * 256 + crop.lower[1] + y) * 256 +
                                       crop.lower[0] + x]);
      }
    }
  }
  for (const auto& d : wavelet_transform({crop.size, cropped.data(), wavelet_precision::float64}, wavelet_options{})) {
    actual["coif1 crop " + d.name] = digest_of(d.values, wavelet_precision::float64);
  }

  ASSERT_EQ(digests.size(), (8u + 15 + 8) * 4 + 8);  // coif1, coif1 level 2, haar: whole and 3 boxes; the crop
  for (std::size_t row = 0; row < digests.size(); ++row) {
    const std::string key =
        digests.at(row, "config") + " " + digests.at(row, "region") + " " + digests.at(row, "image");
    EXPECT_EQ(actual[key], digests.at(row, "sha1")) << key;
  }
}

TEST(Wavelet, RejectsUnknownWaveletAndBadBox) {
  const std::vector<double> values(4 * 4 * 2, 1.0);
  const wavelet_input input{{4, 4, 2}, values.data(), wavelet_precision::float64};
  wavelet_options options;
  options.wavelet = "morl";
  EXPECT_THROW(wavelet_transform(input, options), input_error);
  options = wavelet_options{};
  const auto ignore = [](wavelet_decomposition&&) {};
  EXPECT_THROW(wavelet_transform(input, voxel_box{{3, 0, 0}, {2, 1, 1}}, options, ignore), input_error);
  EXPECT_THROW(wavelet_transform(input, voxel_box{{0, 0, 0}, {0, 1, 1}}, options, ignore), input_error);
  options.level = -1;
  EXPECT_THROW(wavelet_transform(input, options), input_error);
  options = wavelet_options{};
  options.force2d = true;
  options.force2d_dimension = 3;
  EXPECT_THROW(wavelet_transform(input, options), input_error);
}

// IBSI 2 phase 1 test 6.a.1: coif1, level 1, periodic boundary, response map HHL of the sphere phantom. IBSI
// names letters in the order x, y, z like PyRadiomics. A response map passes when every voxel is within 1 %
// of the reference map's range.
TEST(Wavelet, Ibsi2Test6a1SphereCoif1Hhl) {
  RADCORE_REQUIRE_SHARED("ibsi/filter_phantoms/sphere/image/sphere.nii.gz");
  RADCORE_REQUIRE_SHARED("ibsi/filter_responses/6_a_1-ValidCRM.nii.gz");
  const volume phantom =
      read_volume((testing::shared_data_dir() / "ibsi/filter_phantoms/sphere/image/sphere.nii.gz").string());
  const volume reference =
      read_volume((testing::shared_data_dir() / "ibsi/filter_responses/6_a_1-ValidCRM.nii.gz").string());
  ASSERT_EQ(phantom.size, reference.size);
  const wavelet_input input{phantom.size, phantom.values.data(), wavelet_precision_for(phantom.pixel_type)};
  std::vector<double> hhl;
  wavelet_transform(input, voxel_box{{0, 0, 0}, phantom.size}, wavelet_options{}, [&](wavelet_decomposition&& d) {
    if (d.name == "wavelet-HHL") hhl = std::move(d.values);
  });
  ASSERT_EQ(hhl.size(), reference.values.size());
  const auto [low, high] = std::minmax_element(reference.values.begin(), reference.values.end());
  const double tolerance = 0.01 * (*high - *low);
  std::size_t outside = 0;
  double max_difference = 0;
  for (std::size_t i = 0; i < hhl.size(); ++i) {
    const double difference = std::abs(hhl[i] - reference.values[i]);
    max_difference = std::max(max_difference, difference);
    if (difference > tolerance) ++outside;
  }
  EXPECT_EQ(outside, 0u) << "max |difference| " << max_difference << ", tolerance " << tolerance;
}

}  // namespace
}  // namespace radcore
