/*
 * c_core internal layout: what the kernel keeps in struct page, struct zone,
 * struct pglist_data, struct lruvec, struct swap_info_struct and mm_struct.
 * Only c_core/src includes this file.
 */
#ifndef MMSIM_INTERNAL_H
#define MMSIM_INTERNAL_H

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

/* Tests (C++) include this file to reach the allocator's internals. */
#ifdef __cplusplus
extern "C" {
#define MMSIM_STATIC_ASSERT static_assert
#else
#define MMSIM_STATIC_ASSERT _Static_assert
#endif

/* ---- struct page: 16 bytes per simulated frame ---- */

/* Page flags (a subset of enum pageflags). */
enum {
	PG_buddy = 1u << 0,      /* head of a free buddy block (PageBuddy) */
	PG_head = 1u << 1,       /* head of an allocated block (order in ->order) */
	PG_lru = 1u << 2,        /* on one of the node's LRU lists */
	PG_active = 1u << 3,
	PG_referenced = 1u << 4,
	PG_dirty = 1u << 5,
	PG_swapbacked = 1u << 6, /* anon page (folio_is_file_lru() is false) */
	PG_workingset = 1u << 7,
};

struct page {
	uint32_t next, prev; /* pfn links: free_area list when PG_buddy, LRU list when PG_lru */
	uint32_t index;      /* anon: virtual page number in the owner; file: index in the file */
	uint16_t owner;      /* owner id of an allocated head (see struct mm_owner) */
	uint8_t flags;       /* PG_* */
	unsigned order : 4;  /* buddy order (PG_buddy) or allocation order (PG_head), 0..10 */
	/*
	 * The pageblock's migratetype (the kernel's pageblock_flags bitmap),
	 * kept in the FIRST page of each pageblock so that the per-frame cost
	 * stays 16 bytes. It is not page state: never clear or copy a whole
	 * struct page; set fields one by one. Use get/set_pageblock_migratetype.
	 */
	unsigned pageblock_mt : 2;
	/*
	 * PG_writeback (no room left in ->flags): an isolated order-0 user folio
	 * whose swap-out or dirty writeback is in flight; off the LRU, out of its
	 * owner, counted in NR_WRITEBACK, freed when the write completes.
	 */
	unsigned writeback : 1;
	/*
	 * PG_readahead of a swap-in: an anon folio swap readahead brought in and
	 * mapped (never with PTE_YOUNG) that its owner has not touched yet.
	 * Meaningful on LRU folios only: freeing leaves it stale (a free costs no
	 * extra store), allocating a user folio clears it.
	 */
	unsigned readahead : 1;
};
MMSIM_STATIC_ASSERT(sizeof(struct page) == 16, "struct page must stay 16 bytes");

/* A pfn-linked doubly linked list (list_head over pfn indices). */
struct pfn_list {
	uint32_t first, last;
};

/* ---- struct free_area / struct zone ---- */
struct free_area {
	struct pfn_list free_list[MM_MIGRATE_TYPES];
	uint64_t nr_free; /* blocks, all migratetypes */
};

struct zone {
	const char *name;
	enum mm_zone_type idx;
	uint32_t zone_start_pfn;
	uint64_t spanned_pages, present_pages, managed_pages;
	uint64_t nr_free_pages;                  /* NR_FREE_PAGES of this zone */
	uint64_t vm_stat[NR_FREE_CMA_PAGES + 1]; /* other zone_stat_items (NR_ZONE_*: kept by reclaim) */
	uint64_t _watermark[MM_NR_WMARK];
	uint64_t watermark_boost;                /* always 0 in mmsim (no fallback boosting) */
	uint64_t lowmem_reserve[MM_MAX_NR_ZONES];
	struct free_area free_area[MM_NR_PAGE_ORDERS];
	uint64_t nr_writeback[2];                /* async swap-out: folios under writeback (anon, file),
						  * which the kernel keeps on the LRU */
};

/* ---- LRU (struct lruvec) ---- */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	NR_LRU_LISTS
};

/* Per-node LRU state (struct lruvec). Lists are pfn-linked through struct page. */
struct lruvec {
	struct pfn_list lists[NR_LRU_LISTS]; /* head = first (most recently added) */
	uint64_t nr_pages[NR_LRU_LISTS];
	uint64_t anon_cost, file_cost;       /* lru_note_cost */
	uint64_t refaults[2];                /* workingset refaults seen at the last reclaim (anon, file) */
	uint64_t nonresident_age;            /* workingset_age_nonresident clock */
};

