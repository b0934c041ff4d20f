// Reclaim behaviour: the slow path's order of steps seen by the fake host,
// LRU rules (second chance, activation, refault), kswapd wake and sleep,
// and the consistency check after every reclaim pass in a randomized run.
#include <gtest/gtest.h>

#include "core_test_helpers.h"
#include "fake_host.h"

extern "C" uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

namespace {

constexpr uint64_t kRam = 16384, kSwap = 8192; // 64 MiB, 32 MiB

uint64_t lru(mm_node *n, mm_stat_item i) { return mm_stat(n, i); }

// Fill RAM with anon pages of p until an allocation would leave the fast path.
void fill_until_low(mm_node *n, uint32_t p, uint32_t &vpn)
{
	mm_zone_info zi;
	mm_zone_get_info(n, MM_ZONE_NORMAL, &zi);
	mm_task t{ p, 0, nullptr };
	while (mm_stat(n, NR_FREE_PAGES) > zi.wmark[MM_WMARK_LOW] + 1)
		ASSERT_EQ(mm_anon_touch(n, &t, vpn++), MM_FAULT_MINOR);
}

TEST(SlowPath, KswapdWokenBeforeDirectReclaim)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	h.steps.clear();
	mm_task t{ p, 0, nullptr };
	// keep allocating without a kswapd thread running: the slow path must reclaim directly
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(mm_anon_touch(n, &t, vpn++), MM_FAULT_MINOR);
	long wake = h.find(FakeStep::WAKE_KSWAPD);
	long direct = h.find(FakeStep::EVENT, MM_EV_DIRECT_RECLAIM_BEGIN);
	long enter = h.find(FakeStep::EVENT, MM_EV_SLOWPATH_ENTER);
	ASSERT_GE(wake, 0);
	ASSERT_GE(direct, 0);
	EXPECT_LT(enter, wake);
	EXPECT_LT(wake, direct);
	EXPECT_GT(mm_event_count(n, PGSCAN_DIRECT), 0u);
	EXPECT_GT(mm_event_count(n, ALLOCSTALL_MOVABLE), 0u); // reclaim_idx = gfp_zone(GFP_HIGHUSER_MOVABLE)
	EXPECT_EQ(mm_event_count(n, PGSCAN_KSWAPD), 0u);
	// direct reclaim swapped out: writes were submitted before the io_wait that follows them
	long write = h.find(FakeStep::SWAP_WRITE);
	ASSERT_GE(write, 0);
	long wait = h.find(FakeStep::IO_WAIT, -1, (size_t)write);
	EXPECT_GT(wait, write);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// Anon pages that reclaim may not write (no __GFP_IO) still count as reclaimable
// for should_reclaim_retry: the OOM killer runs only after 17 rounds without progress.
TEST(SlowPath, OomOnlyAfterMaxReclaimRetriesWithoutProgress)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t k = new_owner(n, MM_OWNER_PROCESS, -1000); // the allocating task: never a victim
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	mm_task t{ k, 0, nullptr };
	const gfp_t gfp = __GFP_RECLAIM | __GFP_FS; // no __GFP_IO: anon pages cannot go to swap
	mm_alloc_result res;
	h.steps.clear();
	do {
		mm_alloc_pages(n, &t, 0, gfp, &res);
		ASSERT_EQ(res.status, MM_ALLOC_OK);
	} while (!res.oom_invoked);
	long kill = h.find(FakeStep::EVENT, MM_EV_OOM_KILL);
	ASSERT_GE(kill, 0);
	EXPECT_EQ(h.steps[kill].a, (int64_t)p);
	// count the reclaim rounds of the allocation that invoked the OOM killer
	long begin = -1;
	for (long i = kill; i >= 0; i--)
		if (h.steps[i].kind == FakeStep::EVENT && h.steps[i].event == MM_EV_SLOWPATH_ENTER) {
			begin = i;
			break;
		}
	ASSERT_GE(begin, 0);
	int rounds = 0, retries = 0;
	for (long i = begin; i < kill; i++) {
		if (h.steps[i].kind != FakeStep::EVENT)
			continue;
		if (h.steps[i].event == MM_EV_DIRECT_RECLAIM_END) {
			EXPECT_EQ(h.steps[i].a, 0) << "a round made progress";
			rounds++;
		}
		retries += h.steps[i].event == MM_EV_RECLAIM_RETRY;
	}
	EXPECT_EQ(rounds, MM_MAX_RECLAIM_RETRIES + 1); // no_progress_loops 1..17, > 16 stops
	EXPECT_EQ(retries, MM_MAX_RECLAIM_RETRIES);
	EXPECT_EQ(res.reclaim_rounds, (unsigned)MM_MAX_RECLAIM_RETRIES + 1);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(SlowPath, NoOomForNoretryOrCostlyOrder)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, 0); // no swap: anon memory cannot be reclaimed
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	mm_task t{ p, 0, nullptr };
	mm_alloc_result res;
	// drain the free pages down to the min watermark with atomic-free kernel allocations
	for (;;) {
		mm_alloc_pages(n, &t, 0, GFP_KERNEL | __GFP_NORETRY, &res);
		if (res.status != MM_ALLOC_OK)
			break;
	}
	EXPECT_EQ(res.status, MM_ALLOC_FAILED);
	EXPECT_FALSE(res.oom_invoked);
	EXPECT_EQ(res.reclaim_rounds, 1u); // __GFP_NORETRY: one direct reclaim, then fail
	mm_alloc_pages(n, &t, 4, GFP_KERNEL, &res); // costly order
	EXPECT_EQ(res.status, MM_ALLOC_FAILED);
	EXPECT_FALSE(res.oom_invoked);
	EXPECT_EQ(h.count(FakeStep::EVENT, MM_EV_OOM_KILL), 0u);
	EXPECT_EQ(mm_event_count(n, OOM_KILL), 0u);
	mm_alloc_pages(n, &t, 0, GFP_KERNEL, &res); // the same at order 0 without NORETRY: OOM
	EXPECT_TRUE(res.oom_invoked);
	EXPECT_EQ(mm_event_count(n, OOM_KILL), 1u);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Lru, NewPagesEnterInactiveAndSecondTouchActivatesFile)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS), f = new_owner(n, MM_OWNER_FILE);
	mm_task t{ p, 0, nullptr };
	EXPECT_EQ(mm_anon_touch(n, &t, 7), MM_FAULT_MINOR);
	EXPECT_EQ(mm_anon_touch(n, &t, 7), MM_FAULT_HIT);
	EXPECT_EQ(lru(n, NR_ZONE_INACTIVE_ANON), 1u);
	EXPECT_EQ(mm_file_read(n, &t, f, 3), MM_FAULT_MINOR); // PG_referenced set by the read
	EXPECT_EQ(lru(n, NR_ZONE_INACTIVE_FILE), 1u);
	EXPECT_EQ(mm_file_read(n, &t, f, 3), MM_FAULT_HIT); // second access: activated
	EXPECT_EQ(lru(n, NR_ZONE_INACTIVE_FILE), 0u);
	EXPECT_EQ(lru(n, NR_ZONE_ACTIVE_FILE), 1u);
	EXPECT_EQ(mm_event_count(n, PGACTIVATE), 1u);
	EXPECT_EQ(mm_file_write(n, &t, f, 4), MM_FAULT_MINOR);
	EXPECT_EQ(mm_stat(n, NR_FILE_DIRTY), 1u);
	EXPECT_EQ(h.file_reads, 1u); // a full-page write does not read
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// folio_check_references: a young PTE gets a second chance (kept with PG_referenced, young
// bit cleared); scanned again untouched -> reclaimed; young again with PG_referenced -> activated.
TEST(Lru, SecondChanceThenActivation)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = 0; v < 64; v++)
		mm_anon_touch(n, &t, v);
	mm_task r{ MM_NIL, 0, nullptr };
	uint64_t got = try_to_free_pages(n, &r, 0, GFP_KERNEL);
	// all 64 were young: none can go at its first scan, so each reclaimed page was scanned twice
	EXPECT_GT(got, 0u);
	EXPECT_GE(mm_event_count(n, PGSCAN_DIRECT), 64 + got);
	EXPECT_EQ(mm_event_count(n, PGACTIVATE), 0u); // never young twice: no activation
	EXPECT_EQ(mm_event_count(n, PSWPOUT), got);
	mm_owner_info info;
	mm_owner_get_info(n, p, &info);
	EXPECT_EQ(info.swapents, got);
	EXPECT_EQ(info.rss_anon, 64 - got);
	// touch every resident page: young + PG_referenced -> activated at the next scan
	for (uint32_t v = 0; v < 64; v++)
		if (mm_anon_touch(n, &t, v) == MM_FAULT_HIT)
			continue;
	uint64_t act = mm_event_count(n, PGACTIVATE);
	try_to_free_pages(n, &r, 0, GFP_KERNEL);
	EXPECT_GT(mm_event_count(n, PGACTIVATE), act);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Lru, SwapInIsAMajorFaultThatFreesTheSlot)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = 0; v < 20000; v++)
		mm_anon_touch(n, &t, v);
	mm_owner_info before;
	mm_owner_get_info(n, p, &before);
	ASSERT_GT(before.swapents, 0u);
	// vpn 0 was the first page in: it is on swap now
	uint64_t majflt = mm_event_count(n, PGMAJFAULT), reads = h.swap_reads;
	EXPECT_EQ(mm_anon_touch(n, &t, 0), MM_FAULT_MAJOR);
	EXPECT_EQ(mm_event_count(n, PGMAJFAULT), majflt + 1);
	EXPECT_EQ(mm_event_count(n, PSWPIN), 1u);
	EXPECT_EQ(mm_stat(n, WORKINGSET_REFAULT_ANON), 1u); // its slot held the eviction's shadow
	EXPECT_EQ(h.swap_reads, reads + 1);
	EXPECT_EQ(h.steps.back().kind, FakeStep::IO_WAIT); // the fault waited for its read last
	mm_owner_info after;
	mm_owner_get_info(n, p, &after);
	EXPECT_EQ(after.rss_anon + after.swapents, 20000u);
	mm_swapinfo si;
	mm_si_swapinfo(n, &si);
	EXPECT_EQ(si.freeswap, si.totalswap - after.swapents);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Lru, CleanFileDroppedWithShadowDirtyWrittenAndRefaultActivated)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t hot = new_owner(n, MM_OWNER_FILE), g = new_owner(n, MM_OWNER_FILE);
	mm_task t{ p, 0, nullptr };
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < 2000; i++)
			mm_file_read(n, &t, hot, i); // read twice: active
	EXPECT_EQ(lru(n, NR_ZONE_ACTIVE_FILE), 2000u);
	mm_file_write(n, &t, g, 0); // dirty
	for (uint32_t i = 1; i < 30000; i++)
		mm_file_read(n, &t, g, i); // streams through: older pages are reclaimed
	EXPECT_EQ(mm_event_count(n, PSWPOUT), 0u);
	EXPECT_EQ(h.file_writes, 1u); // the dirty page was written back before being dropped
	EXPECT_EQ(mm_stat(n, NR_FILE_DIRTY), 0u);
	EXPECT_EQ(mm_stat(n, WORKINGSET_REFAULT_FILE), 0u);
	// g's page 1 was evicted ~16000 evictions ago: farther than the workingset (active file): no activation
	EXPECT_EQ(mm_file_read(n, &t, g, 1), MM_FAULT_REFAULT);
	EXPECT_EQ(mm_stat(n, WORKINGSET_REFAULT_FILE), 1u);
	EXPECT_EQ(mm_stat(n, WORKINGSET_ACTIVATE_FILE), 0u);
	EXPECT_EQ(lru(n, NR_ZONE_ACTIVE_FILE), 2000u);
	// the last page evicted (g's pages leave in read order) refaults at a short distance: activated
	mm_owner_info gi;
	mm_owner_get_info(n, g, &gi);
	uint32_t last_evicted = 30000 - (uint32_t)(gi.cache_pages - 1) - 1; // page 1 is resident again
	EXPECT_EQ(mm_file_read(n, &t, g, last_evicted), MM_FAULT_REFAULT);
	EXPECT_EQ(mm_stat(n, WORKINGSET_ACTIVATE_FILE), 1u);
	EXPECT_EQ(lru(n, NR_ZONE_ACTIVE_FILE), 2001u);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Kswapd, WakeConditionsAndSleepCounters)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	ASSERT_TRUE(mm_kswapd_is_sleeping(n));
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	EXPECT_EQ(h.kswapd_wakes, 0u); // balanced (free above low, so above high? no) -> fast path only
	mm_task t{ p, 0, nullptr };
	mm_anon_touch(n, &t, vpn++);
	mm_anon_touch(n, &t, vpn++);
	ASSERT_EQ(h.kswapd_wakes, 1u); // fast path failed at low: slow path woke kswapd
	EXPECT_FALSE(mm_kswapd_is_sleeping(n));
	EXPECT_EQ(mm_event_count(n, KSWAPD_WAKE), 1u);
	mm_anon_touch(n, &t, vpn++);
	EXPECT_EQ(h.kswapd_wakes, 1u); // already awake: no second wake
	KswapdSim k(n, h);
	h.kswapd_woken = true;
	// the first balance_pgdat only clears the young bits of the freshly faulted pages (each is
	// scanned once); kswapd is not ready to sleep and runs again at once
	k.step(0);
	EXPECT_EQ(k.state(), KswapdSim::RUN);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_KSWAPD), 0u);
	EXPECT_EQ(mm_kswapd_failures(n), 1);
	EXPECT_EQ(mm_event_count(n, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 1u);
	k.step(0);
	EXPECT_TRUE(mm_pgdat_balanced(n, 0, MM_ZONE_MOVABLE));
	EXPECT_EQ(k.state(), KswapdSim::NAP);
	EXPECT_GT(mm_event_count(n, PGSTEAL_KSWAPD), 0u);
	EXPECT_EQ(mm_kswapd_failures(n), 0);
	EXPECT_EQ(mm_event_count(n, PAGEOUTRUN), 2u);
	k.step(50);
	EXPECT_EQ(k.state(), KswapdSim::NAP);
	k.step(100); // nap over, still balanced: full sleep
	EXPECT_EQ(k.state(), KswapdSim::SLEEP);
	EXPECT_EQ(mm_event_count(n, KSWAPD_SLEEP), 1u);
	EXPECT_EQ(mm_event_count(n, KSWAPD_LOW_WMARK_HIT_QUICKLY), 0u);
	EXPECT_EQ(mm_event_count(n, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 1u);

	// woken during the nap: kswapd_low_wmark_hit_quickly
	fill_until_low(n, p, vpn);
	mm_anon_touch(n, &t, vpn++);
	mm_anon_touch(n, &t, vpn++);
	k.step(200);
	ASSERT_EQ(k.state(), KswapdSim::NAP);
	fill_until_low(n, p, vpn);
	mm_anon_touch(n, &t, vpn++);
	mm_anon_touch(n, &t, vpn++);
	EXPECT_TRUE(h.kswapd_woken);
	k.step(210);
	EXPECT_EQ(k.state(), KswapdSim::RUN);
	EXPECT_EQ(mm_event_count(n, KSWAPD_LOW_WMARK_HIT_QUICKLY), 1u);

	// nap ends unbalanced without a wake: kswapd_high_wmark_hit_quickly
	k.step(211); // balance
	ASSERT_EQ(k.state(), KswapdSim::NAP);
	mm_task kern{ MM_OWNER_KERNEL_ID, 0, nullptr };
	mm_alloc_result res;
	mm_zone_info zi;
	mm_zone_get_info(n, MM_ZONE_NORMAL, &zi);
	while (mm_stat(n, NR_FREE_PAGES) >= zi.wmark[MM_WMARK_HIGH]) // stays above low: no wake
		mm_alloc_pages(n, &kern, 0, GFP_NOWAIT & ~__GFP_KSWAPD_RECLAIM, &res);
	k.step(311);
	EXPECT_EQ(k.state(), KswapdSim::RUN);
	EXPECT_EQ(mm_event_count(n, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 2u);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// A rotational swap device allocates slots by a linear scan from cluster_next.
TEST(Swap, RotationalDeviceScansLinearly)
{
	FakeHost h;
	mm_config cfg;
	char err[256];
	mm_config_default(&cfg, kRam);
	cfg.swap_pages = kSwap;
	cfg.swap_rotational = true;
	mm_node *n = mm_node_create(&cfg, h.host(), err, sizeof(err));
	ASSERT_NE(n, nullptr) << err;
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = 0; v < 20000; v++)
		mm_anon_touch(n, &t, v);
	// the first swap writes take slots 1, 2, 3, ... in order
	long w = h.find(FakeStep::SWAP_WRITE);
	ASSERT_GE(w, 0);
	for (int64_t slot = 1; slot <= 16; slot++) {
		EXPECT_EQ(h.steps[w].b, slot);
		w = h.find(FakeStep::SWAP_WRITE, -1, (size_t)w + 1);
	}
	mm_anon_unmap(n, &t, 0, 20000);
	mm_swapinfo si;
	mm_si_swapinfo(n, &si);
	EXPECT_EQ(si.freeswap, kSwap - 1);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Swap, SsdClustersAndFullDevice)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, 2048); // 4 clusters of 512; cluster 0 holds the header
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	mm_task t{ p, 0, nullptr };
	mm_fault_result r = MM_FAULT_MINOR;
	for (uint32_t v = 0; v < 30000 && r != MM_FAULT_KILLED; v++)
		r = mm_anon_touch(n, &t, v);
	EXPECT_EQ(r, MM_FAULT_KILLED); // swap full, nothing else to reclaim: OOM
	// the free clusters 1, 2, 3 first (slots 512..2047), then the nonfull cluster 0 from slot 1
	std::vector<int64_t> slots;
	for (const auto &s : h.steps)
		if (s.kind == FakeStep::SWAP_WRITE)
			slots.push_back(s.b);
	ASSERT_EQ(slots.size(), 2047u);
	for (size_t k = 0; k < slots.size(); k++)
		ASSERT_EQ(slots[k], k < 1536 ? (int64_t)(512 + k) : (int64_t)(k - 1536 + 1)) << k;
	mm_swapinfo si;
	mm_si_swapinfo(n, &si);
	EXPECT_EQ(si.totalswap, 2047u);
	EXPECT_EQ(si.freeswap, 2047u); // the victim's slots were freed
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// With nothing reclaimable, kswapd_failures counts balance runs without progress; at
// MAX_RECLAIM_RETRIES kswapd sleeps although unbalanced and wakeup_kswapd leaves it asleep.
TEST(Kswapd, GivesUpAfterMaxReclaimRetries)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, 0); // no swap: anon pages cannot be reclaimed
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	mm_task t{ p, 0, nullptr };
	mm_task k{ MM_NIL, MM_PF_KSWAPD, nullptr };
	for (int i = 1; i <= MM_MAX_RECLAIM_RETRIES; i++) {
		EXPECT_FALSE(mm_prepare_kswapd_sleep(n, 0, MM_ZONE_MOVABLE));
		mm_balance_pgdat(n, &k, 0, MM_ZONE_MOVABLE);
		EXPECT_EQ(mm_kswapd_failures(n), i);
	}
	EXPECT_EQ(h.count(FakeStep::EVENT, MM_EV_KSWAPD_FAILED), 1u);
	EXPECT_FALSE(mm_pgdat_balanced(n, 0, MM_ZONE_MOVABLE));
	EXPECT_TRUE(mm_prepare_kswapd_sleep(n, 0, MM_ZONE_MOVABLE));
	ASSERT_EQ(mm_kswapd_sleep_begin(n, 0, MM_ZONE_MOVABLE), MM_KSWAPD_NAP);
	ASSERT_EQ(mm_kswapd_sleep_after_nap(n, false, 0, MM_ZONE_MOVABLE), MM_KSWAPD_SLEEP);
	EXPECT_EQ(h.count(FakeStep::EVENT, MM_EV_KSWAPD_SLEEP), 1u);
	uint64_t wakes = h.kswapd_wakes;
	mm_anon_touch(n, &t, vpn++); // below low: the slow path calls wakeup_kswapd
	EXPECT_EQ(h.kswapd_wakes, wakes);
	EXPECT_TRUE(mm_kswapd_is_sleeping(n));
	std::string zi(1 << 14, '\0');
	zi.resize(mm_dump_zoneinfo(n, &zi[0], zi.size()));
	EXPECT_NE(zi.find("node_unreclaimable:  1"), std::string::npos);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// xorshift64*: the tests' own seeded PRNG
