#include "io/feature_store.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <utility>

#include "kernels/error.hpp"

namespace radcore {
namespace {

constexpr std::size_t backend_width = 16;
constexpr hsize_t matrix_chunk_rows = 64;  // 64 rows of 851 features are 436 KiB, inside the chunk cache
constexpr hsize_t column_chunk_rows = 256;
constexpr std::size_t chunk_cache_bytes = 4u << 20;
constexpr std::size_t chunk_cache_slots = 521;  // a prime, as HDF5 advises for its hash table

// The innermost message on HDF5's error stack, such as "unable to open file".
std::string hdf5_error_text() {
  std::string text;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned position, const H5E_error2_t* error, void* data) -> herr_t {
        if (position == 0 && error->desc) *static_cast<std::string*>(data) = error->desc;
        return 0;
      },
      &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "unknown HDF5 error" : text;
}

// An HDF5 identifier closed by its own close function when it goes out of scope.
class h5_handle {
 public:
  h5_handle() = default;
  h5_handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  h5_handle(h5_handle&& other) noexcept { *this = std::move(other); }
  h5_handle& operator=(h5_handle&& other) noexcept {
    reset();
    std::swap(id_, other.id_);
    std::swap(closer_, other.closer_);
    return *this;
  }
  ~h5_handle() { reset(); }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  // Gives up ownership, for a caller that closes the identifier and checks the result itself.
  hid_t release() { return std::exchange(id_, -1); }

 private:
  hid_t id_ = -1;
  herr_t (*closer_)(hid_t) = nullptr;
};

class hdf5_failure {
 public:
  explicit hdf5_failure(std::string path) : path_(std::move(path)) {}

