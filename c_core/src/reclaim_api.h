/*
 * The reclaim layer as the page allocator's slow path calls it
 * (mm/vmscan.c, mm/oom_kill.c). Implemented by c_core's reclaim files.
 */
#ifndef MMSIM_RECLAIM_API_H
#define MMSIM_RECLAIM_API_H

#include "internal.h"

/* mm/vmscan.c: wakeup_kswapd (called per zone by wake_all_kswapds' caller) */
void wakeup_kswapd(struct mm_node *n, gfp_t gfp, unsigned order, int highest_zoneidx);
/* mm/vmscan.c: try_to_free_pages; returns nr_reclaimed */
uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);
/* mm/vmscan.c: zone_reclaimable_pages (for should_reclaim_retry) */
uint64_t zone_reclaimable_pages(const struct mm_node *n, const struct zone *z);
/* mm/oom_kill.c: out_of_memory; true if memory was freed or a victim chosen */
bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);
/* The LRU/swap/owner part of mm_check: 0 or -1 with a message. */
int check_reclaim_state(const struct mm_node *n, char *msg, size_t len);
/* Called by mm_node_create (after the zones exist) and mm_node_destroy. */
void reclaim_state_init(struct mm_node *n);
void reclaim_state_destroy(struct mm_node *n);

#endif /* MMSIM_RECLAIM_API_H */
