/*
 * Page reclaim with the classic active/inactive LRU (mm/vmscan.c with
 * lru_gen disabled): get_scan_count, shrink_active_list,
 * shrink_inactive_list / shrink_folio_list, shrink_lruvec, shrink_node,
 * do_try_to_free_pages and try_to_free_pages.
 *
 * I/O: a batch changes the state of its folios first (slot allocated, PTE
 * a swap entry or page-cache shadow), submits the writes, keeps the written
 * folios isolated under writeback (allocated, NR_WRITEBACK), puts the rest
 * back on the LRU, waits once (host io_wait) for the batch and only then
 * frees the written folios. With asynchronous swap-out the host ends each
 * write when it completes (mm_end_writeback, writeback.c) and reclaim is
 * throttled as 6.12 does it (reclaim_throttle).
 */
#include <string.h>

#include "reclaim_internal.h"

#define MAX_SWAPPINESS 200

/* mm/vmscan.c: inactive_is_low */
bool mm_inactive_is_low(uint64_t inactive, uint64_t active)
{
	uint64_t gb = (inactive + active) >> (30 - MM_PAGE_SHIFT);
	uint64_t inactive_ratio = gb ? mm_int_sqrt(10 * gb) : 1;

	return inactive * inactive_ratio < active;
}

/* mm/vmscan.c: inactive_is_low on the node's lruvec */
static bool inactive_is_low(const struct mm_node *n, enum lru_list inactive_lru)
{
	return mm_inactive_is_low(n->lruvec.nr_pages[inactive_lru], n->lruvec.nr_pages[inactive_lru + 1]);
}

/* mm/vmscan.c: can_reclaim_anon_pages (global reclaim: free swap space) */
bool can_reclaim_anon_pages(const struct mm_node *n)
{
	return get_nr_swap_pages(n) > 0;
}

/* mm/vmscan.c: can_age_anon_pages */
static bool can_age_anon_pages(const struct mm_node *n)
{
	return n->swap.pages > 0;
}

/* mm/vmscan.c: prepare_scan_control */
void mm_prepare_scan_control(const struct mm_scan_prepare_input *in, struct mm_scan_prepare_result *out)
{
	const uint64_t *lru = in->lru_size;

	if (!in->force_deactivate) {
		out->deactivate_anon = in->anon_refaults_changed ||
				       mm_inactive_is_low(lru[LRU_INACTIVE_ANON], lru[LRU_ACTIVE_ANON]);
		out->deactivate_file = in->file_refaults_changed ||
				       mm_inactive_is_low(lru[LRU_INACTIVE_FILE], lru[LRU_ACTIVE_FILE]);
	} else {
		out->deactivate_anon = out->deactivate_file = true;
	}
	out->cache_trim_mode = (lru[LRU_INACTIVE_FILE] >> in->priority) && !out->deactivate_file &&
			       !in->no_cache_trim_mode;
	uint64_t file = lru[LRU_ACTIVE_FILE] + lru[LRU_INACTIVE_FILE];
	out->file_is_tiny = file + in->free_pages <= in->total_high_wmark && !out->deactivate_anon &&
			    (lru[LRU_INACTIVE_ANON] >> in->priority);
}

