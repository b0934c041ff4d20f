// model/latency_histogram: bucket bounds, the relative error bound, exact
// percentiles on known sample sets, merging; model/alloc_latency: the
// latency_hist.csv bins.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alloc_latency.h"
#include "latency_histogram.h"

using mmsim::alloc_kind;
using mmsim::alloc_latency;
using mmsim::latency_histogram;

namespace {

// The smallest sample v with at least ceil(p * n) samples <= v (the exact p-quantile).
uint64_t exact_quantile(std::vector<uint64_t> v, double p)
{
    std::sort(v.begin(), v.end());
    size_t want = (size_t)std::ceil(p * (double)v.size() - 1e-9);
    if (want < 1)
        want = 1;
    return v[want - 1];
}

} // namespace

TEST(LatencyHistogram, BucketsTileTheRangeAndAreAtMost1Point6PercentWide)
{
    using H = latency_histogram;
    EXPECT_EQ(H::lower(0), 0u);
    for (unsigned i = 0; i + 1 < H::kBuckets; i++) {
        ASSERT_LE(H::lower(i), H::upper(i)) << i;
        ASSERT_EQ(H::upper(i) + 1, H::lower(i + 1)) << "gap or overlap after bucket " << i;
        // a bucket's width is at most 1/64 of its lower bound (below 128: one value each)
        uint64_t width = H::upper(i) - H::lower(i) + 1;
        if (H::lower(i) >= 128)
            ASSERT_LE((double)width / (double)H::lower(i), 1.0 / 64 + 1e-12) << i;
        else
            ASSERT_EQ(width, 1u) << i;
        ASSERT_EQ(H::index_of(H::lower(i)), i);
        ASSERT_EQ(H::index_of(H::upper(i)), i);
    }
    EXPECT_EQ(H::upper(H::kBuckets - 1), UINT64_MAX);
    EXPECT_EQ(H::index_of(UINT64_MAX), H::kBuckets - 1);
    // a few hand-checked bounds
    EXPECT_EQ(H::index_of(127), 127u);
    EXPECT_EQ(H::lower(H::index_of(128)), 128u);
    EXPECT_EQ(H::upper(H::index_of(128)), 129u);
    EXPECT_EQ(H::lower(H::index_of(1000000)), 999424u); // 122 * 2^13: 2^19 <= 10^6 < 2^20, buckets 2^13 wide
    EXPECT_EQ(H::upper(H::index_of(1000000)), 1007615u);
}

TEST(LatencyHistogram, SmallValuesGiveExactPercentiles)
{
    latency_histogram h;
    for (uint64_t v = 1; v <= 100; v++)
        h.record(v);
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.percentile_ppm(500000), 50u);
    EXPECT_EQ(h.percentile_ppm(900000), 90u);
    EXPECT_EQ(h.percentile_ppm(990000), 99u);
    EXPECT_EQ(h.percentile_ppm(999000), 100u); // ceil(99.9) = 100 samples
    EXPECT_EQ(h.percentile_ppm(1000000), 100u);
    EXPECT_EQ(h.max(), 100u);
    EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogram, PercentileIsTheBucketUpperBoundClippedToTheMax)
{
    latency_histogram h;
    // 9 fast samples and one slow one: p50 and p90 fall in the fast bucket, p99 in the slow one
    for (int i = 0; i < 9; i++)
        h.record(1000);
    h.record(5000000);
    const uint64_t fast_upper = latency_histogram::upper(latency_histogram::index_of(1000));
    EXPECT_EQ(fast_upper, 1007u);
    EXPECT_EQ(h.percentile_ppm(500000), fast_upper);
    EXPECT_EQ(h.percentile_ppm(900000), fast_upper);
    EXPECT_EQ(h.percentile_ppm(990000), 5000000u); // the bucket's upper bound is above the max: clipped
    EXPECT_EQ(h.max(), 5000000u);
    EXPECT_DOUBLE_EQ(h.mean(), (9 * 1000.0 + 5000000.0) / 10);
    latency_histogram empty;
    EXPECT_EQ(empty.percentile_ppm(500000), 0u);
    EXPECT_EQ(empty.max(), 0u);
    EXPECT_EQ(empty.mean(), 0.0);
}

