#include "cli_run.h"
#include "cli_args.h"
#include "commands.h"

#include <cinttypes>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <systemc>

#include "sampler.h"
#include "scenario.h"
#include "top.h"

namespace mmsim {

namespace {
const char *usage = "usage: mmsim run SCENARIO --out DIR [--seed N] [--set key=value ...] [--check[=N] | --no-check]"
                    " [--quiet]";

/* --check without N: mm_check every 10000 page operations. -DMMSIM_CHECK=ON makes it the default. */
constexpr uint64_t kCheckEvery = 10000;
#ifdef MMSIM_CHECK_DEFAULT
constexpr uint64_t kCheckDefault = kCheckEvery;
#else
constexpr uint64_t kCheckDefault = 0;
#endif

/* a consistency violation found by --check: exit 3 */
constexpr int kExitCheckFailed = 3;

/* bad input: exit 2 (commands.h) */
int bad(const std::string &msg)
{
    std::fprintf(stderr, "mmsim run: %s\n", msg.c_str());
    return 2;
}

/* a failure while running (I/O, c_core refused the machine): exit 1 */
int failed(const std::string &msg)
{
    std::fprintf(stderr, "mmsim run: %s\n", msg.c_str());
    return 1;
}

void on_signal(int sig) { g_stop_signal = sig; }
} // namespace

int cli_run(int argc, char **argv)
{
    std::string scenario_path, out_dir;
    std::vector<std::string> sets;
    bool quiet = false, have_seed = false;
    uint64_t seed = 0, check_every = kCheckDefault;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char *flag) -> const char * {
            if (i + 1 >= argc)
                return nullptr;
            (void)flag;
            return argv[++i];
        };
        if (a == "--out") {
            const char *v = value("--out");
            if (!v || !*v)
                return bad("--out needs a directory");
            out_dir = v;
        } else if (a == "--seed") {
            const char *v = value("--seed");
            char *end = nullptr;
            errno = 0;
            if (v)
                seed = std::strtoull(v, &end, 0);
            if (!v || !*v || *end || errno || v[0] == '-')
                return bad("--seed needs an integer 0 .. 18446744073709551615");
            have_seed = true;
        } else if (a == "--set") {
            const char *v = value("--set");
            if (!v || !std::strchr(v, '='))
                return bad("--set needs key=value (e.g. --set policy.swappiness=100)");
            sets.push_back(v);
        } else if (a == "--check") {
            check_every = kCheckEvery;
        } else if (a.rfind("--check=", 0) == 0) {
            if (!parse_uint(a.substr(8), 1, 1000000000000ull, check_every))
                return bad("--check=N needs N page operations between checks, 1 .. 1000000000000 (got '" +
                           a.substr(8) + "')");
        } else if (a == "--no-check") {
            check_every = 0;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "-h" || a == "--help") {
            std::puts(usage);
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            return bad("unknown option " + a + "; " + usage);
        } else if (scenario_path.empty()) {
            scenario_path = a;
        } else {
            return bad("unexpected argument " + a + "; " + usage);
        }
    }
    if (scenario_path.empty())
        return bad(std::string("no scenario file given; ") + usage);
    if (out_dir.empty())
        return bad(std::string("--out DIR is required; ") + usage);

    Scenario s;
    try {
        s = load_scenario(scenario_path);
        for (const std::string &kv : sets)
            apply_set(s, kv);
        if (have_seed)
            s.run.seed = seed;
        validate_scenario(s);
    } catch (const ScenarioError &e) {
        return bad(e.what());
    }

    if (s.run.split_log)
        std::fprintf(stderr, "mmsim run: run.split_log is not supported yet (c_core reports no single splits); "
                             "timeseries.csv has splits and merges per sample period\n");

    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec)
        return bad("--out " + out_dir + ": cannot create the directory (" + ec.message() + ")");
    std::filesystem::remove(out_dir + "/COMPLETE", ec);
    {
        /* an existing but unwritable directory is bad input too (exit 2), before any output is written */
        const std::string probe = out_dir + "/.mmsim-write-probe";
        FILE *p = std::fopen(probe.c_str(), "w");
        if (!p)
            return bad("--out " + out_dir + ": the directory is not writable (" + std::strerror(errno) + ")");
        std::fclose(p);
        std::filesystem::remove(probe, ec);
    }

    init_model_time();
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    auto wall0 = std::chrono::steady_clock::now();
    try {
        top_options opt;
        opt.out_dir = out_dir;
        opt.progress = !quiet;
        top t("top", s, opt);
        t.allocator().set_check_interval(check_every);
        sc_core::sc_start();
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        if (check_every)
            t.allocator().run_check(); /* --check: at the end too */
        /* after sc_stop: processes running ahead of the last sample (quantum keeper) may still have logged
           events, so the interruption is written here to be the last row */
        if (t.sampler0().interrupted())
            t.recorder().row(sc_core::sc_time_stamp(), "interrupted", "mmsim", t.sampler0().stop_signal());
        if (!t.allocator().check_failure().empty())
            t.recorder().row(sc_core::sc_time_stamp(), "check_failed", "mm_check",
                             (int64_t)t.allocator().transactions());
        t.finish(wall);
        if (!t.allocator().check_failure().empty()) {
            std::fprintf(stderr, "mmsim run: consistency check failed at %.3f s simulated after %" PRIu64
                         " page operations: %s\n", sc_core::sc_time_stamp().to_seconds(),
                         t.allocator().transactions(), t.allocator().check_failure().c_str());
            return kExitCheckFailed;
        }
        if (check_every && !quiet)
            std::fprintf(stderr, "mmsim run: --check: mm_check passed %" PRIu64 " times (every %" PRIu64
                         " page operations and at the end)\n", t.allocator().checks_run(), check_every);
        if (t.sampler0().interrupted()) {
            std::fprintf(stderr, "mmsim run: interrupted at %.3f s simulated; outputs are complete up to it\n",
                         sc_core::sc_time_stamp().to_seconds());
            return 130;
        }
        FILE *f = std::fopen((out_dir + "/COMPLETE").c_str(), "w");
        if (!f)
            return failed("cannot write " + out_dir + "/COMPLETE");
        std::fputs("complete\n", f);
        std::fclose(f);
        if (!quiet)
            std::fprintf(stderr, "mmsim run: %s done: %.3f s simulated in %.2f s wall, outputs in %s\n",
                         s.name.c_str(), sc_core::sc_time_stamp().to_seconds(), wall, out_dir.c_str());
    } catch (const std::exception &e) {
        return failed(e.what());
    }
    return 0;
}

} // namespace mmsim

/* The subcommand table's entry (commands.h). */
int cli_run(int argc, char **argv) { return mmsim::cli_run(argc, argv); }
