// Pure-C scenarios on a small machine (64 MiB RAM, 32 MiB swap) with the fake
// host's counter clock: workloads advance in 1 ms steps and the kswapd thread
// (KswapdSim) takes one step per millisecond, as the SystemC layer will run it.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core_test_helpers.h"
#include "fake_host.h"

namespace {

constexpr uint64_t kRam = 16384, kSwap = 8192;

uint32_t new_owner(mm_node *n, mm_owner_kind kind, const char *name, int adj = 0)
{
	char err[200];
	uint32_t id = mm_owner_create(n, kind, adj, name, err, sizeof(err));
	EXPECT_NE(id, MM_NIL) << err;
	return id;
}

mm_zone_info normal_zone(mm_node *n)
{
	mm_zone_info zi;
	mm_zone_get_info(n, MM_ZONE_NORMAL, &zi);
	return zi;
}

uint64_t freeswap(mm_node *n)
{
	mm_swapinfo si;
	mm_si_swapinfo(n, &si);
	return si.freeswap;
}

// An anon load grows until the OOM killer ends it.
TEST(Scenario, AnonLoadToOom)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	const mm_zone_info zi = normal_zone(n);
	uint32_t small = new_owner(n, MM_OWNER_PROCESS, "small");
	uint32_t mid = new_owner(n, MM_OWNER_PROCESS, "mid");
	uint32_t big = new_owner(n, MM_OWNER_PROCESS, "big");
	uint64_t free_at_first_wake = UINT64_MAX, scanned_before_wake = UINT64_MAX, min_freeswap = UINT64_MAX;
	h.on_event = [&](const mm_event &ev) {
		if (ev.type == MM_EV_KSWAPD_WAKE && free_at_first_wake == UINT64_MAX) {
			free_at_first_wake = mm_stat(n, NR_FREE_PAGES);
			scanned_before_wake = mm_event_count(n, PGSCAN_KSWAPD) + mm_event_count(n, PGSCAN_DIRECT);
		}
		if (ev.type == MM_EV_DIRECT_RECLAIM_END || ev.type == MM_EV_RECLAIM_RETRY)
			min_freeswap = std::min(min_freeswap, freeswap(n));
	};
	KswapdSim k(n, h);
	mm_task ts{ small, 0, nullptr }, tm{ mid, 0, nullptr }, tb{ big, 0, nullptr };
	for (uint32_t v = 0; v < 1000; v++)
		ASSERT_EQ(mm_anon_touch(n, &ts, v), MM_FAULT_MINOR);
	for (uint32_t v = 0; v < 3000; v++)
		ASSERT_EQ(mm_anon_touch(n, &tm, v), MM_FAULT_MINOR);
	uint32_t vpn = 0;
	bool killed = false;
	uint64_t ms = 0;
	for (; ms < 1000 && !killed; ms++) {
		for (int i = 0; i < 400 && !killed; i++) { // a fast grower: bursts outrun kswapd
			mm_fault_result r = mm_anon_touch(n, &tb, vpn++);
			ASSERT_NE(r, MM_FAULT_OOM);
			killed = r == MM_FAULT_KILLED;
		}
		k.step(ms);
	}
	ASSERT_TRUE(killed) << "no OOM kill after " << ms << " ms";
	// kswapd was woken when the free pages fell to the low watermark, before any reclaim
	EXPECT_LE(free_at_first_wake, zi.wmark[MM_WMARK_LOW]);
	EXPECT_GT(free_at_first_wake, zi.wmark[MM_WMARK_MIN]);
	EXPECT_EQ(scanned_before_wake, 0u);
	EXPECT_GT(mm_event_count(n, PGSTEAL_KSWAPD), 0u);
	// direct reclaim happened, and the swap device filled up before the kill
	EXPECT_GT(mm_event_count(n, PGSCAN_DIRECT), 0u);
	EXPECT_GT(mm_event_count(n, ALLOCSTALL_MOVABLE), 0u);
	EXPECT_EQ(min_freeswap, 0u);
	EXPECT_GE(mm_event_count(n, PSWPOUT), kSwap - 1);
	// the victim is the process with the highest badness, and its memory is gone
	ASSERT_EQ(h.oom_victims.size(), 1u);
	EXPECT_EQ(h.oom_victims[0], big);
	EXPECT_EQ(mm_event_count(n, OOM_KILL), 1u);
	mm_owner_info bi, si, mi;
	mm_owner_get_info(n, big, &bi);
	mm_owner_get_info(n, small, &si);
	mm_owner_get_info(n, mid, &mi);
	EXPECT_TRUE(bi.dead);
	EXPECT_EQ(bi.rss_anon + bi.swapents, 0u);
	EXPECT_EQ(si.rss_anon + si.swapents, 1000u);
	EXPECT_EQ(mi.rss_anon + mi.swapents, 3000u);
	EXPECT_EQ(freeswap(n), kSwap - 1 - si.swapents - mi.swapents);
	long ev = h.find(FakeStep::EVENT, MM_EV_OOM_KILL);
	ASSERT_GE(ev, 0);
	EXPECT_GT(h.steps[ev].c, 5000); // pages freed
	EXPECT_GT(mm_stat(n, NR_FREE_PAGES), zi.wmark[MM_WMARK_HIGH]);
	// the /proc/vmstat text carries the same counters in the kernel's spelling
	std::string vm(1 << 16, '\0');
	vm.resize(mm_dump_vmstat(n, &vm[0], vm.size()));
	EXPECT_NE(vm.find("\noom_kill 1\n"), std::string::npos);
	EXPECT_NE(vm.find("\npswpout " + std::to_string(mm_event_count(n, PSWPOUT)) + "\n"), std::string::npos);
	EXPECT_NE(vm.find("\npgscan_direct " + std::to_string(mm_event_count(n, PGSCAN_DIRECT)) + "\n"),
		  std::string::npos);
	EXPECT_NE(vm.find("\nnr_zone_inactive_anon " + std::to_string(mm_stat(n, NR_INACTIVE_ANON)) + "\n"),
		  std::string::npos);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// At a moderate rate kswapd alone keeps up: no direct reclaim, and each time it goes to
// sleep the free pages are back at the high watermark.
TEST(Scenario, ModerateRateKswapdAloneRestoresHighWatermark)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	const mm_zone_info zi = normal_zone(n);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS, "reader");
	uint32_t f = new_owner(n, MM_OWNER_FILE, "data");
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = 0; v < 3000; v++)
		mm_anon_touch(n, &t, v);
	KswapdSim k(n, h);
	uint64_t sleeps_below_high = 0;
	k.on_sleep = [&] { sleeps_below_high += mm_stat(n, NR_FREE_PAGES) < zi.wmark[MM_WMARK_HIGH]; };
	uint32_t index = 0;
	uint64_t ms = 0;
	for (; ms < 3000; ms++) {
		for (int i = 0; i < 20; i++)
			mm_file_read(n, &t, f, index++);
		k.step(ms);
	}
	uint64_t load_end = ms;
	for (; ms < load_end + 300; ms++)
		k.step(ms);
	EXPECT_GT(h.kswapd_wakes, 0u);
	EXPECT_GT(mm_event_count(n, PGSTEAL_KSWAPD), 40000u);
	EXPECT_EQ(mm_event_count(n, PGSCAN_DIRECT), 0u);
	EXPECT_EQ(mm_event_count(n, ALLOCSTALL_MOVABLE) + mm_event_count(n, ALLOCSTALL_NORMAL), 0u);
	EXPECT_EQ(h.count(FakeStep::EVENT, MM_EV_DIRECT_RECLAIM_BEGIN), 0u);
	EXPECT_GT(k.full_sleeps, 0u);
	EXPECT_EQ(sleeps_below_high, 0u);
	EXPECT_EQ(k.state(), KswapdSim::SLEEP);
	EXPECT_GE(mm_stat(n, NR_FREE_PAGES), zi.wmark[MM_WMARK_HIGH]);
	EXPECT_GT(mm_event_count(n, KSWAPD_LOW_WMARK_HIT_QUICKLY), 0u); // woken during naps
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

