// __alloc_pages_slowpath's step order as the host sees it through
// host->event, and the ALLOC_* reserve arithmetic at the watermarks.
// The node holds only kernel allocations, so reclaim finds nothing to free.
#include "core_alloc_helpers.h"

#include <algorithm>

namespace {

struct Recorder {
    std::vector<mm_event_type> events;
    int kswapd_wakes = 0;
    static void on_event(void *ctx, const mm_event *ev) { static_cast<Recorder *>(ctx)->events.push_back(ev->type); }
    static void on_wake(void *ctx) { static_cast<Recorder *>(ctx)->kswapd_wakes++; }
    size_t count(mm_event_type t) const { return std::count(events.begin(), events.end(), t); }
    ptrdiff_t first(mm_event_type t) const
    {
        auto it = std::find(events.begin(), events.end(), t);
        return it == events.end() ? -1 : it - events.begin();
    }
};

struct SlowpathTest : ::testing::Test {
    Recorder rec;
    NodePtr n;
    mm_task task{1, 0, nullptr};
    // 4 MiB single zone: min 64, low 80, high 96 (min_free_kbytes 256)
    void SetUp() override
    {
        mm_host host{};
        host.ctx = &rec;
        host.event = Recorder::on_event;
        host.wake_kswapd = Recorder::on_wake;
        mm_config cfg;
        mm_config_default(&cfg, 1024);
        n = make_node(cfg, &host);
    }
    // allocate order-0 pages with gfp until one fails; returns the count
    unsigned fill(gfp_t gfp)
    {
        unsigned got = 0;
        mm_alloc_result r;
        for (;;) {
            mm_alloc_pages(n.get(), &task, 0, gfp, &r);
            if (r.status != MM_ALLOC_OK)
                return got;
            got++;
        }
    }
    uint64_t nr_free() const { return n->zones[MM_ZONE_NORMAL].nr_free_pages; }
};

TEST_F(SlowpathTest, GfpToAllocFlags)
{
    EXPECT_EQ(gfp_to_alloc_flags(GFP_KERNEL, 0), unsigned(ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD));
    // GFP_ATOMIC: MIN_RESERVE|KSWAPD|NON_BLOCK, CPUSET dropped; order > 0 adds HIGHATOMIC
    EXPECT_EQ(gfp_to_alloc_flags(GFP_ATOMIC, 0), unsigned(ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK));
    EXPECT_EQ(gfp_to_alloc_flags(GFP_ATOMIC, 1),
              unsigned(ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK | ALLOC_HIGHATOMIC));
    EXPECT_EQ(gfp_to_alloc_flags(GFP_NOWAIT, 0), unsigned(ALLOC_CPUSET | ALLOC_KSWAPD | ALLOC_NON_BLOCK));
    EXPECT_EQ(gfp_to_alloc_flags(GFP_NOWAIT | __GFP_NOMEMALLOC, 0), unsigned(ALLOC_CPUSET | ALLOC_KSWAPD));
    EXPECT_EQ(gfp_to_alloc_flags(GFP_TRANSHUGE_LIGHT, 9), unsigned(ALLOC_CPUSET));
}

TEST_F(SlowpathTest, GfpZoneAndMigratetype)
{
    EXPECT_EQ(gfp_zone(GFP_KERNEL), MM_ZONE_NORMAL);
    EXPECT_EQ(gfp_zone(GFP_KERNEL | __GFP_DMA), MM_ZONE_DMA);
    EXPECT_EQ(gfp_zone(GFP_KERNEL | __GFP_DMA32), MM_ZONE_DMA32);
    EXPECT_EQ(gfp_zone(GFP_HIGHUSER), MM_ZONE_NORMAL);
    EXPECT_EQ(gfp_zone(GFP_HIGHUSER_MOVABLE), MM_ZONE_MOVABLE);
    EXPECT_EQ(gfp_zone(__GFP_MOVABLE), MM_ZONE_NORMAL);
    EXPECT_EQ(gfp_zone(__GFP_DMA | __GFP_DMA32), -1);
    EXPECT_EQ(gfp_migratetype(GFP_KERNEL), MM_MIGRATE_UNMOVABLE);
    EXPECT_EQ(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MM_MIGRATE_MOVABLE);
    EXPECT_EQ(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MM_MIGRATE_RECLAIMABLE);
    // kernel bit values (include/linux/gfp_types.h)
    EXPECT_EQ(GFP_KERNEL, 0xcc0u);
    EXPECT_EQ(GFP_ATOMIC, 0x820u);
    EXPECT_EQ(GFP_HIGHUSER_MOVABLE, 0x100ccau);
    EXPECT_EQ(GFP_NOWAIT, 0x2800u);
    EXPECT_EQ(__GFP_NOFAIL, 0x8000u);
}

TEST_F(SlowpathTest, FastPathStopsAtLowSlowPathAtMin)
{
    // fast path: LOW (80) with no reduction -> free falls to 80 without the
    // slow path; then the slow path at MIN (64) takes 16 more.
    mm_alloc_result r;
    for (unsigned i = 0; i < 1024 - 80; i++) {
        mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL, &r);
        ASSERT_EQ(r.status, MM_ALLOC_OK);
        ASSERT_FALSE(r.slowpath) << i;
    }
    EXPECT_EQ(nr_free(), 80u);
    EXPECT_TRUE(rec.events.empty());
    EXPECT_EQ(fill(GFP_KERNEL), 16u);
    EXPECT_EQ(nr_free(), 64u);
}

