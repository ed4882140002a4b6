#include "host/stability.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <ostream>
#include <thread>
#include <utility>

#include "host/extract.hpp"
#include "host/version.hpp"
#include "io/case_loader.hpp"
#include "io/csv.hpp"
#include "io/manifest.hpp"
#include "io/sha1.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

using clock_type = std::chrono::steady_clock;
const char* const cpu_backend = "cpu";

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct roi_entry {
  const manifest_row* row = nullptr;
  int label = 0;
  std::string problem;
};

std::string chain_text(const std::vector<perturbation_kind>& chain) {
  std::string text;
  for (const perturbation_kind kind : chain) text += (text.empty() ? "" : ",") + perturbation_name(kind);
  return text;
}

std::string number_text(double value) { return format_double(value); }

// The study's configuration as one line, stored as the root attribute `stability`.
std::string stability_text(const stability_options& options) {
  const perturbation_settings& p = options.perturbation;
  return "perturb=" + chain_text(p.chain) + "; repeats=" + std::to_string(options.repeats) +
         "; seed=" + std::to_string(p.seed) +
         "; noise_sigma=" + (p.noise_sigma ? number_text(*p.noise_sigma) : std::string("estimated")) +
         "; rotation_degrees=" + number_text(p.rotation_min_degrees) + "," + number_text(p.rotation_max_degrees) +
         "; translation_max_voxels=" + number_text(p.translation_max_voxels) +
         "; volume_fraction=" + number_text(p.volume_min_fraction) + "," + number_text(p.volume_max_fraction) +
         "; contour_probability=" + number_text(p.contour_probability) +
         "; mask_interpolation=linear, kept at >= 0.5";
}

std::vector<roi_entry> list_rois(const manifest& cases, const stability_options& options) {
  std::vector<roi_entry> rois;
  for (const manifest_row& row : cases.rows) {
    std::string problem;
    for (const int label : roi_labels_of_row(row, options.labels, options.parameters.settings, problem)) {
      rois.push_back({&row, label, problem});
    }
  }
  return rois;
}

store_row base_row(const roi_entry& roi, int repeat, const std::string& chain) {
  store_row row;
  row.manifest_row = roi.row->index;
  row.metadata = roi.row->values;
  row.label = roi.label;
  row.backend = cpu_backend;
  row.repeat = repeat;
  row.perturbation = chain;
  return row;
}

// A case decoded once: the loaded image and mask and the noise level they are perturbed with.
struct decoded_roi {
  loaded_case loaded;
  double noise_sigma = 0;
  extraction_parameters parameters;  // the run's, with the row's label channel and no diagnostics
};

decoded_roi decode_roi(const roi_entry& roi, const stability_options& options, std::ostream& log) {
  if (!roi.problem.empty()) throw input_error(roi.problem);
  if (!std::filesystem::exists(roi.row->image)) throw input_error(roi.row->image + ": image file not found");
  if (!std::filesystem::exists(roi.row->mask)) throw input_error(roi.row->mask + ": mask file not found");
  decoded_roi decoded;
  decoded.parameters = options.parameters;
  if (roi.row->label_channel) decoded.parameters.settings.label_channel = *roi.row->label_channel;
  // Perturbed copies are not the files the diagnostics describe, so none are computed.
  decoded.parameters.settings.additional_info = false;
  extraction_settings settings = decoded.parameters.settings;
  settings.label = roi.label;
  decoded.loaded = load_case(roi.row->image, roi.row->mask, settings);
  const bool noise = std::find(options.perturbation.chain.begin(), options.perturbation.chain.end(),
                               perturbation_kind::noise) != options.perturbation.chain.end();
  if (noise && !options.perturbation.noise_sigma) {
    decoded.noise_sigma = estimate_noise_sigma(decoded.loaded.image);
    log << "radcore: " << roi.row->image << " (label " << roi.label << "): estimated noise sigma "
        << number_text(decoded.noise_sigma) << '\n';
    if (decoded.noise_sigma == 0) {
      log << "radcore: warning: " << roi.row->image
          << ": the estimated noise level is 0 (at least half of the finest diagonal wavelet coefficients are 0), "
             "so the noise perturbation adds nothing to this case; set --noise-sigma to add noise\n";
    }
  }
  return decoded;
}

