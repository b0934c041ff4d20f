// The buddy allocator: expand, __free_one_page's merge loop and placement,
// the zonelist walk, the pageblock migratetype fallback and per-frame cost.
#include "core_alloc_helpers.h"

namespace {

constexpr uint64_t kOneBlock = 1024; // 4 MiB: exactly one order-10 block

TEST(CoreBuddy, SixteenHostBytesPerFrame)
{
    EXPECT_EQ(sizeof(struct page), 16u);
    EXPECT_EQ(mm_host_bytes_per_frame(), 16u);
    // 8 GiB: 2097152 frames * 16 = 32 MiB, plus the fixed node structure (< 16 KiB)
    NodePtr n = make_single_node(2097152);
    EXPECT_GE(mm_host_bytes(n.get()), 32ull << 20);
    EXPECT_LT(mm_host_bytes(n.get()), (32ull << 20) + (16u << 10));
}

TEST(CoreBuddy, BootLeavesAlignedMaxOrderBlocksInPfnOrder)
{
    // 4 MiB + 5 pages: one order-10 block, then 5 = order 2 + order 0 at 1024, 1028
    NodePtr n = make_single_node(kOneBlock + 5);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 10), std::vector<uint32_t>({0}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 2), std::vector<uint32_t>({1024}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({1028}));
    EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), kOneBlock + 5);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreBuddy, SplitLeavesOneBlockPerOrderUpperHalves)
{
    NodePtr n = make_single_node(kOneBlock);
    uint32_t pfn = alloc_or_die(n.get(), 0);
    EXPECT_EQ(pfn, 0u); // the caller keeps the lowest part
    // expand: order 9 at 512, order 8 at 256, ..., order 0 at 1
    for (unsigned o = 0; o < 10; o++)
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, o), std::vector<uint32_t>({1u << o})) << o;
    EXPECT_TRUE(free_blocks(n.get(), MM_ZONE_NORMAL, 10).empty());
    EXPECT_EQ(mm_event_count(n.get(), PGSPLIT), 10u);
    EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), kOneBlock - 1);
    EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 1u);
    EXPECT_EQ(mm_event_count(n.get(), PGALLOC_NORMAL), 1u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreBuddy, SplitFromOrder10ForOrder2)
{
    NodePtr n = make_single_node(kOneBlock);
    EXPECT_EQ(alloc_or_die(n.get(), 2), 0u);
    for (unsigned o = 0; o < 2; o++)
        EXPECT_TRUE(free_blocks(n.get(), MM_ZONE_NORMAL, o).empty()) << o;
    for (unsigned o = 2; o < 10; o++)
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, o), std::vector<uint32_t>({1u << o})) << o;
    EXPECT_EQ(mm_event_count(n.get(), PGSPLIT), 8u);
}

TEST(CoreBuddy, KernelReferenceExampleOrder0FromOrder3)
{
    // kernel-reference section 7: order 0 from an order-3 block at P frees
    // P+4 (o2), P+2 (o1), P+1 (o0) and returns P.
    NodePtr n = make_single_node(kOneBlock);
    EXPECT_EQ(alloc_or_die(n.get(), 3), 0u); // leaves 8 (o3), 16 (o4), ...
    EXPECT_EQ(alloc_or_die(n.get(), 3), 8u); // takes the order-3 block at P = 8
    EXPECT_EQ(alloc_or_die(n.get(), 0), 16u); // order 0 from the order-4 block at 16
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 3), std::vector<uint32_t>({24}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 2), std::vector<uint32_t>({20}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 1), std::vector<uint32_t>({18}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({17}));
}

