/*
 * The payload extension that carries one memory-management request to the
 * allocator target: the generic payload's command is TLM_IGNORE_COMMAND and
 * everything else travels here (the idiomatic way to carry non-memory
 * commands in TLM-2.0). The initiator fills the request part; the target
 * fills the result part.
 */
#ifndef MMSIM_TLM_MM_REQUEST_H
#define MMSIM_TLM_MM_REQUEST_H

#include <cstdint>

#include <tlm>

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

namespace mmsim {

struct initiator_task;

enum class mm_cmd {
    alloc,             /* mm_alloc_pages(order, gfp) for the task's owner: a kernel allocation */
    free,              /* mm_free_pages(pfn, order) */
    alloc_exact,       /* mm_alloc_pages_exact(size_bytes, gfp) */
    free_exact,        /* mm_free_pages_exact(pfn, size_bytes) */
    anon_touch,        /* mm_anon_touch(index = vpn): first touch, hit or swap-in */
    file_read,         /* mm_file_read(file, index) */
    file_write,        /* mm_file_write(file, index) */
    process_start,     /* mm_owner_create(process, oom_score_adj, name) -> owner */
    process_exit,      /* mm_owner_exit(owner) */
    kswapd_take,       /* mm_kswapd_take_request -> order, zoneidx */
    kswapd_balance,    /* mm_balance_pgdat(order, zoneidx) -> order */
    kswapd_sleep_begin,/* mm_kswapd_sleep_begin(order, zoneidx) -> step */
    kswapd_after_nap,  /* mm_kswapd_sleep_after_nap(woken_early, order, zoneidx) -> step */
};

struct mm_request : tlm::tlm_extension<mm_request> {
    /* request */
    mm_cmd cmd = mm_cmd::alloc;
    initiator_task *task = nullptr; /* the calling thread ("current") */
    unsigned order = 0;
    gfp_t gfp = 0;
    uint32_t pfn = MM_NIL;
    uint32_t file = MM_NIL;         /* file owner id */
    uint32_t index = 0;             /* vpn or file index */
    uint64_t size_bytes = 0;
    int zoneidx = 0;
    bool woken_early = false;
    int oom_score_adj = 0;
    const char *name = nullptr;
    /* result */
    uint32_t owner = MM_NIL;        /* process_start */
    mm_alloc_result alloc{};
    mm_fault_result fault = MM_FAULT_HIT;
    mm_kswapd_step step = MM_KSWAPD_RUN;

    tlm::tlm_extension_base *clone() const override { return new mm_request(*this); }
    void copy_from(const tlm::tlm_extension_base &other) override
    {
        *this = static_cast<const mm_request &>(other);
    }
};

} // namespace mmsim

#endif