store_row extract_repeat(const roi_entry& roi, const decoded_roi& decoded, const stability_options& options,
                         const std::string& chain, int repeat, std::vector<std::string>& keys) {
  store_row row = base_row(roi, repeat, chain);
  const clock_type::time_point start = clock_type::now();
  const std::string where =
      roi.row->mask + " (label " + std::to_string(roi.label) + ", repeat " + std::to_string(repeat) + ")";
  try {
    const perturbation_draw draw =
        draw_perturbation(options.perturbation, decoded.noise_sigma, roi.row->index, roi.label, repeat);
    row.perturbation_parameters = describe_draw(draw, options.perturbation.chain);
    const loaded_case perturbed =
        apply_perturbation(decoded.loaded, draw, decoded.parameters.settings.interpolator);
    feature_row features = extract_loaded(perturbed, decoded.parameters, roi.label, where);
    row.status = row_status::done;
    row.features = std::move(features.feature_values);
    keys = std::move(features.feature_keys);
  } catch (const input_error& error) {
    row.status = row_status::failed;
    row.error = std::string(error.what()).rfind(roi.row->mask, 0) == 0 ? error.what() : where + ": " + error.what();
  } catch (const std::bad_alloc&) {
    row.status = row_status::failed;
    row.error = where + ": out of memory while extracting this repeat";
  } catch (const std::exception& error) {
    row.status = row_status::failed;
    row.error = where + ": unexpected failure: " + error.what();
  }
  row.seconds = seconds_since(start);
  return row;
}

// Runs the repeats of one decoded ROI on `jobs` threads; rows come back in repeat order.
std::vector<store_row> extract_repeats(const roi_entry& roi, const decoded_roi& decoded,
                                       const stability_options& options, std::vector<std::vector<std::string>>& keys) {
  const std::string chain = chain_text(options.perturbation.chain);
  std::vector<store_row> rows(std::size_t(options.repeats));
  keys.assign(std::size_t(options.repeats), {});
  std::atomic<int> next{0};
  auto work = [&] {
    for (int r = next++; r < options.repeats; r = next++) {
      rows[std::size_t(r)] = extract_repeat(roi, decoded, options, chain, r + 1, keys[std::size_t(r)]);
    }
  };
  const int threads = std::min(options.jobs, options.repeats);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  return rows;
}

store_header make_header(const stability_options& options, const manifest& cases) {
  store_header header;
  header.metadata_columns = cases.columns;
  for (const manifest_row& row : cases.rows) {
    for (const std::string& value : row.values) header.metadata_width = std::max(header.metadata_width, value.size());
  }
  header.settings_text = options.parameters.text;
  header.settings_sha1 = sha1_hex(options.parameters.text.data(), options.parameters.text.size());
  header.radcore_version = version();
  header.git_revision = git_revision();
  header.backend = cpu_backend;
  header.device = options.device;
  header.stability_text = stability_text(options);
  return header;
}

void check_options(const stability_options& options) {
  if (options.repeats < 2) {
    throw input_error("--repeats: ICC needs at least 2 perturbed extractions per ROI, got " +
                      std::to_string(options.repeats));
  }
  if (options.jobs < 1) throw input_error("--jobs: expected 1 or more threads, got " + std::to_string(options.jobs));
  validate_perturbation_settings(options.perturbation);
  const std::filesystem::path folder = std::filesystem::absolute(options.store_path).parent_path();
  if (!std::filesystem::is_directory(folder)) {
    throw input_error(options.store_path + ": folder " + folder.string() + " not found; create it first");
  }
  if (std::filesystem::exists(options.store_path) && !options.force) {
    throw input_error(options.store_path + ": a store exists already; pass --force to replace it");
  }
}

// Marks done rows whose feature keys differ from the store's columns as failed, as the cohort run does.
void check_keys(std::vector<store_row>& rows, const std::vector<std::vector<std::string>>& keys,
                std::vector<std::string>& columns) {
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].status != row_status::done) continue;
    if (columns.empty()) columns = keys[r];
    if (keys[r] == columns) continue;
    rows[r].status = row_status::failed;
    rows[r].error = "the feature keys of this repeat differ from the store's " + std::to_string(columns.size()) +
                    " columns, which the first successful extraction fixed";
    rows[r].features.clear();
  }
}

