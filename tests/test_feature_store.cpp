// The HDF5 feature store: round trip, layout, partly written rows, errors, and the documented h5py snippet.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cohort_fixtures.hpp"
#include "io/feature_store.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::radcore_folder_test;

store_header sample_header() {
  store_header header;
  header.metadata_columns = {"ID", "Image", "Mask"};
  header.feature_names = {"original_firstorder_Mean", "original_glcm_Contrast"};
  header.settings_text = "{imageType: {Original: {}}, featureClass: {}, setting: {}}";
  header.settings_sha1 = "0123456789abcdef0123456789abcdef01234567";
  header.radcore_version = "0.1.0";
  header.git_revision = "abcdef123456";
  header.backend = "cpu";
  header.device = "auto";
  header.metadata_width = 20;
  return header;
}

store_row done_row(std::int64_t index, double mean, double contrast) {
  store_row row;
  row.manifest_row = index;
  row.metadata = {"p" + std::to_string(index), "case/image.nrrd", "case/mask.nrrd"};
  row.label = 1;
  row.status = row_status::done;
  row.seconds = 0.25;
  row.backend = "cpu";
  row.features = {mean, contrast};
  return row;
}

store_row failed_row(std::int64_t index, const std::string& error) {
  store_row row = done_row(index, 0, 0);
  row.status = row_status::failed;
  row.error = error;
  row.features.clear();
  return row;
}

void expect_rows_equal(const store_row& actual, const store_row& expected) {
  EXPECT_EQ(actual.manifest_row, expected.manifest_row);
  EXPECT_EQ(actual.metadata, expected.metadata);
  EXPECT_EQ(actual.label, expected.label);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.error, expected.error);
  EXPECT_EQ(actual.seconds, expected.seconds);
  EXPECT_EQ(actual.backend, expected.backend);
  ASSERT_EQ(actual.features.size(), expected.features.size());
  for (std::size_t i = 0; i < expected.features.size(); ++i) {
    // Bitwise: the store keeps float64 as written.
    EXPECT_EQ(std::memcmp(&actual.features[i], &expected.features[i], sizeof(double)), 0) << "feature " << i;
  }
}

class FeatureStore : public radcore_folder_test {};

TEST_F(FeatureStore, RoundTripKeepsRowsAndHeader) {
  const fs::path path = folder_ / "features.h5";
  const std::vector<store_row> initial = {done_row(0, 1.5, 0.1), failed_row(1, "mask.nrrd: label 3 not found")};
  const std::vector<store_row> appended = {done_row(2, -0.0, std::nan("")), done_row(3, 1e300, 5e-324)};
  auto writer = feature_store_writer::create(path.string(), sample_header(), initial);
  writer->append(appended);
  EXPECT_EQ(writer->row_count(), 4);
  writer->close();

  const store_contents contents = read_store(path.string());
  const store_header expected = sample_header();
  EXPECT_EQ(contents.header.metadata_columns, expected.metadata_columns);
  EXPECT_EQ(contents.header.feature_names, expected.feature_names);
  EXPECT_EQ(contents.header.settings_text, expected.settings_text);
  EXPECT_EQ(contents.header.settings_sha1, expected.settings_sha1);
  EXPECT_EQ(contents.header.radcore_version, expected.radcore_version);
  EXPECT_EQ(contents.header.git_revision, expected.git_revision);
  EXPECT_EQ(contents.header.backend, expected.backend);
  EXPECT_EQ(contents.header.device, expected.device);
  EXPECT_EQ(contents.incomplete_rows, 0);
  ASSERT_EQ(contents.rows.size(), 4u);
  expect_rows_equal(contents.rows[0], initial[0]);
  expect_rows_equal(contents.rows[1], initial[1]);
  expect_rows_equal(contents.rows[2], appended[0]);
  expect_rows_equal(contents.rows[3], appended[1]);
}

TEST_F(FeatureStore, ReadsWhileWriterIsOpen) {
  const fs::path path = folder_ / "features.h5";
  auto writer = feature_store_writer::create(path.string(), sample_header(), {done_row(0, 1, 2)});
  writer->append({done_row(1, 3, 4)});
  // The writer is still open in SWMR mode, as after a kill.
  const store_contents contents = read_store(path.string());
  ASSERT_EQ(contents.rows.size(), 2u);
  EXPECT_EQ(contents.rows[1].features[0], 3.0);
  writer->close();
}

