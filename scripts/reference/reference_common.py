"""Shared pieces of the reference generators: parameter files, PyRadiomics runs and CSV output."""

import csv
import functools
import logging
import math
import numbers
from pathlib import Path

import numpy
import radiomics
import radiomics.glcm
from radiomics import featureextractor

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_ROOT = REPO_ROOT / "tests" / "reference"

# Every class that works on 3D masks. shape2D is left out because it raises for masks whose ROI is more
# than one slice thick.
FEATURE_CLASSES = ("firstorder", "shape", "glcm", "glrlm", "glszm", "gldm", "ngtdm")

MCC_COLUMN = "reference_mcc_min_second_eigenvalue"

log = logging.getLogger("make_references")


def format_yaml_value(value):
    """Format a setting as a YAML flow scalar or sequence."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_yaml_value(item) for item in value) + "]"
    return str(value)


def write_params_file(path, settings, description, feature_lists=None):
    """Write a PyRadiomics parameter file that enables image type Original and every class in FEATURE_CLASSES.

    A class without an entry in `feature_lists` has no feature list, which enables its non-deprecated
    features. The file is then loaded by PyRadiomics, which validates it against its parameter schema.
    """
    feature_lists = feature_lists or {}
    lines = [f"# {line}" for line in description]
    lines += ["imageType:", "  Original: {}", "featureClass:"]
    for name in FEATURE_CLASSES:
        features = feature_lists.get(name)
        lines += [f"  {name}:"]
        lines += [f"    - {feature}" for feature in features or ()]
    lines += ["setting:"]
    lines += [f"  {key}: {format_yaml_value(value)}" for key, value in settings.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    featureextractor.RadiomicsFeatureExtractor(str(path))


class MccEigenvalueRecorder:
    """Records, for each GLCM that PyRadiomics computes MCC on, the smallest second-largest eigenvalue of Q.

    The recorder wraps `RadiomicsGLCM.getMCCFeatureValue`, so it reads the exact matrix PyRadiomics 3.1.0
    builds under the run's settings (resampling, resegmentation, weighting) and then lets PyRadiomics
    compute MCC as usual.
    """

    def __init__(self):
        self.values = []
        original = radiomics.glcm.RadiomicsGLCM.getMCCFeatureValue

        @functools.wraps(original)
        def recording_mcc(glcm):
            mcc = original(glcm)
            # PyRadiomics turns an exception raised here into a NaN feature value, so an error of this
            # recorder is stored and raised by take() instead.
            try:
                self.values.append(min_second_eigenvalue(glcm))
            except Exception as error:  # noqa: BLE001 - re-raised by take()
                self.values.append(error)
            return mcc

        radiomics.glcm.RadiomicsGLCM.getMCCFeatureValue = recording_mcc

    def take(self):
        """Return the value of the last extraction (NaN if MCC was not computed) and reset the recorder."""
        values, self.values = self.values, []
        if not values:
            return math.nan
        if len(values) > 1:
            raise RuntimeError(f"expected one GLCM per extraction, got {len(values)}")
        if isinstance(values[0], Exception):
            raise RuntimeError("computing the MCC eigenvalue column failed") from values[0]
        return values[0]


def min_second_eigenvalue(glcm):
    """Return min over angles of the second-largest eigenvalue of PyRadiomics' MCC matrix Q.

    Q(i, j) = sum_k p(i, k) p(j, k) / (px(i) py(k) + eps), built as in `RadiomicsGLCM.getMCCFeatureValue`
    of PyRadiomics 3.1.0, with `numpy.linalg.eigvals` run on all angles at once as PyRadiomics does.
    Complex eigenvalues are sorted as numpy sorts them (by real part first) and their real part is kept.
    Returns inf where the GLCM has one grey level, because MCC is then 1 by definition, and NaN where
    every angle was empty and deleted, because MCC is then NaN.
    """
    p_glcm = glcm.P_glcm[0]  # (Ng, Ng, angles) of the single segment-based "voxel"
    px = glcm.coefficients["px"][0, :, 0, :]  # (Ng, angles)
    py = glcm.coefficients["py"][0, 0, :, :]  # (Ng, angles)
    eps = glcm.coefficients["eps"]
    # The sum runs over k in the same order and with the same operations as PyRadiomics, so Q is bit-identical.
    q = numpy.zeros((p_glcm.shape[0], p_glcm.shape[0], p_glcm.shape[2]))
    for k in range(p_glcm.shape[1]):
        q += (p_glcm[:, None, k, :] * p_glcm[None, :, k, :]) / (px[:, None, :] * py[None, k, :] + eps)
    eigenvalues = numpy.linalg.eigvals(q.transpose((2, 0, 1)))
    eigenvalues.sort()
    if eigenvalues.shape[0] == 0:
        return math.nan
    if eigenvalues.shape[1] < 2:
        return math.inf
    return float(numpy.min(eigenvalues[:, -2].real))


def format_value(value):
    """Format one PyRadiomics output value: numbers with repr (full precision), anything else with str."""
    if isinstance(value, numpy.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, numpy.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return repr(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return str(value)


def extract(extractor, recorder, image_path, mask_path, label=None):
    """Run PyRadiomics on one image and mask and return its output with the MCC column appended."""
    recorder.take()
    result = extractor.execute(str(image_path), str(mask_path), label=label)
    row = {key: format_value(value) for key, value in result.items()}
    row[MCC_COLUMN] = repr(recorder.take())
    return row


def write_csv(path, rows, leading_columns=()):
    """Write rows that all have the same keys as a CSV with one header row."""
    keys = list(rows[0].keys())
    for row in rows:
        if list(row.keys()) != keys:
            missing = set(keys) ^ set(row.keys())
            raise RuntimeError(f"{path}: rows differ in their keys: {sorted(missing)[:5]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(keys)
        for row in rows:
            writer.writerow(row[key] for key in keys)
    log.info("wrote %s (%d rows, %d columns)", path.relative_to(REPO_ROOT), len(rows), len(keys))
