// oom_badness exact values and select_bad_process / oom_kill_process.
// 64 MiB RAM (16384 pages), 32 MiB swap (8192 slots incl. the header: 8191 usable):
// totalpages = 16384 + 8191 = 24575, totalpages / 1000 = 24.
#include <climits>

#include <gtest/gtest.h>

#include "fake_host.h"

extern "C" bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

namespace {

uint32_t new_process(mm_node *n, int adj, const char *name)
{
	char err[200];
	uint32_t id = mm_owner_create(n, MM_OWNER_PROCESS, adj, name, err, sizeof(err));
	EXPECT_NE(id, MM_NIL) << err;
	return id;
}

void touch_range(mm_node *n, uint32_t owner, uint32_t from, uint32_t count)
{
	mm_task t{ owner, 0, nullptr };
	for (uint32_t v = from; v < from + count; v++)
		ASSERT_NE(mm_anon_touch(n, &t, v), MM_FAULT_OOM);
}

TEST(OomBadness, ExactPoints)
{
	FakeHost h;
	mm_node *n = make_node(h, 16384, 8192);
	ASSERT_NE(n, nullptr);
	ASSERT_EQ(mm_total_pages(n), 16384u);
	ASSERT_EQ(mm_oom_totalpages(n), 24575u);
	uint32_t p = new_process(n, 0, "p");
	touch_range(n, p, 0, 100);    // PTE table 0
	touch_range(n, p, 512, 100);  // table 1
	touch_range(n, p, 5000, 1);   // table 9
	mm_owner_info info;
	ASSERT_TRUE(mm_owner_get_info(n, p, &info));
	EXPECT_EQ(info.rss_anon, 201u);
	EXPECT_EQ(info.pgtables, 3u);
	// rss 201 + swap 0 + page tables 3
	EXPECT_EQ(mm_oom_badness(n, p, 24575), 204);
	mm_node_destroy(n);
}

TEST(OomBadness, ScoreAdjScaledByTotalPages)
{
	FakeHost h;
	mm_node *n = make_node(h, 16384, 8192);
	uint32_t a = new_process(n, 500, "a"), b = new_process(n, -500, "b");
	uint32_t c = new_process(n, -1000, "c"), d = new_process(n, 1000, "d");
	char err[200];
	uint32_t f = mm_owner_create(n, MM_OWNER_FILE, 0, "file", err, sizeof(err));
	for (uint32_t o : { a, b, c, d })
		touch_range(n, o, 0, 201); // 201 pages, one PTE table: 202 points
	EXPECT_EQ(mm_oom_badness(n, a, 24575), 202 + 500 * 24);  // 12202
	EXPECT_EQ(mm_oom_badness(n, b, 24575), 202 - 500 * 24);  // -11798
	EXPECT_EQ(mm_oom_badness(n, c, 24575), LONG_MIN);        // OOM_SCORE_ADJ_MIN: never
	EXPECT_EQ(mm_oom_badness(n, d, 24575), 202 + 1000 * 24); // 24202
	EXPECT_EQ(mm_oom_badness(n, d, 999), 202);               // 999 / 1000 = 0
	EXPECT_EQ(mm_oom_badness(n, f, 24575), LONG_MIN);        // not a process
	ASSERT_EQ(mm_owner_set_oom_score_adj(n, c, -999), 0);
	EXPECT_EQ(mm_oom_badness(n, c, 24575), 202 - 999 * 24); // -23774: now eligible
	EXPECT_EQ(mm_owner_set_oom_score_adj(n, c, -1001), -1);
	EXPECT_EQ(mm_owner_set_oom_score_adj(n, 999, 0), -1);
	EXPECT_EQ(mm_oom_badness(n, MM_OWNER_KERNEL_ID, 24575), LONG_MIN);
	mm_node_destroy(n);
}

TEST(OomBadness, SwapEntriesCount)
{
	FakeHost h;
	mm_node *n = make_node(h, 16384, 8192);
	uint32_t p = new_process(n, 100, "p");
	touch_range(n, p, 0, 3000); // 3000 pages, 6 PTE tables (0..5)
	// memory pressure from q pushes some of p's pages to swap
	uint32_t q = new_process(n, 0, "q");
	touch_range(n, q, 0, 14000);
	mm_owner_info info;
	ASSERT_TRUE(mm_owner_get_info(n, p, &info));
	EXPECT_GT(info.swapents, 0u);
	EXPECT_EQ(info.rss_anon + info.swapents, 3000u);
	EXPECT_EQ(info.pgtables, 6u);
	EXPECT_EQ(mm_oom_badness(n, p, 24575), 3000 + 6 + 100 * 24);
	char msg[256];
	EXPECT_EQ(mm_check(n, msg, sizeof(msg)), 0) << msg;
	mm_node_destroy(n);
}

TEST(OomKill, HighestBadnessDiesTiesGoToTheLaterAndMinusThousandNever)
{
	FakeHost h;
	mm_node *n = make_node(h, 16384, 8192);
	uint32_t big_protected = new_process(n, -1000, "protected");
	uint32_t a = new_process(n, 0, "a");
	uint32_t b = new_process(n, 0, "b");
	uint32_t small = new_process(n, 0, "small");
	touch_range(n, big_protected, 0, 4000);
	touch_range(n, a, 0, 2000);
	touch_range(n, b, 0, 2000); // same badness as a: the later one (b) is chosen
	touch_range(n, small, 0, 100);
	mm_task t{ small, 0, nullptr };
	uint64_t free_before = mm_stat(n, NR_FREE_PAGES);
	ASSERT_TRUE(out_of_memory(n, &t, 0, GFP_KERNEL));
	ASSERT_EQ(h.oom_victims.size(), 1u);
	EXPECT_EQ(h.oom_victims[0], b);
	EXPECT_EQ(mm_event_count(n, OOM_KILL), 1u);
	EXPECT_EQ(mm_stat(n, NR_FREE_PAGES), free_before + 2000);
	long ev = h.find(FakeStep::EVENT, MM_EV_OOM_KILL);
	ASSERT_GE(ev, 0);
	EXPECT_EQ(h.steps[ev].a, (int64_t)b);
	EXPECT_EQ(h.steps[ev].b, 2004); // 2000 rss + 4 PTE tables (vpn 0..1999 -> tables 0..3)
	mm_owner_info info;
	ASSERT_TRUE(mm_owner_get_info(n, b, &info));
	EXPECT_TRUE(info.dead);
	EXPECT_EQ(info.rss_anon, 0u);
	mm_task tb{ b, 0, nullptr };
	EXPECT_EQ(mm_anon_touch(n, &tb, 0), MM_FAULT_KILLED);
	// next OOM: a (2004 points) over small; the protected one is never chosen
	ASSERT_TRUE(out_of_memory(n, &t, 0, GFP_KERNEL));
	EXPECT_EQ(h.oom_victims.back(), a);
	ASSERT_TRUE(out_of_memory(n, &t, 0, GFP_KERNEL));
	EXPECT_EQ(h.oom_victims.back(), small);
	// only the -1000 process is left: no victim (the kernel would panic)
	mm_task tp{ big_protected, 0, nullptr };
	EXPECT_FALSE(out_of_memory(n, &tp, 0, GFP_KERNEL));
	EXPECT_EQ(h.oom_victims.size(), 3u);
	// !__GFP_FS: no kill, but "progress"
	EXPECT_TRUE(out_of_memory(n, &tp, 0, GFP_NOFS));
	char msg[256];
	EXPECT_EQ(mm_check(n, msg, sizeof(msg)), 0) << msg;
	mm_node_destroy(n);
}

TEST(OomKill, ReapFreesPagesAndSwapSlots)
{
	FakeHost h;
	mm_node *n = make_node(h, 16384, 8192);
	uint32_t p = new_process(n, 0, "p");
	touch_range(n, p, 0, 20000); // more than RAM: part of it is in swap
	mm_owner_info info;
	ASSERT_TRUE(mm_owner_get_info(n, p, &info));
	ASSERT_GT(info.swapents, 0u);
	mm_swapinfo si;
	mm_si_swapinfo(n, &si);
	EXPECT_EQ(si.totalswap, 8191u);
	EXPECT_EQ(si.freeswap, 8191u - info.swapents);
	uint32_t other = new_process(n, 0, "other");
	mm_task t{ other, 0, nullptr };
	ASSERT_TRUE(out_of_memory(n, &t, 0, GFP_KERNEL));
	ASSERT_EQ(h.oom_victims.size(), 1u);
	EXPECT_EQ(h.oom_victims[0], p);
	long ev = h.find(FakeStep::EVENT, MM_EV_OOM_KILL);
	ASSERT_GE(ev, 0);
	EXPECT_EQ(h.steps[ev].c, (int64_t)info.rss_anon); // pages freed
	mm_si_swapinfo(n, &si);
	EXPECT_EQ(si.freeswap, 8191u);
	EXPECT_EQ(mm_stat(n, NR_ANON_MAPPED), 0u);
	char msg[256];
	EXPECT_EQ(mm_check(n, msg, sizeof(msg)), 0) << msg;
	mm_node_destroy(n);
}

} // namespace
