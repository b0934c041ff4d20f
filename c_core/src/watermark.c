/*
 * Watermarks and reserves (mm/page_alloc.c, mm/khugepaged.c, Linux 6.12):
 * min_free_kbytes, the per-zone min/low/high/promo marks, lowmem_reserve and
 * the watermark checks.
 */
#include "internal.h"

/* lib/math/int_sqrt.c: int_sqrt (floor of the square root) */
uint64_t mm_int_sqrt(uint64_t x)
{
	if (x < 2)
		return x;
	uint64_t m = (uint64_t)1 << ((63 - __builtin_clzll(x)) & ~1);
	uint64_t y = 0;
	while (m != 0) {
		uint64_t b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

/* mm/page_alloc.c: calculate_min_free_kbytes (the new value before user_min_free_kbytes) */
long mm_calculate_min_free_kbytes(uint64_t lowmem_kbytes)
{
	long v = (long)mm_int_sqrt(lowmem_kbytes * 16);
	if (v < 128)
		v = 128;
	if (v > 262144)
		v = 262144;
	return v;
}

/* mm/page_alloc.c: nr_free_buffer_pages (nr_free_zone_pages(gfp_zone(GFP_USER))) */
uint64_t nr_free_buffer_pages(const struct mm_node *n)
{
	uint64_t sum = 0;
	for (int i = 0; i <= MM_ZONE_NORMAL; i++) {
		const struct zone *z = &n->zones[i];
		uint64_t high = high_wmark_pages(z);
		if (z->managed_pages > high)
			sum += z->managed_pages - high;
	}
	return sum;
}

/* mm/page_alloc.c: calculate_min_free_kbytes */
void node_calculate_min_free_kbytes(struct mm_node *n)
{
	uint64_t lowmem_kbytes = nr_free_buffer_pages(n) * (MM_PAGE_SIZE >> 10);
	long new_min = (long)mm_int_sqrt(lowmem_kbytes * 16);
	if (new_min > n->user_min_free_kbytes)
		n->min_free_kbytes = mm_calculate_min_free_kbytes(lowmem_kbytes);
}

/* mm/page_alloc.c: calculate_totalreserve_pages */
void calculate_totalreserve_pages(struct mm_node *n)
{
	n->totalreserve_pages = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		const struct zone *z = &n->zones[i];
		uint64_t max = 0;
		for (int j = i; j < MM_MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += high_wmark_pages(z);
		if (max > z->managed_pages)
			max = z->managed_pages;
		n->totalreserve_pages += max;
	}
}

/* mm/page_alloc.c: __setup_per_zone_wmarks */
void setup_per_zone_wmarks(struct mm_node *n)
{
	uint64_t pages_min = (uint64_t)n->min_free_kbytes >> (MM_PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++)
		if (i != MM_ZONE_MOVABLE)
			lowmem_pages += n->zones[i].managed_pages;
	for (int i = 0; i < MM_MAX_NR_ZONES; i++) {
		struct zone *z = &n->zones[i];
		uint64_t managed = z->managed_pages;
		uint64_t tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;
		if (i == MM_ZONE_MOVABLE) {
			uint64_t min_pages = managed / 1024;
			if (min_pages < MM_SWAP_CLUSTER_MAX)
				min_pages = MM_SWAP_CLUSTER_MAX;
			if (min_pages > 128)
				min_pages = 128;
			z->_watermark[MM_WMARK_MIN] = min_pages;
		} else {
			z->_watermark[MM_WMARK_MIN] = tmp;
		}
		uint64_t scaled = managed * n->cfg.watermark_scale_factor / 10000; /* mult_frac */
		tmp = (tmp >> 2) > scaled ? (tmp >> 2) : scaled;
		z->watermark_boost = 0;
		z->_watermark[MM_WMARK_LOW] = min_wmark_pages(z) + tmp;
		z->_watermark[MM_WMARK_HIGH] = low_wmark_pages(z) + tmp;
		z->_watermark[MM_WMARK_PROMO] = high_wmark_pages(z) + tmp;
	}
	calculate_totalreserve_pages(n);
}

/* mm/page_alloc.c: setup_per_zone_lowmem_reserve */
void setup_per_zone_lowmem_reserve(struct mm_node *n)
{
	for (int i = 0; i < MM_MAX_NR_ZONES - 1; i++) {
		struct zone *z = &n->zones[i];
		unsigned ratio = n->cfg.lowmem_reserve_ratio[i];
		bool clear = !ratio || !z->managed_pages;
		uint64_t managed = 0;
		for (int j = i + 1; j < MM_MAX_NR_ZONES; j++) {
			managed += n->zones[j].managed_pages;
			z->lowmem_reserve[j] = clear ? 0 : managed / ratio;
		}
	}
	calculate_totalreserve_pages(n);
}

/* mm/khugepaged.c: set_recommended_min_free_kbytes (THP enabled: hugepage_pmd_enabled()) */
void set_recommended_min_free_kbytes(struct mm_node *n)
{
	uint64_t nr_zones = 0;
	for (int i = 0; i <= MM_ZONE_NORMAL; i++) /* gfp_zone(GFP_USER) = Normal */
		if (populated_zone(&n->zones[i]))
			nr_zones++;
	uint64_t pb = 1u << MM_PAGEBLOCK_ORDER;
	uint64_t recommended = pb * nr_zones * 2;
	recommended += pb * nr_zones * MM_MIGRATE_PCPTYPES * MM_MIGRATE_PCPTYPES;
	uint64_t cap = nr_free_buffer_pages(n) / 20;
	if (recommended > cap)
		recommended = cap;
	recommended <<= (MM_PAGE_SHIFT - 10);
	if ((long)recommended > n->min_free_kbytes)
		n->min_free_kbytes = (long)recommended;
	setup_per_zone_wmarks(n);
}

/* mm/page_alloc.c: __zone_watermark_unusable_free (no highatomic reserve, no CMA) */
static inline int64_t zone_watermark_unusable_free(unsigned order) { return ((int64_t)1 << order) - 1; }

/* mm/page_alloc.c: __zone_watermark_ok */
bool __zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, int64_t free_pages)
{
	int64_t min = (int64_t)mark;
	free_pages -= zone_watermark_unusable_free(order);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < MM_NR_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];
		if (!area->nr_free)
			continue;
		for (int mt = 0; mt < MM_MIGRATE_PCPTYPES; mt++)
			if (area->free_list[mt].first != MM_NIL)
				return true;
	}
	return false;
}

/* mm/page_alloc.c: zone_watermark_ok */
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
		       unsigned alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, (int64_t)z->nr_free_pages);
}

/* mm/page_alloc.c: zone_watermark_fast */
bool zone_watermark_fast(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags)
{
	int64_t free_pages = (int64_t)z->nr_free_pages;
	if (!order) {
		/* __zone_watermark_unusable_free is 0 for order 0 without highatomic/CMA */
		if (free_pages > (int64_t)(mark + z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN)
		return __zone_watermark_ok(z, order, z->_watermark[MM_WMARK_MIN], highest_zoneidx,
					   alloc_flags, free_pages);
	return false;
}

/* mm/page_alloc.c: zone_watermark_ok_safe (counters are exact: no percpu drift) */
bool zone_watermark_ok_safe(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, 0, (int64_t)z->nr_free_pages);
}