TEST(CoreBuddy, FreeingBuddiesCoalescesToTheOriginalBlock)
{
    NodePtr n = make_single_node(kOneBlock);
    std::vector<std::pair<uint32_t, unsigned>> got;
    for (unsigned o : {0u, 3u, 1u, 0u, 5u, 2u, 9u})
        got.push_back({alloc_or_die(n.get(), o), o});
    EXPECT_EQ(check_msg(n.get()), "");
    // free in a different order than allocated
    for (size_t i : {3u, 0u, 6u, 2u, 5u, 1u, 4u})
        mm_free_pages(n.get(), got[i].first, got[i].second);
    for (unsigned o = 0; o < 10; o++)
        EXPECT_TRUE(free_blocks(n.get(), MM_ZONE_NORMAL, o).empty()) << o;
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 10), std::vector<uint32_t>({0}));
    EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), kOneBlock);
    EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 0u);
    EXPECT_EQ(mm_event_count(n.get(), PGMERGE), mm_event_count(n.get(), PGSPLIT));
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreBuddy, FreePlacementHeadOrTailByBuddyMergeLikely)
{
    NodePtr n = make_single_node(kOneBlock);
    for (uint32_t want = 0; want < 5; want++)
        ASSERT_EQ(alloc_or_die(n.get(), 0), want);
    // now order 0 holds [5], order 1 holds [6]
    ASSERT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({5}));
    // free 3: buddy 2 busy; the order-1 buddy of 2 (pfn 0) is busy -> head
    mm_free_pages(n.get(), 3, 0);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({3, 5}));
    // free 2: merges with 3 into order 1 at 2; 0 busy -> head of order 1
    mm_free_pages(n.get(), 2, 0);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({5}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 1), std::vector<uint32_t>({2, 6}));
    // free 1: buddy 0 busy, but 0's order-1 buddy (2) is free -> tail
    mm_free_pages(n.get(), 1, 0);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), std::vector<uint32_t>({5, 1}));
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreBuddy, UnmovableRequestClaimsAWholeMovablePageblock)
{
    // Boot pageblocks are Movable; GFP_KERNEL (Unmovable) claims the order-10
    // block (two pageblocks) whole: __rmqueue_claim -> try_to_steal_block.
    NodePtr n = make_single_node(2 * kOneBlock);
    alloc_or_die(n.get(), 0, GFP_KERNEL);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 0), MM_MIGRATE_UNMOVABLE);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 512), MM_MIGRATE_UNMOVABLE);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 1024), MM_MIGRATE_MOVABLE);
    EXPECT_EQ(get_pageblock_migratetype(n.get(), 1535), MM_MIGRATE_MOVABLE);
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 9, MM_MIGRATE_UNMOVABLE), std::vector<uint32_t>({512}));
    EXPECT_EQ(free_list(n.get(), MM_ZONE_NORMAL, 10, MM_MIGRATE_MOVABLE), std::vector<uint32_t>({1024}));
    // a movable request stays on the Movable block
    EXPECT_EQ(alloc_or_die(n.get(), 0, GFP_HIGHUSER_MOVABLE), 1024u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreZonelist, FallbackHighToLowWithLowmemReserve)
{
    // 32 MiB x86_64: DMA 4096 pages, DMA32 4096 pages, no Normal.
    mm_config cfg;
    mm_config_default(&cfg, 8192);
    cfg.layout = MM_LAYOUT_X86_64;
    NodePtr n = make_node(cfg);
    EXPECT_EQ(n->zonelist[0], MM_ZONE_DMA32);
    EXPECT_EQ(n->zonelist[1], MM_ZONE_DMA);
    EXPECT_EQ(n->zonelist[2], -1);
    // GFP_KERNEL (highest zone Normal) starts in DMA32
    uint32_t pfn = alloc_or_die(n.get(), 0, GFP_KERNEL);
    EXPECT_GE(pfn, 4096u);
    // GFP_DMA only from DMA
    EXPECT_LT(alloc_or_die(n.get(), 0, GFP_KERNEL | __GFP_DMA), 4096u);
    // fill DMA32 with order-0 GFP_KERNEL until it falls back into DMA, which
    // must keep lowmem_reserve[Normal] = 4096/256 = 16 pages above its mark
    const zone *dma = &n->zones[MM_ZONE_DMA];
    EXPECT_EQ(dma->lowmem_reserve[MM_ZONE_NORMAL], 16u);
    mm_alloc_result r;
    uint64_t in_dma = 0;
    for (;;) {
        mm_alloc_pages(n.get(), nullptr, 0, GFP_NOWAIT, &r);
        if (r.status != MM_ALLOC_OK)
            break;
        if (r.pfn < 4096)
            in_dma++;
    }
    // the fast path stops at low + 16 free in DMA, the slow path (GFP_NOWAIT:
    // ALLOC_NON_BLOCK, no reduction) at min + 16
    EXPECT_GT(in_dma, 0u);
    EXPECT_EQ(dma->nr_free_pages, dma->_watermark[MM_WMARK_MIN] + 16);
    EXPECT_EQ(dma->_watermark[MM_WMARK_MIN], 90u); // 724 kB -> 181 pages, half of them
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreNode, HolesAndReservedPagesStayOutOfTheBuddyLists)
{
    mm_config cfg;
    mm_config_default(&cfg, 2048);
    cfg.zone[MM_ZONE_NORMAL].present = 1800; // pfns 1800..2047: a hole
    cfg.zone[MM_ZONE_NORMAL].managed = 1500; // pfns 1500..1799: reserved
    NodePtr n = make_node(cfg);
    mm_zone_info zi;
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &zi);
    EXPECT_EQ(zi.spanned, 2048u);
    EXPECT_EQ(zi.present, 1800u);
    EXPECT_EQ(zi.managed, 1500u);
    EXPECT_EQ(zi.nr_free, 1500u);
    // 1500 = 1024 + 256 + 128 + 64 + 16 + 8 + 4: boot blocks
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 10), std::vector<uint32_t>({0}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 8), std::vector<uint32_t>({1024}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 2), std::vector<uint32_t>({1496}));
    mm_alloc_result r;
    for (;;) {
        mm_alloc_pages(n.get(), nullptr, 0, GFP_KERNEL | __GFP_NOFAIL, &r);
        if (r.status != MM_ALLOC_OK)
            break;
        ASSERT_LT(r.pfn, 1500u);
    }
    EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), 0u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreCheck, DetectsACorruptedCounterAndList)
{
    NodePtr n = make_single_node(kOneBlock);
    uint32_t pfn = alloc_or_die(n.get(), 0);
    n->zones[MM_ZONE_NORMAL].nr_free_pages++;
    EXPECT_NE(check_msg(n.get()), "");
    n->zones[MM_ZONE_NORMAL].nr_free_pages--;
    EXPECT_EQ(check_msg(n.get()), "");
    n->mem_map[pfn].flags = 0; // the allocation disappears
    EXPECT_NE(check_msg(n.get()), "");
    n->mem_map[pfn].flags = PG_head;
    n->mem_map[1].order = 1; // a free block with the wrong order
    EXPECT_NE(check_msg(n.get()), "");
}

