#include "kernels/pairwise_sum.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

namespace radcore {
namespace {

// numpy's pairwise_sum written as numpy writes it, recursively, to check the fixed-stack version against.
template <typename Accumulator, typename Value>
Accumulator recursive_pairwise_sum(const Value* values, std::size_t n) {
  if (n < 8) {
    Accumulator sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += Accumulator(values[i]);
    return sum;
  }
  if (n <= 128) {
    Accumulator partial[8];
    for (int k = 0; k < 8; ++k) partial[k] = Accumulator(values[k]);
    std::size_t i = 8;
    for (; i + 8 <= n; i += 8) {
      for (int k = 0; k < 8; ++k) partial[k] += Accumulator(values[i + std::size_t(k)]);
    }
    Accumulator sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                      ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < n; ++i) sum += Accumulator(values[i]);
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  const Accumulator left = recursive_pairwise_sum<Accumulator>(values, half);
  return left + recursive_pairwise_sum<Accumulator>(values + half, n - half);
}

// Sizes around every branch: below 8, the 8-way block up to 128, and splits of one to many levels.
const std::size_t sizes[] = {0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 135, 136, 137, 255, 256, 257, 1000, 1023, 1024,
                             4097, 65536, 100003, 1000001};

TEST(PairwiseSum, MatchesRecursiveNumpyOrder) {
  std::mt19937_64 random(12);
  std::normal_distribution<double> normal(0.0, 1000.0);
  for (const std::size_t n : sizes) {
    std::vector<double> values(n);
    std::vector<float> floats(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = normal(random);
      floats[i] = float(values[i]);
    }
    const double sum = pairwise_sum(values.data(), n);
    const double expected = recursive_pairwise_sum<double>(values.data(), n);
    EXPECT_EQ(std::memcmp(&sum, &expected, sizeof(double)), 0) << "n = " << n << ": " << sum << " vs " << expected;
    const float float_sum = pairwise_sum_as<float>(floats.data(), n);
    const float float_expected = recursive_pairwise_sum<float>(floats.data(), n);
    EXPECT_EQ(std::memcmp(&float_sum, &float_expected, sizeof(float)), 0) << "float32, n = " << n;
  }
}

TEST(PairwiseSum, TermsEqualArrayOfTerms) {
  std::mt19937_64 random(13);
  std::normal_distribution<double> normal(5.0, 30.0);
  for (const std::size_t n : sizes) {
    std::vector<double> values(n), squares(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = normal(random);
      squares[i] = (values[i] - 5.0) * (values[i] - 5.0);
    }
    const double* data = values.data();
    const double sum = pairwise_sum_of<double>(
        [data](std::size_t i) { return (data[i] - 5.0) * (data[i] - 5.0); }, n);
    const double expected = pairwise_sum(squares.data(), n);
    EXPECT_EQ(std::memcmp(&sum, &expected, sizeof(double)), 0) << "n = " << n;
  }
}

TEST(PairwiseSum, SplitsDifferFromPlainLoop) {
  // The checks above compare two implementations, so this one pins the order itself. 1e16 + 1 rounds back
  // to 1e16, so a left-to-right sum loses every 1, and numpy's partial sums keep those outside the first.
  std::vector<double> values(256, 1.0);
  values[0] = 1e16;
  double plain = 0.0;
  for (const double v : values) plain += v;
  EXPECT_EQ(plain, 1e16);
  EXPECT_EQ(pairwise_sum(values.data(), values.size()), recursive_pairwise_sum<double>(values.data(), values.size()));
  EXPECT_NE(pairwise_sum(values.data(), values.size()), plain);
}

}  // namespace
}  // namespace radcore
