#!/usr/bin/env bash
# The documented stability study on real data. Six ROIs: the four spinal-cord level ROIs of sct_t2 and
# the PyRadiomics cases brain1 and breast1. The study configuration (original + eight coif1 wavelet
# decompositions, all classes, 851 features), with 20 perturbed extractions per ROI (REPEATS overrides)
# of a chain of noise, rotation and volume change. Writes manifest.csv, stability.h5, icc.csv (ICC(1,1)
# per feature) and report/ (report.md, tables, plot) into stability-study/ or the folder given as $1.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-stability-study}
data=${RADCORE_SHARED_DATA:-../shared/data}
repeats=${REPEATS:-20}
radcore=build/radcore
data=$(cd "$data" && pwd)
mkdir -p "$out"

{
  echo "ID,Image,Mask,Label"
  for level in 2 3 4 5; do
    echo "sct_t2_$level,$data/spine/sct_t2/t2.nii.gz,$data/spine/sct_t2/t2_seg-manual_labeled.nii.gz,$level"
  done
  for name in brain1 breast1; do
    echo "$name,$data/pyradiomics/${name}_image.nrrd,$data/pyradiomics/${name}_label.nrrd,1"
  done
} >"$out/manifest.csv"

"$radcore" stability --cohort "$out/manifest.csv" -p scripts/study.yaml --perturb noise,rotation,volume \
  --repeats "$repeats" --seed 1 --jobs "$(nproc)" --force -o "$out/stability.h5" 2> >(grep -v ' are NaN, as PyRadiomics' >&2)
"$radcore" stability export "$out/stability.h5" -o "$out/icc.csv" --report "$out/report"
