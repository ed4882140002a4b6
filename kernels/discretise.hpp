// Grey-level discretisation exactly as PyRadiomics 3.1.0 bins (imageoperations.getBinEdges, binImage).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/roi.hpp"

namespace radcore {

struct binning_settings {
  double bin_width = 25.0;
  std::optional<int> bin_count;           // fixed bin count replaces the bin width when set
  std::int64_t maximum_bin_count = 100000;  // radcore's own bound on Ng, the largest bin index
  bool float32_source = false;            // numpy computes fixed-bin-count edges in float32 for float32 input
};

// Returns the bin edges PyRadiomics uses for these ROI values. Fixed bin width: edges from
// min - (min mod W) up to max + 2W, filled as numpy's arange fills them. Fixed bin count: numpy's
// histogram edges with the last edge raised by 1.
std::vector<double> bin_edges(const std::vector<double>& roi_values, const binning_settings& settings);

// Returns the bin index of each value: i such that edges[i-1] <= x < edges[i] (numpy.digitize).
std::int32_t digitize(double value, const std::vector<double>& edges);

// Discretises every ROI of `rois` and compacts grey levels to those present. Throws roi_error with the
// largest bin index and the bin width (and the ROI's index in a batch of several) when Ng exceeds
// maximum_bin_count, and before any allocation when binCount does.
discrete_batch discretise(const roi_batch& rois, const binning_settings& settings);

}  // namespace radcore
