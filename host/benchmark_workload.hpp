// The fixed, versioned workload of `radcore bench`: the study configuration (original image plus the eight
// coif1 wavelet decompositions, every feature class, binWidth 25) on generated ROIs of standard sizes, timed
// per feature family, so figures from different machines can be compared.
#pragma once

#include <string>
#include <vector>

#include "host/feature_engine.hpp"

namespace radcore {

// One timed family on one device.
struct family_result {
  std::string family;  // firstorder, shape, glcm, glrlm, glszm, gldm, ngtdm, wavelet or study
  std::string device;  // cpu or cuda
  double rois_per_second = 0;
  double voxels_per_second = 0;  // ROI voxels (mask) processed per second
};

struct workload_info {
  std::string name;
  int version = 0;
  std::vector<int> roi_edges;  // cube edge lengths of the generated ROIs, in voxels
  int rois_per_size = 0;
};

// Returns the named workload ("study" is the default); throws input_error for an unknown name.
workload_info find_workload(const std::string& name);

// Runs the workload on `engine` and returns one result per family and one for the whole configuration.
// Shape runs on the CPU; in the whole configuration it runs on a second thread while the engine works.
// `minimum_seconds` is the least time spent timing each family.
std::vector<family_result> run_workload(const workload_info& workload, double minimum_seconds,
                                        feature_engine& engine);

}  // namespace radcore
