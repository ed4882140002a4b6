#include "kernels/lbp3d.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "kernels/error.hpp"
#include "kernels/pairwise_sum.hpp"

namespace radcore {
namespace {

constexpr double pi = 3.14159265358979323846;

void check_options(const lbp3d_options& options) {
  if (options.levels < 1) {
    throw input_error("LBP3D: invalid lbp3DLevels " + std::to_string(options.levels) + "; use 1 or more");
  }
  if (!(options.icosphere_radius > 0) || !std::isfinite(options.icosphere_radius)) {
    throw input_error("LBP3D: invalid lbp3DIcosphereRadius " + std::to_string(options.icosphere_radius) +
                      "; use a positive radius in voxels");
  }
  if (find_icosphere_vertices(options.icosphere_subdivision).count == 0) {
    throw input_error("LBP3D: lbp3DIcosphereSubdivision " + std::to_string(options.icosphere_subdivision) +
                      " is not supported; radcore has trimesh's icospheres of 0 to 3 subdivisions");
  }
}

// Returns the associated Legendre function P_n^m(x) for m >= 0 with the Condon-Shortley phase, as
// scipy.special uses it.
double associated_legendre(int n, int m, double x) {
  double p_mm = 1;  // P_m^m = (-1)^m (2m - 1)!! (1 - x^2)^(m / 2)
  const double s = std::sqrt((1 - x) * (1 + x));
  for (int k = 1; k <= m; ++k) p_mm *= -double(2 * k - 1) * s;
  if (n == m) return p_mm;
  double previous = p_mm;
  double current = x * double(2 * m + 1) * p_mm;  // P_{m+1}^m
  for (int degree = m + 2; degree <= n; ++degree) {
    const double next = (x * double(2 * degree - 1) * current - double(degree + m - 1) * previous) / double(degree - m);
    previous = current;
    current = next;
  }
  return current;
}

// The vertices of `options`' icosphere as (x, y, z) triples. trimesh scales its radius-1 sphere as part of
// every subdivision step, so for a radius other than 1 the scaled table can differ from trimesh's
// vertices in the last bit.
std::vector<double> scaled_vertices(const lbp3d_options& options) {
  const icosphere_vertices table = find_icosphere_vertices(options.icosphere_subdivision);
  std::vector<double> vertices(table.coordinates, table.coordinates + 3 * table.count);
  if (options.icosphere_radius != 1.0) {
    for (double& coordinate : vertices) coordinate *= options.icosphere_radius;
  }
  return vertices;
}

// Filters every line of `coefficients` along numpy axis `axis` with the cubic B-spline prefilter of
// scipy.ndimage.spline_filter1d in mode 'constant', which initialises both passes as for 'mirror'.
void spline_prefilter_axis(std::vector<double>& coefficients, const std::array<int, 3>& size, int axis) {
  // numpy axis 0 is z (stride x * y), 1 is y (stride x), 2 is x (stride 1).
  const std::array<std::ptrdiff_t, 3> strides{std::ptrdiff_t(size[0]) * size[1], size[0], 1};
  const std::array<int, 3> lengths{size[2], size[1], size[0]};
  const int length = lengths[std::size_t(axis)];
  if (length <= 1) return;
  const double pole = -0.267949192431122706472553658494127633;  // sqrt(3) - 2, the cubic B-spline's pole
  const double gain = (1.0 - pole) * (1.0 - 1.0 / pole);
  const std::ptrdiff_t stride = strides[std::size_t(axis)];
  std::vector<double> line(static_cast<std::size_t>(length));
  const std::size_t total = coefficients.size();
  for (std::size_t start = 0; start < total; ++start) {
    // A line starts at each voxel whose coordinate along `axis` is 0.
    if ((std::ptrdiff_t(start) / stride) % length != 0) continue;
    for (int i = 0; i < length; ++i) line[std::size_t(i)] = coefficients[start + std::size_t(i * stride)] * gain;
    double* c = line.data();
    const std::ptrdiff_t n = length;
    // Causal initialisation for mirror boundaries.
    double z_i = pole;
    const double z_n_1 = std::pow(pole, double(n - 1));
    c[0] = c[0] + z_n_1 * c[n - 1];
    for (std::ptrdiff_t i = 1; i < n - 1; ++i) {
      c[0] += z_i * (c[i] + z_n_1 * c[n - 1 - i]);
      z_i *= pole;
    }
    c[0] /= 1 - z_n_1 * z_n_1;
    for (std::ptrdiff_t i = 1; i < n; ++i) c[i] += pole * c[i - 1];
    // Anticausal initialisation for mirror boundaries, then the backward pass.
    c[n - 1] = (pole * c[n - 2] + c[n - 1]) * pole / (pole * pole - 1);
    for (std::ptrdiff_t i = n - 2; i >= 0; --i) c[i] = pole * (c[i + 1] - c[i]);
    for (int i = 0; i < length; ++i) coefficients[start + std::size_t(i * stride)] = line[std::size_t(i)];
  }
}

// Returns the index that spline tap `index` reads on an axis of `length` voxels near the border: scipy
// mirrors it about the edge voxels (period 2 * length - 2).
std::ptrdiff_t mirrored_index(std::ptrdiff_t index, std::ptrdiff_t length) {
  if (length <= 1) return 0;
  const std::ptrdiff_t period = 2 * length - 2;
  if (index < 0) {
    index = period * (-index / period) + index;
    return index <= 1 - length ? index + period : -index;
  }
  if (index >= length) {
    index -= period * (index / period);
    if (index >= length) index = period - index;
  }
  return index;
}

// The cubic B-spline weights of the four taps around `x`, as scipy's get_spline_interpolation_weights.
void spline_weights(double x, double weights[4]) {
  x -= std::floor(x);
  const double y = x;
  const double z = 1.0 - x;
  weights[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
  weights[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
  weights[0] = z * z * z / 6.0;
  weights[3] = 1.0;
  for (int i = 0; i < 3; ++i) weights[3] -= weights[i];
}

// Returns scipy.ndimage.map_coordinates(order=3, mode='constant', cval=0) at the numpy coordinate
// `point` (z, y, x), before the cast to the output type.
double interpolate(const std::vector<double>& coefficients, const std::array<int, 3>& size,
                   const std::array<double, 3>& point) {
  const std::array<std::ptrdiff_t, 3> lengths{size[2], size[1], size[0]};
  const std::array<std::ptrdiff_t, 3> strides{std::ptrdiff_t(size[0]) * size[1], size[0], 1};
  double weights[3][4];
  std::ptrdiff_t offsets[3][4];
  for (int axis = 0; axis < 3; ++axis) {
    const double coordinate = point[std::size_t(axis)];
    const std::ptrdiff_t length = lengths[std::size_t(axis)];
    // In mode 'constant' a point outside [0, length - 1] along any axis takes cval.
    if (coordinate < 0 || coordinate > double(length - 1)) return 0.0;
    const std::ptrdiff_t start = std::ptrdiff_t(std::floor(coordinate)) - 1;
    for (int tap = 0; tap < 4; ++tap) {
      std::ptrdiff_t index = start + tap;
      if (start < 0 || start + 3 >= length) index = mirrored_index(index, length);
      offsets[axis][tap] = index * strides[std::size_t(axis)];
    }
    spline_weights(coordinate, weights[axis]);
  }
  double sum = 0.0;
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      for (int c = 0; c < 4; ++c) {
        double term = coefficients[std::size_t(offsets[0][a] + offsets[1][b] + offsets[2][c])];
        term *= weights[0][a];
        term *= weights[1][b];
        term *= weights[2][c];
        sum += term;
      }
    }
  }
  return sum;
}

template <typename Integer>
double round_to_integer(double value) {
  // scipy rounds half away from zero, then clamps to the type's range.
  value = value > 0 ? value + 0.5 : value - 0.5;
  const double high = double(std::numeric_limits<Integer>::max());
  const double low = double(std::numeric_limits<Integer>::min());
  if (value > high) value = high;
  if (value < low) value = low;
  return double(static_cast<Integer>(value));
}

template <typename Unsigned>
double round_to_unsigned(double value) {
  value = value > 0 ? value + 0.5 : 0;
  const double high = double(std::numeric_limits<Unsigned>::max());
  if (value > high) value = high;
  return double(static_cast<Unsigned>(value));
}

// Returns `value` as map_coordinates stores it in an output of the image's pixel type.
double cast_sample(double value, const std::string& pixel_type) {
  if (pixel_type == "double") return value;
  if (pixel_type == "float") return double(static_cast<float>(value));
  if (pixel_type == "char") return round_to_integer<std::int8_t>(value);
  if (pixel_type == "unsigned_char") return round_to_unsigned<std::uint8_t>(value);
  if (pixel_type == "short") return round_to_integer<std::int16_t>(value);
  if (pixel_type == "unsigned_short") return round_to_unsigned<std::uint16_t>(value);
  if (pixel_type == "int") return round_to_integer<std::int32_t>(value);
  if (pixel_type == "unsigned_int") return round_to_unsigned<std::uint32_t>(value);
  if (pixel_type == "long" || pixel_type == "long_long") return round_to_integer<std::int64_t>(value);
  if (pixel_type == "unsigned_long" || pixel_type == "unsigned_long_long") return round_to_unsigned<std::uint64_t>(value);
  throw input_error("LBP3D: unsupported pixel type '" + pixel_type + "'");
}

// scipy.stats.kurtosis (Fisher, biased) of one voxel's samples, in the arithmetic type numpy uses for the
// image's pixel type: float for float32 images, double otherwise.
template <typename Real>
double kurtosis(const std::vector<double>& samples) {
  std::vector<Real> values(samples.begin(), samples.end());
  const std::size_t n = values.size();
  const Real mean = pairwise_sum_as<Real>(values.data(), n) / Real(n);
  std::vector<Real> squares(n);
  std::vector<Real> fourth(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Real deviation = values[i] - mean;
    squares[i] = deviation * deviation;
    fourth[i] = squares[i] * squares[i];
  }
  const Real m2 = pairwise_sum_as<Real>(squares.data(), n) / Real(n);
  const Real m4 = pairwise_sum_as<Real>(fourth.data(), n) / Real(n);
  const Real threshold = std::numeric_limits<Real>::epsilon() * mean;
  if (m2 <= threshold * threshold) return std::numeric_limits<double>::quiet_NaN();
  const Real ratio = m4 / (m2 * m2);
  return double(ratio - Real(3));
}

// numpy's pairwise sum of `count` complex values, kept as separate real and imaginary arrays: numpy sums
// the interleaved doubles with four complex partial sums from four values on.
void complex_pairwise_sum(const double* real, const double* imaginary, std::size_t count, double& sum_real,
                          double& sum_imaginary) {
  if (count < 4) {
    sum_real = 0;
    sum_imaginary = 0;
    for (std::size_t i = 0; i < count; ++i) {
      sum_real += real[i];
      sum_imaginary += imaginary[i];
    }
    return;
  }
  if (count <= 64) {
    double partial_real[4];
    double partial_imaginary[4];
    for (int k = 0; k < 4; ++k) {
      partial_real[k] = real[k];
      partial_imaginary[k] = imaginary[k];
    }
    std::size_t i = 4;
    for (; i + 4 <= count; i += 4) {
      for (int k = 0; k < 4; ++k) {
        partial_real[k] += real[i + std::size_t(k)];
        partial_imaginary[k] += imaginary[i + std::size_t(k)];
      }
    }
    sum_real = (partial_real[0] + partial_real[1]) + (partial_real[2] + partial_real[3]);
    sum_imaginary = (partial_imaginary[0] + partial_imaginary[1]) + (partial_imaginary[2] + partial_imaginary[3]);
    for (; i < count; ++i) {
      sum_real += real[i];
      sum_imaginary += imaginary[i];
    }
    return;
  }
  std::size_t half = count / 2;
  half -= half % 4;
  double low_real = 0, low_imaginary = 0, high_real = 0, high_imaginary = 0;
  complex_pairwise_sum(real, imaginary, half, low_real, low_imaginary);
  complex_pairwise_sum(real + half, imaginary + half, count - half, high_real, high_imaginary);
  sum_real = low_real + high_real;
  sum_imaginary = low_imaginary + high_imaginary;
}

// The parts of the complex product (ar + i ai)(br + i bi) as numpy 1.26.4 computes them with its AVX-512
// loops, which fuse one multiply and add: real = fma(ar, br, -(ai bi)), imaginary = fma(ar, bi, ai br).
// NOTE: numpy's loops without AVX-512 round both products, so references made on such a CPU can differ from
// these in the last bit.
double complex_product_real(double ar, double ai, double br, double bi) { return std::fma(ar, br, -(ai * bi)); }

double complex_product_imaginary(double ar, double ai, double br, double bi) { return std::fma(ar, bi, ai * br); }

// Returns the real part of the principal square root of real + i * imaginary as glibc's csqrt computes it
// (numpy's complex sqrt). The sums of squares can be slightly negative where the true norm is 0.
double complex_sqrt_real(double real, double imaginary) {
  if (imaginary == 0) return real < 0 ? 0.0 : std::sqrt(real);
  const double magnitude = std::hypot(real, imaginary);
  if (real > 0) return std::sqrt(0.5 * (magnitude + real));
  const double imaginary_root = std::sqrt(0.5 * (magnitude - real));
  return std::fabs(0.5 * (imaginary / imaginary_root));
}

}  // namespace

lbp3d_harmonics lbp3d_spherical_harmonics(const lbp3d_options& options) {
  check_options(options);
  const harmonic_table table = find_harmonic_table(options.icosphere_subdivision);
  const int columns = options.levels * options.levels;
  // Percentile-based features compare voxels whose values are equal in exact arithmetic, so the harmonics
  // must equal scipy's to the last bit where PyRadiomics' ties are to be reproduced.
  if (options.icosphere_radius != 1.0 || table.vertices == 0 || columns > table.columns) {
    // NOTE: here the harmonics come from radcore's recurrence, so a feature that depends on ties between
    // voxels (percentiles, robust mean absolute deviation) can differ from PyRadiomics.
    return compute_spherical_harmonics(options);
  }
  lbp3d_harmonics harmonics;
  harmonics.vertices = table.vertices;
  harmonics.columns = columns;
  for (int v = 0; v < table.vertices; ++v) {
    for (int j = 0; j < columns; ++j) {
      harmonics.real.push_back(table.real[std::size_t(v) * std::size_t(table.columns) + std::size_t(j)]);
      harmonics.imaginary.push_back(table.imaginary[std::size_t(v) * std::size_t(table.columns) + std::size_t(j)]);
    }
  }
  return harmonics;
}

lbp3d_harmonics compute_spherical_harmonics(const lbp3d_options& options) {
  check_options(options);
  const std::vector<double> vertices = scaled_vertices(options);
  lbp3d_harmonics harmonics;
  harmonics.vertices = int(vertices.size() / 3);
  harmonics.columns = options.levels * options.levels;
  harmonics.real.resize(std::size_t(harmonics.vertices) * std::size_t(harmonics.columns));
  harmonics.imaginary.resize(harmonics.real.size());
  for (int v = 0; v < harmonics.vertices; ++v) {
    const double x = vertices[std::size_t(3 * v)];
    const double y = vertices[std::size_t(3 * v + 1)];
    const double z = vertices[std::size_t(3 * v + 2)];
    // PyRadiomics passes the polar angle as scipy's azimuth and the azimuth as scipy's polar angle.
    const double azimuth = std::acos(z / options.icosphere_radius);
    const double polar = std::atan2(y, x);
    const double cos_polar = std::cos(polar);
    int column = 0;
    for (int n = 0; n < options.levels; ++n) {
      for (int m = -n; m <= n; ++m, ++column) {
        const int order = m < 0 ? -m : m;
        // sqrt((2n + 1) / (4 pi) * (n - |m|)! / (n + |m|)!)
        double ratio = 1;
        for (int k = n - order + 1; k <= n + order; ++k) ratio /= double(k);
        const double norm = std::sqrt(double(2 * n + 1) / (4 * pi) * ratio);
        const double magnitude = norm * associated_legendre(n, order, cos_polar);
        double real = magnitude * std::cos(double(order) * azimuth);
        double imaginary = magnitude * std::sin(double(order) * azimuth);
        if (m < 0) {
          // Y_n^{-m} = (-1)^m conj(Y_n^m)
          const double sign = (order % 2 == 0) ? 1.0 : -1.0;
          real *= sign;
          imaginary *= -sign;
        }
        const std::size_t at = std::size_t(v) * std::size_t(harmonics.columns) + std::size_t(column);
        harmonics.real[at] = real;
        harmonics.imaginary[at] = imaginary;
      }
    }
  }
  return harmonics;
}

std::vector<std::vector<double>> lbp3d_filter(const std::vector<double>& values, const std::array<int, 3>& size,
                                              const std::vector<std::uint8_t>& inside, const std::string& pixel_type,
                                              const lbp3d_options& options) {
  check_options(options);
  const std::size_t voxel_count = std::size_t(size[0]) * std::size_t(size[1]) * std::size_t(size[2]);
  if (values.size() != voxel_count || inside.size() != voxel_count) {
    throw input_error("LBP3D: the image has " + std::to_string(values.size()) + " voxels and the mask " +
                      std::to_string(inside.size()) + ", but the size " + std::to_string(size[0]) + "x" +
                      std::to_string(size[1]) + "x" + std::to_string(size[2]) + " needs " +
                      std::to_string(voxel_count));
  }
  const std::vector<double> vertices = scaled_vertices(options);
  const lbp3d_harmonics harmonics = lbp3d_spherical_harmonics(options);
  const int vertex_count = harmonics.vertices;
  const std::size_t columns = std::size_t(harmonics.columns);

  std::vector<double> coefficients = values;
  for (int axis = 0; axis < 3; ++axis) spline_prefilter_axis(coefficients, size, axis);

  std::vector<std::vector<double>> images(std::size_t(options.levels) + 1, std::vector<double>(voxel_count, 0.0));
  std::vector<double> samples(static_cast<std::size_t>(vertex_count));
  std::vector<double> coefficient_real(columns);
  std::vector<double> coefficient_imaginary(columns);
  std::vector<double> term_real(columns);
  std::vector<double> term_imaginary(columns);
  std::vector<double> norm_real(std::size_t(options.levels));
  std::vector<double> norm_imaginary(std::size_t(options.levels));
  const bool float32 = pixel_type == "float";
  for (int z = 0; z < size[2]; ++z) {
    for (int y = 0; y < size[1]; ++y) {
      for (int x = 0; x < size[0]; ++x) {
        const std::size_t voxel = std::size_t(x) + std::size_t(size[0]) * (std::size_t(y) + std::size_t(size[1]) * z);
        if (inside[voxel] == 0) continue;
        const double centre = values[voxel];
        for (int v = 0; v < vertex_count; ++v) {
          // Vertex coordinate 0 is added to numpy axis 0 (z), 1 to y, 2 to x.
          const std::array<double, 3> point{double(z) + vertices[std::size_t(3 * v)],
                                            double(y) + vertices[std::size_t(3 * v + 1)],
                                            double(x) + vertices[std::size_t(3 * v + 2)]};
          samples[std::size_t(v)] = cast_sample(interpolate(coefficients, size, point), pixel_type);
        }
        images.back()[voxel] = float32 ? kurtosis<float>(samples) : kurtosis<double>(samples);

        std::fill(coefficient_real.begin(), coefficient_real.end(), 0.0);
        std::fill(coefficient_imaginary.begin(), coefficient_imaginary.end(), 0.0);
        for (int v = 0; v < vertex_count; ++v) {
          if (!(samples[std::size_t(v)] >= centre)) continue;
          for (std::size_t j = 0; j < columns; ++j) {
            coefficient_real[j] += harmonics.real[std::size_t(v) * columns + j];
            coefficient_imaginary[j] += harmonics.imaginary[std::size_t(v) * columns + j];
          }
        }
        std::fill(norm_real.begin(), norm_real.end(), 0.0);
        std::fill(norm_imaginary.begin(), norm_imaginary.end(), 0.0);
        for (int v = 0; v < vertex_count; ++v) {
          const double* y_real = &harmonics.real[std::size_t(v) * columns];
          const double* y_imaginary = &harmonics.imaginary[std::size_t(v) * columns];
          for (std::size_t j = 0; j < columns; ++j) {
            term_real[j] = complex_product_real(coefficient_real[j], coefficient_imaginary[j], y_real[j], y_imaginary[j]);
            term_imaginary[j] =
                complex_product_imaginary(coefficient_real[j], coefficient_imaginary[j], y_real[j], y_imaginary[j]);
          }
          for (int n = 0; n < options.levels; ++n) {
            // Degree n has the 2n + 1 columns from n^2 on; degree 0 is used without a sum, as PyRadiomics does.
            const std::size_t first = std::size_t(n) * std::size_t(n);
            double sum_real = term_real[first];
            double sum_imaginary = term_imaginary[first];
            if (n > 0) {
              complex_pairwise_sum(&term_real[first], &term_imaginary[first], std::size_t(2 * n + 1), sum_real,
                                   sum_imaginary);
            }
            // numpy squares the complex sum and adds the squares over the vertices.
            norm_real[std::size_t(n)] += complex_product_real(sum_real, sum_imaginary, sum_real, sum_imaginary);
            norm_imaginary[std::size_t(n)] += complex_product_imaginary(sum_real, sum_imaginary, sum_real, sum_imaginary);
          }
        }
        for (int n = 0; n < options.levels; ++n) {
          images[std::size_t(n)][voxel] = complex_sqrt_real(norm_real[std::size_t(n)], norm_imaginary[std::size_t(n)]);
        }
      }
    }
  }
  return images;
}

}  // namespace radcore
