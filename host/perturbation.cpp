#include "host/perturbation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "io/transform.hpp"
#include "kernels/wavelet_taps.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

constexpr double pi = 3.14159265358979323846;

// A seeded random stream. std::mt19937_64's output is fixed by the C++ standard while its distributions
// are not, so the transforms to uniform and normal variates are written here. The normal variates still
// depend on the C library's log, sin and cos in their last bits.
class random_stream {
 public:
  explicit random_stream(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return double(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  std::uint64_t bits() { return engine_(); }

  // Standard normal by the Box-Muller transform; the second variate of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // in (0, 1], so the logarithm is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = radius * std::sin(2.0 * pi * u2);
    has_spare_ = true;
    return radius * std::cos(2.0 * pi * u2);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// SplitMix64's finaliser (Steele, Lea and Flood 2014), to combine seed parts into well-spread seeds.
std::uint64_t mix(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ull;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
  return value ^ (value >> 31);
}

std::uint64_t combine(std::uint64_t seed, std::uint64_t part) { return mix(seed ^ mix(part)); }

bool in_chain(const std::vector<perturbation_kind>& chain, perturbation_kind kind) {
  return std::find(chain.begin(), chain.end(), kind) != chain.end();
}

std::size_t flat_index(const std::array<int, 3>& size, int x, int y, int z) {
  return std::size_t(x) + std::size_t(size[0]) * (std::size_t(y) + std::size_t(size[1]) * std::size_t(z));
}

// The physical point of a continuous voxel index: origin + direction · (spacing ⊙ index).
std::array<double, 3> index_to_physical(const roi_mask& mask, const std::array<double, 3>& index) {
  std::array<double, 3> point = mask.origin;
  for (int row = 0; row < 3; ++row) {
    for (int column = 0; column < 3; ++column) {
      point[row] += mask.direction[row * 3 + column] * mask.spacing[column] * index[column];
    }
  }
  return point;
}

// Rotation by `radians` about the unit vector `axis` (Rodrigues' formula), row-major.
std::array<double, 9> rotation_matrix(const std::array<double, 3>& axis, double radians) {
  const double c = std::cos(radians);
  const double s = std::sin(radians);
  const double t = 1 - c;
  const double x = axis[0], y = axis[1], z = axis[2];
  return {t * x * x + c,     t * x * y - s * z, t * x * z + s * y,
          t * x * y + s * z, t * y * y + c,     t * y * z - s * x,
          t * x * z - s * y, t * y * z + s * x, t * z * z + c};
}

// One pass of Felzenszwalb and Huttenlocher's (2012) exact squared distance transform along a line:
// out[q] = min_p (spacing (q - p))^2 + in[p], over the lower envelope of parabolas. Infinite inputs
// are no parabola; a line without any finite input stays infinite.
void distance_pass(const std::vector<double>& in, double spacing, std::vector<double>& out,
                   std::vector<int>& vertices, std::vector<double>& bounds) {
  const int n = int(in.size());
  constexpr double infinity = std::numeric_limits<double>::infinity();
  int count = 0;
  for (int q = 0; q < n; ++q) {
    if (!std::isfinite(in[q])) continue;
    const double position = q * spacing;
    while (count > 0) {
      const int v = vertices[count - 1];
      const double v_position = v * spacing;
      const double crossing = ((in[q] + position * position) - (in[v] + v_position * v_position)) /
                              (2 * (position - v_position));
      if (crossing > bounds[count - 1]) {
        bounds[count] = crossing;
        break;
      }
      --count;
    }
    if (count == 0) bounds[0] = -infinity;
    vertices[count] = q;
    ++count;
  }
  if (count == 0) {
    std::fill(out.begin(), out.end(), infinity);
    return;
  }
  bounds[count] = infinity;
  int k = 0;
  for (int q = 0; q < n; ++q) {
    const double position = q * spacing;
    while (bounds[k + 1] < position) ++k;
    const double offset = position - vertices[k] * spacing;
    out[q] = offset * offset + in[vertices[k]];
  }
}

// Squared Euclidean distance (mm^2) from every voxel of a block to the nearest voxel where `target` is
// true; 0 on target voxels.
std::vector<double> squared_distance(const std::vector<std::uint8_t>& target, const std::array<int, 3>& size,
                                     const std::array<double, 3>& spacing) {
  std::vector<double> field(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) field[i] = target[i] ? 0.0 : std::numeric_limits<double>::infinity();
  const int longest = std::max({size[0], size[1], size[2]});
  std::vector<double> line, result;
  std::vector<int> vertices(std::size_t(longest) + 1);
  std::vector<double> bounds(std::size_t(longest) + 2);
  for (int axis = 0; axis < 3; ++axis) {
    const int a = (axis + 1) % 3, b = (axis + 2) % 3;
    line.resize(std::size_t(size[axis]));
    result.resize(std::size_t(size[axis]));
    for (int j = 0; j < size[b]; ++j) {
      for (int i = 0; i < size[a]; ++i) {
        std::array<int, 3> at{};
        at[a] = i;
        at[b] = j;
        for (int q = 0; q < size[axis]; ++q) {
          at[axis] = q;
          line[std::size_t(q)] = field[flat_index(size, at[0], at[1], at[2])];
        }
        distance_pass(line, spacing[axis], result, vertices, bounds);
        for (int q = 0; q < size[axis]; ++q) {
          at[axis] = q;
          field[flat_index(size, at[0], at[1], at[2])] = result[std::size_t(q)];
        }
      }
    }
  }
  return field;
}

// The block of the grid that volume adaptation works on: the ROI's bounding box grown by its largest
// extent on every side, clipped to the grid.
// NOTE: voxels beyond that margin are never added. Doubling a compact ROI grows it by about a quarter
// of its extent, so the margin only binds for growth near the grid's edge.
struct block {
  std::array<int, 3> lower{};
  std::array<int, 3> size{};
};

block adaptation_block(const roi_mask& mask) {
  const std::array<int, 6>& box = mask.bounding_box;
  int margin = 2;
  for (int axis = 0; axis < 3; ++axis) margin = std::max(margin, box[2 * axis + 1] - box[2 * axis] + 1);
  block out;
  for (int axis = 0; axis < 3; ++axis) {
    out.lower[axis] = std::max(0, box[2 * axis] - margin);
    const int upper = std::min(mask.size[axis] - 1, box[2 * axis + 1] + margin);
    out.size[axis] = upper - out.lower[axis] + 1;
  }
  return out;
}

// scipy.ndimage's 'reflect' boundary (d c b a | a b c d | d c b a): the index of sample i of a line of n.
int reflect_index(int i, int n) {
  if (n == 1) return 0;
  const int period = 2 * n;
  int folded = i % period;
  if (folded < 0) folded += period;
  return folded < n ? folded : period - 1 - folded;
}

// numpy.median: the middle value, or the mean of the two middle values of an even count. Reorders `values`.
double median_of(std::vector<double>& values) {
  const std::size_t half = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(half), values.end());
  const double upper = values[half];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + std::ptrdiff_t(half));
  return (lower + upper) / 2;
}

std::string format_value(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

std::string perturbation_name(perturbation_kind kind) {
  switch (kind) {
    case perturbation_kind::noise: return "noise";
    case perturbation_kind::rotation: return "rotation";
    case perturbation_kind::translation: return "translation";
    case perturbation_kind::volume: return "volume";
    case perturbation_kind::contour: return "contour";
  }
  return "unknown";
}

std::vector<perturbation_kind> parse_perturbation_chain(const std::string& text) {
  const std::vector<perturbation_kind> all = {perturbation_kind::noise, perturbation_kind::rotation,
                                              perturbation_kind::translation, perturbation_kind::volume,
                                              perturbation_kind::contour};
  std::vector<perturbation_kind> listed;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string name = text.substr(start, end - start);
    const auto found = std::find_if(all.begin(), all.end(), [&](perturbation_kind k) { return perturbation_name(k) == name; });
    if (found == all.end()) {
      throw input_error("--perturb: unknown perturbation '" + name +
                        "'; use a comma-separated list of noise, rotation, translation, volume and contour");
    }
    if (in_chain(listed, *found)) throw input_error("--perturb: perturbation '" + name + "' is listed twice");
    listed.push_back(*found);
    start = end + 1;
  }
  std::vector<perturbation_kind> ordered;
  for (const perturbation_kind kind : all) {
    if (in_chain(listed, kind)) ordered.push_back(kind);
  }
  return ordered;
}

void validate_perturbation_settings(const perturbation_settings& settings) {
  if (settings.chain.empty()) throw input_error("--perturb: no perturbation given");
  if (settings.noise_sigma && !(*settings.noise_sigma >= 0 && std::isfinite(*settings.noise_sigma))) {
    throw input_error("--noise-sigma: expected a finite value >= 0 in image units, got " + format_value(*settings.noise_sigma));
  }
  const double low = settings.rotation_min_degrees, high = settings.rotation_max_degrees;
  if (!(low <= high && low >= -180 && high <= 180)) {
    throw input_error("--rotation: expected MIN,MAX degrees with -180 <= MIN <= MAX <= 180, got " + format_value(low) +
                      "," + format_value(high));
  }
  if (!(settings.translation_max_voxels >= 0 && settings.translation_max_voxels <= 1)) {
    throw input_error("--translation: expected a maximum shift between 0 and 1 voxel, got " +
                      format_value(settings.translation_max_voxels));
  }
  const double shrink = settings.volume_min_fraction, grow = settings.volume_max_fraction;
  if (!(shrink <= grow && shrink > -1 && grow <= 1)) {
    throw input_error("--volume: expected MIN,MAX fractions with -1 < MIN <= MAX <= 1, got " + format_value(shrink) +
                      "," + format_value(grow));
  }
  if (!(settings.contour_probability >= 0 && settings.contour_probability <= 1)) {
    throw input_error("--contour-probability: expected a probability between 0 and 1, got " +
                      format_value(settings.contour_probability));
  }
}

perturbation_draw draw_perturbation(const perturbation_settings& settings, double estimated_sigma,
                                    std::int64_t manifest_row, int label, int repeat) {
  const std::uint64_t seed =
      combine(combine(combine(settings.seed, std::uint64_t(manifest_row)), std::uint64_t(label)), std::uint64_t(repeat));
  random_stream random(seed);
  // Every parameter is drawn whether or not its step is in the chain, so that adding a step to a chain
  // does not change the parameters drawn for the others.
  perturbation_draw draw;
  const double sigma = settings.noise_sigma.value_or(estimated_sigma);
  const std::uint64_t noise_seed = random.bits();
  const double angle = random.uniform(settings.rotation_min_degrees, settings.rotation_max_degrees);
  std::array<double, 3> shift{};
  for (double& value : shift) value = random.uniform(-settings.translation_max_voxels, settings.translation_max_voxels);
  const double fraction = random.uniform(settings.volume_min_fraction, settings.volume_max_fraction);
  const std::uint64_t contour_seed = random.bits();
  if (in_chain(settings.chain, perturbation_kind::noise)) {
    draw.noise_sigma = sigma;
    draw.noise_seed = noise_seed;
  }
  if (in_chain(settings.chain, perturbation_kind::rotation)) draw.rotation_degrees = angle;
  if (in_chain(settings.chain, perturbation_kind::translation)) draw.translation_voxels = shift;
  if (in_chain(settings.chain, perturbation_kind::volume)) draw.volume_fraction = fraction;
  if (in_chain(settings.chain, perturbation_kind::contour)) {
    draw.contour_probability = settings.contour_probability;
    draw.contour_seed = contour_seed;
  }
  return draw;
}

std::string describe_draw(const perturbation_draw& draw, const std::vector<perturbation_kind>& chain) {
  std::string text;
  auto add = [&](const std::string& name, const std::string& value) {
    text += (text.empty() ? "" : ";") + name + "=" + value;
  };
  for (const perturbation_kind kind : chain) {
    switch (kind) {
      case perturbation_kind::noise:
        add("noise_sigma", format_value(draw.noise_sigma));
        add("noise_seed", std::to_string(draw.noise_seed));
        break;
      case perturbation_kind::rotation: add("rotation_degrees", format_value(draw.rotation_degrees)); break;
      case perturbation_kind::translation:
        add("translation_voxels", format_value(draw.translation_voxels[0]) + "," +
                                      format_value(draw.translation_voxels[1]) + "," +
                                      format_value(draw.translation_voxels[2]));
        break;
      case perturbation_kind::volume: add("volume_fraction", format_value(draw.volume_fraction)); break;
      case perturbation_kind::contour:
        add("contour_probability", format_value(draw.contour_probability));
        add("contour_seed", std::to_string(draw.contour_seed));
        break;
    }
  }
  return text;
}

double estimate_noise_sigma(const volume& image) {
  const wavelet_filter_bank* coif1 = find_wavelet_filter_bank("coif1");
  const int nx = image.size[0], ny = image.size[1], nz = image.size[2];
  const std::size_t slice = std::size_t(nx) * std::size_t(ny);
  std::vector<double> along_y(slice), coefficients;
  coefficients.reserve(slice * std::size_t(std::max(nz, 0)));
  // out[i] = sum_k h[k] x[i + 3 - k] with mirrored edges is scipy.ndimage.convolve1d's alignment for a
  // 6-tap filter in its default 'reflect' mode.
  auto filtered = [&](auto&& sample, int i, int n) {
    double sum = 0;
    for (int k = 0; k < coif1->length; ++k) sum += coif1->dec_hi[k] * sample(reflect_index(i + 3 - k, n));
    return sum;
  };
  for (int z = 0; z < nz; ++z) {
    const double* values = image.values.data() + slice * std::size_t(z);
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        along_y[std::size_t(y) * nx + x] = filtered([&](int q) { return values[std::size_t(q) * nx + x]; }, y, ny);
      }
    }
    for (int y = 0; y < ny; ++y) {
      const double* row = along_y.data() + std::size_t(y) * nx;
      for (int x = 0; x < nx; ++x) {
        const double diagonal = filtered([&](int q) { return row[q]; }, x, nx);
        if (std::isfinite(diagonal)) coefficients.push_back(std::fabs(diagonal));
      }
    }
  }
  if (coefficients.empty()) return 0;
  return median_of(coefficients) / 0.6745;
}

