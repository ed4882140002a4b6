#include "kernels/wavelet.hpp"

#include <string>
#include <utility>

#include "kernels/error.hpp"
#include "kernels/wavelet_formulas.hpp"
#include "kernels/wavelet_plan.hpp"
#include "kernels/wavelet_taps.hpp"

namespace radcore {
namespace {

// Widens a span by the reach of a filter of even length F: output n reads inputs n - (F/2 - 1) to n + F/2.
axis_span widen(const axis_span& span, int length) {
  if (span.length + length - 1 >= span.period) return {0, span.period, span.period};
  return {wrap_index(span.first - (length / 2 - 1), span.period), span.length + length - 1, span.period};
}

// Values of the padded image, or of one of its filtered versions, on a block of spans. x is fastest.
template <typename T>
struct block {
  block_spans spans;
  std::vector<T> values;

  std::int64_t stride(int axis) const {
    std::int64_t result = 1;
    for (int a = 0; a < axis; ++a) result *= spans[a].length;
    return result;
  }
};

// Filters `input` along `axis` and returns the output on `output_span` along that axis.
template <typename T>
block<T> filter_along(const block<T>& input, int axis, const axis_span& output_span, const T* taps, int length) {
  block<T> output;
  output.spans = input.spans;
  output.spans[axis] = output_span;
  const std::array<int, 3> extent{output.spans[0].length, output.spans[1].length, output.spans[2].length};
  output.values.resize(std::size_t(extent[0]) * extent[1] * extent[2]);

  // The stride along `axis` is set to 0 for the line's start, which leaves out that axis's coordinate.
  std::array<std::int64_t, 3> start_stride{input.stride(0), input.stride(1), input.stride(2)};
  const std::int64_t line_stride = start_stride[axis];
  start_stride[axis] = 0;
  std::size_t at = 0;
  std::array<int, 3> voxel{};
  for (voxel[2] = 0; voxel[2] < extent[2]; ++voxel[2]) {
    for (voxel[1] = 0; voxel[1] < extent[1]; ++voxel[1]) {
      for (voxel[0] = 0; voxel[0] < extent[0]; ++voxel[0], ++at) {
        const std::int64_t line_start =
            voxel[0] * start_stride[0] + voxel[1] * start_stride[1] + voxel[2] * start_stride[2];
        const periodic_line<T> line{input.values.data() + line_start, line_stride, input.spans[axis].first,
                                    input.spans[axis].period};
        const int n = wrap_index(output_span.first + voxel[axis], output_span.period);
        output.values[at] = swt_periodic_sample(taps, length, line, n);
      }
    }
  }
  return output;
}

// Copies the voxels of `box` out of `data`, whose spans contain the box.
template <typename T>
std::vector<double> crop_to_box(const block<T>& data, const voxel_box& box) {
  const std::array<int, 3> offset = box_offset_in(data.spans, box);
  std::vector<double> values;
  values.reserve(std::size_t(box.count()));
  for (int z = 0; z < box.size[2]; ++z) {
    for (int y = 0; y < box.size[1]; ++y) {
      const std::int64_t row = (offset[2] + z) * data.stride(2) + (offset[1] + y) * data.stride(1) + offset[0];
      for (int x = 0; x < box.size[0]; ++x) values.push_back(double(data.values[std::size_t(row + x)]));
    }
  }
  return values;
}

// Reads the padded image on `spans`.
template <typename T>
block<T> gather_block(const wavelet_input& image, const block_spans& spans) {
  block<T> data;
  data.spans = spans;
  data.values.resize(std::size_t(span_volume(spans)));
  gather_padded(image, spans, data.values.data());
  return data;
}

// One level of pywt.swtn on `input`, with outputs on `output_spans`. Visits the filter tree depth first with
// the low-pass branch first, which yields the decompositions in the order of swtn's dictionary ('a' before
// 'd'). The all-low-pass result is kept as the approximation; the others go to `emit_detail` when it is set.
template <typename T>
class level_transform {
 public:
  using detail_callback = std::function<void(const std::string& letters, const block<T>& detail)>;