struct MixedResult {
	uint64_t steal_anon, steal_file, activate_anon, activate_file;
	double anon_share() const { return (double)steal_anon / (double)(steal_anon + steal_file); }
};

// A hot anon working set and a hot (re-read) file working set that do not fit together.
MixedResult run_mixed(unsigned swappiness)
{
	FakeHost h;
	h.record = false;
	mm_node *n = make_node(h, kRam, kSwap, swappiness);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS, "app");
	uint32_t f = new_owner(n, MM_OWNER_FILE, "db");
	mm_task t{ p, 0, nullptr };
	KswapdSim k(n, h);
	const uint32_t anon_set = 9000, file_set = 9000, rate = 30;
	uint32_t av = 0, fi = 0;
	uint64_t a0 = 0, f0 = 0;
	for (uint64_t ms = 0; ms < 4000; ms++) {
		if (ms == 1000) { // after warm-up
			a0 = mm_event_count(n, PGSTEAL_ANON);
			f0 = mm_event_count(n, PGSTEAL_FILE);
		}
		for (uint32_t i = 0; i < rate; i++) {
			mm_anon_touch(n, &t, av);
			av = (av + 1) % anon_set;
			mm_file_read(n, &t, f, fi);
			fi = (fi + 1) % file_set;
		}
		k.step(ms);
	}
	MixedResult r{ mm_event_count(n, PGSTEAL_ANON) - a0, mm_event_count(n, PGSTEAL_FILE) - f0,
		       mm_stat(n, WORKINGSET_ACTIVATE_ANON), mm_stat(n, WORKINGSET_ACTIVATE_FILE) };
	EXPECT_EQ(check(n), "");
	EXPECT_EQ(mm_event_count(n, OOM_KILL), 0u);
	mm_node_destroy(n);
	return r;
}