volume add_gaussian_noise(const volume& image, double sigma, std::uint64_t seed) {
  if (sigma == 0) return image;
  volume out = image;
  random_stream random(seed);
  for (double& value : out.values) value += sigma * random.normal();
  out.value_pixel_type = "double";
  return out;
}

void transform_case(volume& image, roi_mask& mask, double rotation_degrees,
                    const std::array<double, 3>& translation_voxels, interpolator_kind interpolator) {
  const bool shifted = translation_voxels[0] != 0 || translation_voxels[1] != 0 || translation_voxels[2] != 0;
  if (rotation_degrees == 0 && !shifted) return;

  // The ROI's centroid, and the rotation axis: the grid's z direction (third column of the direction).
  std::array<double, 3> centroid_index{};
  std::int64_t count = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x) {
        if (!mask.inside[flat_index(mask.size, x, y, z)]) continue;
        centroid_index[0] += x;
        centroid_index[1] += y;
        centroid_index[2] += z;
        ++count;
      }
    }
  }
  if (count == 0) throw roi_error("the ROI has no voxels to rotate about");
  for (double& value : centroid_index) value /= double(count);
  const std::array<double, 3> axis = {mask.direction[2], mask.direction[5], mask.direction[8]};
  const std::array<double, 9> rotation = rotation_matrix(axis, rotation_degrees * pi / 180.0);

  // Content moves by p -> R (p - c) + c + t, so each output point samples the input at
  // R^T (p - c) + c - R^T t: ITK's matrix is R^T and its translation -R^T t.
  affine_map map;
  map.center = index_to_physical(mask, centroid_index);
  std::array<double, 3> shift{};
  for (int row = 0; row < 3; ++row) {
    for (int column = 0; column < 3; ++column) {
      map.matrix[row * 3 + column] = rotation[column * 3 + row];
      shift[row] += mask.direction[row * 3 + column] * mask.spacing[column] * translation_voxels[column];
    }
  }
  for (int row = 0; row < 3; ++row) {
    map.translation[row] = 0;
    for (int column = 0; column < 3; ++column) map.translation[row] -= map.matrix[row * 3 + column] * shift[column];
  }

  image = resample_affine(image, map, interpolator);
  volume mask_values;
  mask_values.size = mask.size;
  mask_values.spacing = mask.spacing;
  mask_values.origin = mask.origin;
  mask_values.direction = mask.direction;
  mask_values.pixel_type = "double";
  mask_values.value_pixel_type = "double";
  mask_values.values.assign(mask.inside.begin(), mask.inside.end());
  const volume moved = resample_affine(mask_values, map, interpolator_kind::linear);
  for (std::size_t i = 0; i < moved.values.size(); ++i) mask.inside[i] = moved.values[i] >= 0.5;
  refresh_roi_mask(mask);
}

