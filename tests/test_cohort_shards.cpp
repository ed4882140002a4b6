// The merge of a distributed run's shards (host/cohort_shards.cpp), on shards written by the store
// writer directly, so that these tests need no MPI.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cohort_fixtures.hpp"
#include "host/cohort_pipeline.hpp"
#include "host/cohort_shards.hpp"
#include "io/feature_store.hpp"
#include "io/manifest.hpp"
#include "kernels/error.hpp"

namespace radcore {
namespace {

namespace fs = std::filesystem;
using testing::contains;

class CohortShards : public testing::radcore_folder_test {
 protected:
  void SetUp() override {
    radcore_folder_test::SetUp();
    const fs::path path = folder_ / "manifest.csv";
    testing::write_text(path, "ID,Image,Mask\np0,a.nrrd,a_mask.nrrd\np1,b.nrrd,b_mask.nrrd\np2,c.nrrd,c_mask.nrrd\n");
    options_.manifest_path = path.string();
    options_.store_path = (folder_ / "features.h5").string();
    options_.parameters.text = "imageType: {Original: {}}";
    cases_ = read_manifest(options_.manifest_path);
    header_ = make_header(options_, cases_);
    fs::create_directories(shard_folder(options_.store_path));
  }

  store_row done_row(std::int64_t manifest_row, int label, double value) const {
    store_row row;
    row.manifest_row = manifest_row;
    row.metadata = cases_.rows[static_cast<std::size_t>(manifest_row)].values;
    row.label = label;
    row.status = row_status::done;
    row.backend = "cpu";
    row.features = {value, value + 1};
    return row;
  }

  void write_store(const std::string& path, const std::vector<store_row>& rows,
                   const std::vector<std::string>& columns = {"original_firstorder_Mean",
                                                              "original_shape_Sphericity"}) {
    store_header header = header_;
    header.feature_names = columns;
    feature_store_writer::create(path, header, rows)->close();
  }

  cohort_options options_;
  manifest cases_;
  store_header header_;
};

TEST_F(CohortShards, MergeOrdersRowsByManifest) {
  write_store(shard_path(options_.store_path, 1), {done_row(2, 1, 20.0), done_row(0, 1, 0.5)});
  write_store(shard_path(options_.store_path, 2), {done_row(1, 1, 10.0)});
  const stored_rows merged = collect_stored_rows(options_, cases_, header_);
  EXPECT_EQ(merged.shards, 2);
  EXPECT_EQ(merged.from_store, 0);
  ASSERT_EQ(merged.rows.size(), 3u);
  EXPECT_EQ(merged.rows[0].manifest_row, 0);
  EXPECT_EQ(merged.rows[1].manifest_row, 1);
  EXPECT_EQ(merged.rows[2].manifest_row, 2);
  EXPECT_EQ(merged.rows[0].features, (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(merged.rows[2].features, (std::vector<double>{20.0, 21.0}));

  write_merged_store(options_, header_, merged);
  EXPECT_FALSE(fs::exists(shard_folder(options_.store_path)));
  const store_contents written = read_store(options_.store_path);
  ASSERT_EQ(written.rows.size(), 3u);
  EXPECT_EQ(written.rows[1].features, (std::vector<double>{10.0, 11.0}));
  EXPECT_EQ(written.header.feature_names, merged.feature_names);
}

TEST_F(CohortShards, ListedLabelOrderIsKept) {
  options_.labels = parse_label_request("3,2");
  write_store(shard_path(options_.store_path, 1), {done_row(0, 2, 2.0)});
  write_store(shard_path(options_.store_path, 2), {done_row(0, 3, 3.0)});
  const stored_rows merged = collect_stored_rows(options_, cases_, header_);
  ASSERT_EQ(merged.rows.size(), 2u);
  EXPECT_EQ(merged.rows[0].label, 3);
  EXPECT_EQ(merged.rows[1].label, 2);
}

TEST_F(CohortShards, RowInTwoShardsIsRejected) {
  write_store(shard_path(options_.store_path, 1), {done_row(1, 1, 1.0)});
  write_store(shard_path(options_.store_path, 2), {done_row(1, 1, 1.0)});
  try {
    collect_stored_rows(options_, cases_, header_);
    FAIL() << "two shards with the same ROI were merged";
  } catch (const input_error& error) {
    EXPECT_TRUE(contains(error.what(), "both contain manifest row 2, label 1")) << error.what();
  }
}

TEST_F(CohortShards, StoreCopyOfShardRowIsKeptOnce) {
  // A merge killed after it wrote the store and before it removed the shards leaves both.
  write_store(options_.store_path, {done_row(0, 1, 5.0)});
  write_store(shard_path(options_.store_path, 1), {done_row(0, 1, 5.0), done_row(1, 1, 6.0)});
  const stored_rows merged = collect_stored_rows(options_, cases_, header_);
  EXPECT_EQ(merged.from_store, 1);
  ASSERT_EQ(merged.rows.size(), 2u);
  EXPECT_EQ(merged.rows[0].manifest_row, 0);
  EXPECT_EQ(merged.rows[1].manifest_row, 1);
}

TEST_F(CohortShards, OtherFeatureColumnsBecomeFailedRows) {
  write_store(shard_path(options_.store_path, 1), {done_row(0, 1, 1.0)});
  write_store(shard_path(options_.store_path, 2), {done_row(1, 1, 2.0)},
              {"original_firstorder_Mean", "original_glcm_Contrast"});
  const stored_rows merged = collect_stored_rows(options_, cases_, header_);
  EXPECT_EQ(merged.feature_names, (std::vector<std::string>{"original_firstorder_Mean", "original_shape_Sphericity"}));
  ASSERT_EQ(merged.rows.size(), 2u);
  EXPECT_EQ(merged.rows[0].status, row_status::done);
  EXPECT_EQ(merged.rows[1].status, row_status::failed);
  EXPECT_TRUE(merged.rows[1].features.empty());
  EXPECT_TRUE(contains(merged.rows[1].error, "first difference at column 2: 'original_glcm_Contrast'"))
      << merged.rows[1].error;
}

TEST_F(CohortShards, ShardOfOtherSettingsIsRejected) {
  store_header other = header_;
  other.settings_sha1 = std::string(40, '0');
  other.feature_names = {"original_firstorder_Mean", "original_shape_Sphericity"};
  feature_store_writer::create(shard_path(options_.store_path, 1), other, {done_row(0, 1, 1.0)})->close();
  try {
    collect_stored_rows(options_, cases_, header_);
    FAIL() << "a shard written with other settings was merged";
  } catch (const input_error& error) {
    EXPECT_TRUE(contains(error.what(), "rank-0001.h5: the store was written with other settings")) << error.what();
  }
}

TEST_F(CohortShards, ShardsWithoutResumeOrForceAreRejected) {
  write_store(shard_path(options_.store_path, 1), {done_row(0, 1, 1.0)});
  std::ostringstream log;
  try {
    absorb_shards(options_, cases_, header_, log);
    FAIL() << "shards were taken without --resume";
  } catch (const input_error& error) {
    EXPECT_TRUE(contains(error.what(), "shards of an unfinished distributed run exist; pass --resume")) << error.what();
  }
  options_.force = true;
  absorb_shards(options_, cases_, header_, log);
  EXPECT_FALSE(fs::exists(shard_folder(options_.store_path)));
  EXPECT_FALSE(fs::exists(options_.store_path));
}

}  // namespace
}  // namespace radcore
