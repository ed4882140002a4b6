"""Write the wavelet filter taps and the PyRadiomics 3.1.0 / PyWavelets 1.8.0 wavelet outputs for radcore's tests.

Run with the interpreter of scripts/reference/.venv (made by setup_venv.sh):

    scripts/reference/.venv/bin/python scripts/reference/make_wavelet_references.py [--shared DIR] [PART ...]

PART is any of `taps` (kernels/wavelet_taps.cpp), `small` (seeded random volumes, stored whole),
`families` (every discrete wavelet on two small volumes, stored as SHA-1 digests) and `brain1` (the brain1
image of ../shared/data, stored as SHA-1 digests and sampled voxels). All run when none is given.

The outputs come from PyRadiomics' own `imageoperations.getWaveletImage`, so they carry its padding of odd
dimensions, its axis order, its decomposition names and its yield order. A SHA-1 digest is taken over the
C-order bytes of one decomposition in the dtype numpy returns: float64 for integer input, float32 for float32 input.
"""

import argparse
import csv
import hashlib
import logging
import sys
import warnings
from pathlib import Path

import numpy
import pywt
import radiomics
import SimpleITK as sitk
from radiomics import imageoperations

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = REPO_ROOT / "tests" / "reference" / "wavelet"
TAPS_FILE = REPO_ROOT / "kernels" / "wavelet_taps.cpp"

log = logging.getLogger("make_wavelet_references")

# Small volumes as (x, y, z) sizes: odd and even sizes, and one voxel thick along z.
SMALL_CASES = {
    "odd_7x6x5": ((7, 6, 5), "int16", 11),
    "mixed_8x9x4": ((8, 9, 4), "int16", 12),
    "thin_6x5x1": ((6, 5, 1), "int16", 13),
    "float_6x7x5": ((6, 7, 5), "float32", 14),
    "plane_7x6": ((7, 6, 1), "int16", 15),  # given to PyRadiomics as a 2D image
}

# Settings passed to getWaveletImage. `force2D` removes numpy axis `force2Ddimension` (0 = z).
CONFIGS = {
    "coif1": {},
    "haar": {"wavelet": "haar"},
    "db2": {"wavelet": "db2"},
    "bior1.3": {"wavelet": "bior1.3"},
    "dmey": {"wavelet": "dmey"},
    "db38": {"wavelet": "db38"},
    "coif1_level2": {"level": 2},
    "coif1_start1_level2": {"start_level": 1, "level": 2},
    "coif1_level0": {"level": 0},
    "coif1_force2d_z": {"force2D": True, "force2Ddimension": 0},
    "coif1_force2d_y": {"force2D": True, "force2Ddimension": 1},
    "coif1_force2d_x": {"force2D": True, "force2Ddimension": 2},
}

SMALL_RUNS = {
    "odd_7x6x5": ["coif1", "coif1_level2", "coif1_force2d_x", "db2"],
    "mixed_8x9x4": list(CONFIGS),
    "thin_6x5x1": ["coif1", "coif1_force2d_z", "haar"],
    "float_6x7x5": ["coif1", "bior1.3", "coif1_level2", "coif1_force2d_y"],
    "plane_7x6": ["coif1", "coif1_level2", "coif1_force2d_z"],
}

# Boxes of brain1 (256 x 256 x 25) as (lower x, y, z) and (size x, y, z): both touch the image border,
# and the second ends at the last slice, where the odd z size puts PyRadiomics' wrap padding.
BRAIN1_BOXES = {
    "low_corner": ((0, 3, 0), (20, 27, 4)),
    "high_corner": ((240, 200, 20), (16, 56, 5)),
    "interior": ((100, 90, 8), (41, 37, 9)),
}
BRAIN1_RUNS = ["coif1", "coif1_level2", "haar"]
# A crop of brain1 transformed on its own, as PyRadiomics does with preCrop or resampling.
BRAIN1_CROP = ((100, 90, 5), (41, 37, 9))


def config_settings(config):
    settings = {"wavelet": "coif1", "level": 1, "start_level": 0, "force2D": False, "force2Ddimension": 0}
    settings.update(CONFIGS[config])
    return settings


def wavelet_images(array_zyx, config):
    """Return [(name, array)] in PyRadiomics' yield order for a numpy (z, y, x) array."""
    image = sitk.GetImageFromArray(array_zyx)
    mask = sitk.GetImageFromArray(numpy.ones(array_zyx.shape, dtype=numpy.uint8))
    out = []
    for result, name, _ in imageoperations.getWaveletImage(image, mask, **config_settings(config)):
        out.append((name, sitk.GetArrayFromImage(result)))
    return out


def sha1(array):
    return hashlib.sha1(numpy.ascontiguousarray(array).tobytes()).hexdigest()


def write_npy(path, array):
    numpy.save(path, numpy.ascontiguousarray(array))


