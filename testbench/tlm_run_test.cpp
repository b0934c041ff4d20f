// `mmsim run` end to end: the files a run writes, the VCD and CSV parsed,
// byte-identical outputs for the same seed, SIGINT, and bad input.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace fs = std::filesystem;

namespace {

const char *kScenario = R"(
name = "tlm-test"
[machine]
ram_bytes = 67108864
layout = "single"
swap_bytes = 33554432
swap_device = "sata_ssd"
swap_write_latency_us = 1000
swap_queue_depth = 4
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
name = "reader-1"
start_s = 0.2
file.name = "data"
file.read_rate = 5000
file.pattern = "hot_set"
kernel.rate = 500
kernel.order_weights = [4, 2, 0, 1]
kernel.free_pattern = "lifetime"
kernel.lifetime_s = 0.3
)";

fs::path temp_dir(const std::string &name) { return mmsim_test::temp_dir("tlm", name); }
fs::path write_scenario(const fs::path &dir, const std::string &duration)
{
    return mmsim_test::write_scenario(dir, kScenario, duration);
}
using mmsim_test::run_mmsim;
using mmsim_test::slurp;

std::vector<std::string> split(const std::string &s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep))
        out.push_back(cur);
    return out;
}

// A VCD as the tests see it: full dotted names of the declared variables and the timestamps.
struct vcd_file {
    bool header_ok = false;
    std::string timescale;
    std::map<std::string, std::string> id_of;  // "SystemC.mm.node0.nr_free_pages" -> id
    std::vector<uint64_t> times;
    bool times_non_decreasing = true;
    size_t unknown_ids = 0;
    size_t changes = 0;
};

vcd_file parse_vcd(const std::string &text)
{
    vcd_file v;
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> scope;
    std::set<std::string> ids;
    bool defs_done = false, saw_date = false, saw_version = false, in_comment = false;
    std::string section;
    while (std::getline(in, line)) {
        if (!defs_done) {
            std::istringstream w(line);
            std::string tok;
            w >> tok;
            if (tok == "$date")
                saw_date = true, section = "date";
            else if (tok == "$version")
                saw_version = true, section = "version";
            else if (tok == "$timescale")
                section = "timescale";
            else if (tok == "$end")
                section.clear();
            else if (section == "timescale" && !tok.empty())
                v.timescale = line.substr(line.find_first_not_of(' '));
            else if (tok == "$scope") {
                std::string kind, name;
                w >> kind >> name;
                scope.push_back(name);
            } else if (tok == "$upscope")
                scope.pop_back();
            else if (tok == "$var") {
                std::string type, width, id, name;
                w >> type >> width >> id >> name;
                std::string full;
                for (auto &s : scope)
                    full += s + ".";
                v.id_of[full + name] = id;
                ids.insert(id);
            } else if (tok == "$enddefinitions") {
                defs_done = true;
                v.header_ok = saw_date && saw_version && scope.empty();
            }
            continue;
        }
        if (line.rfind("$comment", 0) == 0)
            in_comment = true;
        if (in_comment) {
            if (line.find("$end") != std::string::npos)
                in_comment = false;
            continue;
        }
        if (line.empty() || line[0] == '$')
            continue;
        if (line[0] == '#') {
            uint64_t t = std::stoull(line.substr(1));
            if (!v.times.empty() && t < v.times.back())
                v.times_non_decreasing = false;
            v.times.push_back(t);
            continue;
        }
        std::string id;
        if (line[0] == 'b' || line[0] == 'r')
            id = line.substr(line.find(' ') + 1);
        else
            id = line.substr(1);
        v.changes++;
        if (!ids.count(id)) {
            v.unknown_ids++;
            ADD_FAILURE() << "VCD change of an undeclared id: " << line;
        }
    }
    return v;
}

// The number after "key": in a flat JSON object.
double json_number(const std::string &json, const std::string &key)
{
    size_t p = json.find("\"" + key + "\":");
    if (p == std::string::npos)
        return -1;
    return std::stod(json.substr(p + key.size() + 3));
}

