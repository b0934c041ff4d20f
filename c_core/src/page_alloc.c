/*
 * The buddy allocator (mm/page_alloc.c): free lists, expand, __rmqueue with
 * its migratetype fallbacks, __free_one_page, get_page_from_freelist and the
 * fast path of __alloc_pages. The slow path is in slowpath.c.
 */
#include "internal.h"

/* ---- pfn-linked free lists (list_head over struct page.next/prev) ---- */

static void list_add_head(struct mm_node *n, struct pfn_list *l, uint32_t pfn)
{
	struct page *p = &n->mem_map[pfn];
	p->prev = MM_NIL;
	p->next = l->first;
	if (l->first != MM_NIL)
		n->mem_map[l->first].prev = pfn;
	else
		l->last = pfn;
	l->first = pfn;
}

static void list_add_tail(struct mm_node *n, struct pfn_list *l, uint32_t pfn)
{
	struct page *p = &n->mem_map[pfn];
	p->next = MM_NIL;
	p->prev = l->last;
	if (l->last != MM_NIL)
		n->mem_map[l->last].next = pfn;
	else
		l->first = pfn;
	l->last = pfn;
}

static void list_del(struct mm_node *n, struct pfn_list *l, uint32_t pfn)
{
	struct page *p = &n->mem_map[pfn];
	if (p->prev != MM_NIL)
		n->mem_map[p->prev].next = p->next;
	else
		l->first = p->next;
	if (p->next != MM_NIL)
		n->mem_map[p->next].prev = p->prev;
	else
		l->last = p->prev;
	p->next = p->prev = MM_NIL;
}

static inline int get_pfnblock_migratetype(const struct mm_node *n, uint32_t pfn)
{
	return get_pageblock_migratetype(n, pfn);
}

/* mm/page_alloc.c: account_freepages */
static inline void account_freepages(struct mm_node *n, struct zone *z, int64_t nr)
{
	z->nr_free_pages += (uint64_t)nr;
	n->stat[NR_FREE_PAGES] += (uint64_t)nr;
}

/* mm/page_alloc.c: __add_to_free_list (and set_buddy_order) */
static inline void add_to_free_list(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned order,
				    int mt, bool to_tail)
{
	struct free_area *area = &z->free_area[order];
	struct page *p = &n->mem_map[pfn];
	p->flags = PG_buddy;
	p->order = (uint8_t)order;
	p->owner = 0;
	p->index = 0;
	if (to_tail)
		list_add_tail(n, &area->free_list[mt], pfn);
	else
		list_add_head(n, &area->free_list[mt], pfn);
	area->nr_free++;
}

/* mm/page_alloc.c: __del_page_from_free_list */
static inline void del_page_from_free_list(struct mm_node *n, struct zone *z, uint32_t pfn,
					   unsigned order, int mt)
{
	struct free_area *area = &z->free_area[order];
	list_del(n, &area->free_list[mt], pfn);
	n->mem_map[pfn].flags = 0;
	n->mem_map[pfn].order = 0;
	area->nr_free--;
}

/* mm/page_alloc.c: move_to_free_list */
static void move_to_free_list(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned order,
			      int old_mt, int new_mt)
{
	struct free_area *area = &z->free_area[order];
	list_del(n, &area->free_list[old_mt], pfn);
	list_add_tail(n, &area->free_list[new_mt], pfn);
}

/* mm/page_alloc.c: change_pageblock_range */
static void change_pageblock_range(struct mm_node *n, uint32_t pfn, unsigned order, int mt)
{
	uint32_t nr = 1u << (order - MM_PAGEBLOCK_ORDER);
	for (uint32_t i = 0; i < nr; i++)
		set_pageblock_migratetype(n, pfn + i * MM_PAGEBLOCK_NR_PAGES, mt);
}

/* mm/page_alloc.c: expand -- the upper halves go to the heads of the lower lists */
static unsigned expand(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned low, unsigned high,
		       int mt)
{
	unsigned nr_added = 0;
	uint32_t size = 1u << high;
	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(n, z, pfn + size, high, mt, false);
		nr_added += size;
		n->events[PGSPLIT]++;
	}
	return nr_added;
}

/* mm/page_alloc.c: page_del_and_expand */
static void page_del_and_expand(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned low,
				unsigned high, int mt)
{
	del_page_from_free_list(n, z, pfn, high, mt);
	unsigned nr_added = expand(n, z, pfn, low, high, mt);
	account_freepages(n, z, -((int64_t)(1u << high) - nr_added));
}

