"""Seeded small random volumes with masks, and PyRadiomics 3.1.0's features for each of them."""

import csv
import logging

import numpy
import SimpleITK as sitk
from radiomics import featureextractor

from reference_common import REFERENCE_ROOT, MccEigenvalueRecorder, extract, write_csv, write_params_file

SEED = 20261204
CASE_COUNT = 300
MAX_SIZE = 12

RANDOM_ROOT = REFERENCE_ROOT / "random"

# Parameter sets the random cases cycle through. voxelArrayShift is 0 in all of them so that firstorder
# Energy, TotalEnergy and RootMeanSquared see the raw intensities. Only bw25_dim1 and bw1_dim1 accept
# line-shaped ROIs. The others keep the default minimumROIDimensions 2 and so reject them.
PARAMS = {
    "bw25_dim1": {"binWidth": 25, "minimumROIDimensions": 1},
    "bw5": {"binWidth": 5},
    "bc16": {"binCount": 16},
    "asymmetric_glcm": {"binWidth": 10, "symmetricalGLCM": False},
    "distances_1_2": {"binWidth": 10, "distances": [1, 2]},
    "gldm_a1": {"binWidth": 10, "gldm_a": 1},
    "weighting_euclidean": {"binWidth": 10, "weightingNorm": "euclidean"},
    "bw1_dim1": {"binWidth": 1, "minimumROIDimensions": 1},
}
CYCLED_PARAMS = [name for name in PARAMS if name != "bw1_dim1"]

# Kinds of case, in the order they repeat. The last four are built to be rejected by PyRadiomics.
KINDS = (
    "blob", "thin", "single_slice", "flat", "negative", "multi_label", "holes", "many_levels", "float", "sparse",
    "blob", "thin", "negative", "multi_label", "float", "holes",
    "single_voxel", "line", "empty", "label_absent",
)
REJECTED_KINDS = {"single_voxel", "line", "empty", "label_absent"}

log = logging.getLogger("make_references")


def random_shape(rng, kind):
    """Return a (z, y, x) array shape with 1 to MAX_SIZE voxels per axis suited to the kind."""
    shape = list(rng.integers(1, MAX_SIZE + 1, size=3))
    if kind == "single_slice":
        shape[0] = 1
    elif kind == "holes":
        shape = [max(extent, 3) for extent in shape]
    elif kind == "many_levels":
        # Up to 729 voxels, nearly all of distinct grey levels under binWidth 1: large enough to stress the
        # matrices, small enough that MCC's eigenvalue problem stays fast.
        shape = rng.integers(5, 10, size=3)
    elif kind != "single_voxel":
        # Two axes of at least two voxels, so that the ROI can reach two dimensions.
        for axis in rng.choice(3, size=2, replace=False):
            shape[axis] = max(shape[axis], 2)
    return tuple(int(extent) for extent in shape)


def ellipsoid_mask(rng, shape):
    """Return a random ellipsoid-like boolean ROI, with a few voxels flipped, that contains at least two voxels."""
    grids = numpy.indices(shape, dtype=float)
    centre = [rng.uniform(0, extent - 1) for extent in shape]
    radii = [rng.uniform(0.6, max(extent, 1.2)) for extent in shape]
    distance = sum(((grid - c) / r) ** 2 for grid, c, r in zip(grids, centre, radii))
    mask = distance <= 1.0
    mask ^= rng.random(shape) < 0.08
    if mask.sum() < 2:
        flat = mask.reshape(-1)
        flat[rng.choice(flat.size, size=min(2, flat.size), replace=False)] = True
    return mask


def thin_mask(rng, shape):
    """Return an ROI that is one voxel thick along an axis whose image extent is larger than one."""
    mask = ellipsoid_mask(rng, shape)
    axes = [axis for axis in range(3) if shape[axis] > 1]
    axis = int(rng.choice(axes))
    keep = int(rng.integers(0, shape[axis]))
    plane = numpy.take(mask, keep, axis=axis)
    if plane.sum() < 2:
        plane.reshape(-1)[:2] = True
    thin = numpy.zeros(shape, dtype=bool)
    index = [slice(None)] * 3
    index[axis] = keep
    thin[tuple(index)] = plane
    return thin


def holes_mask(rng, shape):
    """Return a box ROI whose interior has random holes."""
    mask = numpy.zeros(shape, dtype=bool)
    mask[:, :, :] = True
    interior = numpy.zeros(shape, dtype=bool)
    interior[1:-1, 1:-1, 1:-1] = True
    mask[interior & (rng.random(shape) < 0.3)] = False
    return mask


def line_mask(shape):
    """Return an ROI that extends along one axis only, over the longest axis of the image."""
    mask = numpy.zeros(shape, dtype=bool)
    axis = int(numpy.argmax(shape))
    index = [0, 0, 0]
    index[axis] = slice(None)
    mask[tuple(index)] = True
    return mask


