#include "host/stability_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/ml/report.hpp"
#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;

std::string key_part(const std::string& name, int part) {
  const std::size_t first = name.find('_');
  if (part == 0) return name.substr(0, first);
  if (first == std::string::npos) return name;
  const std::size_t second = name.find('_', first + 1);
  return name.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw input_error(path.string() + ": could not write the file");
}

std::string fraction_text(int part, int whole) {
  if (whole == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", double(part) / double(whole));
  return text;
}

std::string groups_csv(const std::vector<icc_group_summary>& groups, const std::string& group_column) {
  std::ostringstream text;
  csv_writer writer(text);
  writer.write_row({group_column, "features", "with_icc", "at_threshold", "fraction_at_threshold", "median_icc"});
  for (const icc_group_summary& group : groups) {
    writer.write_row({group.name, std::to_string(group.features), std::to_string(group.with_icc),
                      std::to_string(group.at_threshold), fraction_text(group.at_threshold, group.with_icc),
                      format_double(group.median)});
  }
  return text.str();
}

std::string groups_markdown(const std::vector<icc_group_summary>& groups, const std::string& group_column) {
  std::ostringstream md;
  md << "| " << group_column << " | features | with ICC | ICC >= threshold | fraction | median ICC |\n"
     << "|---|---|---|---|---|---|\n";
  for (const icc_group_summary& group : groups) {
    char median[32];
    std::snprintf(median, sizeof median, "%.3f", group.median);
    md << "| " << group.name << " | " << group.features << " | " << group.with_icc << " | " << group.at_threshold
       << " | " << fraction_text(group.at_threshold, group.with_icc) << " | "
       << (std::isnan(group.median) ? "-" : median) << " |\n";
  }
  return md.str();
}

// A strip plot: one column of points per feature class, spread sideways by a fixed pattern so that equal
// values stay visible, and a line at the threshold.
std::string plot_script(const std::vector<icc_group_summary>& classes, const std::string& model, double threshold) {
  std::ostringstream script;
  script << "set terminal pngcairo size 1000,600\nset output 'icc_by_class.png'\n"
         << "set datafile separator ','\nset key off\nset grid ytics\n"
         << "set title 'ICC(" << model << ") per feature, by feature class (line: " << threshold << ")'\n"
         << "set ylabel 'ICC(" << model << ")'\nset yrange [*:1.05]\nset xrange [0.4:" << classes.size() + 0.6
         << "]\nset xtics (";
  for (std::size_t c = 0; c < classes.size(); ++c) {
    script << (c ? ", " : "") << "'" << classes[c].name << "' " << c + 1;
  }
  script << ")\nplot 'icc_points.csv' using 2:3 skip 1 with points pointtype 7 pointsize 0.6, " << threshold
         << " with lines linewidth 2\n";
  return script.str();
}

}  // namespace

std::vector<icc_group_summary> summarise_icc_groups(const std::vector<std::string>& feature_names,
                                                    const std::vector<double>& icc, int part, double threshold) {
  std::vector<icc_group_summary> groups;
  std::vector<std::vector<double>> values;
  for (std::size_t f = 0; f < feature_names.size(); ++f) {
    const std::string name = key_part(feature_names[f], part);
    auto found = std::find_if(groups.begin(), groups.end(), [&](const icc_group_summary& g) { return g.name == name; });
    if (found == groups.end()) {
      groups.push_back({name, 0, 0, 0, 0});
      values.emplace_back();
      found = groups.end() - 1;
    }
    const std::size_t g = std::size_t(found - groups.begin());
    ++found->features;
    if (std::isnan(icc[f])) continue;
    ++found->with_icc;
    found->at_threshold += icc[f] >= threshold;
    values[g].push_back(icc[f]);
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<double>& v = values[g];
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    if (n == 0) {
      groups[g].median = std::nan("");
    } else if (n % 2 == 1) {
      groups[g].median = v[n / 2];
    } else {
      groups[g].median = (v[n / 2 - 1] + v[n / 2]) / 2;
    }
  }
  return groups;
}

bool write_stability_report(const std::string& folder, const store_header& header, const std::vector<double>& icc,
                            const std::string& model, double threshold) {
  fs::create_directories(folder);
  const std::vector<icc_group_summary> classes = summarise_icc_groups(header.feature_names, icc, 1, threshold);
  const std::vector<icc_group_summary> image_types = summarise_icc_groups(header.feature_names, icc, 0, threshold);
  write_file(fs::path(folder) / "icc_by_class.csv", groups_csv(classes, "class"));
  write_file(fs::path(folder) / "icc_by_image_type.csv", groups_csv(image_types, "image_type"));

  std::ostringstream points;
  csv_writer writer(points);
  writer.write_row({"feature", "x", "icc"});
  for (std::size_t f = 0; f < header.feature_names.size(); ++f) {
    if (std::isnan(icc[f])) continue;
    const std::string name = key_part(header.feature_names[f], 1);
    const auto found = std::find_if(classes.begin(), classes.end(), [&](const icc_group_summary& g) { return g.name == name; });
    const double spread = 0.3 * (double(f % 13) / 6.0 - 1.0);
    writer.write_row({header.feature_names[f], format_double(double(found - classes.begin() + 1) + spread),
                      format_double(icc[f])});
  }
  write_file(fs::path(folder) / "icc_points.csv", points.str());
  const bool drawn = ml::run_gnuplot(folder, "icc_by_class", plot_script(classes, model, threshold));

  int with_icc = 0, at_threshold = 0;
  for (const icc_group_summary& group : classes) {
    with_icc += group.with_icc;
    at_threshold += group.at_threshold;
  }
  std::ostringstream md;
  md << "# Feature stability\n\n"
     << "- perturbations: " << header.stability_text << "\n"
     << "- features: " << header.feature_names.size() << ", of which " << with_icc << " have an ICC(" << model
     << ") (the others are constant or non-finite, so their ICC is NaN)\n"
     << "- ICC(" << model << ") >= " << threshold << ": " << at_threshold << " features ("
     << fraction_text(at_threshold, with_icc) << " of those with an ICC)\n"
     << "- subjects (ROIs) per feature: "
     << (header.icc && !header.icc->subjects.empty() ? std::to_string(header.icc->subjects.front()) : "-")
     << "; perturbed extractions per ROI: "
     << (header.icc && !header.icc->repeats.empty() ? std::to_string(header.icc->repeats.front()) : "-") << "\n\n"
     << "## By feature class\n\n" << groups_markdown(classes, "class") << "\n"
     << (drawn ? "![ICC by feature class](icc_by_class.png)\n\n"
               : "The plot was not drawn (gnuplot not found or failed); icc_by_class.gp is its script.\n\n")
     << "## By image type\n\n" << groups_markdown(image_types, "image type");
  write_file(fs::path(folder) / "report.md", md.str());
  return drawn;
}

}  // namespace radcore
