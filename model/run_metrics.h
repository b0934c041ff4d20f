/*
 * The run's figures as metrics.csv (docs/outputs.md): one `metric,value`
 * row per figure in a fixed order, names ending with their unit, values
 * printed deterministically (empty when a figure does not apply);
 * wall_time_s, the only non-deterministic value, is the last row.
 */
#ifndef MMSIM_MODEL_RUN_METRICS_H
#define MMSIM_MODEL_RUN_METRICS_H

#include <cstdint>
#include <string>
#include <vector>

#include "mmsim/mm.h"

namespace mmsim {

class run_recorder;

struct metric {
    std::string name;
    std::string value; /* empty: does not apply */
};

struct run_end {
    uint64_t peak_swap_used_pages = 0;
    double free_under_pressure_pages = 0;  /* from the first kswapd wake: what the watermarks hold back */
    uint64_t free_min_pages = 0;
    double sim_time_s = 0;
    double wall_time_s = 0;
};

std::vector<metric> collect_metrics(const run_recorder &rec, const mm_node *node, const run_end &end);
std::string metrics_csv(const std::vector<metric> &m);

} // namespace mmsim

#endif
