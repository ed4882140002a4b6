// Writes discretised ROI batches of the shared cases, with their intensities and masks, to binary files, so
// that the GPU tests can run on real ROIs on a machine without ITK. Usage: radcore_gpu_export OUTPUT_FOLDER.
// Reads ../shared/data (or $RADCORE_SHARED_DATA) and writes one .rcdb file per batch.
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "kernels/discretise.hpp"
#include "tests/gpu/roi_batch_file.hpp"
#include "tests/roi_fixtures.hpp"

namespace {

using radcore::roi_batch;

// Appends the ROIs of `part` to `all`.
void append(roi_batch& all, const roi_batch& part) {
  for (int r = 0; r < part.rois(); ++r) {
    const std::int64_t first = part.voxel_offset[std::size_t(r)];
    all.add(part.size[std::size_t(r)], part.spacing[std::size_t(r)], part.intensity.data() + first,
            part.mask.data() + first);
  }
}

struct exported_case {
  const char* image;
  const char* mask;
  std::vector<int> labels;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: radcore_gpu_export OUTPUT_FOLDER\n";
    return 2;
  }
  const std::filesystem::path output = argv[1];
  const std::vector<exported_case> cases = {
      {"pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", {1}},
      {"pyradiomics/breast1_image.nrrd", "pyradiomics/breast1_label.nrrd", {1}},
      {"spine/sct_t2/t2.nii.gz", "spine/sct_t2/t2_seg-manual_labeled.nii.gz", {2, 3, 4, 5}},
  };
  try {
    std::filesystem::create_directories(output);
    roi_batch rois;
    for (const exported_case& c : cases) {
      for (int label : c.labels) append(rois, radcore::testing::load_shared_roi(c.image, c.mask, label));
    }
    radcore::binning_settings width;
    width.bin_width = 25.0;
    radcore::testing::write_discrete_batch(radcore::discretise(rois, width), (output / "shared_bw25.rcdb").string(),
                                           &rois);
    radcore::binning_settings count;
    count.bin_count = 64;
    radcore::testing::write_discrete_batch(radcore::discretise(rois, count), (output / "shared_bc64.rcdb").string(),
                                           &rois);
    std::cout << "exported " << rois.rois() << " ROIs of " << cases.size() << " shared cases to " << output.string()
              << " (bin width 25 and bin count 64, with intensities)\n";
  } catch (const std::exception& error) {
    std::cerr << "radcore_gpu_export: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
