// A generated test phantom: a textured MR-like volume with labelled ROIs, for the demo and benchmarks.
#pragma once

#include <cstdint>
#include <string>

#include "io/case_loader.hpp"

namespace radcore {

struct phantom_options {
  int nx = 64;
  int ny = 64;
  int nz = 32;
  std::uint64_t seed = 20261204;
};

struct phantom {
  volume image;  // int16 values stored as float64
  volume mask;   // labels 0 (background), 1 (ellipsoid), 2 (sphere)
};

// Builds the phantom: a smooth background with Gaussian noise, an ellipsoid (label 1) with a striped
// texture, and a sphere (label 2) with a coarser blotchy texture. The same seed gives the same voxels.
phantom make_phantom(const phantom_options& options);

// Writes image.nrrd and mask.nrrd into `folder` (created if missing) and returns nothing else.
void write_phantom(const phantom& generated, const std::string& folder);

}  // namespace radcore
