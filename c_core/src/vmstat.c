/*
 * Counters and the /proc text dumps (mm/vmstat.c, fs/proc/meminfo.c,
 * Linux 6.12 layouts): buddyinfo, zoneinfo, vmstat, meminfo.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/* mm/vmstat.c: vmstat_text (the items mmsim has) */
const char *const mm_stat_item_names[MM_NR_STAT_ITEMS] = {
	[NR_FREE_PAGES] = "nr_free_pages",
	[NR_ZONE_INACTIVE_ANON] = "nr_zone_inactive_anon",
	[NR_ZONE_ACTIVE_ANON] = "nr_zone_active_anon",
	[NR_ZONE_INACTIVE_FILE] = "nr_zone_inactive_file",
	[NR_ZONE_ACTIVE_FILE] = "nr_zone_active_file",
	[NR_ZONE_UNEVICTABLE] = "nr_zone_unevictable",
	[NR_ZONE_WRITE_PENDING] = "nr_zone_write_pending",
	[NR_MLOCK] = "nr_mlock",
	[NR_BOUNCE] = "nr_bounce",
	[NR_FREE_CMA_PAGES] = "nr_free_cma",
	[NR_INACTIVE_ANON] = "nr_inactive_anon",
	[NR_ACTIVE_ANON] = "nr_active_anon",
	[NR_INACTIVE_FILE] = "nr_inactive_file",
	[NR_ACTIVE_FILE] = "nr_active_file",
	[NR_UNEVICTABLE] = "nr_unevictable",
	[NR_ISOLATED_ANON] = "nr_isolated_anon",
	[NR_ISOLATED_FILE] = "nr_isolated_file",
	[WORKINGSET_REFAULT_ANON] = "workingset_refault_anon",
	[WORKINGSET_REFAULT_FILE] = "workingset_refault_file",
	[WORKINGSET_ACTIVATE_ANON] = "workingset_activate_anon",
	[WORKINGSET_ACTIVATE_FILE] = "workingset_activate_file",
	[WORKINGSET_RESTORE_ANON] = "workingset_restore_anon",
	[WORKINGSET_RESTORE_FILE] = "workingset_restore_file",
	[NR_ANON_MAPPED] = "nr_anon_pages",
	[NR_FILE_MAPPED] = "nr_mapped",
	[NR_FILE_PAGES] = "nr_file_pages",
	[NR_FILE_DIRTY] = "nr_dirty",
	[NR_WRITEBACK] = "nr_writeback",
	[NR_VMSCAN_WRITE] = "nr_vmscan_write",
	[NR_VMSCAN_IMMEDIATE] = "nr_vmscan_immediate_reclaim",
	[NR_DIRTIED] = "nr_dirtied",
	[NR_WRITTEN] = "nr_written",
	[NR_PAGETABLE] = "nr_page_table_pages",
	[NR_SWAPCACHE] = "nr_swapcached",
	[NR_KERNEL_PAGES] = "nr_kernel_pages",
};

