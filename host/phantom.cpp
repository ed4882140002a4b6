#include "host/phantom.hpp"

#include <cmath>
#include <filesystem>
#include <random>

#include "io/image_reader.hpp"

namespace radcore {

phantom make_phantom(const phantom_options& options) {
  phantom out;
  for (volume* v : {&out.image, &out.mask}) {
    v->size = {options.nx, options.ny, options.nz};
    v->spacing = {1.0, 1.0, 2.0};
    v->origin = {0.0, 0.0, 0.0};
    v->direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    v->values.assign(std::size_t(options.nx) * options.ny * options.nz, 0.0);
  }
  out.image.pixel_type = "short";
  out.mask.pixel_type = "unsigned char";

  std::mt19937_64 random(options.seed);
  std::normal_distribution<double> noise(0.0, 12.0);
  const double cx = options.nx * 0.35, cy = options.ny * 0.5, cz = options.nz * 0.5;
  const double sx = options.nx * 0.75, sy = options.ny * 0.4, sz = options.nz * 0.5;
  std::size_t i = 0;
  for (int z = 0; z < options.nz; ++z) {
    for (int y = 0; y < options.ny; ++y) {
      for (int x = 0; x < options.nx; ++x, ++i) {
        double value = 300.0 + 40.0 * std::sin(0.05 * x + 0.03 * y) + noise(random);
        const double ex = (x - cx) / (options.nx * 0.22), ey = (y - cy) / (options.ny * 0.3),
                     ez = (z - cz) / (options.nz * 0.35);
        const double dx = (x - sx) / (options.nx * 0.12), dy = (y - sy) / (options.ny * 0.12),
                     dz = (z - sz) / (options.nz * 0.25);
        if (ex * ex + ey * ey + ez * ez <= 1.0) {
          out.mask.values[i] = 1;
          value += 250.0 + 120.0 * std::sin(0.9 * x + 0.4 * z);
        } else if (dx * dx + dy * dy + dz * dz <= 1.0) {
          out.mask.values[i] = 2;
          value += 500.0 + 150.0 * std::cos(0.35 * x) * std::cos(0.35 * y);
        }
        out.image.values[i] = std::round(value);
      }
    }
  }
  return out;
}

void write_phantom(const phantom& generated, const std::string& folder) {
  std::filesystem::create_directories(folder);
  write_volume(generated.image, (std::filesystem::path(folder) / "image.nrrd").string());
  write_volume(generated.mask, (std::filesystem::path(folder) / "mask.nrrd").string());
}

}  // namespace radcore
