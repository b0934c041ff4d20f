/* Page-table look-ups for the embedder (no kernel counterpart: a debugger's view). */
#include "mmsim/lookup.h"

#include "internal.h"

uint32_t mm_anon_lookup(const struct mm_node *n, uint32_t owner, uint32_t vpn)
{
	const struct mm_owner *o;
	uint32_t pte;

	if (owner >= n->nr_owners)
		return MM_NIL;
	o = &n->owners[owner];
	if (o->kind != MM_OWNER_PROCESS || vpn >= o->nr_pte)
		return MM_NIL;
	pte = o->pte[vpn];
	if (!(pte & PTE_PRESENT))
		return MM_NIL;
	return pte & PTE_VALUE_MASK;
}

bool mm_pfn_owner(const struct mm_node *n, uint32_t pfn, uint32_t *owner, uint32_t *index)
{
	if (pfn >= n->node_spanned_pages)
		return false;
	const struct page *p = &n->mem_map[pfn];
	if (!(p->flags & PG_lru))
		return false;
	*owner = p->owner;
	*index = p->index;
	return true;
}
