// Markdown reports with PNG plots (ROC curve, LASSO coefficient path, CV error against λ). The plots are
// drawn by gnuplot (Debian package gnuplot-nox), run as a separate program. Without gnuplot the data and the
// gnuplot scripts are still written, and the report notes that the plots are missing.
#pragma once

#include <string>
#include <vector>

#include "host/ml/metrics.hpp"
#include "host/ml/pipeline.hpp"

namespace radcore::ml {

// Writes path.csv, cv.csv, screen.csv, lasso_path.png, cv_error.png and report.md for a LASSO selection.
// Returns false when the PNGs could not be drawn.
bool write_selection_report(const std::string& folder, const selection_result& selection, selection_rule rule);

// Writes roc.csv, roc.png and an evaluation report.md holding `summary` (Markdown) and the ROC plot.
// Returns false when the PNG could not be drawn.
bool write_roc_report(const std::string& folder, const std::vector<roc_point>& points, const auc_estimate& auc,
                      const std::string& title, const std::string& summary);

// Runs gnuplot on `script` (its working folder is `folder`). Returns false, and writes the script to
// `<folder>/<name>.gp`, when gnuplot cannot be started or fails.
bool run_gnuplot(const std::string& folder, const std::string& name, const std::string& script);

}  // namespace radcore::ml
