#include <algorithm>
#include "kernels/shape.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/marching_cubes.hpp"
#include "kernels/pairwise_sum.hpp"
#include "kernels/shape_formulas.hpp"

namespace radcore {

// Method names get<Name>FeatureValue sorted as Python sorts strings; IBSI 1
// morphology codes.
const feature_info shape_feature_table[] = {
    {"Compactness1", true, "SKGS"},
    {"Compactness2", true, "BQWJ"},
    {"Elongation", false, "Q3CK"},
    {"Flatness", false, "N17B"},
    {"LeastAxisLength", false, "7J51"},
    {"MajorAxisLength", false, "TDIC"},
    {"Maximum2DDiameterColumn", false, ""},
    {"Maximum2DDiameterRow", false, ""},
    {"Maximum2DDiameterSlice", false, ""},
    {"Maximum3DDiameter", false, "L0JK"},
    {"MeshVolume", false, "RNU0"},
    {"MinorAxisLength", false, "P9VJ"},
    {"SphericalDisproportion", true, "KRCK"},
    {"Sphericity", false, "QCFX"},
    {"SurfaceArea", false, "C0JK"},
    {"SurfaceVolumeRatio", false, "2PR5"},
    {"VoxelVolume", false, "YEKZ"},
};
const int shape_feature_count = int(sizeof(shape_feature_table) / sizeof(shape_feature_table[0]));

std::vector<double> principal_moments(const padded_mask &mask, const std::vector<double> &spacing) {
  const int dims = int(spacing.size());
  const int first_axis = 3 - dims;
  // Physical coordinates of the voxel centres, in numpy.where order, on the
  // padded grid.
  std::vector<std::vector<double>> columns(static_cast<std::size_t>(dims));
  for (int i0 = 0; i0 < mask.size[0]; ++i0) {
    for (int i1 = 0; i1 < mask.size[1]; ++i1) {
      for (int i2 = 0; i2 < mask.size[2]; ++i2) {
        if (!mask.at(i0, i1, i2)) continue;
        const int index[3] = {i0, i1, i2};
        for (int d = 0; d < dims; ++d) {
          columns[std::size_t(d)].push_back(double(index[first_axis + d]) * spacing[std::size_t(d)]);
        }
      }
    }
  }
  const std::size_t n = columns[0].size();
  // numpy.mean(axis=0) over an (N, d) array adds row by row, so each column
  // mean is a sequential sum.
  const double root_n = std::sqrt(double(n));
  for (auto &column : columns) {
    double sum = 0.0;
    for (const double value : column) sum += value;
    const double mean = sum / double(n);
    for (double &value : column) value = (value - mean) / root_n;
  }
  // Covariance P^T P. numpy hands this product to BLAS, whose summation order
  // is its own; pairwise summation keeps the result within a few units in the
  // last place of it.
  std::vector<double> covariance(static_cast<std::size_t>(dims * dims));
  std::vector<double> products(n);
  for (int i = 0; i < dims; ++i) {
    for (int j = i; j < dims; ++j) {
      for (std::size_t k = 0; k < n; ++k) products[k] = columns[std::size_t(i)][k] * columns[std::size_t(j)][k];
      const double value = pairwise_sum(products.data(), n);
      covariance[std::size_t(i * dims + j)] = value;
      covariance[std::size_t(j * dims + i)] = value;
    }
  }
  std::vector<double> eigenvalues(static_cast<std::size_t>(dims));
  if (dims == 3) {
    const double matrix[3][3] = {{covariance[0], covariance[1], covariance[2]},
                                 {covariance[3], covariance[4], covariance[5]},
                                 {covariance[6], covariance[7], covariance[8]}};
    symmetric_eigenvalues3(matrix, eigenvalues.data());
  } else {
    symmetric_eigenvalues2(covariance[0], covariance[1], covariance[3], eigenvalues.data());
  }
  for (double &lambda : eigenvalues) lambda = clip_eigenvalue(lambda);
  // A flat or collinear ROI has a covariance of rank 2 or 1, whose zero eigenvalues come out as rounding
  // residues of either sign (PyRadiomics' LAPACK call gives about -1e-17 or +1e-17 depending on the
  // input). radcore sets eigenvalues below 1e-14 of the largest to exactly 0. Grid-aligned ROIs that are
  // not degenerate have ratios above 12 / N^3, i.e. above 1e-14 for N below 10^5 voxels.
  const double largest = *std::max_element(eigenvalues.begin(), eigenvalues.end());
  for (double &lambda : eigenvalues) {
    if (std::fabs(lambda) < 1e-14 * largest) lambda = 0.0;
  }
  return eigenvalues;
}

namespace {

std::int64_t count_inside(const padded_mask &mask) {
  std::int64_t count = 0;
  for (const std::uint8_t v : mask.inside) count += v ? 1 : 0;
  return count;
}

void compute_roi(const roi_batch &rois, int roi, feature_block &out) {
  const extent3 &size = rois.size[std::size_t(roi)];
  const padded_mask mask = pad_mask(rois.mask.data() + rois.voxel_offset[std::size_t(roi)], size.nx, size.ny, size.nz);
  const std::int64_t voxels = count_inside(mask);
  if (voxels == 0) throw roi_error("shape features: ROI " + std::to_string(roi) + " has no voxels");

  const auto &spacing_xyz = rois.spacing[std::size_t(roi)];
  // PyRadiomics reverses SimpleITK's (x, y, z) spacing into numpy's (z, y, x)
  // order.
  const std::array<double, 3> spacing = {spacing_xyz[2], spacing_xyz[1], spacing_xyz[0]};
  const mesh_measures mesh = marching_cubes_measures(mask, spacing);
  const std::array<double, 4> diameters = mesh_diameters(mask, spacing);
  const std::vector<double> lambda = principal_moments(mask, {spacing[0], spacing[1], spacing[2]});
  const double v = mesh.volume;
  const double a = mesh.surface_area;

  int column = 0;
  out.at(roi, column++) = compactness1(v, a);
  out.at(roi, column++) = compactness2(v, a);
  out.at(roi, column++) = axis_ratio(lambda[1], lambda[2]);  // Elongation
  out.at(roi, column++) = axis_ratio(lambda[0], lambda[2]);  // Flatness
  out.at(roi, column++) = axis_length(lambda[0]);            // LeastAxisLength
  out.at(roi, column++) = axis_length(lambda[2]);            // MajorAxisLength
  out.at(roi, column++) = diameters[1];                      // Maximum2DDiameterColumn (equal y)
  out.at(roi, column++) = diameters[2];                      // Maximum2DDiameterRow (equal x)
  out.at(roi, column++) = diameters[0];                      // Maximum2DDiameterSlice (equal z)
  out.at(roi, column++) = diameters[3];                      // Maximum3DDiameter
  out.at(roi, column++) = v;                                 // MeshVolume
  out.at(roi, column++) = axis_length(lambda[1]);            // MinorAxisLength
  out.at(roi, column++) = spherical_disproportion3(v, a);
  out.at(roi, column++) = sphericity3(v, a);
  out.at(roi, column++) = a;      // SurfaceArea
  out.at(roi, column++) = a / v;  // SurfaceVolumeRatio
  // VoxelVolume = Np * (z * x * y) with shape.py's (z, y, x) spacing.
  out.at(roi, column++) = double(voxels) * (spacing[0] * spacing[2] * spacing[1]);
}

}  // namespace

feature_block compute_shape_features(const roi_batch &rois) {
  feature_block out(rois.rois(), shape_feature_count);
  for (int roi = 0; roi < rois.rois(); ++roi) compute_roi(rois, roi, out);
  return out;
}

}  // namespace radcore