  hid_t check(hid_t id, const std::string& action) const {
    if (id < 0) fail(action);
    return id;
  }
  void check_status(herr_t status, const std::string& action) const {
    if (status < 0) fail(action);
  }
  [[noreturn]] void fail(const std::string& action) const {
    throw input_error(path_ + ": HDF5 could not " + action + " (" + hdf5_error_text() + ")");
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void silence_hdf5_error_printing() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

h5_handle string_type(std::size_t width) {
  h5_handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(width, 1));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

std::size_t longest(const std::vector<std::string>& texts) {
  std::size_t width = 1;
  for (const std::string& text : texts) width = std::max(width, text.size());
  return width;
}

// Packs strings into one buffer of fixed-width, NUL-padded fields.
std::vector<char> pack_strings(const std::vector<std::string>& texts, std::size_t width) {
  std::vector<char> buffer(texts.size() * width, '\0');
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::memcpy(buffer.data() + i * width, texts[i].data(), std::min(width, texts[i].size()));
  }
  return buffer;
}

std::vector<std::string> unpack_strings(const std::vector<char>& buffer, std::size_t width) {
  std::vector<std::string> texts;
  for (std::size_t offset = 0; offset + width <= buffer.size(); offset += width) {
    const char* start = buffer.data() + offset;
    texts.emplace_back(start, strnlen(start, width));
  }
  return texts;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value,
                            const hdf5_failure& failure) {
  const h5_handle type = string_type(value.size());
  const h5_handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const h5_handle attribute(
      failure.check(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + name),
      H5Aclose);
  const std::vector<char> buffer = pack_strings({value}, std::max<std::size_t>(value.size(), 1));
  failure.check_status(H5Awrite(attribute.get(), type.get(), buffer.data()), "write attribute " + name);
}

void write_layout_version(hid_t file, const hdf5_failure& failure) {
  const h5_handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const h5_handle attribute(
      failure.check(H5Acreate2(file, "layout_version", H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute layout_version"),
      H5Aclose);
  const int layout = feature_store_layout_version;
  failure.check_status(H5Awrite(attribute.get(), H5T_NATIVE_INT, &layout), "write attribute layout_version");
}

std::string read_string_attribute(hid_t object, const std::string& name, const hdf5_failure& failure) {
  const h5_handle attribute(failure.check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name),
                            H5Aclose);
  const h5_handle file_type(H5Aget_type(attribute.get()), H5Tclose);
  const std::size_t width = H5Tget_size(file_type.get());
  const h5_handle type = string_type(width);
  std::vector<char> buffer(width);
  failure.check_status(H5Aread(attribute.get(), type.get(), buffer.data()), "read attribute " + name);
  return unpack_strings(buffer, width).front();
}

// One extendable dataset of the store: rank 1 (one value per row) or rank 2 (`columns` values per row).
struct column_spec {
  std::string name;
  hid_t type;  // memory and file type
  hsize_t columns = 0;  // 0 for rank 1
  hsize_t chunk_rows = column_chunk_rows;
};

h5_handle create_row_dataset(hid_t file, const column_spec& spec, const void* fill, const hdf5_failure& failure) {
  const int rank = spec.columns == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, spec.columns};
  // A matrix without columns still needs a chunk of at least one column, so its second axis is extendable.
  const hsize_t max_dims[2] = {H5S_UNLIMITED, spec.columns == 0 ? H5S_UNLIMITED : spec.columns};
  const hsize_t chunk[2] = {spec.chunk_rows, std::max<hsize_t>(spec.columns, 1)};
  const h5_handle space(H5Screate_simple(rank, dims, max_dims), H5Sclose);
  const h5_handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(properties.get(), rank, chunk);
  if (fill) H5Pset_fill_value(properties.get(), spec.type, fill);
  return h5_handle(failure.check(H5Dcreate2(file, spec.name.c_str(), spec.type, space.get(), H5P_DEFAULT,
                                            properties.get(), H5P_DEFAULT),
                                 "create dataset " + spec.name),
                   H5Dclose);
}

void write_fixed_dataset(hid_t file, const std::string& name, const std::vector<std::string>& texts,
                         const hdf5_failure& failure) {
  const std::size_t width = longest(texts);
  const h5_handle type = string_type(width);
  const hsize_t dims[1] = {texts.size()};
  const h5_handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const h5_handle dataset(failure.check(H5Dcreate2(file, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                                   H5P_DEFAULT, H5P_DEFAULT),
                                        "create dataset " + name),
                          H5Dclose);
  if (texts.empty()) return;
  const std::vector<char> buffer = pack_strings(texts, width);
  failure.check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                       "write dataset " + name);
}

std::vector<std::string> read_string_dataset(hid_t dataset, const hdf5_failure& failure, const std::string& name) {
  const h5_handle file_type(H5Dget_type(dataset), H5Tclose);
  const std::size_t width = H5Tget_size(file_type.get());
  const h5_handle space(H5Dget_space(dataset), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  std::vector<char> buffer(static_cast<std::size_t>(count) * width);
  if (count > 0) {
    const h5_handle type = string_type(width);
    failure.check_status(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                         "read dataset " + name);
  }
  return unpack_strings(buffer, width);
}

std::string utf8_prefix(const std::string& text, std::size_t bytes) {
  bytes = std::min(bytes, text.size());
  // A UTF-8 continuation byte is 10xxxxxx; back off until the cut starts a character.
  while (bytes > 0 && bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes);
}

void fsync_path(const std::string& path, const hdf5_failure& failure) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw input_error(failure.path() + ": could not sync " + path + " to disk (" + reason + ")");
  }
  ::close(fd);
}

}  // namespace

std::string truncate_message(const std::string& message, std::size_t width) {
  if (message.size() <= width) return message;
  const std::string marker = feature_store_truncation_marker;
  return utf8_prefix(message, width - marker.size()) + marker;
}

// The open file and its row datasets, in the order of `columns`.
class feature_store_writer::impl {
 public:
  impl(std::string path, const store_header& header) : failure_(std::move(path)), header_(header) {}

  void create_file(const std::string& temporary_path, const std::vector<store_row>& initial_rows);
  void append(const std::vector<store_row>& rows);
  // Releases every HDF5 identifier the writer holds, so that none is left when the library shuts down.
  void close() {
    datasets_.clear();
    const hid_t file = file_.release();
    if (file >= 0) failure_.check_status(H5Fclose(file), "close the file");
    string_types_.clear();
  }
  std::int64_t rows() const { return rows_; }
  const hdf5_failure& failure() const { return failure_; }

