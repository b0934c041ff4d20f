#include "sample.h"

#include <cinttypes>
#include <cstdio>

#include "allocator_target.h"
#include "kswapd.h"
#include "mmsim/reclaim.h"
#include "process.h"
#include "run_recorder.h"
#include "swap_device.h"

namespace mmsim {

static uint64_t ps_per_unit()
{
    static const uint64_t v = (uint64_t)(sc_core::sc_get_time_resolution().to_seconds() * 1e12 + 0.5);
    return v;
}

uint64_t to_ns(const sc_core::sc_time &t) { return (uint64_t)t.value() * ps_per_unit() / 1000; }

std::string format_seconds(const sc_core::sc_time &t)
{
    /* the time value counts resolution units (1 ns in the model: init_model_time) */
    uint64_t ps = (uint64_t)t.value() * ps_per_unit();
    char buf[48];
    std::snprintf(buf, sizeof buf, "%llu.%09llu", (unsigned long long)(ps / 1000000000000ull),
                  (unsigned long long)((ps % 1000000000000ull) / 1000));
    return buf;
}

void collect_sample(const sample_sources &src, const sample &prev, sample &s)
{
    const mm_node *n = src.alloc->node();
    s.time = sc_core::sc_time_stamp();
    s.totalram = mm_total_pages(n);
    s.nr_free_pages = mm_stat(n, NR_FREE_PAGES);
    s.freeram = s.nr_free_pages;
    mm_swapinfo si;
    mm_si_swapinfo(n, &si);
    s.totalswap = si.totalswap;
    s.freeswap = si.freeswap;
    s.nr_file_pages = mm_stat(n, NR_FILE_PAGES);
    s.nr_anon_mapped = mm_stat(n, NR_ANON_MAPPED);
    s.nr_kernel_pages = mm_stat(n, NR_KERNEL_PAGES);
    s.lru[0] = mm_stat(n, NR_INACTIVE_ANON);
    s.lru[1] = mm_stat(n, NR_ACTIVE_ANON);
    s.lru[2] = mm_stat(n, NR_INACTIVE_FILE);
    s.lru[3] = mm_stat(n, NR_ACTIVE_FILE);
    s.wmark_min = s.wmark_low = s.wmark_high = 0;
    s.zone_free.clear();
    for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
        s.free_blocks[o] = 0;
    for (int z = 0; z < MM_MAX_NR_ZONES; z++) {
        mm_zone_info zi;
        mm_zone_get_info(n, (mm_zone_type)z, &zi);
        if (!zi.populated)
            continue;
        s.wmark_min += zi.wmark[MM_WMARK_MIN];
        s.wmark_low += zi.wmark[MM_WMARK_LOW];
        s.wmark_high += zi.wmark[MM_WMARK_HIGH];
        for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
            s.free_blocks[o] += zi.free_blocks[o];
        s.zone_free.push_back(zi.nr_free);
    }
    s.pgscan_kswapd = mm_event_count(n, PGSCAN_KSWAPD);
    s.pgscan_direct = mm_event_count(n, PGSCAN_DIRECT);
    s.pgsteal_kswapd = mm_event_count(n, PGSTEAL_KSWAPD);
    s.pgsteal_direct = mm_event_count(n, PGSTEAL_DIRECT);
    s.reclaimed_kswapd = s.pgsteal_kswapd - prev.pgsteal_kswapd;
    s.reclaimed_direct = s.pgsteal_direct - prev.pgsteal_direct;
    s.pswpout = mm_event_count(n, PSWPOUT);
    s.pswpin = mm_event_count(n, PSWPIN);
    s.pgmajfault = mm_event_count(n, PGMAJFAULT);
    s.allocstall = mm_event_count(n, ALLOCSTALL_DMA) + mm_event_count(n, ALLOCSTALL_DMA32) +
                   mm_event_count(n, ALLOCSTALL_NORMAL) + mm_event_count(n, ALLOCSTALL_MOVABLE) +
                   mm_event_count(n, ALLOCSTALL_DEVICE);
    s.oom_kill = mm_event_count(n, OOM_KILL);
    s.kswapd_wake = mm_event_count(n, KSWAPD_WAKE);
    double period = (s.time - prev.time).to_seconds();
    s.kswapd_running = src.kswapd0->running_time();
    s.direct_busy = src.alloc->direct_reclaim_busy();
    s.kswapd_active = period > 0 ? (s.kswapd_running - prev.kswapd_running).to_seconds() / period : 0;
    s.direct_reclaim_active = period > 0 ? (s.direct_busy - prev.direct_busy).to_seconds() / period : 0;
    if (s.kswapd_active > 1)
        s.kswapd_active = 1;
    if (s.direct_reclaim_active > 1)
        s.direct_reclaim_active = 1;
    s.kswapd_state = (unsigned)src.kswapd0->state();
    s.direct_reclaim_tasks = src.alloc->direct_reclaim_tasks();
    s.swap_io_inflight = src.swap->inflight(s.time);
    s.splits_total = mm_event_count(n, PGSPLIT);
    s.merges_total = mm_event_count(n, PGMERGE);
    s.splits = s.splits_total - prev.splits_total;
    s.merges = s.merges_total - prev.merges_total;
    s.proc_state.clear();
    s.proc_rss.clear();
    for (process *p : src.processes) {
        proc_state st = p->state();
        s.proc_state.push_back((uint8_t)st);
        /* only a live process has an rss (an exited process's owner id may be reused) */
        mm_owner_info oi;
        bool live = st == proc_state::running || st == proc_state::stalled;
        s.proc_rss.push_back(live && mm_owner_get_info(n, p->owner(), &oi) ? oi.rss_anon + oi.rss_file : 0);
    }
    s.oom_kills_in_period = src.rec->oom_kills_in_period;
    src.rec->oom_kills_in_period = 0;
    s.zram_pool_pages = src.alloc->zram_pool_pages();
}

const char *timeseries_header()
{
    return "time_s,totalram,freeram,totalswap,freeswap,nr_free_pages,nr_file_pages,nr_anon_mapped,"
           "nr_kernel_pages,nr_inactive_anon,nr_active_anon,nr_inactive_file,nr_active_file,"
           "free_o0,free_o1,free_o2,free_o3,free_o4,free_o5,free_o6,free_o7,free_o8,free_o9,free_o10,"
           "wmark_min,wmark_low,wmark_high,reclaimed_kswapd,reclaimed_direct,"
           "pgscan_kswapd,pgscan_direct,pgsteal_kswapd,pgsteal_direct,pswpout,pswpin,pgmajfault,"
           "allocstall,oom_kill,kswapd_wake,kswapd_active,direct_reclaim_active,"
           "kswapd_state,direct_reclaim_tasks,swap_io_inflight,splits,merges";
}

std::string timeseries_row(const sample &s)
{
    std::string r = format_seconds(s.time);
    char buf[64];
    auto u = [&](uint64_t v) {
        std::snprintf(buf, sizeof buf, ",%" PRIu64, v);
        r += buf;
    };
    auto f = [&](double v) {
        std::snprintf(buf, sizeof buf, ",%.4f", v);
        r += buf;
    };
    u(s.totalram); u(s.freeram); u(s.totalswap); u(s.freeswap);
    u(s.nr_free_pages); u(s.nr_file_pages); u(s.nr_anon_mapped); u(s.nr_kernel_pages);
    for (uint64_t v : s.lru) u(v);
    for (uint64_t v : s.free_blocks) u(v);
    u(s.wmark_min); u(s.wmark_low); u(s.wmark_high);
    u(s.reclaimed_kswapd); u(s.reclaimed_direct);
    u(s.pgscan_kswapd); u(s.pgscan_direct); u(s.pgsteal_kswapd); u(s.pgsteal_direct);
    u(s.pswpout); u(s.pswpin); u(s.pgmajfault); u(s.allocstall); u(s.oom_kill); u(s.kswapd_wake);
    f(s.kswapd_active); f(s.direct_reclaim_active);
    u(s.kswapd_state); u(s.direct_reclaim_tasks); u(s.swap_io_inflight);
    u(s.splits); u(s.merges);
    return r;
}

} // namespace mmsim
