// A model folder: model.csv (term, coefficient, mean, scale), model_info.csv (key, value), model.json (the
// same for other tools) and formula.txt (the score as text).
#pragma once

#include <string>

#include "host/ml/pipeline.hpp"

namespace radcore::ml {

// Writes `model` into `folder` (created if missing). `outcome` and `id_column` are recorded for predict.
void write_model_folder(const std::string& folder, const linear_model& model, const std::string& outcome,
                        const std::string& id_column, const std::string& join_by);

struct stored_model {
  linear_model model;
  std::string outcome;
  std::string id_column;
  std::string join_by;  // empty when the features were not joined
};

// Reads a folder written by write_model_folder. Throws input_error naming the file that is missing or
// malformed.
stored_model read_model_folder(const std::string& folder);

// Returns the score formula, e.g. "score = -0.41 + 1.2 * z(original_firstorder_Mean) ..., z(x) = (x − mean)/sd".
std::string model_formula(const linear_model& model);

}  // namespace radcore::ml
