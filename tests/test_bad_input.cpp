// Runs `radcore extract` on broken, odd and hostile inputs. A bad input must get exit status 1, one line on
// standard error that names the file or setting and the reason, and no output file. An odd but valid input
// must get exit status 0 and finite features.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/image_reader.hpp"
#include "test_data.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;

struct run_result {
  int status = -1;  // exit status; 124 when the run hit the time limit, -1 when a signal ended it
  std::string out;
  std::string err;
  double seconds = 0;
};

std::string read_text(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int line_count(const std::string& text) {
  int lines = 0;
  for (const char c : text) lines += c == '\n';
  return lines;
}

// An 8 x 8 x 8 grid at 1 mm spacing, origin 0 and identity direction.
constexpr int grid_size = 8;

volume empty_volume(int nx = grid_size, int ny = grid_size, int nz = grid_size) {
  volume image;
  image.size = {nx, ny, nz};
  image.spacing = {1.0, 1.0, 1.0};
  image.origin = {0.0, 0.0, 0.0};
  image.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  image.values.assign(std::size_t(nx) * ny * nz, 0.0);
  return image;
}

std::size_t voxel_index(const volume& image, int x, int y, int z) {
  return std::size_t(x) + std::size_t(image.size[0]) * (std::size_t(y) + std::size_t(image.size[1]) * z);
}

// Grey levels 0..19 in a pattern that gives every texture class several levels and neighbours.
volume textured_image() {
  volume image = empty_volume();
  for (int z = 0; z < grid_size; ++z) {
    for (int y = 0; y < grid_size; ++y) {
      for (int x = 0; x < grid_size; ++x) image.values[voxel_index(image, x, y, z)] = (7 * x + 3 * y + 5 * z) % 20;
    }
  }
  return image;
}

// A mask with `label` on the inclusive box [lower, upper] and 0 elsewhere.
volume box_mask(std::array<int, 3> lower, std::array<int, 3> upper, double label = 1.0) {
  volume mask = empty_volume();
  for (int z = lower[2]; z <= upper[2]; ++z) {
    for (int y = lower[1]; y <= upper[1]; ++y) {
      for (int x = lower[0]; x <= upper[0]; ++x) mask.values[voxel_index(mask, x, y, z)] = label;
    }
  }
  return mask;
}

volume central_mask() { return box_mask({2, 2, 2}, {5, 5, 5}); }

// Writes a raw little-endian NRRD by hand, for pixel types and dimensions that write_volume does not produce.
template <typename Sample>
void write_raw_nrrd(const fs::path& path, const std::string& type, const std::vector<int>& sizes,
                    const std::vector<Sample>& samples) {
  std::ofstream file(path, std::ios::binary);
  file << "NRRD0004\ntype: " << type << "\ndimension: " << sizes.size() << "\nsizes:";
  for (const int size : sizes) file << ' ' << size;
  file << "\nencoding: raw\nendian: little\n\n";
  file.write(reinterpret_cast<const char*>(samples.data()), std::streamsize(samples.size() * sizeof(Sample)));
}

template <typename Sample>
std::vector<Sample> samples_of(const volume& image) {
  return std::vector<Sample>(image.values.begin(), image.values.end());
}

// The header and the single record of a CSV output.
struct feature_record {
  std::vector<std::string> keys;
  std::vector<std::string> values;
};

feature_record parse_record(const std::string& csv) {
  const csv_table table = parse_csv(csv, "radcore output");
  feature_record record;
  record.keys = table.header;
  if (table.rows.size() == 1) record.values = table.rows[0];
  return record;
}

// Returns the keys whose value is nan, inf or -inf, comma-separated.
std::string non_finite_keys(const feature_record& record, const std::string& prefix) {
  std::string keys;
  for (std::size_t i = 0; i < record.keys.size() && i < record.values.size(); ++i) {
    if (record.keys[i].rfind(prefix, 0) != 0) continue;
    const std::string& value = record.values[i];
    if (value == "nan" || value == "inf" || value == "-inf") keys += (keys.empty() ? "" : ", ") + record.keys[i];
  }
  return keys;
}

std::string value_of(const feature_record& record, const std::string& key) {
  for (std::size_t i = 0; i < record.keys.size() && i < record.values.size(); ++i) {
    if (record.keys[i] == key) return record.values[i];
  }
  return "<missing>";
}

// A fresh folder per test, removed afterwards.
class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("radcore_bad_input_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    output_ = folder_ / "features.csv";
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path path(const std::string& name) const { return folder_ / name; }

  fs::path write_text(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  fs::path write_image(const std::string& name, const volume& image) const {
    write_volume(image, path(name).string());
    return path(name);
  }

  // Writes the textured image and the central 4 x 4 x 4 mask, the valid case that others alter.
  void write_valid_case() const {
    write_image("image.nrrd", textured_image());
    write_image("mask.nrrd", central_mask());
  }

  // Runs `radcore ARGUMENTS` under a time limit and a 4 GiB address-space limit, so that a hang or a
  // runaway allocation fails the test instead of stalling or exhausting the machine.
  run_result run(const std::string& arguments, int time_limit_s = 60) const {
    const fs::path out = folder_ / "stdout.txt";
    const fs::path err = folder_ / "stderr.txt";
    const std::string command = "ulimit -v 4194304; timeout " + std::to_string(time_limit_s) + " '" +
                                RADCORE_BINARY + "' " + arguments + " >" + quoted(out) + " 2>" + quoted(err);
    const auto start = std::chrono::steady_clock::now();
    const int raw = std::system(command.c_str());
    run_result result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = read_text(out);
    result.err = read_text(err);
    fs::remove(out);
    fs::remove(err);
    return result;
  }

  // Runs `extract IMAGE MASK EXTRA -o features.csv` on files in the folder.
  run_result extract(const std::string& image, const std::string& mask, const std::string& extra = "",
                     int time_limit_s = 60) const {
    return run("extract " + quoted(path(image)) + " " + quoted(path(mask)) + " " + extra + " -o " + quoted(output_),
               time_limit_s);
  }

  // Checks the failure contract: exit status 1, one `radcore: error:` line that contains every part, nothing on
  // standard output, and neither the output file nor its temporary file left in the folder.
  void expect_rejected(const run_result& result, const std::vector<std::string>& parts) const {
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_EQ(result.err.rfind("radcore: error: ", 0), 0u) << result.err;
    EXPECT_EQ(line_count(result.err), 1) << result.err;
    EXPECT_FALSE(contains(result.err, "unexpected failure")) << result.err;
    for (const std::string& part : parts) {
      EXPECT_TRUE(contains(result.err, part)) << "missing '" << part << "' in " << result.err;
    }
    EXPECT_EQ(result.out, "");
    EXPECT_FALSE(fs::exists(output_));
    for (const auto& entry : fs::directory_iterator(folder_)) {
      EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp-")) << "left behind: " << entry.path();
    }
  }

  // Checks the success contract and returns the output record: exit status 0, one CSV record.
  feature_record expect_accepted(const run_result& result) const {
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_TRUE(fs::exists(output_));
    const feature_record record = parse_record(read_text(output_));
    EXPECT_FALSE(record.values.empty()) << "no record in " << output_;
    return record;
  }

  fs::path folder_;
  fs::path output_;
};

// --- Files that cannot be read ---

TEST_F(BadInput, MissingImageNamesTheFile) {
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("absent.nrrd", "mask.nrrd"), {path("absent.nrrd").string(), "image file not found"});
}

TEST_F(BadInput, MissingMaskNamesTheFile) {
  write_image("image.nrrd", textured_image());
  expect_rejected(extract("image.nrrd", "absent.nrrd"), {path("absent.nrrd").string(), "mask file not found"});
}

TEST_F(BadInput, DirectoryAsImageSaysItIsAFolder) {
  // The help text offers "a DICOM series folder" for IMAGE, so a folder that contains no series should be
  // reported as such, not as an unrecognised file.
  fs::create_directories(path("series.nrrd"));
  write_image("mask.nrrd", central_mask());
  const run_result result = extract("series.nrrd", "mask.nrrd");
  expect_rejected(result, {path("series.nrrd").string()});
  EXPECT_TRUE(contains(result.err, "folder") || contains(result.err, "directory")) << result.err;
}

TEST_F(BadInput, EmptyImageFileIsRejected) {
  write_text("image.nrrd", "");
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string()});
}

