/*
 * mmsim c_core: reclaim, swap and the OOM killer (mm/vmscan.c, mm/swap.c,
 * mm/workingset.c, mm/swapfile.c, mm/oom_kill.c, mm/memory.c).
 *
 * Owners hold memory: processes (anon pages by virtual page number), files
 * (a page cache by index) and the kernel. Workloads act through the calls
 * below; reclaim runs inside them (direct reclaim) or in the host's kswapd
 * thread, which calls the kswapd functions. Every blocking point is the
 * host's io_wait (struct mm_host in mm.h).
 */
#ifndef MMSIM_RECLAIM_H
#define MMSIM_RECLAIM_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mmsim/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- owners ---- */
enum mm_owner_kind { MM_OWNER_FREE, MM_OWNER_KERNEL, MM_OWNER_PROCESS, MM_OWNER_FILE };

#define MM_OOM_SCORE_ADJ_MIN (-1000)
#define MM_OOM_SCORE_ADJ_MAX 1000
#define MM_MAX_VPN ((1u << 30) - 1) /* highest vpn / file index an owner may use */

/* Owner 0 is the kernel and exists from mm_node_create on. */
#define MM_OWNER_KERNEL_ID 0u

/*
 * Create an owner; returns its id, or MM_NIL with a one-line message in err
 * (bad kind, oom_score_adj outside -1000..1000, owner table full).
 */
uint32_t mm_owner_create(struct mm_node *n, enum mm_owner_kind kind, int oom_score_adj,
			 const char *name, char *err, size_t errlen);
/* Writes /proc/PID/oom_score_adj; 0, or -1 for an unknown owner or adj outside -1000..1000. */
int mm_owner_set_oom_score_adj(struct mm_node *n, uint32_t owner, int oom_score_adj);
/* Process exit / file deletion: frees every page, swap slot and shadow entry it holds. */
void mm_owner_exit(struct mm_node *n, uint32_t owner);

struct mm_owner_info {
	enum mm_owner_kind kind;
	int oom_score_adj;
	bool oom_victim, dead;
	const char *name;
	uint64_t rss_anon, rss_file, swapents, pgtables; /* get_mm_counter; rss_file is 0 (page cache is not mapped) */
	uint64_t cache_pages; /* files: resident page-cache pages */
};
/* Returns false for an id that is not a live or dead owner. */
bool mm_owner_get_info(const struct mm_node *n, uint32_t owner, struct mm_owner_info *out);

/* ---- workload operations (the task's owner is the process) ---- */
enum mm_fault_result {
	MM_FAULT_HIT,     /* present: only the accessed bit / folio_mark_accessed */
	MM_FAULT_MINOR,   /* first touch of an anon page, or a page-cache miss read from disk */
	MM_FAULT_MAJOR,   /* swap-in (do_swap_page) */
	MM_FAULT_REFAULT, /* page-cache miss with a shadow entry (workingset_refault) */
	MM_FAULT_OOM,     /* the allocation failed */
	MM_FAULT_KILLED,  /* the task's owner was OOM-killed (or is dead) */
	MM_FAULT_EINVAL,  /* bad owner kind or vpn/index beyond MM_MAX_VPN */
	MM_FAULT_SWAPCACHE /* first touch of a page swap readahead brought in (a swap-cache hit: minor, no I/O) */
};

/* A process touches (reads or writes) its anon page at vpn. */
enum mm_fault_result mm_anon_touch(struct mm_node *n, struct mm_task *t, uint32_t vpn);
/* munmap of [vpn, vpn + count): frees resident pages and swap slots. */
void mm_anon_unmap(struct mm_node *n, struct mm_task *t, uint32_t vpn, uint32_t count);
/* echo 1 > /proc/PID/clear_refs: the process's pages look not recently used (accessed bits cleared). */
void mm_clear_refs(struct mm_node *n, uint32_t owner);
/* read() / write() of one page of a file owner through the page cache. */
enum mm_fault_result mm_file_read(struct mm_node *n, struct mm_task *t, uint32_t file, uint32_t index);
enum mm_fault_result mm_file_write(struct mm_node *n, struct mm_task *t, uint32_t file, uint32_t index);

/*
 * ---- kswapd: the host's kswapd thread drives these ----
 *
 * The kernel's kswapd() loop, with the host's waits in the two places it sleeps
 * (task.flags = MM_PF_KSWAPD; zoneidx starts at MM_MAX_NR_ZONES - 1):
 *
 *   for (;;) {
 *       wait until host->wake_kswapd has been called          // kswapd starts asleep
 *       do {
 *           mm_kswapd_take_request(n, &order, &zoneidx);
 *           reclaim_order = mm_balance_pgdat(n, &task, order, zoneidx); // io_wait inside
 *           step = mm_kswapd_sleep_begin(n, reclaim_order, zoneidx);
 *           if (step == MM_KSWAPD_NAP) {
 *               woken = wait MM_KSWAPD_NAP_MS or until host->wake_kswapd;
 *               step = mm_kswapd_sleep_after_nap(n, woken, reclaim_order, zoneidx);
 *           }
 *       } while (step == MM_KSWAPD_RUN);                      // MM_KSWAPD_SLEEP: back to the top
 *   }
 *
 * testbench/fake_host.cpp (KswapdSim) is this loop on a millisecond counter clock.
 */
