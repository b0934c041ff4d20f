/* Scenario parser: defaults, values, --set, scale, every bad-input row of issue 7, the shipped files. */
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "scenario.h"

namespace fs = std::filesystem;
using namespace mmsim;

namespace {

/* Write text to a fresh file under the test's temp dir and return its path. */
std::string write_file(const std::string &name, const std::string &text)
{
    fs::path dir = fs::temp_directory_path() / ("mmsim_scenario_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
}

std::string error_of(const std::string &path)
{
    try {
        load_scenario(path);
    } catch (const ScenarioError &e) {
        return e.what();
    }
    return "(no error)";
}

const char *kMinimal = R"(
purpose = "minimal"
[machine]
ram_bytes = "1GiB"
swap_bytes = "512MiB"
swap_device = "hdd"
[policy]
swappiness = 90
min_free_kbytes = "auto"
[run]
duration_s = 10
stop = "first_oom"
[[file]]
name = "db"
size_pages = 1000
prepopulate_pages = 500
active_share = 0.5
[[process]]
name = "hog"
oom_score_adj = 300
anon = { rate = 1000, target_rss_pages = 5000 }
file = { name = "db", read_rate = 200, pattern = "hot_set", hot_fraction = 0.2 }
kernel = { rate = 10, order_weights = [1, 1, 0, 1], free_pattern = "random", target_live_pages = 64 }
)";

} // namespace

TEST(ScenarioDefaults, StructDefaultsAreTheDocumentedOnes)
{
    Scenario s;
    EXPECT_EQ(s.machine.ram_bytes, 8ull << 30);
    EXPECT_EQ(s.machine.swap_bytes, 4ull << 30);
    EXPECT_EQ(s.policy.swappiness, 60);
    EXPECT_EQ(s.machine.swap_writeout, SwapWriteout::sync);
    EXPECT_EQ(s.policy.min_free_kbytes, -1);
    EXPECT_EQ(s.policy.watermark_scale_factor, 10);
    EXPECT_EQ(s.run.stop, StopCondition::duration);
    Process p;
    EXPECT_EQ(p.kernel.order_weights[0], 1.0);
    EXPECT_EQ(p.kernel.order_weights[1], 0.0);
    EXPECT_EQ(p.stop_s, -1);
}

