#include <gtest/gtest.h>

#include <cmath>

#include "kernels/discretise.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

TEST(Discretise, NegativeMinimumRoundsDownToBinEdge) {
  // PyRadiomics floors with Python's modulo: min -1010, width 25 gives a lower bound of -1025.
  binning_settings settings;
  const std::vector<double> edges = bin_edges({-1010.0, 40.0}, settings);
  EXPECT_EQ(edges.front(), -1025.0);
  // arange(-1025, 40 + 50, 25) has ceil(1115 / 25) = 45 edges.
  EXPECT_EQ(edges.size(), 45u);
  EXPECT_EQ(digitize(-1010.0, edges), 1);
}

TEST(Discretise, EdgesFollowNumpyArangeFill) {
  // numpy fills arange as start + i * ((start + step) - start); with step 0.1 from 0.3 this differs from
  // start + i * step in the last bit for some i.
  binning_settings settings;
  settings.bin_width = 0.1;
  const std::vector<double> edges = bin_edges({0.35, 1.37}, settings);
  const double start = 0.35 - std::fmod(0.35, 0.1);
  const double delta = (start + 0.1) - start;
  for (std::size_t i = 0; i < edges.size(); ++i) EXPECT_EQ(edges[i], start + double(i) * delta) << i;
}

TEST(Discretise, DigitizeIsRightOpen) {
  const std::vector<double> edges{0.0, 25.0, 50.0};
  EXPECT_EQ(digitize(0.0, edges), 1);
  EXPECT_EQ(digitize(24.999, edges), 1);
  EXPECT_EQ(digitize(25.0, edges), 2);
  EXPECT_EQ(digitize(50.0, edges), 3);
}

TEST(Discretise, FixedBinCountRaisesLastEdge) {
  binning_settings settings;
  settings.bin_count = 4;
  const std::vector<double> edges = bin_edges({0.0, 8.0}, settings);
  ASSERT_EQ(edges.size(), 5u);
  EXPECT_EQ(edges[1], 2.0);
  EXPECT_EQ(edges.back(), 9.0);
  EXPECT_EQ(digitize(8.0, edges), 4);
}

TEST(Discretise, CompactsLevelsAndKeepsBinNumbers) {
  roi_batch rois;
  const double values[4] = {0.0, 60.0, 61.0, 130.0};
  const std::uint8_t mask[4] = {1, 1, 1, 1};
  rois.add({4, 1, 1}, {1.0, 1.0, 1.0}, values, mask);
  const discrete_batch out = discretise(rois, binning_settings{});
  ASSERT_EQ(out.levels(0), 3);
  EXPECT_EQ(out.ng[0], 6);  // 130 falls in [125, 150), bin 6
  EXPECT_EQ(out.grey_values(0)[0], 1.0);
  EXPECT_EQ(out.grey_values(0)[1], 3.0);
  EXPECT_EQ(out.grey_values(0)[2], 6.0);
  EXPECT_EQ(out.voxels(0)[1], 2);
  EXPECT_EQ(out.voxels(0)[2], 2);
}

// A filter can put NaN into the ROI. The message names that cause instead of reporting a bin count.
TEST(Discretise, NanValuesAreRejectedByName) {
  roi_batch rois;
  const double values[4] = {1.0, std::nan(""), 3.0, std::nan("")};
  const std::uint8_t mask[4] = {1, 1, 1, 1};
  rois.add({4, 1, 1}, {1.0, 1.0, 1.0}, values, mask);
  try {
    discretise(rois, binning_settings{});
    FAIL() << "NaN values were discretised";
  } catch (const roi_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("holds 2 NaN or infinite values"), std::string::npos) << message;
    EXPECT_EQ(message.find("maximumBinCount"), std::string::npos) << message;
  }
}

TEST(Discretise, TooManyBinsIsRejectedBeforeAllocation) {
  roi_batch rois;
  const double values[2] = {0.0, 1e12};
  const std::uint8_t mask[2] = {1, 1};
  rois.add({2, 1, 1}, {1.0, 1.0, 1.0}, values, mask);
  binning_settings settings;
  settings.bin_width = 1.0;
  EXPECT_THROW(discretise(rois, settings), roi_error);
}

}  // namespace
}  // namespace radcore
