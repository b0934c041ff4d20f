/*
 * Workingset detection for the page cache (mm/workingset.c): a reclaimed
 * file page leaves a shadow entry with the eviction "age"; a refault whose
 * distance fits in the workingset is activated at once.
 *
 * A shadow is 30 bits: bit 29 = the folio was PG_workingset, bits 0..28 =
 * lruvec->nonresident_age at eviction (EVICTION_MASK of 29 bits).
 */
#include "reclaim_internal.h"

#define SHADOW_WORKINGSET (1u << 29)
#define EVICTION_MASK ((1u << 29) - 1)

/* mm/workingset.c: workingset_age_nonresident */
static void workingset_age_nonresident(struct mm_node *n, uint64_t nr_pages)
{
	n->lruvec.nonresident_age += nr_pages;
}

/* mm/workingset.c: workingset_eviction */
uint32_t workingset_eviction(struct mm_node *n, const struct page *p)
{
	uint32_t eviction = (uint32_t)(n->lruvec.nonresident_age & EVICTION_MASK);

	workingset_age_nonresident(n, 1);
	return eviction | ((p->flags & PG_workingset) ? SHADOW_WORKINGSET : 0);
}

/* mm/workingset.c: workingset_test_recent */
static bool workingset_test_recent(const struct mm_node *n, uint32_t shadow, bool file)
{
	const uint64_t *lru = n->lruvec.nr_pages;
	uint32_t eviction = shadow & EVICTION_MASK;
	uint32_t refault = (uint32_t)(n->lruvec.nonresident_age & EVICTION_MASK);
	uint64_t refault_distance = (refault - eviction) & EVICTION_MASK;
	uint64_t workingset_size = lru[LRU_ACTIVE_FILE];

	if (!file)
		workingset_size += lru[LRU_INACTIVE_FILE];
	if (get_nr_swap_pages(n) > 0) {
		workingset_size += lru[LRU_ACTIVE_ANON];
		if (file)
			workingset_size += lru[LRU_INACTIVE_ANON];
	}
	return refault_distance <= workingset_size;
}

/* mm/workingset.c: workingset_refault (called before folio_add_lru; anon shadows come from the swap slot) */
bool workingset_refault(struct mm_node *n, uint32_t pfn, uint32_t shadow)
{
	struct page *p = pfn_to_page(n, pfn);
	bool file = folio_is_file_lru(p);

	mod_stat(n, file ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if (!workingset_test_recent(n, shadow, file))
		return false;
	p->flags |= PG_active;
	workingset_age_nonresident(n, 1);
	mod_stat(n, file ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (shadow & SHADOW_WORKINGSET) {
		p->flags |= PG_workingset;
		lru_note_cost(n, file, 1, 0); /* lru_note_cost_refault */
		mod_stat(n, file ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON, 1);
	}
	return true;
}

/* mm/workingset.c: workingset_activation */
void workingset_activation(struct mm_node *n)
{
	workingset_age_nonresident(n, 1);
}