TEST_F(FeatureStore, LayoutHasDocumentedDatasets) {
  const fs::path path = folder_ / "features.h5";
  feature_store_writer::create(path.string(), sample_header(), {done_row(0, 1, 2)})->close();

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  int layout = 0;
  const hid_t attribute = H5Aopen(file, "layout_version", H5P_DEFAULT);
  ASSERT_GE(attribute, 0);
  H5Aread(attribute, H5T_NATIVE_INT, &layout);
  H5Aclose(attribute);
  EXPECT_EQ(layout, feature_store_layout_version);
  for (const char* name : {"settings", "settings_sha1", "radcore_version", "git_revision", "backend", "device"}) {
    EXPECT_GT(H5Aexists(file, name), 0) << name;
  }

  struct expected_dataset {
    const char* name;
    H5T_class_t type_class;
    int rank;
  };
  for (const expected_dataset& expected :
       {expected_dataset{"features", H5T_FLOAT, 2}, {"feature_names", H5T_STRING, 1}, {"metadata_columns", H5T_STRING, 1},
        {"rows/manifest_row", H5T_INTEGER, 1}, {"rows/metadata", H5T_STRING, 2}, {"rows/label", H5T_INTEGER, 1},
        {"rows/status", H5T_INTEGER, 1}, {"rows/error", H5T_STRING, 1}, {"rows/seconds", H5T_FLOAT, 1},
        {"rows/backend", H5T_STRING, 1}}) {
    const hid_t dataset = H5Dopen2(file, expected.name, H5P_DEFAULT);
    ASSERT_GE(dataset, 0) << expected.name;
    const hid_t type = H5Dget_type(dataset);
    EXPECT_EQ(H5Tget_class(type), expected.type_class) << expected.name;
    const hid_t space = H5Dget_space(dataset);
    EXPECT_EQ(H5Sget_simple_extent_ndims(space), expected.rank) << expected.name;
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(dataset);
  }
  const hid_t features = H5Dopen2(file, "features", H5P_DEFAULT);
  const hid_t properties = H5Dget_create_plist(features);
  EXPECT_EQ(H5Pget_layout(properties), H5D_CHUNKED);
  const hid_t space = H5Dget_space(features);
  hsize_t dims[2] = {};
  hsize_t max_dims[2] = {};
  H5Sget_simple_extent_dims(space, dims, max_dims);
  EXPECT_EQ(dims[0], 1u);
  EXPECT_EQ(dims[1], 2u);
  EXPECT_EQ(max_dims[0], H5S_UNLIMITED);
  H5Sclose(space);
  H5Pclose(properties);
  H5Dclose(features);
  H5Fclose(file);
}

TEST_F(FeatureStore, RowWithoutStatusReadsAsIncomplete) {
  const fs::path path = folder_ / "features.h5";
  feature_store_writer::create(path.string(), sample_header(), {done_row(0, 1, 2), done_row(1, 3, 4)})->close();
  // Clears the last row's status, as a writer killed between its two flushes leaves it.
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t status = H5Dopen2(file, "rows/status", H5P_DEFAULT);
  const hid_t space = H5Dget_space(status);
  const hsize_t start[1] = {1};
  const hsize_t count[1] = {1};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t memory = H5Screate_simple(1, count, nullptr);
  const std::int8_t incomplete = 0;
  ASSERT_GE(H5Dwrite(status, H5T_NATIVE_INT8, memory, space, H5P_DEFAULT, &incomplete), 0);
  H5Sclose(memory);
  H5Sclose(space);
  H5Dclose(status);
  H5Fclose(file);

  const store_contents contents = read_store(path.string());
  EXPECT_EQ(contents.rows.size(), 1u);
  EXPECT_EQ(contents.incomplete_rows, 1);
}

TEST_F(FeatureStore, CreateReplacesExistingStoreWhole) {
  const fs::path path = folder_ / "features.h5";
  feature_store_writer::create(path.string(), sample_header(), {done_row(0, 1, 2), done_row(1, 3, 4)})->close();
  feature_store_writer::create(path.string(), sample_header(), {done_row(5, 7, 8)})->close();
  const store_contents contents = read_store(path.string());
  ASSERT_EQ(contents.rows.size(), 1u);
  EXPECT_EQ(contents.rows[0].manifest_row, 5);
  EXPECT_FALSE(fs::exists(path.string() + ".partial"));
}

