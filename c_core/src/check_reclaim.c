/*
 * Consistency check of the reclaim state (no kernel twin; CONFIG_DEBUG_VM
 * in spirit): LRU lists against their counters, every resident user page
 * against its owner's entry, folios under writeback against nr_writeback,
 * one swap entry per used slot and the slot's reverse map, readahead marks,
 * freeswap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "reclaim_internal.h"

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const lru_names[NR_LRU_LISTS] = { "inactive_anon", "active_anon", "inactive_file",
						     "active_file" };

static int check_lists(const struct mm_node *n, char *msg, size_t len, uint64_t *dirty)
{
	static const enum mm_stat_item zone_item[NR_LRU_LISTS] = { NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON,
								    NR_ZONE_INACTIVE_FILE, NR_ZONE_ACTIVE_FILE };
	static const enum mm_stat_item node_item[NR_LRU_LISTS] = { NR_INACTIVE_ANON, NR_ACTIVE_ANON,
								    NR_INACTIVE_FILE, NR_ACTIVE_FILE };
	*dirty = 0;
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		const struct pfn_list *list = &n->lruvec.lists[l];
		uint64_t count = 0, zone_sum = 0;
		uint32_t prev = MM_NIL;
		for (uint32_t pfn = list->first; pfn != MM_NIL; pfn = n->mem_map[pfn].next) {
			const struct page *p = &n->mem_map[pfn];
			if (pfn >= n->node_spanned_pages)
				return fail(msg, len, "lru %s: pfn %u out of range", lru_names[l], pfn);
			if (p->prev != prev)
				return fail(msg, len, "lru %s: pfn %u has prev %u, expected %u", lru_names[l], pfn,
					    p->prev, prev);
			if (!(p->flags & PG_lru) || !(p->flags & PG_head) || (p->flags & PG_buddy))
				return fail(msg, len, "lru %s: pfn %u flags 0x%x lack PG_lru/PG_head", lru_names[l],
					    pfn, p->flags);
			if ((int)folio_lru_list(p) != l)
				return fail(msg, len, "lru %s: pfn %u belongs on list %s", lru_names[l], pfn,
					    lru_names[folio_lru_list(p)]);
			if ((p->flags & PG_dirty) && folio_is_file_lru(p))
				(*dirty)++;
			if (++count > n->node_spanned_pages)
				return fail(msg, len, "lru %s: cycle", lru_names[l]);
			prev = pfn;
		}
		if (list->last != prev)
			return fail(msg, len, "lru %s: last is %u, walk ended at %u", lru_names[l], list->last, prev);
		for (int z = 0; z < MM_MAX_NR_ZONES; z++)
			zone_sum += n->zones[z].vm_stat[zone_item[l]];
		if (count != n->lruvec.nr_pages[l] || count != zone_sum || count != n->stat[zone_item[l]] ||
		    count != n->stat[node_item[l]])
			return fail(msg, len,
				    "lru %s: %llu pages on the list, lruvec %llu, zones %llu, nr_zone_%s %llu, nr_%s %llu",
				    lru_names[l], (unsigned long long)count, (unsigned long long)n->lruvec.nr_pages[l],
				    (unsigned long long)zone_sum, lru_names[l], (unsigned long long)n->stat[zone_item[l]],
				    lru_names[l], (unsigned long long)n->stat[node_item[l]]);
	}
	return 0;
}

static int check_entry(const struct mm_node *n, uint32_t id, const struct mm_owner *o, uint32_t i, uint8_t *slot_seen,
		       uint64_t *resident, uint64_t *swapped, uint64_t *ra, char *msg, size_t len)
{
	uint32_t e = o->pte[i];
	if (e & PTE_PRESENT) {
		uint32_t pfn = e & PTE_VALUE_MASK;
		if (pfn >= n->node_spanned_pages)
			return fail(msg, len, "owner %u entry %u: pfn %u out of range", id, i, pfn);
		const struct page *p = &n->mem_map[pfn];
		bool anon = o->kind == MM_OWNER_PROCESS;
		if (!(p->flags & PG_lru) || p->writeback || p->owner != id || p->index != i || ((p->flags & PG_swapbacked) != 0) != anon)
			return fail(msg, len, "owner %u entry %u: pfn %u is not its LRU folio (owner %u index %u flags 0x%x)",
				    id, i, pfn, p->owner, p->index, p->flags);
		if (p->readahead && (e & PTE_YOUNG))
			return fail(msg, len, "owner %u vpn %u: pfn %u is marked readahead but was accessed", id, i, pfn);
		*ra += p->readahead;
		(*resident)++;
	} else if ((e & PTE_SWAP) && o->kind == MM_OWNER_PROCESS) {
		uint32_t slot = e & PTE_VALUE_MASK;
		if (slot == 0 || slot >= n->swap.max || n->swap.swap_map[slot] != 1)
			return fail(msg, len, "owner %u vpn %u: swap slot %u is not in use", id, i, slot);
		if (slot_seen[slot / 8] & (1u << (slot % 8)))
			return fail(msg, len, "swap slot %u is referenced twice (owner %u vpn %u)", slot, id, i);
		if (n->swap.rmap_owner[slot] != id || n->swap.rmap_vpn[slot] != i)
			return fail(msg, len, "swap slot %u of owner %u vpn %u: reverse map says owner %u vpn %u", slot, id,
				    i, n->swap.rmap_owner[slot], n->swap.rmap_vpn[slot]);
		slot_seen[slot / 8] |= (uint8_t)(1u << (slot % 8));
		(*swapped)++;
	}
	return 0;
}

static int check_owners(const struct mm_node *n, uint8_t *slot_seen, uint64_t *anon, uint64_t *cache,
			uint64_t *slots, char *msg, size_t len)
{
	*anon = *cache = *slots = 0;
	for (uint32_t id = 0; id < n->nr_owners; id++) {
		const struct mm_owner *o = &n->owners[id];
		uint64_t resident = 0, swapped = 0, ra = 0;
		if (o->kind != MM_OWNER_PROCESS && o->kind != MM_OWNER_FILE)
			continue;
		for (uint32_t i = 0; i < o->nr_pte; i++)
			if (check_entry(n, id, o, i, slot_seen, &resident, &swapped, &ra, msg, len))
				return -1;
		if (ra != o->ra_pages)
			return fail(msg, len, "owner %u (%s): %llu pages marked readahead, ra_pages says %llu", id, o->name,
				    (unsigned long long)ra, (unsigned long long)o->ra_pages);
		uint64_t want = o->kind == MM_OWNER_PROCESS ? o->rss_anon : o->nr_cache;
		if (resident != want || swapped != o->swapents)
			return fail(msg, len, "owner %u (%s): %llu resident, %llu swapped; counters say %llu, %llu", id,
				    o->name, (unsigned long long)resident, (unsigned long long)swapped,
				    (unsigned long long)want, (unsigned long long)o->swapents);
		if (o->kind == MM_OWNER_PROCESS)
			*anon += resident;
		else
			*cache += resident;
		*slots += swapped;
	}
	return 0;
}

/* Folios under writeback: isolated order-0 allocations, exactly NR_WRITEBACK of them; no readahead mark on a file folio. */
static int check_writeback(const struct mm_node *n, char *msg, size_t len)
{
	uint64_t count = 0, by_type[2] = { 0, 0 }, zone_sum[2] = { 0, 0 };

	for (uint32_t pfn = 0; pfn < n->node_spanned_pages; pfn++) {
		const struct page *p = &n->mem_map[pfn];
		if (p->readahead && (p->flags & PG_lru) && !(p->flags & PG_swapbacked))
			return fail(msg, len, "readahead: pfn %u flags 0x%x is a file folio", pfn, p->flags);
		if (!p->writeback)
			continue;
		if (!(p->flags & PG_head) || (p->flags & (PG_lru | PG_buddy)) || p->order)
			return fail(msg, len, "writeback: pfn %u flags 0x%x order %u is not an isolated order-0 folio",
				    pfn, p->flags, p->order);
		count++;
		by_type[folio_is_file_lru(p)]++;
	}
	for (int z = 0; z < MM_MAX_NR_ZONES; z++)
		for (int f = 0; f < 2; f++)
			zone_sum[f] += n->zones[z].nr_writeback[f];
	for (int f = 0; f < 2; f++)
		if (by_type[f] != n->wb_inflight[f] || by_type[f] != zone_sum[f])
			return fail(msg, len, "writeback: %llu %s folios under writeback, counted %llu (node) %llu (zones)",
				    (unsigned long long)by_type[f], f ? "file" : "anon",
				    (unsigned long long)n->wb_inflight[f], (unsigned long long)zone_sum[f]);
	if (count != n->stat[NR_WRITEBACK])
		return fail(msg, len, "writeback: %llu folios under writeback, nr_writeback %llu",
			    (unsigned long long)count, (unsigned long long)n->stat[NR_WRITEBACK]);
	return 0;
}

