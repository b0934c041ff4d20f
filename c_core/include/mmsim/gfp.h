/*
 * GFP flags with the kernel's names and bit values
 * (include/linux/gfp_types.h, Linux 6.12, x86_64 without KASAN_HW_TAGS and
 * LOCKDEP, so __GFP_SKIP_ZERO / __GFP_SKIP_KASAN / __GFP_NOLOCKDEP are 0).
 */
#ifndef MMSIM_GFP_H
#define MMSIM_GFP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t gfp_t;

/* ___GFP_*_BIT order of include/linux/gfp_types.h */
#define __GFP_DMA            ((gfp_t)1u << 0)
#define __GFP_HIGHMEM        ((gfp_t)1u << 1)
#define __GFP_DMA32          ((gfp_t)1u << 2)
#define __GFP_MOVABLE        ((gfp_t)1u << 3)
#define __GFP_RECLAIMABLE    ((gfp_t)1u << 4)
#define __GFP_HIGH           ((gfp_t)1u << 5)
#define __GFP_IO             ((gfp_t)1u << 6)
#define __GFP_FS             ((gfp_t)1u << 7)
#define __GFP_ZERO           ((gfp_t)1u << 8)
/* bit 9 unused (0x200u) */
#define __GFP_DIRECT_RECLAIM ((gfp_t)1u << 10)
#define __GFP_KSWAPD_RECLAIM ((gfp_t)1u << 11)
#define __GFP_WRITE          ((gfp_t)1u << 12)
#define __GFP_NOWARN         ((gfp_t)1u << 13)
#define __GFP_RETRY_MAYFAIL  ((gfp_t)1u << 14)
#define __GFP_NOFAIL         ((gfp_t)1u << 15)
#define __GFP_NORETRY        ((gfp_t)1u << 16)
#define __GFP_MEMALLOC       ((gfp_t)1u << 17)
#define __GFP_COMP           ((gfp_t)1u << 18)
#define __GFP_NOMEMALLOC     ((gfp_t)1u << 19)
#define __GFP_HARDWALL       ((gfp_t)1u << 20)
#define __GFP_THISNODE       ((gfp_t)1u << 21)
#define __GFP_ACCOUNT        ((gfp_t)1u << 22)
#define __GFP_ZEROTAGS       ((gfp_t)1u << 23)
#define __GFP_SKIP_ZERO      ((gfp_t)0)
#define __GFP_SKIP_KASAN     ((gfp_t)0)
#define __GFP_NOLOCKDEP      ((gfp_t)0)

#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/* Useful GFP flag combinations (gfp_types.h) */
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN)
#define GFP_TRANSHUGE_LIGHT \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

/*
 * include/linux/gfp.h: gfp_zone (GFP_ZONE_TABLE with DMA and DMA32
 * configured, no HIGHMEM). Returns an enum mm_zone_type value:
 * 0 DMA, 1 DMA32, 2 Normal, 3 Movable. Invalid combinations
 * (GFP_ZONE_BAD, e.g. DMA|DMA32) return -1.
 */
static inline int gfp_zone(gfp_t flags)
{
	switch (flags & GFP_ZONEMASK) {
	case 0:
	case __GFP_HIGHMEM: /* OPT_ZONE_HIGHMEM is ZONE_NORMAL without HIGHMEM */
	case __GFP_MOVABLE:
		return 2;
	case __GFP_DMA:
	case __GFP_MOVABLE | __GFP_DMA:
		return 0;
	case __GFP_DMA32:
	case __GFP_MOVABLE | __GFP_DMA32:
		return 1;
	case __GFP_MOVABLE | __GFP_HIGHMEM:
		return 3;
	default:
		return -1;
	}
}

/* include/linux/gfp.h: gfp_migratetype (0 Unmovable, 1 Movable, 2 Reclaimable) */
static inline int gfp_migratetype(gfp_t flags)
{
	return (int)((flags & GFP_MOVABLE_MASK) >> 3);
}

/* include/linux/gfp.h: gfpflags_allow_blocking */
static inline int gfpflags_allow_blocking(gfp_t flags)
{
	return (flags & __GFP_DIRECT_RECLAIM) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_GFP_H */
