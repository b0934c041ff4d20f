/*
 * mmsim c_core: the public interface of the plain-C model of Linux physical
 * memory management (mm/page_alloc.c, mm/vmscan.c, mm/swapfile.c,
 * mm/oom_kill.c, mm/vmstat.c).
 *
 * One struct mm_node holds one simulated machine; every function takes it
 * explicitly. c_core has no global state, never reads a clock, never sleeps
 * and does no I/O: where the kernel would wait or do I/O it calls the host
 * interface (struct mm_host) supplied by the embedder.
 *
 * Internal layout lives in c_core/src/internal.h; users see only this file.
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmsim/gfp.h"
#include "mmsim/vmstat_items.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants (include/linux/mmzone.h, mm/internal.h, swap.h) ---- */
#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE (1u << MM_PAGE_SHIFT)
#define MM_MAX_PAGE_ORDER 10
#define MM_NR_PAGE_ORDERS (MM_MAX_PAGE_ORDER + 1)
#define MM_PAGEBLOCK_ORDER 9
#define MM_PAGE_ALLOC_COSTLY_ORDER 3
#define MM_MAX_RECLAIM_RETRIES 16
#define MM_SWAP_CLUSTER_MAX 32
#define MM_DEF_PRIORITY 12
#define MM_PAGE_CLUSTER_MAX 31 /* mm/swap.c: page_cluster_max (the sysctl's bound) */
#define MM_NIL UINT32_MAX /* "no pfn" / "no slot" / end of a pfn-linked list */

/* Zone indices as Debian's x86_64 config has them (MAX_NR_ZONES = 5). */
enum mm_zone_type {
	MM_ZONE_DMA,
	MM_ZONE_DMA32,
	MM_ZONE_NORMAL,
	MM_ZONE_MOVABLE,
	MM_ZONE_DEVICE,
	MM_MAX_NR_ZONES
};

/* Migratetypes (mmzone.h); mmsim models the three pcp types (see docs/fidelity.md). */
enum mm_migratetype {
	MM_MIGRATE_UNMOVABLE,
	MM_MIGRATE_MOVABLE,
	MM_MIGRATE_RECLAIMABLE,
	MM_MIGRATE_PCPTYPES,
	MM_MIGRATE_TYPES = MM_MIGRATE_PCPTYPES
};

enum mm_wmark { MM_WMARK_MIN, MM_WMARK_LOW, MM_WMARK_HIGH, MM_WMARK_PROMO, MM_NR_WMARK };

enum mm_layout { MM_LAYOUT_SINGLE, MM_LAYOUT_X86_64 };

/* alloc_pages_exact trimming policy: the kernel's make_alloc_exact, or Pageman's Fit&Free. */
enum mm_exact_policy { MM_EXACT_KERNEL, MM_EXACT_FIT_AND_FREE };

/* ---- configuration ---- */

/* One zone given explicitly (e.g. from a real /proc/zoneinfo). 0 = derive. */
struct mm_zone_spec {
	uint64_t spanned; /* pages; 0 = from the layout */
	uint64_t present; /* pages; 0 = spanned (holes = spanned - present, at the zone's end) */
	uint64_t managed; /* pages; 0 = present (reserved = present - managed, below the holes) */
};

struct mm_config {
	uint64_t ram_pages;              /* total RAM in 4 KiB pages (> 0) */
	enum mm_layout layout;           /* single ZONE_NORMAL (default) or x86_64 DMA/DMA32/Normal */
	struct mm_zone_spec zone[MM_MAX_NR_ZONES]; /* optional per-zone overrides */
	long min_free_kbytes;            /* -1 = calculate_min_free_kbytes(); else the sysctl value */
	bool thp_min_free;               /* THP enabled: khugepaged's set_recommended_min_free_kbytes
	                                  * raises min_free_kbytes (default false: THP never) */
	unsigned watermark_scale_factor; /* 1..3000, default 10 */
	unsigned lowmem_reserve_ratio[MM_MAX_NR_ZONES]; /* default 256, 256, 32, 0, 0 */
	unsigned swappiness;             /* 0..200, default 60 */
	uint64_t swap_pages;             /* swap device size in pages incl. header; 0 = no swap */
	bool swap_rotational;            /* linear scan (HDD) instead of SSD clusters; nr_rotate_swap */
	bool swap_synchronous_io;        /* SWP_SYNCHRONOUS_IO (zram): swap-in reads one page, no readahead */
	unsigned page_cluster;           /* vm.page-cluster, 0..31: readahead up to 2^page_cluster pages */
	bool swap_vma_readahead;         /* /sys/kernel/mm/swap/vma_ra_enabled (default true) */
	enum mm_exact_policy exact_policy;
	unsigned max_owners;             /* owner table size (<= 65535), default 1024 */
	bool swap_writeout_async;        /* reclaim does not wait for its writes: the host ends
	                                  * them with mm_end_writeback (default false: the batch
	                                  * waits in io_wait, docs/fidelity.md) */
};

