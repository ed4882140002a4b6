#include "io/transform.hpp"

#include "io/preprocess.hpp"

namespace radcore {

volume resample_affine(const volume& input, const affine_map& transform, interpolator_kind interpolator) {
  return preprocess::resample(input, preprocess::grid_of(input), interpolator, &transform);
}

}  // namespace radcore
