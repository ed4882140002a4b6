// Progress output of a cohort run: a redrawn bar on a terminal, periodic log lines elsewhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "host/cohort.hpp"

namespace radcore {

class cohort_progress {
 public:
  cohort_progress(std::ostream& log, progress_style style);

  // Reports `finished` of about `expected` ROIs (an estimate while --labels all has masks left to
  // read), `failed` of them failed. Draws at most every quarter second (bar) or ten seconds (lines).
  void update(std::int64_t finished, std::int64_t failed, std::int64_t expected);
  // Ends the bar's line, so that the summary starts on a line of its own.
  void finish();

 private:
  void draw(std::int64_t finished, std::int64_t failed, std::int64_t expected);

  std::ostream& log_;
  progress_style style_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

// Formats a duration in seconds as "4.2 s", "3 min 20 s" or "2 h 05 min".
std::string format_duration(double seconds);

}  // namespace radcore
