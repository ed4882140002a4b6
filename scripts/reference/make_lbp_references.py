"""Write PyRadiomics 3.1.0 references for the LBP2D image type under tests/reference/lbp/.

Run with the interpreter of scripts/reference/.venv (made by setup_venv.sh), which has scikit-image 0.25.2:

    scripts/reference/.venv/bin/python scripts/reference/make_lbp_references.py [--shared DIR]

Outputs:
- brain1_<configuration>.csv and params/<configuration>.yaml: PyRadiomics features of brain1 (label 1, every
  class) in the format of tests/reference/image_types/. Configuration `lbp2d` is `LBP2D: {}` with the shared
  settings of make_image_type_references.py (binWidth 25). Configuration `lbp2d_fine` overrides binWidth 1,
  lbp2DRadius 2 and lbp2DSamples 12, so that the features see more than one gray level.
- lbp_voxels.csv: per LBP setting (method, radius, samples, force2Ddimension), the SHA-1 of the float64 LBP image of brain1 in numpy order, and sampled
  voxels. Source `skimage` is skimage.feature.local_binary_pattern on the float64 slices. Source `pyradiomics`
  is imageoperations.getLBP2DImage, which writes the patterns back into the int16 input array.
"""

import argparse
import hashlib
import logging
import sys
import warnings
from pathlib import Path

import numpy
import SimpleITK as sitk
import radiomics
import skimage
from radiomics import featureextractor, imageoperations
from skimage.feature import local_binary_pattern

from make_image_type_references import extract, write_params_file
from reference_common import REFERENCE_ROOT, REPO_ROOT, MccEigenvalueRecorder, write_csv

OUTPUT = REFERENCE_ROOT / "lbp"

CONFIGURATIONS = {
    "lbp2d": {"LBP2D": {}},
    "lbp2d_fine": {"LBP2D": {"binWidth": 1, "lbp2DRadius": 2, "lbp2DSamples": 12}},
}

# (method, radius, samples, force2Ddimension) of each LBP image in lbp_voxels.csv. With 32 samples the int32
# weight of sample 31 wraps to -2^31 in scikit-image.
LBP_SETTINGS = (
    ("uniform", 1, 8, 0),
    ("default", 1, 8, 0),
    ("ror", 1, 8, 0),
    ("var", 1, 8, 0),
    ("uniform", 2, 16, 0),
    ("default", 1.5, 12, 0),
    ("ror", 2.5, 10, 0),
    ("default", 3, 32, 0),
    ("ror", 3, 32, 0),
    ("uniform", 1, 8, 1),
    ("uniform", 1, 8, 2),
    ("var", 2, 12, 2),
)

# Voxels (x, y, z) of brain1 whose LBP values are written to lbp_voxels.csv.
SAMPLED_VOXELS = ((0, 0, 0), (128, 128, 12), (100, 140, 10), (255, 255, 24), (60, 200, 3))

log = logging.getLogger("make_lbp_references")


def skimage_lbp(array, method, radius, samples, axis):
    """Apply local_binary_pattern to each float64 slice across numpy axis `axis`, as getLBP2DImage slices."""
    swapped = array.astype(numpy.float64).swapaxes(0, axis)
    out = numpy.empty(swapped.shape, dtype=numpy.float64)
    for index in range(swapped.shape[0]):
        out[index] = local_binary_pattern(swapped[index], P=samples, R=radius, method=method)
    return numpy.ascontiguousarray(out.swapaxes(0, axis))


def pyradiomics_lbp(image, method, radius, samples, axis):
    """Return the array of the image that PyRadiomics' getLBP2DImage yields."""
    settings = {"lbp2DMethod": method, "lbp2DRadius": radius, "lbp2DSamples": samples, "force2D": True,
                "force2Ddimension": axis}
    results = list(imageoperations.getLBP2DImage(image, None, **settings))
    if len(results) != 1 or results[0][1] != "lbp-2D":
        raise RuntimeError(f"getLBP2DImage yielded {[name for _, name, _ in results]}, expected ['lbp-2D']")
    return sitk.GetArrayFromImage(results[0][0])


def voxel_rows(setting, source, array):
    method, radius, samples, axis = setting
    leading = {"method": method, "radius": repr(float(radius)), "samples": samples, "axis": axis, "source": source}
    values = numpy.ascontiguousarray(array, dtype=numpy.float64)
    rows = [dict(leading, x="", y="", z="", value="", sha1=hashlib.sha1(values.tobytes()).hexdigest())]
    for x, y, z in SAMPLED_VOXELS:
        rows.append(dict(leading, x=x, y=y, z=z, value=repr(float(values[z, y, x])), sha1=""))
    return rows


def write_lbp_voxels(shared):
    image = sitk.ReadImage(str(shared / "pyradiomics" / "brain1_image.nrrd"))
    array = sitk.GetArrayFromImage(image)
    rows = []
    for setting in LBP_SETTINGS:
        method, radius, samples, axis = setting
        log.info("computing LBP %s, radius %s, %d samples, axis %d", method, radius, samples, axis)
        rows += voxel_rows(setting, "skimage", skimage_lbp(array, method, radius, samples, axis))
        # numpy's cast of NaN (flat neighbourhoods under `var`) to int16 is platform dependent, so the
        # written-back image is recorded for the integer-valued methods only.
        if method != "var":
            rows += voxel_rows(setting, "pyradiomics", pyradiomics_lbp(image, method, radius, samples, axis))
    write_csv(OUTPUT / "lbp_voxels.csv", rows)


def write_feature_references(shared):
    recorder = MccEigenvalueRecorder()
    for configuration, image_types in CONFIGURATIONS.items():
        params_path = OUTPUT / "params" / f"{configuration}.yaml"
        description = [
            f"LBP2D configuration '{configuration}' of PyRadiomics {radiomics.__version__} "
            f"with scikit-image {skimage.__version__}.",
            "Written by scripts/reference/make_lbp_references.py.",
        ]
        write_params_file(params_path, image_types, description)
        extractor = featureextractor.RadiomicsFeatureExtractor(str(params_path))
        log.info("running PyRadiomics on brain1 label 1 with configuration %s", configuration)
        image = shared / "pyradiomics" / "brain1_image.nrrd"
        mask = shared / "pyradiomics" / "brain1_label.nrrd"
        write_csv(OUTPUT / f"brain1_{configuration}.csv", [extract(extractor, recorder, image, mask, 1)])


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
    # local_binary_pattern warns on every float64 slice, which skimage_lbp passes on purpose.
    warnings.filterwarnings("ignore", message="Applying `local_binary_pattern` to floating-point images")
    write_lbp_voxels(arguments.shared)
    write_feature_references(arguments.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
