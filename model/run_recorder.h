/*
 * The run's event log (events.csv) and the figures summary.json needs. It
 * hears the allocator target (allocator_observer) and the model's threads.
 * Rows are written as they come: an interrupted run keeps what happened.
 */
#ifndef MMSIM_MODEL_RUN_RECORDER_H
#define MMSIM_MODEL_RUN_RECORDER_H

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "alloc_latency.h"
#include "allocator_target.h"

namespace mmsim {

class process;

class run_recorder : public allocator_observer {
public:
    /* events_path empty: record figures only (tests, benchmarks). */
    explicit run_recorder(const std::string &events_path);
    ~run_recorder() override;
    bool ok() const { return events_path_.empty() || file_; }

    void add_process(uint32_t owner, process *p);
    void row(const sc_core::sc_time &when, const char *event, const std::string &who, int64_t a = 0,
             int64_t b = 0, int64_t c = 0);
    void flush();

    void on_event(const sc_core::sc_time &when, const initiator_task *task, const mm_event &ev) override;
    void on_oom_killed(const sc_core::sc_time &when, uint32_t owner) override;
    /* A direct-reclaim stall still in progress when the run ended (counted, not logged as an event). */
    void note_unfinished_stall(double ms);

    /* summary figures */
    uint64_t kswapd_wakes = 0;
    uint64_t direct_reclaim_stalls = 0;
    double direct_reclaim_total_ms = 0, direct_reclaim_longest_ms = 0;
    uint64_t oom_kills = 0;
    double first_oom_kill_s = -1;
    uint64_t alloc_fails = 0;
    uint64_t oom_kills_in_period = 0; /* reset by the sampler */
    uint64_t rows = 0;                /* events recorded */
    alloc_latency latency;            /* every allocation's latency (the processes record it) */

private:
    std::string name_of(uint32_t owner) const;

    std::string events_path_;
    FILE *file_ = nullptr;
    std::map<uint32_t, process *> processes_;
};

} // namespace mmsim

#endif