TEST(ScenarioLoad, ReadsEveryKindOfValue)
{
    Scenario s = load_scenario(write_file("minimal.toml", kMinimal));
    EXPECT_EQ(s.name, "minimal");
    EXPECT_EQ(s.purpose, "minimal");
    EXPECT_EQ(s.machine.ram_bytes, 1ull << 30);
    EXPECT_EQ(s.machine.swap_bytes, 512ull << 20);
    EXPECT_EQ(s.machine.swap_device, SwapDevice::hdd);
    EXPECT_EQ(s.machine.layout, Layout::x86_64); /* default kept */
    EXPECT_EQ(s.policy.swappiness, 90);
    EXPECT_EQ(s.policy.min_free_kbytes, -1);
    EXPECT_EQ(s.run.stop, StopCondition::first_oom);
    ASSERT_EQ(s.files.size(), 1u);
    EXPECT_EQ(s.files[0].prepopulate_pages, 500u);
    EXPECT_DOUBLE_EQ(s.files[0].active_share, 0.5);
    ASSERT_EQ(s.processes.size(), 1u);
    const Process &p = s.processes[0];
    EXPECT_EQ(p.oom_score_adj, 300);
    EXPECT_DOUBLE_EQ(p.anon.rate, 1000);
    EXPECT_EQ(p.anon.target_rss_pages, 5000u);
    EXPECT_EQ(p.file.pattern, AccessPattern::hot_set);
    EXPECT_DOUBLE_EQ(p.file.hot_fraction, 0.2);
    EXPECT_EQ(p.kernel.free.free_pattern, FreePattern::random);
    EXPECT_EQ(p.kernel.free.target_live_pages, 64u);
    const std::array<double, kNrOrders> w = {1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(p.kernel.order_weights, w);
}

TEST(ScenarioLoad, NonAsciiInStringsAndCommentsIsFine)
{
    const std::string text = "\xEF\xBB\xBF# caf\xC3\xA9 \xE2\x80\x94 comment\npurpose = \"Fit&Free \xE2\x80\x94 \\\" \xC3\xBC\"\n"
                             "name = '''multi\n\xC3\xA9\n'''\n[run]\nseed = 3 # \xC2\xB1\n";
    Scenario s = parse_scenario(text, "utf8.toml");
    EXPECT_EQ(s.purpose, "Fit&Free \xE2\x80\x94 \" \xC3\xBC");
    EXPECT_EQ(s.run.seed, 3u);
}

TEST(ScenarioSet, OverridesCheckRangeAndNameTheKey)
{
    Scenario s = load_scenario(write_file("set.toml", kMinimal));
    apply_set(s, "policy.swappiness=10");
    EXPECT_EQ(s.policy.swappiness, 10);
    apply_set(s, "machine.swap_device=zram"); /* bare word = string */
    EXPECT_EQ(s.machine.swap_device, SwapDevice::zram);
    apply_set(s, "machine.swap_writeout=async");
    EXPECT_EQ(s.machine.swap_writeout, SwapWriteout::async);
    apply_set(s, "process.hog.anon.rate=250.5");
    EXPECT_DOUBLE_EQ(s.processes[0].anon.rate, 250.5);
    apply_set(s, "process.0.oom_score_adj=-1000");
    EXPECT_EQ(s.processes[0].oom_score_adj, -1000);
    apply_set(s, "file.db.size_pages=2000");
    EXPECT_EQ(s.files[0].size_pages, 2000u);
    apply_set(s, "run.seed=42");
    EXPECT_EQ(s.run.seed, 42u);
    apply_set(s, "purpose=caf\xC3\xA9 au lait"); /* not TOML: taken as a string */
    EXPECT_EQ(s.purpose, "caf\xC3\xA9 au lait");

    auto msg = [&](const std::string &kv) {
        try {
            apply_set(s, kv);
        } catch (const ScenarioError &e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_EQ(msg("policy.swappiness=201"), "--set: policy.swappiness = 201 is out of range 0..200");
    EXPECT_EQ(msg("policy.swapiness=20").rfind("--set: unknown key policy.swapiness", 0), 0u);
    EXPECT_EQ(msg("process.nobody.anon.rate=1"), "--set: process.nobody.anon.rate: no process named or numbered \"nobody\"");
    EXPECT_EQ(msg("process.hog.anon.order=11"), "--set: process.hog.anon.order = 11 is out of range 0..10");
    EXPECT_EQ(msg("swappiness"), "--set: \"swappiness\" is not key=value (e.g. policy.swappiness=90)");
    EXPECT_EQ(s.policy.swappiness, 10); /* failed sets change nothing */
}

TEST(ScenarioScale, MultipliesSizesAndRatesNotTimesOrOrders)
{
    Scenario s = load_scenario(write_file("scale.toml", kMinimal));
    apply_set(s, "scale=0.25");
    EXPECT_EQ(s.machine.ram_bytes, 256ull << 20);
    EXPECT_EQ(s.machine.swap_bytes, 128ull << 20);
    EXPECT_EQ(s.files[0].size_pages, 250u);
    EXPECT_EQ(s.files[0].prepopulate_pages, 125u);
    EXPECT_DOUBLE_EQ(s.processes[0].anon.rate, 250);
    EXPECT_EQ(s.processes[0].anon.target_rss_pages, 1250u);
    EXPECT_DOUBLE_EQ(s.processes[0].file.read_rate, 50);
    EXPECT_DOUBLE_EQ(s.run.duration_s, 10);
    apply_set(s, "process.hog.anon.rate=2000"); /* --set values are in the file's units, then scaled */
    EXPECT_DOUBLE_EQ(s.processes[0].anon.rate, 500);
    apply_set(s, "machine.ram_bytes=1GiB");
    EXPECT_EQ(s.machine.ram_bytes, 256ull << 20);
    apply_set(s, "process.hog.oom_score_adj=5"); /* not a size or rate: as given */
    EXPECT_EQ(s.processes[0].oom_score_adj, 5);
    EXPECT_EQ(s.processes[0].anon.target_rss_pages, 1250u); /* untouched fields keep their scaled value */
    apply_set(s, "scale=0.5"); /* relative to the file, not compounding */
    EXPECT_EQ(s.machine.ram_bytes, 512ull << 20);
    EXPECT_DOUBLE_EQ(s.scale, 0.5);

    std::string text = std::string("scale = 0.5\n") + kMinimal;
    Scenario f = load_scenario(write_file("scale_in_file.toml", text));
    EXPECT_EQ(f.machine.ram_bytes, 512ull << 20);
    EXPECT_EQ(f.machine.ram_bytes % kPageBytes, 0u);
}

/* ---- issue 7, bad input: one row each; the message names file, line or key, and the allowed range ---- */

struct BadRow {
    const char *name;
    const char *toml;
    std::vector<std::string> expect; /* substrings of the message, after "<file>" */
};

class ScenarioBadInput : public ::testing::TestWithParam<BadRow> {};

TEST_P(ScenarioBadInput, MessageNamesFileLineKeyAndRange)
{
    const BadRow &row = GetParam();
    const std::string path = write_file(std::string(row.name) + ".toml", row.toml);
    const std::string msg = error_of(path);
    EXPECT_EQ(msg.rfind(path + ":", 0), 0u) << msg; /* starts with the file name */
    for (const auto &part : row.expect)
        EXPECT_NE(msg.find(part), std::string::npos) << "message: " << msg << "\nmissing: " << part;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Issue7, ScenarioBadInput,
    ::testing::Values(
        BadRow{"malformed", "[policy\nswappiness = 60\n", {":1: malformed TOML"}},
        BadRow{"malformed_header", "[=\n", {":1: malformed TOML"}}, /* toml++ 3.3 precondition, see scenario.cpp */
        BadRow{"non_ascii_token", "[policy]\n\xC2\xB1 = 1\n", {":2: malformed TOML: a non-ASCII character"}},
        BadRow{"non_ascii_after_value", "purpose = \"\xC3\xA9t\xC3\xA9\" # \xC3\xA9\n[run]\nseed = 1 \xEF\xBB\xBA\n",
               {":3: malformed TOML: a non-ASCII character outside a string or comment"}},
        BadRow{"newline_in_key", "[policy]\n\"swap\\npiness\" = 1\n", {":2: unknown key policy.swap\\npiness"}},
        BadRow{"non_ascii_in_bad_number", "te=0.\"\xEF\xBB\xB8\n", {":1: malformed TOML"}},
        BadRow{"non_ascii_after_continuation", "purpose = \"\"\"a\\\n \xE3\x80\x81\"\"\"\n",
               {":2: malformed TOML: a non-ASCII character right after a line-ending backslash"}},
        BadRow{"malformed_value", "[policy]\nswappiness = 6 0\n", {":2: malformed TOML"}},
        BadRow{"unknown_key", "[policy]\nswapiness = 60\n",
               {":2: unknown key policy.swapiness", "allowed here: swappiness"}},
        BadRow{"unknown_section", "[polcy]\nswappiness = 60\n", {":1: unknown key polcy", "policy"}},
        BadRow{"unknown_process_key", "[[process]]\nname = \"a\"\nanon = { rat = 5 }\n",
               {":3: unknown key process[0].anon.rat", "rate"}},
        BadRow{"wrong_type", "[policy]\nswappiness = \"high\"\n",
               {":2: policy.swappiness = \"high\" has the wrong type", "0..200"}},
        BadRow{"wrong_type_table", "policy = 5\n", {":1: policy = 5 has the wrong type", "[policy]"}},
        BadRow{"swappiness_201", "[policy]\nswappiness = 201\n",
               {":2: policy.swappiness = 201 is out of range 0..200"}},
        BadRow{"ram_0", "[machine]\nram_bytes = 0\n",
               {":2: machine.ram_bytes = 0 is out of range 4096..1099511627776 bytes"}},
        BadRow{"ram_not_page_multiple", "[machine]\nram_bytes = 8589934593\n",
               {":2: machine.ram_bytes = 8589934593 is not a multiple of the page size 4096"}},
        BadRow{"ram_bad_unit", "[machine]\nram_bytes = \"8 GB\"\n",
               {":2: machine.ram_bytes = \"8 GB\" has an unknown unit", "GiB"}},
        BadRow{"order_11", "[[process]]\nname = \"k\"\n[process.anon]\nrate = 5\norder = 11\n",
               {":5: process[0].anon.order = 11 is out of range 0..10"}},
        BadRow{"order_weights_12",
               "[[process]]\nname = \"k\"\nkernel = { rate = 1, order_weights = [1,0,0,0,0,0,0,0,0,0,0,1] }\n",
               {":3: process[0].kernel.order_weights has 12 entries: orders are 0..10"}},
        BadRow{"negative_rate", "[[process]]\nname = \"a\"\n[process.anon]\nrate = -5\n",
               {":4: process[0].anon.rate = -5 is out of range 0..1000000000 pages/s"}},
        BadRow{"negative_weight", "[[process]]\nname = \"a\"\nkernel = { rate = 1, order_weights = [1, -2] }\n",
               {":3: process[0].kernel.order_weights[1] = -2 is out of range 0..1000000000"}},
        BadRow{"bad_choice", "[machine]\nswap_device = \"ssd\"\n",
               {":2: machine.swap_device = \"ssd\" is not one of zram|nvme|sata_ssd|hdd"}},
        BadRow{"bad_writeout", "[machine]\nswap_writeout = \"lazy\"\n",
               {":2: machine.swap_writeout = \"lazy\" is not one of sync|async"}},
        BadRow{"min_free_word", "[policy]\nmin_free_kbytes = \"default\"\n",
               {":2: policy.min_free_kbytes = \"default\"", "auto", "128..4194304"}},
        BadRow{"wsf_0", "[policy]\nwatermark_scale_factor = 0\n",
               {":2: policy.watermark_scale_factor = 0 is out of range 1..3000"}},
        BadRow{"prepopulate_too_big", "[[file]]\nname = \"f\"\nsize_pages = 10\nprepopulate_pages = 11\n",
               {"file[0].prepopulate_pages = 11 is out of range 0..size_pages (10)"}},
        BadRow{"missing_file", "[[process]]\nname = \"r\"\nfile = { name = \"nope\", read_rate = 5 }\n",
               {"process[0].file.name = \"nope\" names no [[file]]"}},
        BadRow{"duplicate_process", "[[process]]\nname = \"a\"\n[[process]]\nname = \"a\"\n",
               {"process[1].name = \"a\" is used twice"}}),
    [](const ::testing::TestParamInfo<BadRow> &info) { return std::string(info.param.name); });

TEST(ScenarioBadInputFile, UnreadableFileIsNamed)
{
    const std::string missing = "/nonexistent/dir/none.toml";
    EXPECT_EQ(error_of(missing), missing + ": cannot read the scenario file (No such file or directory)");
    const std::string dir = fs::temp_directory_path().string();
    EXPECT_EQ(error_of(dir), dir + ": cannot read the scenario file (it is a directory)");
}

/* Every shipped scenario parses and keeps the spec's machine: 8 GiB RAM, 4 GiB swap, min_free_kbytes auto. */
TEST(ShippedScenarios, AllParseWithTheSpecMachineAndAPurpose)
{
    const fs::path dir = fs::path(MMSIM_SOURCE_DIR) / "scenarios";
    int n = 0;
    for (const auto &entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".toml")
            continue;
        SCOPED_TRACE(entry.path().string());
        Scenario s;
        ASSERT_NO_THROW(s = load_scenario(entry.path().string()));
        EXPECT_FALSE(s.purpose.empty());
        EXPECT_EQ(s.purpose.find('\n'), std::string::npos);
        EXPECT_EQ(s.machine.ram_bytes, 8ull << 30);
        EXPECT_EQ(s.machine.swap_bytes, 4ull << 30);
        EXPECT_EQ(s.policy.min_free_kbytes, -1);
        EXPECT_FALSE(s.processes.empty());
        n++;
    }
    EXPECT_GE(n, 11);
}

/* Every input the fuzzer (testbench/fuzz_scenario.cpp) kept: parses or fails with a named one-line message. */
TEST(ScenarioFuzzRegression, KeptInputsParseOrFailCleanly)
{
    const fs::path dir = fs::path(MMSIM_SOURCE_DIR) / "testbench" / "fuzz" / "scenario";
    int n = 0;
    for (const auto &entry : fs::directory_iterator(dir)) {
        SCOPED_TRACE(entry.path().string());
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::string set;
        if (text.rfind("#set ", 0) == 0)
            set = text.substr(5, text.find('\n') == std::string::npos ? std::string::npos : text.find('\n') - 5);
        try {
            Scenario s = parse_scenario(text, "fuzz.toml");
            if (!set.empty())
                apply_set(s, set);
        } catch (const ScenarioError &e) {
            const std::string msg = e.what();
            EXPECT_TRUE(msg.rfind("fuzz.toml", 0) == 0 || msg.rfind("--set", 0) == 0) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
        n++;
    }
    EXPECT_GE(n, 2);
}

/* docs/user-guide.md section 3 documents exactly the keys the loader accepts (no more, no fewer). */
TEST(ScenarioDocs, UserGuideListsEveryKey)
{
    std::ifstream in(fs::path(MMSIM_SOURCE_DIR) / "docs" / "user-guide.md");
    ASSERT_TRUE(in.good());
    std::set<std::string> documented;
    std::string line, prefix;
    bool in_reference = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0)
            in_reference = line.rfind("## 3.", 0) == 0;
        if (!in_reference)
            continue;
        if (line.rfind("### ", 0) == 0) { /* "### 3.2 `[machine]`", "### 3.6 `[[file]]`: ...", "### 3.1 Top level" */
            const size_t a = line.find("`["), b = line.find("]`");
            prefix.clear();
            if (a != std::string::npos && b != std::string::npos) {
                prefix = line.substr(a + 1, b + 1 - a - 1);
                while (!prefix.empty() && prefix.front() == '[')
                    prefix.erase(0, 1);
                while (!prefix.empty() && prefix.back() == ']')
                    prefix.pop_back();
                prefix += ".";
            }
            continue;
        }
        if (line.rfind("| `", 0) != 0)
            continue;
        const std::string cell = line.substr(1, line.find('|', 1) - 1); /* first column */
        for (size_t a = cell.find('`'); a != std::string::npos; a = cell.find('`', a + 1)) {
            const size_t b = cell.find('`', a + 1);
            documented.insert(prefix + cell.substr(a + 1, b - a - 1));
            a = b;
        }
    }
    const std::vector<std::string> keys = scenario_keys();
    const std::set<std::string> accepted(keys.begin(), keys.end());
    for (const auto &k : accepted)
        EXPECT_TRUE(documented.count(k)) << k << " is accepted but not in docs/user-guide.md section 3";
    for (const auto &k : documented)
        EXPECT_TRUE(accepted.count(k)) << k << " is in docs/user-guide.md section 3 but not accepted";
    EXPECT_GE(accepted.size(), 60u);
}