TEST_F(BadInput, GarbageWithNrrdExtensionIsRejected) {
  write_text("image.nrrd", "this is not an image\n\x01\x02\x03");
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string(), "no ITK reader"});
}

TEST_F(BadInput, TruncatedGzipNrrdGivesOneLine) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const std::string whole = read_text(testing::shared_data_dir() / "pyradiomics" / "brain1_image.nrrd");
  write_text("image.nrrd", whole.substr(0, whole.size() / 2));
  fs::copy_file(testing::shared_data_dir() / "pyradiomics" / "brain1_label.nrrd", path("mask.nrrd"));
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string(), "truncated"});
}

TEST_F(BadInput, TruncatedRawNrrdGivesOneLine) {
  write_raw_nrrd(path("image.nrrd"), "short", {grid_size, grid_size, grid_size},
                 std::vector<std::int16_t>(grid_size * grid_size * grid_size / 2, 7));
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string(), "truncated"});
}

TEST_F(BadInput, TextFileIsRejected) {
  write_text("image.txt", "1 2 3\n4 5 6\n");
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.txt", "mask.nrrd"), {path("image.txt").string(), "no ITK reader"});
}

TEST_F(BadInput, TextWithPngExtensionIsRejected) {
  write_text("image.png", "a PNG in name only\n");
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.png", "mask.nrrd"), {path("image.png").string()});
}