static int check_swap(const struct mm_node *n, uint64_t slots, char *msg, size_t len)
{
	const struct swap_info *si = &n->swap;
	uint64_t used = 0;
	struct mm_swapinfo info;

	for (uint64_t s = 1; s < si->max; s++)
		if (si->swap_map[s])
			used++;
	if (si->max && si->swap_map[0] != SWAP_MAP_BAD)
		return fail(msg, len, "swap: header slot 0 is not SWAP_MAP_BAD");
	if (used != slots || used != si->inuse_pages)
		return fail(msg, len, "swap: %llu slots used in swap_map, %llu swap entries, inuse_pages %llu",
			    (unsigned long long)used, (unsigned long long)slots, (unsigned long long)si->inuse_pages);
	mm_si_swapinfo(n, &info);
	if (info.totalswap != si->pages || info.freeswap != info.totalswap - used)
		return fail(msg, len, "swap: freeswap %llu != totalswap %llu - used %llu",
			    (unsigned long long)info.freeswap, (unsigned long long)info.totalswap,
			    (unsigned long long)used);
	if (!si->rotational) {
		for (uint32_t c = 0; c < si->nr_clusters; c++) {
			uint64_t cnt = 0, end = (uint64_t)(c + 1) * SWAPFILE_CLUSTER;
			for (uint64_t s = (uint64_t)c * SWAPFILE_CLUSTER; s < end; s++)
				cnt += s >= si->max || si->swap_map[s] != 0;
			if (cnt != si->cluster_count[c])
				return fail(msg, len, "swap: cluster %u counts %u slots, swap_map has %llu", c,
					    si->cluster_count[c], (unsigned long long)cnt);
		}
	}
	return 0;
}