#define MM_KSWAPD_NAP_MS 100 /* kswapd_try_to_sleep: schedule_timeout(HZ/10) */

/* kswapd(): read and reset the pending request (kswapd_order, kswapd_highest_zoneidx). */
void mm_kswapd_take_request(struct mm_node *n, int *order, int *highest_zoneidx);
/* balance_pgdat: reclaims until balanced or priority runs out; returns the order reclaimed for. */
int mm_balance_pgdat(struct mm_node *n, struct mm_task *kswapd, int order, int highest_zoneidx);
bool mm_pgdat_balanced(const struct mm_node *n, int order, int highest_zoneidx);
bool mm_prepare_kswapd_sleep(const struct mm_node *n, int order, int highest_zoneidx);

/*
 * kswapd_try_to_sleep as two steps around the host's nap:
 *  begin  -> MM_KSWAPD_NAP: wait MM_KSWAPD_NAP_MS (wakeup_kswapd may cut it short),
 *            then call after_nap; MM_KSWAPD_RUN: go and balance (not ready to sleep).
 *  after_nap(woken_early) -> MM_KSWAPD_SLEEP: sleep until host->wake_kswapd;
 *            MM_KSWAPD_RUN: balance again.
 */
enum mm_kswapd_step { MM_KSWAPD_NAP, MM_KSWAPD_SLEEP, MM_KSWAPD_RUN };
enum mm_kswapd_step mm_kswapd_sleep_begin(struct mm_node *n, int reclaim_order, int highest_zoneidx);
enum mm_kswapd_step mm_kswapd_sleep_after_nap(struct mm_node *n, bool woken_early, int reclaim_order,
					      int highest_zoneidx);
bool mm_kswapd_is_sleeping(const struct mm_node *n);
int mm_kswapd_failures(const struct mm_node *n);

/* ---- swap ---- */
struct mm_swapinfo {
	uint64_t totalswap, freeswap; /* pages, as si_swapinfo reports them */
};
void mm_si_swapinfo(const struct mm_node *n, struct mm_swapinfo *out);

/*
 * ---- asynchronous swap-out (mm_config.swap_writeout_async) ----
 * The write of folio pfn, which a reclaimer submitted through host->swap_write or
 * host->file_write, has completed: the folio is freed and counted as reclaimed
 * (PGSTEAL of the reclaimer that submitted it). Returns 0, or -1 when pfn is not
 * under writeback (nothing changes). In synchronous mode c_core ends its writes itself.
 */
int mm_end_writeback(struct mm_node *n, uint32_t pfn);

/* ---- OOM ---- */
#define MM_BADNESS_MIN LONG_MIN
/* oom_badness(owner, totalpages); MM_BADNESS_MIN for unkillable owners. */
long mm_oom_badness(const struct mm_node *n, uint32_t owner, uint64_t totalpages);
/* constrained_alloc's totalpages for global OOM: totalram + total swap. */
uint64_t mm_oom_totalpages(const struct mm_node *n);

/* ---- pure kernel formulas, exposed for tests ---- */
enum mm_scan_balance { MM_SCAN_EQUAL, MM_SCAN_FRACT, MM_SCAN_ANON, MM_SCAN_FILE };

/* Inputs of get_scan_count after prepare_scan_control. lru index = enum lru order: */
/* 0 inactive_anon, 1 active_anon, 2 inactive_file, 3 active_file. */
struct mm_scan_input {
	int priority;            /* 0..DEF_PRIORITY */
	unsigned swappiness;     /* 0..200 */
	bool may_swap;           /* sc->may_swap && swap space is free */
	bool file_is_tiny, cache_trim_mode;
	uint64_t anon_cost, file_cost;
	uint64_t lru_size[4];
};
struct mm_scan_result {
	enum mm_scan_balance balance;
	uint64_t fraction[2];    /* anon, file (SCAN_FRACT) */
	uint64_t denominator;
	uint64_t nr[4];          /* pages to scan per LRU */
};
/* mm/vmscan.c: get_scan_count */
void mm_get_scan_count(const struct mm_scan_input *in, struct mm_scan_result *out);

/* prepare_scan_control's decisions from the node's quantities. */
struct mm_scan_prepare_input {
	int priority;
	uint64_t lru_size[4];
	bool anon_refaults_changed, file_refaults_changed; /* WORKINGSET_ACTIVATE_* vs snapshot */
	bool force_deactivate, no_cache_trim_mode;
	uint64_t free_pages, total_high_wmark;
};
struct mm_scan_prepare_result {
	bool deactivate_anon, deactivate_file, cache_trim_mode, file_is_tiny;
};
/*
 * mm/swap_state.c: __swapin_nr_pages: the swap readahead window in pages
 * from the previous offset, this offset, the readahead hits since, the
 * largest window and the previous window.
 */
uint64_t mm_swapin_nr_pages(uint64_t prev_offset, uint64_t offset, uint64_t hits, uint64_t max_pages,
			    uint64_t prev_win);

/* mm/vmscan.c: prepare_scan_control */
void mm_prepare_scan_control(const struct mm_scan_prepare_input *in, struct mm_scan_prepare_result *out);
/* mm/vmscan.c: inactive_is_low */
bool mm_inactive_is_low(uint64_t inactive, uint64_t active);

/* Consistency of the reclaim state (LRUs, counters, swap slots, page tables). */
int mm_check_reclaim(const struct mm_node *n, char *msg, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_RECLAIM_H */
