#!/usr/bin/env bash
# The one prepared check for a machine with an NVIDIA GPU. It builds the CUDA backend and its tests without
# ITK, HDF5, yaml-cpp or GoogleTest packages and runs the GPU parity tests. Then the timing run prints one
# table of ROIs per second on the GPU and on the CPU backend.
#
#   scripts/gpu-check.sh --prepare   on a development machine (full build, libgtest-dev installed): copies
#                                    GoogleTest's sources and exported ROI batches of the shared cases into
#                                    gpu-export/, which travels with the working tree
#   scripts/gpu-check.sh             on the GPU machine (CUDA, CMake, ninja; no network)
#   scripts/gpu-check.sh --quick     the same with a shorter timing run
#
# gpu-export/ is ignored by git, so a tool that copies the working tree to the GPU machine must be asked to
# carry it. Build time on the GPU machine is an estimate: on the 2-core development machine the GPU targets
# built in 50 s from scratch (2026-12-04), so 16 cores should need well under a minute. The tests and the
# timing run are capped at 100 s and 90 s (the timing run stops starting new cells after 75 s), so the
# whole check stays under 5 minutes even when a cap is reached.
#
# Environment: RADCORE_BUILD_DIR (full build used by --prepare, default build), RADCORE_GPU_BUILD_DIR
# (default build-gpu), RADCORE_JOBS (parallel compile jobs, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=check
case "${1:-}" in
  --prepare) mode=prepare ;;
  --quick) mode=quick ;;
  "") ;;
  *)
    echo "usage: scripts/gpu-check.sh [--prepare | --quick]" >&2
    exit 2
    ;;
esac

jobs="${RADCORE_JOBS:-$(nproc)}"
export_dir=gpu-export
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }

if [[ $mode == prepare ]]; then
  build="${RADCORE_BUILD_DIR:-build}"
  gtest_sources=/usr/src/googletest
  if [[ ! -f $gtest_sources/CMakeLists.txt ]]; then
    echo "gpu-check: GoogleTest sources not found in $gtest_sources; install libgtest-dev" >&2
    exit 1
  fi
  rm -rf "$export_dir/googletest"
  mkdir -p "$export_dir/rois"
  cp -r "$gtest_sources" "$export_dir/googletest"
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$build" --target radcore_gpu_export -j"$jobs"
  "$build/tests/gpu/radcore_gpu_export" "$export_dir/rois"
  echo "gpu-check: gpu-export/ holds $(du -sh "$export_dir" | cut -f1)"
  # Everything that travels: tracked and untracked files git does not ignore, plus gpu-export/.
  tree_bytes=$( (git ls-files -z --cached --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null || true) |
    awk '/\ttotal$/ {sum += $1} END {print sum + 0}')
  export_bytes=$(du -sb "$export_dir" | cut -f1)
  echo "gpu-check: travelling tree about $(((tree_bytes + export_bytes) / 1048576)) MiB (limit 64 MiB)"
  echo "gpu-check: prepared in $(elapsed)"
  exit 0
fi

build="${RADCORE_GPU_BUILD_DIR:-build-gpu}"
if [[ ! -f $export_dir/googletest/CMakeLists.txt ]]; then
  echo "gpu-check: $export_dir/googletest is missing; run scripts/gpu-check.sh --prepare on a development machine," \
    "and carry $export_dir/ with the tree (git ignores it)" >&2
  exit 1
fi
echo "== configure and build ($build, $jobs jobs)"
mkdir -p "$build"
if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRADCORE_GPU_ONLY=ON > "$build/gpu-check-configure.log" 2>&1; then
  cat "$build/gpu-check-configure.log"
  echo "gpu-check: configure failed" >&2
  exit 1
fi
if ! cmake --build "$build" --target radcore_gpu_tests radcore_gpu_timing -j"$jobs" > "$build/gpu-check-build.log" 2>&1; then
  # The first errors, then the end of the log: only the output may come back from the GPU machine.
  grep -m 10 -A 6 -E "error|FAILED" "$build/gpu-check-build.log" || true
  echo "..."
  tail -n 30 "$build/gpu-check-build.log"
  echo "gpu-check: build failed; the whole log is $build/gpu-check-build.log" >&2
  exit 1
fi
echo "gpu-check: built in $(elapsed)"

echo "== GPU parity tests"
test_status=0
timeout 100 "$build/tests/gpu/radcore_gpu_tests" --gtest_color=no --gtest_brief=1 || test_status=$?
echo "gpu-check: tests finished with status $test_status in $(elapsed)"

echo "== timing"
timing_args=()
[[ $mode == quick ]] && timing_args=(--quick)
timing_status=0
timeout 90 "$build/tests/gpu/radcore_gpu_timing" "${timing_args[@]}" || timing_status=$?
echo "gpu-check: timing finished with status $timing_status; total $(elapsed)"
[[ $test_status == 0 && $timing_status == 0 ]]
