#include "host/settings.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "host/catalogue.hpp"
#include "host/setting_rules.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

void warn(const std::string& message) { std::cerr << "radcore: warning: " << message << '\n'; }

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    throw input_error(source + ": invalid YAML or JSON at line " + std::to_string(error.mark.line + 1) +
                      ", column " + std::to_string(error.mark.column + 1) + ": " + error.msg);
  }
}

std::string name_of(const YAML::Node& key, const std::string& source, const std::string& where) {
  if (!key.IsScalar()) throw input_error(source + ": " + where + ": expected a name as key, got " + yaml_text(key));
  return key.Scalar();
}

// Checks one `setting:` entry and returns its value as YAML text. `where` prefixes the setting in messages.
std::string check_setting(const std::string& name, const YAML::Node& value, const std::string& source,
                          const std::string& where) {
  if (!is_setting_name(name)) {
    const std::string hint = is_voxel_setting_name(name) ? " (" + name + " belongs in section 'voxelSetting')" : "";
    throw input_error(source + ": " + where + "unknown setting '" + name + "'" + hint + "; valid settings: " +
                      join(setting_names()));
  }
  extraction_settings scratch;
  try {
    apply_setting_value(name, value, scratch);
  } catch (const setting_value_error& error) {
    throw input_error(source + ": " + where + "setting '" + name + "': " + error.what());
  }
  return yaml_text(value);
}

// Builds settings from checked values. The values were checked when stored, so this does not throw.
extraction_settings build_settings(const std::map<std::string, std::string>& values) {
  extraction_settings settings;
  for (const auto& [name, text] : values) apply_setting_value(name, YAML::Load(text), settings);

  // PyRadiomics resamples only when both interpolator and resampledPixelSpacing are set, so a null
  // interpolator disables resampling.
  const auto interpolator = values.find("interpolator");
  if (interpolator != values.end() && YAML::Load(interpolator->second).IsNull()) {
    settings.resampled_pixel_spacing.reset();
  }
  return settings;
}

void parse_setting_section(const YAML::Node& section, const std::string& source,
                           std::map<std::string, std::string>& values) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    throw input_error(source + ": section 'setting': expected a mapping of setting names to values, got " +
                      yaml_text(section));
  }
  // Like a Python dict, a name given twice keeps its last value.
  for (const auto& entry : section) {
    const std::string name = name_of(entry.first, source, "section 'setting'");
    values[name] = check_setting(name, entry.second, source, "");
  }
}

void parse_voxel_section(const YAML::Node& section, const std::string& source) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    throw input_error(source + ": section 'voxelSetting': expected a mapping of setting names to values, got " +
                      yaml_text(section));
  }
  for (const auto& entry : section) {
    const std::string name = name_of(entry.first, source, "section 'voxelSetting'");
    if (!is_voxel_setting_name(name)) {
      throw input_error(source + ": unknown voxelSetting '" + name + "'; valid voxelSetting names: " +
                        join(voxel_setting_names()));
    }
    try {
      check_voxel_setting_value(name, entry.second);
    } catch (const setting_value_error& error) {
      throw input_error(source + ": voxelSetting '" + name + "': " + error.what());
    }
  }
  warn(source + ": section 'voxelSetting' is checked but not used, because radcore computes features per ROI "
       "and not voxel-based feature maps");
}

std::vector<class_selection> all_classes(bool include_shape2d) {
  std::vector<class_selection> classes;
  for (const feature_class_info& info : feature_classes()) {
    if (include_shape2d || std::string(info.name) != "shape2D") classes.push_back({info.name, {}});
  }
  return classes;
}

std::vector<std::string> class_names() {
  std::vector<std::string> names;
  for (const feature_class_info& info : feature_classes()) names.emplace_back(info.name);
  return names;
}

std::vector<std::string> feature_names(const feature_class_info& info) {
  std::vector<std::string> names;
  for (int i = 0; i < info.count; ++i) names.emplace_back(info.features[i].name);
  return names;
}