TEST(LatencyHistogram, PercentilesOfRandomSamplesAreWithinTheBucketError)
{
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> dist(9.0, 2.5); // ~8 us median, tail to seconds
    std::vector<uint64_t> v;
    latency_histogram h;
    for (int i = 0; i < 200000; i++) {
        uint64_t x = (uint64_t)dist(rng);
        v.push_back(x);
        h.record(x);
    }
    for (double p : {0.5, 0.9, 0.99, 0.999, 1.0}) {
        uint64_t exact = exact_quantile(v, p);
        uint64_t got = h.percentile_ppm((uint32_t)std::lround(p * 1e6));
        // never below the exact quantile, at most one bucket (1/64) above it
        EXPECT_GE(got, exact) << p;
        EXPECT_LE((double)got, (double)exact * (1.0 + 1.0 / 64) + 1) << p;
        // and exactly the upper bound of the exact quantile's bucket (or the max)
        EXPECT_EQ(got, std::min(latency_histogram::upper(latency_histogram::index_of(exact)), h.max())) << p;
    }
    EXPECT_EQ(h.max(), *std::max_element(v.begin(), v.end()));
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything)
{
    latency_histogram a, b, both;
    for (uint64_t x = 1; x < 3000000; x = x * 3 + 7) {
        a.record(x);
        both.record(x);
        b.record(x * 2 + 1);
        both.record(x * 2 + 1);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), both.count());
    EXPECT_EQ(a.max(), both.max());
    EXPECT_DOUBLE_EQ(a.mean(), both.mean());
    for (unsigned i = 0; i < latency_histogram::kBuckets; i++)
        ASSERT_EQ(a.bucket_count(i), both.bucket_count(i)) << i;
    for (uint32_t ppm : {500000u, 900000u, 990000u, 999000u})
        EXPECT_EQ(a.percentile_ppm(ppm), both.percentile_ppm(ppm));
}

TEST(AllocLatency, HistCsvHasLogBinsPerKindSortedAndSummingToAll)
{
    alloc_latency lat;
    lat.record(alloc_kind::anon_fault, 600, 0);
    lat.record(alloc_kind::anon_fault, 610, 0);
    lat.record(alloc_kind::swap_in, 80000, 0);
    lat.record(alloc_kind::kernel, 150, 0);
    lat.record(alloc_kind::exact, 3, 0);
    lat.record(alloc_kind::file_fill, 1000000000, 0);
    std::istringstream in(mmsim::latency_hist_csv(lat));
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line, "kind,lower_ns,upper_ns,count");
    std::vector<std::string> kinds;
    uint64_t all = 0, per_kind = 0;
    std::string prev_kind;
    uint64_t prev_lower = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string kind, lo, hi, n;
        std::getline(f, kind, ',');
        std::getline(f, lo, ',');
        std::getline(f, hi, ',');
        std::getline(f, n, ',');
        uint64_t lower = std::stoull(lo), upper = std::stoull(hi), count = std::stoull(n);
        ASSERT_GT(count, 0u) << line;
        ASSERT_LT(lower, upper) << line;
        // about 4 bins per octave: a bin spans at most 2^(1/4) (+ one bucket, + rounding to 1 ns)
        if (lower >= 16)
            EXPECT_LE((double)upper / (double)lower, 1.1892 * (1 + 2.0 / 64)) << line;
        if (kind == prev_kind)
            EXPECT_GT(lower, prev_lower) << line;
        else
            EXPECT_TRUE(prev_kind.empty() || prev_kind < kind) << "kinds not sorted: " << prev_kind << " " << kind;
        if (kinds.empty() || kinds.back() != kind)
            kinds.push_back(kind);
        (kind == "all" ? all : per_kind) += count;
        prev_kind = kind;
        prev_lower = lower;
        if (kind == "anon_fault") // both samples in the bin around 600 ns
            EXPECT_TRUE(lower <= 600 && 610 < upper && count == 2) << line;
        if (kind == "file_fill")
            EXPECT_TRUE(lower <= 1000000000 && 1000000000 < upper) << line;
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"all", "anon_fault", "exact", "file_fill", "kernel", "swap_in"}));
    EXPECT_EQ(all, 6u);
    EXPECT_EQ(per_kind, 6u);
}

/* Coordinated-omission correction: the same counts, sum and max as recording every missed request one by one. */
TEST(LatencyHistogram, CorrectedRecordingEqualsRecordingEachMissedRequest)
{
    latency_histogram h;
    h.record_corrected(1000, 100); // 1000, 900, ..., 100
    EXPECT_EQ(h.count(), 10u);
    EXPECT_DOUBLE_EQ(h.mean(), 550.0);
    EXPECT_EQ(h.max(), 1000u);
    EXPECT_EQ(h.percentile_ppm(500000), latency_histogram::upper(latency_histogram::index_of(500))); // 503
    latency_histogram fast;
    fast.record_corrected(80, 100); // faster than its interval: nothing was missed
    EXPECT_EQ(fast.count(), 1u);

    std::mt19937_64 rng(7);
    latency_histogram a, b;
    for (int i = 0; i < 300; i++) {
        uint64_t interval = 1 + rng() % 20000;
        uint64_t v = rng() % 50000000;
        a.record_corrected(v, interval);
        b.record(v);
        if (v > interval)
            for (uint64_t m = v - interval; m >= interval; m -= interval)
                b.record(m);
    }
    EXPECT_EQ(a.count(), b.count());
    EXPECT_EQ(a.max(), b.max());
    EXPECT_DOUBLE_EQ(a.mean(), b.mean());
    for (unsigned i = 0; i < latency_histogram::kBuckets; i++)
        ASSERT_EQ(a.bucket_count(i), b.bucket_count(i)) << "bucket " << i;
}
