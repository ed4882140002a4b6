#!/usr/bin/env bash
# Installs the Debian packages that building and testing radcore need. Safe to run again:
# packages already present are skipped, and apt-get runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libinsighttoolkit5-dev      # ITK 5.2: image and mask reading, resampling, normalisation
  libhdf5-dev                 # the feature store
  python3-h5py python3-pandas # the test that reads a feature store as docs/hdf5-layout.md shows
  libeigen3-dev               # downstream statistics
  gnuplot-nox                 # PNG plots in the reports of select, train and evaluate
  libboost-dev                # F-distribution quantiles for ICC intervals (Boost.Math, header-only)
  libyaml-cpp-dev             # PyRadiomics parameter files
  libcli11-dev                # command line
  nlohmann-json3-dev          # JSON output of radcore bench
  libssl-dev                  # SHA-1 of image buffers for the diagnostics hashes
  libgtest-dev libgmock-dev   # tests
  libbenchmark-dev            # benchmarks
  libgdcm-tools               # silences missing-target warnings of ITK's GDCM CMake files
  openmpi-bin libopenmpi-dev  # optional MPI build: one cohort over many processes (docs/mpi.md)
  zlib1g-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
