/*
 * mm_check: the allocator's invariants, checkable at any time (the kernel's
 * DEBUG_VM checks gathered in one walk): every pfn lies in exactly one free
 * block or one allocation, free blocks are aligned, on the list of their
 * order and pageblock migratetype, and the counters equal the lists.
 */
#include <stdio.h>

#include "internal.h"
#include "reclaim_api.h"

#define FAIL(...)                                  \
	do {                                       \
		if (msg && msglen)                 \
			snprintf(msg, msglen, __VA_ARGS__); \
		return -1;                         \
	} while (0)

static int check_zone(const struct mm_node *n, const struct zone *z, char *msg, size_t msglen,
		      uint64_t *free_out)
{
	uint64_t blocks[MM_NR_PAGE_ORDERS][MM_MIGRATE_TYPES] = {{0}};
	uint64_t free_pages = 0;
	const uint64_t start = z->zone_start_pfn, managed_end = start + z->managed_pages;
	const uint64_t end = zone_end_pfn(z);

	for (uint64_t pfn = start; pfn < managed_end;) {
		const struct page *p = &n->mem_map[pfn];
		unsigned order = p->order;
		if ((p->flags & PG_buddy) && (p->flags & PG_head))
			FAIL("zone %s: pfn %llu is both free and allocated", z->name, (unsigned long long)pfn);
		if (!(p->flags & (PG_buddy | PG_head)))
			FAIL("zone %s: pfn %llu is neither in a free block nor in an allocation", z->name,
			     (unsigned long long)pfn);
		if (order > MM_MAX_PAGE_ORDER)
			FAIL("zone %s: pfn %llu has order %u > %d", z->name, (unsigned long long)pfn, order,
			     MM_MAX_PAGE_ORDER);
		if (pfn & ((1ull << order) - 1))
			FAIL("zone %s: block at pfn %llu is not aligned to its order %u", z->name,
			     (unsigned long long)pfn, order);
		if (pfn + (1ull << order) > managed_end)
			FAIL("zone %s: block at pfn %llu order %u runs past the managed pages", z->name,
			     (unsigned long long)pfn, order);
		for (uint64_t t = pfn + 1; t < pfn + (1ull << order); t++)
			if (n->mem_map[t].flags & (PG_buddy | PG_head))
				FAIL("zone %s: pfn %llu inside the block at %llu order %u is a block head",
				     z->name, (unsigned long long)t, (unsigned long long)pfn, order);
		if (p->flags & PG_buddy) {
			int mt = get_pageblock_migratetype(n, (uint32_t)pfn);
			if (order > MM_PAGEBLOCK_ORDER) {
				for (uint64_t b = pfn; b < pfn + (1ull << order); b += 1u << MM_PAGEBLOCK_ORDER)
					if (get_pageblock_migratetype(n, (uint32_t)b) != mt)
						FAIL("zone %s: free block at pfn %llu order %u spans pageblocks of different migratetypes",
						     z->name, (unsigned long long)pfn, order);
			}
			blocks[order][mt]++;
			free_pages += 1ull << order;
		}
		pfn += 1ull << order;
	}
	for (uint64_t pfn = managed_end; pfn < end; pfn++)
		if (n->mem_map[pfn].flags & (PG_buddy | PG_head))
			FAIL("zone %s: reserved or absent pfn %llu is in a block", z->name, (unsigned long long)pfn);

	for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];
		uint64_t total = 0;
		for (int mt = 0; mt < MM_MIGRATE_TYPES; mt++) {
			uint64_t count = 0;
			uint32_t prev = MM_NIL;
			for (uint32_t pfn = area->free_list[mt].first; pfn != MM_NIL; pfn = n->mem_map[pfn].next) {
				const struct page *p = &n->mem_map[pfn];
				if (pfn < start || pfn >= managed_end)
					FAIL("zone %s: free_area[%u] list %d holds pfn %u outside the zone", z->name, o, mt, pfn);
				if (!(p->flags & PG_buddy) || p->order != o)
					FAIL("zone %s: free_area[%u] list %d holds pfn %u which is not a free order-%u block",
					     z->name, o, mt, pfn, o);
				if (get_pageblock_migratetype(n, (uint32_t)pfn) != mt)
					FAIL("zone %s: free block pfn %u order %u is on list %d but its pageblock is type %d",
					     z->name, pfn, o, mt, get_pageblock_migratetype(n, (uint32_t)pfn));
				if (p->prev != prev)
					FAIL("zone %s: free_area[%u] list %d: pfn %u has a wrong prev link", z->name, o, mt, pfn);
				prev = pfn;
				if (++count > blocks[o][mt])
					FAIL("zone %s: free_area[%u] list %d holds more blocks than the zone has (%llu)",
					     z->name, o, mt, (unsigned long long)blocks[o][mt]);
			}
			if (area->free_list[mt].last != prev)
				FAIL("zone %s: free_area[%u] list %d: wrong last pointer", z->name, o, mt);
			if (count != blocks[o][mt])
				FAIL("zone %s: free_area[%u] list %d holds %llu blocks, the zone has %llu free", z->name, o,
				     mt, (unsigned long long)count, (unsigned long long)blocks[o][mt]);
			total += count;
		}
		if (area->nr_free != total)
			FAIL("zone %s: free_area[%u].nr_free is %llu, the lists hold %llu", z->name, o,
			     (unsigned long long)area->nr_free, (unsigned long long)total);
	}
	if (z->nr_free_pages != free_pages)
		FAIL("zone %s: NR_FREE_PAGES is %llu, the free blocks hold %llu pages", z->name,
		     (unsigned long long)z->nr_free_pages, (unsigned long long)free_pages);
	*free_out = free_pages;
	return 0;
}

int mm_check(const struct mm_node *node, char *msg, size_t msglen)
{
	uint64_t free_total = 0;
	if (msg && msglen)
		msg[0] = '\0';
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		uint64_t f = 0;
		if (check_zone(node, &node->zones[i], msg, msglen, &f))
			return -1;
		free_total += f;
	}
	if (node->stat[NR_FREE_PAGES] != free_total)
		FAIL("node: NR_FREE_PAGES is %llu, the zones hold %llu free pages",
		     (unsigned long long)node->stat[NR_FREE_PAGES], (unsigned long long)free_total);
	if (node->stat[NR_KERNEL_PAGES] > mm_total_pages(node) - free_total)
		FAIL("node: NR_KERNEL_PAGES is %llu but only %llu pages are allocated",
		     (unsigned long long)node->stat[NR_KERNEL_PAGES],
		     (unsigned long long)(mm_total_pages(node) - free_total));
	return check_reclaim_state(node, msg, msglen);
}