/* mm/vmscan.c: prepare_scan_control (reads the node, then decides with mm_prepare_scan_control) */
static void prepare_scan_control(struct mm_node *n, struct scan_control *sc)
{
	struct mm_scan_prepare_input in = { 0 };
	struct mm_scan_prepare_result out;

	sc->anon_cost = n->lruvec.anon_cost;
	sc->file_cost = n->lruvec.file_cost;
	in.priority = sc->priority;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		in.lru_size[l] = n->lruvec.nr_pages[l];
	in.anon_refaults_changed = n->stat[WORKINGSET_ACTIVATE_ANON] != n->lruvec.refaults[0];
	in.file_refaults_changed = n->stat[WORKINGSET_ACTIVATE_FILE] != n->lruvec.refaults[1];
	in.force_deactivate = sc->force_deactivate;
	in.no_cache_trim_mode = sc->no_cache_trim_mode;
	in.free_pages = n->stat[NR_FREE_PAGES];
	for (int z = 0; z < MM_MAX_NR_ZONES; z++)
		if (managed_zone(&n->zones[z]))
			in.total_high_wmark += high_wmark_pages(&n->zones[z]);
	mm_prepare_scan_control(&in, &out);
	sc->may_deactivate = (out.deactivate_anon ? DEACTIVATE_ANON : 0) | (out.deactivate_file ? DEACTIVATE_FILE : 0);
	sc->cache_trim_mode = out.cache_trim_mode;
	sc->file_is_tiny = out.file_is_tiny;
}

/* mm/vmscan.c: get_scan_count */
void mm_get_scan_count(const struct mm_scan_input *in, struct mm_scan_result *out)
{
	uint64_t fraction[2] = { 0, 0 }, denominator = 0;
	enum mm_scan_balance balance;

	if (!in->may_swap) {
		balance = MM_SCAN_FILE;
	} else if (!in->priority && in->swappiness) {
		balance = MM_SCAN_EQUAL;
	} else if (in->file_is_tiny) {
		balance = MM_SCAN_ANON;
	} else if (in->cache_trim_mode) {
		balance = MM_SCAN_FILE;
	} else {
		uint64_t total_cost = in->anon_cost + in->file_cost;
		uint64_t anon_cost = total_cost + in->anon_cost;
		uint64_t file_cost = total_cost + in->file_cost;
		total_cost = anon_cost + file_cost;
		uint64_t ap = in->swappiness * (total_cost + 1) / (anon_cost + 1);
		uint64_t fp = (MAX_SWAPPINESS - in->swappiness) * (total_cost + 1) / (file_cost + 1);
		fraction[0] = ap;
		fraction[1] = fp;
		denominator = ap + fp;
		balance = MM_SCAN_FRACT;
	}
	out->balance = balance;
	out->fraction[0] = fraction[0];
	out->fraction[1] = fraction[1];
	out->denominator = denominator;
	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		bool file = is_file_lru((enum lru_list)lru);
		uint64_t scan = in->lru_size[lru] >> in->priority;
		switch (balance) {
		case MM_SCAN_EQUAL:
			break;
		case MM_SCAN_FRACT:
			scan = denominator ? scan * fraction[file] / denominator : 0;
			break;
		case MM_SCAN_FILE:
		case MM_SCAN_ANON:
			if ((balance == MM_SCAN_FILE) != file)
				scan = 0;
			break;
		}
		out->nr[lru] = scan;
	}
}

/* mm/vmscan.c: lruvec_lru_size (zones up to reclaim_idx) */
static uint64_t lruvec_lru_size(const struct mm_node *n, enum lru_list lru, int zone_idx)
{
	uint64_t size = 0;
	for (int z = 0; z <= zone_idx && z < MM_MAX_NR_ZONES; z++)
		size += n->zones[z].vm_stat[NR_ZONE_INACTIVE_ANON + lru];
	return size;
}

/* mm/vmscan.c: get_scan_count (reads the lruvec, then computes with mm_get_scan_count) */
static void get_scan_count(struct mm_node *n, struct scan_control *sc, uint64_t nr[NR_LRU_LISTS])
{
	struct mm_scan_input in;
	struct mm_scan_result out;

	in.priority = sc->priority;
	in.swappiness = n->cfg.swappiness;
	in.may_swap = sc->may_swap && can_reclaim_anon_pages(n);
	in.file_is_tiny = sc->file_is_tiny;
	in.cache_trim_mode = sc->cache_trim_mode;
	in.anon_cost = sc->anon_cost;
	in.file_cost = sc->file_cost;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		in.lru_size[l] = lruvec_lru_size(n, (enum lru_list)l, sc->reclaim_idx);
	mm_get_scan_count(&in, &out);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		nr[l] = out.nr[l];
}

