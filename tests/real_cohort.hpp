// The real-data cohort of the shared data: the spine cases and PyRadiomics' test cases in one manifest.
#pragma once

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>

#include "cohort_fixtures.hpp"
#include "io/image_reader.hpp"
#include "test_data.hpp"

namespace radcore::testing {

// Parameters of the real-data tests: the study configuration (original and wavelet images, every class,
// binWidth 25) with mask correction, because the sct_mt mask's origin differs from its image's by 2e-4 mm.
inline const char* const real_data_parameters =
    "imageType:\n"
    "  Original: {}\n"
    "  Wavelet: {}\n"
    "featureClass:\n"
    "  shape:\n"
    "  firstorder:\n"
    "  glcm:\n"
    "  glrlm:\n"
    "  glszm:\n"
    "  gldm:\n"
    "  ngtdm:\n"
    "setting:\n"
    "  binWidth: 25\n"
    "  correctMask: true\n";

// Writes the sct_t2 level labels into a zero mask on the grid of errsm30_full, at the block that
// sct_t2 was cropped from ([180:240, 120:175, 0:52] in x, y, z).
inline void write_errsm30_levels_mask(const std::filesystem::path& data, const std::filesystem::path& output) {
  volume mask = read_volume((data / "spine/errsm30_full/t2.nii.gz").string());
  const volume levels = read_volume((data / "spine/sct_t2/t2_seg-manual_labeled.nii.gz").string());
  std::fill(mask.values.begin(), mask.values.end(), 0.0);
  const std::array<int, 3> offset = {180, 120, 0};
  for (int z = 0; z < levels.size[2]; ++z) {
    for (int y = 0; y < levels.size[1]; ++y) {
      for (int x = 0; x < levels.size[0]; ++x) {
        const std::size_t from = (static_cast<std::size_t>(z) * levels.size[1] + y) * levels.size[0] + x;
        const std::size_t to = (static_cast<std::size_t>(z + offset[2]) * mask.size[1] + y + offset[1]) * mask.size[0] +
                               x + offset[0];
        mask.values[to] = levels.values[from];
      }
    }
  }
  write_volume(mask, output.string());
}

// Writes `folder`/manifest.csv with 13 ROIs of the shared data: the four level labels of sct_t2, the
// sct_t1, sct_t2s and sct_mt cords, PyRadiomics' brain1 and breast1, and the sct_t2 levels placed on
// errsm30_full (mask written as `folder`/errsm30_levels.nii.gz). Paths are absolute.
inline std::filesystem::path write_real_data_manifest(const std::filesystem::path& folder) {
  const std::filesystem::path data = std::filesystem::absolute(shared_data_dir());
  const std::filesystem::path levels_mask = folder / "errsm30_levels.nii.gz";
  write_errsm30_levels_mask(data, levels_mask);

  std::string text = "ID,Image,Mask,Label\n";
  const auto add = [&](const std::string& id, const std::filesystem::path& image, const std::filesystem::path& mask,
                       int label) {
    text += id + "," + image.string() + "," + mask.string() + "," + std::to_string(label) + "\n";
  };
  for (const int level : {2, 3, 4, 5}) {
    add("sct_t2", data / "spine/sct_t2/t2.nii.gz", data / "spine/sct_t2/t2_seg-manual_labeled.nii.gz", level);
  }
  add("sct_t1", data / "spine/sct_t1/t1w.nii.gz", data / "spine/sct_t1/t1w_seg-manual.nii.gz", 1);
  add("sct_t2s", data / "spine/sct_t2s/t2s.nii.gz", data / "spine/sct_t2s/t2s_seg.nii.gz", 1);
  add("sct_mt", data / "spine/sct_mt/mt1.nii.gz", data / "spine/sct_mt/mt1_seg.nii.gz", 1);
  add("brain1", data / "pyradiomics/brain1_image.nrrd", data / "pyradiomics/brain1_label.nrrd", 1);
  add("breast1", data / "pyradiomics/breast1_image.nrrd", data / "pyradiomics/breast1_label.nrrd", 1);
  for (const int level : {2, 3, 4, 5}) add("errsm30_full", data / "spine/errsm30_full/t2.nii.gz", levels_mask, level);
  const std::filesystem::path manifest = folder / "manifest.csv";
  write_text(manifest, text);
  return manifest;
}

}  // namespace radcore::testing