int check_reclaim_state(const struct mm_node *n, char *msg, size_t len)
{
	uint64_t dirty, anon, cache, slots;
	int rc;

	if (check_lists(n, msg, len, &dirty) || check_writeback(n, msg, len))
		return -1;
	uint8_t *slot_seen = calloc(n->swap.max / 8 + 1, 1);
	if (!slot_seen)
		return fail(msg, len, "check: out of host memory");
	rc = check_owners(n, slot_seen, &anon, &cache, &slots, msg, len);
	free(slot_seen);
	if (rc)
		return -1;
	uint64_t lru_anon = n->lruvec.nr_pages[LRU_INACTIVE_ANON] + n->lruvec.nr_pages[LRU_ACTIVE_ANON];
	uint64_t lru_file = n->lruvec.nr_pages[LRU_INACTIVE_FILE] + n->lruvec.nr_pages[LRU_ACTIVE_FILE];
	if (anon != lru_anon || anon != n->stat[NR_ANON_MAPPED])
		return fail(msg, len, "anon: %llu mapped by owners, %llu on the LRU, nr_anon_pages %llu",
			    (unsigned long long)anon, (unsigned long long)lru_anon,
			    (unsigned long long)n->stat[NR_ANON_MAPPED]);
	if (cache != lru_file || cache != n->stat[NR_FILE_PAGES])
		return fail(msg, len, "file: %llu in page caches, %llu on the LRU, nr_file_pages %llu",
			    (unsigned long long)cache, (unsigned long long)lru_file,
			    (unsigned long long)n->stat[NR_FILE_PAGES]);
	if (dirty != n->stat[NR_FILE_DIRTY])
		return fail(msg, len, "file: %llu dirty folios, nr_dirty %llu", (unsigned long long)dirty,
			    (unsigned long long)n->stat[NR_FILE_DIRTY]);
	return check_swap(n, slots, msg, len);
}

int mm_check_reclaim(const struct mm_node *n, char *msg, size_t len)
{
	return check_reclaim_state(n, msg, len);
}
