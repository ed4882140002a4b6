#!/usr/bin/env python3
"""Time radcore and PyRadiomics on the same inputs and settings, and check that their features agree.

Development only. Run it with the reference venv, which has PyRadiomics 3.1.0:

    scripts/reference/.venv/bin/python bench/compare_pyradiomics.py --json compare.json

Inputs (--cases): the PyRadiomics cases brain1 and breast1, the spine cases sct_t2 (label 3), sct_t2s, sct_t1
and sct_mt of ../shared/data, and generated cubes cube25, cube50, cube75 and cube100 (an ROI of N^3 voxels
of seeded texture inside an image with a 6-voxel margin, int16, 1 mm voxels).

One worker: for every case and configuration it runs `radcore extract` and a fresh PyRadiomics process
alternately, each pinned to one core with taskset. It prints medians of wall-clock and CPU time, the ratios
PyRadiomics / radcore and the peak resident memory of both. radcore's time is the whole process, reading
the files included. PyRadiomics is timed twice: the whole process (interpreter start and imports
included) and execute() alone, which still reads the files.

Two workers (--workers 2): the same cases as one cohort, `radcore extract --cohort --jobs 2` against
PyRadiomics' command line `pyradiomics BATCH.csv --jobs 2`, both pinned to two cores, alternating, with
wall-clock medians, ROIs per second and the ratio, and the largest resident set of any process of each run.

Every feature of PyRadiomics (every key but diagnostics_*) is compared with radcore's value in every run.
The exit status is 1 when any value disagrees or is missing, or when a configuration fails to run.
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "tests" / "reference" / "pyradiomics" / "params" / "default.yaml"
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-12
# Older OpenBLAS builds needed these set, and they can slow a current numpy, so PyRadiomics runs without them.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
WORKER_FLAG = "--pyradiomics-worker"
CLASS_WORKER_FLAG = "--pyradiomics-class-worker"
CUBE_WORKER_FLAG = "--write-cube"
CLASS_REPEATS = 5
# The case that radcore_bench's per-family benchmarks load, with default.yaml.
FAMILY_BENCH_CASE = "brain1"
# Inputs under the shared data folder: (image, mask, label).
SHARED_CASES = {
    "brain1": ("pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", 1),
    "breast1": ("pyradiomics/breast1_image.nrrd", "pyradiomics/breast1_label.nrrd", 1),
    "sct_t2": ("spine/sct_t2/t2.nii.gz", "spine/sct_t2/t2_seg-manual_labeled.nii.gz", 3),
    "sct_t2s": ("spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", 1),
    "sct_t1": ("spine/sct_t1/t1w.nii.gz", "spine/sct_t1/t1w_seg-manual.nii.gz", 1),
    "sct_mt": ("spine/sct_mt/mt1.nii.gz", "spine/sct_mt/mt1_seg.nii.gz", 1),
}
# Generated cubes: name -> edge of the ROI in voxels.
CUBE_CASES = {"cube25": 25, "cube50": 50, "cube75": 75, "cube100": 100}
CUBE_MARGIN = 6
CUBE_SEED = 20261204


def run_pyradiomics_worker(image, mask, params, label, output):
    """Run one PyRadiomics extraction in this process and write its timings and features as JSON."""
    start = time.perf_counter()
    from radiomics import featureextractor

    extractor = featureextractor.RadiomicsFeatureExtractor(params)
    setup_done = time.perf_counter()
    cpu_start = time.process_time()
    result = extractor.execute(image, mask, label=int(label))
    execute_cpu = time.process_time() - cpu_start
    execute_done = time.perf_counter()

    features = {key: float(value) for key, value in result.items() if not key.startswith("diagnostics_")}
    record = {
        "setup_s": setup_done - start,
        "execute_s": execute_done - setup_done,
        "execute_cpu_s": execute_cpu,
        "features": features,
    }
    Path(output).write_text(json.dumps(record))


def run_pyradiomics_class_worker(image, mask, params, output):
    """Time each enabled feature class of PyRadiomics on the cropped ROI and write median CPU seconds as JSON.

    The classes get the image and mask as execute() hands them over for the Original image type: shape the
    crop to the bounding box, the others the crop padded by padDistance.
    """
    from radiomics import featureextractor, getFeatureClasses, imageoperations

    extractor = featureextractor.RadiomicsFeatureExtractor(params)
    settings = extractor.settings
    full_image, full_mask = extractor.loadImage(image, mask, None, **settings)
    box, _ = imageoperations.checkMask(full_image, full_mask, **settings)
    shape_input = imageoperations.cropToTumorMask(full_image, full_mask, box)
    texture_input = imageoperations.cropToTumorMask(full_image, full_mask, box, **settings)
    feature_classes = getFeatureClasses()
    medians = {}
    for name in extractor.enabledFeatures:
        cropped_image, cropped_mask = shape_input if name == "shape" else texture_input
        times = []
        for _ in range(CLASS_REPEATS):
            start = time.process_time()
            feature_class = feature_classes[name](cropped_image, cropped_mask, **settings)
            feature_class.enableAllFeatures()
            feature_class.execute()
            times.append(time.process_time() - start)
        medians[name] = statistics.median(times)
    Path(output).write_text(json.dumps(medians))


def shared_data_dir():
    if "RADCORE_SHARED_DATA" in os.environ:
        return Path(os.environ["RADCORE_SHARED_DATA"])
    return ROOT.parent / "shared" / "data"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["brain1", "breast1"],
                        choices=list(SHARED_CASES) + list(CUBE_CASES),
                        help="inputs (default: brain1 breast1)")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1,
                        help="1: one run per case on one core; 2: all cases as one cohort, both programs with "
                             "two workers on two cores (default: 1)")
    parser.add_argument("--params", nargs="+", type=Path, default=[DEFAULT_PARAMS],
                        help="parameter files; each also runs with imageType reduced to Original when it "
                             "enables other image types (default: tests/reference/pyradiomics/params/default.yaml)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each program per configuration (default: 5)")
    parser.add_argument("--radcore", type=Path, default=ROOT / "build" / "radcore",
                        help="radcore executable (default: build/radcore)")
    parser.add_argument("--bench", type=Path,
                        help="radcore_bench executable; when given, extract_case is also timed in-process "
                             "for default.yaml from Google Benchmark's JSON output")
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="Python with PyRadiomics 3.1.0 (default: the interpreter running this script)")
    parser.add_argument("--cpu", type=int, default=0,
                        help="core that both programs are pinned to; with --workers 2, the first of two "
                             "consecutive cores (default: 0)")
    parser.add_argument("--classes", action="store_true",
                        help=f"also time each feature class of PyRadiomics on {FAMILY_BENCH_CASE} with default.yaml "
                             "and, with --bench, radcore's family benchmarks beside it")
    parser.add_argument("--json", type=Path, help="also write every run and the summary to this JSON file")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error(f"--runs must be at least 1, got {arguments.runs}")
    return arguments


def load_yaml(path):
    from ruamel.yaml import YAML  # pykwalify, which PyRadiomics uses to read parameter files, brings it

    with open(path) as stream:
        return YAML(typ="safe").load(stream) or {}


def configurations(params_files, scratch):
    """Return (label, path) pairs: each file, and its Original-only variant when that differs."""
    result = []
    notes = []
    for path in params_files:
        path = path.resolve()
        if not path.exists():
            raise SystemExit(f"parameter file not found: {path}")
        result.append((path.name, path))
        parameters = load_yaml(path)
        image_types = parameters.get("imageType") or {"Original": {}}
        if list(image_types) == ["Original"]:
            notes.append(f"{path.name} enables only imageType Original, so its Original-only variant is the "
                         "same configuration and runs once")
            continue
        variant = dict(parameters)
        variant["imageType"] = {"Original": image_types.get("Original") or {}}
        # JSON is valid YAML, and both PyRadiomics and radcore read parameter files of either kind.
        variant_path = Path(scratch) / f"{path.stem}_original_only.json"
        variant_path.write_text(json.dumps(variant, indent=2))
        result.append((f"{path.name} (Original only)", variant_path))
    return result, notes


def run_measured(argv, env=None):
    """Run a command to completion. Return wall seconds, CPU seconds and peak RSS in MiB of that process."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        # os.wait4 returns the resource usage of this one child; taskset execs the program in the same process.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"command failed with exit status {process.returncode}: {' '.join(map(str, argv))}\n"
                               f"{message}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_mib": usage.ru_maxrss / 1024.0,  # ru_maxrss is in KiB on Linux
    }