roi_mask adapt_volume(const roi_mask& mask, double fraction) {
  if (!(fraction > -1 && fraction <= 1)) {
    throw input_error("volume adaptation: the fraction must lie in (-1, 1], got " + format_value(fraction));
  }
  if (fraction == 0 || mask.voxel_count == 0) return mask;
  const block region = adaptation_block(mask);
  const std::size_t voxels = std::size_t(region.size[0]) * region.size[1] * region.size[2];
  std::vector<std::uint8_t> inside(voxels), outside(voxels);
  std::size_t i = 0;
  for (int z = 0; z < region.size[2]; ++z) {
    for (int y = 0; y < region.size[1]; ++y) {
      for (int x = 0; x < region.size[0]; ++x, ++i) {
        inside[i] = mask.inside[flat_index(mask.size, x + region.lower[0], y + region.lower[1], z + region.lower[2])];
        outside[i] = !inside[i];
      }
    }
  }
  // Signed squared distance: ROI voxels get minus the squared distance to the outside, other voxels plus
  // the squared distance to the ROI. The order is that of the signed distance itself.
  const std::vector<double> to_roi = squared_distance(inside, region.size, mask.spacing);
  const std::vector<double> to_outside = squared_distance(outside, region.size, mask.spacing);
  std::vector<double> signed_distance(voxels);
  for (i = 0; i < voxels; ++i) signed_distance[i] = inside[i] ? -to_outside[i] : to_roi[i];

  const double requested = std::round((1 + fraction) * double(mask.voxel_count));
  const std::size_t target = std::size_t(std::clamp(requested, 1.0, double(voxels)));
  std::vector<double> sorted = signed_distance;
  std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(target - 1), sorted.end());
  const double threshold = sorted[target - 1];
  std::size_t below = 0, at_or_below = 0;
  for (const double value : signed_distance) {
    below += value < threshold;
    at_or_below += value <= threshold;
  }
  // The shell at the threshold distance goes in or out whole: whichever count lies nearer the target.
  const bool take_shell = below == 0 || at_or_below - target <= target - below;

  roi_mask out = mask;
  i = 0;
  for (int z = 0; z < region.size[2]; ++z) {
    for (int y = 0; y < region.size[1]; ++y) {
      for (int x = 0; x < region.size[0]; ++x, ++i) {
        const bool keep = take_shell ? signed_distance[i] <= threshold : signed_distance[i] < threshold;
        out.inside[flat_index(mask.size, x + region.lower[0], y + region.lower[1], z + region.lower[2])] = keep;
      }
    }
  }
  refresh_roi_mask(out);
  return out;
}

