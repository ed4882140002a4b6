"""Write PyRadiomics 3.1.0 references for the filtered image types under tests/reference/image_types/.

Run with the interpreter of scripts/reference/.venv (made by setup_venv.sh):

    scripts/reference/.venv/bin/python scripts/reference/make_image_type_references.py [--shared DIR]

Configurations:
- `study`: image types Original and Wavelet, every class, binWidth 25 (14 shape + 93 x 9 = 851 features),
  on brain1, breast1, spine/sct_t2 (int16, labels 2 to 5 of the level-labelled cord mask) and spine/sct_t2s
  (float32, cord mask label 1).
- `filters`: LoG (sigma 1.0 and 3.0), Square, SquareRoot, Logarithm, Exponential and Gradient on brain1, with
  a binWidth override for Square so that per-image-type settings are exercised.

Each case and configuration gets one CSV (header + one row per label) beside its parameter file, with the
`label` and `reference_mcc_min_second_eigenvalue` columns. The script also writes filter_voxels.csv: sampled
voxels and the SHA-1 of SimpleITK's LoG and gradient images of brain1, for voxel-level checks.
"""

import argparse
import hashlib
import logging
import math
import sys
import warnings
from pathlib import Path

import numpy
import radiomics
import SimpleITK as sitk
from radiomics import featureextractor

from reference_common import FEATURE_CLASSES, MCC_COLUMN, REFERENCE_ROOT, REPO_ROOT, MccEigenvalueRecorder, format_value
from reference_common import format_yaml_value, write_csv

OUTPUT = REFERENCE_ROOT / "image_types"

SETTINGS = {
    "binWidth": 25,
    "additionalInfo": True,
    "label": 1,
    "padDistance": 5,
}

CONFIGURATIONS = {
    "study": {"Original": {}, "Wavelet": {}},
    "filters": {
        "LoG": {"sigma": [1.0, 3.0]},
        "Square": {"binWidth": 10},
        "SquareRoot": {},
        "Logarithm": {},
        "Exponential": {},
        "Gradient": {},
    },
}

# (case name, image, mask, labels, configurations), paths relative to the shared data folder.
CASES = (
    ("brain1", "pyradiomics/brain1_image.nrrd", "pyradiomics/brain1_label.nrrd", (1,), ("study", "filters")),
    ("breast1", "pyradiomics/breast1_image.nrrd", "pyradiomics/breast1_label.nrrd", (1,), ("study",)),
    ("sct_t2", "spine/sct_t2/t2.nii.gz", "spine/sct_t2/t2_seg-manual_labeled.nii.gz", (2, 3, 4, 5), ("study",)),
    ("sct_t2s", "spine/sct_t2s/t2s.nii.gz", "spine/sct_t2s/t2s_seg.nii.gz", (1,), ("study",)),
)

# Voxels (x, y, z) of brain1 whose filtered values are written to filter_voxels.csv.
SAMPLED_VOXELS = ((0, 0, 0), (128, 128, 12), (100, 140, 10), (255, 255, 24), (60, 200, 3))
LOG_SIGMAS = (1.0, 3.0)

log = logging.getLogger("make_image_type_references")


def write_params_file(path, image_types, description):
    """Write a parameter file with the given image types, every class in FEATURE_CLASSES and SETTINGS."""
    lines = [f"# {line}" for line in description]
    lines += ["imageType:"]
    for name, overrides in image_types.items():
        if not overrides:
            lines += [f"  {name}: {{}}"]
            continue
        lines += [f"  {name}:"]
        lines += [f"    {key}: {format_yaml_value(value)}" for key, value in overrides.items()]
    lines += ["featureClass:"]
    lines += [f"  {name}:" for name in FEATURE_CLASSES]
    lines += ["setting:"]
    lines += [f"  {key}: {format_yaml_value(value)}" for key, value in SETTINGS.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def extract(extractor, recorder, image_path, mask_path, label):
    """Run PyRadiomics on one ROI; the MCC column is the minimum over every GLCM that the row computed."""
    recorder.values = []
    result = extractor.execute(str(image_path), str(mask_path), label=label)
    values, recorder.values = recorder.values, []
    for value in values:
        if isinstance(value, Exception):
            raise RuntimeError("computing the MCC eigenvalue column failed") from value
    finite = [value for value in values if not math.isnan(value)]
    row = {"label": repr(label)}
    row.update({key: format_value(value) for key, value in result.items()})
    row[MCC_COLUMN] = repr(min(finite)) if finite else repr(math.nan)
    return row


def write_feature_references(shared):
    recorder = MccEigenvalueRecorder()
    for configuration, image_types in CONFIGURATIONS.items():
        params_path = OUTPUT / "params" / f"{configuration}.yaml"
        write_params_file(
            params_path,
            image_types,
            [
                f"Image-type configuration '{configuration}' of PyRadiomics {radiomics.__version__}.",
                "Written by scripts/reference/make_image_type_references.py.",
            ],
        )
        extractor = featureextractor.RadiomicsFeatureExtractor(str(params_path))
        for name, image, mask, labels, configurations in CASES:
            if configuration not in configurations:
                continue
            rows = []
            for label in labels:
                log.info("running PyRadiomics on %s label %d with configuration %s", name, label, configuration)
                rows.append(extract(extractor, recorder, shared / image, shared / mask, label))
            write_csv(OUTPUT / f"{name}_{configuration}.csv", rows)


def write_filter_voxels(shared):
    """Write sampled voxels and SHA-1 digests of SimpleITK's LoG and gradient images of brain1."""
    image = sitk.ReadImage(str(shared / "pyradiomics" / "brain1_image.nrrd"))
    filtered = {}
    for sigma in LOG_SIGMAS:
        log_filter = sitk.LaplacianRecursiveGaussianImageFilter()
        log_filter.SetNormalizeAcrossScale(True)
        log_filter.SetSigma(sigma)
        filtered[f"log-sigma-{sigma}"] = log_filter.Execute(image)
    for use_spacing in (True, False):
        gradient = sitk.GradientMagnitudeImageFilter()
        gradient.SetUseImageSpacing(use_spacing)
        filtered[f"gradient-spacing-{str(use_spacing).lower()}"] = gradient.Execute(image)
    rows = []
    for name, result in filtered.items():
        array = sitk.GetArrayFromImage(result)
        if array.dtype != numpy.float32:
            raise RuntimeError(f"{name}: expected float32 output, got {array.dtype}")
        # The digest is of the float32 buffer in numpy order, as radcore stores its values.
        rows.append({"filter": name, "x": "", "y": "", "z": "", "value": "",
                     "sha1": hashlib.sha1(array.tobytes()).hexdigest()})
        for x, y, z in SAMPLED_VOXELS:
            rows.append({"filter": name, "x": x, "y": y, "z": z, "value": repr(float(array[z, y, x])), "sha1": ""})
    write_csv(OUTPUT / "filter_voxels.csv", rows)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="folder with the shared reference data (default: ../shared/data beside the repository)",
    )
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    logging.getLogger("radiomics").setLevel(logging.ERROR)
    warnings.simplefilter("ignore", DeprecationWarning)
    write_filter_voxels(arguments.shared)
    write_feature_references(arguments.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