TEST_F(BadInput, HeaderWithHugeSizesFailsWithoutAllocating) {
  // 10^15 voxels announced, ten present: the reader must fail on the header, not attempt the allocation.
  write_raw_nrrd(path("image.nrrd"), "double", {100000, 100000, 100000}, std::vector<double>(10, 1.0));
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string()});
}

// --- Geometry ---

TEST_F(BadInput, MaskOfDifferentSizeIsRejected) {
  write_image("image.nrrd", textured_image());
  volume mask = empty_volume(grid_size - 2, grid_size, grid_size);
  mask.values[voxel_index(mask, 2, 2, 2)] = 1;
  mask.values[voxel_index(mask, 3, 3, 3)] = 1;
  write_image("mask.nrrd", mask);
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "size"});
}

TEST_F(BadInput, ShiftedMaskSuggestsCorrectMask) {
  write_image("image.nrrd", textured_image());
  volume mask = central_mask();
  mask.origin[0] = 0.5;
  write_image("mask.nrrd", mask);
  const run_result result = extract("image.nrrd", "mask.nrrd");
  expect_rejected(result, {path("image.nrrd").string(), path("mask.nrrd").string(), "origins differ by 0.5 mm in x",
                           "correctMask", "geometryTolerance"});
}

TEST_F(BadInput, OriginWithinToleranceIsAccepted) {
  write_image("image.nrrd", textured_image());
  volume mask = central_mask();
  mask.origin[0] = 1e-8;  // well inside the default tolerance of 1e-6 times the spacing
  write_image("mask.nrrd", mask);
  expect_accepted(extract("image.nrrd", "mask.nrrd"));
}

TEST_F(BadInput, CorrectMaskResamplesShiftedMask) {
  write_image("image.nrrd", textured_image());
  volume mask = central_mask();
  mask.origin[0] = 0.5;
  write_image("mask.nrrd", mask);
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd", "-s correctMask:true"));
  EXPECT_NE(value_of(record, "diagnostics_Mask-corrected_VoxelNum"), "<missing>");
  EXPECT_EQ(non_finite_keys(record, "original_"), "");
}

