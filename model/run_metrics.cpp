#include "run_metrics.h"

#include <cinttypes>
#include <cstdio>

#include "run_recorder.h"
#include "scenario.h"

namespace mmsim {

namespace {
std::string u64(uint64_t v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%" PRIu64, v);
    return b;
}

std::string fixed(double v, int decimals)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}
} // namespace

std::vector<metric> collect_metrics(const run_recorder &rec, const mm_node *n, const run_end &end)
{
    std::vector<metric> m;
    auto add = [&](const char *name, std::string v) { m.push_back({name, std::move(v)}); };
    const latency_histogram all = rec.latency.all();
    const bool any = all.count() > 0;
    auto pct = [&](const latency_histogram &h, uint32_t ppm) {
        return h.count() ? u64(h.percentile_ppm(ppm)) : std::string();
    };
    add("alloc_count", u64(all.count()));
    add("alloc_latency_mean_ns", any ? fixed(all.mean(), 1) : "");
    add("alloc_latency_p50_ns", pct(all, 500000));
    add("alloc_latency_p90_ns", pct(all, 900000));
    add("alloc_latency_p99_ns", pct(all, 990000));
    add("alloc_latency_p999_ns", pct(all, 999000));
    add("alloc_latency_max_ns", any ? u64(all.max()) : "");
    const latency_histogram &resp = rec.latency.response;
    add("alloc_response_p50_ns", pct(resp, 500000));
    add("alloc_response_p90_ns", pct(resp, 900000));
    add("alloc_response_p99_ns", pct(resp, 990000));
    add("alloc_response_p999_ns", pct(resp, 999000));
    add("alloc_response_max_ns", resp.count() ? u64(resp.max()) : "");
    const latency_histogram &major = rec.latency.of(alloc_kind::swap_in);
    add("major_fault_count", u64(major.count()));
    add("major_fault_latency_p99_ns", pct(major, 990000));
    add("direct_reclaim_stalls_count", u64(rec.direct_reclaim_stalls));
    add("direct_reclaim_total_ms", fixed(rec.direct_reclaim_total_ms, 6));
    add("direct_reclaim_longest_ms", fixed(rec.direct_reclaim_longest_ms, 6));
    add("pswpout_pages", u64(mm_event_count(n, PSWPOUT)));
    add("pswpin_pages", u64(mm_event_count(n, PSWPIN)));
    add("pgmajfault_count", u64(mm_event_count(n, PGMAJFAULT)));
    add("file_refaults_pages", u64(mm_stat(n, WORKINGSET_REFAULT_FILE))); /* evicted file pages read again */
    const uint64_t by_kswapd = mm_event_count(n, PGSTEAL_KSWAPD), by_direct = mm_event_count(n, PGSTEAL_DIRECT);
    add("reclaimed_kswapd_pages", u64(by_kswapd));
    add("reclaimed_direct_pages", u64(by_direct));
    add("kswapd_share_ratio",
        by_kswapd + by_direct ? fixed((double)by_kswapd / (double)(by_kswapd + by_direct), 6) : "");
    add("oom_kills_count", u64(rec.oom_kills));
    add("first_oom_kill_s", rec.first_oom_kill_s < 0 ? "" : fixed(rec.first_oom_kill_s, 9));
    add("peak_swap_used_mib", fixed((double)(end.peak_swap_used_pages * kPageBytes) / (1024.0 * 1024.0), 3));
    add("free_under_pressure_mib", fixed(end.free_under_pressure_pages * (double)kPageBytes / (1024.0 * 1024.0), 3));
    add("free_min_mib", fixed((double)(end.free_min_pages * kPageBytes) / (1024.0 * 1024.0), 3));
    add("sim_time_s", fixed(end.sim_time_s, 9));
    add("wall_time_s", fixed(end.wall_time_s, 3));
    return m;
}

std::string metrics_csv(const std::vector<metric> &m)
{
    std::string out = "metric,value\n";
    for (const metric &x : m)
        out += x.name + "," + x.value + "\n";
    return out;
}

} // namespace mmsim