const char *const mm_vm_event_names[MM_NR_VM_EVENT_ITEMS] = {
	[PGPGIN] = "pgpgin",
	[PGPGOUT] = "pgpgout",
	[PSWPIN] = "pswpin",
	[PSWPOUT] = "pswpout",
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_DMA32] = "pgalloc_dma32",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGALLOC_MOVABLE] = "pgalloc_movable",
	[PGALLOC_DEVICE] = "pgalloc_device",
	[ALLOCSTALL_DMA] = "allocstall_dma",
	[ALLOCSTALL_DMA32] = "allocstall_dma32",
	[ALLOCSTALL_NORMAL] = "allocstall_normal",
	[ALLOCSTALL_MOVABLE] = "allocstall_movable",
	[ALLOCSTALL_DEVICE] = "allocstall_device",
	[PGSCAN_SKIP_DMA] = "pgskip_dma",
	[PGSCAN_SKIP_DMA32] = "pgskip_dma32",
	[PGSCAN_SKIP_NORMAL] = "pgskip_normal",
	[PGSCAN_SKIP_MOVABLE] = "pgskip_movable",
	[PGSCAN_SKIP_DEVICE] = "pgskip_device",
	[PGFREE] = "pgfree",
	[PGACTIVATE] = "pgactivate",
	[PGDEACTIVATE] = "pgdeactivate",
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[PGREFILL] = "pgrefill",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PGSCAN_KSWAPD] = "pgscan_kswapd",
	[PGSCAN_DIRECT] = "pgscan_direct",
	[PGSCAN_DIRECT_THROTTLE] = "pgscan_direct_throttle",
	[PGSCAN_ANON] = "pgscan_anon",
	[PGSCAN_FILE] = "pgscan_file",
	[PGSTEAL_ANON] = "pgsteal_anon",
	[PGSTEAL_FILE] = "pgsteal_file",
	[KSWAPD_LOW_WMARK_HIT_QUICKLY] = "kswapd_low_wmark_hit_quickly",
	[KSWAPD_HIGH_WMARK_HIT_QUICKLY] = "kswapd_high_wmark_hit_quickly",
	[PAGEOUTRUN] = "pageoutrun",
	[PGROTATED] = "pgrotated",
	[OOM_KILL] = "oom_kill",
	[SWAP_RA] = "swap_ra",
	[SWAP_RA_HIT] = "swap_ra_hit",
	[SWPIN_ZERO] = "swpin_zero",
	[SWPOUT_ZERO] = "swpout_zero",
	[KSWAPD_WAKE] = "mmsim_kswapd_wake",
	[KSWAPD_SLEEP] = "mmsim_kswapd_sleep",
	[PGSPLIT] = "mmsim_pgsplit",
	[PGMERGE] = "mmsim_pgmerge",
	[ALLOCFAIL] = "mmsim_allocfail",
};

uint64_t mm_stat(const struct mm_node *node, enum mm_stat_item item)
{
	if ((unsigned)item >= MM_NR_STAT_ITEMS)
		return 0;
	return node->stat[item];
}

uint64_t mm_event_count(const struct mm_node *node, enum mm_vm_event_item item)
{
	if ((unsigned)item >= MM_NR_VM_EVENT_ITEMS)
		return 0;
	return node->events[item];
}

/* An appending snprintf: keeps the length the whole text needs. */
struct textbuf {
	char *buf;
	size_t len, pos;
};

static void tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = tb->pos < tb->len ? tb->len - tb->pos : 0;
	int k = vsnprintf(room ? tb->buf + tb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		tb->pos += (size_t)k;
}

static size_t tb_finish(struct textbuf *tb)
{
	if (tb->len)
		tb->buf[tb->pos < tb->len ? tb->pos : tb->len - 1] = '\0';
	return tb->pos;
}

/* mm/vmstat.c: frag_show_print (populated zones) */
size_t mm_dump_buddyinfo(const struct mm_node *node, char *buf, size_t len)
{
	struct textbuf tb = {buf, len, 0};
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		const struct zone *z = &node->zones[i];
		if (!populated_zone(z))
			continue;
		tb_printf(&tb, "Node %d, zone %8s ", 0, z->name);
		for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
			tb_printf(&tb, "%6llu ", (unsigned long long)z->free_area[o].nr_free);
		tb_printf(&tb, "\n");
	}
	return tb_finish(&tb);
}

static uint64_t zone_stat(const struct zone *z, int item)
{
	return item == NR_FREE_PAGES ? z->nr_free_pages : z->vm_stat[item];
}