TEST_F(BadInput, TinyResampledSpacingFailsInOneLine) {
  // 8 mm at 0.001 mm is 8000^3 voxels, far beyond memory: reject the grid before allocating it.
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s 'resampledPixelSpacing:[0.001,0.001,0.001]'"),
                  {"resampledPixelSpacing"});
}

// --- Labels and ROI size ---

TEST_F(BadInput, AbsentLabelListsLabelsPresent) {
  write_image("image.nrrd", textured_image());
  volume mask = box_mask({1, 1, 1}, {3, 3, 3}, 2.0);
  for (int x = 5; x < 7; ++x) mask.values[voxel_index(mask, x, 5, 5)] = 5.0;
  write_image("mask.nrrd", mask);
  expect_rejected(extract("image.nrrd", "mask.nrrd", "--label 3"),
                  {path("mask.nrrd").string(), "label 3 not present", "labels present are 2, 5"});
}

TEST_F(BadInput, LabelAboveIntRangeIsListedAsIs) {
  // A uint32 label of 4000000000 must be listed as it is, not wrapped into a negative int.
  write_image("image.nrrd", textured_image());
  write_raw_nrrd(path("mask.nrrd"), "unsigned int", {grid_size, grid_size, grid_size},
                 samples_of<std::uint32_t>(box_mask({2, 2, 2}, {5, 5, 5}, 4000000000.0)));
  const run_result result = extract("image.nrrd", "mask.nrrd");
  expect_rejected(result, {path("mask.nrrd").string(), "labels present are 4000000000"});
  EXPECT_FALSE(contains(result.err, "-2147483648")) << result.err;
}

TEST_F(BadInput, AllZeroMaskIsRejected) {
  write_image("image.nrrd", textured_image());
  write_image("mask.nrrd", empty_volume());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "no labels found"});
}

TEST_F(BadInput, SingleVoxelRoiIsRejected) {
  write_image("image.nrrd", textured_image());
  write_image("mask.nrrd", box_mask({3, 3, 3}, {3, 3, 3}));
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "(label 1)", "single voxel"});
}

TEST_F(BadInput, LineRoiBelowMinimumDimensionsIsRejected) {
  write_image("image.nrrd", textured_image());
  write_image("mask.nrrd", box_mask({1, 3, 3}, {6, 3, 3}));
  expect_rejected(extract("image.nrrd", "mask.nrrd"),
                  {path("mask.nrrd").string(), "(label 1)", "1 dimension(s)", "minimumROIDimensions 2"});
}

TEST_F(BadInput, LineRoiIsAcceptedWithOneDimension) {
  write_image("image.nrrd", textured_image());
  write_image("mask.nrrd", box_mask({1, 3, 3}, {6, 3, 3}));
  expect_accepted(extract("image.nrrd", "mask.nrrd", "-s minimumROIDimensions:1"));
}

TEST_F(BadInput, MinimumRoiSizeAboveRoiIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s minimumROISize:64"),
                  {path("mask.nrrd").string(), "the ROI has 64 voxels", "minimumROISize 64"});
}

// --- Non-finite intensities ---

TEST_F(BadInput, NanInsideRoiIsRejected) {
  volume image = textured_image();
  image.values[voxel_index(image, 3, 3, 3)] = std::nan("");
  write_image("image.nrrd", image);
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "(label 1)", "1 voxel(s)", "NaN"});
}

TEST_F(BadInput, InfinityInsideRoiIsRejected) {
  volume image = textured_image();
  image.values[voxel_index(image, 4, 4, 4)] = HUGE_VAL;
  write_image("image.nrrd", image);
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "infinite"});
}

TEST_F(BadInput, NanOutsideRoiKeepsFeaturesFinite) {
  // PyRadiomics 3.1.0 computes this case: the features see only the cropped ROI, and the whole-image
  // diagnostics are numpy's mean, min and max, which all return nan for an array that contains a NaN.
  volume image = textured_image();
  image.values[voxel_index(image, 0, 0, 0)] = std::nan("");
  write_image("image.nrrd", image);
  write_image("mask.nrrd", central_mask());
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(non_finite_keys(record, "original_"), "");
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Mean"), "nan");
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Minimum"), "nan");
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Maximum"), "nan");
}

