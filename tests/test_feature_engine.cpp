// Feature engines. A merged batch gives every ROI image the values it gets alone. The batching engine merges
// the requests of concurrent threads and keeps an error with the request that caused it. Extraction through
// an engine gives the same row as the default CPU path. The inner engines here are the real CPU backend, so
// these tests check the merging and splitting, not the device.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "host/extract.hpp"
#include "host/feature_engine.hpp"
#include "host/settings.hpp"
#include "kernels/discretise.hpp"
#include "kernels/error.hpp"
#include "tests/gpu_tolerance.hpp"
#include "tests/test_data.hpp"

namespace radcore {
namespace {

const std::vector<std::string> all_classes{"firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"};

// A random ROI image of `size` voxels, with values constant over 2-voxel blocks so zones and runs occur.
roi_batch random_rois(std::mt19937_64& random, const extent3& size, double inside) {
  std::uniform_int_distribution<int> level(0, 11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> values(std::size_t(size.count()));
  std::vector<std::uint8_t> mask(values.size());
  for (int z = 0; z < size.nz; ++z) {
    for (int y = 0; y < size.ny; ++y) {
      for (int x = 0; x < size.nx; ++x) {
        const std::size_t v = std::size_t(size.index(x, y, z));
        values[v] = (x / 2 + y / 2 + z / 2) % 2 == 0 ? 25.0 * level(random) : 7.0 * level(random) - 30.0;
        mask[v] = unit(random) < inside ? 1 : 0;
      }
    }
  }
  mask[values.size() / 2] = 1;
  roi_batch rois;
  rois.add(size, {0.9, 1.1, 2.0}, values.data(), mask.data());
  return rois;
}

struct image_set {
  std::vector<roi_batch> rois;
  std::vector<discrete_batch> discrete;
};

image_set random_images(std::uint64_t seed, int count) {
  std::mt19937_64 random(seed);
  const std::vector<extent3> sizes{{1, 1, 1}, {6, 5, 1}, {7, 7, 7}, {12, 9, 5}, {3, 14, 6}};
  image_set set;
  binning_settings binning;
  binning.bin_width = 10.0;
  for (int i = 0; i < count; ++i) {
    set.rois.push_back(random_rois(random, sizes[std::size_t(i) % sizes.size()], 0.8));
    set.discrete.push_back(discretise(set.rois.back(), binning));
  }
  return set;
}

// Appends every image of `set` to `rois` and `discrete`, in order.
void merge_images(const image_set& set, roi_batch& rois, discrete_batch& discrete) {
  for (std::size_t i = 0; i < set.rois.size(); ++i) {
    append_rois(rois, set.rois[i]);
    append_rois(discrete, set.discrete[i]);
  }
}

void expect_same_bits(const feature_block& actual, const feature_block& expected, const std::string& what) {
  ASSERT_EQ(actual.rois, expected.rois) << what;
  ASSERT_EQ(actual.features, expected.features) << what;
  EXPECT_EQ(std::memcmp(actual.values.data(), expected.values.data(), actual.values.size() * sizeof(double)), 0)
      << what;
}

// The CPU engine, counting the calls and ROI images it receives.
class counting_engine final : public feature_engine {
 public:
  std::vector<feature_block> compute(const std::vector<std::string>& classes, const roi_batch& rois,
                                     const discrete_batch& discrete, const extraction_settings& settings) override {
    ++calls;
    images += rois.rois();
    return cpu_->compute(classes, rois, discrete, settings);
  }
  std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>& inputs,
                                                          const std::vector<voxel_box>& boxes,
                                                          const wavelet_options& options) override {
    ++wavelet_calls;
    return cpu_->wavelet(inputs, boxes, options);
  }
  std::string backend() const override { return "cpu"; }

  std::atomic<int> calls{0};
  std::atomic<int> images{0};
  std::atomic<int> wavelet_calls{0};

 private:
  std::unique_ptr<feature_engine> cpu_ = make_cpu_engine();
};

TEST(FeatureEngine, MergedBatchMatchesSeparateImages) {
  const image_set set = random_images(11, 10);
  std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  const extraction_settings settings;
  roi_batch rois;
  discrete_batch discrete;
  merge_images(set, rois, discrete);
  ASSERT_EQ(rois.rois(), 10);
  ASSERT_EQ(discrete.rois(), 10);
  const std::vector<feature_block> merged = cpu->compute(all_classes, rois, discrete, settings);
  ASSERT_EQ(merged.size(), all_classes.size());
  for (std::size_t i = 0; i < set.rois.size(); ++i) {
    const std::vector<feature_block> alone = cpu->compute(all_classes, set.rois[i], set.discrete[i], settings);
    for (std::size_t c = 0; c < all_classes.size(); ++c) {
      expect_same_bits(block_rows(merged[c], int(i), 1), alone[c], all_classes[c] + " of image " + std::to_string(i));
    }
  }
}

TEST(FeatureEngine, SliceMatchesSeparateImages) {
  const image_set set = random_images(16, 5);
  roi_batch rois;
  discrete_batch discrete;
  merge_images(set, rois, discrete);
  const roi_batch middle = slice_rois(rois, 1, 3);
  const discrete_batch middle_levels = slice_rois(discrete, 1, 3);
  ASSERT_EQ(middle.rois(), 3);
  ASSERT_EQ(middle_levels.rois(), 3);
  for (int i = 0; i < 3; ++i) {
    const roi_batch& alone = set.rois[std::size_t(i) + 1];
    const discrete_batch& alone_levels = set.discrete[std::size_t(i) + 1];
    const std::int64_t first = middle.voxel_offset[std::size_t(i)];
    const std::int64_t count = alone.voxel_offset.back();
    EXPECT_EQ(middle.voxel_offset[std::size_t(i) + 1] - first, count);
    EXPECT_TRUE(std::equal(alone.intensity.begin(), alone.intensity.end(), middle.intensity.begin() + first));
    EXPECT_TRUE(std::equal(alone.mask.begin(), alone.mask.end(), middle.mask.begin() + first));
    EXPECT_TRUE(std::equal(alone_levels.level.begin(), alone_levels.level.end(), middle_levels.level.begin() + first));
    const std::int64_t level_first = middle_levels.level_offset[std::size_t(i)];
    EXPECT_TRUE(std::equal(alone_levels.grey_value.begin(), alone_levels.grey_value.end(),
                           middle_levels.grey_value.begin() + level_first));
    EXPECT_EQ(middle_levels.ng[std::size_t(i)], alone_levels.ng[0]);
  }
}

TEST(FeatureEngine, SplitByVoxelsBoundsEachRun) {
  // ROI images of 10, 30, 5, 50 and 5 voxels.
  const std::vector<std::int64_t> offsets{0, 10, 40, 45, 95, 100};
  EXPECT_EQ(split_by_voxels(offsets, 1000), (std::vector<int>{0, 5}));
  EXPECT_EQ(split_by_voxels(offsets, 45), (std::vector<int>{0, 3, 4, 5}));
  // An image larger than the bound gets a run of its own.
  EXPECT_EQ(split_by_voxels(offsets, 20), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(split_by_voxels({0}, 20), (std::vector<int>{0}));
}

TEST(FeatureEngine, DeviceRunsHalveLargeBatch) {
  const std::vector<std::int64_t> offsets{0, 10, 40, 45, 95, 100};
  // Below the overlap size the batch stays one run.
  EXPECT_EQ(device_runs(offsets, 1000, 101), (std::vector<int>{0, 5}));
  // At or above it, the run is split at the image boundary closest to half of the voxels (45 of 100).
  EXPECT_EQ(device_runs(offsets, 1000, 100), (std::vector<int>{0, 3, 5}));
  // Runs bounded by max_voxels are not split again.
  EXPECT_EQ(device_runs(offsets, 45, 10), (std::vector<int>{0, 3, 4, 5}));
  // A single ROI image cannot be split.
  EXPECT_EQ(device_runs({0, 500}, 1000, 10), (std::vector<int>{0, 1}));
}

TEST(FeatureEngine, RunsOnThreadsMatchOneCall) {
  const image_set set = random_images(17, 7);
  roi_batch rois;
  discrete_batch discrete;
  merge_images(set, rois, discrete);
  std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  const extraction_settings settings;
  const std::vector<feature_block> whole = cpu->compute(all_classes, rois, discrete, settings);
  std::atomic<int> calls{0};
  const run_function compute = [&](const roi_batch& run_rois, const discrete_batch& run_levels) {
    ++calls;
    return cpu->compute(all_classes, run_rois, run_levels, settings);
  };
  const std::vector<feature_block> by_runs = compute_by_runs(rois, discrete, {0, 2, 3, 7}, 2, compute);
  EXPECT_EQ(calls.load(), 3);
  ASSERT_EQ(by_runs.size(), whole.size());
  for (std::size_t c = 0; c < whole.size(); ++c) expect_same_bits(by_runs[c], whole[c], all_classes[c]);
}

TEST(FeatureEngine, RunErrorReachesCaller) {
  const image_set set = random_images(18, 4);
  roi_batch rois;
  discrete_batch discrete;
  merge_images(set, rois, discrete);
  const run_function failing = [](const roi_batch& run_rois, const discrete_batch&) -> std::vector<feature_block> {
    if (run_rois.rois() == 3) throw roi_error("the second run failed");
    return {feature_block(run_rois.rois(), 1)};
  };
  EXPECT_THROW(compute_by_runs(rois, discrete, {0, 1, 4}, 2, failing), roi_error);
}

TEST(FeatureEngine, BatchingMergesConcurrentRequests) {
  constexpr int threads = 6;
  const image_set set = random_images(12, threads);
  auto inner = std::make_unique<counting_engine>();
  counting_engine* counter = inner.get();
  // A long window, so that every thread's request is queued before the first batch runs.
  std::unique_ptr<feature_engine> batching = make_batching_engine(std::move(inner), threads, 2000.0);
  const extraction_settings settings;
  std::vector<std::vector<feature_block>> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      results[std::size_t(t)] = batching->compute(all_classes, set.rois[std::size_t(t)], set.discrete[std::size_t(t)],
                                                  settings);
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(counter->calls.load(), 1) << "the six requests were not merged into one batch";
  EXPECT_EQ(counter->images.load(), threads);
  std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  for (int t = 0; t < threads; ++t) {
    const std::vector<feature_block> alone =
        cpu->compute(all_classes, set.rois[std::size_t(t)], set.discrete[std::size_t(t)], settings);
    ASSERT_EQ(results[std::size_t(t)].size(), all_classes.size());
    for (std::size_t c = 0; c < all_classes.size(); ++c) {
      expect_same_bits(results[std::size_t(t)][c], alone[c], all_classes[c] + " of thread " + std::to_string(t));
    }
  }
}

TEST(FeatureEngine, BatchingKeepsSettingsApart) {
  const image_set set = random_images(13, 2);
  auto inner = std::make_unique<counting_engine>();
  counting_engine* counter = inner.get();
  std::unique_ptr<feature_engine> batching = make_batching_engine(std::move(inner), 2, 200.0);
  extraction_settings shifted;
  shifted.voxel_array_shift = 1000;
  std::vector<feature_block> plain_result, shifted_result;
  std::thread first([&] { plain_result = batching->compute({"firstorder"}, set.rois[0], set.discrete[0], {}); });
  std::thread second([&] { shifted_result = batching->compute({"firstorder"}, set.rois[1], set.discrete[1], shifted); });
  first.join();
  second.join();
  EXPECT_EQ(counter->calls.load(), 2) << "requests with different settings must not share a batch";
  std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  expect_same_bits(plain_result.at(0), cpu->compute({"firstorder"}, set.rois[0], set.discrete[0], {}).at(0), "plain");
  expect_same_bits(shifted_result.at(0), cpu->compute({"firstorder"}, set.rois[1], set.discrete[1], shifted).at(0),
                   "shifted");
}

TEST(FeatureEngine, BatchingKeepsErrorWithItsRequest) {
  constexpr int threads = 4;
  image_set set = random_images(14, threads);
  // ROI image 2 has no voxel inside its mask, which first order rejects with roi_error.
  std::fill(set.rois[2].mask.begin(), set.rois[2].mask.end(), std::uint8_t{0});
  std::unique_ptr<feature_engine> batching = make_batching_engine(make_cpu_engine(), threads, 2000.0);
  std::vector<std::vector<feature_block>> results(threads);
  std::vector<std::string> errors(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        results[std::size_t(t)] =
            batching->compute({"firstorder"}, set.rois[std::size_t(t)], set.discrete[std::size_t(t)], {});
      } catch (const roi_error& error) {
        errors[std::size_t(t)] = error.what();
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_NE(errors[2].find("has no voxels"), std::string::npos) << errors[2];
  std::unique_ptr<feature_engine> cpu = make_cpu_engine();
  for (int t : {0, 1, 3}) {
    EXPECT_TRUE(errors[std::size_t(t)].empty()) << errors[std::size_t(t)];
    ASSERT_EQ(results[std::size_t(t)].size(), 1u);
    expect_same_bits(results[std::size_t(t)][0],
                     cpu->compute({"firstorder"}, set.rois[std::size_t(t)], set.discrete[std::size_t(t)], {}).at(0),
                     "thread " + std::to_string(t));
  }
}

// An engine whose every call throws a value that is not a std::exception.
class throwing_engine final : public feature_engine {
 public:
  std::vector<feature_block> compute(const std::vector<std::string>&, const roi_batch&, const discrete_batch&,
                                     const extraction_settings&) override {
    throw 42;
  }
  std::vector<std::vector<wavelet_decomposition>> wavelet(const std::vector<wavelet_input>&,
                                                          const std::vector<voxel_box>&,
                                                          const wavelet_options&) override {
    throw 42;
  }
  std::string backend() const override { return "cpu"; }
};

TEST(FeatureEngine, BatchingReturnsEveryCallerWhenInnerThrows) {
  constexpr int threads = 3;
  const image_set set = random_images(19, threads);
  std::unique_ptr<feature_engine> batching = make_batching_engine(std::make_unique<throwing_engine>(), threads, 2000.0);
  std::atomic<int> thrown{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        batching->compute({"firstorder"}, set.rois[std::size_t(t)], set.discrete[std::size_t(t)], {});
      } catch (int) {
        ++thrown;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(thrown.load(), threads);
}

TEST(FeatureEngine, BatchingMergesWaveletBoxes) {
  constexpr int threads = 3;
  std::mt19937_64 random(15);
  std::normal_distribution<double> noise(100.0, 30.0);
  std::vector<double> image(std::size_t(21) * 18 * 9);
  for (double& v : image) v = std::round(noise(random));
  wavelet_input input;
  input.size = {21, 18, 9};
  input.values = image.data();
  const std::vector<voxel_box> boxes{{{0, 0, 0}, {5, 6, 3}}, {{14, 10, 2}, {7, 8, 7}}, {{8, 3, 4}, {4, 4, 4}}};
  auto inner = std::make_unique<counting_engine>();
  counting_engine* counter = inner.get();
  std::unique_ptr<feature_engine> batching = make_batching_engine(std::move(inner), threads, 2000.0);
  const wavelet_options options;

  std::vector<std::vector<wavelet_decomposition>> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { results[std::size_t(t)] = batching->wavelet({input}, {boxes[std::size_t(t)]}, options).at(0); });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(counter->wavelet_calls.load(), 1) << "the three boxes were not merged into one call";

  for (int t = 0; t < threads; ++t) {
    std::vector<wavelet_decomposition> expected;
    wavelet_transform(input, boxes[std::size_t(t)], options, [&](wavelet_decomposition&& d) { expected.push_back(std::move(d)); });
    ASSERT_EQ(results[std::size_t(t)].size(), expected.size());
    for (std::size_t d = 0; d < expected.size(); ++d) {
      EXPECT_EQ(results[std::size_t(t)][d].name, expected[d].name);
      ASSERT_EQ(results[std::size_t(t)][d].values.size(), expected[d].values.size());
      EXPECT_EQ(std::memcmp(results[std::size_t(t)][d].values.data(), expected[d].values.data(),
                            expected[d].values.size() * sizeof(double)),
                0)
          << expected[d].name << " of box " << t;
    }
  }
}

TEST(FeatureEngine, ExtractionThroughEngineMatchesDefault) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  const extraction_parameters parameters =
      load_parameters_file(testing::test_resource("reference/image_types/params/study.yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/pyradiomics/";
  const feature_row expected = extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters);
  counting_engine engine;
  const feature_row row = extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters, 0, &engine);
  // The nine images share their settings, so one call computes the classes of all of them.
  EXPECT_EQ(engine.calls.load(), 1);
  EXPECT_EQ(engine.images.load(), 9);
  EXPECT_EQ(engine.wavelet_calls.load(), 1);
  ASSERT_EQ(row.feature_keys, expected.feature_keys);
  ASSERT_EQ(row.feature_values.size(), expected.feature_values.size());
  EXPECT_EQ(std::memcmp(row.feature_values.data(), expected.feature_values.data(),
                        expected.feature_values.size() * sizeof(double)),
            0);
}

TEST(FeatureEngine, CudaExtractionMatchesCpu) {
  RADCORE_REQUIRE_SHARED("pyradiomics/brain1_image.nrrd");
  std::unique_ptr<feature_engine> cuda;
  try {
    cuda = make_engine("cuda");
  } catch (const input_error& error) {
    GTEST_SKIP() << "GPU test skipped: " << error.what();
  }
  const extraction_parameters parameters =
      load_parameters_file(testing::test_resource("reference/image_types/params/study.yaml").string());
  const std::string data = testing::shared_data_dir().string() + "/pyradiomics/";
  const feature_row expected = extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters);
  const feature_row row =
      extract_case(data + "brain1_image.nrrd", data + "brain1_label.nrrd", parameters, 0, cuda.get());
  EXPECT_EQ(cuda->counts().gpu_images, 9);
  EXPECT_EQ(cuda->counts().fallback_images, 0);
  ASSERT_EQ(row.feature_keys, expected.feature_keys);
  for (std::size_t i = 0; i < row.feature_values.size(); ++i) {
    const double a = row.feature_values[i], b = expected.feature_values[i];
    if (std::isnan(a) || std::isnan(b)) {
      EXPECT_EQ(std::isnan(a), std::isnan(b)) << row.feature_keys[i];
      continue;
    }
    EXPECT_LE(std::fabs(a - b), testing::gpu_feature_tolerance(row.feature_keys[i], b))
        << row.feature_keys[i] << ": " << a << " on the GPU, " << b << " on the CPU";
  }
}

TEST(FeatureEngine, UnknownDeviceIsRejected) {
  try {
    make_engine("tpu");
    FAIL() << "make_engine accepted --device tpu";
  } catch (const input_error& error) {
    EXPECT_NE(std::string(error.what()).find("use auto, cpu or cuda"), std::string::npos) << error.what();
  }
  EXPECT_EQ(make_engine("cpu")->backend(), "cpu");
}

}  // namespace
}  // namespace radcore
