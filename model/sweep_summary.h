/*
 * The sweep's tables, from the runs' folders only (so `--collect` after an
 * external runner gives the same files as `mmsim sweep`):
 *   summary.csv  one row per point: axis values, runs, each metric's mean
 *                (and _sd with several seeds), status, wall_time_s
 *   runs.csv     one row per point x seed with the run's raw metrics
 *   sweep.json   what tools/plot_sweep.py needs (name, purpose, columns, plots)
 * docs/user-guide.md ("Sweeps") documents the columns.
 */
#ifndef MMSIM_MODEL_SWEEP_SUMMARY_H
#define MMSIM_MODEL_SWEEP_SUMMARY_H

#include <string>
#include <vector>

#include "sweep_runner.h"

namespace mmsim {

struct SummaryResult {
    size_t finished = 0;
    std::vector<const SweepRun *> failed;
    std::vector<const SweepRun *> missing; /* neither finished nor failed */
    std::string write_error;               /* the first output file that could not be written */
};

/* One metrics.csv: names in file order and their values ("" = does not apply). False when unreadable. */
bool read_metrics_csv(const std::string &path, std::vector<std::string> &names, std::vector<std::string> &values);

/* Writes summary.csv, runs.csv and sweep.json into out_dir (and a copy of the sweep file, sweep.toml). */
SummaryResult write_summary(const SweepFile &sf, const std::vector<SweepPoint> &points,
                            const std::vector<uint64_t> &seeds, const std::vector<SweepRun> &runs,
                            const std::string &out_dir);

} // namespace mmsim

#endif
