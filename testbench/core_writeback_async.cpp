// Asynchronous swap-out (mm_config.swap_writeout_async): a reclaim batch submits its
// writes and returns without waiting; the host ends each write (mm_end_writeback) when it
// completes, which frees the folio and counts it once. Reclaimers wait only in
// reclaim_throttle (mm/vmscan.c), with the kernel's reasons and timeouts, and folios under
// writeback count as reclaimable for should_reclaim_retry (no OOM while writes are in flight).
#include <gtest/gtest.h>

#include <random>

#include "core_test_helpers.h"
#include "fake_host.h"

extern "C" uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);
extern "C" bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

namespace {

constexpr uint64_t kRam = 16384, kSwap = 16384; // 64 MiB, 64 MiB

void touch(mm_node *n, uint32_t p, uint32_t from, uint32_t pages)
{
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = from; v < from + pages; v++)
		ASSERT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MINOR);
}

// A host whose writes never complete on their own during the test (10 s) and never
// block the submitter (no request limit): only complete_writes ends them.
void make_slow(FakeHost &h)
{
	h.async = true;
	h.io_latency_ns = 10ull * 1000 * 1000 * 1000;
	h.nr_requests = 1u << 30;
}

TEST(WritebackAsync, BatchReturnsBeforeItsWritesCompleteAndCompletionFreesOnce)
{
	FakeHost h;
	make_slow(h);
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	touch(n, p, 0, 8000);
	uint64_t free0 = mm_stat(n, NR_FREE_PAGES), anon0 = mm_stat(n, NR_ANON_MAPPED);
	mm_task t{ p, 0, nullptr };
	uint64_t reclaimed = try_to_free_pages(n, &t, 0, GFP_HIGHUSER_MOVABLE);

	// returned with every write still in flight: nothing waited, nothing freed yet
	uint64_t w = h.swap_writes;
	ASSERT_GT(w, 0u);
	for (const FakeStep &st : h.steps)
		if (st.kind == FakeStep::IO_WAIT)
			EXPECT_EQ(st.a, 0) << "a batch's io_wait has no I/O of its own to wait for";
	EXPECT_EQ(h.inflight.size(), w);
	EXPECT_EQ(reclaimed, 0u) << "a folio under writeback is not reclaimed by the batch that wrote it";
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), w);
	EXPECT_EQ(mm_stat(n, NR_ANON_MAPPED), anon0 - w);
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free0);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_DIRECT), 0u);
	EXPECT_EQ(mm_event_count(n, PSWPOUT), w);
	EXPECT_EQ(check(n), "");

	// half the writes complete: those folios are free and counted, NR_WRITEBACK goes down
	uint32_t first = h.inflight.front().pfn;
	uint64_t half_time = h.inflight[w / 2 - 1].done_ns;
	EXPECT_EQ(h.complete_writes(half_time), w / 2);
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), w - w / 2);
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free0 + w / 2);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_DIRECT), w / 2);
	EXPECT_EQ(check(n), "");

	h.complete_writes();
	EXPECT_EQ(h.writebacks_ended, w);
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free0 + w);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_DIRECT), w); // counted once, for the direct reclaimer
	EXPECT_EQ(mm_event_count(n, PGSTEAL_KSWAPD), 0u);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_ANON), w);
	EXPECT_EQ(mm_end_writeback(n, first), -1) << "a second completion changes nothing";
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free0 + w);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(WritebackAsync, SynchronousNodeRefusesEndWriteback)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	touch(n, p, 0, 100);
	EXPECT_EQ(mm_end_writeback(n, 0), -1);
	EXPECT_EQ(mm_end_writeback(n, UINT32_MAX), -1);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// The next scan finds the completed folios (rotated to the tail in the kernel) as its progress.
