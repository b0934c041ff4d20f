/*
 * Node creation (mm/mm_init.c: free_area_init, zone_sizes_init for the
 * layout, memmap_init, memblock_free_all; mm/page_alloc.c:
 * build_zonelists, init_per_zone_wmark_min), the sysctls and zone queries.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "internal.h"
#include "reclaim_api.h"

#define MM_MIN_RAM_PAGES 1024ull          /* 4 MiB */
#define MM_MAX_RAM_PAGES (1ull << 30)     /* 4 TiB: pfns stay below MM_NIL */
#define X86_DMA_END_PFN (16ull << 20 >> MM_PAGE_SHIFT)   /* MAX_DMA_PFN: 16 MiB */
#define X86_DMA32_END_PFN (4ull << 30 >> MM_PAGE_SHIFT)  /* MAX_DMA32_PFN: 4 GiB */

static const char *const zone_names[MM_MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable", "Device"};

void mm_config_default(struct mm_config *cfg, uint64_t ram_pages)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_pages = ram_pages;
	cfg->layout = MM_LAYOUT_SINGLE;
	cfg->min_free_kbytes = -1;
	cfg->thp_min_free = false;
	cfg->watermark_scale_factor = 10;
	cfg->lowmem_reserve_ratio[MM_ZONE_DMA] = 256;
	cfg->lowmem_reserve_ratio[MM_ZONE_DMA32] = 256;
	cfg->lowmem_reserve_ratio[MM_ZONE_NORMAL] = 32;
	cfg->swappiness = 60;
	cfg->swap_pages = 0;
	cfg->swap_rotational = false;
	cfg->swap_synchronous_io = false;
	/* mm/swap.c: swap_setup (a smaller cluster below 16 MiB of RAM) */
	cfg->page_cluster = (ram_pages >> (20 - MM_PAGE_SHIFT)) < 16 ? 2 : 3;
	cfg->swap_vma_readahead = true;
	cfg->exact_policy = MM_EXACT_KERNEL;
	cfg->max_owners = 1024;
}

void host_event(struct mm_node *n, enum mm_event_type type, uint32_t owner, int64_t a, int64_t b,
		int64_t c)
{
	if (!n->host.event)
		return;
	struct mm_event ev = {.type = type, .owner = owner, .a = a, .b = b, .c = c};
	n->host.event(n->host.ctx, &ev);
}


/* Default spanned pages of zone i for the layout (zone_sizes_init without the PCI hole). */
static uint64_t layout_spanned(const struct mm_config *cfg, int i)
{
	uint64_t ram = cfg->ram_pages;
	if (cfg->layout == MM_LAYOUT_SINGLE)
		return i == MM_ZONE_NORMAL ? ram : 0;
	switch (i) {
	case MM_ZONE_DMA:
		return ram < X86_DMA_END_PFN ? ram : X86_DMA_END_PFN;
	case MM_ZONE_DMA32:
		if (ram <= X86_DMA_END_PFN)
			return 0;
		return (ram < X86_DMA32_END_PFN ? ram : X86_DMA32_END_PFN) - X86_DMA_END_PFN;
	case MM_ZONE_NORMAL:
		return ram > X86_DMA32_END_PFN ? ram - X86_DMA32_END_PFN : 0;
	default:
		return 0;
	}
}