/* Fill cfg with the kernel's defaults for ram_pages of RAM. */
void mm_config_default(struct mm_config *cfg, uint64_t ram_pages);

/* ---- the host interface: time, I/O and notifications ---- */

/*
 * CPU work c_core reports; the host turns counts into simulated time.
 */
enum mm_cpu_cost {
	MM_COST_ALLOC_FAST,     /* one get_page_from_freelist success */
	MM_COST_FREE,           /* one free to the buddy allocator */
	MM_COST_PAGE_SCANNED,   /* one folio looked at by shrink_*_list */
	MM_COST_PAGE_UNMAPPED,  /* one try_to_unmap */
	MM_COST_PAGE_FREED,     /* one folio reclaimed */
	MM_COST_OOM_SELECT,     /* one task looked at by select_bad_process */
	MM_NR_COSTS
};

/* Trace events c_core reports (the host timestamps them). */
enum mm_event_type {
	MM_EV_KSWAPD_WAKE,        /* wakeup_kswapd decided to wake kswapd */
	MM_EV_SLOWPATH_ENTER,     /* __alloc_pages_slowpath entered */
	MM_EV_SLOWPATH_MIN_RETRY, /* get_page_from_freelist at the min watermark */
	MM_EV_DIRECT_RECLAIM_BEGIN,
	MM_EV_DIRECT_RECLAIM_END, /* a = pages reclaimed */
	MM_EV_RECLAIM_RETRY,      /* should_reclaim_retry said retry; a = no_progress_loops */
	MM_EV_OOM_KILL,           /* a = victim owner, b = badness, c = pages freed */
	MM_EV_ALLOC_FAIL,         /* a = order, b = gfp */
	MM_EV_KSWAPD_BALANCED,    /* balance_pgdat returned with the node balanced */
	MM_EV_KSWAPD_FAILED,      /* kswapd_failures reached MAX_RECLAIM_RETRIES */
	MM_EV_KSWAPD_SLEEP,       /* kswapd_try_to_sleep went to full sleep; a = order, b = highest_zoneidx */
	MM_EV_RECLAIM_PASS,       /* one shrink_node pass; a = scanned, b = reclaimed, c = priority (owner MM_NIL: kswapd) */
	MM_NR_EVENTS
};

struct mm_event {
	enum mm_event_type type;
	uint32_t owner;  /* owner of the task that caused it (MM_NIL for kswapd) */
	int64_t a, b, c;
};

struct mm_task;

/* enum vmscan_throttle_state (include/linux/mmzone.h): why reclaim_throttle waits. */
enum mm_throttle_reason {
	MM_THROTTLE_WRITEBACK,  /* VMSCAN_THROTTLE_WRITEBACK */
	MM_THROTTLE_ISOLATED,   /* VMSCAN_THROTTLE_ISOLATED (not modelled: one reclaimer list) */
	MM_THROTTLE_NOPROGRESS, /* VMSCAN_THROTTLE_NOPROGRESS */
	MM_THROTTLE_CONGESTED,  /* VMSCAN_THROTTLE_CONGESTED */
	MM_NR_THROTTLE
};