TEST(WritebackAsync, CompletedWritesAreTheNextScansProgress)
{
	FakeHost h;
	make_slow(h);
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	touch(n, p, 0, 8000);
	mm_task t{ p, 0, nullptr };
	EXPECT_EQ(try_to_free_pages(n, &t, 0, GFP_HIGHUSER_MOVABLE), 0u);
	h.complete_writes();
	uint64_t steal = mm_event_count(n, PGSTEAL_DIRECT);
	EXPECT_GE(try_to_free_pages(n, &t, 0, GFP_HIGHUSER_MOVABLE), (uint64_t)MM_SWAP_CLUSTER_MAX);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_DIRECT), steal) << "found folios were counted at completion";
	h.complete_writes();
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// kswapd on a slow device: once the writes in flight outnumber the inactive list, the scan
// cycles onto them (PGDAT_WRITEBACK, then nr_immediate) and kswapd throttles on
// VMSCAN_THROTTLE_WRITEBACK for HZ/10, woken when 32 writes per throttled task completed.
TEST(WritebackAsync, KswapdThrottlesOnWritebackWithTheKernelTimeout)
{
	FakeHost h;
	h.async = true;
	h.io_latency_ns = 50000000; // 50 ms
	h.io_service_ns = 100000;   // then one write per 0.1 ms
	h.nr_requests = 1u << 30;   // no request limit: the writes pile up
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	touch(n, p, 0, 16100); // between the min and low watermarks
	mm_clear_refs(n, p);   // an idle working set: kswapd swaps it out at once
	KswapdSim k(n, h);
	h.kswapd_woken = true; // a wakeup_kswapd for order 0
	long i = -1;
	for (uint64_t ms = 0; ms < 4 && i < 0; ms++) {
		k.step(ms);
		i = h.find(FakeStep::THROTTLE);
	}
	ASSERT_GT(h.swap_writes, 0u);
	ASSERT_GE(i, 0) << "kswapd never throttled";
	EXPECT_EQ(h.steps[i].owner, MM_NIL);
	EXPECT_EQ(h.steps[i].a, MM_THROTTLE_WRITEBACK);
	EXPECT_EQ(h.steps[i].b, 100000000) << "HZ/10";
	EXPECT_LT(h.steps[i].c, 100000000) << "completions woke the throttled kswapd before the timeout";
	EXPECT_EQ(h.count(FakeStep::THROTTLE, -1), h.throttles);
	h.complete_writes();
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	EXPECT_EQ(mm_event_count(n, PGSTEAL_KSWAPD), h.swap_writes);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// A direct reclaimer that makes no progress at priority 1 while writes dominate
// (2 * write_pending > reclaimable) throttles on VMSCAN_THROTTLE_NOPROGRESS for one jiffy.
TEST(WritebackAsync, DirectReclaimThrottlesOnNoProgressForOneJiffy)
{
	FakeHost h;
	make_slow(h);
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t f = new_owner(n, MM_OWNER_FILE), p = new_owner(n, MM_OWNER_PROCESS);
	mm_task t{ p, 0, nullptr };
	for (uint32_t i = 0; i < 12000; i++) // dirty page cache: write_pending dominates
		ASSERT_EQ(mm_file_write(n, &t, f, i), MM_FAULT_MINOR);
	EXPECT_EQ(try_to_free_pages(n, &t, 0, GFP_HIGHUSER_MOVABLE), 0u);
	long i = h.find(FakeStep::THROTTLE);
	ASSERT_GE(i, 0);
	EXPECT_EQ(h.steps[i].a, MM_THROTTLE_NOPROGRESS);
	EXPECT_EQ(h.steps[i].b, 4000000) << "one jiffy at HZ 250";
	EXPECT_EQ(h.steps[i].c, 4000000) << "nothing completed: the full timeout";
	h.complete_writes();
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// Kernel allocations hold most of RAM; a process touches twice what is left with a slow
// swap device and no kswapd. Its LRU is soon almost all under writeback: should_reclaim_retry
// still counts those folios as reclaimable (the kernel keeps them on the LRU), the reclaimer
// throttles until writes complete, and every fault succeeds with nobody OOM-killed.
TEST(WritebackAsync, NoOomWithASlowDeviceWhileWritesAreInFlight)
{
	FakeHost h;
	h.async = true;
	h.io_latency_ns = 12000000; // an HDD: 12 ms
	h.io_service_ns = 6000000;  // one write per 6 ms
	h.nr_requests = 1u << 30;   // no request limit: reclaim can put the whole LRU under writeback
	h.record = false;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	mm_task kt{ MM_OWNER_KERNEL_ID, 0, nullptr };
	for (int i = 0; i < 13000; i++) {
		mm_alloc_result r{};
		mm_alloc_pages(n, &kt, 0, GFP_KERNEL, &r);
		ASSERT_EQ(r.status, MM_ALLOC_OK);
	}
	mm_task t{ p, 0, nullptr };
	uint64_t max_wb = 0;
	for (uint32_t v = 0; v < 6000; v++) {
		ASSERT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MINOR) << "vpn " << v;
		max_wb = std::max(max_wb, mm_stat(n, NR_WRITEBACK));
	}
	EXPECT_TRUE(h.oom_victims.empty());
	EXPECT_EQ(mm_event_count(n, ALLOCFAIL), 0u);
	EXPECT_GT(max_wb, (uint64_t)MM_SWAP_CLUSTER_MAX) << "writes were in flight";
	EXPECT_GT(h.throttles, 0u);
	EXPECT_EQ(check(n), "");
	h.complete_writes();
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// The owner of folios under writeback exits (and its id is reused) or is OOM-killed before
// the writes complete: completion frees each folio once and touches no owner.
void owner_dies_before_completion(bool oom)
{
	FakeHost h;
	make_slow(h);
	mm_node *n = make_node(h, kRam, kSwap);
	uint64_t free_init = mm_stat(n, NR_FREE_PAGES);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t k = new_owner(n, MM_OWNER_PROCESS, -1000);
	touch(n, p, 0, 8000);
	mm_task tk{ k, 0, nullptr };
	try_to_free_pages(n, &tk, 0, GFP_HIGHUSER_MOVABLE);
	uint64_t wb = mm_stat(n, NR_WRITEBACK);
	ASSERT_GT(wb, 0u);
	uint32_t q = MM_NIL;
	const uint32_t q_pages = 64;
	if (oom) {
		ASSERT_TRUE(out_of_memory(n, &tk, 0, GFP_KERNEL));
		ASSERT_EQ(h.oom_victims.size(), 1u);
		EXPECT_EQ(h.oom_victims[0], p);
	} else {
		mm_owner_exit(n, p);
		q = new_owner(n, MM_OWNER_PROCESS);
		touch(n, q, 0, q_pages);
	}
	EXPECT_EQ(check(n), "");
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), wb);
	h.complete_writes();
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	if (oom) {
		EXPECT_EQ(mm_stat(n, NR_ANON_MAPPED), 0u);
		EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free_init);
	} else {
		mm_owner_info qi{};
		ASSERT_TRUE(mm_owner_get_info(n, q, &qi));
		EXPECT_EQ(qi.rss_anon, q_pages);
		EXPECT_EQ(mm_stat(n, NR_FREE_PAGES) + q_pages, free_init);
	}
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(WritebackAsync, OwnerExitsBeforeCompletion) { owner_dies_before_completion(false); }