static int validate(const struct mm_config *cfg, char *err, size_t errlen)
{
	if (cfg->ram_pages < MM_MIN_RAM_PAGES || cfg->ram_pages > MM_MAX_RAM_PAGES) {
		snprintf(err, errlen, "ram_pages: %llu is out of range (allowed %llu..%llu pages, 4 MiB..4 TiB)",
			 (unsigned long long)cfg->ram_pages, MM_MIN_RAM_PAGES, MM_MAX_RAM_PAGES);
		return -1;
	}
	if (cfg->layout != MM_LAYOUT_SINGLE && cfg->layout != MM_LAYOUT_X86_64) {
		snprintf(err, errlen, "layout: %d is not valid (allowed single, x86_64)", (int)cfg->layout);
		return -1;
	}
	if (cfg->watermark_scale_factor < 1 || cfg->watermark_scale_factor > 3000) {
		snprintf(err, errlen, "watermark_scale_factor: %u is out of range (allowed 1..3000)",
			 cfg->watermark_scale_factor);
		return -1;
	}
	if (cfg->min_free_kbytes < -1 || cfg->min_free_kbytes > 2147483647L) {
		snprintf(err, errlen, "min_free_kbytes: %ld is out of range (allowed 0..2147483647, -1 = computed)",
			 cfg->min_free_kbytes);
		return -1;
	}
	if (cfg->swappiness > 200) {
		snprintf(err, errlen, "swappiness: %u is out of range (allowed 0..200)", cfg->swappiness);
		return -1;
	}
	if (cfg->page_cluster > MM_PAGE_CLUSTER_MAX) {
		snprintf(err, errlen, "page_cluster: %u is out of range (allowed 0..%u)", cfg->page_cluster,
			 MM_PAGE_CLUSTER_MAX);
		return -1;
	}
	if (cfg->swap_pages == 1 || cfg->swap_pages > (1u << 30) - 1) {
		snprintf(err, errlen, "swap_pages: %llu is out of range (allowed 0 = no swap, or 2..%u)",
			 (unsigned long long)cfg->swap_pages, (1u << 30) - 1);
		return -1;
	}
	if (cfg->max_owners < 1 || cfg->max_owners > 65535) {
		snprintf(err, errlen, "max_owners: %u is out of range (allowed 1..65535)", cfg->max_owners);
		return -1;
	}
	if (cfg->exact_policy != MM_EXACT_KERNEL && cfg->exact_policy != MM_EXACT_FIT_AND_FREE) {
		snprintf(err, errlen, "exact_policy: %d is not valid (allowed kernel, fit_and_free)",
			 (int)cfg->exact_policy);
		return -1;
	}
	uint64_t total = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		const struct mm_zone_spec *s = &cfg->zone[i];
		uint64_t spanned = s->spanned ? s->spanned : layout_spanned(cfg, i);
		uint64_t present = s->present ? s->present : spanned;
		uint64_t managed = s->managed ? s->managed : present;
		if (i == MM_ZONE_DEVICE && spanned) {
			snprintf(err, errlen, "zone Device: cannot hold memory (allowed zones DMA, DMA32, Normal, Movable)");
			return -1;
		}
		if (present > spanned || managed > present) {
			snprintf(err, errlen,
				 "zone %s: managed %llu, present %llu, spanned %llu pages (allowed managed <= present <= spanned)",
				 zone_names[i], (unsigned long long)managed, (unsigned long long)present,
				 (unsigned long long)spanned);
			return -1;
		}
		total += spanned;
	}
	if (total == 0 || total > MM_MAX_RAM_PAGES) {
		snprintf(err, errlen, "zones: %llu spanned pages in all (allowed 1..%llu)",
			 (unsigned long long)total, MM_MAX_RAM_PAGES);
		return -1;
	}
	if (cfg->zone[MM_ZONE_MOVABLE].spanned &&
	    !(cfg->zone[MM_ZONE_NORMAL].spanned || layout_spanned(cfg, MM_ZONE_NORMAL)) &&
	    !(cfg->zone[MM_ZONE_DMA32].spanned || layout_spanned(cfg, MM_ZONE_DMA32)) &&
	    !(cfg->zone[MM_ZONE_DMA].spanned || layout_spanned(cfg, MM_ZONE_DMA))) {
		snprintf(err, errlen, "zone Movable: populated without a lowmem zone (allowed only beside DMA, DMA32 or Normal)");
		return -1;
	}
	return 0;
}

/* mm/mm_init.c: memblock_free_all -> __free_pages_memory: aligned blocks, each to the tail */
static void free_boot_range(struct mm_node *n, struct zone *z, uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned order = MM_MAX_PAGE_ORDER;
		if (start) {
			unsigned lowbit = (unsigned)__builtin_ctzll(start);
			if (lowbit < order)
				order = lowbit;
		}
		while (start + (1ull << order) > end)
			order--;
		free_one_page(n, z, (uint32_t)start, order, true);
		start += 1ull << order;
	}
}

static void *alloc_zeroed(size_t count, size_t size)
{
	return calloc(count ? count : 1, size); /* large callocs are lazily zeroed mmaps */
}