static int folio_zone_idx(struct mm_node *n, uint32_t pfn)
{
	struct zone *z = pfn_zone(n, pfn);
	return z ? (int)z->idx : 0;
}

/*
 * mm/vmscan.c: isolate_lru_folios: take up to nr_to_scan folios from the
 * tail of lru into out[]. Folios of zones above reclaim_idx go back to the
 * head (the kernel's folios_skipped spliced to the front, pgscan_skip) and
 * count in *nr_scanned (total_scan) but not towards nr_to_scan.
 */
static unsigned isolate_lru_folios(struct mm_node *n, uint64_t nr_to_scan, enum lru_list lru,
				   struct scan_control *sc, uint32_t *out, uint64_t *nr_scanned)
{
	struct pfn_list *l = &n->lruvec.lists[lru];
	unsigned taken = 0;
	uint64_t total_scan = 0, scan = 0;
	uint32_t first_skipped = MM_NIL; /* reaching it again means only skipped folios are left */

	while (scan < nr_to_scan && l->last != MM_NIL && l->last != first_skipped) {
		uint32_t pfn = l->last;
		int zi = folio_zone_idx(n, pfn);
		lruvec_del_folio(n, pfn);
		total_scan++;
		if (zi > sc->reclaim_idx) {
			lruvec_add_folio(n, pfn);
			count_vm_events(n, (enum mm_vm_event_item)(PGSCAN_SKIP_DMA + zi), 1);
			if (first_skipped == MM_NIL)
				first_skipped = pfn;
			continue;
		}
		scan++;
		out[taken++] = pfn;
	}
	*nr_scanned = total_scan;
	return taken;
}

/* mm/rmap.c: folio_referenced: test and clear the accessed bit of the mapping PTE (anon only) */
static int folio_referenced(struct mm_node *n, const struct page *p)
{
	if (folio_is_file_lru(p))
		return 0; /* page-cache folios are not mapped in mmsim */
	struct mm_owner *o = &n->owners[p->owner];
	uint32_t *pte = &o->pte[p->index];
	if (!(*pte & PTE_YOUNG))
		return 0;
	*pte &= ~PTE_YOUNG;
	return 1;
}

/* mm/vmscan.c: shrink_active_list */
void shrink_active_list(struct mm_node *n, uint64_t nr_to_scan, struct scan_control *sc, enum lru_list lru)
{
	uint32_t batch[MM_SWAP_CLUSTER_MAX];
	uint64_t nr_scanned;

	if (nr_to_scan > MM_SWAP_CLUSTER_MAX)
		nr_to_scan = MM_SWAP_CLUSTER_MAX;
	unsigned nr_taken = isolate_lru_folios(n, nr_to_scan, lru, sc, batch, &nr_scanned);
	count_vm_events(n, PGREFILL, nr_scanned);
	host_cpu(n, sc->task, MM_COST_PAGE_SCANNED, nr_taken);
	for (unsigned i = 0; i < nr_taken; i++) {
		struct page *p = pfn_to_page(n, batch[i]);
		folio_referenced(n, p); /* no VM_EXEC file folios in mmsim: all are deactivated */
		p->flags &= (uint8_t)~PG_active;
		p->flags |= PG_workingset;
		lruvec_add_folio(n, batch[i]);
	}
	count_vm_events(n, PGDEACTIVATE, nr_taken);
}

enum folio_references { FOLIOREF_RECLAIM, FOLIOREF_RECLAIM_CLEAN, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };

/* mm/vmscan.c: folio_check_references */
static enum folio_references folio_check_references(struct mm_node *n, struct page *p)
{
	int referenced_ptes = folio_referenced(n, p);
	bool referenced_folio = (p->flags & PG_referenced) != 0;