/* mm/vmstat.c: zoneinfo_show_print (no pcp pagesets, no NUMA counters) */
size_t mm_dump_zoneinfo(const struct mm_node *node, char *buf, size_t len)
{
	struct textbuf tb = {buf, len, 0};
	bool first_populated = true;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		const struct zone *z = &node->zones[i];
		tb_printf(&tb, "Node %d, zone %8s", 0, z->name);
		if (populated_zone(z) && first_populated) {
			first_populated = false;
			tb_printf(&tb, "\n  per-node stats");
			for (int s = NR_INACTIVE_ANON; s < MM_NR_STAT_ITEMS; s++)
				tb_printf(&tb, "\n      %-12s %llu", mm_stat_item_names[s],
					  (unsigned long long)node->stat[s]);
		}
		tb_printf(&tb,
			  "\n  pages free     %llu"
			  "\n        boost    %llu"
			  "\n        min      %llu"
			  "\n        low      %llu"
			  "\n        high     %llu"
			  "\n        promo    %llu"
			  "\n        spanned  %llu"
			  "\n        present  %llu"
			  "\n        managed  %llu"
			  "\n        cma      %llu",
			  (unsigned long long)z->nr_free_pages, (unsigned long long)z->watermark_boost,
			  (unsigned long long)min_wmark_pages(z), (unsigned long long)low_wmark_pages(z),
			  (unsigned long long)high_wmark_pages(z),
			  (unsigned long long)wmark_pages(z, MM_WMARK_PROMO),
			  (unsigned long long)z->spanned_pages, (unsigned long long)z->present_pages,
			  (unsigned long long)z->managed_pages, 0ull);
		tb_printf(&tb, "\n        protection: (%llu", (unsigned long long)z->lowmem_reserve[0]);
		for (int j = 1; j < MM_MAX_NR_ZONES; j++)
			tb_printf(&tb, ", %llu", (unsigned long long)z->lowmem_reserve[j]);
		tb_printf(&tb, ")");
		if (!populated_zone(z)) {
			tb_printf(&tb, "\n");
			continue;
		}
		for (int s = NR_FREE_PAGES; s <= NR_FREE_CMA_PAGES; s++)
			tb_printf(&tb, "\n      %-12s %llu", mm_stat_item_names[s],
				  (unsigned long long)zone_stat(z, s));
		tb_printf(&tb, "\n  node_unreclaimable:  %u\n  start_pfn:           %llu\n",
			  node->kswapd_failures >= MM_MAX_RECLAIM_RETRIES ? 1u : 0u,
			  (unsigned long long)z->zone_start_pfn);
	}
	return tb_finish(&tb);
}

/* mm/vmstat.c: vmstat_start/vmstat_show (zone items summed over zones, node items, events) */
size_t mm_dump_vmstat(const struct mm_node *node, char *buf, size_t len)
{
	struct textbuf tb = {buf, len, 0};
	for (int s = 0; s < MM_NR_STAT_ITEMS; s++) {
		uint64_t v = node->stat[s];
		if (s > NR_FREE_PAGES && s <= NR_FREE_CMA_PAGES) {
			v = 0;
			for (int i = 0; i < MM_MAX_NR_ZONES; i++)
				v += node->zones[i].vm_stat[s];
		}
		tb_printf(&tb, "%s %llu\n", mm_stat_item_names[s], (unsigned long long)v);
	}
	for (int e = 0; e < MM_NR_VM_EVENT_ITEMS; e++)
		tb_printf(&tb, "%s %llu\n", mm_vm_event_names[e], (unsigned long long)node->events[e]);
	return tb_finish(&tb);
}

/* fs/proc/meminfo.c: show_val_kb -- label padded to 16, value in kB width 8 */
static void meminfo_line(struct textbuf *tb, const char *label, uint64_t pages)
{
	tb_printf(tb, "%-16s%8llu kB\n", label, (unsigned long long)(pages << (MM_PAGE_SHIFT - 10)));
}

/* mm/show_mem.c: si_mem_available (no slab) */
static uint64_t si_mem_available(const struct mm_node *n)
{
	uint64_t wmark_low = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++)
		wmark_low += low_wmark_pages(&n->zones[i]);
	int64_t available = (int64_t)n->stat[NR_FREE_PAGES] - (int64_t)n->totalreserve_pages;
	uint64_t pagecache = n->stat[NR_ACTIVE_FILE] + n->stat[NR_INACTIVE_FILE];
	pagecache -= (pagecache / 2 < wmark_low) ? pagecache / 2 : wmark_low;
	available += (int64_t)pagecache;
	return available < 0 ? 0 : (uint64_t)available;
}

