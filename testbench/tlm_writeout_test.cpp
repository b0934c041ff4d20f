// machine.swap_writeout (issue 8): the same load in synchronous and asynchronous swap-out.
// Async: reclaim submits its writes and frees the folios when they complete; its direct
// reclaim stalls cover scanning, throttling and waiting for free device requests, not each
// batch's writes, so the longest stall is shorter on a slow (hdd) and on a fast (nvme) device.
// zram is always synchronous: "async" changes nothing.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace fs = std::filesystem;

namespace {

const char *kScenario = R"(
name = "writeout"
[machine]
ram_bytes = "512MiB"
layout = "single"
swap_bytes = "512MiB"
swap_device = "hdd"
[run]
duration_s = DURATION
sample_period_s = 0.05
[[process]]
name = "hog"
anon = { rate = 50000, target_rss_pages = 180000 }
)";

// The number after "key": in summary.json.
double json_number(const std::string &json, const std::string &key)
{
    size_t at = json.find("\"" + key + "\": ");
    if (at == std::string::npos)
        return -1;
    return std::stod(json.substr(at + key.size() + 4));
}

std::string json_text(const std::string &json, const std::string &key)
{
    size_t at = json.find("\"" + key + "\": \"");
    if (at == std::string::npos)
        return "";
    size_t from = at + key.size() + 5;
    return json.substr(from, json.find('"', from) - from);
}

struct RunOut {
    int status = -1;
    fs::path out;
    std::string summary;
};

RunOut run(const std::string &device, const std::string &mode, const std::string &extra = "")
{
    fs::path dir = mmsim_test::temp_dir("writeout", device + "_" + mode);
    fs::path scenario = mmsim_test::write_scenario(dir, kScenario, "10");
    RunOut r;
    r.out = dir / "o";
    r.status = mmsim_test::run_mmsim("run " + scenario.string() + " --out " + r.out.string() +
                                         " --quiet --set machine.swap_device=" + device +
                                         " --set machine.swap_writeout=" + mode + " " + extra,
                                     dir);
    r.summary = mmsim_test::slurp(r.out / "summary.json");
    return r;
}

void longest_stall_is_shorter_async(const std::string &device)
{
    RunOut s = run(device, "sync"), a = run(device, "async");
    ASSERT_EQ(s.status, 0);
    ASSERT_EQ(a.status, 0);
    EXPECT_EQ(json_text(s.summary, "swap_writeout"), "sync");
    EXPECT_EQ(json_text(a.summary, "swap_writeout"), "async");
    for (const RunOut *r : {&s, &a}) {
        EXPECT_GE(json_number(r->summary, "direct_reclaim_stalls"), 1) << r->summary;
        EXPECT_GT(json_number(r->summary, "pswpout"), 0) << r->summary;
        EXPECT_EQ(json_number(r->summary, "oom_kills"), 0) << r->summary;
    }
    double ls = json_number(s.summary, "direct_reclaim_longest_ms");
    double la = json_number(a.summary, "direct_reclaim_longest_ms");
    EXPECT_LT(la, ls) << device << ": sync " << s.summary << "\nasync " << a.summary;
    EXPECT_EQ(json_number(s.summary, "direct_reclaim_request_wait_ms"), 0);
}

// A saturated HDD: async or not, the reclaimer waits for the disk. In async mode that wait is for a
// free request (nr_requests), and it is nearly all of the stall; the longest stall stays within 5 %.
TEST(SwapWriteout, OnASaturatedHddTheAsyncStallIsWaitingForRequests)
{
    RunOut s = run("hdd", "sync"), a = run("hdd", "async");
    ASSERT_EQ(s.status, 0);
    ASSERT_EQ(a.status, 0);
    for (const RunOut *r : {&s, &a}) {
        EXPECT_GE(json_number(r->summary, "direct_reclaim_stalls"), 1) << r->summary;
        EXPECT_EQ(json_number(r->summary, "oom_kills"), 0) << r->summary;
    }
    double total = json_number(a.summary, "direct_reclaim_total_ms");
    EXPECT_GT(json_number(a.summary, "direct_reclaim_request_wait_ms"), 0.9 * total) << a.summary;
    EXPECT_EQ(json_number(s.summary, "direct_reclaim_request_wait_ms"), 0);
    double ls = json_number(s.summary, "direct_reclaim_longest_ms");
    double la = json_number(a.summary, "direct_reclaim_longest_ms");
    EXPECT_NEAR(la, ls, 0.05 * ls) << "sync " << s.summary << "\nasync " << a.summary;
}

TEST(SwapWriteout, AsyncShortensTheLongestDirectReclaimStallOnNvme) { longest_stall_is_shorter_async("nvme"); }

TEST(SwapWriteout, ZramIgnoresAsync)
{
    RunOut s = run("zram", "sync"), a = run("zram", "async");
    ASSERT_EQ(s.status, 0);
    ASSERT_EQ(a.status, 0);
    EXPECT_EQ(json_text(a.summary, "swap_writeout"), "sync");
    EXPECT_EQ(mmsim_test::slurp(s.out / "events.csv"), mmsim_test::slurp(a.out / "events.csv"));
    EXPECT_EQ(mmsim_test::slurp(s.out / "timeseries.csv"), mmsim_test::slurp(a.out / "timeseries.csv"));
}

// mm_check after every 500th transaction holds with writes completing asynchronously.
TEST(SwapWriteout, AsyncRunPassesTheConsistencyChecks)
{
    RunOut a = run("sata_ssd", "async", "--check=500");
    EXPECT_EQ(a.status, 0) << mmsim_test::slurp(a.out.parent_path() / "stderr.txt");
    EXPECT_GT(json_number(a.summary, "pswpout"), 0);
}

} // namespace
