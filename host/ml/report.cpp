#include "host/ml/report.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/csv.hpp"
#include "kernels/error.hpp"

namespace radcore::ml {

namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::binary);
  output << text;
  if (!output) throw input_error("report: cannot write " + path.string());
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string fixed(double value, int digits = 4) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

const char* plot_header =
    "set terminal pngcairo size 900,600 enhanced font 'DejaVu Sans,11'\n"
    "set datafile separator ','\n"
    "set grid\n";

}  // namespace

bool run_gnuplot(const std::string& folder, const std::string& name, const std::string& script) {
  const fs::path script_path = fs::path(folder) / (name + ".gp");
  write_text(script_path, script);
  const std::string command = "cd " + shell_quote(folder) + " && gnuplot " + shell_quote(name + ".gp") +
                              " 2> " + shell_quote(name + ".gnuplot.log");
  const int status = std::system(command.c_str());
  if (status == 0) {
    fs::remove(fs::path(folder) / (name + ".gnuplot.log"));
    return true;
  }
  return false;
}

bool write_selection_report(const std::string& folder, const selection_result& selection, selection_rule rule) {
  fs::create_directories(folder);
  const cv_result& cv = selection.cv;
  const std::size_t feature_count = selection.screened_names.size();

  std::ostringstream path_csv;
  csv_writer path_writer(path_csv);
  std::vector<std::string> header{"alpha"};
  header.insert(header.end(), selection.screened_names.begin(), selection.screened_names.end());
  path_writer.write_row(header);
  for (std::size_t k = 0; k < cv.alphas.size(); ++k) {
    std::vector<std::string> row{format_double(cv.alphas[k])};
    for (std::size_t j = 0; j < feature_count; ++j) {
      row.push_back(format_double(selection.path.coefficients(Eigen::Index(j), Eigen::Index(k))));
    }
    path_writer.write_row(row);
  }
  write_text(fs::path(folder) / "path.csv", path_csv.str());

  std::ostringstream cv_csv;
  csv_writer cv_writer(cv_csv);
  cv_writer.write_row({"alpha", "mean_error", "standard_error", "nonzero"});
  for (std::size_t k = 0; k < cv.alphas.size(); ++k) {
    const Eigen::Index i = Eigen::Index(k);
    cv_writer.write_row({format_double(cv.alphas[k]), format_double(cv.mean_error[i]),
                         format_double(cv.standard_error[i]),
                         std::to_string((selection.path.coefficients.col(i).array() != 0.0).count())});
  }
  write_text(fs::path(folder) / "cv.csv", cv_csv.str());

  std::ostringstream screen_csv;
  csv_writer screen_writer(screen_csv);
  screen_writer.write_row({"feature_column", "reason"});
  for (const dropped_feature& dropped : selection.screen.dropped) {
    screen_writer.write_row({std::to_string(dropped.column), dropped.reason});
  }
  write_text(fs::path(folder) / "screen.csv", screen_csv.str());

  const double alpha_min = cv.alphas[cv.index_min];
  const double alpha_1se = cv.alphas[cv.index_1se];
  const bool binomial = selection.model.link == family::binomial;
  std::ostringstream script;
  script.precision(17);
  script << plot_header << "set logscale x\nset xlabel 'alpha (lambda)'\n"
         << "set arrow from " << alpha_min << ", graph 0 to " << alpha_min
         << ", graph 1 nohead dt 2 lc rgb '#c00000'\n"
         << "set arrow from " << alpha_1se << ", graph 0 to " << alpha_1se
         << ", graph 1 nohead dt 3 lc rgb '#0060c0'\n"
         << "set output 'lasso_path.png'\nset title 'LASSO coefficient path (z-scored features); dashed: min, "
            "dotted: 1-SE'\nset ylabel 'coefficient'\nset key off\n"
         << "plot for [i=2:" << feature_count + 1 << "] 'path.csv' using 1:i skip 1 with lines lw 1.5\n"
         << "set output 'cv_error.png'\nset title 'Cross-validated " << (binomial ? "binomial deviance" : "MSE")
         << " (mean +/- SE over folds)'\nset ylabel '" << (binomial ? "deviance" : "mean squared error") << "'\n"
         << "plot 'cv.csv' using 1:2:3 skip 1 with yerrorbars pt 7 ps 0.6 lc rgb '#404040', "
            "'' using 1:2 skip 1 with lines lc rgb '#c00000'\n";
  const bool drawn = run_gnuplot(folder, "selection_plots", script.str());

  std::ostringstream md;
  md << "# LASSO selection\n\n"
     << "- family: " << (binomial ? "binomial (L1-penalised logistic regression)" : "gaussian") << "\n"
     << "- features screened: " << feature_count << " kept, " << selection.screen.dropped.size()
     << " dropped (screen.csv)\n"
     << "- folds: " << cv.fold_errors.cols() << "; alphas: " << cv.alphas.size() << "\n"
     << "- alpha at minimum CV error: " << format_double(alpha_min) << " (CV error "
     << fixed(cv.mean_error[Eigen::Index(cv.index_min)], 6) << ")\n"
     << "- alpha by the one-standard-error rule: " << format_double(alpha_1se) << "\n"
     << "- rule used: " << (rule == selection_rule::min ? "min" : "1se") << "; selected features: "
     << selection.model.features.size() << "\n\n"
     << "| feature | coefficient (z-scored) |\n|---|---|\n";
  for (std::size_t j = 0; j < selection.model.features.size(); ++j) {
    md << "| " << selection.model.features[j] << " | " << format_double(selection.model.coefficients[Eigen::Index(j)])
       << " |\n";
  }
  if (drawn) {
    md << "\n![LASSO coefficient path](lasso_path.png)\n\n![CV error against alpha](cv_error.png)\n";
  } else {
    md << "\nThe plots were not drawn because gnuplot was not found or failed; selection_plots.gp and the CSVs "
          "are written, so `gnuplot selection_plots.gp` in this folder draws them.\n";
  }
  write_text(fs::path(folder) / "report.md", md.str());
  return drawn;
}

