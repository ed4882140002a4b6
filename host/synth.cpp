#include "host/synth.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "io/image_reader.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

volume blank_volume(int size) {
  volume v;
  v.size = {size, size, size};
  v.spacing = {1.0, 1.0, 1.0};
  v.origin = {0.0, 0.0, 0.0};
  v.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  v.values.assign(std::size_t(size) * size * size, 0.0);
  return v;
}

// One patient: four ellipsoids stacked along z, labels 2..5. `severity` (0 or 1) raises the amplitude and
// frequency of a striped texture inside every ROI; patient-level noise keeps the classes overlapping.
void make_patient(int size, int severity, std::mt19937_64& random, volume& image, volume& mask) {
  std::normal_distribution<double> noise(0.0, 10.0);
  std::normal_distribution<double> patient_shift(0.0, 0.45);
  const double amplitude = 40.0 * (1.0 + 0.8 * severity + patient_shift(random));
  const double frequency = 0.6 * (1.0 + 0.5 * severity + patient_shift(random));
  const double slab = size / 4.0;
  std::size_t i = 0;
  for (int z = 0; z < size; ++z) {
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x, ++i) {
        double value = 200.0 + noise(random);
        const int level = std::min(3, int(z / slab));
        const double cz = (level + 0.5) * slab;
        const double ex = (x - size / 2.0) / (size * 0.32), ey = (y - size / 2.0) / (size * 0.22),
                     ez = (z - cz) / (slab * 0.4);
        if (ex * ex + ey * ey + ez * ez <= 1.0) {
          mask.values[i] = 2 + level;
          value += 300.0 + amplitude * std::sin(frequency * x + 0.4 * y) + 5.0 * level;
        }
        image.values[i] = std::round(value);
      }
    }
  }
}

}  // namespace

void write_synthetic_cohort(const synth_options& options, const std::string& folder) {
  if (options.patients < 2) throw input_error("radcore synth needs at least 2 patients, not " + std::to_string(options.patients));
  if (options.size < 16) throw input_error("radcore synth needs images of at least 16 voxels per axis");
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(folder) / "images");
  std::ofstream manifest(fs::path(folder) / "manifest.csv");
  std::ofstream outcome(fs::path(folder) / "outcome.csv");
  if (!manifest || !outcome) throw input_error(folder + ": cannot write the cohort's CSV files; check the folder");
  manifest << "Image,Mask,patient_id\n";
  outcome << "patient_id,severity\n";

  std::mt19937_64 random(options.seed);
  for (int p = 0; p < options.patients; ++p) {
    const int severity = p % 2;  // balanced classes, interleaved
    volume image = blank_volume(options.size);
    volume mask = blank_volume(options.size);
    make_patient(options.size, severity, random, image, mask);
    char name[64];
    std::snprintf(name, sizeof name, "patient_%03d", p + 1);
    const std::string image_file = std::string("images/") + name + "_image.nrrd";
    const std::string mask_file = std::string("images/") + name + "_mask.nrrd";
    write_volume(image, (fs::path(folder) / image_file).string());
    write_volume(mask, (fs::path(folder) / mask_file).string());
    manifest << image_file << ',' << mask_file << ',' << name << '\n';
    outcome << name << ',' << severity << '\n';
  }
}

}  // namespace radcore
