#include "host/catalogue.hpp"

#include "kernels/firstorder.hpp"
#include "kernels/glcm.hpp"
#include "kernels/gldm.hpp"
#include "kernels/glrlm.hpp"
#include "kernels/glszm.hpp"
#include "kernels/ngtdm.hpp"
#include "kernels/shape.hpp"

namespace radcore {

const std::vector<feature_class_info>& feature_classes() {
  // Built on first use, after the tables of the other translation units are initialised.
  static const std::vector<feature_class_info> classes{
      {"firstorder", firstorder_feature_table, firstorder_feature_count, false},
      {"glcm", glcm_feature_table, glcm_feature_count, false},
      {"gldm", gldm_feature_table, gldm_feature_count, false},
      {"glrlm", glrlm_feature_table, glrlm_feature_count, false},
      {"glszm", glszm_feature_table, glszm_feature_count, false},
      {"ngtdm", ngtdm_feature_table, ngtdm_feature_count, false},
      {"shape", shape_feature_table, shape_feature_count, true},
      {"shape2D", shape2d_feature_table, shape2d_feature_count, true},
  };
  return classes;
}

const feature_class_info* find_feature_class(const std::string& name) {
  for (const feature_class_info& info : feature_classes()) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

int find_feature(const feature_class_info& feature_class, const std::string& feature) {
  for (int i = 0; i < feature_class.count; ++i) {
    if (feature == feature_class.features[i].name) return i;
  }
  return -1;
}

}  // namespace radcore