	p->flags &= (uint8_t)~PG_referenced;
	if (referenced_ptes) {
		p->flags |= PG_referenced;
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_folio && folio_is_file_lru(p))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

struct reclaim_stat {
	uint64_t nr_reclaimed, nr_pageout;
	unsigned nr_writeback;
	uint32_t writeback[MM_SWAP_CLUSTER_MAX]; /* folios whose write is in flight */
	uint64_t nr_dirty, nr_congested, nr_wb_met, nr_immediate; /* async: folios under writeback met */
};

/*
 * The written folio is unmapped (anon) or out of the page cache (file): it
 * leaves NR_ANON_MAPPED / NR_FILE_PAGES, stays allocated and isolated
 * (no PTE, page-cache slot or LRU points to it) and counts in NR_WRITEBACK.
 * Nothing but its writer reaches it: an owner that exits, unmaps or is
 * reaped meanwhile, or a re-read of the file, cannot free or touch it.
 */
static void batch_start_writeback(struct mm_node *n, struct scan_control *sc, uint32_t pfn, struct reclaim_stat *st)
{
	folio_start_writeback(n, pfn, sc->kswapd);
	st->writeback[st->nr_writeback++] = pfn;
}

/* add_to_swap + try_to_unmap + pageout(swap_writepage): false if no slot is free */
static bool reclaim_anon_folio(struct mm_node *n, struct scan_control *sc, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);
	uint32_t slot = get_swap_page(n);

	if (slot == MM_NIL)
		return false;
	struct mm_owner *o = &n->owners[p->owner];
	o->pte[p->index] = PTE_SWAP | slot;
	swap_set_rmap(n, slot, p->owner, p->index);
	n->swap.shadow[slot] = PTE_SHADOW | workingset_eviction(n, p); /* __delete_from_swap_cache */
	o->rss_anon--;
	o->ra_pages -= p->readahead; /* a read-ahead page reclaimed untouched */
	o->swapents++;
	host_cpu(n, sc->task, MM_COST_PAGE_UNMAPPED, 1);
	count_vm_events(n, PSWPOUT, 1);
	if (n->host.swap_write)
		n->host.swap_write(n->host.ctx, sc->task, pfn, slot);
	return true;
}

/* pageout of a dirty page-cache folio (then __remove_mapping with a shadow entry); true if it was written */
static bool reclaim_file_folio(struct mm_node *n, struct scan_control *sc, uint32_t pfn, struct reclaim_stat *st)
{
	bool written = false;

	struct page *p = pfn_to_page(n, pfn);
	struct mm_owner *f = &n->owners[p->owner];

	if (p->flags & PG_dirty) {
		if (n->host.file_write)
			n->host.file_write(n->host.ctx, sc->task, pfn, p->owner, p->index);
		p->flags &= (uint8_t)~PG_dirty;
		mod_stat(n, NR_FILE_DIRTY, -1);
		mod_stat(n, NR_VMSCAN_WRITE, 1);
		mod_stat(n, NR_WRITTEN, 1);
		st->nr_pageout++;
		written = true;
	}
	f->pte[p->index] = PTE_SHADOW | workingset_eviction(n, p);
	f->nr_cache--;
	return written;
}

