/*
 * c_core internal layout: what the kernel keeps in struct page, struct zone,
 * struct pglist_data, struct lruvec, struct swap_info_struct and mm_struct.
 * Only c_core/src includes this file.
 */
#ifndef MMSIM_INTERNAL_H
#define MMSIM_INTERNAL_H

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

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
	uint8_t order;       /* buddy order (PG_buddy) or allocation order (PG_head) */
	uint8_t flags;       /* PG_* */
};
_Static_assert(sizeof(struct page) == 16, "struct page must stay 16 bytes");

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
	uint64_t _watermark[MM_NR_WMARK];
	uint64_t watermark_boost;                /* always 0 in mmsim (no fallback boosting) */
	uint64_t lowmem_reserve[MM_MAX_NR_ZONES];
	struct free_area free_area[MM_NR_PAGE_ORDERS];
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
	uint64_t zone_nr_pages[MM_MAX_NR_ZONES][NR_LRU_LISTS]; /* lru_zone_size */
	uint64_t anon_cost, file_cost;       /* lru_note_cost */
	uint64_t refaults[2];                /* workingset refaults seen at the last reclaim (anon, file) */
	uint64_t nonresident_age;            /* workingset_age_nonresident clock */
};

/* ---- swap (struct swap_info_struct), one device ---- */
struct swap_info {
	uint8_t *swap_map;        /* per slot: use count, SWAP_MAP_BAD for the header slot */
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
};

/* ---- struct pglist_data: the node, i.e. the whole simulated machine ---- */
struct mm_node {
	struct mm_config cfg;
	struct mm_host host;

	struct page *mem_map;            /* node_spanned_pages entries, indexed by pfn */
	uint64_t node_spanned_pages;
	uint8_t *pageblock_mt;           /* migratetype per pageblock */
	struct zone zones[MM_MAX_NR_ZONES];
	int nr_zones;                    /* populated zones + 1 highest index in use */
	int zonelist[MM_MAX_NR_ZONES];   /* build_zonerefs_node: populated zones high to low, -1 ended */

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

	uint64_t stat[MM_NR_STAT_ITEMS];       /* node + zone state counters, summed */
	uint64_t events[MM_NR_VM_EVENT_ITEMS]; /* vm_event counters */
	uint64_t splits, merges;               /* buddy expand/merge steps */
};

/* ---- helpers shared by c_core's files ---- */
static inline struct page *pfn_to_page(struct mm_node *n, uint32_t pfn) { return &n->mem_map[pfn]; }
static inline uint32_t page_to_pfn(const struct mm_node *n, const struct page *p)
{
	return (uint32_t)(p - n->mem_map);
}

#endif /* MMSIM_INTERNAL_H */
