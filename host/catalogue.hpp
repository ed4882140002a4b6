// The feature catalogue: every feature class, its features in PyRadiomics' order, and which are enabled.
#pragma once

#include <string>
#include <vector>

#include "kernels/feature_info.hpp"

namespace radcore {

struct feature_class_info {
  const char* name;  // PyRadiomics' class name: firstorder, shape, shape2D, glcm, glrlm, glszm, gldm, ngtdm
  const feature_info* features;
  int count;
  bool shape_class;  // computed once per ROI on the original mask, not per image type
};

// Every class, in PyRadiomics' default order (alphabetical module names).
const std::vector<feature_class_info>& feature_classes();

// Returns the class named `name`, or nullptr.
const feature_class_info* find_feature_class(const std::string& name);

// Returns the index of `feature` within its class, or -1.
int find_feature(const feature_class_info& feature_class, const std::string& feature);

}  // namespace radcore