TEST_F(BadInput, NanInLastVoxelGivesNanDiagnostics) {
  // The same NaN at the other end of the buffer: numpy's result does not depend on where the NaN is.
  volume image = textured_image();
  image.values.back() = std::nan("");
  write_image("image.nrrd", image);
  write_image("mask.nrrd", central_mask());
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Minimum"), "nan");
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Maximum"), "nan");
}

// --- Grey-level count bounds ---

TEST_F(BadInput, BrainAboveMaximumBinCountIsRejected) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const fs::path data = testing::shared_data_dir() / "pyradiomics";
  const fs::path mask = data / "brain1_label.nrrd";
  const run_result result = run("extract " + quoted(data / "brain1_image.nrrd") + " " + quoted(mask) +
                                " -s maximumBinCount:10 -s binWidth:1 -o " + quoted(output_));
  expect_rejected(result, {mask.string(), "(label 1)", "maximumBinCount 10", "raise binWidth or maximumBinCount"});
}

TEST_F(BadInput, HugeRangeWithTinyBinWidthFailsFast) {
  volume image = textured_image();
  image.values[voxel_index(image, 3, 3, 3)] = 1e6;
  write_raw_nrrd(path("image.nrrd"), "float", {grid_size, grid_size, grid_size}, samples_of<float>(image));
  write_image("mask.nrrd", central_mask());
  const run_result result = extract("image.nrrd", "mask.nrrd", "-s binWidth:1e-9");
  expect_rejected(result, {path("mask.nrrd").string(), "maximumBinCount 100000"});
  EXPECT_LT(result.seconds, 10.0) << "the bound on Ng must apply before the bin edges are built";
}

TEST_F(BadInput, BinCountAboveMaximumBinCountIsRejected) {
  // binCount sets Ng directly, so maximumBinCount bounds it as it bounds Ng from binWidth.
  write_valid_case();
  const run_result result = extract("image.nrrd", "mask.nrrd", "-s binCount:2000000000");
  expect_rejected(result, {"binCount", "maximumBinCount"});
  EXPECT_LT(result.seconds, 10.0);
}

TEST_F(BadInput, HugeGlcmDistanceFailsFast) {
  // Offsets are enumerated over a cube of side 2 d + 1, so d = 100000 is 8e15 candidates. No offset longer
  // than the image has a voxel pair, so radcore should reject or clip such a distance at once.
  write_valid_case();
  const run_result result = extract("image.nrrd", "mask.nrrd", "-s 'distances:[100000]'", 10);
  ASSERT_NE(result.status, 124) << "timed out after " << result.seconds << " s";
  if (result.status != 0) expect_rejected(result, {"distances"});
}

// --- Settings and parameter files ---

TEST_F(BadInput, Lbp3dSubdivisionAboveThreeIsRejected) {
  write_valid_case();
  const fs::path params = write_text("params.yaml", "imageType:\n  LBP3D: {}\nsetting:\n  lbp3DIcosphereSubdivision: 5\n");
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(params)),
                  {params.string(), "lbp3DIcosphereSubdivision", "[0, 3]"});
}

TEST_F(BadInput, FilterLbp3dWithoutMaskIsRejected) {
  write_valid_case();
  const fs::path params = write_text("params.yaml", "imageType:\n  LBP3D: {}\n");
  const run_result result = run("filter " + quoted(path("image.nrrd")) + " -p " + quoted(params) + " -o " +
                                quoted(path("filtered")));
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_TRUE(contains(result.err, "LBP3D")) << result.err;
  EXPECT_TRUE(contains(result.err, "give the MASK argument")) << result.err;
  EXPECT_FALSE(fs::exists(path("filtered"))) << "the check should come before any image is written";
}

TEST_F(BadInput, OutputOverTheMaskIsRejected) {
  write_valid_case();
  const std::string before = read_text(path("mask.nrrd"));
  const run_result result = run("extract " + quoted(path("image.nrrd")) + " " + quoted(path("mask.nrrd")) + " -o " +
                                quoted(path("mask.nrrd")));
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "the output would overwrite the input")) << result.err;
  EXPECT_EQ(read_text(path("mask.nrrd")), before);
}