def random_volume(size_xyz, dtype, seed):
    rng = numpy.random.default_rng(seed)
    shape = (size_xyz[2], size_xyz[1], size_xyz[0])
    if dtype == "int16":
        return rng.integers(-1024, 3072, size=shape).astype(numpy.int16)
    return (rng.normal(0.0, 300.0, size=shape)).astype(numpy.float32)


def manifest_row(case, config, images, output_dtype, dimensions):
    settings = config_settings(config)
    return {
        "case": case,
        "dimensions": dimensions,
        "config": config,
        "wavelet": settings["wavelet"],
        "level": settings["level"],
        "start_level": settings["start_level"],
        "force2d": int(settings["force2D"]),
        "force2d_dimension": settings["force2Ddimension"],
        "dtype": output_dtype,
        "names": ";".join(name for name, _ in images),
    }


def write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_small():
    """Store seeded random volumes and every decomposition of them whole, as .npy."""
    rows = []
    for case, (size, dtype, seed) in SMALL_CASES.items():
        volume = random_volume(size, dtype, seed)
        stored_dtype = numpy.float32 if dtype == "float32" else numpy.float64
        write_npy(OUTPUT_DIR / f"{case}_input.npy", volume.astype(stored_dtype))
        # A 2D case is one z slice, passed to PyRadiomics as a 2D (y, x) array.
        dimensions = 2 if case.startswith("plane_") else 3
        for config in SMALL_RUNS[case]:
            images = wavelet_images(volume[0] if dimensions == 2 else volume, config)
            stack = numpy.stack([array for _, array in images])
            output_dtype = "float32" if stack.dtype == numpy.float32 else "float64"
            if config == "coif1_level0":
                # With level 0 PyRadiomics returns the input unchanged, in its own dtype.
                stack = stack.astype(numpy.float64)
                output_dtype = "input"
            write_npy(OUTPUT_DIR / f"{case}_{config}.npy", stack)
            rows.append(manifest_row(case, config, images, output_dtype, dimensions))
    write_csv(OUTPUT_DIR / "small_manifest.csv", rows)


def write_families():
    """Store SHA-1 digests of every discrete wavelet's level-1 decompositions of two small volumes."""
    integer_volume = random_volume((10, 8, 5), "int16", 21)
    float_volume = random_volume((10, 8, 5), "float32", 22)
    write_npy(OUTPUT_DIR / "families_int16_input.npy", integer_volume.astype(numpy.float64))
    write_npy(OUTPUT_DIR / "families_float32_input.npy", float_volume)
    rows = []
    for name in pywt.wavelist(kind="discrete"):
        CONFIGS["family_" + name] = {"wavelet": name}
        for label, volume in (("int16", integer_volume), ("float32", float_volume)):
            for image_name, array in wavelet_images(volume, "family_" + name):
                rows.append({"wavelet": name, "input": label, "image": image_name, "sha1": sha1(array)})
    write_csv(OUTPUT_DIR / "families_sha1.csv", rows)


def write_brain1(shared):
    """Store digests of brain1's decompositions (whole, within boxes, and of a crop) and sampled voxels."""
    path = shared / "pyradiomics" / "brain1_image.nrrd"
    volume = sitk.GetArrayFromImage(sitk.ReadImage(str(path)))
    digests, samples = [], []
    rng = numpy.random.default_rng(31)
    for config in BRAIN1_RUNS:
        for image_name, array in wavelet_images(volume, config):
            digests.append({"config": config, "region": "whole", "image": image_name, "sha1": sha1(array)})
            for region, (lower, size) in BRAIN1_BOXES.items():
                box = array[lower[2]:lower[2] + size[2], lower[1]:lower[1] + size[1], lower[0]:lower[0] + size[0]]
                digests.append({"config": config, "region": region, "image": image_name, "sha1": sha1(box)})
            for _ in range(4):
                z, y, x = (int(rng.integers(0, extent)) for extent in array.shape)
                samples.append({"config": config, "image": image_name, "x": x, "y": y, "z": z,
                                "value": repr(float(array[z, y, x]))})
    lower, size = BRAIN1_CROP
    crop = volume[lower[2]:lower[2] + size[2], lower[1]:lower[1] + size[1], lower[0]:lower[0] + size[0]]
    for image_name, array in wavelet_images(crop, "coif1"):
        digests.append({"config": "coif1", "region": "crop", "image": image_name, "sha1": sha1(array)})
    write_csv(OUTPUT_DIR / "brain1_sha1.csv", digests)
    write_csv(OUTPUT_DIR / "brain1_samples.csv", samples)


