/*
 * `mmsim sweep SWEEPFILE --out DIR [--jobs N] [--emit-jobs FILE] [--collect] [--quiet] [--no-plots]`:
 * runs every point x seed of a sweep file as its own `mmsim run` process,
 * then writes summary.csv, runs.csv and (tools/plot_sweep.py) plots and
 * report.md. docs/user-guide.md ("Sweeps") documents it.
 */
#include "commands.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_args.h"
#include "sweep_file.h"
#include "sweep_points.h"
#include "sweep_runner.h"
#include "sweep_summary.h"

extern char **environ;

namespace mmsim {
namespace {

const char *usage = "usage: mmsim sweep SWEEPFILE --out DIR [--jobs N] [--emit-jobs FILE] [--collect] [--quiet]"
                    " [--no-plots]";

int bad(const std::string &msg)
{
    std::fprintf(stderr, "mmsim sweep: %s\n", msg.c_str());
    return 2;
}

/* An output file of the summary could not be written (disk full, permissions): exit 1. */
int failed_write(const std::string &path)
{
    std::fprintf(stderr, "mmsim sweep: cannot write %s; the summary is incomplete\n", path.c_str());
    return 1;
}

std::string tools_dir()
{
    if (const char *env = std::getenv("MMSIM_TOOLS_DIR"); env && *env)
        return env;
#ifdef MMSIM_TOOLS_DIR_DEFAULT
    return MMSIM_TOOLS_DIR_DEFAULT;
#else
    return "tools";
#endif
}

std::string python_exe()
{
    if (const char *env = std::getenv("MMSIM_PYTHON"); env && *env)
        return env;
#ifdef MMSIM_PYTHON_DEFAULT
    std::error_code ec;
    if (std::filesystem::exists(MMSIM_PYTHON_DEFAULT, ec))
        return MMSIM_PYTHON_DEFAULT;
#endif
    return "python3";
}

/* tools/plot_sweep.py DIR: the PNGs in plots/ and report.md; a missing python3 is a warning, not a failure. */
void plot(const std::string &out_dir, bool quiet)
{
    const std::string script = tools_dir() + "/plot_sweep.py";
    std::error_code ec;
    if (!std::filesystem::exists(script, ec)) {
        std::fprintf(stderr, "mmsim sweep: warning: %s not found (set MMSIM_TOOLS_DIR): no plots or report.md\n",
                     script.c_str());
        return;
    }
    const std::string py = python_exe();
    std::vector<std::string> args = {py, script, out_dir};
    if (quiet)
        args.push_back("--quiet");
    std::vector<char *> argv;
    for (std::string &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    if (posix_spawnp(&pid, py.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
        std::fprintf(stderr, "mmsim sweep: warning: cannot start %s: no plots or report.md\n", py.c_str());
        return;
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        std::fprintf(stderr, "mmsim sweep: warning: %s failed: plots or report.md may be missing\n", script.c_str());
}

void list_unfinished(const SummaryResult &sr)
{
    for (const SweepRun *r : sr.failed)
        std::fprintf(stderr, "mmsim sweep: failed: %s\n", r->rel_dir.c_str());
    for (const SweepRun *r : sr.missing)
        std::fprintf(stderr, "mmsim sweep: missing: %s\n", r->rel_dir.c_str());
}

} // namespace

int cli_sweep(int argc, char **argv)
{
    std::string sweep_path, out_dir, emit_path;
    bool collect = false, quiet = false, plots = true;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--out") {
            out_dir = value();
            if (out_dir.empty())
                return bad("--out needs a directory");
        } else if (a == "--jobs") {
            uint64_t n = 0;
            const std::string v = value();
            if (!parse_uint(v, 1, 4096, n))
                return bad("--jobs needs a number of parallel runs 1 .. 4096 (got '" + v + "')");
            jobs = static_cast<unsigned>(n);
        } else if (a == "--emit-jobs") {
            emit_path = value();
            if (emit_path.empty())
                return bad("--emit-jobs needs a file name");
        } else if (a == "--collect") {
            collect = true;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "--no-plots") {
            plots = false;
        } else if (a == "-h" || a == "--help") {
            std::puts(usage);
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            return bad("unknown option " + a + "; " + usage);
        } else if (sweep_path.empty()) {
            sweep_path = a;
        } else {
            return bad("unexpected argument " + a + "; " + usage);
        }
    }
    if (sweep_path.empty())
        return bad(std::string("no sweep file given; ") + usage);
    if (out_dir.empty())
        return bad(std::string("--out DIR is required; ") + usage);
    if (collect && !emit_path.empty())
        return bad("--emit-jobs and --collect exclude each other");

    /* everything is checked before DIR is touched */
    SweepFile sf;
    std::vector<SweepPoint> points;
    std::vector<uint64_t> seeds;
    try {
        sf = load_sweep_file(sweep_path);
        points = expand_points(sf);
        seeds = sweep_seeds(sf, validate_points(sf, points));
    } catch (const SweepError &e) {
        return bad(e.what());
    }

    std::error_code ec;
    const std::string out = std::filesystem::absolute(out_dir, ec).lexically_normal().string();
    const std::string out_abs = out.size() > 1 && out.back() == '/' ? out.substr(0, out.size() - 1) : out;
    const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec)
        return bad("cannot find the mmsim binary (/proc/self/exe): " + ec.message());
    const std::string base = std::filesystem::absolute(sf.base, ec).lexically_normal().string();
    const std::vector<SweepRun> runs = plan_runs(sf, points, seeds, exe, base, out_abs);

