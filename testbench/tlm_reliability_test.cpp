// Reliability of `mmsim run` (issue 7): --check (c_core's mm_check during a run),
// its exit status 3 on a violation, SIGTERM, and that checking changes no output.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"

#include "tlm_harness.h"

namespace fs = std::filesystem;
using namespace mmsim_test;

namespace {

// A small machine under pressure: anon hog with swap, a file reader and kernel allocations.
const char *kScenario = R"(
name = "reliability"
[machine]
ram_bytes = 33554432
layout = "x86_64"
swap_bytes = 16777216
swap_device = "nvme"
[run]
duration_s = DURATION
sample_period_s = 0.01
[[file]]
name = "data"
size_pages = 8000
prepopulate_pages = 2000
[[process]]
name = "hog"
anon.rate = 6000
anon.target_rss_pages = 9000
touch.rate = 3000
touch.pattern = "uniform"
[[process]]
name = "reader"
file.name = "data"
file.read_rate = 4000
file.write_rate = 500
file.pattern = "hot_set"
kernel.rate = 400
kernel.order_weights = [4, 2, 1, 1]
kernel.free_pattern = "lifetime"
kernel.lifetime_s = 0.2
)";

fs::path temp_dir(const std::string &name) { return mmsim_test::temp_dir("reliab", name); }
fs::path write_scenario(const fs::path &dir, const std::string &duration)
{
    return mmsim_test::write_scenario(dir, kScenario, duration);
}
using mmsim_test::run_mmsim;
using mmsim_test::slurp;

std::vector<std::string> lines_of(const std::string &s)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur))
        out.push_back(cur);
    return out;
}

uint64_t json_uint(const std::string &json, const std::string &key)
{
    size_t at = json.find("\"" + key + "\":");
    EXPECT_NE(at, std::string::npos) << key;
    return at == std::string::npos ? 0 : std::stoull(json.substr(at + key.size() + 3));
}

} // namespace

TEST(Check, RunsEveryNOperationsAndAtTheEnd)
{
    fs::path d = temp_dir("check");
    fs::path sc = write_scenario(d, "1");
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --check=500 --out " + (d / "o").string(), d), 0)
        << slurp(d / "stderr.txt");
    std::string err = slurp(d / "stderr.txt");
    size_t at = err.find("mm_check passed ");
    ASSERT_NE(at, std::string::npos) << err;
    uint64_t checks = std::stoull(err.substr(at + 16));
    uint64_t ops = json_uint(slurp(d / "o" / "summary.json"), "page_ops");
    ASSERT_GT(ops, 5000u) << "the scenario did too little to test the check";
    // one check per 500 allocator transactions (process page operations plus kswapd runs), one at the end
    EXPECT_GE(checks, ops / 500 + 1);
    EXPECT_LE(checks, ops / 250 + 1);
    EXPECT_TRUE(fs::exists(d / "o" / "COMPLETE"));
}

TEST(Check, ChangesNoOutput)
{
    fs::path d = temp_dir("check_same");
    fs::path sc = write_scenario(d, "1");
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --quiet --no-check --out " + (d / "a").string(), d), 0);
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --quiet --check=1 --out " + (d / "b").string(), d), 0)
        << slurp(d / "stderr.txt");
    for (const char *f : {"timeseries.csv", "events.csv", "waves.vcd"})
        EXPECT_EQ(slurp(d / "a" / f), slurp(d / "b" / f)) << f << " differs with --check=1";
}

TEST(Check, BadIntervalIsExit2)
{
    fs::path d = temp_dir("check_bad");
    fs::path sc = write_scenario(d, "1");
    for (const char *v : {"0", "x", "-5", "1000000000001", ""}) {
        EXPECT_EQ(run_mmsim("run " + sc.string() + " --check=" + v + " --out " + (d / "o").string(), d), 2) << v;
        std::string err = slurp(d / "stderr.txt");
        EXPECT_NE(err.find("--check=N"), std::string::npos) << err;
        EXPECT_NE(err.find("1 .. 1000000000000"), std::string::npos) << err;
        EXPECT_FALSE(fs::exists(d / "o" / "COMPLETE"));
    }
}