/* mm/vmscan.c: shrink_folio_list */
static void shrink_folio_list(struct mm_node *n, struct scan_control *sc, const uint32_t *batch, unsigned nr,
			      struct reclaim_stat *st)
{
	for (unsigned i = 0; i < nr; i++) {
		uint32_t pfn = batch[i];
		struct page *p = pfn_to_page(n, pfn);
		bool file = folio_is_file_lru(p);
		enum folio_references ref = folio_check_references(n, p);

		if (ref == FOLIOREF_ACTIVATE)
			goto activate;
		if (ref == FOLIOREF_KEEP)
			goto keep;
		if (!file) {
			if (!(sc->gfp_mask & __GFP_IO) || !sc->may_swap)
				goto keep; /* add_to_swap needs __GFP_IO */
			if (!reclaim_anon_folio(n, sc, pfn))
				goto activate; /* no swap slot: activate_locked_split */
			st->nr_pageout++;
			batch_start_writeback(n, sc, pfn, st);
			if (writeout_async(n))
				continue; /* pageout: PAGE_SUCCESS under writeback -> keep, reclaimed later */
		} else {
			if ((p->flags & PG_dirty) && (ref == FOLIOREF_RECLAIM_CLEAN || !sc->may_writepage))
				goto keep;
			if (reclaim_file_folio(n, sc, pfn, st)) {
				batch_start_writeback(n, sc, pfn, st);
				if (writeout_async(n))
					continue;
			} else {
				user_folio_free(n, pfn); /* clean: freed at once */
				host_cpu(n, sc->task, MM_COST_PAGE_FREED, 1);
			}
		}
		st->nr_reclaimed++; /* sync: written folios are freed after the batch's io_wait */
		continue;
activate:
		p->flags |= PG_active;
		count_vm_events(n, PGACTIVATE, 1);
keep:
		lruvec_add_folio(n, pfn); /* move_folios_to_lru: at the head */
	}
}

/*
 * Asynchronous swap-out: what the tail of the inactive list holds before the
 * batch is isolated. Written folios whose write completed were rotated to the
 * tail (wb_rotated): the scan finds them and they count as its progress (their
 * PGSTEAL was counted at completion). Folios still under writeback were put
 * back at the head after their pageout: the scan meets them again once the
 * inactive list is no longer than they are (shrink_folio_list's cases 1 and 2),
 * and activates them: each is met once.
 */
static void scan_writeback_tail(struct mm_node *n, struct scan_control *sc, enum lru_list lru,
				uint64_t *nr_to_scan, uint64_t *found_out, uint64_t *met_out, struct reclaim_stat *st)
{
	int file = is_file_lru(lru);

	if (n->host.writeback_poll)
		n->host.writeback_poll(n->host.ctx, sc->task);
	uint64_t found = n->wb_rotated[file] < *nr_to_scan ? n->wb_rotated[file] : *nr_to_scan;
	n->wb_rotated[file] -= found;
	*nr_to_scan -= found;
	uint64_t unmet = n->wb_inflight[file] - n->wb_met[file], met = 0;
	if (unmet && unmet >= n->lruvec.nr_pages[lru])
		met = unmet < *nr_to_scan ? unmet : *nr_to_scan;
	*nr_to_scan -= met;
	n->wb_met[file] += met; /* activate_locked: not met again before they complete */
	if (sc->kswapd && n->pgdat_writeback)
		st->nr_immediate += met; /* case 1: cycling faster than written */
	else
		st->nr_wb_met += met;    /* case 2: PG_reclaim, keep scanning */
	if (file) {
		st->nr_dirty += met;     /* folio_check_dirty_writeback: anon folios never count */
		st->nr_congested += met; /* under writeback with PG_reclaim */
	}
	*found_out = found;
	*met_out = met;
}

/* mm/vmscan.c: shrink_inactive_list */
static uint64_t shrink_inactive_list(struct mm_node *n, uint64_t nr_to_scan, struct scan_control *sc,
				     enum lru_list lru)
{
	uint32_t batch[MM_SWAP_CLUSTER_MAX];
	uint64_t nr_scanned, found = 0, met = 0;
	struct reclaim_stat st = { 0 };
	bool file = is_file_lru(lru);