TEST_F(BadInput, IbsiLogWiderThanImageIsRejected) {
  write_valid_case();
  const fs::path params = write_text("params.yaml",
                                     "imageType:\n  LoG: {sigma: [1000000.0]}\nfeatureClass:\n  firstorder:\nsetting:\n  filterMode: ibsi\n");
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(params)),
                  {path("mask.nrrd").string(), "image type LoG", "lower sigma or ibsiLoGTruncate"});
}

TEST_F(BadInput, UnknownSettingIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s binwidth:25"),
                  {"'binwidth:25'", "unknown setting 'binwidth'", "binWidth"});
}

TEST_F(BadInput, SettingOfWrongTypeIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s binWidth:abc"),
                  {"setting 'binWidth': expected a float > 0, got 'abc'"});
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s force2D:3"),
                  {"setting 'force2D': expected true or false, got '3'"});
}

TEST_F(BadInput, SettingOutOfRangeIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s binWidth:-1"),
                  {"setting 'binWidth': expected a float > 0, got '-1'"});
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s minimumROIDimensions:4"),
                  {"setting 'minimumROIDimensions'", "got '4'"});
}

TEST_F(BadInput, InfiniteBinWidthIsRejected) {
  // YAML reads .inf as a float, but an infinite width gives no finite bin edges, so it is rejected like .nan.
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s binWidth:.inf"), {"setting 'binWidth'", "'.inf'"});
}

TEST_F(BadInput, SettingWithoutValueIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-s binWidth"), {"'binWidth'", "expected NAME:VALUE"});
}

TEST_F(BadInput, ParameterFileThatIsNotYamlIsRejected) {
  write_valid_case();
  const fs::path parameters = write_text("params.yaml", "setting: [unclosed\n  binWidth: : :\n");
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(parameters)),
                  {parameters.string(), "invalid YAML or JSON at line"});
}

TEST_F(BadInput, MissingParameterFileIsRejected) {
  write_valid_case();
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(path("absent.yaml"))),
                  {path("absent.yaml").string(), "cannot open the parameter file"});
}

TEST_F(BadInput, UnknownFeatureClassIsRejected) {
  write_valid_case();
  const fs::path parameters = write_text("params.yaml", "featureClass:\n  glcmm:\n");
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(parameters)),
                  {parameters.string(), "unknown feature class 'glcmm'", "glcm"});
}

TEST_F(BadInput, UnknownFeatureNameIsRejected) {
  write_valid_case();
  const fs::path parameters = write_text("params.yaml", "featureClass:\n  glcm:\n    - Contrastt\n");
  expect_rejected(extract("image.nrrd", "mask.nrrd", "-p " + quoted(parameters)),
                  {parameters.string(), "unknown feature 'Contrastt'", "Contrast"});
}

// --- Odd inputs that are valid ---

TEST_F(BadInput, TwoDimensionalImageIsAccepted) {
  std::vector<double> image(grid_size * grid_size);
  std::vector<std::uint8_t> mask(grid_size * grid_size);
  for (int y = 0; y < grid_size; ++y) {
    for (int x = 0; x < grid_size; ++x) {
      image[std::size_t(x + grid_size * y)] = (7 * x + 3 * y) % 20;
      mask[std::size_t(x + grid_size * y)] = x >= 2 && x <= 5 && y >= 2 && y <= 5;
    }
  }
  write_raw_nrrd(path("image.nrrd"), "double", {grid_size, grid_size}, image);
  write_raw_nrrd(path("mask.nrrd"), "unsigned char", {grid_size, grid_size}, mask);
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(value_of(record, "diagnostics_Image-original_Dimensionality"), "2D");
}

TEST_F(BadInput, FloatLabelMaskIsAccepted) {
  write_image("image.nrrd", textured_image());
  write_raw_nrrd(path("mask.nrrd"), "float", {grid_size, grid_size, grid_size}, samples_of<float>(central_mask()));
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(value_of(record, "diagnostics_Mask-original_VoxelNum"), "64");
}

