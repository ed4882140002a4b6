#!/usr/bin/env bash
# Creates scripts/reference/.venv with PyRadiomics 3.1.0 and pinned dependencies, then prints the
# versions. Safe to run again: pip skips what is already installed at the pinned version.
#
# PyRadiomics 3.1.0 on PyPI is a source archive with two defects, both worked around here:
# - its pyproject.toml declares version 3.0.1a1, so `pip install pyradiomics==3.1.0` discards it and
#   falls back to 3.0.1, which does not build on Python 3.11. Requesting the archive by URL skips
#   pip's version comparison, and the sha256 pins the exact file.
# - it lacks radiomics/src/cmatrices.h and cshape.h, so its C extensions do not compile. The 3.0.1
#   archive has them, and its four C sources are byte-identical to those of 3.1.0 (checked below),
#   so its headers are copied into the 3.1.0 tree before the build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3.11}"

pyradiomics_url="https://files.pythonhosted.org/packages/03/c1/20fc2c50ab1e3304da36d866042a1905a2b05a1431ece35448ab6b4578f2/pyradiomics-3.1.0.tar.gz"
pyradiomics_sha256="24722c962a6bbd09bc39c1c67dbffe92435f9692a421fabaae8a6b4511eb48e4"
headers_archive="pyradiomics==3.0.1"
headers_sha256="47c57f441d6cb7973fa3b2ea48d3948df78e3348e1c69e1e2ff19001601fc2f5"

# numpy stays below 2, the series that PyRadiomics 3.1.0 (May 2023) was released and tested against.
pinned=(
  "numpy==1.26.4"
  "SimpleITK==2.5.3"
  "PyWavelets==1.8.0"
  "pykwalify==1.8.0"
  "six==1.17.0"
  "scipy==1.15.3"
  "scikit-image==0.25.2"
  "trimesh==4.6.8"
  # For the statistics references (make_ml_references.py, make_icc_references.py). pandas stays in the
  # 2.2 series because pandas 3 needs numpy 2, and an unpinned pingouin pulls pandas 3 in.
  "pandas==2.2.3"
  "scikit-learn==1.9.1"
  "pingouin==0.5.5"
)
build_tools=("setuptools==75.8.0" "wheel==0.45.1" "versioneer==0.29")

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup_venv: creating $venv with $("$python" --version)"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

"${pip[@]}" install --quiet "${build_tools[@]}" "${pinned[@]}"

installed="$("$venv/bin/python" -c 'import radiomics; print(radiomics.__version__)' 2>/dev/null || true)"
# Versioneer in the 3.1.0 archive reports the version as "v3.1.0".
if [[ "${installed#v}" != "3.1.0" ]]; then
  echo "setup_venv: installing PyRadiomics 3.1.0 from its source archive (found '${installed:-none}')"
  work_dir="$(mktemp -d)"
  trap 'rm -rf "$work_dir"' EXIT
  "${pip[@]}" download --quiet --no-deps --no-build-isolation \
    "pyradiomics @ ${pyradiomics_url}#sha256=${pyradiomics_sha256}" -d "$work_dir/3.1.0"
  "${pip[@]}" download --quiet --no-deps --no-build-isolation --no-binary pyradiomics \
    "$headers_archive" -d "$work_dir/3.0.1"
  echo "$headers_sha256  $work_dir/3.0.1/pyradiomics-3.0.1.tar.gz" | sha256sum --check --quiet
  tar -xzf "$work_dir/3.1.0/pyradiomics-3.1.0.tar.gz" -C "$work_dir"
  tar -xzf "$work_dir/3.0.1/pyradiomics-3.0.1.tar.gz" -C "$work_dir"
  for source in cmatrices.c cshape.c _cmatrices.c _cshape.c; do
    if ! cmp --quiet "$work_dir/pyradiomics-3.0.1/radiomics/src/$source" \
      "$work_dir/pyradiomics-3.1.0/radiomics/src/$source"; then
      echo "setup_venv: radiomics/src/$source differs between 3.0.1 and 3.1.0; the 3.0.1 headers may not fit" >&2
      exit 1
    fi
  done
  cp "$work_dir"/pyradiomics-3.0.1/radiomics/src/{cmatrices.h,cshape.h} "$work_dir/pyradiomics-3.1.0/radiomics/src/"
  "${pip[@]}" install --quiet --no-deps --no-build-isolation "$work_dir/pyradiomics-3.1.0"
fi

"$venv/bin/python" - <<'EOF'
import importlib.metadata as metadata
import radiomics

print(f"setup_venv: pyradiomics {radiomics.__version__} (package metadata {metadata.version('pyradiomics')})")
for name in ("numpy", "SimpleITK", "PyWavelets", "pykwalify", "six", "scipy", "scikit-image", "trimesh"):
    print(f"setup_venv: {name} {metadata.version(name)}")
EOF