TEST(Scenario, MixedLoadAnonShareRisesWithSwappiness)
{
	const unsigned sw[] = { 10, 60, 90, 200 };
	double prev = -1.0;
	for (unsigned s : sw) {
		MixedResult r = run_mixed(s);
		SCOPED_TRACE(s);
		EXPECT_GT(r.steal_anon + r.steal_file, 10000u);
		double share = r.anon_share();
		printf("swappiness %3u: pgsteal_anon %llu pgsteal_file %llu anon share %.3f\n", s,
		       (unsigned long long)r.steal_anon, (unsigned long long)r.steal_file, share);
		EXPECT_GT(share, prev);
		prev = share;
		EXPECT_GT(r.activate_file, 0u); // the file set is hot: its refaults are activated
		if (r.steal_anon)
			EXPECT_GT(r.activate_anon, 0u); // so is the anon set once it is swapped
	}
}

// Reading a large file once never swaps, whatever the swappiness, even with idle anon memory.
TEST(Scenario, PageCacheOnlyLoadNeverTouchesSwap)
{
	for (unsigned s : { 10u, 60u, 200u }) {
		SCOPED_TRACE(s);
		FakeHost h;
		h.record = false;
		mm_node *n = make_node(h, kRam, kSwap, s);
		uint32_t idle = new_owner(n, MM_OWNER_PROCESS, "idle");
		uint32_t reader = new_owner(n, MM_OWNER_PROCESS, "reader");
		uint32_t f = new_owner(n, MM_OWNER_FILE, "big.log");
		mm_task ti{ idle, 0, nullptr }, tr{ reader, 0, nullptr };
		for (uint32_t v = 0; v < 4000; v++)
			mm_anon_touch(n, &ti, v);
		KswapdSim k(n, h);
		uint32_t index = 0;
		for (uint64_t ms = 0; ms < 2000; ms++) {
			for (int i = 0; i < 50; i++)
				mm_file_read(n, &tr, f, index++);
			k.step(ms);
		}
		EXPECT_GT(mm_event_count(n, PGSTEAL_FILE), 80000u);
		EXPECT_EQ(mm_event_count(n, PSWPOUT), 0u);
		EXPECT_EQ(mm_event_count(n, PGSTEAL_ANON), 0u);
		EXPECT_EQ(freeswap(n), kSwap - 1);
		EXPECT_EQ(h.swap_writes, 0u);
		EXPECT_EQ(check(n), "");
		mm_node_destroy(n);
	}
}

} // namespace
