// Reclaimed folios under writeback (PG_writeback): a reclaim batch's swapped-out folios
// stay allocated, isolated and counted in nr_writeback while the batch waits for its I/O
// (mm/vmscan.c: shrink_folio_list / folio_end_writeback), and are freed after the wait,
// also when their owner exits or is OOM-killed during it.
#include <gtest/gtest.h>

#include "core_test_helpers.h"
#include "fake_host.h"

extern "C" uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);
extern "C" bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

namespace {

constexpr uint64_t kRam = 16384, kSwap = 8192; // 64 MiB, 32 MiB

// Touch 'pages' anon pages of owner p (no reclaim needed: well below RAM).
void touch(mm_node *n, uint32_t p, uint32_t pages)
{
	mm_task t{ p, 0, nullptr };
	for (uint32_t v = 0; v < pages; v++)
		ASSERT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MINOR);
}

// What the first io_wait of a reclaim batch sees.
struct InWait {
	bool seen = false;
	uint64_t free_pages = 0, writeback = 0, writes = 0, anon = 0;
	std::string state = "unchecked";
};

TEST(Writeback, BatchPagesFreedOnlyAfterIoWait)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	touch(n, p, 8000);
	uint64_t free0 = mm_stat(n, NR_FREE_PAGES), anon0 = mm_stat(n, NR_ANON_MAPPED), writes0 = h.swap_writes;
	ASSERT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	InWait w;
	h.on_io_wait = [&] {
		if (w.seen)
			return;
		w.seen = true;
		w.free_pages = mm_stat(n, NR_FREE_PAGES);
		w.writeback = mm_stat(n, NR_WRITEBACK);
		w.writes = h.swap_writes - writes0;
		w.anon = mm_stat(n, NR_ANON_MAPPED);
		w.state = check(n);
	};
	mm_task t{ p, 0, nullptr };
	uint64_t reclaimed = try_to_free_pages(n, &t, 0, GFP_HIGHUSER_MOVABLE);
	ASSERT_TRUE(w.seen);
	EXPECT_EQ(w.state, ""); // mm_check accepts the folios under writeback
	ASSERT_GT(w.writes, 0u);
	// during the wait: the batch's swapped-out folios are not free, nr_writeback counts them,
	// and they are no longer mapped
	EXPECT_EQ(w.free_pages, free0);
	EXPECT_EQ(w.writeback, w.writes);
	EXPECT_EQ(w.anon, anon0 - w.writes);
	// after the waits: all are free
	EXPECT_GT(reclaimed, 0u);
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free0 + reclaimed);
	EXPECT_EQ(h.swap_writes - writes0, reclaimed);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// The owner of the folios under writeback dies while the reclaimer waits (exit or OOM
// kill with the reaper): nothing frees a folio under writeback twice, and after the
// wait every page of the dead owner is free. After an exit a new process (which may
// reuse the owner id) faults pages in during the wait: freeing the folios must not touch it.
void owner_dies_during_wait(bool oom)
{
	FakeHost h;
	mm_node *n = make_node(h, kRam, kSwap);
	uint64_t free_init = mm_stat(n, NR_FREE_PAGES);
	uint32_t p = new_owner(n, MM_OWNER_PROCESS);
	uint32_t k = new_owner(n, MM_OWNER_PROCESS, -1000); // the reclaimer: never a victim
	touch(n, p, 8000);
	InWait w;
	bool died = false;
	uint32_t q = MM_NIL;
	const uint32_t q_pages = 64;
	h.on_io_wait = [&] {
		if (w.seen)
			return;
		w.seen = true;
		w.writeback = mm_stat(n, NR_WRITEBACK);
		if (oom) {
			mm_task tk{ k, 0, nullptr };
			died = out_of_memory(n, &tk, 0, GFP_KERNEL);
		} else {
			mm_owner_exit(n, p);
			died = true;
		}
		w.free_pages = mm_stat(n, NR_FREE_PAGES);
		w.state = check(n); // the dead owner's pages are free, the folios under writeback are not
		if (!oom) {
			q = new_owner(n, MM_OWNER_PROCESS);
			touch(n, q, q_pages);
		}
	};
	mm_task tk{ k, 0, nullptr };
	try_to_free_pages(n, &tk, 0, GFP_HIGHUSER_MOVABLE);
	ASSERT_TRUE(w.seen);
	ASSERT_TRUE(died);
	if (oom) {
		ASSERT_EQ(h.oom_victims.size(), 1u);
		EXPECT_EQ(h.oom_victims[0], p);
	}
	EXPECT_GT(w.writeback, 0u);
	EXPECT_EQ(w.state, "");
	EXPECT_EQ(w.free_pages + w.writeback, free_init) << "only the folios under writeback are still allocated";
	EXPECT_EQ(mm_stat(n, NR_WRITEBACK), 0u);
	mm_owner_info pi{};
	if (oom) {
		ASSERT_TRUE(mm_owner_get_info(n, p, &pi)); // the victim, reaped
		EXPECT_EQ(pi.rss_anon + pi.swapents, 0u);
		EXPECT_EQ(mm_stat(n, NR_ANON_MAPPED), 0u);
		EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free_init); // freed once each, none leaked
	} else {
		ASSERT_TRUE(mm_owner_get_info(n, q, &pi)); // the new process is intact
		EXPECT_EQ(pi.rss_anon + pi.swapents, q_pages); // resident or swapped by the ongoing reclaim
		EXPECT_EQ(mm_stat(n, NR_ANON_MAPPED), pi.rss_anon);
		EXPECT_EQ(mm_stat(n, NR_FREE_PAGES) + pi.rss_anon, free_init); // freed once each, none leaked
	}
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

TEST(Writeback, OwnerExitsDuringIoWait) { owner_dies_during_wait(false); }

TEST(Writeback, OwnerOomKilledDuringIoWait) { owner_dies_during_wait(true); }

} // namespace