    std::filesystem::create_directories(out_abs + "/points", ec);
    if (ec)
        return bad("--out " + out_dir + ": cannot create the directory (" + ec.message() + ")");

    std::vector<const SweepRun *> pending;
    for (const SweepRun &r : runs)
        if (!run_finished(r))
            pending.push_back(&r);

    if (!emit_path.empty()) {
        std::string lines;
        for (const SweepRun *r : pending) {
            std::string error;
            if (!prepare_run(*r, error))
                return bad(error);
            lines += r->command + "\n";
        }
        std::ofstream f(emit_path, std::ios::binary | std::ios::trunc);
        f << lines;
        f.close();
        if (!f)
            return bad("--emit-jobs " + emit_path + ": cannot write the file");
        if (!quiet)
            std::fprintf(stderr, "mmsim sweep: %zu of %zu runs pending, their command lines are in %s\n",
                         pending.size(), runs.size(), emit_path.c_str());
        return 0;
    }

    if (collect) {
        const SummaryResult sr = write_summary(sf, points, seeds, runs, out_abs);
        if (!sr.write_error.empty())
            return failed_write(sr.write_error);
        list_unfinished(sr);
        if (plots)
            plot(out_abs, quiet);
        const size_t absent = sr.failed.size() + sr.missing.size();
        if (!quiet || absent)
            std::fprintf(stderr, "mmsim sweep: collected %zu of %zu runs into %s/summary.csv%s\n", sr.finished,
                         runs.size(), out_abs.c_str(), absent ? " (the runs above are not in it)" : "");
        return absent ? 1 : 0;
    }

    if (!quiet)
        std::fprintf(stderr, "mmsim sweep: %s: %zu points x %zu seeds = %zu runs, %zu finished before, "
                             "%zu to run with --jobs %u\n",
                     sf.name.c_str(), points.size(), seeds.size(), runs.size(), runs.size() - pending.size(),
                     pending.size(), jobs);
    RunnerOptions opt;
    opt.jobs = jobs;
    opt.progress = !quiet;
    const auto t0 = std::chrono::steady_clock::now();
    const RunnerResult rr = run_pending(pending, runs.size(), out_abs, opt);
    const SummaryResult sr = write_summary(sf, points, seeds, runs, out_abs);
    if (!sr.write_error.empty())
        return failed_write(sr.write_error);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rr.interrupted) {
        std::fprintf(stderr, "mmsim sweep: interrupted: %zu of %zu runs finished (summary.csv has them); "
                             "the same command resumes the sweep\n", sr.finished, runs.size());
        return 130;
    }
    if (plots)
        plot(out_abs, quiet);
    if (!sr.failed.empty() || !sr.missing.empty()) {
        list_unfinished(sr);
        std::fprintf(stderr, "mmsim sweep: %zu of %zu runs failed; summary in %s/summary.csv\n",
                     sr.failed.size() + sr.missing.size(), runs.size(), out_abs.c_str());
        return 1;
    }
    if (!quiet)
        std::fprintf(stderr, "mmsim sweep: %s done: %zu runs (%zu run now) in %.1f s wall, summary in %s/summary.csv\n",
                     sf.name.c_str(), runs.size(), rr.started, wall, out_abs.c_str());
    return 0;
}

} // namespace mmsim

/* The subcommand table's entry (commands.h). */
int cli_sweep(int argc, char **argv) { return mmsim::cli_sweep(argc, argv); }
