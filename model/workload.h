/*
 * The workload of one process as a stream of page operations in simulated
 * time, built from its scenario entry. Plain C++ (no SystemC): the SystemC
 * process thread replays it through the allocator target, and the c_core
 * benchmark replays the same stream with direct calls.
 *
 * Streams (each at its own rate, evenly spaced, never catching up after a
 * stall: the next operation is due one period after the previous one was
 * issued or at the caller's time, whichever is later):
 *   anon   first touch of the next vpn until target_rss_pages (2^order vpns per allocation)
 *   touch  re-touch of an old vpn (uniform or cyclic)
 *   read / write  one page of the file (sequential, uniform or hot set)
 *   kernel GFP_KERNEL allocation of a weighted order, freed by the free pattern
 *   exact  alloc_pages_exact of a uniform size, freed by the free pattern
 */
#ifndef MMSIM_MODEL_WORKLOAD_H
#define MMSIM_MODEL_WORKLOAD_H

#include <cstdint>
#include <queue>
#include <vector>

#include "prng.h"
#include "scenario.h"

namespace mmsim {

enum class op_kind { anon_new, anon_touch, file_read, file_write, kernel_alloc, kernel_free, exact_alloc, exact_free };

struct page_op {
    op_kind kind;
    uint32_t index = 0;     /* vpn or file index */
    unsigned order = 0;     /* kernel allocations */
    uint64_t size_pages = 0;/* exact allocations */
    uint32_t pfn = 0;       /* frees */
    double period = 0;      /* s between operations of its stream (0: not a rate stream, e.g. frees) */
};

class workload {
public:
    workload(const Process &p, uint64_t file_size_pages, uint64_t seed);

    /* Time (s) of the next operation, or a negative value when none is left. */
    double next_time() const;
    /* The next operation; now_s is the issuing thread's time (for the no-catch-up rule). */
    page_op next(double now_s);
    /* Report where an allocation went (kernel_alloc / exact_alloc); pfn MM_NIL-like ~0u = failed. */
    void allocated(const page_op &op, uint32_t pfn, double now_s);
    /* Live kernel and exact allocations (to free at exit). */
    std::vector<page_op> live_frees() const;
    uint32_t anon_vpns() const { return next_vpn_; }

private:
    struct stream {
        double period = 0;  /* s between operations, 0 = off */
        double due = -1;    /* next due time, < 0 = done */
    };
    /* a live allocation, 8 bytes (pools hold hundreds of thousands: keep them cache-friendly) */
    struct live {
        uint32_t pfn;
        uint16_t order;      /* kernel allocations */
        uint16_t size_pages; /* exact allocations (<= 1024) */
    };
    /* live allocations in allocation order; head_ skips the ones fifo already freed */
    struct pool {
        std::vector<live> v;
        size_t head = 0;
        size_t size() const { return v.size() - head; }
        bool empty() const { return size() == 0; }
    };
    enum { S_ANON, S_TOUCH, S_READ, S_WRITE, S_KERNEL, S_EXACT, S_FREE, NR_STREAMS };

    int earliest() const;
    uint32_t file_index(prng &r);
    void advance(int s, double now_s);
    bool must_free_first(const FreeSpec &f, uint64_t live_pages) const;
    page_op take_free(bool kernel);
    page_op free_op(bool kernel, const live &l) const;

    Process p_;
    uint64_t file_pages_;
    prng rng_;
    stream st_[NR_STREAMS];
    uint32_t next_vpn_ = 0;
    uint32_t anon_limit_;
    uint32_t touch_cursor_ = 0;
    uint32_t seq_cursor_ = 0;
    double order_weight_sum_ = 0;
    pool kernel_live_, exact_live_;
    uint64_t kernel_live_pages_ = 0, exact_live_pages_ = 0;
    /* lifetime frees: (due time, sequence, op) */
    struct timed_free {
        double due;
        uint64_t seq;
        page_op op;
        bool operator>(const timed_free &o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };
    std::priority_queue<timed_free, std::vector<timed_free>, std::greater<timed_free>> timed_;
    uint64_t timed_seq_ = 0;
    bool pending_free_ = false; /* a pool free must precede the next allocation */
};

} // namespace mmsim

#endif
