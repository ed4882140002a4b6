#include "host/cohort_progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

namespace radcore {
namespace {

constexpr int bar_width = 30;

}  // namespace

std::string format_duration(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", std::max(0.0, seconds));
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%ld min %02ld s", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld h %02ld min", total / 3600, (total % 3600) / 60);
  }
  return text;
}

cohort_progress::cohort_progress(std::ostream& log, progress_style style)
    : log_(log), style_(style), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void cohort_progress::update(std::int64_t finished, std::int64_t failed, std::int64_t expected) {
  const auto now = std::chrono::steady_clock::now();
  const auto interval = style_ == progress_style::bar ? std::chrono::milliseconds(250) : std::chrono::seconds(10);
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  draw(finished, failed, expected);
}

void cohort_progress::draw(std::int64_t finished, std::int64_t failed, std::int64_t expected) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
  expected = std::max(expected, finished);
  const double left = rate > 0 ? static_cast<double>(expected - finished) / rate : 0;
  char figures[160];
  std::snprintf(figures, sizeof figures, "%lld/%lld ROIs, %lld failed, %.1f ROIs/s, about %s left",
                static_cast<long long>(finished), static_cast<long long>(expected), static_cast<long long>(failed),
                rate, format_duration(left).c_str());

  if (style_ == progress_style::lines) {
    log_ << "radcore: " << figures << '\n' << std::flush;
    return;
  }
  const int filled = expected > 0 ? static_cast<int>(bar_width * finished / expected) : 0;
  log_ << "\r[" << std::string(filled, '#') << std::string(bar_width - filled, '-') << "] " << figures << "\x1b[K"
       << std::flush;
  drawn_ = true;
}

void cohort_progress::finish() {
  if (drawn_) log_ << '\n' << std::flush;
  drawn_ = false;
}

}  // namespace radcore
