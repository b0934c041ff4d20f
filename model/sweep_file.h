/*
 * A sweep file (TOML): a base scenario, fixed overrides, seeds, and either
 * axes (their cross product) or an explicit list of points, plus the plots
 * to draw. docs/user-guide.md ("Sweeps") documents the format. Paths in it
 * are relative to the sweep file.
 */
#ifndef MMSIM_MODEL_SWEEP_FILE_H
#define MMSIM_MODEL_SWEEP_FILE_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmsim {

/* Bad sweep input: what() is one line naming file:line and what is wrong. */
class SweepError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/* One value of a scenario key. */
struct SweepValue {
    std::string set_text; /* the value as `mmsim run --set key=VALUE` takes it (TOML, or a bare word) */
    std::string display;  /* as shown in tables and point ids (strings unquoted) */
    int line = 0;         /* line in the sweep file, 0 = unknown */
};

/* key = value: one --set override. */
struct SweepAssign {
    std::string key;
    SweepValue value;
    std::string set_arg() const { return key + "=" + value.set_text; }
};

struct SweepAxis {
    std::string key;
    std::vector<SweepValue> values;
    int line = 0;
};

struct SweepPlot {
    std::string metric;
    std::string x;
    std::string lines; /* "" = one line */
    int log = -1;      /* -1: log y when max/min > 50; 0/1: forced */
    int line = 0;
};

struct SweepFile {
    std::string path;                 /* as given */
    std::string name;                 /* default: the file's stem */
    std::string purpose;
    std::string base;                 /* the base scenario, resolved against the sweep file's folder */
    int base_line = 0;
    std::vector<SweepAssign> set;     /* fixed overrides for every point, in file order */
    std::vector<uint64_t> seeds;      /* empty: the base scenario's seed */
    std::vector<SweepAxis> axes;      /* cross product, first axis slowest */
    bool explicit_points = false;     /* [[point]] tables instead of axes */
    std::vector<std::vector<SweepAssign>> points;
    std::vector<int> point_lines;
    std::vector<SweepPlot> plots;
};

/* Read and parse a sweep file; throws SweepError. Checks its shape only (validate_points checks values). */
SweepFile load_sweep_file(const std::string &path);

/* The same from text; path names it in messages and resolves `base`. */
SweepFile parse_sweep_file(const std::string &text, const std::string &path);

/* The metrics the plots may name: metrics.csv's rows (docs/outputs.md, model/run_metrics.cpp) but
   wall_time_s, in their order. test_sweep checks the list against a real run's metrics.csv. */
const std::vector<std::string> &sweep_metric_names();

/* s double-quoted, escaped so that it reads back as TOML and as JSON (sweep.json, --set texts). */
std::string toml_string(const std::string &s);

} // namespace mmsim

#endif