const char *kCsvHeader =
    "time_s,totalram,freeram,totalswap,freeswap,nr_free_pages,nr_file_pages,nr_anon_mapped,nr_kernel_pages,"
    "nr_inactive_anon,nr_active_anon,nr_inactive_file,nr_active_file,"
    "free_o0,free_o1,free_o2,free_o3,free_o4,free_o5,free_o6,free_o7,free_o8,free_o9,free_o10,"
    "wmark_min,wmark_low,wmark_high,reclaimed_kswapd,reclaimed_direct,"
    "pgscan_kswapd,pgscan_direct,pgsteal_kswapd,pgsteal_direct,pswpout,pswpin,pgmajfault,allocstall,oom_kill,"
    "kswapd_wake,kswapd_active,direct_reclaim_active,kswapd_state,direct_reclaim_tasks,swap_io_inflight,splits,"
    "merges";

// Every complete CSV row: right field count, increasing time.
void check_csv_rows(const std::string &csv, size_t expect_rows, bool exact)
{
    auto lines = split(csv, '\n');
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], kCsvHeader);
    size_t fields = split(kCsvHeader, ',').size();
    double last_t = 0;
    for (size_t i = 1; i < lines.size(); i++) {
        auto f = split(lines[i], ',');
        ASSERT_EQ(f.size(), fields) << "row " << i << ": " << lines[i];
        double t = std::stod(f[0]);
        EXPECT_GT(t, last_t) << "row " << i;
        last_t = t;
    }
    EXPECT_EQ(csv.back(), '\n');
    if (exact)
        EXPECT_EQ(lines.size() - 1, expect_rows);
}

} // namespace

TEST(Run, WritesEveryFileAndTheyParse)
{
    fs::path d = temp_dir("files");
    fs::path sc = write_scenario(d, "2");
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --out " + (d / "out").string() + " --quiet", d), 0) << slurp(d / "stderr.txt");
    fs::path o = d / "out";
    for (const char *f : {"timeseries.csv", "events.csv", "waves.vcd", "waves.gtkw", "summary.json", "COMPLETE",
                          "proc/buddyinfo", "proc/zoneinfo", "proc/vmstat", "proc/meminfo",
                          "waves_kswapd_state.txt", "waves_proc_state.txt"})
        EXPECT_TRUE(fs::exists(o / f)) << f;
    EXPECT_TRUE(slurp(d / "stderr.txt").empty()) << "--quiet printed: " << slurp(d / "stderr.txt");

    check_csv_rows(slurp(o / "timeseries.csv"), 200, true);

    vcd_file v = parse_vcd(slurp(o / "waves.vcd"));
    EXPECT_TRUE(v.header_ok);
    EXPECT_EQ(v.timescale, "1 ns");
    EXPECT_TRUE(v.times_non_decreasing);
    EXPECT_EQ(v.unknown_ids, 0u);
    EXPECT_GT(v.changes, 200u);
    ASSERT_FALSE(v.times.empty());
    EXPECT_EQ(v.times.back(), 2000000000u); // the last sample, in ns
    std::vector<std::string> expected = {
        "mm.node0.nr_free_pages", "mm.node0.wmark_min", "mm.node0.wmark_low", "mm.node0.wmark_high",
        "mm.node0.nr_anon_mapped", "mm.node0.nr_file_pages", "mm.node0.nr_kernel_pages",
        "mm.node0.lru.inactive_anon", "mm.node0.lru.active_anon", "mm.node0.lru.inactive_file",
        "mm.node0.lru.active_file", "swap.dev0.free_swap", "swap.dev0.io_inflight", "kswapd0.state",
        "mm.direct_reclaim_tasks", "oom.kill", "proc.hog.state", "proc.reader_1.state"};
    for (int o2 = 0; o2 <= 10; o2++)
        expected.push_back("mm.node0.buddy.free_o" + std::to_string(o2));
    for (const std::string &name : expected)
        EXPECT_TRUE(v.id_of.count("SystemC." + name)) << "missing VCD signal " << name;
    // every trace the .gtkw lists exists in the VCD
    size_t traces = 0;
    for (std::string line : split(slurp(o / "waves.gtkw"), '\n')) {
        if (line.rfind("+{", 0) == 0) // an aliased row: +{alias} full.name
            line = line.substr(line.find("} ") + 2);
        if (line.rfind("SystemC.", 0) != 0)
            continue;
        traces++;
        std::string name = line.substr(0, line.find('['));
        EXPECT_TRUE(v.id_of.count(name)) << "gtkw lists " << name << ", not in the VCD";
    }
    EXPECT_EQ(traces, v.id_of.size());

    std::string events = slurp(o / "events.csv");
    EXPECT_EQ(events.rfind("time_s,event,who,a,b,c\n", 0), 0u);
    EXPECT_NE(events.find(",process_start,hog,"), std::string::npos);
    EXPECT_NE(events.find(",process_start,reader-1,"), std::string::npos);
    // direct reclaim happened (HDD swap), and each end's b is its duration in ns since its begin
    std::map<std::string, double> begun;
    size_t ends = 0;
    for (const std::string &line : split(events, '\n')) {
        auto f = split(line, ',');
        if (f.size() != 6 || f[0] == "time_s")
            continue;
        if (f[1] == "direct_reclaim_begin")
            begun[f[2]] = std::stod(f[0]);
        if (f[1] == "direct_reclaim_end") {
            ASSERT_TRUE(begun.count(f[2])) << line;
            double ns = (std::stod(f[0]) - begun[f[2]]) * 1e9;
            EXPECT_NEAR(std::stod(f[4]), ns, 2.0) << line;
            EXPECT_GE(std::stoll(f[3]), 0) << line;
            ends++;
        }
    }
    EXPECT_GT(ends, 0u) << "no direct reclaim in the test scenario";
    std::string summary = slurp(o / "summary.json");
    for (const char *key : {"scenario", "duration_s", "peak_swap_used_pages", "kswapd_wakes", "direct_reclaim_stalls",
                            "direct_reclaim_total_ms", "direct_reclaim_longest_ms", "oom_kills", "first_oom_kill_s",
                            "pswpout", "pswpin", "page_ops", "wall_s"})
        EXPECT_NE(summary.find(std::string("\"") + key + "\":"), std::string::npos) << key;
    // every swap-in brought back the content its owner wrote before the swap-out
    EXPECT_GT(json_number(summary, "pswpin"), 0);
    EXPECT_EQ(json_number(summary, "swapin_tags_verified"), json_number(summary, "pswpin"));
    EXPECT_EQ(json_number(summary, "swapin_tags_lost"), 0);
}