bool write_roc_report(const std::string& folder, const std::vector<roc_point>& points, const auc_estimate& auc,
                      const std::string& title, const std::string& summary) {
  fs::create_directories(folder);
  std::ostringstream roc_csv;
  csv_writer writer(roc_csv);
  writer.write_row({"threshold", "false_positive_rate", "true_positive_rate"});
  for (const roc_point& point : points) {
    writer.write_row({format_double(point.threshold), format_double(point.false_positive_rate),
                      format_double(point.true_positive_rate)});
  }
  write_text(fs::path(folder) / "roc.csv", roc_csv.str());

  std::ostringstream script;
  script << plot_header << "set size square\nset xrange [0:1]\nset yrange [0:1]\n"
         << "set xlabel '1 - specificity'\nset ylabel 'sensitivity'\nset key bottom right\n"
         << "set output 'roc.png'\nset title '" << title << "'\n"
         << "plot 'roc.csv' using 2:3 skip 1 with lines lw 2 lc rgb '#c00000' title 'AUC " << fixed(auc.auc)
         << " (95% CI " << fixed(auc.ci_low) << "-" << fixed(auc.ci_high) << ")', "
         << "x with lines dt 2 lc rgb '#808080' title 'chance'\n";
  const bool drawn = run_gnuplot(folder, "roc_plot", script.str());

  std::ostringstream md;
  md << "# " << title << "\n\n" << summary << "\n";
  if (drawn) {
    md << "![ROC curve](roc.png)\n";
  } else {
    md << "The ROC plot was not drawn because gnuplot was not found or failed; `gnuplot roc_plot.gp` in this "
          "folder draws it from roc.csv.\n";
  }
  write_text(fs::path(folder) / "report.md", md.str());
  return drawn;
}

}  // namespace radcore::ml
