/*
 * Lifetime of the reclaim state of a node: LRU lists, the swap device,
 * the owner table and kswapd's pglist_data fields (pgdat_init_internals,
 * kswapd_run, sys_swapon).
 */
#include <stdio.h>
#include <string.h>

#include "reclaim_internal.h"

/* mm_node_create has validated cfg (swappiness, swap_pages, max_owners); a host allocation failure leaves
 * no swap device / no owner table, which later calls report. */
void reclaim_state_init(struct mm_node *n)
{
	char err[160];

	memset(&n->lruvec, 0, sizeof(n->lruvec));
	for (int l = 0; l < NR_LRU_LISTS; l++)
		n->lruvec.lists[l].first = n->lruvec.lists[l].last = MM_NIL;
	memset(&n->swap, 0, sizeof(n->swap));
	n->kswapd_order = 0;
	n->kswapd_highest_zoneidx = MM_MAX_NR_ZONES;
	n->kswapd_failures = 0;
	n->kswapd_sleeping = true; /* kswapd starts in kswapd_try_to_sleep */
	if (swap_init(n, err, sizeof(err)))
		swap_destroy(n);
	if (owners_init(n, err, sizeof(err)))
		owners_destroy(n);
}

void reclaim_state_destroy(struct mm_node *n)
{
	owners_destroy(n);
	swap_destroy(n);
}
