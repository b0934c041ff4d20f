/*
 * One swap device (mm/swapfile.c): swap_map with one use-count byte per
 * slot, slot 0 the header (SWAP_MAP_BAD); SSD devices allocate in clusters
 * of SWAPFILE_CLUSTER slots (the per-cpu cluster, then the free clusters,
 * then the nonfull ones), rotational devices scan linearly.
 */
#include <stdlib.h>
#include <stdio.h>

#include "reclaim_internal.h"

enum { CL_NONE = 0, CL_FREE = 1, CL_NONFULL = 2 };

static void cluster_push(struct swap_info *si, uint32_t *head, uint32_t *tail, uint32_t c, uint8_t flag)
{
	si->cluster_next[c] = MM_NIL;
	if (*tail == MM_NIL)
		*head = c;
	else
		si->cluster_next[*tail] = c;
	*tail = c;
	si->cluster_flags[c] = flag;
}

static uint32_t cluster_pop(struct swap_info *si, uint32_t *head, uint32_t *tail)
{
	uint32_t c = *head;

	if (c == MM_NIL)
		return MM_NIL;
	*head = si->cluster_next[c];
	if (*head == MM_NIL)
		*tail = MM_NIL;
	si->cluster_flags[c] = CL_NONE;
	return c;
}

/* mm/swapfile.c: setup_swap_map_and_extents (slot 0 is the header) */
int swap_init(struct mm_node *n, char *err, size_t errlen)
{
	struct swap_info *si = &n->swap;
	uint64_t max = n->cfg.swap_pages;

	si->free_head = si->free_tail = si->nonfull_head = si->nonfull_tail = MM_NIL;
	si->cur_cluster = MM_NIL;
	si->rotational = n->cfg.swap_rotational;
	si->ra_hits = 4; /* swapin_readahead_hits = ATOMIC_INIT(4) */
	if (max == 0)
		return 0;
	if (max < 2 || max > PTE_VALUE_MASK) {
		snprintf(err, errlen, "swap_pages: %llu is out of range (0 = no swap, or 2..%u)",
			 (unsigned long long)max, PTE_VALUE_MASK);
		return -1;
	}
	si->max = max;
	si->pages = max - 1;
	si->nr_clusters = (uint32_t)((max + SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER);
	si->swap_map = calloc(max, 1);
	si->shadow = calloc(max, sizeof(uint32_t));
	si->cluster_next = malloc(sizeof(uint32_t) * si->nr_clusters);
	si->cluster_count = calloc(si->nr_clusters, sizeof(uint16_t));
	si->cluster_flags = calloc(si->nr_clusters, 1);
	si->rmap_owner = calloc(max, sizeof(uint16_t));
	si->rmap_vpn = calloc(max, sizeof(uint32_t));
	if (!si->swap_map || !si->shadow || !si->cluster_next || !si->cluster_count || !si->cluster_flags ||
	    !si->rmap_owner || !si->rmap_vpn) {
		snprintf(err, errlen, "swap_pages: cannot allocate the swap map for %llu slots",
			 (unsigned long long)max);
		swap_destroy(n);
		return -1;
	}
	si->swap_map[0] = SWAP_MAP_BAD;
	si->cluster_count[0] = 1;
	si->cluster_next_rot = 1;
	for (uint32_t c = 0; c < si->nr_clusters; c++) {
		/* the last cluster may be partial: count its missing slots as used */
		uint64_t end = (uint64_t)(c + 1) * SWAPFILE_CLUSTER;
		if (end > max)
			si->cluster_count[c] = (uint16_t)(si->cluster_count[c] + (end - max));
		if (si->cluster_count[c] == 0)
			cluster_push(si, &si->free_head, &si->free_tail, c, CL_FREE);
		else if (si->cluster_count[c] < SWAPFILE_CLUSTER)
			cluster_push(si, &si->nonfull_head, &si->nonfull_tail, c, CL_NONFULL);
	}
	return 0;
}

/* mm/swapfile.c: swapoff's teardown of the maps */
void swap_destroy(struct mm_node *n)
{
	struct swap_info *si = &n->swap;

	free(si->swap_map);
	free(si->shadow);
	free(si->cluster_next);
	free(si->cluster_count);
	free(si->cluster_flags);
	free(si->rmap_owner);
	free(si->rmap_vpn);
	si->rmap_owner = NULL;
	si->rmap_vpn = NULL;
	si->swap_map = NULL;
	si->shadow = NULL;
	si->cluster_next = NULL;
	si->cluster_count = NULL;
	si->cluster_flags = NULL;
	si->pages = si->max = si->inuse_pages = 0;
}

/* include/linux/swap.h: get_nr_swap_pages (free slots) */
uint64_t get_nr_swap_pages(const struct mm_node *n)
{
	return n->swap.pages - n->swap.inuse_pages;
}

static void take_slot(struct swap_info *si, uint32_t slot)
{
	si->swap_map[slot] = 1;
	si->inuse_pages++;
	if (!si->rotational)
		si->cluster_count[slot / SWAPFILE_CLUSTER]++;
}

/* mm/swapfile.c: alloc_swap_scan_cluster (from cur_offset to the cluster's end) */
static uint32_t scan_cur_cluster(struct swap_info *si)
{
	uint64_t end = (uint64_t)(si->cur_cluster + 1) * SWAPFILE_CLUSTER;

	if (end > si->max)
		end = si->max;
	for (uint64_t s = si->cur_offset; s < end; s++) {
		if (si->swap_map[s] == 0) {
			si->cur_offset = (uint32_t)s + 1;
			return (uint32_t)s;
		}
	}
	return MM_NIL;
}

/* mm/swapfile.c: cluster_alloc_swap_entry (order 0) */
static uint32_t cluster_alloc_swap_entry(struct swap_info *si)
{
	for (;;) {
		if (si->cur_cluster != MM_NIL) {
			uint32_t s = scan_cur_cluster(si);
			if (s != MM_NIL)
				return s;
			/* done with this cluster: if slots were freed behind us, it is nonfull */
			if (si->cluster_count[si->cur_cluster] < SWAPFILE_CLUSTER)
				cluster_push(si, &si->nonfull_head, &si->nonfull_tail, si->cur_cluster, CL_NONFULL);
			si->cur_cluster = MM_NIL;
		}
		uint32_t c = cluster_pop(si, &si->free_head, &si->free_tail);
		if (c == MM_NIL)
			c = cluster_pop(si, &si->nonfull_head, &si->nonfull_tail);
		if (c == MM_NIL)
			return MM_NIL;
		si->cur_cluster = c;
		si->cur_offset = c * SWAPFILE_CLUSTER;
	}
}

/* mm/swapfile.c: scan_swap_map_slots (rotational: linear from cluster_next) */
static uint32_t scan_swap_map_linear(struct swap_info *si)
{
	for (uint64_t i = 0; i < si->max; i++) {
		uint64_t s = si->cluster_next_rot;
		si->cluster_next_rot = s + 1 >= si->max ? 1 : s + 1;
		if (si->swap_map[s] == 0)
			return (uint32_t)s;
	}
	return MM_NIL;
}

/* mm/swapfile.c: get_swap_pages (one slot) */
uint32_t get_swap_page(struct mm_node *n)
{
	struct swap_info *si = &n->swap;
	uint32_t slot;

	if (si->pages == 0 || si->inuse_pages >= si->pages)
		return MM_NIL;
	slot = si->rotational ? scan_swap_map_linear(si) : cluster_alloc_swap_entry(si);
	if (slot != MM_NIL)
		take_slot(si, slot);
	return slot;
}

/* mm/swapfile.c: swap_entry_range_free (one slot, count 1) */
void swap_free(struct mm_node *n, uint32_t slot)
{
	struct swap_info *si = &n->swap;

	si->swap_map[slot] = 0;
	si->shadow[slot] = 0;
	si->inuse_pages--;
	if (si->rotational)
		return;
	uint32_t c = slot / SWAPFILE_CLUSTER;
	si->cluster_count[c]--;
	if (c == si->cur_cluster || si->cluster_flags[c] != CL_NONE)
		return;
	if (si->cluster_count[c] == 0)
		cluster_push(si, &si->free_head, &si->free_tail, c, CL_FREE);
	else
		cluster_push(si, &si->nonfull_head, &si->nonfull_tail, c, CL_NONFULL);
}

/* mm/swapfile.c: si_swapinfo */
void mm_si_swapinfo(const struct mm_node *n, struct mm_swapinfo *out)
{
	out->totalswap = n->swap.pages;
	out->freeswap = get_nr_swap_pages(n);
}
