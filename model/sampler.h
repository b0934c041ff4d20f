/*
 * The sampler: an SC_THREAD that wakes every sample period, reads the
 * machine's state (collect_sample), appends a timeseries.csv row, updates
 * the VCD variables, prints progress on stderr, and ends the run at its
 * duration, its stop condition, or on SIGINT/SIGTERM (at the current sample,
 * with an `interrupted` event).
 */
#ifndef MMSIM_MODEL_SAMPLER_H
#define MMSIM_MODEL_SAMPLER_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <systemc>

#include "sample.h"
#include "scenario.h"

namespace mmsim {

class vcd_tracer;

/* Set by the signal handler; the sampler stops the run at the next sample. */
extern volatile int g_stop_signal;

class sampler : public sc_core::sc_module {
public:
    sampler(sc_core::sc_module_name name, const sample_sources &src, const Run &run, FILE *csv,
            vcd_tracer *vcd, bool progress);

    bool interrupted() const { return interrupted_; }
    int stop_signal() const { return stop_signal_; }
    const sample &last() const { return last_; }
    uint64_t peak_swap_used() const { return peak_swap_used_; }
    uint64_t rows() const { return rows_; }
    /* Free pages: mean over the samples from the first kswapd wake on (all samples if it never
       woke), i.e. what the watermarks hold back under pressure; minimum over all samples. */
    double free_under_pressure() const { return free_rows_ ? (double)free_sum_ / (double)free_rows_ : 0; }
    uint64_t free_min() const { return rows_ ? free_min_ : 0; }
    /* Why the run ended: "duration", "first_oom", "steady", "interrupted" (empty while running). */
    const std::string &end_reason() const { return end_reason_; }

private:
    void run();
    bool steady(const sample &s);

    sample_sources src_;
    Run run_;
    FILE *csv_;
    vcd_tracer *vcd_;
    bool progress_;
    sample last_;
    uint64_t peak_swap_used_ = 0, rows_ = 0;
    uint64_t free_sum_ = 0, free_rows_ = 0, free_min_ = UINT64_MAX;
    bool pressure_ = false;
    bool interrupted_ = false;
    int stop_signal_ = 0;
    std::string end_reason_;
    sc_core::sc_time steady_since_;
    bool steady_run_ = false;
    std::chrono::steady_clock::time_point wall_start_, wall_last_;
};

} // namespace mmsim

#endif
