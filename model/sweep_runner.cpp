#include "sweep_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "text_file.h"

extern char **environ;

namespace mmsim {
namespace {

std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool exists(const std::string &path)
{
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

std::string last_line(const std::string &path)
{
    std::string text = slurp(path);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    size_t nl = text.rfind('\n');
    text = nl == std::string::npos ? text : text.substr(nl + 1);
    return text.empty() ? "(no output on stderr)" : text;
}

std::string utc_now()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string seconds_text(double s)
{
    char buf[32];
    if (s < 120)
        std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (s < 7200)
        std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
    return buf;
}


pid_t spawn_run(const SweepRun &r, std::string &error)
{
    if (!prepare_run(r, error))
        return -1;
    const std::string err_path = r.dir + "/stderr.txt";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);

    /* the child starts with default signals and an empty mask, in its own process group: a terminal's
       Ctrl-C reaches the sweep only, which then stops its runs with SIGTERM */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP})
        sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

    std::vector<char *> argv;
    for (const std::string &a : r.argv)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        error = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
        return -1;
    }
    return pid;
}

} // namespace

std::string shell_quote(const std::string &word)
{
    bool plain = !word.empty();
    for (unsigned char c : word)
        plain = plain && (std::isalnum(c) || std::strchr("_./=:,+@%^-", c));
    if (plain)
        return word;
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::vector<SweepRun> plan_runs(const SweepFile &sf, const std::vector<SweepPoint> &points,
                                const std::vector<uint64_t> &seeds, const std::string &mmsim,
                                const std::string &base, const std::string &out_dir)
{
    std::vector<SweepRun> runs;
    for (size_t p = 0; p < points.size(); p++)
        for (uint64_t seed : seeds) {
            SweepRun r;
            r.point = p;
            r.seed = seed;
            r.rel_dir = "points/" + points[p].id + "/seed-" + std::to_string(seed);
            r.dir = out_dir + "/" + r.rel_dir;
            r.argv = {mmsim, "run", base, "--out", r.dir, "--quiet", "--seed", std::to_string(seed)};
            for (const SweepAssign &a : sf.set) {
                r.argv.push_back("--set");
                r.argv.push_back(a.set_arg());
            }
            for (const SweepAssign &a : points[p].assigns) {
                r.argv.push_back("--set");
                r.argv.push_back(a.set_arg());
            }
            for (const std::string &a : r.argv)
                r.command += (r.command.empty() ? "" : " ") + shell_quote(a);
            runs.push_back(r);
        }
    return runs;
}

bool run_finished(const SweepRun &r)
{
    return exists(r.dir + "/COMPLETE") && slurp(r.dir + "/cmd.txt") == r.command + "\n";
}

bool run_failed(const SweepRun &r, std::string *why)
{
    if (!exists(r.dir + "/FAILED") || run_finished(r))
        return false;
    if (why) {
        *why = slurp(r.dir + "/FAILED");
        while (!why->empty() && why->back() == '\n')
            why->pop_back();
    }
    return true;
}

bool prepare_run(const SweepRun &r, std::string &error)
{
    std::error_code ec;
    std::filesystem::create_directories(r.dir, ec);
    if (ec) {
        error = r.dir + ": cannot create the run's folder (" + ec.message() + ")";
        return false;
    }
    std::filesystem::remove(r.dir + "/COMPLETE", ec);
    std::filesystem::remove(r.dir + "/FAILED", ec);
    if (!write_text(r.dir + "/cmd.txt", r.command + "\n")) {
        error = r.dir + "/cmd.txt: cannot write";
        return false;
    }
    return true;
}

RunnerResult run_pending(const std::vector<const SweepRun *> &pending, size_t total_runs, const std::string &out_dir,
                         const RunnerOptions &opt)
{
    RunnerResult res;
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, SIGINT);
    sigaddset(&wake, SIGTERM);
    sigaddset(&wake, SIGCHLD);
    sigprocmask(SIG_BLOCK, &wake, nullptr);

    FILE *log = std::fopen((out_dir + "/sweep.log").c_str(), "a");
    const auto t0 = std::chrono::steady_clock::now();
    const size_t done_before = total_runs - pending.size();
    size_t next = 0, ended = 0, ok = 0;
    std::map<pid_t, const SweepRun *> running;

    auto fail_run = [&](const SweepRun &r, const std::string &why) {
        res.failed++;
        write_text(r.dir + "/FAILED", why + "\n");
        std::fprintf(stderr, "mmsim sweep: run %s failed: %s\n", r.rel_dir.c_str(), why.c_str());
    };
    auto progress = [&]() {
        if (!opt.progress)
            return;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const size_t left = pending.size() - ended;
        std::string eta = ended ? "~" + seconds_text(elapsed * static_cast<double>(left) / ended) + " left"
                                : "time left unknown";
        std::fprintf(stderr, "mmsim sweep: %zu/%zu runs done, %zu running, %zu failed, %s elapsed, %s\n",
                     done_before + ok, total_runs, running.size(), res.failed, seconds_text(elapsed).c_str(),
                     res.interrupted ? "stopping" : left ? eta.c_str() : "none left");
    };

    for (;;) {
        while (!res.interrupted && running.size() < opt.jobs && next < pending.size()) {
            const SweepRun &r = *pending[next++];
            std::string error;
            pid_t pid = spawn_run(r, error);
            if (pid < 0) {
                ended++;
                fail_run(r, error);
                continue;
            }
            res.started++;
            running[pid] = &r;
            if (log) {
                std::fprintf(log, "%s %s\n", utc_now().c_str(), r.rel_dir.c_str());
                std::fflush(log);
            }
        }
        if (running.empty())
            break;

        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0 && running.count(pid)) {
            const SweepRun &r = *running[pid];
            running.erase(pid);
            ended++;
            const bool stopped_by_us = res.interrupted &&
                                       ((WIFEXITED(status) && WEXITSTATUS(status) == 130) ||
                                        (WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGINT)));
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && run_finished(r)) {
                ok++;
            } else if (stopped_by_us) {
                /* interrupted: neither finished nor failed, the next sweep runs it again */
            } else {
                std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                    : "killed by signal " + std::to_string(WTERMSIG(status));
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                    how += " without COMPLETE";
                fail_run(r, how + ": " + last_line(r.dir + "/stderr.txt"));
            }
            progress();
            continue;
        }
        if (pid > 0)
            continue; /* not one of ours */

        struct timespec tick = {0, 500 * 1000 * 1000};
        int sig = sigtimedwait(&wake, nullptr, &tick);
        if ((sig == SIGINT || sig == SIGTERM) && !res.interrupted) {
            res.interrupted = true;
            std::fprintf(stderr, "mmsim sweep: %s: starting no more runs, stopping the %zu running\n",
                         sig == SIGINT ? "SIGINT" : "SIGTERM", running.size());
            for (const auto &[child, r] : running)
                kill(child, SIGTERM);
        }
    }
    if (log)
        std::fclose(log);
    /* SIGINT/SIGTERM stay blocked until the sweep exits (its summary is written first); one that came
       after the last run ended still makes the sweep exit 130 */
    struct timespec now = {0, 0};
    for (int sig; (sig = sigtimedwait(&wake, nullptr, &now)) > 0;)
        if (sig == SIGINT || sig == SIGTERM)
            res.interrupted = true;
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &chld, nullptr);
    return res;
}

} // namespace mmsim
