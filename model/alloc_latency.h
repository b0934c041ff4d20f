/*
 * Every allocation's simulated latency, by the kind of request that
 * allocated (docs/outputs.md, metrics.csv and latency_hist.csv): one
 * latency_histogram per kind; "all" is their merge.
 */
#ifndef MMSIM_MODEL_ALLOC_LATENCY_H
#define MMSIM_MODEL_ALLOC_LATENCY_H

#include <cstdint>
#include <string>

#include "latency_histogram.h"

namespace mmsim {

enum class alloc_kind : unsigned {
    anon_fault, /* first touch of an anon page (minor fault): fast or slow path */
    swap_in,    /* major fault: allocation plus the swap-in wait */
    file_fill,  /* page-cache miss, up to the allocation (the file read excluded) */
    kernel,     /* mm_alloc_pages (kernel allocation) */
    exact,      /* alloc_pages_exact */
    unfinished, /* an anon fault still waiting when the run ended: the time waited so far */
    count
};

const char *to_string(alloc_kind k);

struct alloc_latency {
    latency_histogram by_kind[(unsigned)alloc_kind::count];
    /* all kinds, corrected for coordinated omission: a stalled stream's missed requests count too */
    latency_histogram response;

    void record(alloc_kind k, uint64_t ns, uint64_t interval_ns)
    {
        by_kind[(unsigned)k].record(ns);
        response.record_corrected(ns, interval_ns);
    }
    const latency_histogram &of(alloc_kind k) const { return by_kind[(unsigned)k]; }
    latency_histogram all() const;
};

/*
 * latency_hist.csv: header kind,lower_ns,upper_ns,count; rows for the non-empty
 * bins of `all` then of each kind (sorted by kind name, then lower_ns). A bin holds
 * lower_ns <= latency < upper_ns; bins are about 4 per octave (edges ceil(2^(k/4)) ns
 * moved to the histogram's bucket edges, within 1.6 %).
 */
std::string latency_hist_csv(const alloc_latency &lat);

} // namespace mmsim

#endif