def read_radcore_features(path):
    with open(path, newline="") as stream:
        rows = list(csv.reader(stream))
    if len(rows) != 2:
        raise RuntimeError(f"{path}: expected a header and one record, got {len(rows)} rows")
    return {key: float(value) for key, value in zip(rows[0], rows[1]) if not key.startswith("diagnostics_")}


def values_agree(expected, actual):
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    difference = abs(expected - actual)
    return difference <= ABSOLUTE_TOLERANCE or difference <= RELATIVE_TOLERANCE * max(abs(expected), abs(actual))


def compare_features(pyradiomics, radcore):
    """Compare every PyRadiomics feature value with radcore's. Return the counts and every mismatch."""
    mismatched = []
    missing = []
    for key, expected in pyradiomics.items():
        if key not in radcore:
            missing.append(key)
        elif not values_agree(expected, radcore[key]):
            mismatched.append({"key": key, "pyradiomics": expected, "radcore": radcore[key]})
    return {
        "compared": len(pyradiomics) - len(missing),
        "missing_in_radcore": missing,
        "only_in_radcore": sorted(set(radcore) - set(pyradiomics)),
        "mismatched": mismatched,
    }


def pyradiomics_environment():
    env = dict(os.environ)
    removed = [name for name in OPENBLAS_VARIABLES if name in env]
    for name in removed:
        del env[name]
    return env, removed


