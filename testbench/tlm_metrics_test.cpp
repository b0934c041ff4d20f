// `mmsim run`'s metrics.csv and latency_hist.csv (docs/outputs.md): the
// contract's rows in order, ordered percentiles, swap-ins no faster than the
// swap device's read, page-cache fills without the file read, figures that
// agree with summary.json, and byte-identical files for the same seed.
#include <cstdint>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace fs = std::filesystem;
using mmsim_test::run_mmsim;
using mmsim_test::slurp;

namespace {

// 64 MiB of RAM, anon growth past it with re-touches (swap-ins), a file reader and writer,
// kernel and exact allocations: every allocation kind. Swap reads take 500 us.
const char *kScenario = R"(
name = "metrics-test"
[machine]
ram_bytes = 67108864
layout = "single"
swap_bytes = 33554432
swap_device = "nvme"
swap_read_latency_us = 500
[run]
duration_s = DURATION
sample_period_s = 0.01
[[file]]
name = "data"
size_pages = 20000
prepopulate_pages = 4000
[[process]]
name = "hog"
anon.rate = 40000
anon.target_rss_pages = 20000
touch.rate = 3000
touch.pattern = "uniform"
oom_score_adj = 500
[[process]]
name = "reader"
file.name = "data"
file.read_rate = 5000
file.write_rate = 500
file.pattern = "uniform"
kernel.rate = 500
kernel.order_weights = [4, 2, 0, 1]
kernel.free_pattern = "lifetime"
kernel.lifetime_s = 0.3
exact.rate = 300
exact.size_min_pages = 1
exact.size_max_pages = 12
exact.free_pattern = "lifetime"
exact.lifetime_s = 0.2
)";
constexpr uint64_t kSwapReadNs = 500000;
constexpr uint64_t kDiskReadNs = 59000; // the file disk: the nvme profile's read

const std::vector<std::string> kContract = {
    "alloc_count", "alloc_latency_mean_ns", "alloc_latency_p50_ns", "alloc_latency_p90_ns",
    "alloc_latency_p99_ns", "alloc_latency_p999_ns", "alloc_latency_max_ns", "alloc_response_p50_ns",
    "alloc_response_p90_ns", "alloc_response_p99_ns", "alloc_response_p999_ns", "alloc_response_max_ns",
    "major_fault_count",
    "major_fault_latency_p99_ns", "direct_reclaim_stalls_count", "direct_reclaim_total_ms",
    "direct_reclaim_longest_ms", "pswpout_pages", "pswpin_pages", "pgmajfault_count", "file_refaults_pages", "reclaimed_kswapd_pages",
    "reclaimed_direct_pages", "kswapd_share_ratio", "oom_kills_count", "first_oom_kill_s", "peak_swap_used_mib",
    "free_under_pressure_mib", "free_min_mib", "sim_time_s", "wall_time_s"};

std::vector<std::string> split(const std::string &s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep))
        out.push_back(cur);
    return out;
}

double json_number(const std::string &json, const std::string &key)
{
    size_t p = json.find("\"" + key + "\": ");
    if (p == std::string::npos)
        return -1;
    return std::stod(json.substr(p + key.size() + 4));
}

struct hist_row {
    std::string kind;
    uint64_t lower, upper, count;
};

fs::path run_once(const fs::path &d, const std::string &name, const std::string &seed)
{
    fs::path sc = mmsim_test::write_scenario(d, kScenario, "2");
    fs::path o = d / name;
    EXPECT_EQ(run_mmsim("run " + sc.string() + " --seed " + seed + " --quiet --out " + o.string(), d), 0)
        << slurp(d / "stderr.txt");
    return o;
}

} // namespace

