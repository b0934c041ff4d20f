/*
 * kswapd as functions the host's kswapd thread calls (mm/vmscan.c):
 * wakeup_kswapd, pgdat_balanced, prepare_kswapd_sleep, balance_pgdat and
 * kswapd_try_to_sleep split around the host's 100 ms nap.
 */
#include "reclaim_internal.h"

/* mm/vmscan.c: pgdat_balanced */
bool mm_pgdat_balanced(const struct mm_node *n, int order, int highest_zoneidx)
{
	bool any_managed = false;

	for (int i = 0; i <= highest_zoneidx && i < MM_MAX_NR_ZONES; i++) {
		const struct zone *z = &n->zones[i];
		if (!managed_zone(z))
			continue;
		any_managed = true;
		if (zone_watermark_ok_safe(z, (unsigned)order, high_wmark_pages(z), highest_zoneidx))
			return true;
	}
	return !any_managed;
}

/* mm/vmscan.c: pgdat_watermark_boosted */
static bool pgdat_watermark_boosted(const struct mm_node *n, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--)
		if (n->zones[i].watermark_boost)
			return true;
	return false;
}

/* mm/vmscan.c: prepare_kswapd_sleep */
bool mm_prepare_kswapd_sleep(const struct mm_node *n, int order, int highest_zoneidx)
{
	if (n->kswapd_failures >= MM_MAX_RECLAIM_RETRIES)
		return true;
	return mm_pgdat_balanced(n, order, highest_zoneidx);
}

/* mm/vmscan.c: wakeup_kswapd */
void wakeup_kswapd(struct mm_node *n, gfp_t gfp, unsigned order, int highest_zoneidx)
{
	(void)gfp; /* no kcompactd in mmsim */
	if (highest_zoneidx < 0 || highest_zoneidx >= MM_MAX_NR_ZONES)
		return;
	int curr_idx = n->kswapd_highest_zoneidx;
	if (curr_idx == MM_MAX_NR_ZONES || curr_idx < highest_zoneidx)
		n->kswapd_highest_zoneidx = highest_zoneidx;
	if (n->kswapd_order < (int)order)
		n->kswapd_order = (int)order;
	if (!n->kswapd_sleeping)
		return;
	if (n->kswapd_failures >= MM_MAX_RECLAIM_RETRIES ||
	    (mm_pgdat_balanced(n, (int)order, highest_zoneidx) && !pgdat_watermark_boosted(n, highest_zoneidx)))
		return;
	n->kswapd_sleeping = false;
	count_vm_events(n, KSWAPD_WAKE, 1);
	host_event(n, MM_EV_KSWAPD_WAKE, MM_NIL, (int64_t)order, highest_zoneidx, 0);
	if (n->host.wake_kswapd)
		n->host.wake_kswapd(n->host.ctx);
}

/* mm/vmscan.c: kswapd_highest_zoneidx */
static int kswapd_highest_zoneidx(const struct mm_node *n, int prev)
{
	int curr = n->kswapd_highest_zoneidx;
	return curr == MM_MAX_NR_ZONES ? prev : curr;
}

/* mm/vmscan.c: kswapd (the request read and reset after a sleep) */
void mm_kswapd_take_request(struct mm_node *n, int *order, int *highest_zoneidx)
{
	*order = n->kswapd_order;
	*highest_zoneidx = kswapd_highest_zoneidx(n, *highest_zoneidx);
	n->kswapd_order = 0;
	n->kswapd_highest_zoneidx = MM_MAX_NR_ZONES;
}

/* mm/vmscan.c: kswapd_age_node */
static void kswapd_age_node(struct mm_node *n, struct scan_control *sc)
{
	if (n->swap.pages == 0) /* can_age_anon_pages */
		return;
	if (mm_inactive_is_low(n->lruvec.nr_pages[LRU_INACTIVE_ANON], n->lruvec.nr_pages[LRU_ACTIVE_ANON]))
		shrink_active_list(n, MM_SWAP_CLUSTER_MAX, sc, LRU_ACTIVE_ANON);
}

/* mm/vmscan.c: kswapd_shrink_node */
static bool kswapd_shrink_node(struct mm_node *n, struct scan_control *sc)
{
	uint64_t nr_reclaimed = sc->nr_reclaimed;

	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= sc->reclaim_idx; z++) {
		const struct zone *zone = &n->zones[z];
		if (!managed_zone(zone))
			continue;
		uint64_t high = high_wmark_pages(zone);
		sc->nr_to_reclaim += high > MM_SWAP_CLUSTER_MAX ? high : MM_SWAP_CLUSTER_MAX;
	}
	shrink_node(n, sc);
	if (sc->order && sc->nr_reclaimed >= (2ull << sc->order)) /* compact_gap */
		sc->order = 0;
	uint64_t progress = sc->nr_reclaimed - nr_reclaimed;
	return (sc->nr_scanned > progress ? sc->nr_scanned : progress) >= sc->nr_to_reclaim;
}

