// Type and range rules of every `setting:` and `voxelSetting:` name: those of PyRadiomics 3.1.0's
// paramSchema.yaml and schemaFuncs.py, plus radcore's own maximumBinCount, filterMode, ibsiBoundary,
// ibsiRotationInvariance and ibsiLoGTruncate. Used by the parameter parser only.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "host/settings.hpp"

namespace radcore {

// A value that breaks its setting's rule. The message states the expected type or range and the value
// found; the parser adds the source and the setting name.
class setting_value_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every `setting:` name, sorted.
const std::vector<std::string>& setting_names();
bool is_setting_name(const std::string& name);

// Checks `value` against the rule of the `setting:` entry `name` and stores it in `settings`. A YAML null
// is PyRadiomics' None: it clears an optional setting, is false for a bool (None is falsy where PyRadiomics
// reads it), and is rejected elsewhere because PyRadiomics would fail on it later. Throws
// setting_value_error.
void apply_setting_value(const std::string& name, const YAML::Node& value, extraction_settings& settings);

// Every `voxelSetting:` name, sorted.
const std::vector<std::string>& voxel_setting_names();
bool is_voxel_setting_name(const std::string& name);

// Checks `value` against the rule of the `voxelSetting:` entry `name`. Throws setting_value_error.
void check_voxel_setting_value(const std::string& name, const YAML::Node& value);

// Returns `value` as one line of YAML (flow style), as the parser stores checked values.
std::string yaml_text(const YAML::Node& value);

}  // namespace radcore