TEST(Metrics, RowsFollowTheContractAndAgreeWithTheRun)
{
    fs::path d = mmsim_test::temp_dir("metrics", "contract");
    fs::path o = run_once(d, "out", "3");
    ASSERT_TRUE(fs::exists(o / "COMPLETE"));

    auto lines = split(slurp(o / "metrics.csv"), '\n');
    ASSERT_EQ(lines.size(), kContract.size() + 1);
    EXPECT_EQ(lines[0], "metric,value");
    std::map<std::string, std::string> v;
    for (size_t i = 0; i < kContract.size(); i++) {
        auto f = split(lines[i + 1], ',');
        ASSERT_GE(f.size(), 1u);
        EXPECT_EQ(f[0], kContract[i]) << "row " << i + 1;
        v[f[0]] = f.size() > 1 ? f[1] : "";
    }
    auto num = [&](const std::string &k) {
        EXPECT_FALSE(v[k].empty()) << k << " is empty";
        return v[k].empty() ? -1.0 : std::stod(v[k]);
    };
    // integers are printed as integers
    for (const char *k : {"alloc_count", "alloc_latency_p50_ns", "alloc_latency_max_ns", "major_fault_count",
                          "pswpout_pages", "pswpin_pages", "pgmajfault_count", "oom_kills_count"})
        EXPECT_EQ(v[k].find_first_not_of("0123456789"), std::string::npos) << k << "=" << v[k];

    EXPECT_GT(num("alloc_count"), 1000);
    EXPECT_LE(num("alloc_latency_p50_ns"), num("alloc_latency_p90_ns"));
    EXPECT_LE(num("alloc_latency_p90_ns"), num("alloc_latency_p99_ns"));
    EXPECT_LE(num("alloc_latency_p99_ns"), num("alloc_latency_p999_ns"));
    EXPECT_LE(num("alloc_latency_p999_ns"), num("alloc_latency_max_ns"));
    EXPECT_GT(num("alloc_latency_mean_ns"), 0);
    EXPECT_LE(num("alloc_latency_mean_ns"), num("alloc_latency_max_ns"));

    // swap-ins happened, each one a major fault that waited at least the device's read
    EXPECT_GT(num("major_fault_count"), 100);
    EXPECT_GE(num("major_fault_latency_p99_ns"), (double)kSwapReadNs);
    EXPECT_LE(num("major_fault_count"), num("pgmajfault_count"));
    EXPECT_GE(num("major_fault_count"), num("pgmajfault_count") - 2); // faults still waiting at the end

    std::string summary = slurp(o / "summary.json");
    EXPECT_EQ(num("pswpin_pages"), json_number(summary, "pswpin"));
    EXPECT_EQ(num("pswpout_pages"), json_number(summary, "pswpout"));
    EXPECT_EQ(num("direct_reclaim_stalls_count"), json_number(summary, "direct_reclaim_stalls"));
    EXPECT_EQ(num("oom_kills_count"), json_number(summary, "oom_kills"));
    EXPECT_EQ(num("alloc_count"), json_number(summary, "alloc_count"));
    EXPECT_EQ(num("alloc_latency_p99_ns"), json_number(summary, "alloc_latency_p99_ns"));
    EXPECT_NEAR(num("peak_swap_used_mib"), json_number(summary, "peak_swap_used_pages") / 256.0, 0.001);
    EXPECT_EQ(num("sim_time_s"), 2.0);
    EXPECT_GE(num("wall_time_s"), 0);
    double k = num("reclaimed_kswapd_pages"), dr = num("reclaimed_direct_pages");
    ASSERT_GT(k + dr, 0);
    EXPECT_NEAR(num("kswapd_share_ratio"), k / (k + dr), 1e-6);
    if (num("oom_kills_count") == 0)
        EXPECT_EQ(v["first_oom_kill_s"], "");
    EXPECT_GE(num("direct_reclaim_total_ms"), num("direct_reclaim_longest_ms"));

    // latency_hist.csv: every kind, sorted, `all` is the sum of the kinds and has alloc_count samples
    auto hl = split(slurp(o / "latency_hist.csv"), '\n');
    ASSERT_GT(hl.size(), 1u);
    EXPECT_EQ(hl[0], "kind,lower_ns,upper_ns,count");
    std::vector<hist_row> rows;
    for (size_t i = 1; i < hl.size(); i++) {
        auto f = split(hl[i], ',');
        ASSERT_EQ(f.size(), 4u) << hl[i];
        rows.push_back({f[0], std::stoull(f[1]), std::stoull(f[2]), std::stoull(f[3])});
    }
    std::map<std::string, uint64_t> per_kind;
    std::map<uint64_t, int64_t> all_minus_kinds; // per bin
    for (size_t i = 0; i < rows.size(); i++) {
        const hist_row &r = rows[i];
        EXPECT_GT(r.count, 0u);
        EXPECT_LT(r.lower, r.upper);
        if (i > 0) {
            const hist_row &p = rows[i - 1];
            EXPECT_TRUE(p.kind < r.kind || (p.kind == r.kind && p.upper <= r.lower)) << "unsorted at " << hl[i + 1];
        }
        per_kind[r.kind] += r.count;
        all_minus_kinds[r.lower] += r.kind == "all" ? (int64_t)r.count : -(int64_t)r.count;
        if (r.kind == "swap_in")
            EXPECT_GT(r.upper, kSwapReadNs) << "a swap-in faster than the device's read: " << hl[i + 1];
    }
    for (const char *kind : {"all", "anon_fault", "swap_in", "file_fill", "kernel", "exact"})
        EXPECT_GT(per_kind[kind], 0u) << "no " << kind << " allocation recorded";
    EXPECT_EQ((double)per_kind["all"], num("alloc_count"));
    EXPECT_EQ((double)per_kind["swap_in"], num("major_fault_count"));
    for (auto &b : all_minus_kinds)
        EXPECT_EQ(b.second, 0) << "bin " << b.first << ": all != sum of the kinds";
    // page-cache fills count up to the allocation: most take far less than the file's read from disk
    uint64_t fast_fills = 0;
    for (const hist_row &r : rows)
        if (r.kind == "file_fill" && r.upper <= kDiskReadNs)
            fast_fills += r.count;
    EXPECT_GT(fast_fills * 2, per_kind["file_fill"]) << "file fills include the disk read";
}

TEST(Metrics, SameSeedGivesIdenticalFilesButTheWallTime)
{
    fs::path d = mmsim_test::temp_dir("metrics", "determinism");
    fs::path a = run_once(d, "a", "11"), b = run_once(d, "b", "11");
    auto drop_wall = [](const std::string &csv) {
        size_t p = csv.find("\nwall_time_s,");
        EXPECT_NE(p, std::string::npos);
        EXPECT_EQ(csv.find('\n', p + 1), csv.size() - 1) << "wall_time_s is not the last row";
        return csv.substr(0, p);
    };
    std::string ma = slurp(a / "metrics.csv");
    ASSERT_FALSE(ma.empty());
    EXPECT_EQ(drop_wall(ma), drop_wall(slurp(b / "metrics.csv")));
    std::string ha = slurp(a / "latency_hist.csv");
    EXPECT_GT(ha.size(), 40u);
    EXPECT_EQ(ha, slurp(b / "latency_hist.csv"));
}
