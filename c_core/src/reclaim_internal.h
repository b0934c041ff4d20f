/*
 * Shared declarations of c_core's reclaim files (lru.c, vmscan.c, kswapd.c,
 * workingset.c, swapfile.c, oom_kill.c, owner.c, memory.c). Only c_core/src
 * includes this file.
 */
#ifndef MMSIM_RECLAIM_INTERNAL_H
#define MMSIM_RECLAIM_INTERNAL_H

#include "internal.h"
#include "reclaim_api.h"

/* ---- struct scan_control (mm/vmscan.c) ---- */
#define DEACTIVATE_ANON 1u
#define DEACTIVATE_FILE 2u

struct scan_control {
	struct mm_task *task;
	bool kswapd;                 /* current_is_kswapd() */
	uint64_t nr_to_reclaim;
	gfp_t gfp_mask;
	int order;
	int priority;
	int reclaim_idx;
	bool may_writepage, may_swap; /* may_unmap is always 1 in mmsim */
	unsigned may_deactivate;     /* DEACTIVATE_* */
	bool force_deactivate, skipped_deactivate;
	bool cache_trim_mode, cache_trim_mode_failed, no_cache_trim_mode;
	bool file_is_tiny, memcg_full_walk;
	uint64_t anon_cost, file_cost;
	uint64_t nr_scanned, nr_reclaimed;
	struct {                     /* sc->nr: what the batches of one shrink_node pass met */
		uint64_t dirty, congested, writeback, immediate, taken;
	} nr;
};

/* ---- lru.c ---- */
static inline bool folio_is_file_lru(const struct page *p) { return !(p->flags & PG_swapbacked); }
static inline enum lru_list folio_lru_list(const struct page *p)
{
	return (enum lru_list)((folio_is_file_lru(p) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) +
			       ((p->flags & PG_active) ? 1 : 0));
}
static inline bool is_file_lru(enum lru_list lru) { return lru >= LRU_INACTIVE_FILE; }
static inline bool is_active_lru(enum lru_list lru) { return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE; }

void lruvec_add_folio(struct mm_node *n, uint32_t pfn);       /* at the head of its list */
void lruvec_del_folio(struct mm_node *n, uint32_t pfn);
void folio_add_lru(struct mm_node *n, uint32_t pfn);
void folio_mark_accessed(struct mm_node *n, uint32_t pfn);
void lru_note_cost(struct mm_node *n, bool file, uint64_t nr_io, uint64_t nr_rotated);
uint64_t lru_pages(const struct mm_node *n);

/* ---- swapfile.c ---- */
#define SWAP_MAP_BAD 0x3f
#define SWAPFILE_CLUSTER 512u
int swap_init(struct mm_node *n, char *err, size_t errlen);
void swap_destroy(struct mm_node *n);
uint32_t get_swap_page(struct mm_node *n);          /* MM_NIL when full */
void swap_free(struct mm_node *n, uint32_t slot);
uint64_t get_nr_swap_pages(const struct mm_node *n); /* free slots */
/* The swap entry of owner's vpn now lives in slot (the reverse map cluster readahead reads). */
static inline void swap_set_rmap(struct mm_node *n, uint32_t slot, uint32_t owner, uint32_t vpn)
{
	n->swap.rmap_owner[slot] = (uint16_t)owner;
	n->swap.rmap_vpn[slot] = vpn;
}

/* ---- swap_state.c: swap readahead ---- */
/*
 * do_swap_page's read of the swapped-out anon page at owner o's vpn (slot e's
 * value) into pfn, already mapped: the single read of a SWP_SYNCHRONOUS_IO
 * device or swapin_readahead's window. Issues the reads, does not wait.
 */
void swap_read_in(struct mm_node *n, struct mm_task *t, uint32_t owner, uint32_t vpn, uint32_t slot,
		  uint32_t pfn);
/* swap_cache_get_folio's readahead hit: the first touch of a page readahead mapped. */
void swap_readahead_hit(struct mm_node *n, struct mm_owner *o, uint32_t vpn, struct page *p);

/* ---- workingset.c ---- */
uint32_t workingset_eviction(struct mm_node *n, const struct page *p); /* returns the shadow value */
/* A page-cache miss found shadow: decide activation of the new folio at pfn before it enters the LRU. */
bool workingset_refault(struct mm_node *n, uint32_t pfn, uint32_t shadow);
void workingset_activation(struct mm_node *n);

/* ---- vmscan.c ---- */
void shrink_node(struct mm_node *n, struct scan_control *sc);
void shrink_active_list(struct mm_node *n, uint64_t nr_to_scan, struct scan_control *sc, enum lru_list lru);
bool can_reclaim_anon_pages(const struct mm_node *n);
bool zone_watermark_ok_safe_for(const struct mm_node *n, const struct zone *z, int order, uint64_t mark,
				int highest_zoneidx);

/* ---- writeback.c ---- */
void folio_start_writeback(struct mm_node *n, uint32_t pfn, bool kswapd);
/* Ends the write and frees the folio; returns true if kswapd wrote it. */
bool folio_end_writeback(struct mm_node *n, struct mm_task *t, uint32_t pfn);
void reclaim_throttle(struct mm_node *n, struct mm_task *t, enum mm_throttle_reason reason);
void consider_reclaim_throttle(struct mm_node *n, struct scan_control *sc);
void clear_pgdat_congested(struct mm_node *n);
static inline bool writeout_async(const struct mm_node *n) { return n->cfg.swap_writeout_async; }

/* ---- owner.c / memory.c ---- */
struct mm_owner *owner_get(struct mm_node *n, uint32_t id);
int owner_reserve_pte(struct mm_node *n, struct mm_owner *o, uint32_t idx); /* 0 ok, -1 no memory */
void owner_note_pte_populated(struct mm_owner *o, uint32_t idx);
/* Frees a reclaimed or unmapped user folio back to the buddy allocator. */
void user_folio_free(struct mm_node *n, uint32_t pfn);
/* The reaper's work: frees every page, slot and shadow of owner o. */
uint64_t owner_release_memory(struct mm_node *n, uint32_t id);
int owners_init(struct mm_node *n, char *err, size_t errlen);
void owners_destroy(struct mm_node *n);

/* ---- host helpers (host_cpu / host_event are the allocator's, internal.h) ---- */
static inline void host_io_wait(struct mm_node *n, struct mm_task *t)
{
	if (n->host.io_wait)
		n->host.io_wait(n->host.ctx, t);
}
static inline void mod_stat(struct mm_node *n, enum mm_stat_item i, int64_t v)
{
	n->stat[i] = (uint64_t)((int64_t)n->stat[i] + v);
}
static inline uint32_t task_owner(const struct mm_task *t) { return t ? t->owner : MM_NIL; }

#endif /* MMSIM_RECLAIM_INTERNAL_H */