def write_cube(edge, folder):
    """Write a generated cube case: an ROI of edge^3 voxels of seeded texture in an int16 image with a margin."""
    import numpy
    import SimpleITK as sitk

    size = edge + 2 * CUBE_MARGIN
    generator = numpy.random.default_rng(CUBE_SEED + edge)
    # Smooth blobs plus noise, so that the ROI has zones and runs of many lengths, with about 40 bins of 25.
    coarse = generator.normal(0.0, 1.0, size=(size // 4 + 2,) * 3)
    blobs = numpy.kron(coarse, numpy.ones((4, 4, 4)))[:size, :size, :size]
    image = (500 + 180 * blobs + generator.normal(0.0, 60.0, size=(size,) * 3)).astype(numpy.int16)
    mask = numpy.zeros((size,) * 3, dtype=numpy.uint8)
    mask[CUBE_MARGIN:CUBE_MARGIN + edge, CUBE_MARGIN:CUBE_MARGIN + edge, CUBE_MARGIN:CUBE_MARGIN + edge] = 1
    image_path = Path(folder) / f"cube{edge}_image.nrrd"
    mask_path = Path(folder) / f"cube{edge}_mask.nrrd"
    sitk_image = sitk.GetImageFromArray(image)
    sitk_mask = sitk.GetImageFromArray(mask)
    sitk_mask.CopyInformation(sitk_image)
    sitk.WriteImage(sitk_image, str(image_path), useCompression=True)
    sitk.WriteImage(sitk_mask, str(mask_path), useCompression=True)
    return image_path, mask_path


def resolve_case(name, scratch):
    """Return (image, mask, label) of a case name, writing a generated cube into `scratch` when needed."""
    if name in CUBE_CASES:
        # A separate process writes the cube, so that this one never loads numpy and SimpleITK: a child's
        # peak resident memory counts the pages it inherits at fork.
        subprocess.run([sys.executable, str(Path(__file__).resolve()), CUBE_WORKER_FLAG, str(CUBE_CASES[name]),
                        str(scratch)], check=True)
        edge = CUBE_CASES[name]
        return Path(scratch) / f"cube{edge}_image.nrrd", Path(scratch) / f"cube{edge}_mask.nrrd", 1
    relative_image, relative_mask, label = SHARED_CASES[name]
    image = shared_data_dir() / relative_image
    mask = shared_data_dir() / relative_mask
    for path in (image, mask):
        if not path.exists():
            raise SystemExit(f"input not found: {path} (set RADCORE_SHARED_DATA or place ../shared/data "
                             "beside the checkout)")
    return image, mask, label


def time_one_configuration(arguments, case, label, params, scratch, env):
    """Run radcore and PyRadiomics alternately and return every run and the agreement of their outputs."""
    image, mask, roi_label = arguments.resolved[case]
    pin = ["taskset", "-c", str(arguments.cpu)]
    radcore_csv = Path(scratch) / "radcore.csv"
    worker_json = Path(scratch) / "pyradiomics.json"
    radcore_command = pin + [str(arguments.radcore), "extract", str(image), str(mask), "-p", str(params),
                             "--label", str(roi_label), "-o", str(radcore_csv)]
    pyradiomics_command = pin + [str(arguments.python), str(Path(__file__).resolve()), WORKER_FLAG, str(image),
                                 str(mask), str(params), str(roi_label), str(worker_json)]

    radcore_runs, pyradiomics_runs, agreements = [], [], []
    for run in range(arguments.runs):
        # Alternate which program goes first, so that neither always runs on a warmer cache.
        radcore_first = run % 2 == 0
        for program in ("radcore", "pyradiomics") if radcore_first else ("pyradiomics", "radcore"):
            if program == "radcore":
                radcore_runs.append(run_measured(radcore_command))
            else:
                measured = run_measured(pyradiomics_command, env=env)
                record = json.loads(worker_json.read_text())
                measured["execute_s"] = record["execute_s"]
                measured["execute_cpu_s"] = record["execute_cpu_s"]
                measured["setup_s"] = record["setup_s"]
                pyradiomics_features = record["features"]
                pyradiomics_runs.append(measured)
        agreements.append(compare_features(pyradiomics_features, read_radcore_features(radcore_csv)))

    return {
        "case": case,
        "configuration": label,
        "parameter_file": str(params),
        "radcore_command": " ".join(radcore_command),
        "pyradiomics_command": " ".join(pyradiomics_command),
        "radcore_runs": radcore_runs,
        "pyradiomics_runs": pyradiomics_runs,
        "agreement": agreements[-1],
        "all_runs_agree": all(not a["mismatched"] and not a["missing_in_radcore"] for a in agreements),
    }


def bench_in_process(arguments, case, scratch):
    """Return median wall and CPU seconds of extract_case on `case` with default.yaml, or None without --bench
    or for a case that radcore_bench does not load (it loads brain1 and breast1)."""
    if arguments.bench is None or case not in ("brain1", "breast1"):
        return None
    report_path = Path(scratch) / "bench.json"
    # Google Benchmark writes the JSON report to a file, apart from anything the kernels print to stdout.
    command = ["taskset", "-c", str(arguments.cpu), str(arguments.bench),
               f"--benchmark_filter=^extract_pyradiomics_case/{case}_default$",
               f"--benchmark_repetitions={arguments.runs}", f"--benchmark_out={report_path}",
               "--benchmark_out_format=json"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(report_path.read_text())
    iterations = [b for b in report["benchmarks"] if b.get("run_type") == "iteration"]
    if not iterations:
        raise RuntimeError(f"{arguments.bench}: no extract_pyradiomics_case/{case}_default result")
    if "error_message" in iterations[0]:
        raise RuntimeError(f"{arguments.bench}: {iterations[0]['error_message']}")
    units = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    return {
        "wall": statistics.median(b["real_time"] * units[b["time_unit"]] for b in iterations),
        "cpu": statistics.median(b["cpu_time"] * units[b["time_unit"]] for b in iterations),
    }


# Columns of a batch CSV that are not features: the manifest's (PyRadiomics copies them into its output).
BATCH_COLUMNS = ("ID", "Image", "Mask", "Label", "Label_channel")


def read_batch_csv(path):
    """Return {ID: {feature: value}} of a batch CSV: PyRadiomics' batch output or `radcore export`."""
    rows = {}
    with open(path, newline="") as stream:
        for row in csv.DictReader(stream):
            rows[row["ID"]] = {name: float(value) for name, value in row.items()
                               if name not in BATCH_COLUMNS and not name.startswith("diagnostics_")}
    return rows


def time_cohort(arguments, label, params, scratch, env):
    """Run every case as one cohort with two workers in both programs, alternately, and compare the outputs."""
    cores = f"{arguments.cpu},{arguments.cpu + 1}"
    pin = ["taskset", "-c", cores]
    manifest = Path(scratch) / "cohort.csv"
    rows = []
    # PyRadiomics hands cases to its pool in chunks of min(10, cases), so a cohort of fewer than 11 rows runs
    # in one worker. Repeating the cases to at least 20 rows gives both workers work.
    repeats = max(1, math.ceil(20 / len(arguments.cases)))
    with open(manifest, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ID", "Image", "Mask", "Label"])
        for repeat in range(repeats):
            for case in arguments.cases:
                image, mask, roi_label = arguments.resolved[case]
                writer.writerow([f"{case}-{repeat}", image, mask, roi_label])
                rows.append(case)
    store = Path(scratch) / "cohort.h5"
    radcore_csv = Path(scratch) / "cohort_radcore.csv"
    pyradiomics_csv = Path(scratch) / "cohort_pyradiomics.csv"
    pyradiomics_cli = Path(arguments.python).parent / "pyradiomics"
    if not pyradiomics_cli.exists():
        raise SystemExit(f"PyRadiomics' command line not found beside {arguments.python}: {pyradiomics_cli}")
    radcore_command = pin + [str(arguments.radcore), "extract", "--cohort", str(manifest), "-p", str(params),
                             "--jobs", "2", "--force", "-o", str(store)]
    pyradiomics_command = pin + [str(pyradiomics_cli), str(manifest), "-p", str(params), "--jobs", "2",
                                 "-f", "csv", "-o", str(pyradiomics_csv)]
    radcore_runs, pyradiomics_runs, agreements = [], [], []
    for run in range(arguments.runs):
        radcore_first = run % 2 == 0
        for program in ("radcore", "pyradiomics") if radcore_first else ("pyradiomics", "radcore"):
            if program == "radcore":
                radcore_runs.append(run_measured(radcore_command))
            else:
                pyradiomics_csv.unlink(missing_ok=True)
                pyradiomics_runs.append(run_measured(pyradiomics_command, env=env))
        subprocess.run([str(arguments.radcore), "export", str(store), "-o", str(radcore_csv)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        expected = read_batch_csv(pyradiomics_csv)
        actual = read_batch_csv(radcore_csv)
        mismatched, missing, compared = [], [], 0
        for row_id, features in expected.items():
            if row_id not in actual:
                missing.append(f"row {row_id}")
                continue
            agreement = compare_features(features, actual[row_id])
            compared += agreement["compared"]
            missing += [f"row {row_id}: {name}" for name in agreement["missing_in_radcore"]]
            mismatched += [dict(m, row=row_id) for m in agreement["mismatched"]]
        agreements.append({"compared": compared, "missing_in_radcore": missing, "mismatched": mismatched,
                           "rows": len(expected)})
    radcore_wall = statistics.median(r["wall_s"] for r in radcore_runs)
    pyradiomics_wall = statistics.median(r["wall_s"] for r in pyradiomics_runs)
    return {
        "configuration": label,
        "parameter_file": str(params),
        "rois": len(rows),
        "cases": list(arguments.cases),
        "radcore_command": " ".join(radcore_command),
        "pyradiomics_command": " ".join(pyradiomics_command),
        "radcore_runs": radcore_runs,
        "pyradiomics_runs": pyradiomics_runs,
        "agreement": agreements[-1],
        "all_runs_agree": all(not a["mismatched"] and not a["missing_in_radcore"] for a in agreements),
        "summary": {
            "radcore_wall_s": radcore_wall,
            "pyradiomics_wall_s": pyradiomics_wall,
            "radcore_rois_per_s": len(rows) / radcore_wall,
            "pyradiomics_rois_per_s": len(rows) / pyradiomics_wall,
            "ratio": ratio(pyradiomics_wall, radcore_wall),
            "radcore_max_rss_mib": max(r["max_rss_mib"] for r in radcore_runs),
            "pyradiomics_max_rss_mib": max(r["max_rss_mib"] for r in pyradiomics_runs),
        },
    }


def print_cohort_table(results):
    print("Two workers on two cores, one cohort of all cases. Medians of wall-clock time:")
    header = (f"{'configuration':<28} {'ROIs':>5} {'rc s':>8} {'PyR s':>8} {'rc ROI/s':>9} {'PyR ROI/s':>9} "
              f"{'ratio':>7} {'RSS rc':>7} {'RSS PyR':>7} {'keys':>7}  agree")
    print(header)
    print("-" * len(header))
    for result in results:
        s = result["summary"]
        print(f"{result['configuration']:<28} {result['rois']:>5} {s['radcore_wall_s']:8.2f} {s['pyradiomics_wall_s']:8.2f} "
              f"{s['radcore_rois_per_s']:9.2f} {s['pyradiomics_rois_per_s']:9.2f} {times(s['ratio'])[:-1]:>7}x "
              f"{s['radcore_max_rss_mib']:5.0f}Mi {s['pyradiomics_max_rss_mib']:5.0f}Mi "
              f"{result['agreement']['compared']:>7}  {'yes' if result['all_runs_agree'] else 'NO'}")
    print("RSS: the largest resident set of any one process of a run (PyRadiomics' pool workers included).")
    print()


# Keys of the per-run records that hold each clock's times.
CLOCK_KEYS = {
    "wall": {"process": "wall_s", "execute": "execute_s"},
    "cpu": {"process": "cpu_s", "execute": "execute_cpu_s"},
}


def ratio(numerator, denominator):
    return numerator / denominator if numerator and denominator else None


def summarise(result, in_process):
    """Add medians and ratios for wall-clock and CPU time, and the peak memory of both programs, to `result`."""
    summary = {}
    for clock, keys in CLOCK_KEYS.items():
        radcore_process = statistics.median(r[keys["process"]] for r in result["radcore_runs"])
        pyradiomics_process = statistics.median(r[keys["process"]] for r in result["pyradiomics_runs"])
        pyradiomics_execute = statistics.median(r[keys["execute"]] for r in result["pyradiomics_runs"])
        radcore_in_process = in_process[clock] if in_process else None
        summary[clock] = {
            "radcore_process_s": radcore_process,
            "radcore_in_process_s": radcore_in_process,
            "pyradiomics_process_s": pyradiomics_process,
            "pyradiomics_execute_s": pyradiomics_execute,
            "ratio_process_to_process": ratio(pyradiomics_process, radcore_process),
            "ratio_execute_to_radcore_process": ratio(pyradiomics_execute, radcore_process),
            "ratio_execute_to_in_process": ratio(pyradiomics_execute, radcore_in_process),
        }
    summary["radcore_max_rss_mib"] = max(r["max_rss_mib"] for r in result["radcore_runs"])
    summary["pyradiomics_max_rss_mib"] = max(r["max_rss_mib"] for r in result["pyradiomics_runs"])
    result["summary"] = summary


def milliseconds(seconds):
    return f"{seconds * 1e3:8.1f}" if seconds else f"{'-':>8}"


def times(value):
    return f"{value:8.1f}x" if value else f"{'-':>9}"


def print_table(results, clock):
    print(f"Medians of {'wall-clock' if clock == 'wall' else 'CPU (user + system)'} time:")
    header = (f"{'case':<8} {'configuration':<28} {'rc proc':>8} {'rc in':>8} {'PyR exec':>8} {'PyR proc':>8} "
              f"{'proc/proc':>9} {'exec/proc':>9} {'exec/in':>9} {'RSS rc':>7} {'RSS PyR':>7} {'keys':>5}  agree")
    print(header)
    print("-" * len(header))
    for result in results:
        s = result["summary"][clock]
        memory = result["summary"]
        print(f"{result['case']:<8} {result['configuration']:<28} {milliseconds(s['radcore_process_s'])} "
              f"{milliseconds(s['radcore_in_process_s'])} {milliseconds(s['pyradiomics_execute_s'])} "
              f"{milliseconds(s['pyradiomics_process_s'])} {times(s['ratio_process_to_process'])} "
              f"{times(s['ratio_execute_to_radcore_process'])} {times(s['ratio_execute_to_in_process'])} "
              f"{memory['radcore_max_rss_mib']:5.0f}Mi {memory['pyradiomics_max_rss_mib']:5.0f}Mi "
              f"{result['agreement']['compared']:>5}  {'yes' if result['all_runs_agree'] else 'NO'}")
    print()


def print_legend():
    print("Times in ms. rc proc: the whole `radcore extract` process. rc in: extract_case in radcore_bench "
          "(--bench, default.yaml only). PyR exec: PyRadiomics execute() alone, which reads the files. PyR proc: "
          "the whole PyRadiomics process, interpreter start and imports included. Ratios are PyRadiomics / radcore. "
          "RSS: peak resident memory of one process over all runs. keys: feature values compared.")


def compare_classes(arguments, scratch):
    """Return per-class median CPU seconds of PyRadiomics and of radcore_bench's family cases on brain1."""
    data = shared_data_dir() / "pyradiomics"
    output = Path(scratch) / "classes.json"
    command = ["taskset", "-c", str(arguments.cpu), str(arguments.python), str(Path(__file__).resolve()),
               CLASS_WORKER_FLAG, str(data / f"{FAMILY_BENCH_CASE}_image.nrrd"),
               str(data / f"{FAMILY_BENCH_CASE}_label.nrrd"), str(DEFAULT_PARAMS), str(output)]
    run_measured(command, env=pyradiomics_environment()[0])
    pyradiomics = json.loads(output.read_text())

    radcore = {}
    if arguments.bench is not None:
        report_path = Path(scratch) / "families.json"
        subprocess.run(["taskset", "-c", str(arguments.cpu), str(arguments.bench),
                        "--benchmark_filter=^brain1_family/", f"--benchmark_repetitions={CLASS_REPEATS}",
                        f"--benchmark_out={report_path}", "--benchmark_out_format=json"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        units = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
        samples = {}
        for b in json.loads(report_path.read_text())["benchmarks"]:
            if b.get("run_type") == "iteration" and "error_message" not in b:
                family = b["run_name"].split("/", 1)[1]
                samples.setdefault(family, []).append(b["cpu_time"] * units[b["time_unit"]])
        radcore = {family: statistics.median(values) for family, values in samples.items()}
    return {"pyradiomics_cpu_s": pyradiomics, "radcore_cpu_s": radcore}


def print_classes(classes):
    print(f"Per feature class on {FAMILY_BENCH_CASE} (default.yaml), median CPU ms of {CLASS_REPEATS} repeats in "
          "one warm process each. Each PyRadiomics class discretises the ROI itself; radcore's column leaves "
          "discretisation out (radcore_bench's brain1_discretise times it).")
    print(f"{'class':<11} {'PyRadiomics':>11} {'radcore':>9} {'ratio':>8}")
    for name, pyradiomics in classes["pyradiomics_cpu_s"].items():
        radcore = classes["radcore_cpu_s"].get(name)
        radcore_text = f"{radcore * 1e3:9.2f}" if radcore else f"{'-':>9}"
        ratio_text = f"{pyradiomics / radcore:7.1f}x" if radcore else f"{'-':>8}"
        print(f"{name:<11} {pyradiomics * 1e3:11.2f} {radcore_text} {ratio_text}")
    print()


def print_disagreements(results):
    for result in results:
        agreement = result["agreement"]
        for key in agreement["missing_in_radcore"][:10]:
            print(f"{result['case']} {result['configuration']}: {key} missing in radcore's output")
        for mismatch in agreement["mismatched"][:10]:
            print(f"{result['case']} {result['configuration']}: {mismatch['key']} PyRadiomics {mismatch['pyradiomics']!r}"
                  f" radcore {mismatch['radcore']!r}")


def machine_description():
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def main():
    arguments = parse_arguments()
    if shutil.which("taskset") is None:
        raise SystemExit("taskset not found; install util-linux, which pins each run to one core")
    if not arguments.radcore.exists():
        raise SystemExit(f"radcore executable not found: {arguments.radcore} (build it or pass --radcore)")

    env, removed = pyradiomics_environment()
    if removed:
        print(f"Unset {', '.join(removed)} for the PyRadiomics runs only.")
    else:
        print(f"Neither {' nor '.join(OPENBLAS_VARIABLES)} is set; PyRadiomics runs with the caller's environment.")

    load_before = os.getloadavg()
    results, failures = [], []
    cohort_results = []
    with tempfile.TemporaryDirectory(prefix="radcore-compare-") as scratch:
        configs, notes = configurations(arguments.params, scratch)
        for note in notes:
            print(note)
        arguments.resolved = {case: resolve_case(case, scratch) for case in arguments.cases}
        for label, params in configs if arguments.workers == 2 else []:
            try:
                cohort_results.append(time_cohort(arguments, label, params, scratch, env))
            except RuntimeError as error:
                failures.append({"case": "cohort", "configuration": label, "error": str(error)})
                print(f"cohort {label}: skipped because a run failed: {error}")
        for case in arguments.cases if arguments.workers == 1 else []:
            for label, params in configs:
                try:
                    result = time_one_configuration(arguments, case, label, params, scratch, env)
                except RuntimeError as error:
                    # An image type or setting radcore does not support yet fails this configuration only.
                    failures.append({"case": case, "configuration": label, "error": str(error)})
                    print(f"{case} {label}: skipped because a run failed: {error}")
                    continue
                # radcore_bench times extract_case with default.yaml only.
                is_default = params.resolve() == DEFAULT_PARAMS.resolve()
                summarise(result, bench_in_process(arguments, case, scratch) if is_default else None)
                results.append(result)
        classes = compare_classes(arguments, scratch) if arguments.classes else None
    load_after = os.getloadavg()

    cores = f"CPU {arguments.cpu}" if arguments.workers == 1 else f"CPUs {arguments.cpu} and {arguments.cpu + 1}"
    print(f"{arguments.runs} runs each, alternating, pinned to {cores}. "
          f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f}.")
    if results:
        for clock in CLOCK_KEYS:
            print_table(results, clock)
        print_legend()
    if cohort_results:
        print_cohort_table(cohort_results)
    print_disagreements(results + [dict(r, case="cohort") for r in cohort_results])
    if classes:
        print()
        print_classes(classes)

    if arguments.json:
        document = {
            "machine": machine_description(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "runs": arguments.runs,
            "cpu": arguments.cpu,
            "unset_for_pyradiomics": removed,
            "tolerance": {"relative": RELATIVE_TOLERANCE, "absolute": ABSOLUTE_TOLERANCE},
            "notes": notes,
            "workers": arguments.workers,
            "cases": {case: [str(path) for path in arguments.resolved[case][:2]] + [arguments.resolved[case][2]]
                      for case in arguments.cases},
            "results": results,
            "cohort_results": cohort_results,
            "failures": failures,
            "classes": classes,
        }
        arguments.json.write_text(json.dumps(document, indent=2))
    return 0 if not failures and all(r["all_runs_agree"] for r in results + cohort_results) else 1


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == WORKER_FLAG:
        run_pyradiomics_worker(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == CUBE_WORKER_FLAG:
        write_cube(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == CLASS_WORKER_FLAG:
        run_pyradiomics_class_worker(*sys.argv[2:])
    else:
        sys.exit(main())