	if (nr_to_scan > MM_SWAP_CLUSTER_MAX)
		nr_to_scan = MM_SWAP_CLUSTER_MAX;
	if (writeout_async(n))
		scan_writeback_tail(n, sc, lru, &nr_to_scan, &found, &met, &st);
	unsigned nr_taken = isolate_lru_folios(n, nr_to_scan, lru, sc, batch, &nr_scanned);
	nr_scanned += found + met;
	sc->nr_scanned += nr_scanned;
	count_vm_events(n, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, nr_scanned);
	count_vm_events(n, file ? PGSCAN_FILE : PGSCAN_ANON, nr_scanned);
	host_cpu(n, sc->task, MM_COST_PAGE_SCANNED, nr_taken + found + met);
	sc->nr.dirty += st.nr_dirty;
	sc->nr.congested += st.nr_congested;
	sc->nr.writeback += st.nr_wb_met;
	sc->nr.immediate += st.nr_immediate;
	sc->nr.taken += nr_taken + found + met;
	if (nr_taken == 0)
		return found;
	shrink_folio_list(n, sc, batch, nr_taken, &st);
	count_vm_events(n, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, st.nr_reclaimed);
	count_vm_events(n, file ? PGSTEAL_FILE : PGSTEAL_ANON, st.nr_reclaimed);
	lru_note_cost(n, file, st.nr_pageout, nr_scanned - found - st.nr_reclaimed);
	if (file)
		sc->nr.dirty += st.nr_writeback; /* the dirty folios it wrote were not queued yet */
	if (st.nr_writeback) {
		/* sync: the batch's writes; async: only their submission (the block layer's
		 * request limit); the state is consistent */
		host_io_wait(n, sc->task);
		if (!writeout_async(n))
			for (unsigned i = 0; i < st.nr_writeback; i++)
				folio_end_writeback(n, sc->task, st.writeback[i]);
	}
	return st.nr_reclaimed + found;
}

/* mm/vmscan.c: shrink_list */
static uint64_t shrink_list(struct mm_node *n, enum lru_list lru, uint64_t nr_to_scan, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active_list(n, nr_to_scan, sc, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(n, nr_to_scan, sc, lru);
}

/* mm/vmscan.c: shrink_lruvec */
static void shrink_lruvec(struct mm_node *n, struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS];
	uint64_t nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;

	get_scan_count(n, sc, nr);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		targets[l] = nr[l];
	bool proportional_reclaim = !sc->kswapd && sc->priority == MM_DEF_PRIORITY;

	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			if (nr[l]) {
				uint64_t nr_to_scan = nr[l] < MM_SWAP_CLUSTER_MAX ? nr[l] : MM_SWAP_CLUSTER_MAX;
				nr[l] -= nr_to_scan;
				nr_reclaimed += shrink_list(n, (enum lru_list)l, nr_to_scan, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || proportional_reclaim)
			continue;

		uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		int lru;
		uint64_t percentage;
		if (nr_file > nr_anon) {
			uint64_t scan_target = targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1;
			lru = LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 / scan_target;
		} else {
			uint64_t scan_target = targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1;
			lru = LRU_INACTIVE_FILE;
			percentage = nr_file * 100 / scan_target;
		}
		nr[lru] = 0;
		nr[lru + 1] = 0;
		lru = lru == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		for (int k = 0; k < 2; k++, lru++) {
			uint64_t nr_scanned = targets[lru] - nr[lru];
			nr[lru] = targets[lru] * (100 - percentage) / 100;
			nr[lru] -= nr[lru] < nr_scanned ? nr[lru] : nr_scanned;
		}
	}
	sc->nr_reclaimed += nr_reclaimed;
	if (can_age_anon_pages(n) && inactive_is_low(n, LRU_INACTIVE_ANON))
		shrink_active_list(n, MM_SWAP_CLUSTER_MAX, sc, LRU_ACTIVE_ANON);
}

/* mm/vmscan.c: shrink_node's writeback flags and throttles (asynchronous swap-out only) */
static void throttle_on_writeback(struct mm_node *n, struct scan_control *sc)
{
	if (sc->kswapd) {
		if (sc->nr.writeback && sc->nr.writeback == sc->nr.taken)
			n->pgdat_writeback = true;
		if (sc->nr.immediate)
			reclaim_throttle(n, sc->task, MM_THROTTLE_WRITEBACK);
	}
	if (sc->nr.dirty && sc->nr.dirty == sc->nr.congested && sc->kswapd)
		n->lruvec_congested = true;
	if (!sc->kswapd && n->lruvec_congested)
		reclaim_throttle(n, sc->task, MM_THROTTLE_CONGESTED);
}