def impulse_taps(wavelet):
    """Return PyWavelets' float32 dec_lo and dec_hi, read off its SWT of a float32 unit impulse.

    PyWavelets keeps separate float32 taps, computed in float32 arithmetic, so they can differ in the last
    bit from the float64 taps rounded to float32. With the impulse at index 0 of a signal of length N >= F,
    output n of a level-1 SWT is tap (n + F/2) mod N, and every other term adds a signed zero.
    """
    length = wavelet.dec_len
    n = length + 2
    signal = numpy.zeros(n, dtype=numpy.float32)
    signal[0] = 1
    ((approx, detail),) = pywt.swt(signal, wavelet, level=1, trim_approx=False, norm=False)
    assert approx.dtype == numpy.float32
    lo = [approx[(m - length // 2) % n] for m in range(length)]
    hi = [detail[(m - length // 2) % n] for m in range(length)]
    return numpy.array(lo, dtype=numpy.float32), numpy.array(hi, dtype=numpy.float32)


def c_double(value):
    text = "%.17g" % value
    return text if any(c in text for c in ".en") else text + ".0"


def c_float(value):
    text = "%.9g" % value
    return (text if any(c in text for c in ".en") else text + ".0") + "f"


def c_array(ctype, name, values, formatter):
    items = [formatter(v) for v in values]
    lines, line = [], "   "
    for item in items:
        if len(line) + len(item) + 2 > 118:
            lines.append(line)
            line = "   "
        line += " " + item + ","
    lines.append(line)
    return [f"const {ctype} {name}[] = {{"] + lines + ["};"]


def write_taps():
    """Write kernels/wavelet_taps.cpp: every discrete wavelet's decomposition taps and the lookup by name."""
    names = pywt.wavelist(kind="discrete")
    body, table = [], []
    differing = 0
    total = 0
    for index, name in enumerate(names):
        wavelet = pywt.Wavelet(name)
        lo32, hi32 = impulse_taps(wavelet)
        cast_lo = numpy.array(wavelet.dec_lo, dtype=numpy.float64).astype(numpy.float32)
        cast_hi = numpy.array(wavelet.dec_hi, dtype=numpy.float64).astype(numpy.float32)
        differing += int((lo32.view(numpy.uint32) != cast_lo.view(numpy.uint32)).sum())
        differing += int((hi32.view(numpy.uint32) != cast_hi.view(numpy.uint32)).sum())
        total += 2 * wavelet.dec_len
        body += [f"// {name}"]
        body += c_array("double", f"lo64_{index}", wavelet.dec_lo, c_double)
        body += c_array("double", f"hi64_{index}", wavelet.dec_hi, c_double)
        body += c_array("float", f"lo32_{index}", lo32, c_float)
        body += c_array("float", f"hi32_{index}", hi32, c_float)
        table.append(f'    {{"{name}", {wavelet.dec_len}, lo64_{index}, hi64_{index}, lo32_{index}, hi32_{index}}},')
    log.info("float32 taps that differ from the float64 taps rounded to float32: %d of %d", differing, total)

    lines = [
        "// Generated by scripts/reference/make_wavelet_references.py from PyWavelets "
        f"{pywt.__version__}; do not edit.",
        "// Decomposition taps of every discrete wavelet, pywt.Wavelet(name).dec_lo and .dec_hi. The float32",
        "// taps are the ones PyWavelets uses for float32 input, read off its SWT of a float32 unit impulse:",
        f"// {differing} of the {total} differ in the last bit from the float64 taps rounded to float32.",
        '#include "kernels/wavelet_taps.hpp"',
        "",
        "#include <cstring>",
        "",
        "namespace radcore {",
        "namespace {",
        "",
    ]
    lines += body
    lines += ["", "const wavelet_filter_bank filter_banks[] = {"] + table + ["};", "", "}  // namespace", ""]
    lines += [
        "const wavelet_filter_bank* find_wavelet_filter_bank(const char* name) {",
        "  for (const wavelet_filter_bank& bank : filter_banks) {",
        "    if (std::strcmp(bank.name, name) == 0) return &bank;",
        "  }",
        "  return nullptr;",
        "}",
        "",
        f"int wavelet_filter_bank_count() {{ return {len(names)}; }}",
        "",
        "const wavelet_filter_bank& wavelet_filter_bank_at(int index) { return filter_banks[index]; }",
        "",
        "}  // namespace radcore",
    ]
    TAPS_FILE.write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("parts", nargs="*", metavar="PART", help="taps, small, families or brain1 (default: all)")
    args = parser.parse_args()
    known = ["taps", "small", "families", "brain1"]
    unknown = [part for part in args.parts if part not in known]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; expected one of {', '.join(known)}")
    parts = args.parts or known
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    radiomics.setVerbosity(logging.ERROR)
    logging.getLogger("radiomics").setLevel(logging.WARNING)
    warnings.simplefilter("ignore")
    log.info("PyRadiomics %s, PyWavelets %s, numpy %s", radiomics.__version__, pywt.__version__, numpy.__version__)

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    if "taps" in parts:
        write_taps()
    if "small" in parts:
        write_small()
    if "families" in parts:
        write_families()
    if "brain1" in parts:
        write_brain1(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