  level_transform(const filter_pair<T>& filters, const std::vector<int>& axes,
                  const block_spans& output_spans, detail_callback emit_detail)
      : filters_(filters), axes_(axes), output_spans_(output_spans), emit_detail_(std::move(emit_detail)) {}

  block<T> run(const block<T>& input) {
    std::string letters;
    descend(input, 0, letters);
    return std::move(approximation_);
  }

 private:
  void descend(const block<T>& data, std::size_t depth, std::string& letters) {
    if (depth == axes_.size()) {
      if (letters.find('H') == std::string::npos) {
        approximation_ = data;
      } else {
        emit_detail_(letters, data);
      }
      return;
    }
    const int axis = axes_[depth];
    {
      const block<T> low = filter_along(data, axis, output_spans_[axis], filters_.low, filters_.length);
      letters.push_back('L');
      descend(low, depth + 1, letters);
      letters.pop_back();
    }
    if (!emit_detail_) return;
    const block<T> high = filter_along(data, axis, output_spans_[axis], filters_.high, filters_.length);
    letters.push_back('H');
    descend(high, depth + 1, letters);
    letters.pop_back();
  }

  filter_pair<T> filters_;
  const std::vector<int>& axes_;
  block_spans output_spans_;
  detail_callback emit_detail_;
  block<T> approximation_;
};

template <typename T>
void transform_box(const wavelet_input& image, const voxel_box& box, const wavelet_options& options,
                   const wavelet_sink& sink) {
  const filter_pair<T> filters = typed_filters<T>(wavelet_filter_bank_of(options));
  const std::vector<int> axes = wavelet_transformed_axes(options);
  const int levels = options.start_level + options.level;
  const std::vector<block_spans> spans = wavelet_level_spans(image.size, box, axes, filters.length, levels);

  block<T> data = gather_block<T>(image, spans[0]);
  for (int k = 0; k < levels; ++k) {
    const int returned_level = k - options.start_level + 1;
    typename level_transform<T>::detail_callback emit;
    if (returned_level >= 1) {
      emit = [&](const std::string& letters, const block<T>& detail) {
        sink(wavelet_decomposition{wavelet_level_prefix(returned_level) + letters, box,
                                   crop_to_box(detail, box)});
      };
    }
    data = level_transform<T>(filters, axes, spans[std::size_t(k) + 1], emit).run(data);
  }
  const std::string approximation_name = wavelet_level_prefix(options.level) + std::string(axes.size(), 'L');
  sink(wavelet_decomposition{approximation_name, box, crop_to_box(data, box)});
}

}  // namespace

// PyRadiomics passes the numpy axes from last to first, (2, 1, 0) in 3D and (1, 0) in 2D, less
// force2Ddimension when force2D is set.
std::vector<int> wavelet_transformed_axes(const wavelet_options& options) {
  const int dimensions = options.image_dimensions;
  std::vector<int> axes;
  for (int numpy_axis = dimensions - 1; numpy_axis >= 0; --numpy_axis) {
    if (options.force2d && numpy_axis == options.force2d_dimension) continue;
    axes.push_back(dimensions - 1 - numpy_axis);
  }
  return axes;
}

std::string wavelet_level_prefix(int returned_level) {
  return returned_level == 1 ? "wavelet-" : "wavelet" + std::to_string(returned_level) + "-";
}

void check_wavelet_options(const wavelet_options& options) {
  if (options.image_dimensions != 2 && options.image_dimensions != 3) {
    throw input_error("wavelet: image_dimensions must be 2 or 3, not " + std::to_string(options.image_dimensions));
  }
  if (options.level < 0 || options.start_level < 0) {
    throw input_error("wavelet: level and start_level must be at least 0, not " + std::to_string(options.level) +
                      " and " + std::to_string(options.start_level));
  }
  if (options.force2d && (options.force2d_dimension < 0 || options.force2d_dimension >= options.image_dimensions)) {
    throw input_error("wavelet: force2Ddimension " + std::to_string(options.force2d_dimension) +
                      " is not an axis of a " + std::to_string(options.image_dimensions) + "D image");
  }
}

const wavelet_filter_bank& wavelet_filter_bank_of(const wavelet_options& options) {
  const wavelet_filter_bank* bank = find_wavelet_filter_bank(options.wavelet.c_str());
  if (!bank) {
    throw input_error("wavelet: unknown wavelet '" + options.wavelet +
                      "'; expected a discrete PyWavelets wavelet such as haar, db2, sym4, coif1, bior1.3 or dmey");
  }
  return *bank;
}

void check_wavelet_box(const wavelet_input& image, const voxel_box& box) {
  for (int axis = 0; axis < 3; ++axis) {
    const bool inside = box.size[axis] > 0 && box.lower[axis] >= 0 &&
                        box.lower[axis] + box.size[axis] <= image.size[axis];
    if (!inside) {
      throw input_error("wavelet: box [" + std::to_string(box.lower[axis]) + ", " +
                        std::to_string(box.lower[axis] + box.size[axis]) + ") along axis " + "xyz"[axis] +
                        " is empty or outside the image of " + std::to_string(image.size[axis]) + " voxels");
    }
  }
}

void check_wavelet_request(const wavelet_input& image, const voxel_box& box, const wavelet_options& options) {
  check_wavelet_options(options);
  wavelet_filter_bank_of(options);
  check_wavelet_box(image, box);
}

std::vector<block_spans> wavelet_level_spans(const std::array<int, 3>& image_size, const voxel_box& box,
                                             const std::vector<int>& axes, int filter_length, int levels) {
  // Widened backwards from the box: level k must produce, as its approximation, the input that level k + 1
  // reads.
  std::vector<block_spans> spans(std::size_t(levels) + 1);
  for (int axis = 0; axis < 3; ++axis) {
    const int period = image_size[axis] + image_size[axis] % 2;
    spans[std::size_t(levels)][axis] = {box.lower[axis], box.size[axis], period};
  }
  for (int k = levels; k > 0; --k) {
    spans[std::size_t(k) - 1] = spans[std::size_t(k)];
    for (int axis : axes) spans[std::size_t(k) - 1][axis] = widen(spans[std::size_t(k)][axis], filter_length);
  }
  return spans;
}

wavelet_precision wavelet_precision_for(const std::string& pixel_type) {
  return pixel_type == "float" ? wavelet_precision::float32 : wavelet_precision::float64;
}

std::vector<std::string> wavelet_image_names(const wavelet_options& options) {
  check_wavelet_options(options);
  const std::size_t axis_count = wavelet_transformed_axes(options).size();
  std::vector<std::string> names;
  for (int level = 1; level <= options.level; ++level) {
    for (std::size_t code = 1; code < (std::size_t(1) << axis_count); ++code) {
      std::string letters;
      for (std::size_t k = 0; k < axis_count; ++k) letters += (code >> (axis_count - 1 - k)) & 1 ? 'H' : 'L';
      names.push_back(wavelet_level_prefix(level) + letters);
    }
  }
  names.push_back(wavelet_level_prefix(options.level) + std::string(axis_count, 'L'));
  return names;
}

int wavelet_margin(const wavelet_options& options) {
  check_wavelet_options(options);
  return (options.start_level + options.level) * (wavelet_filter_bank_of(options).length / 2);
}

void wavelet_transform(const wavelet_input& image, const voxel_box& box, const wavelet_options& options,
                       const wavelet_sink& sink) {
  check_wavelet_request(image, box, options);
  if (image.precision == wavelet_precision::float32) {
    transform_box<float>(image, box, options, sink);
  } else {
    transform_box<double>(image, box, options, sink);
  }
}

std::vector<wavelet_decomposition> wavelet_transform(const wavelet_input& image, const wavelet_options& options) {
  std::vector<wavelet_decomposition> decompositions;
  const voxel_box whole{{0, 0, 0}, image.size};
  wavelet_transform(image, whole, options, [&](wavelet_decomposition&& d) { decompositions.push_back(std::move(d)); });
  return decompositions;
}

}  // namespace radcore
