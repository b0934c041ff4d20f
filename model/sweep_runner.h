/*
 * The sweep's runs (one per point x seed): their command lines and folders,
 * which of them are finished, and running the pending ones as child
 * processes, up to --jobs at a time, with progress, resume and signals.
 */
#ifndef MMSIM_MODEL_SWEEP_RUNNER_H
#define MMSIM_MODEL_SWEEP_RUNNER_H

#include <cstdint>
#include <string>
#include <vector>

#include "sweep_points.h"

namespace mmsim {

struct SweepRun {
    size_t point = 0;              /* index into the points */
    uint64_t seed = 0;
    std::string rel_dir;           /* points/<id>/seed-<s>, relative to the sweep's folder */
    std::string dir;               /* absolute */
    std::vector<std::string> argv; /* mmsim run ... */
    std::string command;           /* argv shell-quoted: cmd.txt and --emit-jobs lines */
};

/* A run is finished when its folder has COMPLETE and cmd.txt holds the command it would run now. */
bool run_finished(const SweepRun &r);

/* A run that exited non-zero leaves FAILED (exit status and its stderr's last line) until it is rerun. */
bool run_failed(const SweepRun &r, std::string *why = nullptr);

/* Every run: `mmsim run BASE --out DIR/points/<id>/seed-<s> --quiet --seed S --set k=v ...`, points in order,
   seeds in order within a point. mmsim, base and out_dir must be absolute. */
std::vector<SweepRun> plan_runs(const SweepFile &sf, const std::vector<SweepPoint> &points,
                                const std::vector<uint64_t> &seeds, const std::string &mmsim,
                                const std::string &base, const std::string &out_dir);

/* POSIX shell quoting: the word as is when it is plain, else in single quotes. */
std::string shell_quote(const std::string &word);

/* Creates the run's folder with its cmd.txt (and no COMPLETE or FAILED): the run is then ready to start. */
bool prepare_run(const SweepRun &r, std::string &error);

struct RunnerOptions {
    unsigned jobs = 1;
    bool progress = true;
};

struct RunnerResult {
    size_t started = 0;
    size_t failed = 0;
    bool interrupted = false; /* SIGINT/SIGTERM: no new runs, running ones got SIGTERM and were waited for */
};

/* Runs the given pending runs (stderr and stdout to <dir>/stderr.txt), appending a line per start to
   out_dir/sweep.log. Failures are reported on stderr and marked FAILED; the others go on. SIGINT and
   SIGTERM are blocked from the call on (the caller writes the summary, then exits 130 if interrupted). */
RunnerResult run_pending(const std::vector<const SweepRun *> &pending, size_t total_runs, const std::string &out_dir,
                         const RunnerOptions &opt);

} // namespace mmsim

#endif