/* fs/proc/meminfo.c: meminfo_proc_show (the lines mmsim has) */
size_t mm_dump_meminfo(const struct mm_node *node, char *buf, size_t len)
{
	struct textbuf tb = {buf, len, 0};
	const uint64_t *st = node->stat;
	uint64_t swap_total = node->swap.pages;
	uint64_t swap_free = swap_total - node->swap.inuse_pages;
	uint64_t cached = st[NR_FILE_PAGES] - st[NR_SWAPCACHE];
	meminfo_line(&tb, "MemTotal:", mm_total_pages(node));
	meminfo_line(&tb, "MemFree:", st[NR_FREE_PAGES]);
	meminfo_line(&tb, "MemAvailable:", si_mem_available(node));
	meminfo_line(&tb, "Buffers:", 0);
	meminfo_line(&tb, "Cached:", cached);
	meminfo_line(&tb, "SwapCached:", st[NR_SWAPCACHE]);
	meminfo_line(&tb, "Active:", st[NR_ACTIVE_ANON] + st[NR_ACTIVE_FILE]);
	meminfo_line(&tb, "Inactive:", st[NR_INACTIVE_ANON] + st[NR_INACTIVE_FILE]);
	meminfo_line(&tb, "Active(anon):", st[NR_ACTIVE_ANON]);
	meminfo_line(&tb, "Inactive(anon):", st[NR_INACTIVE_ANON]);
	meminfo_line(&tb, "Active(file):", st[NR_ACTIVE_FILE]);
	meminfo_line(&tb, "Inactive(file):", st[NR_INACTIVE_FILE]);
	meminfo_line(&tb, "Unevictable:", st[NR_UNEVICTABLE]);
	meminfo_line(&tb, "Mlocked:", 0);
	meminfo_line(&tb, "SwapTotal:", swap_total);
	meminfo_line(&tb, "SwapFree:", swap_free);
	meminfo_line(&tb, "Dirty:", st[NR_FILE_DIRTY]);
	meminfo_line(&tb, "Writeback:", st[NR_WRITEBACK]);
	meminfo_line(&tb, "AnonPages:", st[NR_ANON_MAPPED]);
	meminfo_line(&tb, "Mapped:", st[NR_FILE_MAPPED]);
	meminfo_line(&tb, "PageTables:", st[NR_PAGETABLE]);
	meminfo_line(&tb, "KernelPages:", st[NR_KERNEL_PAGES]); /* mmsim: mm_alloc_pages allocations */
	return tb_finish(&tb);
}

/* mm/vmstat.c: fill_contig_page_info + unusable_free_index */
unsigned mm_unusable_free_index(const struct mm_node *node, enum mm_zone_type zi, unsigned order)
{
	const struct zone *z = &node->zones[zi];
	uint64_t free_pages = 0, suitable = 0;
	if (order > MM_MAX_PAGE_ORDER)
		return 1000;
	for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++) {
		uint64_t blocks = z->free_area[o].nr_free;
		free_pages += blocks << o;
		if (o >= order)
			suitable += blocks << (o - order);
	}
	if (free_pages == 0)
		return 1000; /* no free memory counts as all unusable */
	return (unsigned)((free_pages - (suitable << order)) * 1000 / free_pages);
}

/* mm/vmstat.c: unusable_show_print */
size_t mm_dump_unusable_index(const struct mm_node *node, char *buf, size_t len)
{
	struct textbuf tb = {buf, len, 0};
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		if (!populated_zone(&node->zones[i]))
			continue;
		tb_printf(&tb, "Node %d, zone %8s ", 0, node->zones[i].name);
		for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++) {
			unsigned idx = mm_unusable_free_index(node, (enum mm_zone_type)i, o);
			tb_printf(&tb, "%u.%03u ", idx / 1000, idx % 1000);
		}
		tb_printf(&tb, "\n");
	}
	return tb_finish(&tb);
}