/* mm/page_alloc.c: __rmqueue_smallest */
static uint32_t __rmqueue_smallest(struct mm_node *n, struct zone *z, unsigned order, int mt)
{
	for (unsigned o = order; o < MM_NR_PAGE_ORDERS; o++) {
		uint32_t pfn = z->free_area[o].free_list[mt].first;
		if (pfn == MM_NIL)
			continue;
		page_del_and_expand(n, z, pfn, order, o, mt);
		return pfn;
	}
	return MM_NIL;
}

/* mm/page_alloc.c: fallbacks[] */
static const int fallbacks[MM_MIGRATE_TYPES][MM_MIGRATE_PCPTYPES - 1] = {
	[MM_MIGRATE_UNMOVABLE] = {MM_MIGRATE_RECLAIMABLE, MM_MIGRATE_MOVABLE},
	[MM_MIGRATE_MOVABLE] = {MM_MIGRATE_RECLAIMABLE, MM_MIGRATE_UNMOVABLE},
	[MM_MIGRATE_RECLAIMABLE] = {MM_MIGRATE_UNMOVABLE, MM_MIGRATE_MOVABLE},
};

/* mm/page_alloc.c: can_steal_fallback */
static bool can_steal_fallback(unsigned order, int start_mt)
{
	if (order >= MM_PAGEBLOCK_ORDER)
		return true;
	return order >= MM_PAGEBLOCK_ORDER / 2 || start_mt == MM_MIGRATE_RECLAIMABLE ||
	       start_mt == MM_MIGRATE_UNMOVABLE;
}

/* mm/page_alloc.c: find_suitable_fallback (only_stealable = false) */
static int find_suitable_fallback(const struct free_area *area, unsigned order, int mt,
				  bool *can_steal)
{
	if (area->nr_free == 0)
		return -1;
	*can_steal = false;
	for (int i = 0; i < MM_MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[mt][i];
		if (area->free_list[fmt].first == MM_NIL)
			continue;
		if (can_steal_fallback(order, mt))
			*can_steal = true;
		return fmt;
	}
	return -1;
}

/* mm/page_alloc.c: prep_move_freepages_block (free and PG_lru pages of pfn's pageblock) */
static bool prep_move_freepages_block(struct mm_node *n, const struct zone *z, uint32_t pfn,
				      uint32_t *start, unsigned *free_pages, unsigned *movable_pages)
{
	uint32_t s = pfn & ~((1u << MM_PAGEBLOCK_ORDER) - 1);
	uint32_t e = s + (1u << MM_PAGEBLOCK_ORDER);
	if (s < z->zone_start_pfn || e > zone_end_pfn(z))
		return false;
	*start = s;
	*free_pages = *movable_pages = 0;
	for (uint32_t p = s; p < e;) {
		const struct page *pg = &n->mem_map[p];
		if (pg->flags & PG_buddy) {
			*free_pages += 1u << pg->order;
			p += 1u << pg->order;
			continue;
		}
		if (pg->flags & PG_lru)
			(*movable_pages)++;
		p++;
	}
	return true;
}

/* mm/page_alloc.c: __move_freepages_block */
static void move_freepages_block(struct mm_node *n, struct zone *z, uint32_t start, int old_mt,
				 int new_mt)
{
	uint32_t e = start + (1u << MM_PAGEBLOCK_ORDER);
	for (uint32_t p = start; p < e;) {
		struct page *pg = &n->mem_map[p];
		if (pg->flags & PG_buddy) {
			unsigned o = pg->order;
			move_to_free_list(n, z, p, o, old_mt, new_mt);
			p += 1u << o;
		} else {
			p++;
		}
	}
	set_pageblock_migratetype(n, start, new_mt);
}

/* mm/page_alloc.c: try_to_steal_block (watermark boosting not modelled) */
static uint32_t try_to_steal_block(struct mm_node *n, struct zone *z, uint32_t pfn,
				   unsigned current_order, unsigned order, int start_type)
{
	int block_type = get_pfnblock_migratetype(n, pfn);
	if (current_order >= MM_PAGEBLOCK_ORDER) {
		del_page_from_free_list(n, z, pfn, current_order, block_type);
		change_pageblock_range(n, pfn, current_order, start_type);
		unsigned nr_added = expand(n, z, pfn, order, current_order, start_type);
		account_freepages(n, z, -((int64_t)(1u << current_order) - nr_added));
		return pfn;
	}
	uint32_t start;
	unsigned free_pages, movable_pages, alike_pages;
	if (!prep_move_freepages_block(n, z, pfn, &start, &free_pages, &movable_pages))
		return MM_NIL;
	if (start_type == MM_MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MM_MIGRATE_MOVABLE)
		alike_pages = (1u << MM_PAGEBLOCK_ORDER) - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (1u << (MM_PAGEBLOCK_ORDER - 1))) {
		move_freepages_block(n, z, start, block_type, start_type);
		return __rmqueue_smallest(n, z, order, start_type);
	}
	return MM_NIL;
}

