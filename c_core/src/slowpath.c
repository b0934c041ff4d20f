/*
 * The allocation slow path (mm/page_alloc.c, Linux 6.12): alloc_flags,
 * kswapd wake-up, the min-watermark retry, direct reclaim,
 * should_reclaim_retry, the OOM killer and __GFP_NOFAIL, in the kernel's
 * order. Each step is reported to the host through host->event.
 * Compaction is not modelled (it never makes progress here).
 */
#include "internal.h"
#include "reclaim_api.h"

/*
 * The kernel's retry loop can spin while it waits for other tasks (a
 * __GFP_NOFAIL request with nothing left to free, OOM "progress" without a
 * kill for !__GFP_FS). c_core cannot wait inside one call, so after this
 * many passes through retry: the allocation fails (docs/fidelity.md).
 */
#define SLOWPATH_MAX_RETRY_PASSES 1024

static bool task_is_oom_victim(const struct mm_node *n, const struct mm_task *t)
{
	return t && n->owners && t->owner < n->nr_owners && n->owners[t->owner].oom_victim;
}

static uint32_t task_owner(const struct mm_task *t) { return t ? t->owner : MM_NIL; }

/* mm/page_alloc.c: gfp_to_alloc_flags (no CMA, no RT tasks) */
unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order)
{
	unsigned alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			if (order > 0 && (alloc_flags & ALLOC_MIN_RESERVE))
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~(unsigned)ALLOC_CPUSET;
	}
	return alloc_flags;
}

/* mm/page_alloc.c: __gfp_pfmemalloc_flags (process context) */
static unsigned gfp_pfmemalloc_flags(const struct mm_node *n, const struct mm_task *t, gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (t && (t->flags & MM_PF_MEMALLOC))
		return ALLOC_NO_WATERMARKS;
	if (task_is_oom_victim(n, t)) /* oom_reserves_allowed */
		return ALLOC_OOM;
	return 0;
}

/* mm/page_alloc.c: wake_all_kswapds (one node) */
static void wake_all_kswapds(struct mm_node *n, unsigned order, gfp_t gfp, const struct alloc_context *ac)
{
	for (int i = 0; n->zonelist[i] >= 0; i++) {
		const struct zone *z = &n->zones[n->zonelist[i]];
		if (n->zonelist[i] > ac->highest_zoneidx || !managed_zone(z))
			continue;
		wakeup_kswapd(n, gfp, order, ac->highest_zoneidx);
		return;
	}
}

/* mm/page_alloc.c: __alloc_pages_direct_reclaim (+ __perform_reclaim) */
static uint32_t alloc_pages_direct_reclaim(struct mm_node *n, struct mm_task *t, gfp_t gfp,
					   unsigned order, unsigned alloc_flags,
					   const struct alloc_context *ac, uint64_t *progress,
					   struct mm_alloc_result *res)
{
	host_event(n, MM_EV_DIRECT_RECLAIM_BEGIN, task_owner(t), order, gfp, 0);
	unsigned saved = t ? t->flags : 0;
	if (t)
		t->flags |= MM_PF_MEMALLOC;
	*progress = try_to_free_pages(n, t, order, gfp);
	if (t)
		t->flags = saved;
	res->reclaim_rounds++;
	res->reclaimed += *progress;
	host_event(n, MM_EV_DIRECT_RECLAIM_END, task_owner(t), (int64_t)*progress, 0, 0);
	if (!*progress)
		return MM_NIL;
	/* the retry after unreserve_highatomic_pageblock + drain_all_pages finds the same lists */
	return get_page_from_freelist(n, gfp, order, alloc_flags, ac);
}

/* mm/page_alloc.c: should_reclaim_retry */
static bool should_reclaim_retry(struct mm_node *n, gfp_t gfp, unsigned order,
				 const struct alloc_context *ac, unsigned alloc_flags,
				 bool did_some_progress, int *no_progress_loops)
{
	(void)gfp;
	if (did_some_progress && order <= MM_PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MM_MAX_RECLAIM_RETRIES)
		return false;
	for (int i = 0; n->zonelist[i] >= 0; i++) {
		const struct zone *z = &n->zones[n->zonelist[i]];
		if (n->zonelist[i] > ac->highest_zoneidx)
			continue;
		uint64_t available = zone_reclaimable_pages(n, z) + z->nr_free_pages;
		if (__zone_watermark_ok(z, order, min_wmark_pages(z), ac->highest_zoneidx, alloc_flags,
					(int64_t)available))
			return true;
	}
	return false; /* unreserve_highatomic_pageblock: no highatomic reserve in mmsim */
}

/*
 * No compaction in mmsim, so the !CONFIG_COMPACTION variant: an order 1..3 request keeps
 * reclaiming while the order-0 min watermark holds, so fragmentation alone does not call the
 * OOM killer; reclaim frees buddies until a block forms.
 */
/* mm/page_alloc.c: should_compact_retry (!CONFIG_COMPACTION) */
static bool should_compact_retry(struct mm_node *n, unsigned order, const struct alloc_context *ac,
				 unsigned alloc_flags)
{
	if (!order || order > MM_PAGE_ALLOC_COSTLY_ORDER)
		return false;
	for (int i = 0; n->zonelist[i] >= 0; i++) {
		const struct zone *z = &n->zones[n->zonelist[i]];
		if (n->zonelist[i] > ac->highest_zoneidx)
			continue;
		if (__zone_watermark_ok(z, 0, min_wmark_pages(z), ac->highest_zoneidx, alloc_flags,
					(int64_t)z->nr_free_pages))
			return true;
	}
	return false;
}