TEST_F(BadInput, Int64MaskIsAccepted) {
  write_image("image.nrrd", textured_image());
  write_raw_nrrd(path("mask.nrrd"), "int64", {grid_size, grid_size, grid_size},
                 samples_of<std::int64_t>(central_mask()));
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(value_of(record, "diagnostics_Mask-original_VoxelNum"), "64");
}

TEST_F(BadInput, FourDimensionalImageIsRejected) {
  volume image = textured_image();
  std::vector<double> samples = image.values;
  samples.insert(samples.end(), image.values.begin(), image.values.end());
  write_raw_nrrd(path("image.nrrd"), "double", {grid_size, grid_size, grid_size, 2}, samples);
  write_image("mask.nrrd", central_mask());
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("image.nrrd").string(), "4 dimensions"});
}

TEST_F(BadInput, OneVoxelImageIsRejected) {
  volume image = empty_volume(1, 1, 1);
  image.values[0] = 3.0;
  volume mask = empty_volume(1, 1, 1);
  mask.values[0] = 1.0;
  write_image("image.nrrd", image);
  write_image("mask.nrrd", mask);
  expect_rejected(extract("image.nrrd", "mask.nrrd"), {path("mask.nrrd").string(), "single voxel"});
}

TEST_F(BadInput, RoiTouchingBorderIsAccepted) {
  write_image("image.nrrd", textured_image());
  write_image("mask.nrrd", box_mask({0, 0, 0}, {3, grid_size - 1, grid_size - 1}));
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(non_finite_keys(record, "original_"), "");
}

TEST_F(BadInput, OutputInMissingFolderIsRejected) {
  write_valid_case();
  const fs::path output = folder_ / "absent" / "features.csv";
  const run_result result = run("extract " + quoted(path("image.nrrd")) + " " + quoted(path("mask.nrrd")) + " -o " +
                                quoted(output));
  expect_rejected(result, {output.string(), "cannot create the output file"});
  EXPECT_FALSE(fs::exists(folder_ / "absent"));
}

TEST_F(BadInput, ExistingOutputIsReplaced) {
  write_valid_case();
  write_text("features.csv", "stale content\n");
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_FALSE(contains(read_text(output_), "stale content"));
  EXPECT_EQ(record.keys.front(), "diagnostics_Versions_radcore");
}

// --- Degenerate texture ---

TEST_F(BadInput, FlatRoiYieldsNoNan) {
  volume image = empty_volume();
  for (double& value : image.values) value = 5.0;
  write_image("image.nrrd", image);
  write_image("mask.nrrd", central_mask());
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(non_finite_keys(record, "original_"), "");
}

TEST_F(BadInput, IsolatedVoxelsWarnAboutNanGlcm) {
  // Two voxels that share no face, edge or corner: no angle has a voxel pair. PyRadiomics drops empty angles
  // before averaging, so with none left its GLCM features are NaN. radcore writes the same NaN, and should
  // print a warning on standard error that explains them.
  write_image("image.nrrd", textured_image());
  volume mask = empty_volume();
  mask.values[voxel_index(mask, 1, 1, 1)] = 1;
  mask.values[voxel_index(mask, 5, 5, 5)] = 1;
  write_image("mask.nrrd", mask);
  const feature_record record = expect_accepted(extract("image.nrrd", "mask.nrrd"));
  EXPECT_EQ(value_of(record, "original_glcm_Contrast"), "nan");
  EXPECT_EQ(non_finite_keys(record, "original_glrlm_"), "");
  EXPECT_EQ(non_finite_keys(record, "original_firstorder_"), "");
  const run_result again = extract("image.nrrd", "mask.nrrd");
  EXPECT_TRUE(contains(again.err, "glcm") || contains(again.err, "GLCM")) << "no warning on standard error: '"
                                                                          << again.err << "'";
}

}  // namespace
}  // namespace radcore