TEST_F(FeatureStore, StoreWithoutFeatureColumnsRoundTrips) {
  const fs::path path = folder_ / "features.h5";
  store_header header = sample_header();
  header.feature_names.clear();
  feature_store_writer::create(path.string(), header, {failed_row(0, "image file not found")})->close();
  const store_contents contents = read_store(path.string());
  EXPECT_TRUE(contents.header.feature_names.empty());
  ASSERT_EQ(contents.rows.size(), 1u);
  EXPECT_EQ(contents.rows[0].error, "image file not found");
}

TEST_F(FeatureStore, LongErrorIsTruncatedWithMarker) {
  const fs::path path = folder_ / "features.h5";
  // 600 bytes of two-byte characters: the cut must not split one.
  std::string message;
  for (int i = 0; i < 300; ++i) message += "\xc3\xa9";
  feature_store_writer::create(path.string(), sample_header(), {failed_row(0, message)})->close();
  const std::string stored = read_store(path.string()).rows.at(0).error;
  EXPECT_LE(stored.size(), feature_store_error_width);
  const std::string marker = feature_store_truncation_marker;
  ASSERT_GE(stored.size(), marker.size());
  EXPECT_EQ(stored.substr(stored.size() - marker.size()), marker);
  EXPECT_EQ((stored.size() - marker.size()) % 2, 0u) << "a two-byte character was split";
}

TEST(FeatureStoreMessages, TruncateKeepsShortMessages) {
  EXPECT_EQ(truncate_message("short", 512), "short");
  EXPECT_EQ(truncate_message(std::string(20, 'x'), 16), "xxxx [truncated]");
}

TEST_F(FeatureStore, MissingFileIsInputError) {
  const std::string path = (folder_ / "absent.h5").string();
  try {
    read_store(path);
    FAIL() << "read_store accepted a missing file";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()), path + ": feature store not found");
  }
}

TEST_F(FeatureStore, OtherHdf5FileIsNotAStore) {
  const fs::path path = folder_ / "other.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  H5Fclose(file);
  try {
    read_store(path.string());
    FAIL() << "read_store accepted a file without layout_version";
  } catch (const input_error& error) {
    EXPECT_TRUE(testing::contains(error.what(), "not a radcore feature store")) << error.what();
  }
}

// Returns a python3 that imports h5py and pandas, or an empty string.
std::string python_with_h5py() {
  for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
    const std::string command = candidate + " -c 'import h5py, pandas' >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return candidate;
  }
  return "";
}

TEST_F(FeatureStore, DocumentedPythonSnippetReadsStore) {
  const std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "python3 with h5py and pandas not found (scripts/setup.sh installs them)";

  const std::string doc = testing::read_text(fs::path(RADCORE_SOURCE_DIR) / "docs" / "hdf5-layout.md");
  const std::smatch match = [&] {
    std::smatch found;
    std::regex_search(doc, found, std::regex("```python\n([\\s\\S]*?)```"));
    return found;
  }();
  ASSERT_FALSE(match.empty()) << "docs/hdf5-layout.md has no ```python block";
  std::string snippet = match[1].str();
  const std::string placeholder = "\"features.h5\"";
  const std::size_t at = snippet.find(placeholder);
  ASSERT_NE(at, std::string::npos) << "the snippet does not open \"features.h5\"";

  const fs::path path = folder_ / "features.h5";
  auto writer = feature_store_writer::create(path.string(), sample_header(),
                                             {done_row(0, 1.5, 0.25), failed_row(1, "no ROI"), done_row(2, 2.5, 4.0)});
  // Still open for SWMR writing, as a running or killed cohort leaves the file.
  snippet.replace(at, placeholder.size(), "\"" + path.string() + "\"");
  snippet += "print(len(table), table['ID'].tolist(), table['original_glcm_Contrast'].tolist(), table['label'].tolist())\n";
  const fs::path script = folder_ / "read.py";
  testing::write_text(script, snippet);
  const fs::path output = folder_ / "python.txt";
  const int status = std::system((python + " " + script.string() + " >" + output.string() + " 2>&1").c_str());
  EXPECT_EQ(status, 0) << testing::read_text(output);
  EXPECT_EQ(testing::read_text(output), "2 ['p0', 'p2'] [0.25, 4.0] [1, 1]\n");
  writer->close();
}

}  // namespace
}  // namespace radcore
