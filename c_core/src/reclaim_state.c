/*
 * Lifetime of the reclaim state of a node: LRU lists, the swap device,
 * the owner table and kswapd's pglist_data fields (pgdat_init_internals,
 * kswapd_run, sys_swapon).
 */
#include <stdio.h>
#include <string.h>

#include "reclaim_internal.h"

int reclaim_state_init(struct mm_node *n, char *err, size_t errlen)
{
	memset(&n->lruvec, 0, sizeof(n->lruvec));
	for (int l = 0; l < NR_LRU_LISTS; l++)
		n->lruvec.lists[l].first = n->lruvec.lists[l].last = MM_NIL;
	memset(&n->swap, 0, sizeof(n->swap));
	n->kswapd_order = 0;
	n->kswapd_highest_zoneidx = MM_MAX_NR_ZONES;
	n->kswapd_failures = 0;
	n->kswapd_sleeping = true; /* kswapd starts in kswapd_try_to_sleep */
	if (n->cfg.swappiness > 200) {
		snprintf(err, errlen, "swappiness: %u is out of range (0..200)", n->cfg.swappiness);
		return -1;
	}
	if (swap_init(n, err, errlen))
		return -1;
	if (owners_init(n, err, errlen)) {
		swap_destroy(n);
		return -1;
	}
	return 0;
}

void reclaim_state_destroy(struct mm_node *n)
{
	owners_destroy(n);
	swap_destroy(n);
}