// Fills one feature's ICC in every form; NaN for a constant or non-finite table.
void feature_icc(const std::vector<std::vector<double>>& table, store_icc_table& out, icc_nan_counts* counts) {
  const std::vector<std::string>& models = stability_icc_models();
  bool finite = true, constant = true, rows_constant = true;
  for (const auto& row : table) {
    for (const double value : row) {
      finite = finite && std::isfinite(value);
      constant = constant && value == table.front().front();
      rows_constant = rows_constant && value == row.front();
    }
  }
  for (const std::string& model : models) {
    double icc = std::nan(""), low = std::nan(""), high = std::nan("");
    if (finite && !constant && rows_constant) {
      icc = low = high = 1;
    } else if (finite && !constant) {
      const icc_result result = intraclass_correlation(table, parse_icc_model(model), false);
      icc = result.icc;
      low = result.ci_low;
      high = result.ci_high;
    }
    out.icc.push_back(icc);
    out.ci_low.push_back(low);
    out.ci_high.push_back(high);
  }
  if (counts && !finite) ++counts->non_finite;
  if (counts && finite && constant) ++counts->constant;
}

}  // namespace

const std::vector<std::string>& stability_icc_models() {
  static const std::vector<std::string> models = {"1,1", "2,1", "3,1"};
  return models;
}

store_icc_table compute_icc_table(const std::vector<store_row>& rows, std::size_t features, int repeats,
                                  icc_nan_counts* nan_counts) {
  // The complete ROIs, in stored order: every repeat 1..repeats done.
  std::map<std::pair<std::int64_t, int>, std::vector<const store_row*>> by_roi;
  std::vector<std::pair<std::int64_t, int>> order;
  for (const store_row& row : rows) {
    const auto key = std::make_pair(row.manifest_row, row.label);
    if (by_roi.count(key) == 0) order.push_back(key);
    auto& repeats_of = by_roi[key];
    if (repeats_of.empty()) repeats_of.assign(std::size_t(repeats), nullptr);
    if (row.status == row_status::done && row.repeat >= 1 && row.repeat <= repeats) {
      repeats_of[std::size_t(row.repeat - 1)] = &row;
    }
  }
  std::vector<const std::vector<const store_row*>*> complete;
  for (const auto& key : order) {
    const auto& repeats_of = by_roi[key];
    if (std::all_of(repeats_of.begin(), repeats_of.end(), [](const store_row* row) { return row != nullptr; })) {
      complete.push_back(&repeats_of);
    }
  }

  store_icc_table table;
  table.models = stability_icc_models();
  std::vector<std::vector<double>> values(complete.size(), std::vector<double>(std::size_t(repeats)));
  for (std::size_t f = 0; f < features; ++f) {
    for (std::size_t i = 0; i < complete.size(); ++i) {
      for (int r = 0; r < repeats; ++r) values[i][std::size_t(r)] = (*complete[i])[std::size_t(r)]->features[f];
    }
    table.subjects.push_back(std::int32_t(complete.size()));
    table.repeats.push_back(repeats);
    if (complete.size() < 2) {
      for (std::size_t m = 0; m < table.models.size(); ++m) {
        table.icc.push_back(std::nan(""));
        table.ci_low.push_back(std::nan(""));
        table.ci_high.push_back(std::nan(""));
      }
      continue;
    }
    feature_icc(values, table, nan_counts);
  }
  return table;
}

std::size_t icc_model_column(const store_header& header, const std::string& model, const std::string& path) {
  if (!header.icc) {
    throw input_error(path + ": the store has no ICC table; write one with 'radcore stability' (a store of "
                      "'radcore extract --cohort' has none, and a stability run with fewer than 2 complete ROIs "
                      "stores its rows only)");
  }
  std::string canonical = model;
  if (model == "1" || model == "2" || model == "3") canonical = model + ",1";
  const auto& models = header.icc->models;
  const auto found = std::find(models.begin(), models.end(), canonical);
  if (found == models.end()) {
    throw input_error(path + ": the ICC table has no form '" + model + "'; use 1,1, 2,1 or 3,1");
  }
  return std::size_t(found - models.begin());
}

