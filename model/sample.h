/*
 * One sample of the machine's state: what a timeseries.csv row and the VCD
 * carry (docs/outputs.md). Filled by collect_sample from c_core's queries
 * and the model's threads; per-period figures are deltas against the
 * previous sample.
 */
#ifndef MMSIM_MODEL_SAMPLE_H
#define MMSIM_MODEL_SAMPLE_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "mmsim/mm.h"

namespace mmsim {

class allocator_target;
class swap_device;
class kswapd;
class process;
class run_recorder;

struct sample {
    sc_core::sc_time time;
    uint64_t totalram = 0, freeram = 0, totalswap = 0, freeswap = 0;
    uint64_t nr_free_pages = 0, nr_file_pages = 0, nr_anon_mapped = 0, nr_kernel_pages = 0;
    uint64_t lru[4] = {};                       /* inactive_anon, active_anon, inactive_file, active_file */
    uint64_t free_blocks[MM_NR_PAGE_ORDERS] = {};
    uint64_t wmark_min = 0, wmark_low = 0, wmark_high = 0;
    uint64_t reclaimed_kswapd = 0, reclaimed_direct = 0;           /* per period */
    uint64_t pgscan_kswapd = 0, pgscan_direct = 0, pgsteal_kswapd = 0, pgsteal_direct = 0;
    uint64_t pswpout = 0, pswpin = 0, pgmajfault = 0, allocstall = 0, oom_kill = 0, kswapd_wake = 0;
    double kswapd_active = 0, direct_reclaim_active = 0;          /* per period, 0..1 */
    unsigned kswapd_state = 0, direct_reclaim_tasks = 0, swap_io_inflight = 0;
    uint64_t splits = 0, merges = 0;                              /* per period */
    /* cumulative bases for the per-period figures */
    uint64_t splits_total = 0, merges_total = 0;
    sc_core::sc_time kswapd_running, direct_busy;
    /* VCD only */
    std::vector<uint64_t> zone_free;            /* populated zones, in index order */
    std::vector<uint8_t> proc_state;
    std::vector<uint64_t> proc_rss;
    uint64_t oom_kills_in_period = 0;
    uint64_t zram_pool_pages = 0;
};

struct sample_sources {
    allocator_target *alloc;
    swap_device *swap;
    kswapd *kswapd0;
    std::vector<process *> processes;
    run_recorder *rec;
};

/* Fill s at the current simulated time; prev is the previous sample (or a zero one). */
void collect_sample(const sample_sources &src, const sample &prev, sample &s);

/* The CSV header line of timeseries.csv (without newline) and one row. */
const char *timeseries_header();
std::string timeseries_row(const sample &s);

/* "S.NNNNNNNNN": seconds with nine decimals, exact from the time's integer value. */
std::string format_seconds(const sc_core::sc_time &t);
/* Nanoseconds, exact (whatever SystemC's time resolution is). */
uint64_t to_ns(const sc_core::sc_time &t);

} // namespace mmsim

#endif