TEST(Run, SameSeedGivesByteIdenticalOutputs)
{
    fs::path d = temp_dir("determinism");
    fs::path sc = write_scenario(d, "1.5");
    for (const char *run : {"a", "b"})
        ASSERT_EQ(run_mmsim("run " + sc.string() + " --seed 7 --quiet --out " + (d / run).string(), d), 0);
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --seed 8 --quiet --out " + (d / "c").string(), d), 0);
    for (const char *f : {"timeseries.csv", "events.csv", "waves.vcd", "waves.gtkw", "proc/vmstat"}) {
        std::string a = slurp(d / "a" / f);
        EXPECT_FALSE(a.empty()) << f;
        EXPECT_EQ(a, slurp(d / "b" / f)) << f << " differs between two runs with the same seed";
    }
    EXPECT_NE(slurp(d / "a" / "timeseries.csv"), slurp(d / "c" / "timeseries.csv"))
        << "the seed changed nothing: the workload's random choices ignore it";
}

// SIGINT or SIGTERM: the run stops at the next sample; CSV, events and VCD are complete up to it.
static void interrupt_run(int sig)
{
    fs::path d = temp_dir("signal" + std::to_string(sig));
    fs::path sc = write_scenario(d, "86400");
    fs::path o = d / "out";
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        freopen((d / "stderr.txt").c_str(), "w", stderr);
        execl(MMSIM_BIN, MMSIM_BIN, "run", sc.c_str(), "--out", o.c_str(), "--quiet", (char *)nullptr);
        _exit(127);
    }
    // wait until the run has written a few samples, then interrupt it
    for (int i = 0; i < 500; i++) {
        usleep(20000);
        if (fs::exists(o / "timeseries.csv") && fs::file_size(o / "timeseries.csv") > 4096)
            break;
    }
    kill(pid, sig);
    int st = 0;
    waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 130) << slurp(d / "stderr.txt");
    EXPECT_FALSE(fs::exists(o / "COMPLETE"));
    std::string csv = slurp(o / "timeseries.csv");
    check_csv_rows(csv, 0, false);
    std::string events = slurp(o / "events.csv");
    auto lines = split(events, '\n');
    ASSERT_GE(lines.size(), 2u);
    EXPECT_NE(lines.back().find(",interrupted,"), std::string::npos) << lines.back();
    vcd_file v = parse_vcd(slurp(o / "waves.vcd"));
    EXPECT_TRUE(v.header_ok);
    EXPECT_TRUE(v.times_non_decreasing);
    // the VCD ends at the last CSV sample
    auto rows = split(csv, '\n');
    double last_sample = std::stod(split(rows.back(), ',')[0]);
    ASSERT_FALSE(v.times.empty());
    EXPECT_EQ(v.times.back(), (uint64_t)std::llround(last_sample * 1e9));
}