/* ---- swap (struct swap_info_struct), one device ---- */
struct swap_info {
	uint8_t *swap_map;        /* per slot: use count, SWAP_MAP_BAD for the header slot */
	uint32_t *shadow;         /* per slot: PTE_SHADOW|workingset shadow of the evicted anon folio, or 0 */
	uint64_t pages;           /* usable slots (si->pages) */
	uint64_t max;             /* slots incl. the header */
	uint64_t inuse_pages;
	uint32_t *cluster_next;   /* SSD: per cluster, next free-list link (swapfile.c) */
	uint16_t *cluster_count;  /* SSD: slots in use per cluster */
	uint32_t nr_clusters;
	uint32_t free_head, free_tail;       /* SSD: free-cluster FIFO (MM_NIL = empty) */
	uint32_t cur_cluster;     /* SSD: cluster being filled (the per-cpu cluster), MM_NIL = none */
	uint32_t cur_offset;      /* next slot to try inside cur_cluster */
	uint32_t nonfull_head, nonfull_tail; /* SSD: partly used clusters FIFO */
	uint8_t *cluster_flags;   /* SSD: on the free / nonfull list */
	uint64_t cluster_next_rot;/* rotational: linear scan position (si->cluster_next) */
	bool rotational;
	/* per used slot, the swap entry's owner and vpn (a reverse map for cluster readahead) */
	uint16_t *rmap_owner;
	uint32_t *rmap_vpn;
	/* mm/swap_state.c: swapin_nr_pages's statics (cluster readahead window) */
	uint32_t ra_hits;                /* swapin_readahead_hits (starts at 4) */
	uint64_t ra_prev_offset;         /* prev_offset */
	uint32_t ra_last_pages;          /* last_readahead_pages */
};
/* ---- owners: processes (mm_struct), files (address_space), the kernel ---- */
/* enum mm_owner_kind is public (mmsim/reclaim.h). */

/*
 * A process's page table entry or a file's page-cache slot, one uint32_t:
 * 0 = none; PTE_PRESENT|pfn = resident (PTE_YOUNG: the hardware accessed
 * bit of a mapped anon page); PTE_SWAP|slot = swapped out (processes) or
 * PTE_SHADOW|shadow (files: a workingset shadow entry).
 */
#define PTE_NONE 0u
#define PTE_PRESENT (1u << 31)
#define PTE_SWAP (1u << 30)
#define PTE_SHADOW (1u << 30)
#define PTE_YOUNG (1u << 30)       /* only together with PTE_PRESENT */
#define PTE_VALUE_MASK ((1u << 30) - 1)
#define PTES_PER_TABLE 512u        /* PTRS_PER_PTE: one page-table page maps 512 entries */

struct mm_owner {
	enum mm_owner_kind kind;
	int oom_score_adj;        /* -1000..1000 */
	bool oom_victim;          /* tsk_is_oom_victim */
	bool dead;                /* exited or reaped: no further faults */
	char name[24];
	uint32_t *pte;            /* process: page table; file: page cache (xarray) */
	uint32_t nr_pte;          /* entries allocated */
	uint64_t *pt_map;         /* process: bit per PTE table that is populated */
	uint64_t rss_anon, rss_file, swapents, nr_kernel; /* get_mm_counter */
	uint64_t pgtables;        /* populated PTE-table pages (mm_pgtables_bytes / PAGE_SIZE) */
	uint64_t nr_cache;        /* file: resident page-cache pages */
	/* process: vma->swap_readahead_info of its one VMA (SWAP_RA_VAL: address, window, hits) */
	uint32_t ra_vpn, ra_win, ra_hits;
	uint64_t ra_pages;        /* process: mapped pages still marked readahead (spares a hit the page look-up) */
};

/* ---- struct pglist_data: the node, i.e. the whole simulated machine ---- */
struct mm_node {
	struct mm_config cfg;
	struct mm_host host;

	struct page *mem_map;            /* node_spanned_pages entries, indexed by pfn */
	uint64_t node_spanned_pages;
	struct zone zones[MM_MAX_NR_ZONES];
	int nr_zones;                    /* populated zones + 1 highest index in use */
	int zonelist[MM_MAX_NR_ZONES + 1]; /* build_zonerefs_node: populated zones high to low, -1 ended */
	int first_zoneref[MM_MAX_NR_ZONES]; /* first_zones_zonelist: per highest_zoneidx, the index
					     * in zonelist[] of the first zone <= it (-1: none) */

	long min_free_kbytes, user_min_free_kbytes;
	uint64_t totalreserve_pages;

	struct lruvec lruvec;
	struct swap_info swap;

	struct mm_owner *owners;         /* owner table, index = owner id; 0 is the kernel */
	uint32_t nr_owners;

	/* kswapd (pglist_data fields) */
	int kswapd_order;
	int kswapd_highest_zoneidx;
	int kswapd_failures;
	bool kswapd_sleeping;            /* kswapd_wait has a sleeper: wakeup_kswapd may wake it */