def random_intensities(rng, shape, kind):
    """Return an int16 or float32 image array for the kind."""
    span = float(rng.choice([3, 20, 100, 400, 1500]))
    if kind == "many_levels":
        return rng.integers(-1000, 2000, size=shape).astype(numpy.int16)
    if kind == "negative":
        low = rng.uniform(-3000, -span)
        return rng.uniform(low, low + span, size=shape).round().astype(numpy.int16)
    if kind == "float":
        return rng.normal(rng.uniform(-200, 200), span / 4, size=shape).astype(numpy.float32)
    low = rng.uniform(-100, 500)
    return rng.uniform(low, low + span, size=shape).round().astype(numpy.int16)


def make_case(rng, index):
    """Return (kind, image array, label array, label to extract, params name) for one case."""
    kind = KINDS[index % len(KINDS)]
    shape = random_shape(rng, kind)
    image = random_intensities(rng, shape, kind)
    label = 1
    params = CYCLED_PARAMS[index % len(CYCLED_PARAMS)]

    if kind == "thin":
        roi = thin_mask(rng, shape)
    elif kind == "holes":
        roi = holes_mask(rng, shape)
    elif kind == "single_voxel":
        roi = numpy.zeros(shape, dtype=bool)
        roi[tuple(int(rng.integers(0, extent)) for extent in shape)] = True
    elif kind == "line":
        roi = line_mask(shape)
        params = "bw5"
    elif kind == "sparse":
        roi = rng.random(shape) < 0.25
    elif kind == "many_levels":
        roi = rng.random(shape) < 0.85
    else:
        roi = ellipsoid_mask(rng, shape)
    if kind == "empty":
        roi[:] = False
    if kind == "many_levels":
        params = "bw1_dim1"
    if kind == "flat":
        image[roi] = image.flat[0]

    labels = roi.astype(numpy.uint8)
    if kind in ("multi_label", "label_absent"):
        # Other labels cover random voxels, also inside the ROI's bounding box.
        labels[~roi] = rng.choice([0, 0, 1, 3, 4], size=int((~roi).sum())).astype(numpy.uint8)
        label = int(rng.choice([2, 5, 7]))
        labels[roi] = label
        if kind == "label_absent":
            labels[labels == label] = 1
    return kind, image, labels, label, params


def to_image(array, rng):
    """Wrap an array in a SimpleITK image with a random anisotropic spacing and origin."""
    image = sitk.GetImageFromArray(array)
    image.SetSpacing([round(float(rng.uniform(0.3, 5.0)), 3) for _ in range(3)])
    image.SetOrigin([round(float(rng.uniform(-100, 100)), 2) for _ in range(3)])
    return image


def write_cases(rng):
    """Write the NRRD files of every case and return their (case, kind, label, params) records."""
    records = []
    for index in range(CASE_COUNT):
        kind, image_array, label_array, label, params = make_case(rng, index)
        image = to_image(image_array, rng)
        mask = sitk.GetImageFromArray(label_array)
        mask.CopyInformation(image)
        case = f"case_{index:03d}"
        sitk.WriteImage(image, str(RANDOM_ROOT / f"{case}_image.nrrd"), True)
        sitk.WriteImage(mask, str(RANDOM_ROOT / f"{case}_mask.nrrd"), True)
        records.append((case, kind, label, params))
    return records


def write_random_references():
    """Generate the random cases, run PyRadiomics on the files as written and write features.csv and refused.csv."""
    RANDOM_ROOT.mkdir(parents=True, exist_ok=True)
    for old in RANDOM_ROOT.glob("case_*.nrrd"):
        old.unlink()
    extractors = {}
    for name, settings in PARAMS.items():
        path = RANDOM_ROOT / "params" / f"{name}.yaml"
        description = [f"Random-case parameter set '{name}'. Written by scripts/reference/make_references.py."]
        write_params_file(path, {**settings, "voxelArrayShift": 0}, description)
        extractors[name] = featureextractor.RadiomicsFeatureExtractor(str(path))

    records = write_cases(numpy.random.default_rng(SEED))
    recorder = MccEigenvalueRecorder()
    rows, refused = [], []
    for case, kind, label, params in records:
        image = RANDOM_ROOT / f"{case}_image.nrrd"
        mask = RANDOM_ROOT / f"{case}_mask.nrrd"
        try:
            features = extract(extractors[params], recorder, image, mask, label=label)
        except ValueError as error:
            log.info("PyRadiomics rejected %s (%s, label %d, params %s): %s", case, kind, label, params, error)
            refused.append({"case": case, "kind": kind, "params": params, "label": label, "message": str(error)})
            continue
        if kind in REJECTED_KINDS:
            log.warning("%s was built to be rejected (%s) but PyRadiomics accepted it", case, kind)
        rows.append({"case": case, "kind": kind, "params": params, "label": str(label), **features})

    write_csv(RANDOM_ROOT / "features.csv", rows)
    with open(RANDOM_ROOT / "refused.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["case", "kind", "params", "label", "message"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(refused)
    log.info("random cases: %d accepted, %d rejected by PyRadiomics", len(rows), len(refused))