struct Rng {
	uint64_t s;
	explicit Rng(uint64_t seed) : s(seed * 2654435761u + 1) {}
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 2685821657736338717ull;
	}
	uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }
};

// One seeded random run; returns /proc/vmstat at the end. With check_every, checks at every
// reclaim pass, io_wait, kswapd step and OOM kill.
std::string random_run(uint64_t seed, bool check_every, uint64_t *nchecks)
{
	FakeHost h;
	h.record = false;
	mm_node *n = make_node(h, 4096, 2048, 100); // 16 MiB RAM, 8 MiB swap
	EXPECT_NE(n, nullptr);
	uint64_t checks = 0;
	std::string failure;
	auto do_check = [&] {
		if (!check_every)
			return;
		checks++;
		std::string m = check(n);
		if (!m.empty() && failure.empty())
			failure = m;
	};
	h.on_io_wait = do_check; // every batch's wait is a consistent point
	h.on_event = [&](const mm_event &ev) {
		if (ev.type == MM_EV_RECLAIM_PASS || ev.type == MM_EV_DIRECT_RECLAIM_END ||
		    ev.type == MM_EV_KSWAPD_BALANCED || ev.type == MM_EV_OOM_KILL)
			do_check();
	};
	KswapdSim k(n, h);
	Rng rng(seed);
	std::vector<uint32_t> procs, files;
	for (int i = 0; i < 4; i++)
		procs.push_back(new_owner(n, MM_OWNER_PROCESS, (int)rng.below(2001) - 1000));
	for (int i = 0; i < 3; i++)
		files.push_back(new_owner(n, MM_OWNER_FILE));
	for (uint64_t op = 0; op < 60000; op++) {
		uint32_t r = rng.below(1000);
		uint32_t p = procs[rng.below((uint32_t)procs.size())];
		mm_task t{ p, 0, nullptr };
		if (r < 550) {
			mm_anon_touch(n, &t, rng.below(4000));
		} else if (r < 750) {
			mm_file_read(n, &t, files[rng.below((uint32_t)files.size())], rng.below(1500));
		} else if (r < 850) {
			mm_file_write(n, &t, files[rng.below((uint32_t)files.size())], rng.below(1500));
		} else if (r < 855) {
			mm_anon_unmap(n, &t, rng.below(2000), rng.below(64));
		} else if (r < 856 && rng.below(20) == 0) {
			// a process exits (or a victim is cleaned up) and a new one starts
			size_t i = rng.below((uint32_t)procs.size());
			mm_owner_exit(n, procs[i]);
			procs[i] = new_owner(n, MM_OWNER_PROCESS, (int)rng.below(2001) - 1000);
		} else {
			k.step(op / 10);
			if (k.state() != KswapdSim::SLEEP)
				do_check();
		}
		if (!failure.empty())
			break;
	}
	EXPECT_EQ(failure, "");
	EXPECT_GT(mm_event_count(n, PSWPOUT), 0u);
	EXPECT_GT(mm_event_count(n, PSWPIN), 0u);
	EXPECT_GT(mm_event_count(n, PGSTEAL_KSWAPD), 0u);
	EXPECT_GT(mm_event_count(n, PGSTEAL_DIRECT), 0u);
	EXPECT_GT(mm_event_count(n, OOM_KILL), 0u);
	EXPECT_EQ(check(n), "");
	std::string dump(1 << 16, '\0');
	dump.resize(mm_dump_vmstat(n, &dump[0], dump.size()));
	mm_node_destroy(n);
	*nchecks = checks;
	return dump;
}