 private:
  void create_datasets();
  void open_datasets();
  void extend_and_write(const std::vector<store_row>& rows);
  void write_status(const std::vector<store_row>& rows);
  void write_block(std::size_t index, const void* buffer, std::size_t row_count, hsize_t first_row);
  void flush_and_sync();

  hdf5_failure failure_;
  store_header header_;
  h5_handle file_;
  std::vector<h5_handle> string_types_;
  std::vector<column_spec> columns_;
  std::vector<h5_handle> datasets_;
  std::int64_t rows_ = 0;
};

namespace {

enum column_index : std::size_t { features_column, manifest_row_column, metadata_column, label_column,
                                  status_column, error_column, seconds_column, backend_column, repeat_column,
                                  perturbation_column, parameters_column };

// Writes the ICC table of a stability store into the group `icc`.
void write_icc_table(hid_t file, const store_icc_table& table, std::size_t features, const hdf5_failure& failure) {
  const std::size_t models = table.models.size();
  if (table.icc.size() != features * models || table.ci_low.size() != features * models ||
      table.ci_high.size() != features * models || table.subjects.size() != features ||
      table.repeats.size() != features) {
    throw input_error(failure.path() + ": the ICC table does not match the store's " + std::to_string(features) +
                      " features");
  }
  const h5_handle group(failure.check(H5Gcreate2(file, "icc", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group icc"),
                        H5Gclose);
  write_fixed_dataset(file, "icc/models", table.models, failure);
  auto write_matrix = [&](const std::string& name, hid_t type, const void* data, hsize_t columns) {
    const hsize_t dims[2] = {features, columns};
    const h5_handle space(H5Screate_simple(columns == 0 ? 1 : 2, dims, nullptr), H5Sclose);
    const h5_handle dataset(failure.check(H5Dcreate2(file, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                                     H5P_DEFAULT),
                                          "create dataset " + name),
                            H5Dclose);
    if (features == 0) return;
    failure.check_status(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + name);
  };
  write_matrix("icc/icc", H5T_NATIVE_DOUBLE, table.icc.data(), models);
  write_matrix("icc/ci_low", H5T_NATIVE_DOUBLE, table.ci_low.data(), models);
  write_matrix("icc/ci_high", H5T_NATIVE_DOUBLE, table.ci_high.data(), models);
  write_matrix("icc/n_subjects", H5T_NATIVE_INT32, table.subjects.data(), 0);
  write_matrix("icc/n_repeats", H5T_NATIVE_INT32, table.repeats.data(), 0);
}

}  // namespace

void feature_store_writer::impl::create_file(const std::string& temporary_path,
                                             const std::vector<store_row>& initial_rows) {
  const h5_handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // SWMR needs the 1.10 file format (superblock version 3 and its chunk indexes).
  H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  file_ = h5_handle(failure_.check(H5Fcreate(temporary_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                                   "create " + temporary_path),
                    H5Fclose);

  const hid_t root = file_.get();
  write_layout_version(root, failure_);
  write_string_attribute(root, "settings", header_.settings_text, failure_);
  write_string_attribute(root, "settings_sha1", header_.settings_sha1, failure_);
  write_string_attribute(root, "radcore_version", header_.radcore_version, failure_);
  write_string_attribute(root, "git_revision", header_.git_revision, failure_);
  write_string_attribute(root, "backend", header_.backend, failure_);
  write_string_attribute(root, "device", header_.device, failure_);
  if (!header_.stability_text.empty()) write_string_attribute(root, "stability", header_.stability_text, failure_);

  write_fixed_dataset(root, "feature_names", header_.feature_names, failure_);
  write_fixed_dataset(root, "metadata_columns", header_.metadata_columns, failure_);
  create_datasets();
  if (header_.icc) write_icc_table(root, *header_.icc, header_.feature_names.size(), failure_);
  if (!initial_rows.empty()) append(initial_rows);

  // SWMR writing may start only while no attribute is open; the datasets are reopened afterwards.
  datasets_.clear();
  failure_.check_status(H5Fstart_swmr_write(file_.get()), "start SWMR writing");
  open_datasets();
  flush_and_sync();
}

void feature_store_writer::impl::create_datasets() {
  string_types_.clear();
  string_types_.push_back(string_type(header_.metadata_width));
  string_types_.push_back(string_type(feature_store_error_width));
  string_types_.push_back(string_type(backend_width));
  columns_ = {
      {"features", H5T_NATIVE_DOUBLE, header_.feature_names.size(), matrix_chunk_rows},
      {"rows/manifest_row", H5T_NATIVE_INT64},
      {"rows/metadata", string_types_[0].get(), std::max<hsize_t>(header_.metadata_columns.size(), 1),
       matrix_chunk_rows},
      {"rows/label", H5T_NATIVE_INT32},
      {"rows/status", H5T_NATIVE_INT8},
      {"rows/error", string_types_[1].get()},
      {"rows/seconds", H5T_NATIVE_DOUBLE},
      {"rows/backend", string_types_[2].get()},
  };
  if (!header_.stability_text.empty()) {
    string_types_.push_back(string_type(feature_store_perturbation_width));
    string_types_.push_back(string_type(feature_store_parameters_width));
    columns_.push_back({"rows/repeat", H5T_NATIVE_INT32});
    columns_.push_back({"rows/perturbation", string_types_[3].get()});
    columns_.push_back({"rows/perturbation_parameters", string_types_[4].get()});
  }
  const h5_handle group(failure_.check(H5Gcreate2(file_.get(), "rows", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                       "create group rows"),
                        H5Gclose);
  const double missing = std::nan("");
  const std::int8_t incomplete = static_cast<std::int8_t>(row_status::incomplete);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const void* fill = i == features_column ? static_cast<const void*>(&missing)
                       : i == status_column ? static_cast<const void*>(&incomplete)
                                            : nullptr;
    datasets_.push_back(create_row_dataset(file_.get(), columns_[i], fill, failure_));
  }
}

void feature_store_writer::impl::open_datasets() {
  const h5_handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  H5Pset_chunk_cache(access.get(), chunk_cache_slots, chunk_cache_bytes, 1.0);
  for (const column_spec& spec : columns_) {
    datasets_.emplace_back(failure_.check(H5Dopen2(file_.get(), spec.name.c_str(), access.get()),
                                          "open dataset " + spec.name),
                           H5Dclose);
  }
}

void feature_store_writer::impl::write_block(std::size_t index, const void* buffer, std::size_t row_count,
                                             hsize_t first_row) {
  const column_spec& spec = columns_[index];
  const hid_t dataset = datasets_[index].get();
  const int rank = spec.columns == 0 ? 1 : 2;
  const hsize_t columns = spec.columns == 0 ? 1 : spec.columns;
  const hsize_t start[2] = {first_row, 0};
  const hsize_t count[2] = {row_count, columns};
  const h5_handle file_space(H5Dget_space(dataset), H5Sclose);
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  const h5_handle memory_space(H5Screate_simple(rank, count, nullptr), H5Sclose);
  failure_.check_status(H5Dwrite(dataset, spec.type, memory_space.get(), file_space.get(), H5P_DEFAULT, buffer),
                        "write dataset " + spec.name);
}

void feature_store_writer::impl::extend_and_write(const std::vector<store_row>& rows) {
  const std::size_t count = rows.size();
  const hsize_t first = static_cast<hsize_t>(rows_);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const hsize_t dims[2] = {first + count, columns_[i].columns};
    failure_.check_status(H5Dset_extent(datasets_[i].get(), dims), "extend dataset " + columns_[i].name);
  }
  if (!header_.feature_names.empty()) {
    const std::size_t width = header_.feature_names.size();
    std::vector<double> matrix(count * width, std::nan(""));
    for (std::size_t r = 0; r < count; ++r) {
      if (rows[r].status == row_status::done) {
        std::copy(rows[r].features.begin(), rows[r].features.end(), matrix.begin() + r * width);
      }
    }
    write_block(features_column, matrix.data(), count, first);
  }

  std::vector<std::int64_t> manifest_rows;
  std::vector<std::int32_t> labels;
  std::vector<double> seconds;
  std::vector<std::string> metadata, errors, backends;
  const std::size_t metadata_count = std::max<std::size_t>(header_.metadata_columns.size(), 1);
  for (const store_row& row : rows) {
    manifest_rows.push_back(row.manifest_row);
    labels.push_back(row.label);
    seconds.push_back(row.seconds);
    for (std::size_t c = 0; c < metadata_count; ++c) metadata.push_back(c < row.metadata.size() ? row.metadata[c] : "");
    errors.push_back(truncate_message(row.error, feature_store_error_width));
    backends.push_back(row.backend);
  }
  write_block(manifest_row_column, manifest_rows.data(), count, first);
  write_block(metadata_column, pack_strings(metadata, header_.metadata_width).data(), count, first);
  write_block(label_column, labels.data(), count, first);
  write_block(error_column, pack_strings(errors, feature_store_error_width).data(), count, first);
  write_block(seconds_column, seconds.data(), count, first);
  write_block(backend_column, pack_strings(backends, backend_width).data(), count, first);
  if (header_.stability_text.empty()) return;

  std::vector<std::int32_t> repeats;
  std::vector<std::string> chains, parameters;
  for (const store_row& row : rows) {
    repeats.push_back(row.repeat);
    chains.push_back(truncate_message(row.perturbation, feature_store_perturbation_width));
    parameters.push_back(truncate_message(row.perturbation_parameters, feature_store_parameters_width));
  }
  write_block(repeat_column, repeats.data(), count, first);
  write_block(perturbation_column, pack_strings(chains, feature_store_perturbation_width).data(), count, first);
  write_block(parameters_column, pack_strings(parameters, feature_store_parameters_width).data(), count, first);
}

void feature_store_writer::impl::write_status(const std::vector<store_row>& rows) {
  std::vector<std::int8_t> status;
  for (const store_row& row : rows) status.push_back(static_cast<std::int8_t>(row.status));
  write_block(status_column, status.data(), rows.size(), static_cast<hsize_t>(rows_));
}

void feature_store_writer::impl::flush_and_sync() {
  failure_.check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush the file");
  void* handle = nullptr;
  failure_.check_status(H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle), "get the file descriptor");
  // The default sec2 driver's handle is a pointer to the POSIX file descriptor.
  if (::fsync(*static_cast<int*>(handle)) != 0) {
    throw input_error(failure_.path() + ": could not sync the file to disk (" + std::strerror(errno) + ")");
  }
}

// The status column is written after every other column of the rows is on disk, so a status other
// than `incomplete` is the row's commit mark.
void feature_store_writer::impl::append(const std::vector<store_row>& rows) {
  if (rows.empty()) return;
  for (const store_row& row : rows) {
    if (row.status == row_status::done && row.features.size() != header_.feature_names.size()) {
      throw input_error(failure_.path() + ": a done row has " + std::to_string(row.features.size()) +
                        " feature values for " + std::to_string(header_.feature_names.size()) + " columns");
    }
  }
  extend_and_write(rows);
  flush_and_sync();
  write_status(rows);
  flush_and_sync();
  rows_ += static_cast<std::int64_t>(rows.size());
}

feature_store_writer::feature_store_writer(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

feature_store_writer::~feature_store_writer() {
  try {
    if (impl_) impl_->close();
  } catch (const input_error&) {
    // A destructor must not throw; callers that need the outcome call close() themselves.
  }
}

std::unique_ptr<feature_store_writer> feature_store_writer::create(const std::string& path,
                                                                    const store_header& header,
                                                                    const std::vector<store_row>& initial_rows) {
  silence_hdf5_error_printing();
  store_header sized = header;
  for (const store_row& row : initial_rows) sized.metadata_width = std::max(sized.metadata_width, longest(row.metadata));

  auto state = std::make_unique<impl>(path, sized);
  const std::string temporary_path = path + ".partial";
  std::filesystem::remove(temporary_path);
  state->create_file(temporary_path, initial_rows);

  // rename(2) replaces the old store in one step, so a reader sees the old file or the new one.
  if (std::rename(temporary_path.c_str(), path.c_str()) != 0) {
    throw input_error(path + ": could not move " + temporary_path + " into place (" + std::strerror(errno) + ")");
  }
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  fsync_path(folder.string(), state->failure());
  return std::unique_ptr<feature_store_writer>(new feature_store_writer(std::move(state)));
}

void feature_store_writer::append(const std::vector<store_row>& rows) { impl_->append(rows); }
std::int64_t feature_store_writer::row_count() const { return impl_->rows(); }
void feature_store_writer::close() { impl_->close(); }

namespace {

template <typename Value>
std::vector<Value> read_numbers(hid_t file, const std::string& name, hid_t type, const hdf5_failure& failure) {
  const h5_handle dataset(failure.check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open dataset " + name),
                          H5Dclose);
  const h5_handle space(H5Dget_space(dataset.get()), H5Sclose);
  std::vector<Value> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!values.empty()) {
    failure.check_status(H5Dread(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                         "read dataset " + name);
  }
  return values;
}

std::vector<std::string> read_strings(hid_t file, const std::string& name, const hdf5_failure& failure) {
  const h5_handle dataset(failure.check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open dataset " + name),
                          H5Dclose);
  return read_string_dataset(dataset.get(), failure, name);
}

h5_handle open_for_reading(const std::string& path, const hdf5_failure& failure) {
  if (!std::filesystem::exists(path)) {
    // A distributed run writes the store only when it ends; until then its rows are in the shards.
    if (std::filesystem::is_directory(path + ".shards")) {
      throw input_error(path + ": feature store not found, but " + path +
                        ".shards holds the shards of an unfinished distributed run; continue it with "
                        "extract --cohort ... --resume, which merges them into the store");
    }
    throw input_error(path + ": feature store not found");
  }
  // SWMR-read mode opens a file whose writer runs or was killed; a file closed normally opens either way.
  // On a checksum failure a SWMR reader retries the read, by default 100 times with growing sleeps, in
  // case a writer is midway through an update. A truncated file fails every attempt, so a few suffice.
  const h5_handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (access.get() < 0 || H5Pset_metadata_read_attempts(access.get(), 4) < 0) {
    throw input_error(path + ": could not set up HDF5 file access (H5Pset_metadata_read_attempts failed)");
  }
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, access.get());
  if (file < 0) {
    H5Eclear2(H5E_DEFAULT);
    file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get());
  }
  return h5_handle(failure.check(file, "open the file as a feature store"), H5Fclose);
}

store_header read_header(hid_t file, const hdf5_failure& failure) {
  if (H5Aexists(file, "layout_version") <= 0) {
    throw input_error(failure.path() + ": not a radcore feature store (no layout_version attribute)");
  }
  int layout = 0;
  const h5_handle version(H5Aopen(file, "layout_version", H5P_DEFAULT), H5Aclose);
  failure.check_status(H5Aread(version.get(), H5T_NATIVE_INT, &layout), "read attribute layout_version");
  if (layout != feature_store_layout_version) {
    throw input_error(failure.path() + ": feature store layout version " + std::to_string(layout) +
                      " is not the version " + std::to_string(feature_store_layout_version) +
                      " this radcore reads; export it with the radcore that wrote it");
  }
  store_header header;
  header.settings_text = read_string_attribute(file, "settings", failure);
  header.settings_sha1 = read_string_attribute(file, "settings_sha1", failure);
  header.radcore_version = read_string_attribute(file, "radcore_version", failure);
  header.git_revision = read_string_attribute(file, "git_revision", failure);
  header.backend = read_string_attribute(file, "backend", failure);
  header.device = read_string_attribute(file, "device", failure);
  header.feature_names = read_strings(file, "feature_names", failure);
  header.metadata_columns = read_strings(file, "metadata_columns", failure);
  const h5_handle metadata(H5Dopen2(file, "rows/metadata", H5P_DEFAULT), H5Dclose);
  const h5_handle type(H5Dget_type(metadata.get()), H5Tclose);
  header.metadata_width = H5Tget_size(type.get());
  if (H5Aexists(file, "stability") > 0) header.stability_text = read_string_attribute(file, "stability", failure);
  return header;
}

store_icc_table read_icc_table(hid_t file, const hdf5_failure& failure) {
  store_icc_table table;
  table.models = read_strings(file, "icc/models", failure);
  table.icc = read_numbers<double>(file, "icc/icc", H5T_NATIVE_DOUBLE, failure);
  table.ci_low = read_numbers<double>(file, "icc/ci_low", H5T_NATIVE_DOUBLE, failure);
  table.ci_high = read_numbers<double>(file, "icc/ci_high", H5T_NATIVE_DOUBLE, failure);
  table.subjects = read_numbers<std::int32_t>(file, "icc/n_subjects", H5T_NATIVE_INT32, failure);
  table.repeats = read_numbers<std::int32_t>(file, "icc/n_repeats", H5T_NATIVE_INT32, failure);
  return table;
}

}  // namespace

