// Extraction of one case: image and mask files in, PyRadiomics' keys and values out.
#pragma once

#include <string>
#include <vector>

#include "host/feature_engine.hpp"
#include "host/settings.hpp"
#include "io/case_loader.hpp"

namespace radcore {

// One ROI's output, in PyRadiomics' column order: diagnostics first, then features.
struct feature_row {
  std::vector<std::string> diagnostic_keys;    // diagnostics_* keys
  std::vector<std::string> diagnostic_values;  // as PyRadiomics prints them
  std::vector<std::string> feature_keys;       // e.g. original_glcm_Contrast
  std::vector<double> feature_values;
};

// Extracts every enabled feature of one ROI (the mask's `label`, or settings.label when label is 0).
// Throws input_error or roi_error with the file, the ROI and the reason; nothing is returned partly.
// `engine` computes the wavelet and the per-image-type classes (the CPU backend when null); shape always
// runs on the CPU.
feature_row extract_case(const std::string& image_path, const std::string& mask_path,
                         const extraction_parameters& parameters, int label = 0, feature_engine* engine = nullptr);

// Extracts the features of a case already loaded and preprocessed by load_case, so that one decode can
// serve many extractions (a stability study extracts each perturbed copy this way). `where` names the ROI
// in messages. The diagnostics columns describe `loaded` as load_case produced it.
feature_row extract_loaded(const loaded_case& loaded, const extraction_parameters& parameters, int label,
                           const std::string& where, feature_engine* engine = nullptr);

}  // namespace radcore