/* mm/vmscan.c: balance_pgdat */
int mm_balance_pgdat(struct mm_node *n, struct mm_task *kswapd, int order, int highest_zoneidx)
{
	struct scan_control sc = { 0 };
	uint64_t nr_boost_reclaim = 0;

	if (highest_zoneidx < 0 || highest_zoneidx >= MM_MAX_NR_ZONES)
		highest_zoneidx = MM_MAX_NR_ZONES - 1;
	sc.task = kswapd;
	sc.kswapd = true;
	sc.gfp_mask = GFP_KERNEL;
	sc.order = order;
	if (kswapd)
		kswapd->flags |= MM_PF_KSWAPD | MM_PF_MEMALLOC;
	count_vm_events(n, PAGEOUTRUN, 1);
	for (int i = 0; i <= highest_zoneidx; i++)
		if (managed_zone(&n->zones[i]))
			nr_boost_reclaim += n->zones[i].watermark_boost;
restart:
	sc.priority = MM_DEF_PRIORITY;
	do {
		uint64_t nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;

		sc.reclaim_idx = highest_zoneidx;
		bool balanced = mm_pgdat_balanced(n, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced) {
			host_event(n, MM_EV_KSWAPD_BALANCED, MM_NIL, (int64_t)sc.nr_reclaimed, sc.priority, 0);
			goto out;
		}
		if (nr_boost_reclaim && sc.priority == MM_DEF_PRIORITY - 2)
			raise_priority = false;
		sc.may_writepage = !nr_boost_reclaim;
		sc.may_swap = !nr_boost_reclaim;
		kswapd_age_node(n, &sc);
		if (sc.priority < MM_DEF_PRIORITY - 2)
			sc.may_writepage = true;
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(n, &sc))
			raise_priority = false;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= nr_boost_reclaim < nr_reclaimed ? nr_boost_reclaim : nr_reclaimed;
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);

	if (!sc.nr_reclaimed && sc.priority < 1 && !sc.no_cache_trim_mode && sc.cache_trim_mode_failed) {
		sc.no_cache_trim_mode = true;
		goto restart;
	}
	if (!sc.nr_reclaimed) {
		n->kswapd_failures++;
		if (n->kswapd_failures == MM_MAX_RECLAIM_RETRIES)
			host_event(n, MM_EV_KSWAPD_FAILED, MM_NIL, n->kswapd_failures, 0, 0);
	}
out:
	/* snapshot_refaults */
	n->lruvec.refaults[0] = n->stat[WORKINGSET_ACTIVATE_ANON];
	n->lruvec.refaults[1] = n->stat[WORKINGSET_ACTIVATE_FILE];
	return sc.order;
}

/* mm/vmscan.c: kswapd_try_to_sleep, up to the nap */
enum mm_kswapd_step mm_kswapd_sleep_begin(struct mm_node *n, int reclaim_order, int highest_zoneidx)
{
	if (mm_prepare_kswapd_sleep(n, reclaim_order, highest_zoneidx)) {
		if (n->kswapd_failures < MM_MAX_RECLAIM_RETRIES)
			clear_pgdat_congested(n); /* prepare_kswapd_sleep: balanced */
		n->kswapd_sleeping = true; /* on kswapd_wait: wakeup_kswapd may cut the nap short */
		return MM_KSWAPD_NAP;
	}
	/* not ready: remaining == 0 and prepare_kswapd_sleep fails again */
	count_vm_events(n, KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
	return MM_KSWAPD_RUN;
}

/* mm/vmscan.c: kswapd_try_to_sleep, after schedule_timeout(HZ/10) */
enum mm_kswapd_step mm_kswapd_sleep_after_nap(struct mm_node *n, bool woken_early, int reclaim_order,
					      int highest_zoneidx)
{
	if (woken_early) {
		n->kswapd_highest_zoneidx = kswapd_highest_zoneidx(n, highest_zoneidx);
		if (n->kswapd_order < reclaim_order)
			n->kswapd_order = reclaim_order;
		n->kswapd_sleeping = false;
		count_vm_events(n, KSWAPD_LOW_WMARK_HIT_QUICKLY, 1);
		return MM_KSWAPD_RUN;
	}
	if (mm_prepare_kswapd_sleep(n, reclaim_order, highest_zoneidx)) {
		if (n->kswapd_failures < MM_MAX_RECLAIM_RETRIES)
			clear_pgdat_congested(n); /* prepare_kswapd_sleep: balanced */
		n->kswapd_sleeping = true;
		count_vm_events(n, KSWAPD_SLEEP, 1);
		host_event(n, MM_EV_KSWAPD_SLEEP, MM_NIL, reclaim_order, highest_zoneidx, 0);
		return MM_KSWAPD_SLEEP;
	}
	n->kswapd_sleeping = false;
	count_vm_events(n, KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
	return MM_KSWAPD_RUN;
}

bool mm_kswapd_is_sleeping(const struct mm_node *n)
{
	return n->kswapd_sleeping;
}

int mm_kswapd_failures(const struct mm_node *n)
{
	return n->kswapd_failures;
}
