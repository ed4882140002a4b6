// `radcore synth`: a generated cohort for the demo and the tests. Each patient has one image with four
// labelled ROIs (labels 2 to 5, like four vertebral levels) and a hidden binary severity. Severe patients'
// ROIs get a finer, higher-contrast texture, which moves GLCM, GLRLM, GLSZM and NGTDM features while the
// ROI mean and size stay the same on average.
#pragma once

#include <cstdint>
#include <string>

namespace radcore {

struct synth_options {
  int patients = 40;
  std::uint64_t seed = 7;
  int size = 40;  // voxels along each axis of every image
};

// Writes DIR/images/patient_NNN_{image,mask}.nrrd, DIR/manifest.csv (Image, Mask, patient_id: PyRadiomics'
// batch layout) and DIR/outcome.csv (patient_id, severity: 0 mild, 1 severe). The same seed gives the
// same files.
void write_synthetic_cohort(const synth_options& options, const std::string& folder);

}  // namespace radcore
