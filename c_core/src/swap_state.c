/*
 * Swap readahead (mm/swap_state.c): the readahead window of
 * __swapin_nr_pages, cluster readahead (the slots around the faulting one)
 * and VMA readahead (the virtual pages around the faulting one), and the
 * readahead-hit accounting of swap_cache_get_folio. mmsim has no swap cache:
 * a page readahead brings in is mapped into its owner at once, marked
 * readahead, and its slot is freed (docs/fidelity.md, "Swap readahead").
 */
#include "reclaim_internal.h"

#define RA_GFP GFP_HIGHUSER_MOVABLE /* swapin_readahead(entry, GFP_HIGHUSER_MOVABLE, vmf) */
#define SWAP_RA_ORDER_CEILING 5     /* VMA readahead reads at most 2^5 pages */
#define SWAP_RA_HITS_MAX 63u        /* SWAP_RA_HITS_MASK: (1 << (PAGE_SHIFT / 2)) - 1 */
#define PTRS_PER_PMD_RANGE 512u     /* PMD_SIZE / PAGE_SIZE: VMA readahead stays inside one PTE table */
#define RA_PLUG_MAX 32u             /* reads submitted together (the swap device merges up to 128 KiB) */

/* mm/swap_state.c: __swapin_nr_pages */
uint64_t mm_swapin_nr_pages(uint64_t prev_offset, uint64_t offset, uint64_t hits, uint64_t max_pages,
			    uint64_t prev_win)
{
	uint64_t pages = hits + 2;

	if (pages == 2) {
		/* no hits to judge by: read ahead only after an adjacent offset */
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		uint64_t roundup = 4;
		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	if (pages < prev_win / 2) /* don't shrink readahead too fast */
		pages = prev_win / 2;
	return pages;
}

/* mm/swap_state.c: swap_use_vma_readahead (nr_rotate_swap: the one device is rotational) */
static bool swap_use_vma_readahead(const struct mm_node *n)
{
	return n->cfg.swap_vma_readahead && !n->swap.rotational;
}

/* Reads queued under one blk_plug: submitted back to back, so the device sees them arrive together. */
struct swap_plug {
	uint32_t slot[RA_PLUG_MAX], pfn[RA_PLUG_MAX];
	unsigned nr;
};

/* mm/page_io.c: swap_read_unplug (with blk_finish_plug: the plugged reads go to the device) */
static void swap_plug_flush(struct mm_node *n, struct mm_task *t, struct swap_plug *plug)
{
	for (unsigned i = 0; i < plug->nr; i++)
		if (n->host.swap_read)
			n->host.swap_read(n->host.ctx, t, plug->slot[i], plug->pfn[i]);
	plug->nr = 0;
}

/* mm/page_io.c: swap_read_folio (queued under the plug) */
static void swap_plug_read(struct mm_node *n, struct mm_task *t, struct swap_plug *plug, uint32_t slot,
			   uint32_t pfn)
{
	plug->slot[plug->nr] = slot;
	plug->pfn[plug->nr] = pfn;
	if (++plug->nr == RA_PLUG_MAX)
		swap_plug_flush(n, t, plug);
}

/*
 * A slot in use that is not the target: a new folio, mapped into the slot's
 * owner (mmsim's stand-in for the swap cache), marked readahead. The
 * allocation does not block; false when it failed (the caller stops).
 */
/* mm/swap_state.c: __read_swap_cache_async (page_allocated: swap_read_folio, folio_set_readahead, SWAP_RA) */
static bool read_swap_ahead(struct mm_node *n, struct mm_task *t, struct swap_plug *plug, uint32_t slot)
{
	struct swap_info *si = &n->swap;
	uint32_t id = si->rmap_owner[slot], vpn = si->rmap_vpn[slot];
	struct mm_owner *o = id < n->nr_owners ? &n->owners[id] : NULL;

	if (!o || o->kind != MM_OWNER_PROCESS || o->dead || o->oom_victim || vpn >= o->nr_pte ||
	    o->pte[vpn] != (PTE_SWAP | slot))
		return true; /* an exiting owner's slot: not worth reading */
	uint32_t pfn = alloc_pages_noblock_typed(n, t, 0, RA_GFP, MM_PAGE_ANON);
	if (pfn == MM_NIL)
		return false;
	struct page *p = pfn_to_page(n, pfn);
	p->owner = (uint16_t)id;
	p->index = vpn;
	p->order = 0;
	p->flags = (uint8_t)(PG_head | PG_swapbacked);
	p->readahead = 1; /* folio_set_readahead */
	uint32_t shadow = si->shadow[slot];
	if (shadow & PTE_SHADOW)
		workingset_refault(n, pfn, shadow & PTE_VALUE_MASK);
	folio_add_lru(n, pfn);
	o->pte[vpn] = PTE_PRESENT | pfn; /* not young: nobody accessed it yet */
	o->rss_anon++;
	o->ra_pages++;
	o->swapents--;
	swap_free(n, slot);
	count_vm_events(n, SWAP_RA, 1);
	count_vm_events(n, PSWPIN, 1);
	swap_plug_read(n, t, plug, slot, pfn);
	return true;
}

/* mm/swap_state.c: swapin_nr_pages (its statics live in the swap_info) */
static uint64_t swapin_nr_pages(struct mm_node *n, uint64_t offset)
{
	struct swap_info *si = &n->swap;
	uint64_t max_pages = 1ull << n->cfg.page_cluster;

	if (max_pages <= 1)
		return 1;
	uint32_t hits = si->ra_hits;
	si->ra_hits = 0;
	uint64_t pages = mm_swapin_nr_pages(si->ra_prev_offset, offset, hits, max_pages, si->ra_last_pages);
	if (!hits)
		si->ra_prev_offset = offset;
	si->ra_last_pages = (uint32_t)pages;
	return pages;
}

/* mm/swap_state.c: swap_cluster_readahead (the target's slot is already free; its read is queued in order) */
static void swap_cluster_readahead(struct mm_node *n, struct mm_task *t, uint32_t slot, uint32_t pfn)
{
	struct swap_info *si = &n->swap;
	struct swap_plug plug = { .nr = 0 };
	bool target_queued = false;
	uint64_t mask = swapin_nr_pages(n, slot) - 1;

	if (mask) {
		/* a page_cluster sized and aligned cluster around the slot */
		uint64_t start = slot & ~mask, end = slot | mask;
		if (!start)
			start++; /* slot 0 is the swap header */
		if (end >= si->max)
			end = si->max - 1;
		for (uint64_t s = start; s <= end; s++) {
			if (s == slot) {
				swap_plug_read(n, t, &plug, slot, pfn);
				target_queued = true;
			} else if (si->swap_map[s] == 1 && !read_swap_ahead(n, t, &plug, (uint32_t)s)) {
				break;
			}
		}
	}
	if (!target_queued)
		swap_plug_read(n, t, &plug, slot, pfn);
	swap_plug_flush(n, t, &plug);
}

/* mm/swap_state.c: swap_vma_ra_win (one VMA per process: [0, nr_pte)); returns the window, sets [start, end) */
static uint32_t swap_vma_ra_win(struct mm_node *n, struct mm_owner *o, uint32_t vpn, uint32_t *start,
				uint32_t *end)
{
	unsigned order = n->cfg.page_cluster < SWAP_RA_ORDER_CEILING ? n->cfg.page_cluster : SWAP_RA_ORDER_CEILING;
	uint32_t max_win = 1u << order;

	if (max_win == 1)
		return 1;
	uint32_t prev = o->ra_vpn;
	uint32_t win = (uint32_t)mm_swapin_nr_pages(prev, vpn, o->ra_hits, max_win, o->ra_win);
	o->ra_vpn = vpn;
	o->ra_win = win;
	o->ra_hits = 0;
	if (win == 1)
		return 1;
	int64_t left;
	if ((uint64_t)vpn == (uint64_t)prev + 1)
		left = vpn;
	else if ((uint64_t)prev == (uint64_t)vpn + 1)
		left = (int64_t)vpn - win + 1;
	else
		left = (int64_t)vpn - (win - 1) / 2;
	int64_t right = left + win;
	if (left < 0)
		left = 0;
	int64_t pmd_start = vpn & ~(PTRS_PER_PMD_RANGE - 1);
	int64_t lo = left > pmd_start ? left : pmd_start;
	int64_t hi = right < pmd_start + PTRS_PER_PMD_RANGE ? right : pmd_start + PTRS_PER_PMD_RANGE;
	if (hi > o->nr_pte)
		hi = o->nr_pte;
	*start = (uint32_t)lo;
	*end = (uint32_t)(hi > lo ? hi : lo);
	return win;
}

/* mm/swap_state.c: swap_vma_readahead (the target is mapped already; its read is queued in order) */
static void swap_vma_readahead(struct mm_node *n, struct mm_task *t, struct mm_owner *o, uint32_t vpn,
			       uint32_t slot, uint32_t pfn)
{
	struct swap_plug plug = { .nr = 0 };
	bool target_queued = false;
	uint32_t start = 0, end = 0;

	if (swap_vma_ra_win(n, o, vpn, &start, &end) > 1) {
		for (uint32_t v = start; v < end; v++) {
			uint32_t e = o->pte[v];
			if (v == vpn) {
				swap_plug_read(n, t, &plug, slot, pfn);
				target_queued = true;
			} else if ((e & (PTE_PRESENT | PTE_SWAP)) == PTE_SWAP &&
				   !read_swap_ahead(n, t, &plug, e & PTE_VALUE_MASK)) {
				break;
			}
		}
	}
	if (!target_queued)
		swap_plug_read(n, t, &plug, slot, pfn);
	swap_plug_flush(n, t, &plug);
}

/* mm/memory.c: do_swap_page (its read: SWP_SYNCHRONOUS_IO skips the swap cache, else swapin_readahead) */
void swap_read_in(struct mm_node *n, struct mm_task *t, uint32_t owner, uint32_t vpn, uint32_t slot,
		  uint32_t pfn)
{
	count_vm_events(n, PSWPIN, 1);
	/* __swap_count(entry) == 1 always: mmsim's anon pages are never shared (no fork) */
	if (n->cfg.swap_synchronous_io) {
		if (n->host.swap_read)
			n->host.swap_read(n->host.ctx, t, slot, pfn);
		return;
	}
	if (swap_use_vma_readahead(n))
		swap_vma_readahead(n, t, &n->owners[owner], vpn, slot, pfn);
	else
		swap_cluster_readahead(n, t, slot, pfn);
}

/* mm/swap_state.c: swap_cache_get_folio finding a folio with PG_readahead */
void swap_readahead_hit(struct mm_node *n, struct mm_owner *o, uint32_t vpn, struct page *p)
{
	p->readahead = 0; /* folio_test_clear_readahead */
	o->ra_pages--;
	count_vm_events(n, SWAP_RA_HIT, 1);
	if (swap_use_vma_readahead(n)) {
		o->ra_hits = o->ra_hits + 1 < SWAP_RA_HITS_MAX ? o->ra_hits + 1 : SWAP_RA_HITS_MAX;
		o->ra_vpn = vpn;
	} else {
		n->swap.ra_hits++;
	}
}