/* reclaim_throttle's timeouts with Debian's HZ = 250 (one jiffy = 4 ms). */
#define MM_HZ 250
#define MM_JIFFY_NS (1000000000ull / MM_HZ)
#define MM_THROTTLE_WRITEBACK_NS (MM_JIFFY_NS * (MM_HZ / 10))  /* HZ/10 = 100 ms */
#define MM_THROTTLE_NOPROGRESS_NS MM_JIFFY_NS                   /* 1 jiffy, also CONGESTED */
#define MM_THROTTLE_ISOLATED_NS (MM_JIFFY_NS * (MM_HZ / 50))   /* HZ/50 = 20 ms */

struct mm_host {
	void *ctx;
	/*
	 * I/O submission does not block: c_core has already moved the page's
	 * state (slot assigned, PTE is a swap entry, page freed) when it calls
	 * these. The host copies the content and queues the transfer.
	 */
	void (*swap_write)(void *ctx, struct mm_task *t, uint32_t pfn, uint32_t slot);
	void (*swap_read)(void *ctx, struct mm_task *t, uint32_t slot, uint32_t pfn);
	void (*file_write)(void *ctx, struct mm_task *t, uint32_t pfn, uint32_t file, uint32_t index);
	void (*file_read)(void *ctx, struct mm_task *t, uint32_t file, uint32_t index, uint32_t pfn);
	/*
	 * The main blocking point: wait until the I/O this task submitted has
	 * completed. c_core calls it only where its state is consistent, so
	 * other tasks may run inside c_core meanwhile. With asynchronous
	 * swap-out a reclaim batch's writes are not waited for: the batch's
	 * io_wait only waits until they could be submitted (a device whose
	 * request queue is full holds its submitter back).
	 */
	void (*io_wait)(void *ctx, struct mm_task *t);
	void (*cpu)(void *ctx, struct mm_task *t, enum mm_cpu_cost what, uint64_t count);
	/* wakeup_kswapd decided kswapd must run: the host wakes its kswapd thread. */
	void (*wake_kswapd)(void *ctx);
	/* The OOM killer chose owner as victim; its memory is already reaped. */
	void (*oom_killed)(void *ctx, uint32_t owner);
	void (*event)(void *ctx, const struct mm_event *ev);
	/*
	 * Asynchronous swap-out (mm_config.swap_writeout_async) only; all three may be NULL.
	 * writeback_poll: end (mm_end_writeback) every reclaim write that has completed by
	 *   the task's own time; c_core calls it before each reclaim batch.
	 * throttle: reclaim_throttle: wait until throttle_wake(reason) or timeout_ns passed.
	 * throttle_wake: wake the tasks waiting in throttle for reason.
	 */
	void (*writeback_poll)(void *ctx, struct mm_task *t);
	void (*throttle)(void *ctx, struct mm_task *t, enum mm_throttle_reason reason, uint64_t timeout_ns);
	void (*throttle_wake)(void *ctx, enum mm_throttle_reason reason);
};

/* The calling context (the kernel's "current"). */
enum mm_task_flags {
	MM_PF_KSWAPD = 1u << 0,   /* PF_KSWAPD */
	MM_PF_MEMALLOC = 1u << 1, /* PF_MEMALLOC: set while reclaiming */
};

struct mm_task {
	uint32_t owner;   /* the owner (process) on whose behalf it runs, MM_NIL for kthreads */
	unsigned flags;   /* enum mm_task_flags */
	void *host_ctx;   /* the host's per-thread cookie */
};

/* ---- node lifetime ---- */
struct mm_node;

/* Returns NULL and a one-line message in err when cfg is not valid. */
struct mm_node *mm_node_create(const struct mm_config *cfg, const struct mm_host *host,
			       char *err, size_t errlen);
void mm_node_destroy(struct mm_node *node);

/* ---- sysctls (recompute what the kernel recomputes) ---- */
int mm_set_min_free_kbytes(struct mm_node *node, long kbytes);          /* 0 ok, -1 out of range */
int mm_set_watermark_scale_factor(struct mm_node *node, unsigned factor); /* 1..3000 */
int mm_set_swappiness(struct mm_node *node, unsigned swappiness);        /* 0..200 */

