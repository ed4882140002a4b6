// ROI images for tests: shared cases read from files, cropped to the label's bounding box.
#pragma once

#include <algorithm>
#include <string>

#include "io/image_reader.hpp"
#include "kernels/roi.hpp"
#include "tests/test_data.hpp"

namespace radcore::testing {

// Reads an image and mask from the shared data folder and appends the crop of `label` to a batch.
inline roi_batch load_shared_roi(const std::string& image_relative, const std::string& mask_relative,
                                 int label = 1) {
  const volume image = read_volume((shared_data_dir() / image_relative).string());
  const volume mask = read_volume((shared_data_dir() / mask_relative).string());

  int lo[3] = {image.size[0], image.size[1], image.size[2]};
  int hi[3] = {-1, -1, -1};
  for (int z = 0; z < image.size[2]; ++z) {
    for (int y = 0; y < image.size[1]; ++y) {
      for (int x = 0; x < image.size[0]; ++x) {
        const std::size_t i = x + std::size_t(image.size[0]) * (y + std::size_t(image.size[1]) * z);
        if (int(mask.values[i]) != label) continue;
        const int p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], p[a]);
          hi[a] = std::max(hi[a], p[a]);
        }
      }
    }
  }
  extent3 crop{hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1};
  std::vector<double> values(std::size_t(crop.count()));
  std::vector<std::uint8_t> inside(std::size_t(crop.count()));
  for (int z = 0; z < crop.nz; ++z) {
    for (int y = 0; y < crop.ny; ++y) {
      for (int x = 0; x < crop.nx; ++x) {
        const std::size_t source =
            (x + lo[0]) + std::size_t(image.size[0]) * ((y + lo[1]) + std::size_t(image.size[1]) * (z + lo[2]));
        values[std::size_t(crop.index(x, y, z))] = image.values[source];
        inside[std::size_t(crop.index(x, y, z))] = int(mask.values[source]) == label ? 1 : 0;
      }
    }
  }
  roi_batch batch;
  batch.add(crop, image.spacing, values.data(), inside.data());
  return batch;
}

}  // namespace radcore::testing
