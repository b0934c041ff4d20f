/*
 * alloc_pages_exact / free_pages_exact (mm/page_alloc.c) with the trimming
 * policy of the node: the kernel's make_alloc_exact (unused tail pages freed
 * one by one, lowest first, to the tail of the lists) or Pageman's Fit&Free
 * (the unused tail freed as the largest aligned blocks).
 */
#include "internal.h"

/* include/asm-generic/getorder.h: get_order */
static unsigned get_order(uint64_t size)
{
	unsigned order = 0;
	uint64_t pages = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	while ((1ull << order) < pages)
		order++;
	return order;
}

/* Free pages [pfn, pfn + 2^order) of a split allocation as one block. */
static void free_block(struct mm_node *n, uint32_t pfn, unsigned order, bool to_tail)
{
	struct zone *z = pfn_zone(n, pfn);
	for (uint32_t i = 0; i < (1u << order); i++) {
		struct page *p = &n->mem_map[pfn + i];
		p->flags = 0;
		p->order = 0;
		p->owner = 0;
		p->index = 0;
	}
	free_one_page(n, z, pfn, order, to_tail);
	n->events[PGFREE] += 1u << order;
}

/* mm/page_alloc.c: make_alloc_exact -- pages nr..2^order-1 via __free_pages_ok(page, 0, FPI_TO_TAIL) */
static void make_alloc_exact(struct mm_node *n, uint32_t pfn, unsigned order, uint64_t nr)
{
	for (uint64_t p = nr; p < (1ull << order); p++)
		free_block(n, pfn + (uint32_t)p, 0, true);
}

/*
 * Pageman "Fit&Free" (fit_and_free): halve the window; while the request is
 * larger than the left half keep the left half and go right, else free the
 * right half as one block and go left, until the request fills the window.
 * The blocks are freed as __free_pages would (no FPI_TO_TAIL).
 */
static void fit_and_free(struct mm_node *n, uint32_t pfn, unsigned order, uint64_t req)
{
	if (req == (1ull << order))
		return;
	uint32_t win = pfn;
	uint64_t win_pages = 1ull << order;
	int o = (int)order - 1;
	while (o >= 0) {
		uint64_t half = win_pages / 2;
		if (req > half) {
			req -= half;
			win += (uint32_t)half;
		} else {
			free_block(n, win + (uint32_t)half, (unsigned)o, false);
			if (req == half)
				return;
		}
		win_pages = half;
		o--;
	}
}

/* mm/page_alloc.c: alloc_pages_exact */
uint32_t mm_alloc_pages_exact(struct mm_node *node, struct mm_task *t, uint64_t size_bytes, gfp_t gfp,
			      struct mm_alloc_result *res)
{
	struct mm_alloc_result local;
	if (!res)
		res = &local;
	unsigned order = get_order(size_bytes);
	if (size_bytes == 0 || order > MM_MAX_PAGE_ORDER) {
		*res = (struct mm_alloc_result){ .status = MM_ALLOC_FAILED, .pfn = MM_NIL };
		return MM_NIL;
	}
	gfp &= ~(__GFP_COMP | __GFP_HIGHMEM);
	alloc_pages_typed(node, t, order, gfp, MM_PAGE_KERNEL, res);
	if (res->status != MM_ALLOC_OK)
		return MM_NIL;
	uint32_t pfn = res->pfn;
	uint64_t nr = (size_bytes + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	split_page(node, pfn, order);
	account_page_type(node, MM_PAGE_KERNEL, -(int64_t)((1ull << order) - nr));
	if (node->cfg.exact_policy == MM_EXACT_FIT_AND_FREE)
		fit_and_free(node, pfn, order, nr);
	else
		make_alloc_exact(node, pfn, order, nr);
	return pfn;
}

/* mm/page_alloc.c: free_pages_exact -- free_page() on each page, lowest first */
void mm_free_pages_exact(struct mm_node *node, uint32_t pfn, uint64_t size_bytes)
{
	uint64_t nr = (size_bytes + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	for (uint64_t i = 0; i < nr; i++) {
		account_page_type(node, MM_PAGE_KERNEL, -1);
		free_pages_to_buddy(node, pfn + (uint32_t)i, 0);
	}
}