	/* asynchronous swap-out (vmscan.c / writeback.c) */
	uint64_t wb_inflight[2];         /* folios under reclaim writeback (anon, file) */
	uint64_t wb_rotated[2];          /* written and freed, not yet found by a scan (anon, file) */
	uint64_t wb_met[2];              /* under writeback and already met by a scan (activated) */
	int nr_writeback_throttled;      /* pgdat->nr_writeback_throttled */
	uint64_t nr_reclaim_start;       /* pgdat->nr_reclaim_start */
	uint64_t nr_throttled_written;   /* NR_THROTTLED_WRITTEN */
	bool pgdat_writeback;            /* PGDAT_WRITEBACK */
	bool lruvec_congested;           /* LRUVEC_NODE_CONGESTED */

	uint64_t stat[MM_NR_STAT_ITEMS];       /* node + zone state counters, summed */
	uint64_t events[MM_NR_VM_EVENT_ITEMS]; /* vm_event counters (PGSPLIT/PGMERGE: buddy steps) */
};

/* ---- helpers shared by c_core's files ---- */
static inline struct page *pfn_to_page(struct mm_node *n, uint32_t pfn) { return &n->mem_map[pfn]; }
#define MM_PAGEBLOCK_NR_PAGES (1u << MM_PAGEBLOCK_ORDER)
/* mm/page_alloc.c: get_pfnblock_migratetype */
/* (stored XOR MIGRATE_MOVABLE, so that a zeroed mem_map is all Movable, as memmap_init leaves it) */
static inline int get_pageblock_migratetype(const struct mm_node *n, uint32_t pfn)
{
	return (int)(n->mem_map[pfn & ~(MM_PAGEBLOCK_NR_PAGES - 1)].pageblock_mt ^ MM_MIGRATE_MOVABLE);
}
/* mm/page_alloc.c: set_pageblock_migratetype */
static inline void set_pageblock_migratetype(struct mm_node *n, uint32_t pfn, int mt)
{
	n->mem_map[pfn & ~(MM_PAGEBLOCK_NR_PAGES - 1)].pageblock_mt = ((unsigned)mt ^ MM_MIGRATE_MOVABLE) & 3u;
}
static inline uint32_t page_to_pfn(const struct mm_node *n, const struct page *p)
{
	return (uint32_t)(p - n->mem_map);
}

/*
 * Page states the allocator knows (the check walks the pfns with them):
 * - a free block: head has PG_buddy and ->order, the other pages are 0;
 * - an allocated block: head has PG_head and ->order (callers may add PG_lru,
 *   PG_swapbacked, ... but must keep PG_head); tail pages are 0;
 * - reserved pages (present but not managed): the top present - managed
 *   pfns of each zone, never touched.
 */

/* ---- alloc_flags (mm/internal.h, 6.12 values) ---- */
#define ALLOC_WMARK_MIN MM_WMARK_MIN
#define ALLOC_WMARK_LOW MM_WMARK_LOW
#define ALLOC_WMARK_HIGH MM_WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM 0x08
#define ALLOC_NON_BLOCK 0x10
#define ALLOC_MIN_RESERVE 0x20
#define ALLOC_CPUSET 0x40
#define ALLOC_CMA 0x80
#define ALLOC_NOFRAGMENT 0x100
#define ALLOC_HIGHATOMIC 0x200
#define ALLOC_KSWAPD 0x800
#define ALLOC_RESERVES (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* struct alloc_context: what one allocation walks. */
struct alloc_context {
	int highest_zoneidx;   /* gfp_zone(gfp) */
	int migratetype;       /* gfp_migratetype(gfp) */
	int preferred_zoneidx; /* first populated zone <= highest_zoneidx in the zonelist, -1 none */
	int zoneref;           /* its index in node->zonelist[] (ac->preferred_zoneref) */
};

/* What the page becomes, for the NR_* state counters (page-state accounting). */
enum mm_page_type { MM_PAGE_KERNEL, MM_PAGE_ANON, MM_PAGE_FILE };

static inline uint64_t zone_end_pfn(const struct zone *z) { return z->zone_start_pfn + z->spanned_pages; }
static inline bool populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline bool managed_zone(const struct zone *z) { return z->managed_pages != 0; }
static inline uint64_t wmark_pages(const struct zone *z, enum mm_wmark w)
{
	return z->_watermark[w] + z->watermark_boost;
}
static inline uint64_t min_wmark_pages(const struct zone *z) { return wmark_pages(z, MM_WMARK_MIN); }
static inline uint64_t low_wmark_pages(const struct zone *z) { return wmark_pages(z, MM_WMARK_LOW); }
static inline uint64_t high_wmark_pages(const struct zone *z) { return wmark_pages(z, MM_WMARK_HIGH); }