/* mm/page_alloc.c: __rmqueue_claim */
__attribute__((noinline, cold)) static uint32_t __rmqueue_claim(struct mm_node *n, struct zone *z, unsigned order, int start_mt,
				unsigned alloc_flags)
{
	unsigned min_order = order;
	if (order < MM_PAGEBLOCK_ORDER && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = MM_PAGEBLOCK_ORDER;
	for (int o = MM_MAX_PAGE_ORDER; o >= (int)min_order; o--) {
		bool can_steal;
		int fmt = find_suitable_fallback(&z->free_area[o], (unsigned)o, start_mt, &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal)
			break;
		uint32_t pfn = z->free_area[o].free_list[fmt].first;
		pfn = try_to_steal_block(n, z, pfn, (unsigned)o, order, start_mt);
		if (pfn != MM_NIL)
			return pfn;
	}
	return MM_NIL;
}

/* mm/page_alloc.c: __rmqueue_steal */
__attribute__((noinline, cold)) static uint32_t __rmqueue_steal(struct mm_node *n, struct zone *z, unsigned order, int start_mt)
{
	for (unsigned o = order; o < MM_NR_PAGE_ORDERS; o++) {
		bool can_steal;
		int fmt = find_suitable_fallback(&z->free_area[o], o, start_mt, &can_steal);
		if (fmt == -1)
			continue;
		uint32_t pfn = z->free_area[o].free_list[fmt].first;
		page_del_and_expand(n, z, pfn, order, o, fmt);
		return pfn;
	}
	return MM_NIL;
}

/* mm/page_alloc.c: __rmqueue (no CMA) */
static uint32_t __rmqueue(struct mm_node *n, struct zone *z, unsigned order, int mt,
			  unsigned alloc_flags)
{
	uint32_t pfn = __rmqueue_smallest(n, z, order, mt);
	if (pfn != MM_NIL)
		return pfn;
	pfn = __rmqueue_claim(n, z, order, mt, alloc_flags);
	if (pfn != MM_NIL)
		return pfn;
	if (!(alloc_flags & ALLOC_NOFRAGMENT))
		return __rmqueue_steal(n, z, order, mt);
	return MM_NIL;
}

/* mm/page_alloc.c: rmqueue_buddy (no pcp lists, no highatomic reserve) + prep_new_page */
static uint32_t rmqueue(struct mm_node *n, struct zone *z, unsigned order, int mt,
			unsigned alloc_flags)
{
	uint32_t pfn = __rmqueue(n, z, order, mt, alloc_flags);
	if (pfn == MM_NIL)
		return MM_NIL;
	struct page *p = &n->mem_map[pfn];
	p->flags = PG_head;
	p->order = (uint8_t)order;
	p->owner = 0;
	p->index = 0;
	p->next = p->prev = MM_NIL;
	n->events[PGALLOC_DMA + z->idx] += 1u << order;
	return pfn;
}

/* mm/page_alloc.c: buddy_merge_likely */
static bool buddy_merge_likely(const struct mm_node *n, const struct zone *z, uint32_t pfn,
			       uint32_t buddy_pfn, unsigned order)
{
	if (order >= MM_MAX_PAGE_ORDER - 1)
		return false;
	uint32_t higher = buddy_pfn & pfn;
	uint32_t hbuddy = higher ^ (1u << (order + 1));
	if (hbuddy - z->zone_start_pfn >= z->spanned_pages)
		return false;
	const struct page *b = &n->mem_map[hbuddy];
	return (b->flags & PG_buddy) && b->order == order + 1;
}

/* mm/page_alloc.c: __free_one_page */
static void __free_one_page(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned order, int mt,
			    bool fpi_to_tail)
{
	uint32_t buddy_pfn = 0;
	account_freepages(n, z, (int64_t)1 << order);
	while (order < MM_MAX_PAGE_ORDER) {
		buddy_pfn = pfn ^ (1u << order);
		/* page_is_buddy: PageBuddy, same order, same zone */
		if (buddy_pfn - z->zone_start_pfn >= z->spanned_pages)
			break;
		struct page *b = &n->mem_map[buddy_pfn];
		if (!(b->flags & PG_buddy) || b->order != order)
			break;
		int buddy_mt = mt;
		if (order >= MM_PAGEBLOCK_ORDER)
			buddy_mt = get_pfnblock_migratetype(n, buddy_pfn); /* all pcp types merge */
		del_page_from_free_list(n, z, buddy_pfn, order, buddy_mt);
		if (buddy_mt != mt)
			change_pageblock_range(n, buddy_pfn, order, mt);
		pfn &= buddy_pfn;
		order++;
		n->events[PGMERGE]++;
	}
	bool to_tail = fpi_to_tail || buddy_merge_likely(n, z, pfn, buddy_pfn, order);
	add_to_free_list(n, z, pfn, order, mt, to_tail);
}

/* mm/page_alloc.c: free_one_page (the zone lock is implicit) */
void free_one_page(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned order, bool to_tail)
{
	__free_one_page(n, z, pfn, order, get_pfnblock_migratetype(n, pfn), to_tail);
}

/* page_zone: zones are consecutive, so the highest populated zone starting at or below pfn */
struct zone *pfn_zone(struct mm_node *n, uint32_t pfn)
{
	for (int i = 0; n->zonelist[i] >= 0; i++) {
		struct zone *z = &n->zones[n->zonelist[i]];
		if (pfn >= z->zone_start_pfn)
			return pfn - z->zone_start_pfn < z->spanned_pages ? z : NULL;
	}
	return NULL;
}

/* mm/page_alloc.c: __free_pages_ok */
void free_pages_to_buddy(struct mm_node *n, uint32_t pfn, unsigned order)
{
	struct zone *z = pfn_zone(n, pfn);
	struct page *p = &n->mem_map[pfn];
	p->flags = 0;
	p->order = 0;
	p->owner = 0;
	p->index = 0;
	__free_one_page(n, z, pfn, order, get_pfnblock_migratetype(n, pfn), false);
	n->events[PGFREE] += 1u << order;
}

/* mm/page_alloc.c: split_page */
void split_page(struct mm_node *n, uint32_t pfn, unsigned order)
{
	struct page *head = &n->mem_map[pfn];
	for (uint32_t i = 0; i < (1u << order); i++) {
		struct page *p = &n->mem_map[pfn + i];
		p->flags = head->flags;
		p->owner = head->owner;
		p->order = 0;
	}
}

/* mm/page_alloc.c: alloc_flags_nofragment (one node: Normal preferred -> NOFRAGMENT) */
static unsigned alloc_flags_nofragment(const struct mm_node *n, int preferred_zoneidx, gfp_t gfp)
{
	unsigned alloc_flags = (gfp & __GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;
	(void)n;
	if (preferred_zoneidx == MM_ZONE_NORMAL)
		alloc_flags |= ALLOC_NOFRAGMENT;
	return alloc_flags;
}

/* mm/page_alloc.c: get_page_from_freelist */
uint32_t get_page_from_freelist(struct mm_node *n, gfp_t gfp, unsigned order, unsigned alloc_flags,
				const struct alloc_context *ac)
{
	(void)gfp;
	if (ac->zoneref < 0)
		return MM_NIL;
retry:
	/* for_next_zone_zonelist_nodemask: from the preferred zone down */
	for (int i = ac->zoneref; n->zonelist[i] >= 0; i++) {
		struct zone *z = &n->zones[n->zonelist[i]];
		uint64_t mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
		/* zone_watermark_fast's order-0 shortcut, inlined for the hot path */
		bool ok = (order == 0 && z->nr_free_pages > mark + z->lowmem_reserve[ac->highest_zoneidx]) ||
			  zone_watermark_fast(z, order, mark, ac->highest_zoneidx, alloc_flags);
		if (!ok && !(alloc_flags & ALLOC_NO_WATERMARKS))
			continue; /* node_reclaim is off by default */
		uint32_t pfn = rmqueue(n, z, order, ac->migratetype, alloc_flags);
		if (pfn != MM_NIL)
			return pfn;
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~(unsigned)ALLOC_NOFRAGMENT;
		goto retry;
	}
	return MM_NIL;
}

/* mm/page_alloc.c: prepare_alloc_pages (+ first_zones_zonelist) */
bool prepare_alloc_context(const struct mm_node *n, gfp_t gfp, struct alloc_context *ac)
{
	ac->highest_zoneidx = gfp_zone(gfp);
	ac->migratetype = gfp_migratetype(gfp);
	if (ac->migratetype >= MM_MIGRATE_PCPTYPES) /* __GFP_MOVABLE|__GFP_RECLAIMABLE */
		ac->migratetype = MM_MIGRATE_UNMOVABLE;
	ac->preferred_zoneidx = -1;
	ac->zoneref = -1;
	if (ac->highest_zoneidx < 0)
		return false;
	ac->zoneref = n->first_zoneref[ac->highest_zoneidx];
	if (ac->zoneref >= 0)
		ac->preferred_zoneidx = n->zonelist[ac->zoneref];
	return true;
}

uint32_t alloc_pages_noreclaim(struct mm_node *n, unsigned order, gfp_t gfp, unsigned alloc_flags)
{
	struct alloc_context ac;
	if (order > MM_MAX_PAGE_ORDER || !prepare_alloc_context(n, gfp, &ac) || ac.preferred_zoneidx < 0)
		return MM_NIL;
	return get_page_from_freelist(n, gfp, order, alloc_flags, &ac);
}

/*
 * __alloc_pages as far as it goes without blocking: the fast path, then the
 * slow path's kswapd wake and try at the min watermark; MM_NIL where the
 * kernel would enter direct reclaim. For swap readahead (docs/fidelity.md).
 */
uint32_t alloc_pages_noblock_typed(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
				   enum mm_page_type type)
{
	struct alloc_context ac;
	if (order > MM_MAX_PAGE_ORDER || !prepare_alloc_context(n, gfp, &ac) || ac.preferred_zoneidx < 0)
		return MM_NIL;
	unsigned alloc_flags = ALLOC_WMARK_LOW | alloc_flags_nofragment(n, ac.preferred_zoneidx, gfp);
	uint32_t pfn = get_page_from_freelist(n, gfp, order, alloc_flags, &ac);
	if (pfn == MM_NIL)
		pfn = alloc_pages_slowpath_noblock(n, order, gfp, &ac);
	if (pfn == MM_NIL)
		return MM_NIL;
	host_cpu(n, t, MM_COST_ALLOC_FAST, 1);
	account_page_type(n, type, (int64_t)1 << order);
	return pfn;
}

/* mm/page_alloc.c: __alloc_pages_noprof */
void alloc_pages_typed(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
		       enum mm_page_type type, struct mm_alloc_result *res)
{
	struct alloc_context ac;
	struct mm_alloc_result local;
	if (!res)
		res = &local;
	*res = (struct mm_alloc_result){ .status = MM_ALLOC_FAILED, .pfn = MM_NIL };
	if (order > MM_MAX_PAGE_ORDER || !prepare_alloc_context(n, gfp, &ac)) {
		/* __alloc_pages: WARN_ON_ONCE_GFP(order > MAX_PAGE_ORDER) and NULL */
		n->events[ALLOCFAIL]++;
		host_event(n, MM_EV_ALLOC_FAIL, t ? t->owner : MM_NIL, order, gfp, 0);
		return;
	}
	uint32_t pfn = MM_NIL;
	if (ac.preferred_zoneidx >= 0) {
		unsigned alloc_flags = ALLOC_WMARK_LOW | alloc_flags_nofragment(n, ac.preferred_zoneidx, gfp);
		pfn = get_page_from_freelist(n, gfp, order, alloc_flags, &ac);
	}
	if (pfn == MM_NIL)
		pfn = alloc_pages_slowpath(n, t, order, gfp, &ac, res);
	if (pfn == MM_NIL) {
		if (res->status != MM_ALLOC_KILLED)
			res->status = MM_ALLOC_FAILED;
		return;
	}
	/* taking the block off the free lists costs the same on the slow path (was free there) */
	host_cpu(n, t, MM_COST_ALLOC_FAST, 1);
	account_page_type(n, type, (int64_t)1 << order);
	res->status = MM_ALLOC_OK;
	res->pfn = pfn;
}

void mm_alloc_pages(struct mm_node *node, struct mm_task *t, unsigned order, gfp_t gfp,
		    struct mm_alloc_result *res)
{
	alloc_pages_typed(node, t, order, gfp, MM_PAGE_KERNEL, res);
}

/* mm/page_alloc.c: __free_pages */
void mm_free_pages(struct mm_node *node, uint32_t pfn, unsigned order)
{
	account_page_type(node, MM_PAGE_KERNEL, -((int64_t)1 << order));
	free_pages_to_buddy(node, pfn, order);
	host_cpu(node, NULL, MM_COST_FREE, 1);
}