// A violation (here a double free made behind the allocator's back) stops the
// simulation at the next check and keeps c_core's message.
TEST(Check, ViolationStopsTheSimulationWithTheMessage)
{
    in_child([] {
        machine m("v_", small_config(8192, 0), profile("nvme"));
        m.alloc->set_check_interval(4);
        uint64_t after_corruption = 0;
        bool resumed = false;
        script s("s", MM_OWNER_KERNEL_ID, 0, [&](script &sc) {
            mm_alloc_result r = sc.alloc(0, GFP_KERNEL);
            ASSERT_EQ(r.status, MM_ALLOC_OK);
            sc.alloc(1, GFP_KERNEL);
            sc.alloc(2, GFP_KERNEL); // 3 transactions: no check yet
            EXPECT_TRUE(m.alloc->check_failure().empty());
            mm_free_pages(m.alloc->node(), r.pfn, 0);
            mm_free_pages(m.alloc->node(), r.pfn, 0); // double free: the buddy now holds a page twice
            for (int i = 0; i < 8 && m.alloc->check_failure().empty(); i++) {
                sc.alloc(0, GFP_KERNEL);
                after_corruption++;
            }
            sc_core::wait(1, sc_core::SC_SEC);
            resumed = true; // never: sc_stop ended the simulation
        });
        s.socket.bind(m.bus->targ_socket);
        sc_core::sc_start();
        EXPECT_EQ(after_corruption, 1u) << "the 4th transaction runs the check and stops the simulation";
        EXPECT_EQ(m.alloc->checks_run(), 1u);
        EXPECT_FALSE(resumed);
        EXPECT_LT(sc_core::sc_time_stamp(), sc_core::sc_time(1, sc_core::SC_SEC));
        EXPECT_NE(m.alloc->check_failure().find("pfn"), std::string::npos) << m.alloc->check_failure();
        EXPECT_FALSE(m.alloc->run_check());
    });
}

TEST(Signals, SigtermStopsAtASampleWithCompleteOutputs)
{
    fs::path d = temp_dir("sigterm");
    fs::path sc = write_scenario(d, "86400");
    fs::path o = d / "out";
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (!freopen((d / "stderr.txt").c_str(), "w", stderr))
            _exit(126);
        execl(MMSIM_BIN, MMSIM_BIN, "run", sc.c_str(), "--out", o.c_str(), "--quiet", "--check", (char *)nullptr);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        usleep(20000);
        if (fs::exists(o / "timeseries.csv") && fs::file_size(o / "timeseries.csv") > 4096)
            break;
    }
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st)) << "killed by the signal instead of stopping at a sample";
    EXPECT_NE(WEXITSTATUS(st), 0);
    EXPECT_NE(WEXITSTATUS(st), 3) << slurp(d / "stderr.txt");
    EXPECT_FALSE(fs::exists(o / "COMPLETE"));

    // the CSV: a header and whole rows, each with the header's field count, ending in a newline
    std::string csv = slurp(o / "timeseries.csv");
    ASSERT_FALSE(csv.empty());
    EXPECT_EQ(csv.back(), '\n');
    auto rows = lines_of(csv);
    ASSERT_GE(rows.size(), 3u);
    auto fields = [](const std::string &r) { return std::count(r.begin(), r.end(), ',') + 1; };
    for (size_t i = 1; i < rows.size(); i++)
        ASSERT_EQ(fields(rows[i]), fields(rows[0])) << "row " << i;
    double last_sample = std::stod(rows.back().substr(0, rows.back().find(',')));

    // events: the last row records the interruption with the signal number
    auto events = lines_of(slurp(o / "events.csv"));
    ASSERT_GE(events.size(), 2u);
    EXPECT_NE(events.back().find(",interrupted,"), std::string::npos) << events.back();
    EXPECT_NE(events.back().find("," + std::to_string(SIGTERM)), std::string::npos) << events.back();

    // the VCD: definitions closed, timestamps non-decreasing, the last one at the last CSV sample
    std::string vcd = slurp(o / "waves.vcd");
    EXPECT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
    uint64_t last = 0;
    bool ordered = true;
    for (const std::string &l : lines_of(vcd))
        if (!l.empty() && l[0] == '#') {
            uint64_t t = std::stoull(l.substr(1));
            ordered = ordered && t >= last;
            last = t;
        }
    EXPECT_TRUE(ordered);
    EXPECT_EQ(last, (uint64_t)std::llround(last_sample * 1e9));
}