/* The zone a pfn lies in (spanned range), or NULL. */
struct zone *pfn_zone(struct mm_node *n, uint32_t pfn);

/* Host calls that tolerate a missing callback. */
void host_event(struct mm_node *n, enum mm_event_type type, uint32_t owner, int64_t a, int64_t b,
		int64_t c);
static inline void host_cpu(struct mm_node *n, struct mm_task *t, enum mm_cpu_cost what, uint64_t count)
{
	if (n->host.cpu)
		n->host.cpu(n->host.ctx, t, what, count);
}

/* ---- page_alloc.c: the buddy allocator ---- */

/* __free_pages_ok: free an allocated block (head with PG_head) to the buddy lists; counts pgfree. */
void free_pages_to_buddy(struct mm_node *n, uint32_t pfn, unsigned order);
/* __free_one_page with FPI flags: to_tail forces tail placement (FPI_TO_TAIL). */
void free_one_page(struct mm_node *n, struct zone *z, uint32_t pfn, unsigned order, bool to_tail);
/* get_page_from_freelist over the zonelist; MM_NIL when no zone passes. Marks the head PG_head. */
uint32_t get_page_from_freelist(struct mm_node *n, gfp_t gfp, unsigned order, unsigned alloc_flags,
				const struct alloc_context *ac);
/* One get_page_from_freelist attempt at the given alloc_flags, no slow path (e.g. ALLOC_WMARK_LOW). */
uint32_t alloc_pages_noreclaim(struct mm_node *n, unsigned order, gfp_t gfp, unsigned alloc_flags);
/* prepare_alloc_pages: fill ac from gfp; false if gfp names no valid zone. */
bool prepare_alloc_context(const struct mm_node *n, gfp_t gfp, struct alloc_context *ac);
/*
 * __alloc_pages: the fast path then __alloc_pages_slowpath; accounts the
 * block as type (NR_KERNEL_PAGES / NR_ANON_MAPPED / NR_FILE_PAGES).
 */
void alloc_pages_typed(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
		       enum mm_page_type type, struct mm_alloc_result *res);
/* __alloc_pages without blocking: the fast path, then the slow path's first try; MM_NIL where it would reclaim. */
uint32_t alloc_pages_noblock_typed(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
				   enum mm_page_type type);
/* Page-state accounting for nr_pages of type (negative when they are freed). */
static inline void account_page_type(struct mm_node *n, enum mm_page_type type, int64_t nr_pages)
{
	n->stat[type == MM_PAGE_KERNEL ? NR_KERNEL_PAGES : type == MM_PAGE_ANON ? NR_ANON_MAPPED : NR_FILE_PAGES] +=
		(uint64_t)nr_pages;
}
/* Page pfn of an allocated block of order 'order' becomes order-0 pages (split_page). */
void split_page(struct mm_node *n, uint32_t pfn, unsigned order);

/* ---- slowpath.c ---- */
/* __alloc_pages_slowpath; returns the pfn or MM_NIL, fills res. */
uint32_t alloc_pages_slowpath(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
			      const struct alloc_context *ac, struct mm_alloc_result *res);
unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order);
/* The slow path up to its first blocking step (kswapd woken, one try at the min watermark). */
uint32_t alloc_pages_slowpath_noblock(struct mm_node *n, unsigned order, gfp_t gfp, const struct alloc_context *ac);

/* ---- watermark.c ---- */
bool __zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, int64_t free_pages);
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
		       unsigned alloc_flags);
bool zone_watermark_fast(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags);
/* zone_watermark_ok_safe: exact counters in mmsim, flags 0. */
bool zone_watermark_ok_safe(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx);
/* nr_free_buffer_pages: sum over zones <= Normal of managed - high (if positive). */
uint64_t nr_free_buffer_pages(const struct mm_node *n);
/* init_per_zone_wmark_min as node creation and the sysctls run it. */
void setup_per_zone_wmarks(struct mm_node *n);
void setup_per_zone_lowmem_reserve(struct mm_node *n);
void calculate_totalreserve_pages(struct mm_node *n);
/* calculate_min_free_kbytes applied to the node (respects user_min_free_kbytes). */
void node_calculate_min_free_kbytes(struct mm_node *n);
/* khugepaged.c: set_recommended_min_free_kbytes. */
void set_recommended_min_free_kbytes(struct mm_node *n);

/* ---- vmstat.c ---- */
static inline void count_vm_events(struct mm_node *n, enum mm_vm_event_item item, uint64_t nr)
{
	n->events[item] += nr;
}
static inline void mod_node_state(struct mm_node *n, enum mm_stat_item item, int64_t nr)
{
	n->stat[item] += (uint64_t)nr;
}

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_INTERNAL_H */
