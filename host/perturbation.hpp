// Image and mask perturbations for feature stability studies, after Zwanenburg et al. 2019 ("Assessing
// robustness of radiomic features by image perturbation", Sci Rep 9:614), the approach behind MIRP's
// stability tools. Each perturbation is a seeded function of a loaded case. A chain applies them in one
// fixed order, whatever order it lists them in: noise, then rotation and translation in one resampling,
// then volume adaptation, then contour randomisation. A step at zero strength (sigma 0, 0 degrees, no
// shift, no volume change, probability 0) returns its input unchanged, bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/settings.hpp"
#include "io/case_loader.hpp"

namespace radcore {

enum class perturbation_kind { noise, rotation, translation, volume, contour };

// Parses a comma-separated list of noise, rotation, translation, volume and contour. Throws input_error
// for an unknown or repeated name or an empty list. The result is in application order.
std::vector<perturbation_kind> parse_perturbation_chain(const std::string& text);
std::string perturbation_name(perturbation_kind kind);

// Settings of a study's perturbations: the chain, and the ranges its parameters are drawn from uniformly.
struct perturbation_settings {
  std::vector<perturbation_kind> chain;
  std::optional<double> noise_sigma;         // in image units; unset: estimated per case
  double rotation_min_degrees = -15;         // about the ROI centroid, in the plane of the grid's x and y axes
  double rotation_max_degrees = 15;
  double translation_max_voxels = 0.5;       // each axis drawn from [-max, max] voxels
  double volume_min_fraction = -0.1;         // relative change of the ROI's voxel count
  double volume_max_fraction = 0.1;
  double contour_probability = 0.05;         // chance that a boundary voxel's 3x3x3 patch flips
  std::uint64_t seed = 1;
};

// Throws input_error naming the setting when a range is empty or out of bounds.
void validate_perturbation_settings(const perturbation_settings& settings);

// The parameters drawn for one perturbed copy. Steps outside the chain keep zero strength.
struct perturbation_draw {
  double noise_sigma = 0;
  std::uint64_t noise_seed = 0;
  double rotation_degrees = 0;
  std::array<double, 3> translation_voxels{};  // along the grid's x, y and z axes
  double volume_fraction = 0;
  double contour_probability = 0;
  std::uint64_t contour_seed = 0;
};

// Draws the parameters of repeat `repeat` of one ROI. The stream is seeded from (settings.seed,
// manifest_row, label, repeat), so a draw does not depend on thread count or on which ROIs ran before.
// `estimated_sigma` is used when settings.noise_sigma is unset.
perturbation_draw draw_perturbation(const perturbation_settings& settings, double estimated_sigma,
                                    std::int64_t manifest_row, int label, int repeat);

// Returns the drawn parameters of the chain's steps as "name=value" pairs separated by ';', each value
// printed with 17 significant digits so that the text reads back to the same doubles.
std::string describe_draw(const perturbation_draw& draw, const std::vector<perturbation_kind>& chain);

// Estimates the standard deviation of additive white noise as MIRP's default method ("chang", after Chang,
// Yu and Vetterli 2000) does. Each z slice is filtered along y and then x with the coif1 high-pass
// decomposition filter (undecimated, mirrored edges), and sigma is the median absolute coefficient of that
// diagonal band divided by 0.6745, the median of |N(0, 1)| (MIRP's code divides by 0.6754). Edges and
// smooth gradients barely reach the band, so the median measures mostly noise. Returns 0 for an empty
// image or one whose median coefficient is 0 (such as a flat background).
double estimate_noise_sigma(const volume& image);

// Returns `image` plus independent N(0, sigma^2) noise in every voxel; the values become float64.
volume add_gaussian_noise(const volume& image, double sigma, std::uint64_t seed);

// Rotates image and mask by `rotation_degrees` about the axis of the grid's z direction through the ROI's
// centroid (positive turns the grid's x axis toward its y axis), then shifts them by `translation_voxels`,
// in one resampling onto the same grid. The image uses `interpolator`; the mask is interpolated linearly
// and voxels at 0.5 or above are kept, as MIRP does by default. Voxels from outside the image become 0.
void transform_case(volume& image, roi_mask& mask, double rotation_degrees,
                    const std::array<double, 3>& translation_voxels, interpolator_kind interpolator);

// Grows (fraction > 0) or shrinks (fraction < 0) the ROI to round((1 + fraction) x voxel count) voxels by
// thresholding its signed Euclidean distance map (in mm, so anisotropic voxels count by their size): the
// voxels nearest to the ROI are added first, and those nearest to the outside are removed first. All
// voxels at the threshold distance go in or out together, so the count misses the target by less than
// that one shell of equidistant voxels. `fraction` must lie in (-1, 1].
roi_mask adapt_volume(const roi_mask& mask, double fraction);

// Randomises the contour with a simpler scheme than Zwanenburg's supervoxels. Each boundary voxel (an ROI
// voxel with a face neighbour outside it) is picked with `probability`. The 3x3x3 patch of a picked voxel
// is then added to or removed from the ROI, with equal chance. Decisions look at the input mask only.
// Supervoxel randomisation instead adds or removes whole image-driven regions that overlap the boundary,
// so its changes follow intensity edges. This scheme's changes are local and do not look at the image.
roi_mask randomise_contour(const roi_mask& mask, double probability, std::uint64_t seed);

// Applies every step of `draw` to a copy of `original` in the chain's order, with the image's
// `interpolator` for the geometric step. The mask's bounding box and voxel count are updated.
loaded_case apply_perturbation(const loaded_case& original, const perturbation_draw& draw,
                               interpolator_kind interpolator);

// Recomputes `mask.bounding_box` and `mask.voxel_count` from `mask.inside`.
void refresh_roi_mask(roi_mask& mask);

}  // namespace radcore
