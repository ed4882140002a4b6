// Settings shared by the texture families (GLCM, GLRLM, GLSZM, GLDM, NGTDM).
#pragma once

#include "kernels/angles.hpp"

namespace radcore {

// PyRadiomics' weightingNorm. `none` keeps per-angle matrices and averages features over angles; every
// other value merges the angles into one matrix, weighted as PyRadiomics weights them.
enum class weighting_norm { none, infinity, euclidean, manhattan, no_weighting };

struct texture_settings {
  angle_options angles;
  bool symmetrical_glcm = true;
  weighting_norm weighting = weighting_norm::none;
  int gldm_a = 0;
};

}  // namespace radcore
