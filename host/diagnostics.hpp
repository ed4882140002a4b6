// The diagnostics_* columns: versions, configuration, and facts about the image, the mask and the ROI.
#pragma once

#include "host/extract.hpp"
#include "io/case_loader.hpp"

namespace radcore {

// Appends the diagnostics of one extraction to `row` with PyRadiomics 3.1.0's keys and order: versions,
// configuration, the image and mask as read, then the interpolated, corrected and resegmented stages that
// occurred. `resegmented` is null unless resegmentRange is set.
void append_diagnostics(const extraction_parameters& parameters, const loaded_case& loaded,
                        const roi_mask* resegmented, feature_row& row);

}  // namespace radcore