// Returns the features named for one class in file order, without repeats.
std::vector<std::string> parse_feature_list(const feature_class_info& info, const YAML::Node& list,
                                            const std::string& source) {
  const std::string where = source + ": featureClass '" + info.name + "'";
  if (list.IsNull()) return {};
  if (!list.IsSequence()) {
    throw input_error(where + ": expected a list of feature names, or nothing for every non-deprecated feature, "
                      "got " + yaml_text(list));
  }
  std::vector<std::string> features;
  for (const YAML::Node& item : list) {
    const std::string name = item.IsScalar() ? item.Scalar() : yaml_text(item);
    const int index = item.IsScalar() ? find_feature(info, name) : -1;
    if (index < 0) {
      throw input_error(where + ": unknown feature '" + name + "'; valid features: " + join(feature_names(info)));
    }
    if (std::find(features.begin(), features.end(), name) != features.end()) continue;
    if (info.features[index].deprecated) {
      warn(where + ": feature '" + name + "' is deprecated; it is computed because the parameter file names it");
    }
    features.push_back(name);
  }
  return features;
}

std::vector<class_selection> parse_feature_classes(const YAML::Node& section, const std::string& source) {
  if (!section.IsMap()) {
    throw input_error(source + ": section 'featureClass': expected a mapping of class names to feature lists, got " +
                      yaml_text(section) + " (leave the section out to enable every class)");
  }
  // PyRadiomics enables every class, shape2D included, when the section is empty.
  if (section.size() == 0) return all_classes(true);

  std::vector<class_selection> classes;
  for (const auto& entry : section) {
    const std::string name = name_of(entry.first, source, "section 'featureClass'");
    const feature_class_info* info = find_feature_class(name);
    if (info == nullptr) {
      throw input_error(source + ": unknown feature class '" + name + "'; valid classes: " + join(class_names()));
    }
    class_selection selection{name, parse_feature_list(*info, entry.second, source)};
    const auto same_name = [&name](const class_selection& other) { return other.name == name; };
    const auto existing = std::find_if(classes.begin(), classes.end(), same_name);
    if (existing != classes.end()) {
      *existing = std::move(selection);
    } else {
      classes.push_back(std::move(selection));
    }
  }
  return classes;
}

std::vector<image_type_selection> parse_image_types(const YAML::Node& section, const std::string& source) {
  if (!section.IsMap()) {
    throw input_error(source + ": section 'imageType': expected a mapping of image type names to settings, got " +
                      yaml_text(section) + " (leave the section out for Original only)");
  }
  if (section.size() == 0) return {{"Original", {}}};

  const auto& valid = image_type_names();
  std::vector<image_type_selection> image_types;
  for (const auto& entry : section) {
    const std::string name = name_of(entry.first, source, "section 'imageType'");
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      throw input_error(source + ": unknown image type '" + name + "'; valid image types: " + join(valid));
    }
    const YAML::Node& overrides = entry.second;
    if (!overrides.IsMap()) {
      throw input_error(source + ": imageType '" + name + "': expected a mapping of setting overrides ({} for none), "
                        "got " + yaml_text(overrides));
    }
    image_type_selection selection{name, {}};
    for (const auto& setting : overrides) {
      const std::string where = "imageType '" + name + "': ";
      const std::string setting_name = name_of(setting.first, source, where + "settings");
      selection.overrides[setting_name] = check_setting(setting_name, setting.second, source, where);
    }
    const auto same_name = [&name](const image_type_selection& other) { return other.name == name; };
    const auto existing = std::find_if(image_types.begin(), image_types.end(), same_name);
    if (existing != image_types.end()) {
      *existing = std::move(selection);
    } else {
      image_types.push_back(std::move(selection));
    }
  }
  return image_types;
}

YAML::Node flow_map(const std::map<std::string, std::string>& values) {
  YAML::Node map(YAML::NodeType::Map);
  for (const auto& [name, text] : values) map[name] = YAML::Load(text);
  return map;
}

