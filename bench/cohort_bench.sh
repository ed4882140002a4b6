#!/usr/bin/env bash
# Measures cohort extraction on generated phantoms: ROIs per second with --jobs 1 and --jobs 2, and peak
# resident memory (GNU time) at two cohort sizes, to show that memory does not grow with the cohort.
# Usage: bench/cohort_bench.sh [RADCORE] [ROIS]   (defaults: build-cohort/radcore, 2000)
set -euo pipefail

radcore=$(realpath "${1:-build-cohort/radcore}")
rois=${2:-2000}
cases=10
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each manifest row is one phantom case with two ROIs (labels 1 and 2); rows cycle over $cases cases.
write_manifest() {
  local path=$1 count=$2
  echo "ID,Image,Mask" >"$path"
  for ((i = 0; i < count / 2; i++)); do
    local case_folder="case$((i % cases))"
    echo "p$i,$case_folder/image.nrrd,$case_folder/mask.nrrd" >>"$path"
  done
}

for ((seed = 0; seed < cases; seed++)); do
  "$radcore" phantom -o "$work/case$seed" --seed "$seed" 2>/dev/null
done
write_manifest "$work/large.csv" "$rois"
write_manifest "$work/small.csv" "$((rois / 4))"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cpus: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
run() {
  local manifest=$1 jobs=$2 name=$3
  /usr/bin/time -v "$radcore" extract --cohort "$work/$manifest" -o "$work/$name.h5" --labels all --jobs "$jobs" \
    --device cpu 2>"$work/$name.log"
  local summary rss
  summary=$(grep 'cohort finished' "$work/$name.log" | sed 's/.*cohort finished: //; s/; features in.*//')
  rss=$(grep 'Maximum resident set size' "$work/$name.log" | awk '{print $NF}')
  echo "$name: --jobs $jobs, $manifest: $summary; peak RSS ${rss} KiB; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
run small.csv 2 small_jobs2
run large.csv 1 large_jobs1
run large.csv 2 large_jobs2
