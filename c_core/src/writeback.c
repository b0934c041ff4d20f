/*
 * Reclaim writeback and its throttling (mm/vmscan.c, mm/filemap.c,
 * mm/page-writeback.c): folios a reclaim batch writes stay allocated and
 * isolated under PG_writeback until their write ends. Synchronous swap-out
 * (the default) ends them after the batch's io_wait; asynchronous swap-out
 * (mm_config.swap_writeout_async) lets the host end each one at its
 * completion (mm_end_writeback), and reclaimers wait only in reclaim_throttle.
 */
#include "reclaim_internal.h"

enum { WB_BY_DIRECT = 0, WB_BY_KSWAPD = 1 }; /* page->index of a folio under writeback */

/* mm/page-writeback.c: __folio_start_writeback (PG_writeback, NR_WRITEBACK) */
void folio_start_writeback(struct mm_node *n, uint32_t pfn, bool kswapd)
{
	struct page *p = pfn_to_page(n, pfn);
	int file = folio_is_file_lru(p);

	account_page_type(n, file ? MM_PAGE_FILE : MM_PAGE_ANON, -1);
	p->writeback = 1;
	p->index = kswapd ? WB_BY_KSWAPD : WB_BY_DIRECT; /* no PTE or cache slot needs the index any more */
	mod_stat(n, NR_WRITEBACK, 1);
	n->wb_inflight[file]++;
	struct zone *z = pfn_zone(n, pfn);
	if (z)
		z->nr_writeback[file]++;
}

/* mm/filemap.c: folio_end_writeback (then the freeing a later shrink_folio_list does) */
bool folio_end_writeback(struct mm_node *n, struct mm_task *t, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);
	int file = folio_is_file_lru(p);
	bool kswapd = p->index == WB_BY_KSWAPD;

	p->writeback = 0;
	mod_stat(n, NR_WRITEBACK, -1);
	n->wb_inflight[file]--;
	if (n->wb_met[file])
		n->wb_met[file]--; /* the met folios are the oldest writes: they complete first */
	struct zone *z = pfn_zone(n, pfn);
	if (z)
		z->nr_writeback[file]--;
	free_pages_to_buddy(n, pfn, 0);
	host_cpu(n, t, MM_COST_PAGE_FREED, 1);
	return kswapd;
}

/* mm/vmscan.c: __acct_reclaim_writeback (via acct_reclaim_writeback) */
static void acct_reclaim_writeback(struct mm_node *n)
{
	int nr_throttled = n->nr_writeback_throttled;

	if (!nr_throttled)
		return;
	n->nr_throttled_written++;
	if (n->nr_throttled_written - n->nr_reclaim_start > (uint64_t)MM_SWAP_CLUSTER_MAX * (uint64_t)nr_throttled &&
	    n->host.throttle_wake)
		n->host.throttle_wake(n->host.ctx, MM_THROTTLE_WRITEBACK);
}

/*
 * The kernel rotates the written folio to the inactive tail
 * (folio_rotate_reclaimable) and the next scan frees it; mmsim frees it now,
 * counts it for the reclaimer that wrote it, and lets the next scan of its
 * LRU type find it (wb_rotated) as that scan's progress.
 */
int mm_end_writeback(struct mm_node *n, uint32_t pfn)
{
	if (!n || pfn >= n->node_spanned_pages || !n->mem_map[pfn].writeback || !n->cfg.swap_writeout_async)
		return -1;
	bool file = folio_is_file_lru(pfn_to_page(n, pfn));
	bool kswapd = folio_end_writeback(n, NULL, pfn);
	count_vm_events(n, kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, 1);
	count_vm_events(n, file ? PGSTEAL_FILE : PGSTEAL_ANON, 1);
	n->wb_rotated[file]++;
	acct_reclaim_writeback(n);
	return 0;
}

/* mm/vmscan.c: skip_throttle_noprogress */
static bool skip_throttle_noprogress(const struct mm_node *n)
{
	uint64_t reclaimable = 0;

	if (n->kswapd_failures >= MM_MAX_RECLAIM_RETRIES)
		return true;
	for (int z = 0; z < MM_MAX_NR_ZONES; z++)
		if (managed_zone(&n->zones[z]))
			reclaimable += zone_reclaimable_pages(n, &n->zones[z]);
	/* NR_ZONE_WRITE_PENDING summed over the zones: dirty + writeback */
	uint64_t write_pending = n->stat[NR_FILE_DIRTY] + n->stat[NR_WRITEBACK];
	return 2 * write_pending <= reclaimable;
}

/* mm/vmscan.c: reclaim_throttle */
void reclaim_throttle(struct mm_node *n, struct mm_task *t, enum mm_throttle_reason reason)
{
	uint64_t timeout_ns;

	switch (reason) {
	case MM_THROTTLE_WRITEBACK:
		timeout_ns = MM_THROTTLE_WRITEBACK_NS;
		if (++n->nr_writeback_throttled == 1)
			n->nr_reclaim_start = n->nr_throttled_written;
		break;
	case MM_THROTTLE_CONGESTED:
	case MM_THROTTLE_NOPROGRESS:
		if (skip_throttle_noprogress(n))
			return;
		timeout_ns = MM_THROTTLE_NOPROGRESS_NS;
		break;
	case MM_THROTTLE_ISOLATED:
	default:
		timeout_ns = MM_THROTTLE_ISOLATED_NS;
		break;
	}
	if (n->host.throttle)
		n->host.throttle(n->host.ctx, t, reason, timeout_ns);
	if (reason == MM_THROTTLE_WRITEBACK)
		n->nr_writeback_throttled--;
}

/* mm/vmscan.c: consider_reclaim_throttle */
void consider_reclaim_throttle(struct mm_node *n, struct scan_control *sc)
{
	if (sc->nr_reclaimed > (sc->nr_scanned >> 3)) {
		if (n->host.throttle_wake)
			n->host.throttle_wake(n->host.ctx, MM_THROTTLE_NOPROGRESS);
		return;
	}
	if (sc->kswapd)
		return;
	if (sc->priority == 1 && !sc->nr_reclaimed)
		reclaim_throttle(n, sc->task, MM_THROTTLE_NOPROGRESS);
}

/* mm/vmscan.c: clear_pgdat_congested */
void clear_pgdat_congested(struct mm_node *n)
{
	n->lruvec_congested = false;
	n->pgdat_writeback = false;
}