TEST(WritebackAsync, OwnerOomKilledBeforeCompletion) { owner_dies_before_completion(true); }

// Random faults, file reads and writes, unmaps, exits and completions at random times:
// mm_check holds after every step and every write ends exactly once.
TEST(WritebackAsync, CheckHoldsAfterRandomSequencesWithAsyncCompletions)
{
	for (unsigned seed = 1; seed <= 3; seed++) {
		FakeHost h;
		h.async = true;
		h.io_latency_ns = 2000000;
		h.io_service_ns = 100000;
		h.nr_requests = 48;
		h.record = false;
		mm_node *n = make_node(h, 8192, 8192);
		std::mt19937 rng(seed);
		std::vector<uint32_t> procs;
		uint32_t file = new_owner(n, MM_OWNER_FILE);
		for (int i = 0; i < 3; i++)
			procs.push_back(new_owner(n, MM_OWNER_PROCESS));
		for (int step = 0; step < 20000; step++) {
			unsigned op = rng() % 100;
			uint32_t who = procs[rng() % procs.size()];
			mm_task t{ who, 0, nullptr };
			mm_owner_info info{};
			if (!mm_owner_get_info(n, who, &info) || info.dead) {
				procs.erase(std::find(procs.begin(), procs.end(), who));
				procs.push_back(new_owner(n, MM_OWNER_PROCESS));
				continue;
			}
			if (op < 70) {
				mm_anon_touch(n, &t, rng() % 4000);
			} else if (op < 80) {
				mm_file_read(n, &t, file, rng() % 3000);
			} else if (op < 88) {
				mm_file_write(n, &t, file, rng() % 3000);
			} else if (op < 93) {
				mm_anon_unmap(n, &t, rng() % 4000, 1 + rng() % 64);
			} else if (op < 94) {
				mm_owner_exit(n, who);
			} else {
				h.now_ns += rng() % 3000000;
				h.complete_writes(h.now_ns);
			}
			std::string c = check(n);
			ASSERT_EQ(c, "") << "seed " << seed << " step " << step;
		}
		h.complete_writes();
		EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
		EXPECT_EQ(h.writebacks_ended, h.swap_writes + h.file_writes);
		EXPECT_EQ(check(n), "");
		mm_node_destroy(n);
	}
}

} // namespace
