#include "sampler.h"

#include <cmath>

#include "process.h"
#include "run_recorder.h"
#include "vcd_tracer.h"

using sc_core::sc_time;
using sc_core::SC_SEC;

namespace mmsim {

volatile int g_stop_signal = 0;

sampler::sampler(sc_core::sc_module_name name, const sample_sources &src, const Run &run, FILE *csv,
                 vcd_tracer *vcd, bool progress)
    : sc_module(name), src_(src), run_(run), csv_(csv), vcd_(vcd), progress_(progress)
{
    SC_HAS_PROCESS(sampler);
    SC_THREAD(run);
}

/* steady: no reclaim in the period, kswapd asleep with free pages at or above high, every process idle
   (no upper bound on free pages: kswapd stops up to about 2 x high, an exit frees much more). */
bool sampler::steady(const sample &s)
{
    bool quiet = s.reclaimed_kswapd == 0 && s.reclaimed_direct == 0 && s.kswapd_state == 0 &&
                 s.nr_free_pages >= s.wmark_high;
    for (process *p : src_.processes)
        quiet = quiet && p->idle();
    if (!quiet) {
        steady_run_ = false;
        return false;
    }
    if (!steady_run_) {
        steady_run_ = true;
        steady_since_ = s.time;
    }
    return (s.time - steady_since_).to_seconds() >= run_.steady_window_s;
}

void sampler::run()
{
    const sc_time period(run_.sample_period_s, SC_SEC);
    const uint64_t rows = (uint64_t)std::llround(run_.duration_s / run_.sample_period_s);
    wall_start_ = wall_last_ = std::chrono::steady_clock::now();
    collect_sample(src_, last_, last_); /* the state at time 0: base of the first period's deltas */
    if (vcd_)
        vcd_->update(last_);
    for (uint64_t k = 1; k <= rows; k++) {
        sc_core::wait(period * (double)k - sc_core::sc_time_stamp());
        sample s;
        collect_sample(src_, last_, s);
        last_ = s;
        rows_++;
        /* free memory under pressure: from the first kswapd wake on (the whole run if it never woke) */
        if (s.kswapd_wake > 0 && !pressure_) {
            pressure_ = true;
            free_sum_ = 0;
            free_rows_ = 0;
        }
        free_sum_ += s.nr_free_pages;
        free_rows_++;
        if (s.nr_free_pages < free_min_)
            free_min_ = s.nr_free_pages;
        if (csv_) {
            std::fputs(timeseries_row(s).c_str(), csv_);
            std::fputc('\n', csv_);
        }
        if (vcd_)
            vcd_->update(s);
        uint64_t used = s.totalswap - s.freeswap;
        if (used > peak_swap_used_)
            peak_swap_used_ = used;
        if (progress_) {
            auto now = std::chrono::steady_clock::now();
            if (now - wall_last_ >= std::chrono::seconds(1)) {
                wall_last_ = now;
                std::fprintf(stderr,
                             "mmsim: %.2f s of %.2f s simulated (%.0f %%), %llu events (%llu direct reclaim stalls, "
                             "%llu OOM kills)\n",
                             s.time.to_seconds(), run_.duration_s, 100.0 * (double)k / (double)rows,
                             (unsigned long long)src_.rec->rows,
                             (unsigned long long)src_.rec->direct_reclaim_stalls,
                             (unsigned long long)src_.rec->oom_kills);
            }
        }
        if (g_stop_signal) {
            interrupted_ = true;
            end_reason_ = "interrupted";
            stop_signal_ = g_stop_signal; /* the event row is written after sc_stop: see last_row() */
            break;
        }
        if (run_.stop == StopCondition::first_oom && src_.rec->oom_kills > 0) {
            end_reason_ = "first_oom";
            break;
        }
        if (run_.stop == StopCondition::steady && steady(s)) {
            end_reason_ = "steady";
            break;
        }
    }
    if (end_reason_.empty())
        end_reason_ = "duration";
    src_.rec->flush();
    if (csv_)
        std::fflush(csv_);
    sc_core::sc_stop();
}

} // namespace mmsim