store_contents read_store(const std::string& path) {
  silence_hdf5_error_printing();
  const hdf5_failure failure(path);
  const h5_handle file = open_for_reading(path, failure);

  store_contents contents;
  contents.header = read_header(file.get(), failure);
  const std::vector<std::int8_t> status = read_numbers<std::int8_t>(file.get(), "rows/status", H5T_NATIVE_INT8, failure);
  const std::vector<std::int64_t> manifest_rows =
      read_numbers<std::int64_t>(file.get(), "rows/manifest_row", H5T_NATIVE_INT64, failure);
  const std::vector<std::int32_t> labels = read_numbers<std::int32_t>(file.get(), "rows/label", H5T_NATIVE_INT32, failure);
  const std::vector<double> seconds = read_numbers<double>(file.get(), "rows/seconds", H5T_NATIVE_DOUBLE, failure);
  const std::vector<std::string> metadata = read_strings(file.get(), "rows/metadata", failure);
  const std::vector<std::string> errors = read_strings(file.get(), "rows/error", failure);
  const std::vector<std::string> backends = read_strings(file.get(), "rows/backend", failure);
  const std::size_t width = contents.header.feature_names.size();
  const std::vector<double> matrix =
      width == 0 ? std::vector<double>() : read_numbers<double>(file.get(), "features", H5T_NATIVE_DOUBLE, failure);
  const bool stability = !contents.header.stability_text.empty();
  std::vector<std::int32_t> repeats;
  std::vector<std::string> chains, parameters;
  if (stability) {
    repeats = read_numbers<std::int32_t>(file.get(), "rows/repeat", H5T_NATIVE_INT32, failure);
    chains = read_strings(file.get(), "rows/perturbation", failure);
    parameters = read_strings(file.get(), "rows/perturbation_parameters", failure);
  }
  if (H5Lexists(file.get(), "icc", H5P_DEFAULT) > 0) contents.header.icc = read_icc_table(file.get(), failure);

  // Datasets are extended one after another, so a killed writer may leave some a few rows longer.
  const std::size_t metadata_count = std::max<std::size_t>(contents.header.metadata_columns.size(), 1);
  std::size_t rows = std::min({status.size(), manifest_rows.size(), labels.size(), seconds.size(),
                               errors.size(), backends.size(), metadata.size() / metadata_count});
  if (width > 0) rows = std::min(rows, matrix.size() / width);
  if (stability) rows = std::min({rows, repeats.size(), chains.size(), parameters.size()});
  contents.incomplete_rows = static_cast<std::int64_t>(status.size() - rows);
  for (std::size_t r = 0; r < rows; ++r) {
    if (status[r] != static_cast<std::int8_t>(row_status::done) &&
        status[r] != static_cast<std::int8_t>(row_status::failed)) {
      ++contents.incomplete_rows;
      continue;
    }
    store_row row;
    row.manifest_row = manifest_rows[r];
    row.metadata.assign(metadata.begin() + static_cast<std::ptrdiff_t>(r * metadata_count),
                        metadata.begin() + static_cast<std::ptrdiff_t>((r + 1) * metadata_count));
    row.metadata.resize(contents.header.metadata_columns.size());
    row.label = labels[r];
    row.status = static_cast<row_status>(status[r]);
    row.error = errors[r];
    row.seconds = seconds[r];
    row.backend = backends[r];
    if (stability) {
      row.repeat = repeats[r];
      row.perturbation = chains[r];
      row.perturbation_parameters = parameters[r];
    }
    if (row.status == row_status::done) {
      row.features.assign(matrix.begin() + static_cast<std::ptrdiff_t>(r * width),
                          matrix.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
    }
    contents.rows.push_back(std::move(row));
  }
  return contents;
}

}  // namespace radcore
