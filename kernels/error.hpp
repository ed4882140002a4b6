// Exceptions that carry a message fit for the user: what failed, on which input, and what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace radcore {

// Invalid input: a file, a mask, an ROI or a setting that radcore cannot use as given.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A single ROI that cannot be computed (too small, no voxels left, too many grey levels). In a cohort
// run the ROI is recorded as failed and the rest of the cohort goes on.
class roi_error : public input_error {
 public:
  using input_error::input_error;
};

}  // namespace radcore
