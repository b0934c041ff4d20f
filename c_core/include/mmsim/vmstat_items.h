/*
 * Counter names of mm/vmstat.c (enum zone_stat_item, node_stat_item,
 * vm_event_item of Linux 6.12), the subset mmsim maintains, in the kernel's
 * /proc/vmstat order. mmsim-only items come last in their group.
 */
#ifndef MMSIM_VMSTAT_ITEMS_H
#define MMSIM_VMSTAT_ITEMS_H

#ifdef __cplusplus
extern "C" {
#endif

/* State counters: zone items first, then node items (summed over zones). */
enum mm_stat_item {
	/* enum zone_stat_item */
	NR_FREE_PAGES,
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_FREE_CMA_PAGES,
	/* enum node_stat_item */
	NR_INACTIVE_ANON,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	WORKINGSET_REFAULT_ANON,
	WORKINGSET_REFAULT_FILE,
	WORKINGSET_ACTIVATE_ANON,
	WORKINGSET_ACTIVATE_FILE,
	WORKINGSET_RESTORE_ANON,
	WORKINGSET_RESTORE_FILE,
	NR_ANON_MAPPED,   /* "nr_anon_pages" */
	NR_FILE_MAPPED,   /* "nr_mapped" */
	NR_FILE_PAGES,
	NR_FILE_DIRTY,    /* "nr_dirty" */
	NR_WRITEBACK,
	NR_VMSCAN_WRITE,
	NR_VMSCAN_IMMEDIATE,
	NR_DIRTIED,
	NR_WRITTEN,
	NR_PAGETABLE,     /* "nr_page_table_pages" */
	NR_SWAPCACHE,     /* "nr_swapcached" */
	/* mmsim: pages allocated with mm_alloc_pages (kernel allocations) */
	NR_KERNEL_PAGES,  /* "nr_kernel_pages" (mmsim) */
	MM_NR_STAT_ITEMS
};

/* FOR_ALL_ZONES order on Debian amd64: dma, dma32, normal, movable, device. */
#define MM_FOR_ALL_ZONES(x) x##_DMA, x##_DMA32, x##_NORMAL, x##_MOVABLE, x##_DEVICE

/* enum vm_event_item */
enum mm_vm_event_item {
	PGPGIN,
	PGPGOUT,
	PSWPIN,
	PSWPOUT,
	MM_FOR_ALL_ZONES(PGALLOC),
	MM_FOR_ALL_ZONES(ALLOCSTALL),
	MM_FOR_ALL_ZONES(PGSCAN_SKIP),
	PGFREE,
	PGACTIVATE,
	PGDEACTIVATE,
	PGFAULT,
	PGMAJFAULT,
	PGREFILL,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSCAN_DIRECT_THROTTLE,
	PGSCAN_ANON,
	PGSCAN_FILE,
	PGSTEAL_ANON,
	PGSTEAL_FILE,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,
	KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PAGEOUTRUN,
	PGROTATED,
	OOM_KILL,
	SWAP_RA,          /* pages swap readahead read beyond the faulting one */
	SWAP_RA_HIT,      /* readahead pages touched afterwards */
	SWPIN_ZERO,
	SWPOUT_ZERO,
	/* mmsim extras (not in the kernel's /proc/vmstat) */
	KSWAPD_WAKE,      /* "mmsim_kswapd_wake": wakeup_kswapd woke kswapd */
	KSWAPD_SLEEP,     /* "mmsim_kswapd_sleep": kswapd went to full sleep */
	PGSPLIT,          /* "mmsim_pgsplit": expand() halvings */
	PGMERGE,          /* "mmsim_pgmerge": __free_one_page merges */
	ALLOCFAIL,        /* "mmsim_allocfail": allocations that returned NULL */
	MM_NR_VM_EVENT_ITEMS
};

/* /proc/vmstat spellings, indexed by the enums above (vmstat.c: vmstat_text). */
extern const char *const mm_stat_item_names[MM_NR_STAT_ITEMS];
extern const char *const mm_vm_event_names[MM_NR_VM_EVENT_ITEMS];

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_VMSTAT_ITEMS_H */