TEST(Run, SigintStopsAtASampleWithCompleteOutputs) { interrupt_run(SIGINT); }

TEST(Run, SigtermStopsAtASampleWithCompleteOutputs) { interrupt_run(SIGTERM); }

TEST(Run, BadInputIsOneClearLineAndExit2)
{
    fs::path d = temp_dir("bad");
    fs::path sc = write_scenario(d, "1");
    EXPECT_EQ(run_mmsim("run " + sc.string(), d), 2);
    EXPECT_NE(slurp(d / "stderr.txt").find("--out"), std::string::npos);
    EXPECT_EQ(run_mmsim("run " + (d / "missing.toml").string() + " --out " + (d / "o").string(), d), 2);
    EXPECT_NE(slurp(d / "stderr.txt").find("missing.toml"), std::string::npos);
    EXPECT_EQ(run_mmsim("run " + sc.string() + " --out " + (d / "o").string() + " --seed x", d), 2);
    EXPECT_NE(slurp(d / "stderr.txt").find("--seed"), std::string::npos);
    EXPECT_EQ(run_mmsim("run " + sc.string() + " --out " + (d / "o").string() + " --set policy.swappiness=300", d), 2);
    EXPECT_NE(slurp(d / "stderr.txt").find("swappiness"), std::string::npos);
    EXPECT_EQ(run_mmsim("run " + sc.string() + " --out " + (d / "o").string() + " --bogus", d), 2);
    EXPECT_NE(slurp(d / "stderr.txt").find("--bogus"), std::string::npos);
}

// run.stop = "first_oom" ends the run at the sample of the first OOM kill.
TEST(Run, StopsAtTheFirstOomKill)
{
    fs::path d = temp_dir("first_oom");
    fs::path sc = d / "oom.toml";
    std::ofstream(sc) << R"(
name = "oom-test"
[machine]
ram_bytes = 33554432
layout = "single"
swap_bytes = 4194304
swap_device = "nvme"
[run]
duration_s = 30
sample_period_s = 0.01
stop = "first_oom"
[[process]]
name = "runaway"
anon.rate = 20000
[[process]]
name = "bystander"
oom_score_adj = -500
anon.rate = 1000
anon.target_rss_pages = 1000
)";
    ASSERT_EQ(run_mmsim("run " + sc.string() + " --out " + (d / "out").string() + " --quiet", d), 0)
        << slurp(d / "stderr.txt");
    std::string summary = slurp(d / "out" / "summary.json");
    EXPECT_NE(summary.find("\"end\": \"first_oom\""), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"oom_kills\": 1,"), std::string::npos) << summary;
    std::string events = slurp(d / "out" / "events.csv");
    size_t kill = events.find(",oom_kill,");
    ASSERT_NE(kill, std::string::npos);
    EXPECT_NE(events.find(",oom_kill,runaway,"), std::string::npos) << "the highest badness is the runaway";
    double kill_s = std::stod(events.substr(events.rfind('\n', kill) + 1));
    auto rows = split(slurp(d / "out" / "timeseries.csv"), '\n');
    double last = std::stod(split(rows.back(), ',')[0]);
    EXPECT_GE(last, kill_s);
    EXPECT_LT(last, kill_s + 0.01 + 1e-9) << "the run ends at the sample after the kill";
    EXPECT_LT(rows.size() - 1, 3000u);
    EXPECT_TRUE(fs::exists(d / "out" / "COMPLETE"));
}