// Writes the parameters as one line of YAML that parse_parameters reads back to the same parameters. It
// lists image types and classes in order, each class with its features ([] for the default features), and
// the settings given. Settings not listed keep PyRadiomics' defaults.
std::string canonical_text(const extraction_parameters& parameters) {
  YAML::Node root(YAML::NodeType::Map);
  YAML::Node image_types(YAML::NodeType::Map);
  for (const image_type_selection& image_type : parameters.image_types) {
    image_types[image_type.name] = flow_map(image_type.overrides);
  }
  root["imageType"] = image_types;

  YAML::Node classes(YAML::NodeType::Map);
  for (const class_selection& selection : parameters.classes) {
    YAML::Node features(YAML::NodeType::Sequence);
    for (const std::string& feature : selection.features) features.push_back(feature);
    classes[selection.name] = features;
  }
  root["featureClass"] = classes;

  YAML::Node settings(YAML::NodeType::Map);
  for (const auto& [name, text] : parameters.setting_values) {
    settings[name] = YAML::Load(text);
  }
  root["setting"] = settings;

  // One line, so that the text fits a CSV field or an HDF5 attribute without line ends.
  return yaml_text(root);
}

}  // namespace

texture_settings extraction_settings::texture() const {
  texture_settings texture;
  texture.angles.distances = distances;
  texture.angles.force2d = force2d;
  texture.angles.force2d_dimension = force2d_dimension;
  texture.symmetrical_glcm = symmetrical_glcm;
  texture.weighting = weighting;
  texture.gldm_a = gldm_a;
  return texture;
}

const std::vector<std::string>& image_type_names() {
  static const std::vector<std::string> names{"Exponential", "Gradient", "LBP2D",  "LBP3D",      "LoG",
                                              "Logarithm",   "Original", "Square", "SquareRoot", "Wavelet"};
  return names;
}

extraction_parameters default_parameters() {
  extraction_parameters parameters;
  parameters.classes = all_classes(false);
  parameters.image_types = {{"Original", {}}};
  parameters.text = canonical_text(parameters);
  return parameters;
}

extraction_parameters parse_parameters(const std::string& text, const std::string& source) {
  const YAML::Node root = load_yaml(text, source);
  if (!root.IsMap()) {
    throw input_error(source + ": expected a mapping with the sections setting, featureClass, imageType or "
                      "voxelSetting, got " + (root.IsNull() ? std::string("an empty document") : yaml_text(root)));
  }

  extraction_parameters parameters = default_parameters();
  parameters.classes = all_classes(true);  // PyRadiomics' quirk for a file without featureClass
  for (const auto& entry : root) {
    const std::string section = name_of(entry.first, source, "top level");
    if (section == "setting") {
      parse_setting_section(entry.second, source, parameters.setting_values);
    } else if (section == "voxelSetting") {
      parse_voxel_section(entry.second, source);
    } else if (section == "featureClass") {
      parameters.classes = parse_feature_classes(entry.second, source);
    } else if (section == "imageType") {
      parameters.image_types = parse_image_types(entry.second, source);
    } else {
      throw input_error(source + ": unknown section '" + section +
                        "'; valid sections: setting, voxelSetting, featureClass, imageType");
    }
  }
  parameters.settings = build_settings(parameters.setting_values);
  parameters.text = canonical_text(parameters);
  return parameters;
}

extraction_parameters load_parameters_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) throw input_error(path + ": cannot open the parameter file: " + std::strerror(errno));
  std::ostringstream text;
  text << input.rdbuf();
  return parse_parameters(text.str(), path);
}

void apply_setting_override(extraction_parameters& parameters, const std::string& name_value) {
  const std::string source = "setting override '" + name_value + "'";
  const std::size_t colon = name_value.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw input_error(source + ": expected NAME:VALUE, for example binWidth:10");
  }
  const std::string name = name_value.substr(0, colon);
  const YAML::Node value = load_yaml(name_value.substr(colon + 1), source);
  parameters.setting_values[name] = check_setting(name, value, source, "");
  parameters.settings = build_settings(parameters.setting_values);
  parameters.text = canonical_text(parameters);
}

extraction_settings settings_for_image_type(const extraction_parameters& parameters,
                                            const image_type_selection& image_type) {
  std::map<std::string, std::string> values = parameters.setting_values;
  for (const auto& [name, text] : image_type.overrides) values[name] = text;
  return build_settings(values);
}

}  // namespace radcore
