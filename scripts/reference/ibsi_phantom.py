"""PyRadiomics 3.1.0 on the IBSI 1 digital phantom, and its comparison with the IBSI reference values."""

import ast
import csv
import logging
import math

import radiomics
from radiomics import featureextractor

from reference_common import REFERENCE_ROOT, MccEigenvalueRecorder, extract, write_csv, write_params_file

IBSI_ROOT = REFERENCE_ROOT / "ibsi"

# The digital phantom needs no discretisation: its grey levels are integers 1 to 6, so binWidth 1 gives
# bins equal to the grey levels. GLCM is symmetric with Chebyshev distance 1, and NGLDM (PyRadiomics GLDM)
# uses coarseness alpha 0.
BASE_SETTINGS = {
    "binWidth": 1,
    "symmetricalGLCM": True,
    "distances": [1],
    "gldm_a": 0,
    "voxelArrayShift": 0,
    "minimumROIDimensions": 1,
    "force2D": False,
    "force2Ddimension": 0,
    "label": 1,
}

# IBSI aggregation -> PyRadiomics settings. force2D with force2Ddimension 0 pools the in-plane
# co-occurrences of all slices per direction (IBSI 2.5D). weightingNorm no_weighting merges the directions.
CONFIGURATIONS = {
    "3D_avg": {"force2D": False, "weightingNorm": None},
    "3D_comb": {"force2D": False, "weightingNorm": "no_weighting"},
    "2_5D_avg": {"force2D": True, "weightingNorm": None},
    "2_5D_comb": {"force2D": True, "weightingNorm": "no_weighting"},
}

COMPARISON_COLUMNS = [
    "ibsi_feature", "ibsi_code", "pyradiomics_key", "reference_value", "pyradiomics_value",
    "matches_3_significant_digits", "pyradiomics_config",
]

log = logging.getLogger("make_references")


def configuration_for(required_settings):
    """Return the CONFIGURATIONS name for a `required_settings` cell of pyradiomics_mapping.csv."""
    requested = ast.literal_eval(required_settings) if required_settings.strip() else {}
    force_2d = requested.get("force2D", False)
    weighting = requested.get("weightingNorm")
    for name, settings in CONFIGURATIONS.items():
        if settings["force2D"] == force_2d and settings["weightingNorm"] == weighting:
            return name
    raise ValueError(f"no IBSI configuration has the settings {required_settings!r}")


def round_significant(value, digits=3):
    """Round to `digits` significant digits, as the IBSI digital-phantom reference values are."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits - 1}e}")


def write_params(name):
    """Write the parameter file of one configuration and return its path."""
    settings = {**BASE_SETTINGS}
    settings["force2D"] = CONFIGURATIONS[name]["force2D"]
    if CONFIGURATIONS[name]["weightingNorm"] is not None:
        settings["weightingNorm"] = CONFIGURATIONS[name]["weightingNorm"]
    file_name = "params.yaml" if name == "3D_avg" else f"params_{name}.yaml"
    description = [
        f"PyRadiomics settings for the IBSI 1 digital phantom, aggregation {name}.",
        "Written by scripts/reference/make_references.py.",
    ]
    path = IBSI_ROOT / file_name
    # The IBSI mapping also uses the deprecated shape features Compactness1, Compactness2 and
    # SphericalDisproportion, which only an explicit feature list enables.
    shape_features = sorted(radiomics.getFeatureClasses()["shape"].getFeatureNames())
    write_params_file(path, settings, description, feature_lists={"shape": shape_features})
    return path


def compare(outputs, mapping, references):
    """Return one comparison row per IBSI digital-phantom reference value."""
    mapped = {row["ibsi_name"]: row for row in mapping}
    rows = []
    for reference in references:
        row = dict.fromkeys(COMPARISON_COLUMNS, "")
        row.update(ibsi_feature=reference["tag"], ibsi_code=reference["ibsi_code"], reference_value=reference["value"])
        entry = mapped.get(reference["tag"])
        if entry is not None and reference["value"]:
            config = configuration_for(entry["required_settings"])
            value = outputs[config][entry["pyradiomics_feature"]]
            if entry["idx"]:
                value = ast.literal_eval(value)[int(entry["idx"])]
            value = float(value)
            matches = round_significant(value) == round_significant(float(reference["value"]))
            row.update(
                pyradiomics_key=entry["pyradiomics_feature"],
                pyradiomics_value=repr(value),
                matches_3_significant_digits=str(matches),
                pyradiomics_config=config,
            )
        rows.append(row)
    return rows


def write_ibsi_references(shared_data):
    """Run PyRadiomics on the digital phantom under each configuration and write the outputs and the comparison."""
    phantom = shared_data / "ibsi" / "digital_phantom"
    recorder = MccEigenvalueRecorder()
    outputs, rows = {}, []
    for name in CONFIGURATIONS:
        extractor = featureextractor.RadiomicsFeatureExtractor(str(write_params(name)))
        log.info("running PyRadiomics on the IBSI digital phantom, configuration %s", name)
        outputs[name] = extract(extractor, recorder, phantom / "image.nii.gz", phantom / "mask.nii.gz")
        rows.append({"config": name, **outputs[name]})
    write_csv(IBSI_ROOT / "digital_phantom_pyradiomics.csv", rows)

    with open(phantom / "pyradiomics_mapping.csv", newline="") as handle:
        mapping = list(csv.DictReader(handle))
    with open(phantom / "reference_values.csv", newline="") as handle:
        references = [row for row in csv.DictReader(handle) if row["dataset"] == "digital_phantom"]
    comparison = compare(outputs, mapping, references)
    with open(IBSI_ROOT / "digital_phantom_comparison.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COMPARISON_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(comparison)
    compared = [row for row in comparison if row["matches_3_significant_digits"]]
    matched = [row for row in compared if row["matches_3_significant_digits"] == "True"]
    log.info(
        "IBSI digital phantom: %d reference values, %d with a PyRadiomics key, %d of those match to 3 significant digits",
        len(comparison), len(compared), len(matched),
    )
