/*
 * The node's LRU lists (classic active/inactive LRU, lru_gen disabled):
 * list insertion and removal with their counters, folio_add_lru,
 * folio_mark_accessed and lru_note_cost (mm/swap.c, include/linux/mm_inline.h).
 */
#include "reclaim_internal.h"

static const enum mm_stat_item zone_lru_item[NR_LRU_LISTS] = {
	NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON, NR_ZONE_INACTIVE_FILE, NR_ZONE_ACTIVE_FILE
};
static const enum mm_stat_item node_lru_item[NR_LRU_LISTS] = {
	NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_INACTIVE_FILE, NR_ACTIVE_FILE
};

/* include/linux/mm_inline.h: update_lru_size */
static void update_lru_size(struct mm_node *n, uint32_t pfn, enum lru_list lru, int64_t nr)
{
	struct zone *z = pfn_zone(n, pfn);

	n->lruvec.nr_pages[lru] = (uint64_t)((int64_t)n->lruvec.nr_pages[lru] + nr);
	z->vm_stat[zone_lru_item[lru]] = (uint64_t)((int64_t)z->vm_stat[zone_lru_item[lru]] + nr);
	mod_stat(n, zone_lru_item[lru], nr);
	mod_stat(n, node_lru_item[lru], nr);
}

/* include/linux/mm_inline.h: lruvec_add_folio */
void lruvec_add_folio(struct mm_node *n, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);
	enum lru_list lru = folio_lru_list(p);
	struct pfn_list *l = &n->lruvec.lists[lru];

	p->prev = MM_NIL;
	p->next = l->first;
	if (l->first != MM_NIL)
		pfn_to_page(n, l->first)->prev = pfn;
	else
		l->last = pfn;
	l->first = pfn;
	p->flags |= PG_lru;
	update_lru_size(n, pfn, lru, 1);
}

/* include/linux/mm_inline.h: lruvec_del_folio */
void lruvec_del_folio(struct mm_node *n, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);
	enum lru_list lru = folio_lru_list(p);
	struct pfn_list *l = &n->lruvec.lists[lru];

	if (p->prev != MM_NIL)
		pfn_to_page(n, p->prev)->next = p->next;
	else
		l->first = p->next;
	if (p->next != MM_NIL)
		pfn_to_page(n, p->next)->prev = p->prev;
	else
		l->last = p->prev;
	p->next = p->prev = MM_NIL;
	p->flags &= (uint8_t)~PG_lru;
	update_lru_size(n, pfn, lru, -1);
}

/* mm/swap.c: folio_add_lru (the per-cpu batch is drained at once) */
void folio_add_lru(struct mm_node *n, uint32_t pfn)
{
	lruvec_add_folio(n, pfn);
}

/* mm/swap.c: folio_activate */
static void folio_activate(struct mm_node *n, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);

	if ((p->flags & PG_lru) && !(p->flags & PG_active)) {
		lruvec_del_folio(n, pfn);
		p->flags |= PG_active;
		lruvec_add_folio(n, pfn);
		count_vm_events(n, PGACTIVATE, 1);
	}
}

/* mm/swap.c: folio_mark_accessed */
void folio_mark_accessed(struct mm_node *n, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);

	if (!(p->flags & PG_referenced)) {
		p->flags |= PG_referenced;
	} else if (!(p->flags & PG_active)) {
		folio_activate(n, pfn);
		p->flags &= (uint8_t)~PG_referenced;
		workingset_activation(n);
	}
}

uint64_t lru_pages(const struct mm_node *n)
{
	const uint64_t *s = n->lruvec.nr_pages;
	return s[LRU_INACTIVE_ANON] + s[LRU_ACTIVE_ANON] + s[LRU_INACTIVE_FILE] + s[LRU_ACTIVE_FILE];
}

/* mm/swap.c: lru_note_cost */
void lru_note_cost(struct mm_node *n, bool file, uint64_t nr_io, uint64_t nr_rotated)
{
	struct lruvec *lv = &n->lruvec;
	uint64_t cost = nr_io * MM_SWAP_CLUSTER_MAX + nr_rotated;

	if (file)
		lv->file_cost += cost;
	else
		lv->anon_cost += cost;
	if (lv->file_cost + lv->anon_cost > lru_pages(n) / 4) {
		lv->file_cost /= 2;
		lv->anon_cost /= 2;
	}
}
