#!/usr/bin/env bash
# Measures distributed cohort extraction on this machine: ROIs per second with 1, 2 and 3 MPI ranks,
# where rank 0 dispatches and the others extract with --jobs 1. Then 2 ranks run with --jobs 2, first
# bound to one core each (mpirun's default for 2 processes), then unbound. Prints the
# bytes each rank sends to the others per manifest row, as the run summary counts them. The cohort is
# generated phantoms with PyRadiomics' default parameters.
# Usage: bench/mpi_bench.sh [RADCORE] [ROIS]   (defaults: build/radcore, 1000)
set -euo pipefail

radcore=$(realpath "${1:-build/radcore}")
rois=${2:-1000}
cases=10
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$radcore" --version | grep -q '^mpi: Open MPI'; then
  echo "mpi_bench: $radcore is built without Open MPI; install it with scripts/setup.sh and rebuild" >&2
  exit 1
fi

# Loopback only: shared memory between ranks, the launcher's traffic on lo; root allowed in containers.
mpirun_options=(--oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none
  --mca oob_tcp_if_include lo)
if [[ $(id -u) -eq 0 ]]; then
  mpirun_options+=(--allow-run-as-root)
fi

for ((seed = 0; seed < cases; seed++)); do
  "$radcore" phantom -o "$work/case$seed" --seed "$seed" 2>/dev/null
done
# Each manifest row is one phantom case with two ROIs (labels 1 and 2); rows cycle over $cases cases.
echo "ID,Image,Mask" >"$work/manifest.csv"
for ((i = 0; i < rois / 2; i++)); do
  echo "p$i,case$((i % cases))/image.nrrd,case$((i % cases))/mask.nrrd" >>"$work/manifest.csv"
done

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cpus: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "mpi: $("$radcore" --version | sed -n 's/^mpi: //p'); $rois ROIs in $((rois / 2)) rows"

# run RANKS JOBS [MPIRUN OPTION...]
run() {
  local ranks=$1 jobs=$2 name="np$1_jobs$2${3:+_unbound}"
  shift 2
  # bash's time reports the wall time and the CPU time of mpirun and every rank it waited for.
  local TIMEFORMAT='%R %U %S' times
  times=$({ time mpirun -np "$ranks" "${mpirun_options[@]}" "$@" "$radcore" extract --cohort "$work/manifest.csv" \
    -o "$work/$name.h5" --labels all --jobs "$jobs" --device cpu 2>"$work/$name.log"; } 2>&1)
  local summary traffic wall cpu
  summary=$(grep 'cohort finished' "$work/$name.log" | sed 's/.*cohort finished: //; s/; features in.*//')
  traffic=$(grep 'radcore: MPI:' "$work/$name.log" | sed 's/.*bytes sent to the other ranks: //' || true)
  read -r wall user system <<<"$times"
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  echo "$name: -np $ranks --jobs $jobs${*:+ $*}: $summary; mpirun wall ${wall} s, CPU ${cpu} s; load after:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -n $traffic ]]; then
    echo "  bytes sent: $traffic"
  fi
}
run 1 1
run 2 1
run 3 1
# mpirun binds each of 2 or fewer processes to one core, so 2 threads in one rank need --bind-to none.
run 2 2
run 2 2 --bind-to none
