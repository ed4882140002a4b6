#include "host/diagnostics.hpp"

#include <string>
#include <type_traits>

#include "host/version.hpp"
#include "io/csv.hpp"

namespace radcore {
namespace {

// Python's repr of a tuple of floats or ints: "(1.0, 2.5, 3.0)".
template <typename Value>
std::string python_tuple(const Value* values, int n) {
  std::string out = "(";
  for (int i = 0; i < n; ++i) {
    if (i) out += ", ";
    if constexpr (std::is_floating_point_v<Value>) {
      out += format_double(values[i]);
    } else {
      out += std::to_string(values[i]);
    }
  }
  return out + ")";
}

void add(feature_row& row, const std::string& key, const std::string& value) {
  row.diagnostic_keys.push_back("diagnostics_" + key);
  row.diagnostic_values.push_back(value);
}

void add_image_facts(feature_row& row, const std::string& stage, const image_facts& facts) {
  add(row, "Image-" + stage + "_Spacing", python_tuple(facts.spacing.data(), 3));
  add(row, "Image-" + stage + "_Size", python_tuple(facts.size.data(), 3));
  add(row, "Image-" + stage + "_Mean", format_double(facts.mean));
  add(row, "Image-" + stage + "_Minimum", format_double(facts.minimum));
  add(row, "Image-" + stage + "_Maximum", format_double(facts.maximum));
}

void add_mask_facts(feature_row& row, const std::string& stage, const mask_facts& facts) {
  const std::string prefix = "Mask-" + stage + "_";
  add(row, prefix + "Spacing", python_tuple(facts.spacing.data(), 3));
  add(row, prefix + "Size", python_tuple(facts.size.data(), 3));
  add(row, prefix + "BoundingBox", python_tuple(facts.bounding_box.data(), 6));
  add(row, prefix + "VoxelNum", std::to_string(facts.voxel_count));
  add(row, prefix + "VolumeNum", std::to_string(facts.volume_count));
  add(row, prefix + "CenterOfMassIndex", python_tuple(facts.center_of_mass_index.data(), 3));
  add(row, prefix + "CenterOfMass", python_tuple(facts.center_of_mass.data(), 3));
  if (facts.has_intensity) {
    add(row, prefix + "Mean", format_double(facts.mean));
    add(row, prefix + "Minimum", format_double(facts.minimum));
    add(row, prefix + "Maximum", format_double(facts.maximum));
  }
}

}  // namespace

void append_diagnostics(const extraction_parameters& parameters, const loaded_case& loaded,
                        const roi_mask* resegmented, feature_row& row) {
  add(row, "Versions_radcore", version());
  add(row, "Versions_radcore_revision", git_revision());
  add(row, "Configuration_Settings", parameters.text);
  std::string image_types;
  for (const auto& type : parameters.image_types) image_types += (image_types.empty() ? "" : ",") + type.name;
  add(row, "Configuration_EnabledImageTypes", image_types);

  const load_diagnostics& facts = loaded.diagnostics;
  add(row, "Image-original_Hash", facts.image_hash);
  add(row, "Image-original_Dimensionality", std::to_string(facts.image_dimensionality) + "D");
  add(row, "Image-original_Spacing", python_tuple(facts.image_spacing.data(), 3));
  add(row, "Image-original_Size", python_tuple(facts.image_size.data(), 3));
  add(row, "Image-original_Mean", format_double(facts.image_mean));
  add(row, "Image-original_Minimum", format_double(facts.image_minimum));
  add(row, "Image-original_Maximum", format_double(facts.image_maximum));
  add(row, "Mask-original_Hash", facts.mask_hash);
  add_mask_facts(row, "original", facts.mask_original);
  if (facts.image_interpolated) add_image_facts(row, "interpolated", *facts.image_interpolated);
  if (facts.mask_interpolated) add_mask_facts(row, "interpolated", *facts.mask_interpolated);
  if (facts.mask_corrected) add_mask_facts(row, "corrected", *facts.mask_corrected);
  if (resegmented) add_mask_facts(row, "resegmented", describe_roi(*resegmented, loaded.image));
}

}  // namespace radcore