/* mm/page_alloc.c: __alloc_pages_cpuset_fallback (no cpusets: one attempt) */
static uint32_t alloc_pages_cpuset_fallback(struct mm_node *n, gfp_t gfp, unsigned order,
					    unsigned alloc_flags, const struct alloc_context *ac)
{
	return get_page_from_freelist(n, gfp, order, alloc_flags | ALLOC_CPUSET, ac);
}

/* mm/page_alloc.c: __alloc_pages_may_oom (oom_lock is never contended: c_core runs one call at a time) */
static uint32_t alloc_pages_may_oom(struct mm_node *n, struct mm_task *t, gfp_t gfp, unsigned order,
				    const struct alloc_context *ac, uint64_t *progress,
				    struct mm_alloc_result *res)
{
	*progress = 0;
	uint32_t pfn = get_page_from_freelist(n, (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
					      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (pfn != MM_NIL)
		return pfn;
	if (order > MM_PAGE_ALLOC_COSTLY_ORDER)
		return MM_NIL;
	if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return MM_NIL;
	if (ac->highest_zoneidx < MM_ZONE_NORMAL)
		return MM_NIL;
	res->oom_invoked = true;
	if (out_of_memory(n, t, order, gfp) || (gfp & __GFP_NOFAIL)) {
		*progress = 1;
		if (gfp & __GFP_NOFAIL)
			pfn = alloc_pages_cpuset_fallback(n, gfp, order, ALLOC_NO_WATERMARKS, ac);
	}
	return pfn;
}


/*
 * __alloc_pages_slowpath up to its first step that may block: wake kswapd
 * and one try at the gfp's watermark (min); MM_NIL where it would reclaim.
 */
uint32_t alloc_pages_slowpath_noblock(struct mm_node *n, unsigned order, gfp_t gfp, const struct alloc_context *ac)
{
	unsigned alloc_flags = gfp_to_alloc_flags(gfp, order);

	if (ac->preferred_zoneidx < 0)
		return MM_NIL;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(n, order, gfp, ac);
	return get_page_from_freelist(n, gfp, order, alloc_flags, ac);
}
/* mm/page_alloc.c: __alloc_pages_slowpath */
uint32_t alloc_pages_slowpath(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp,
			      const struct alloc_context *ac, struct mm_alloc_result *res)
{
	const bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	const bool can_compact = gfp & __GFP_IO; /* gfp_compaction_allowed, CONFIG_COMPACTION=y */
	const bool nofail = gfp & __GFP_NOFAIL;
	const bool costly_order = order > MM_PAGE_ALLOC_COSTLY_ORDER;
	int no_progress_loops = 0;
	unsigned passes = 0;
	uint64_t progress = 0;
	uint32_t pfn;

	res->slowpath = true;
	host_event(n, MM_EV_SLOWPATH_ENTER, task_owner(t), order, gfp, 0);

	/* restart: (cpusets and zonelist changes never restart in mmsim) */
	unsigned alloc_flags = gfp_to_alloc_flags(gfp, order);
	if (ac->preferred_zoneidx < 0)
		goto nopage;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(n, order, gfp, ac);
	host_event(n, MM_EV_SLOWPATH_MIN_RETRY, task_owner(t), order, alloc_flags, 0);
	pfn = get_page_from_freelist(n, gfp, order, alloc_flags, ac);
	if (pfn != MM_NIL)
		return pfn;
	/* direct compaction is not modelled: its result is always COMPACT_SKIPPED */
	if (can_direct_reclaim && can_compact && costly_order && (gfp & __GFP_NORETRY) &&
	    !gfp_pfmemalloc_flags(n, t, gfp))
		goto nopage;

retry:
	if (++passes > SLOWPATH_MAX_RETRY_PASSES)
		goto fail;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(n, order, gfp, ac);
	unsigned reserve_flags = gfp_pfmemalloc_flags(n, t, gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ALLOC_KSWAPD);
	pfn = get_page_from_freelist(n, gfp, order, alloc_flags, ac);
	if (pfn != MM_NIL)
		return pfn;
	if (!can_direct_reclaim)
		goto nopage;
	if (t && (t->flags & MM_PF_MEMALLOC))
		goto nopage;
	pfn = alloc_pages_direct_reclaim(n, t, gfp, order, alloc_flags, ac, &progress, res);
	if (pfn != MM_NIL)
		return pfn;
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly_order && (!can_compact || !(gfp & __GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (should_reclaim_retry(n, gfp, order, ac, alloc_flags, progress > 0, &no_progress_loops)) {
		host_event(n, MM_EV_RECLAIM_RETRY, task_owner(t), no_progress_loops, 0, 0);
		goto retry;
	}
	if (should_compact_retry(n, order, ac, alloc_flags)) {
		host_event(n, MM_EV_RECLAIM_RETRY, task_owner(t), no_progress_loops, 0, 0);
		goto retry;
	}
	pfn = alloc_pages_may_oom(n, t, gfp, order, ac, &progress, res);
	if (pfn != MM_NIL)
		return pfn;
	if (task_is_oom_victim(n, t) && ((alloc_flags & ALLOC_OOM) || (gfp & __GFP_NOMEMALLOC)))
		goto nopage;
	if (progress) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	if (nofail && can_direct_reclaim) {
		pfn = alloc_pages_cpuset_fallback(n, gfp, order, ALLOC_MIN_RESERVE, ac);
		if (pfn != MM_NIL)
			return pfn;
		goto retry;
	}
fail:
	/* warn_alloc("page allocation failure: order:%u") */
	n->events[ALLOCFAIL]++;
	host_event(n, MM_EV_ALLOC_FAIL, task_owner(t), order, gfp, 0);
	if (task_is_oom_victim(n, t))
		res->status = MM_ALLOC_KILLED;
	return MM_NIL;
}
