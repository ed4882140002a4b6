#include "kernels/simple_filters.hpp"

#include <cmath>

namespace radcore {
namespace {

// numpy.max(numpy.abs(values)); NaN propagates as numpy.max propagates it.
double max_abs(const std::vector<double>& values) {
  double maximum = values.empty() ? NAN : std::fabs(values[0]);
  for (const double value : values) {
    const double magnitude = std::fabs(value);
    if (std::isnan(magnitude) || magnitude > maximum) maximum = magnitude;
    if (std::isnan(maximum)) break;
  }
  return maximum;
}

}  // namespace

std::vector<double> square_filter(const std::vector<double>& values) {
  const double coefficient = 1.0 / std::sqrt(max_abs(values));
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double scaled = coefficient * values[i];
    out[i] = scaled * scaled;
  }
  return out;
}

std::vector<double> square_root_filter(const std::vector<double>& values) {
  const double coefficient = max_abs(values);
  std::vector<double> out(values);
  for (double& value : out) {
    if (value > 0) {
      value = std::sqrt(value * coefficient);
    } else if (value < 0) {
      value = -std::sqrt(-value * coefficient);
    }
  }
  return out;
}

std::vector<double> logarithm_filter(const std::vector<double>& values) {
  const double input_maximum = max_abs(values);
  std::vector<double> out(values);
  for (double& value : out) {
    if (value > 0) {
      value = std::log(value + 1);
    } else if (value < 0) {
      value = -std::log(-(value - 1));
    }
  }
  // PyRadiomics multiplies by the quotient, so the quotient is rounded once before the products.
  const double scale = input_maximum / max_abs(out);
  for (double& value : out) value = value * scale;
  return out;
}

std::vector<double> exponential_filter(const std::vector<double>& values) {
  const double maximum = max_abs(values);
  const double coefficient = std::log(maximum) / maximum;
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = std::exp(coefficient * values[i]);
  return out;
}

}  // namespace radcore