/* mm/vmscan.c: shrink_node (one node, no memcgs, no slab shrinkers) */
void shrink_node(struct mm_node *n, struct scan_control *sc)
{
	uint64_t nr_reclaimed = sc->nr_reclaimed, nr_scanned = sc->nr_scanned;

	memset(&sc->nr, 0, sizeof(sc->nr));
	prepare_scan_control(n, sc);
	shrink_lruvec(n, sc);
	if (writeout_async(n))
		throttle_on_writeback(n, sc);
	host_event(n, MM_EV_RECLAIM_PASS, sc->kswapd ? MM_NIL : task_owner(sc->task),
		   (int64_t)(sc->nr_scanned - nr_scanned), (int64_t)(sc->nr_reclaimed - nr_reclaimed), sc->priority);
	if (sc->nr_reclaimed - nr_reclaimed)
		n->kswapd_failures = 0;
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = true;
}

/* mm/vmscan.c: snapshot_refaults */
static void snapshot_refaults(struct mm_node *n)
{
	n->lruvec.refaults[0] = n->stat[WORKINGSET_ACTIVATE_ANON];
	n->lruvec.refaults[1] = n->stat[WORKINGSET_ACTIVATE_FILE];
}

/* mm/vmscan.c: do_try_to_free_pages */
static uint64_t do_try_to_free_pages(struct mm_node *n, struct scan_control *sc)
{
	int initial_priority = sc->priority;

retry:
	count_vm_events(n, (enum mm_vm_event_item)(ALLOCSTALL_DMA + sc->reclaim_idx), 1);
	do {
		sc->nr_scanned = 0;
		shrink_node(n, sc); /* shrink_zones: the one node */
		if (writeout_async(n))
			consider_reclaim_throttle(n, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->priority < MM_DEF_PRIORITY - 2)
			sc->may_writepage = true;
	} while (--sc->priority >= 0);
	snapshot_refaults(n);
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (!sc->memcg_full_walk) {
		sc->priority = initial_priority;
		sc->memcg_full_walk = true;
		goto retry;
	}
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	return 0;
}

/* mm/vmscan.c: try_to_free_pages (no throttle_direct_reclaim, see docs/fidelity.md) */
uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp)
{
	struct scan_control sc = { 0 };
	int zone = gfp_zone(gfp);

	sc.task = t;
	sc.kswapd = t && (t->flags & MM_PF_KSWAPD);
	sc.nr_to_reclaim = MM_SWAP_CLUSTER_MAX;
	sc.gfp_mask = gfp;
	sc.order = (int)order;
	sc.priority = MM_DEF_PRIORITY;
	sc.reclaim_idx = zone < 0 ? MM_ZONE_NORMAL : zone;
	sc.may_writepage = true;
	sc.may_swap = true;
	unsigned saved = t ? t->flags : 0;
	if (t)
		t->flags |= MM_PF_MEMALLOC;
	uint64_t reclaimed = do_try_to_free_pages(n, &sc);
	if (t)
		t->flags = saved;
	return reclaimed;
}

/* mm/vmscan.c: zone_reclaimable_pages */
uint64_t zone_reclaimable_pages(const struct mm_node *n, const struct zone *z)
{
	uint64_t nr = z->vm_stat[NR_ZONE_INACTIVE_FILE] + z->vm_stat[NR_ZONE_ACTIVE_FILE];

	if (can_reclaim_anon_pages(n))
		nr += z->vm_stat[NR_ZONE_INACTIVE_ANON] + z->vm_stat[NR_ZONE_ACTIVE_ANON];
	if (writeout_async(n)) /* the kernel keeps folios under writeback on the LRU */
		nr += z->nr_writeback[1] + (can_reclaim_anon_pages(n) ? z->nr_writeback[0] : 0);
	return nr;
}