/* ---- zone queries ---- */
struct mm_zone_info {
	const char *name;     /* "DMA", "DMA32", "Normal", "Movable", "Device" */
	bool populated;
	uint64_t start_pfn, spanned, present, managed;
	uint64_t nr_free;
	uint64_t wmark[MM_NR_WMARK];
	uint64_t lowmem_reserve[MM_MAX_NR_ZONES];
	uint64_t free_blocks[MM_NR_PAGE_ORDERS];    /* nr_free per order, all migratetypes */
};
void mm_zone_get_info(const struct mm_node *node, enum mm_zone_type z, struct mm_zone_info *out);
long mm_min_free_kbytes(const struct mm_node *node);
uint64_t mm_total_pages(const struct mm_node *node);   /* totalram_pages */
/* Host memory: per simulated frame (struct page), and of the node's allocator state in all. */
uint64_t mm_host_bytes_per_frame(void);
uint64_t mm_host_bytes(const struct mm_node *node);

/* Pure kernel formulas, exposed for tests and tools. */
uint64_t mm_int_sqrt(uint64_t x);                                   /* lib/math/int_sqrt.c */
long mm_calculate_min_free_kbytes(uint64_t lowmem_kbytes);          /* before the user value */

/* ---- allocation and free ---- */

/* Outcome of an allocation. */
enum mm_alloc_status { MM_ALLOC_OK, MM_ALLOC_FAILED, MM_ALLOC_KILLED /* caller was OOM-killed */ };

struct mm_alloc_result {
	enum mm_alloc_status status;
	uint32_t pfn;          /* MM_NIL on failure */
	bool slowpath;         /* entered __alloc_pages_slowpath */
	unsigned reclaim_rounds;
	uint64_t reclaimed;    /* pages reclaimed by this task's direct reclaim */
	bool oom_invoked;
};

/*
 * __alloc_pages: fast path, then the slow path with kswapd wake, min
 * watermark, direct reclaim, should_reclaim_retry and OOM as the kernel
 * orders them. type says what the page becomes (for counters and the
 * consistency check): kernel pages are counted in NR_KERNEL_PAGES. res may be NULL.
 */
void mm_alloc_pages(struct mm_node *node, struct mm_task *t, unsigned order, gfp_t gfp,
		    struct mm_alloc_result *res);
/* __free_pages of a kernel allocation made with mm_alloc_pages. */
void mm_free_pages(struct mm_node *node, uint32_t pfn, unsigned order);

/* alloc_pages_exact / free_pages_exact under node's exact_policy. */
uint32_t mm_alloc_pages_exact(struct mm_node *node, struct mm_task *t, uint64_t size_bytes,
			      gfp_t gfp, struct mm_alloc_result *res);
void mm_free_pages_exact(struct mm_node *node, uint32_t pfn, uint64_t size_bytes);

/* ---- consistency and dumps ---- */

/* Full check; returns 0 or -1 with the first violation in msg. */
int mm_check(const struct mm_node *node, char *msg, size_t msglen);

/*
 * /proc-format text into buf (snprintf semantics: returns the length the
 * full text needs; writes at most len bytes including the NUL).
 */
size_t mm_dump_buddyinfo(const struct mm_node *node, char *buf, size_t len);
size_t mm_dump_zoneinfo(const struct mm_node *node, char *buf, size_t len);
size_t mm_dump_vmstat(const struct mm_node *node, char *buf, size_t len);
size_t mm_dump_meminfo(const struct mm_node *node, char *buf, size_t len);
/* /sys/kernel/debug/extfrag/unusable_index (populated zones, orders 0..10). */
size_t mm_dump_unusable_index(const struct mm_node *node, char *buf, size_t len);
/* unusable_free_index of one zone for an order, in thousandths (0 = none unusable, 1000 = all). */
unsigned mm_unusable_free_index(const struct mm_node *node, enum mm_zone_type z, unsigned order);

/* Node-wide counters (enum mm_stat_item / mm_event_item in vmstat_items.h). */
uint64_t mm_stat(const struct mm_node *node, enum mm_stat_item item);
uint64_t mm_event_count(const struct mm_node *node, enum mm_vm_event_item item);

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_MM_H */