roi_mask randomise_contour(const roi_mask& mask, double probability, std::uint64_t seed) {
  if (probability == 0) return mask;
  random_stream random(seed);
  roi_mask out = mask;
  const std::array<int, 3>& size = mask.size;
  auto inside_at = [&](int x, int y, int z) {
    if (x < 0 || y < 0 || z < 0 || x >= size[0] || y >= size[1] || z >= size[2]) return false;
    return mask.inside[flat_index(size, x, y, z)] != 0;
  };
  const int faces[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        if (!inside_at(x, y, z)) continue;
        bool boundary = false;
        for (const auto& face : faces) boundary = boundary || !inside_at(x + face[0], y + face[1], z + face[2]);
        if (!boundary || random.uniform() >= probability) continue;
        const std::uint8_t value = random.uniform() < 0.5 ? 1 : 0;
        for (int dz = -1; dz <= 1; ++dz) {
          for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
              const int px = x + dx, py = y + dy, pz = z + dz;
              if (px < 0 || py < 0 || pz < 0 || px >= size[0] || py >= size[1] || pz >= size[2]) continue;
              out.inside[flat_index(size, px, py, pz)] = value;
            }
          }
        }
      }
    }
  }
  refresh_roi_mask(out);
  return out;
}

loaded_case apply_perturbation(const loaded_case& original, const perturbation_draw& draw,
                               interpolator_kind interpolator) {
  loaded_case out = original;
  out.image = add_gaussian_noise(out.image, draw.noise_sigma, draw.noise_seed);
  transform_case(out.image, out.mask, draw.rotation_degrees, draw.translation_voxels, interpolator);
  out.mask = adapt_volume(out.mask, draw.volume_fraction);
  out.mask = randomise_contour(out.mask, draw.contour_probability, draw.contour_seed);
  return out;
}

void refresh_roi_mask(roi_mask& mask) {
  std::array<int, 6> box = {mask.size[0], -1, mask.size[1], -1, mask.size[2], -1};
  std::int64_t count = 0;
  for (int z = 0; z < mask.size[2]; ++z) {
    for (int y = 0; y < mask.size[1]; ++y) {
      for (int x = 0; x < mask.size[0]; ++x) {
        if (!mask.inside[flat_index(mask.size, x, y, z)]) continue;
        const int index[3] = {x, y, z};
        for (int axis = 0; axis < 3; ++axis) {
          box[2 * axis] = std::min(box[2 * axis], index[axis]);
          box[2 * axis + 1] = std::max(box[2 * axis + 1], index[axis]);
        }
        ++count;
      }
    }
  }
  mask.voxel_count = count;
  mask.bounding_box = count > 0 ? box : std::array<int, 6>{};
}

}  // namespace radcore