TEST(ReclaimRandom, CheckHoldsAfterEveryReclaimPass)
{
	uint64_t checks = 0;
	random_run(42, true, &checks);
	EXPECT_GT(checks, 10000u);
}

TEST(ReclaimRandom, SameSeedSameResult)
{
	uint64_t c;
	std::string a = random_run(7, false, &c), b = random_run(7, false, &c), other = random_run(8, false, &c);
	EXPECT_EQ(a, b);
	EXPECT_NE(a, other);
}

} // namespace

namespace {

// x86_64 layout, 4 GiB + 64 MiB: the page cache fills Normal first (zonelist order), so the LRU
// tail holds Normal pages; a GFP_DMA32 request's reclaim (reclaim_idx DMA32) skips them.
TEST(ReclaimZones, Dma32ReclaimSkipsNormalPages)
{
	FakeHost h;
	h.record = false;
	mm_config cfg;
	char err[256];
	mm_config_default(&cfg, (4ull << 18) + 16384);
	cfg.layout = MM_LAYOUT_X86_64;
	cfg.swap_pages = 0;
	mm_node *n = mm_node_create(&cfg, h.host(), err, sizeof(err));
	ASSERT_NE(n, nullptr) << err;
	char e2[200];
	uint32_t p = mm_owner_create(n, MM_OWNER_PROCESS, 0, "reader", e2, sizeof(e2));
	uint32_t f = mm_owner_create(n, MM_OWNER_FILE, 0, "data", e2, sizeof(e2));
	mm_task t{ p, 0, nullptr };
	uint64_t total = mm_total_pages(n);
	for (uint32_t i = 0; i < total; i++) // more than RAM: reclaim runs across the zones
		ASSERT_EQ(mm_file_read(n, &t, f, i), MM_FAULT_MINOR);
	mm_zone_info normal, dma32;
	mm_zone_get_info(n, MM_ZONE_NORMAL, &normal);
	mm_zone_get_info(n, MM_ZONE_DMA32, &dma32);
	ASSERT_GT(normal.managed, 0u);
	mm_alloc_result res;
	uint64_t skip0 = mm_event_count(n, PGSCAN_SKIP_NORMAL), stall0 = mm_event_count(n, ALLOCSTALL_DMA32);
	// take DMA32 pages until its reclaim has to run
	for (int i = 0; i < 200000 && mm_event_count(n, ALLOCSTALL_DMA32) == stall0; i++) {
		mm_alloc_pages(n, &t, 0, GFP_KERNEL | __GFP_DMA32, &res);
		ASSERT_EQ(res.status, MM_ALLOC_OK);
	}
	EXPECT_GT(mm_event_count(n, ALLOCSTALL_DMA32), stall0);
	EXPECT_GT(mm_event_count(n, PGSCAN_SKIP_NORMAL), skip0);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

} // namespace

extern "C" bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

namespace {

// Another task runs while the faulting task waits for its reclaim I/O, and the OOM killer
// picks the waiting task: the fault must notice, drop its new page and report KILLED.
TEST(ReclaimIoWait, KilledWhileWaitingInDirectReclaim)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS), q = new_owner(n, MM_OWNER_PROCESS);
	mm_task tp{ p, 0, nullptr }, tq{ q, 0, nullptr };
	for (uint32_t v = 0; v < 100; v++)
		mm_anon_touch(n, &tq, v);
	uint32_t vpn = 0;
	fill_until_low(n, p, vpn);
	bool killed_in_wait = false;
	std::string state_in_wait = "unchecked";
	h.on_io_wait = [&] {
		if (killed_in_wait)
			return;
		state_in_wait = check(n); // consistent at the wait
		killed_in_wait = out_of_memory(n, &tq, 0, GFP_KERNEL);
	};
	mm_fault_result r = MM_FAULT_MINOR;
	while (!killed_in_wait && r == MM_FAULT_MINOR)
		r = mm_anon_touch(n, &tp, vpn++);
	ASSERT_TRUE(killed_in_wait);
	EXPECT_EQ(state_in_wait, "");
	ASSERT_EQ(h.oom_victims.size(), 1u);
	EXPECT_EQ(h.oom_victims[0], p);
	EXPECT_EQ(r, MM_FAULT_KILLED);
	mm_owner_info pi;
	mm_owner_get_info(n, p, &pi);
	EXPECT_EQ(pi.rss_anon + pi.swapents, 0u);
	EXPECT_EQ(mm_anon_touch(n, &tp, 0), MM_FAULT_KILLED);
	mm_fault_result rq = mm_anon_touch(n, &tq, 0); // q lives on (its page may have been swapped)
	EXPECT_TRUE(rq == MM_FAULT_HIT || rq == MM_FAULT_MAJOR) << rq;
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

} // namespace
