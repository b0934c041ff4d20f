// Pageblock migratetypes: __rmqueue_claim / try_to_steal_block converting a
// pageblock, and __rmqueue_steal taking a block without converting it
// (mm/page_alloc.c, 6.12.117). Expected lists worked out by hand.
#include "core_alloc_helpers.h"

namespace {

using V = std::vector<uint32_t>;
constexpr unsigned kNoWmark = ALLOC_NO_WATERMARKS; // no NOFRAGMENT: claim and steal allowed

// 4 MiB = two pageblocks (0..511, 512..1023), every page allocated as movable order 0.
NodePtr full_movable_node()
{
    NodePtr n = make_single_node(1024);
    for (uint32_t want = 0; want < 1024; want++)
        EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_HIGHUSER_MOVABLE, kNoWmark), want);
    EXPECT_EQ(n->zones[MM_ZONE_NORMAL].nr_free_pages, 0u);
    return n;
}

TEST(CoreMigratetype, UnmovableClaimsAMostlyFreeMovablePageblock)
{
    NodePtr n = full_movable_node();
    for (uint32_t p = 0; p < 300; p++)
        free_pages_to_buddy(n.get(), p, 0);
    // 300 free pages merge into 0 (o8), 256 (o5), 288 (o3), 296 (o2), all Movable
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 8, MM_MIGRATE_MOVABLE), V({0}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 2, MM_MIGRATE_MOVABLE), V({296}));
    // Unmovable order 0: claim from the highest order (8); try_to_steal_block:
    // free 300 + alike (512 - 300 free - 0 PG_lru) = 512 >= 256 -> the pageblock
    // becomes Unmovable with all its free blocks, then __rmqueue_smallest splits
    // the order-2 block at 296: 298 (o1), 297 (o0), returns 296.
    EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_KERNEL, kNoWmark), 296u);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 0), MM_MIGRATE_UNMOVABLE);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 512), MM_MIGRATE_MOVABLE);
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 8, MM_MIGRATE_UNMOVABLE), V({0}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 5, MM_MIGRATE_UNMOVABLE), V({256}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 3, MM_MIGRATE_UNMOVABLE), V({288}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 1, MM_MIGRATE_UNMOVABLE), V({298}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 0, MM_MIGRATE_UNMOVABLE), V({297}));
    for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++)
        EXPECT_TRUE(free_list(n.get(), MM_ZONE_NORMAL, o, MM_MIGRATE_MOVABLE).empty()) << o;
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreMigratetype, MovableStealsASmallBlockWithoutConverting)
{
    NodePtr n = full_movable_node();
    for (uint32_t p = 0; p < 16; p++)
        free_pages_to_buddy(n.get(), p, 0);
    // Unmovable claims pageblock 0 (16 free + 496 alike >= 256) and splits 0 (o4)
    EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_KERNEL, kNoWmark), 0u);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 0), MM_MIGRATE_UNMOVABLE);
    // Movable order 0, no Movable free block: __rmqueue_claim finds the
    // Unmovable order-3 block at 8 first, can_steal_fallback(3, Movable) is
    // false -> stop; __rmqueue_steal takes the smallest: order 0 at 1.
    EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_HIGHUSER_MOVABLE, kNoWmark), 1u);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 0), MM_MIGRATE_UNMOVABLE); // not converted
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 1, MM_MIGRATE_UNMOVABLE), V({2}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 2, MM_MIGRATE_UNMOVABLE), V({4}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 3, MM_MIGRATE_UNMOVABLE), V({8}));
    // the next Movable order-0 request steals from order 1: 2 taken, 3 (o0) stays Unmovable
    EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_HIGHUSER_MOVABLE, kNoWmark), 2u);
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 0, MM_MIGRATE_UNMOVABLE), V({3}));
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreMigratetype, NofragmentFirstRefusesToStealThenFallsBack)
{
    // get_page_from_freelist: with ALLOC_NOFRAGMENT __rmqueue_claim only looks
    // at orders >= pageblock_order and __rmqueue_steal is skipped; nothing
    // found -> a second pass without ALLOC_NOFRAGMENT steals as above.
    NodePtr n = full_movable_node();
    for (uint32_t p = 0; p < 16; p++)
        free_pages_to_buddy(n.get(), p, 0);
    EXPECT_EQ(alloc_pages_noreclaim(n.get(), 0, GFP_KERNEL, kNoWmark | ALLOC_NOFRAGMENT), 0u);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 0), MM_MIGRATE_UNMOVABLE);
}

TEST(CoreMigratetype, MergingFreeBlocksAcrossPageblocksTakesTheFreedType)
{
    // __free_one_page at order >= pageblock_order: the buddy pageblock takes
    // the freed page's migratetype (change_pageblock_range).
    NodePtr n = make_single_node(1024);
    uint32_t a = alloc_pages_noreclaim(n.get(), 9, GFP_KERNEL, kNoWmark); // claims both pageblocks
    EXPECT_EQ(a, 0u);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 512), MM_MIGRATE_UNMOVABLE);
    set_pageblock_migratetype(n.get(), 0, MM_MIGRATE_RECLAIMABLE);
    free_pages_to_buddy(n.get(), 0, 9);
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 10, MM_MIGRATE_RECLAIMABLE), V({0}));
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 512), MM_MIGRATE_RECLAIMABLE);
    EXPECT_EQ(check_msg(n.get()), "");
}

} // namespace