TEST_F(SlowpathTest, AtomicReservesGoBelowMin)
{
    fill(GFP_KERNEL);
    ASSERT_EQ(nr_free(), 64u);
    // GFP_ATOMIC: min 64 - 32 = 32, - 32/4 = 24: free may fall to 24
    EXPECT_EQ(fill(GFP_ATOMIC), 40u);
    EXPECT_EQ(nr_free(), 24u);
    // __GFP_HIGH with direct reclaim: 64 - 32 = 32 is already below -> none
    EXPECT_EQ(fill(GFP_KERNEL | __GFP_HIGH), 0u);
    // an OOM-reserve or PF_MEMALLOC caller ignores the watermarks
    task.flags |= MM_PF_MEMALLOC;
    EXPECT_EQ(fill(GFP_KERNEL), 24u);
    EXPECT_EQ(nr_free(), 0u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST_F(SlowpathTest, NothingReclaimableGoesStraightToOom)
{
    // should_reclaim_retry: reclaimable 0 + free 64 does not pass min 64 -> no retry
    fill(GFP_KERNEL);
    n->kswapd_sleeping = true; // no kswapd thread here: it went back to sleep (reclaim branch)
    rec.events.clear();
    uint64_t fails = mm_event_count(n.get(), ALLOCFAIL);
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_TRUE(r.slowpath);
    ASSERT_GE(rec.first(MM_EV_SLOWPATH_ENTER), 0);
    EXPECT_LT(rec.first(MM_EV_SLOWPATH_ENTER), rec.first(MM_EV_KSWAPD_WAKE));
    EXPECT_LT(rec.first(MM_EV_KSWAPD_WAKE), rec.first(MM_EV_SLOWPATH_MIN_RETRY));
    EXPECT_LT(rec.first(MM_EV_SLOWPATH_MIN_RETRY), rec.first(MM_EV_DIRECT_RECLAIM_BEGIN));
    EXPECT_GE(rec.kswapd_wakes, 1);
    EXPECT_EQ(r.reclaim_rounds, 1u);
    EXPECT_EQ(rec.count(MM_EV_RECLAIM_RETRY), 0u);
    EXPECT_TRUE(r.oom_invoked);
    EXPECT_EQ(rec.events.back(), MM_EV_ALLOC_FAIL);
    EXPECT_EQ(mm_event_count(n.get(), ALLOCFAIL), fails + 1);
}

// Pages that count as reclaimable (zone_reclaimable_pages reads the zone's
// file LRU counters) but that reclaim cannot free: no progress, ever.
struct StuckReclaimTest : SlowpathTest {
    void SetUp() override
    {
        SlowpathTest::SetUp();
        fill(GFP_KERNEL);
        n->zones[MM_ZONE_NORMAL].vm_stat[NR_ZONE_INACTIVE_FILE] = 1000;
        n->kswapd_sleeping = true; // no kswapd thread here: it went back to sleep (reclaim branch)
        rec.events.clear();
    }
    void TearDown() override { n->zones[MM_ZONE_NORMAL].vm_stat[NR_ZONE_INACTIVE_FILE] = 0; }
};

TEST_F(StuckReclaimTest, OomOnlyAfterMaxReclaimRetriesWithoutProgress)
{
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    // no_progress_loops 1..16 retry; the 17th round stops, then OOM
    EXPECT_EQ(r.reclaim_rounds, unsigned(MM_MAX_RECLAIM_RETRIES + 1));
    EXPECT_EQ(rec.count(MM_EV_DIRECT_RECLAIM_BEGIN), size_t(MM_MAX_RECLAIM_RETRIES + 1));
    EXPECT_EQ(rec.count(MM_EV_RECLAIM_RETRY), size_t(MM_MAX_RECLAIM_RETRIES));
    EXPECT_TRUE(r.oom_invoked);
    // each retry round wakes kswapd before reclaiming again
    EXPECT_GE(rec.count(MM_EV_KSWAPD_WAKE), 1u);
    EXPECT_LT(rec.first(MM_EV_KSWAPD_WAKE), rec.first(MM_EV_DIRECT_RECLAIM_BEGIN));
}

TEST_F(StuckReclaimTest, NoretryIsOneRoundWithoutOom)
{
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL | __GFP_NORETRY, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(r.reclaim_rounds, 1u);
    EXPECT_FALSE(r.oom_invoked);
}

TEST_F(StuckReclaimTest, RetryMayfailRetriesButNeverOoms)
{
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL | __GFP_RETRY_MAYFAIL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(r.reclaim_rounds, unsigned(MM_MAX_RECLAIM_RETRIES + 1));
    EXPECT_FALSE(r.oom_invoked);
}

TEST_F(StuckReclaimTest, CostlyOrderGivesUpAfterOneRoundWithoutOom)
{
    // order 4 > PAGE_ALLOC_COSTLY_ORDER
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 4, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(r.reclaim_rounds, 1u);
    EXPECT_FALSE(r.oom_invoked);
}

TEST_F(StuckReclaimTest, CostlyRetryMayfailRetriesWithoutOom)
{
    // The 64 free pages left by fill() are pfns 960..1023, one order-6 block,
    // so free + reclaimable passes __zone_watermark_ok for order 4: retries
    // until no_progress_loops > 16 (costly orders always count), never OOM.
    ASSERT_EQ(n->zones[MM_ZONE_NORMAL].free_area[6].nr_free, 1u);
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 4, GFP_KERNEL | __GFP_RETRY_MAYFAIL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(r.reclaim_rounds, unsigned(MM_MAX_RECLAIM_RETRIES + 1));
    EXPECT_FALSE(r.oom_invoked);
}

TEST_F(StuckReclaimTest, Order3RetriesThenOoms)
{
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 3, GFP_KERNEL, &r);
    EXPECT_EQ(r.reclaim_rounds, unsigned(MM_MAX_RECLAIM_RETRIES + 1));
    EXPECT_TRUE(r.oom_invoked);
}

TEST_F(SlowpathTest, NoDirectReclaimFailsAfterTheMinAttempt)
{
    fill(GFP_KERNEL);
    rec.events.clear();
    mm_alloc_result r;
    mm_alloc_pages(n.get(), &task, 0, GFP_NOWAIT | __GFP_NOMEMALLOC, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(r.reclaim_rounds, 0u);
    EXPECT_EQ(rec.count(MM_EV_DIRECT_RECLAIM_BEGIN), 0u);
    EXPECT_EQ(rec.count(MM_EV_ALLOC_FAIL), 1u);
}

TEST_F(SlowpathTest, NofailTakesTheLastPagesWithoutWatermarks)
{
    fill(GFP_KERNEL);
    // __alloc_pages_may_oom: out_of_memory() or NOFAIL -> ALLOC_NO_WATERMARKS
    EXPECT_EQ(fill(GFP_KERNEL | __GFP_NOFAIL), 64u);
    EXPECT_EQ(nr_free(), 0u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST_F(SlowpathTest, DmaRequestNeverOoms)
{
    // __alloc_pages_may_oom: highest_zoneidx < ZONE_NORMAL -> no OOM
    mm_config cfg;
    mm_config_default(&cfg, 8192);
    cfg.layout = MM_LAYOUT_X86_64;
    NodePtr x = make_node(cfg);
    mm_alloc_result r;
    for (;;) {
        mm_alloc_pages(x.get(), &task, 0, GFP_KERNEL | __GFP_DMA32, &r);
        if (r.status != MM_ALLOC_OK)
            break;
    }
    EXPECT_EQ(r.reclaim_rounds, 1u);
    EXPECT_FALSE(r.oom_invoked);
    // the same machine, a Normal-class request: the OOM killer is asked
    mm_alloc_pages(x.get(), &task, 0, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_TRUE(r.oom_invoked);
}

} // namespace

// should_compact_retry (!CONFIG_COMPACTION, mmsim has no compaction): free memory above the min
// watermark but only in order-0 pieces is fragmentation, not exhaustion. An order-1 request keeps
// reclaiming instead of calling the OOM killer (here until the slow path's retry cap, since this
// reclaim never progresses); with the order-0 watermark failing it still OOMs (Order3RetriesThenOoms).
TEST_F(SlowpathTest, FragmentationAloneNeverCallsTheOomKiller)
{
    std::vector<uint32_t> pfns;
    mm_alloc_result r;
    task.flags |= MM_PF_MEMALLOC; // take every page, below min too
    for (;;) {
        mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL, &r);
        if (r.status != MM_ALLOC_OK)
            break;
        pfns.push_back(r.pfn);
    }
    task.flags &= ~MM_PF_MEMALLOC;
    // free every other page: order-0 holes whose buddies stay allocated
    std::sort(pfns.begin(), pfns.end());
    for (size_t i = 0; i < pfns.size(); i += 2)
        if ((pfns[i] & 1u) == 0 && i + 1 < pfns.size() && pfns[i + 1] == pfns[i] + 1)
            mm_free_pages(n.get(), pfns[i], 0);
    ASSERT_GT(nr_free(), 96u); // above high: plenty of order-0 pages
    for (unsigned o = 1; o <= MM_MAX_PAGE_ORDER; o++)
        ASSERT_EQ(n->zones[MM_ZONE_NORMAL].free_area[o].nr_free, 0u) << "order " << o;
    n->zones[MM_ZONE_NORMAL].vm_stat[NR_ZONE_INACTIVE_FILE] = 1000; // reclaimable, never freed
    n->kswapd_sleeping = true;
    rec.events.clear();
    mm_alloc_pages(n.get(), &task, 1, GFP_KERNEL, &r);
    n->zones[MM_ZONE_NORMAL].vm_stat[NR_ZONE_INACTIVE_FILE] = 0;
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_FALSE(r.oom_invoked);
    EXPECT_GT(rec.count(MM_EV_RECLAIM_RETRY), size_t(MM_MAX_RECLAIM_RETRIES));
    // order 0 in the same state is served at once
    mm_alloc_pages(n.get(), &task, 0, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_OK);
}
