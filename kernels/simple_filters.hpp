// PyRadiomics' intensity filters (imageoperations.getSquareImage, getSquareRootImage, getLogarithmImage and
// getExponentialImage in PyRadiomics 3.1.0). Each works on the whole image in float64, rescales with the
// largest absolute intensity M of the image, and returns float64.
#pragma once

#include <vector>

namespace radcore {

// Returns (x / sqrt(M))^2 for each voxel.
std::vector<double> square_filter(const std::vector<double>& values);

// Returns sqrt(M x) for x > 0, -sqrt(-M x) for x < 0 and 0 for x = 0.
std::vector<double> square_root_filter(const std::vector<double>& values);

// Returns log(x + 1) for x > 0, -log(1 - x) for x < 0 and 0 for x = 0, all multiplied by M over the largest
// absolute result. An all-zero image yields NaN everywhere, as 0/0 does in numpy.
std::vector<double> logarithm_filter(const std::vector<double>& values);

// Returns exp(x log(M) / M) for each voxel.
std::vector<double> exponential_filter(const std::vector<double>& values);

}  // namespace radcore