struct mm_node *mm_node_create(const struct mm_config *cfg, const struct mm_host *host, char *err,
			       size_t errlen)
{
	char dummy[8];
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!cfg) {
		snprintf(err, errlen, "cfg: NULL configuration");
		return NULL;
	}
	if (validate(cfg, err, errlen))
		return NULL;
	struct mm_node *n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "out of host memory for the node");
		return NULL;
	}
	n->cfg = *cfg;
	if (host)
		n->host = *host;

	/* free_area_init: zones laid out one after another from pfn 0 */
	uint64_t pfn = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		struct zone *z = &n->zones[i];
		const struct mm_zone_spec *s = &cfg->zone[i];
		z->name = zone_names[i];
		z->idx = (enum mm_zone_type)i;
		z->zone_start_pfn = (uint32_t)pfn;
		z->spanned_pages = s->spanned ? s->spanned : layout_spanned(cfg, i);
		z->present_pages = s->present ? s->present : z->spanned_pages;
		z->managed_pages = s->managed ? s->managed : z->present_pages;
		for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
			for (int mt = 0; mt < MM_MIGRATE_TYPES; mt++)
				z->free_area[o].free_list[mt].first = z->free_area[o].free_list[mt].last = MM_NIL;
		pfn += z->spanned_pages;
	}
	n->node_spanned_pages = pfn;
	n->mem_map = alloc_zeroed((size_t)pfn, sizeof(struct page));
	if (!n->mem_map) {
		snprintf(err, errlen, "out of host memory for %llu pages of mem_map",
			 (unsigned long long)pfn);
		free(n);
		return NULL;
	}
	/* memmap_init: every pageblock starts MIGRATE_MOVABLE (the zeroed encoding) */

	/* build_zonerefs_node: populated zones, highest first */
	int k = 0;
	n->nr_zones = 0;
	for (int i = MM_MAX_NR_ZONES - 1; i >= 0; i--) {
		if (populated_zone(&n->zones[i])) {
			n->zonelist[k++] = i;
			if (n->nr_zones == 0)
				n->nr_zones = i + 1;
		}
	}
	for (; k <= MM_MAX_NR_ZONES; k++)
		n->zonelist[k] = -1;
	for (int hz = 0; hz < MM_MAX_NR_ZONES; hz++) {
		n->first_zoneref[hz] = -1;
		for (int i = 0; n->zonelist[i] >= 0; i++) {
			if (n->zonelist[i] <= hz) {
				n->first_zoneref[hz] = i;
				break;
			}
		}
	}

	/* memblock_free_all: managed pages go to the buddy lists; the rest stays reserved */
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		struct zone *z = &n->zones[i];
		free_boot_range(n, z, z->zone_start_pfn, z->zone_start_pfn + z->managed_pages);
	}

	/* init_per_zone_wmark_min */
	n->user_min_free_kbytes = -1;
	n->min_free_kbytes = 1024;
	node_calculate_min_free_kbytes(n);
	setup_per_zone_wmarks(n);
	setup_per_zone_lowmem_reserve(n);
	/* hugepage_init -> start_stop_khugepaged (THP is disabled below 512 MiB of RAM) */
	if (cfg->thp_min_free && mm_total_pages(n) >= (512ull << 20 >> MM_PAGE_SHIFT))
		set_recommended_min_free_kbytes(n);
	if (cfg->min_free_kbytes >= 0)
		mm_set_min_free_kbytes(n, cfg->min_free_kbytes);

	reclaim_state_init(n);
	return n;
}

void mm_node_destroy(struct mm_node *node)
{
	if (!node)
		return;
	reclaim_state_destroy(node);
	free(node->mem_map);
	free(node);
}

/* mm/page_alloc.c: min_free_kbytes_sysctl_handler */
int mm_set_min_free_kbytes(struct mm_node *node, long kbytes)
{
	if (kbytes < 0 || kbytes > 2147483647L)
		return -1;
	node->min_free_kbytes = kbytes;
	node->user_min_free_kbytes = kbytes;
	setup_per_zone_wmarks(node);
	return 0;
}

/* mm/page_alloc.c: watermark_scale_factor_sysctl_handler */
int mm_set_watermark_scale_factor(struct mm_node *node, unsigned factor)
{
	if (factor < 1 || factor > 3000)
		return -1;
	node->cfg.watermark_scale_factor = factor;
	setup_per_zone_wmarks(node);
	return 0;
}

int mm_set_swappiness(struct mm_node *node, unsigned swappiness)
{
	if (swappiness > 200)
		return -1;
	node->cfg.swappiness = swappiness;
	return 0;
}

void mm_zone_get_info(const struct mm_node *node, enum mm_zone_type zi, struct mm_zone_info *out)
{
	const struct zone *z = &node->zones[zi];
	memset(out, 0, sizeof(*out));
	out->name = z->name;
	out->populated = populated_zone(z);
	out->start_pfn = z->zone_start_pfn;
	out->spanned = z->spanned_pages;
	out->present = z->present_pages;
	out->managed = z->managed_pages;
	out->nr_free = z->nr_free_pages;
	for (int w = 0; w < MM_NR_WMARK; w++)
		out->wmark[w] = wmark_pages(z, (enum mm_wmark)w);
	for (int j = 0; j < MM_MAX_NR_ZONES; j++)
		out->lowmem_reserve[j] = z->lowmem_reserve[j];
	for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
		out->free_blocks[o] = z->free_area[o].nr_free;
}

long mm_min_free_kbytes(const struct mm_node *node) { return node->min_free_kbytes; }

uint64_t mm_host_bytes_per_frame(void) { return sizeof(struct page); }

uint64_t mm_host_bytes(const struct mm_node *node)
{
	return node->node_spanned_pages * sizeof(struct page) + sizeof(*node);
}

/* totalram_pages: managed pages of all zones */
uint64_t mm_total_pages(const struct mm_node *node)
{
	uint64_t sum = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++)
		sum += node->zones[i].managed_pages;
	return sum;
}
