#!/usr/bin/env bash
# Measures perturbed extractions per second of `radcore stability` (each ROI decoded once, then extracted
# N times under noise, rotation and volume change) against the same number of separate `radcore extract`
# runs (each one decode and one unperturbed extraction). Two spinal-cord level ROIs of sct_t2 with the
# study configuration (851 features per extraction).
# Usage: bench/stability_bench.sh [RADCORE] [REPEATS]   (defaults: build/radcore, 20)
set -euo pipefail

radcore=$(realpath "${1:-build/radcore}")
repeats=${2:-20}
data=$(realpath "${RADCORE_SHARED_DATA:-$(dirname "$0")/../../shared/data}")
params=$(realpath "$(dirname "$0")/../scripts/study.yaml")
image=$data/spine/sct_t2/t2.nii.gz
mask=$data/spine/sct_t2/t2_seg-manual_labeled.nii.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'ID,Image,Mask,Label\nlevel2,%s,%s,2\nlevel3,%s,%s,3\n' "$image" "$mask" "$image" "$mask" >"$work/manifest.csv"
extractions=$((2 * repeats))

seconds_of() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cpus: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "| run | extractions | time (s) | extractions/s |"
echo "|---|---:|---:|---:|"
# The study chain with one and two threads, then each step alone with one thread.
for run in "noise,rotation,volume 1" "noise,rotation,volume 2" "noise 1" "rotation 1" "volume 1"; do
  read -r chain jobs <<<"$run"
  t=$(seconds_of "$radcore" stability --cohort "$work/manifest.csv" -p "$params" --perturb "$chain" \
    --repeats "$repeats" --seed 1 --jobs "$jobs" --force -o "$work/s.h5")
  printf '| `stability --perturb %s --jobs %d` | %d | %.2f | %.2f |\n' "$chain" "$jobs" "$extractions" "$t" \
    "$(echo "$extractions / $t" | bc -l)"
done
start=$(date +%s.%N)
for ((i = 0; i < repeats; i++)); do
  for label in 2 3; do
    "$radcore" extract "$image" "$mask" -p "$params" --label "$label" -o "$work/one.csv" >/dev/null 2>&1
  done
done
end=$(date +%s.%N)
t=$(echo "$end - $start" | bc -l)
printf '| %d separate `extract` runs (unperturbed) | %d | %.2f | %.2f |\n' "$extractions" "$extractions" "$t" \
  "$(echo "$extractions / $t" | bc -l)"