stability_summary run_stability(const stability_options& options, std::ostream& log) {
  const clock_type::time_point start = clock_type::now();
  check_options(options);
  const manifest cases = read_manifest(options.manifest_path);
  const std::vector<roi_entry> rois = list_rois(cases, options);
  if (rois.size() < 2) {
    throw input_error(options.manifest_path + ": ICC needs at least 2 ROIs (subjects) but the manifest gives " +
                      std::to_string(rois.size()) + "; add cases or select more labels with --labels");
  }

  store_header header = make_header(options, cases);
  stability_summary summary;
  summary.rois = std::int64_t(rois.size());
  std::unique_ptr<feature_store_writer> writer;
  std::vector<store_row> all_rows;
  std::size_t written = 0;
  log << "radcore: stability study of " << rois.size() << " ROIs, " << options.repeats << " perturbed extractions each ("
      << chain_text(options.perturbation.chain) << ")\n";

  for (std::size_t i = 0; i < rois.size(); ++i) {
    const roi_entry& roi = rois[i];
    std::vector<store_row> rows;
    std::vector<std::vector<std::string>> keys;
    const clock_type::time_point decode_start = clock_type::now();
    try {
      const decoded_roi decoded = decode_roi(roi, options, log);
      summary.decode_seconds += seconds_since(decode_start);
      const clock_type::time_point extract_start = clock_type::now();
      rows = extract_repeats(roi, decoded, options, keys);
      summary.extract_seconds += seconds_since(extract_start);
    } catch (const input_error& error) {
      summary.decode_seconds += seconds_since(decode_start);
      const std::string chain = chain_text(options.perturbation.chain);
      for (int r = 1; r <= options.repeats; ++r) {
        store_row row = base_row(roi, r, chain);
        row.status = row_status::failed;
        row.error = error.what();
        rows.push_back(std::move(row));
      }
      keys.assign(rows.size(), {});
    }
    check_keys(rows, keys, header.feature_names);
    std::int64_t failed = 0;
    for (const store_row& row : rows) failed += row.status == row_status::failed;
    summary.extractions_done += std::int64_t(rows.size()) - failed;
    summary.extractions_failed += failed;
    log << "radcore: ROI " << i + 1 << "/" << rois.size() << " (manifest row " << roi.row->index + 1 << ", label "
        << roi.label << "): " << rows.size() - std::size_t(failed) << " of " << rows.size() << " extractions done";
    if (failed > 0) log << "; first failure: " << std::find_if(rows.begin(), rows.end(), [](const store_row& row) {
                                                     return row.status == row_status::failed;
                                                   })->error;
    log << '\n';
    all_rows.insert(all_rows.end(), rows.begin(), rows.end());

    // Rows are committed as each ROI finishes, so a killed run leaves the ROIs done so far readable.
    if (!writer && !header.feature_names.empty()) {
      writer = feature_store_writer::create(options.store_path, header, all_rows);
      written = all_rows.size();
    } else if (writer) {
      writer->append(std::vector<store_row>(all_rows.begin() + std::ptrdiff_t(written), all_rows.end()));
      written = all_rows.size();
    }
  }
  if (writer) writer->close();

  icc_nan_counts nan_counts;
  store_icc_table table = compute_icc_table(all_rows, header.feature_names.size(), options.repeats, &nan_counts);
  summary.icc_subjects = table.subjects.empty() ? 0 : table.subjects.front();
  summary.rois_without_icc = summary.rois - summary.icc_subjects;
  if (summary.icc_subjects < 2) {
    feature_store_writer::create(options.store_path, header, all_rows)->close();
    throw input_error(options.store_path + ": ICC needs at least 2 ROIs whose " + std::to_string(options.repeats) +
                      " perturbed extractions all succeeded, but " + std::to_string(summary.icc_subjects) +
                      " did; the store holds the rows without an ICC table ('radcore info " + options.store_path +
                      " --failures' lists the failures)");
  }
  // The store is written once more, whole, with the ICC table: SWMR appends cannot create datasets.
  header.icc = std::move(table);
  feature_store_writer::create(options.store_path, header, all_rows)->close();

  summary.seconds = seconds_since(start);
  const double extractions = double(summary.extractions_done + summary.extractions_failed);
  const double rate = summary.seconds > 0 ? extractions / summary.seconds : 0;
  char figures[240];
  std::snprintf(figures, sizeof figures,
                "%lld extractions done, %lld failed; ICC over %d ROIs; decoding %.2f s, whole run %.2f s, "
                "%.2f extractions/s",
                static_cast<long long>(summary.extractions_done), static_cast<long long>(summary.extractions_failed),
                summary.icc_subjects, summary.decode_seconds, summary.seconds, rate);
  log << "radcore: stability finished: " << figures << "; store " << options.store_path << '\n';
  if (nan_counts.constant > 0) {
    log << "radcore: " << nan_counts.constant
        << " features are constant over every ROI and repeat; their ICC is NaN (0 / 0)\n";
  }
  if (nan_counts.non_finite > 0) {
    log << "radcore: " << nan_counts.non_finite
        << " features are NaN or infinite in some extraction; their ICC is NaN\n";
  }
  return summary;
}

}  // namespace radcore