TEST(CoreNode, BadConfigurationIsRefusedWithAMessage)
{
    mm_config cfg;
    char err[256];
    mm_config_default(&cfg, 0);
    EXPECT_EQ(mm_node_create(&cfg, nullptr, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("ram_pages"), std::string::npos) << err;
    mm_config_default(&cfg, 4096);
    cfg.watermark_scale_factor = 3001;
    EXPECT_EQ(mm_node_create(&cfg, nullptr, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("1..3000"), std::string::npos) << err;
    mm_config_default(&cfg, 4096);
    cfg.zone[MM_ZONE_NORMAL].managed = 5000;
    EXPECT_EQ(mm_node_create(&cfg, nullptr, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("Normal"), std::string::npos) << err;
}

TEST(CoreDumps, BuddyinfoLayout)
{
    NodePtr n = make_single_node(kOneBlock);
    alloc_or_die(n.get(), 0);
    char buf[512];
    mm_dump_buddyinfo(n.get(), buf, sizeof buf);
    EXPECT_STREQ(buf, "Node 0, zone   Normal      1      1      1      1      1      1      1      1      1      1      0 \n");
}

TEST(CoreDumps, UnusableIndex)
{
    // after one order-0 allocation from a 1024-page block: free blocks of
    // orders 0..9 (1023 pages). Order 3: suitable = blocks 3..9 in order-3
    // units = 1+2+4+...+64 = 127 -> 1016 pages usable, 7 unusable:
    // 7 * 1000 / 1023 = 6. Order k < 10: (2^k - 1) * 1000 / 1023 (order 6: 63 -> 61).
    // Order 10: nothing suitable -> 1000.
    NodePtr n = make_single_node(kOneBlock);
    alloc_or_die(n.get(), 0);
    EXPECT_EQ(mm_unusable_free_index(n.get(), MM_ZONE_NORMAL, 0), 0u);
    EXPECT_EQ(mm_unusable_free_index(n.get(), MM_ZONE_NORMAL, 3), 6u);
    EXPECT_EQ(mm_unusable_free_index(n.get(), MM_ZONE_NORMAL, 9), 499u); // 511 * 1000 / 1023
    EXPECT_EQ(mm_unusable_free_index(n.get(), MM_ZONE_NORMAL, 10), 1000u);
    char buf[256];
    mm_dump_unusable_index(n.get(), buf, sizeof buf);
    EXPECT_STREQ(buf, "Node 0, zone   Normal 0.000 0.000 0.002 0.006 0.014 0.030 0.061 0.124 0.249 0.499 1.000 \n");
}

TEST(CoreDumps, ZoneinfoAndVmstatLines)
{
    NodePtr n = make_single_node(kOneBlock);
    std::vector<char> buf(mm_dump_zoneinfo(n.get(), nullptr, 0) + 1);
    mm_dump_zoneinfo(n.get(), buf.data(), buf.size());
    std::string z(buf.data());
    // 4 MiB: min_free_kbytes sqrt(65536) = 256 -> min 64, gap max(16, 1) = 16
    EXPECT_NE(z.find("Node 0, zone   Normal\n  per-node stats\n      nr_inactive_anon 0"), std::string::npos) << z;
    EXPECT_NE(z.find("\n  pages free     1024\n        boost    0\n        min      64\n        low      80\n"
                     "        high     96\n        promo    112\n        spanned  1024\n        present  1024\n"
                     "        managed  1024\n        cma      0\n        protection: (0, 0, 0, 0, 0)\n"
                     "      nr_free_pages 1024\n"),
              std::string::npos)
        << z;
    EXPECT_NE(z.find("Node 0, zone      DMA\n  pages free     0\n"), std::string::npos) << z;
    EXPECT_NE(z.find("\n  node_unreclaimable:  0\n  start_pfn:           0\n"), std::string::npos) << z;
    buf.resize(mm_dump_vmstat(n.get(), nullptr, 0) + 1);
    mm_dump_vmstat(n.get(), buf.data(), buf.size());
    std::string v(buf.data());
    EXPECT_EQ(v.rfind("nr_free_pages 1024\n", 0), 0u) << v;
    EXPECT_LT(v.find("\npgalloc_normal 0\n"), v.find("\npgfree 0\n"));
    EXPECT_LT(v.find("\npgscan_direct 0\n"), v.find("\noom_kill 0\n"));
    buf.resize(mm_dump_meminfo(n.get(), nullptr, 0) + 1);
    mm_dump_meminfo(n.get(), buf.data(), buf.size());
    EXPECT_EQ(std::string(buf.data()).rfind("MemTotal:           4096 kB\nMemFree:            4096 kB\n", 0), 0u)
        << buf.data();
}

} // namespace
