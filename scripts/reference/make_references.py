"""Write the PyRadiomics 3.1.0 reference outputs under tests/reference/ that radcore's C++ tests read.

Run with the interpreter of scripts/reference/.venv (made by setup_venv.sh):

    scripts/reference/.venv/bin/python scripts/reference/make_references.py [--shared DIR] [PART ...]

PART is any of `pyradiomics` (brain1 and breast1 under the configurations of PyRadiomics' test suite),
`random` (seeded small volumes) and `ibsi` (IBSI 1 digital phantom). All three run when none is given.
"""

import argparse
import logging
import sys
import warnings
from pathlib import Path

import radiomics
from radiomics import featureextractor

import ibsi_phantom
import random_cases
from reference_common import REFERENCE_ROOT, REPO_ROOT, MccEigenvalueRecorder, extract, write_csv, write_params_file

CASES = ("brain1", "breast1")

# The settings that PyRadiomics' test baselines record in their diagnostics_Configuration_Settings row,
# less the ones recorded as None. Those are extractor defaults, except `default`'s interpolator None,
# which makes no difference because `default` does not resample. Only `default` has voxelArrayShift 2000
# and minimumROIDimensions 1. The others keep the extractor defaults (voxelArrayShift 0,
# minimumROIDimensions 2) and record interpolator sitkBSpline.
_COMMON = {
    "distances": [1],
    "additionalInfo": True,
    "force2D": False,
    "force2Ddimension": 0,
    "normalize": False,
    "normalizeScale": 1,
    "label": 1,
    "preCrop": False,
    "padDistance": 5,
}
_BASELINE_OTHERS = {**_COMMON, "interpolator": "sitkBSpline", "minimumROIDimensions": 2}

CONFIGURATIONS = {
    "default": {**_COMMON, "binWidth": 25, "voxelArrayShift": 2000, "gldm_a": 0, "minimumROIDimensions": 1},
    "2d": {**_BASELINE_OTHERS, "force2D": True},
    "FBN": {**_BASELINE_OTHERS, "binCount": 64},
    "combined": {**_BASELINE_OTHERS, "weightingNorm": "no_weighting"},
    "flatRegion": {**_BASELINE_OTHERS, "binWidth": 5000, "resegmentRange": [0]},
    "normalization": {**_BASELINE_OTHERS, "normalize": True, "normalizeScale": 100, "binWidth": 5},
    "resampling": {**_BASELINE_OTHERS, "resampledPixelSpacing": [2, 2, 2]},
    "resegmentation": {**_BASELINE_OTHERS, "resegmentRange": [-3, 3], "resegmentMode": "sigma"},
}


def write_pyradiomics_references(shared_data):
    """Write one parameter file per configuration and one CSV per case and configuration."""
    recorder = MccEigenvalueRecorder()
    for name, settings in CONFIGURATIONS.items():
        params_path = REFERENCE_ROOT / "pyradiomics" / "params" / f"{name}.yaml"
        write_params_file(
            params_path,
            settings,
            [
                f"PyRadiomics test-suite configuration '{name}', with the settings that PyRadiomics' baselines",
                "record for it. Written by scripts/reference/make_references.py.",
            ],
        )
        extractor = featureextractor.RadiomicsFeatureExtractor(str(params_path))
        for case in CASES:
            image = shared_data / "pyradiomics" / f"{case}_image.nrrd"
            mask = shared_data / "pyradiomics" / f"{case}_label.nrrd"
            log.info("running PyRadiomics %s on %s with configuration %s", radiomics.__version__, case, name)
            row = extract(extractor, recorder, image, mask)
            write_csv(REFERENCE_ROOT / "pyradiomics" / f"{case}_{name}.csv", [row])


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="folder with the shared reference data (default: ../shared/data beside the repository)",
    )
    parser.add_argument("parts", nargs="*", choices=("pyradiomics", "random", "ibsi", []), default=[])
    return parser.parse_args()


def main():
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    # PyRadiomics logs every deprecation and symmetry warning of every run; keep only its errors.
    logging.getLogger("radiomics").setLevel(logging.ERROR)
    logging.getLogger("pykwalify").setLevel(logging.WARNING)
    # numpy warns on the empty angle means that PyRadiomics turns into NaN on purpose (single-voxel-thick ROIs).
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="radiomics")
    arguments = parse_arguments()
    parts = arguments.parts or ["pyradiomics", "random", "ibsi"]
    if not arguments.shared.is_dir():
        sys.exit(f"make_references: shared data folder {arguments.shared} not found; pass --shared DIR")
    if "pyradiomics" in parts:
        write_pyradiomics_references(arguments.shared)
    if "random" in parts:
        random_cases.write_random_references()
    if "ibsi" in parts:
        ibsi_phantom.write_ibsi_references(arguments.shared)


log = logging.getLogger("make_references")

if __name__ == "__main__":
    main()
