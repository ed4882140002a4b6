#!/usr/bin/env bash
# Builds radcore and runs its whole test suite. Installs the build's Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
# ctest shows GPU tests only as skipped; print the reason once, from one of them.
if [[ -x build/tests/gpu/radcore_gpu_tests ]]; then
  build/tests/gpu/radcore_gpu_tests --gtest_filter='GpuGlcm.MatricesEqualCpu' 2>&1 | grep -m1 '^GPU test skipped' || true
fi
ctest --test-dir build --output-on-failure -j"$(nproc)"
