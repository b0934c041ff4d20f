/*
 * Placeholder reclaim layer until c_core's vmscan/oom files land (branch
 * reclaim deletes this file): no LRU, nothing to reclaim, no OOM victim.
 */
#include "reclaim_api.h"

/* mm/vmscan.c: wakeup_kswapd (no kcompactd; the host wakes its kswapd) */
void wakeup_kswapd(struct mm_node *n, gfp_t gfp, unsigned order, int highest_zoneidx)
{
	(void)gfp;
	if (n->kswapd_highest_zoneidx < highest_zoneidx)
		n->kswapd_highest_zoneidx = highest_zoneidx;
	if (n->kswapd_order < (int)order)
		n->kswapd_order = (int)order;
	if (!n->kswapd_sleeping)
		return;
	if (n->kswapd_failures >= MM_MAX_RECLAIM_RETRIES)
		return;
	for (int i = 0; i <= highest_zoneidx; i++) { /* pgdat_balanced */
		const struct zone *z = &n->zones[i];
		if (managed_zone(z) && zone_watermark_ok_safe(z, order, high_wmark_pages(z), highest_zoneidx))
			return;
	}
	n->events[KSWAPD_WAKE]++;
	host_event(n, MM_EV_KSWAPD_WAKE, MM_NIL, order, highest_zoneidx, 0);
	if (n->host.wake_kswapd)
		n->host.wake_kswapd(n->host.ctx);
}

uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp)
{
	(void)n, (void)t, (void)order, (void)gfp;
	return 0;
}

/* mm/vmscan.c: zone_reclaimable_pages (file LRU, plus anon when swap has room) */
uint64_t zone_reclaimable_pages(const struct mm_node *n, const struct zone *z)
{
	uint64_t nr = z->vm_stat[NR_ZONE_INACTIVE_FILE] + z->vm_stat[NR_ZONE_ACTIVE_FILE];
	if (n->swap.pages > n->swap.inuse_pages)
		nr += z->vm_stat[NR_ZONE_INACTIVE_ANON] + z->vm_stat[NR_ZONE_ACTIVE_ANON];
	return nr;
}

bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp)
{
	(void)n, (void)t, (void)order, (void)gfp;
	return false;
}

int check_reclaim_state(const struct mm_node *n, char *msg, size_t len)
{
	(void)n, (void)msg, (void)len;
	return 0;
}

void reclaim_state_init(struct mm_node *n)
{
	n->kswapd_sleeping = true;
}

void reclaim_state_destroy(struct mm_node *n) { (void)n; }
