// Watermarks, min_free_kbytes and lowmem_reserve against values computed by
// hand from the 6.12 formulas (mm/page_alloc.c, lib/math/int_sqrt.c,
// mm/khugepaged.c). The expected numbers are literals, worked out in the
// comments, never taken from the code under test.
#include "core_alloc_helpers.h"

namespace {

constexpr uint64_t GiB_pages(uint64_t g) { return g << 18; }

TEST(CoreMinFreeKbytes, KernelTableValues)
{
    // int_sqrt(lowmem_kbytes * 16), clamped to 128..262144
    EXPECT_EQ(mm_calculate_min_free_kbytes(512ull << 10), 2896);   // sqrt(8388608) = 2896.3
    EXPECT_EQ(mm_calculate_min_free_kbytes(1ull << 20), 4096);     // sqrt(16777216)
    EXPECT_EQ(mm_calculate_min_free_kbytes(2ull << 20), 5792);     // sqrt(33554432) = 5792.6
    EXPECT_EQ(mm_calculate_min_free_kbytes(4ull << 20), 8192);     // sqrt(67108864)
    EXPECT_EQ(mm_calculate_min_free_kbytes(8ull << 20), 11585);    // sqrt(134217728) = 11585.2
    EXPECT_EQ(mm_calculate_min_free_kbytes(16ull << 20), 16384);   // sqrt(268435456)
    EXPECT_EQ(mm_calculate_min_free_kbytes(64ull << 20), 32768);   // sqrt(1073741824)
    EXPECT_EQ(mm_calculate_min_free_kbytes(1ull << 30), 131072);   // 1 TiB: sqrt(17179869184)
    // the source comment's table: 16MB -> 512k, 64MB -> 1024k, 256MB -> 2048k
    EXPECT_EQ(mm_calculate_min_free_kbytes(16ull << 10), 512);
    EXPECT_EQ(mm_calculate_min_free_kbytes(64ull << 10), 1024);
    EXPECT_EQ(mm_calculate_min_free_kbytes(256ull << 10), 2048);
    // clamps: 1000 kB -> sqrt(16000) = 126 -> 128; 16 TiB -> 524288 -> 262144
    EXPECT_EQ(mm_calculate_min_free_kbytes(1000), 128);
    EXPECT_EQ(mm_calculate_min_free_kbytes(16ull << 30), 262144);
}

TEST(CoreMinFreeKbytes, IntSqrtIsFloor)
{
    EXPECT_EQ(mm_int_sqrt(0), 0u);
    EXPECT_EQ(mm_int_sqrt(1), 1u);
    EXPECT_EQ(mm_int_sqrt(3), 1u);
    EXPECT_EQ(mm_int_sqrt(4), 2u);
    EXPECT_EQ(mm_int_sqrt(99), 9u);
    EXPECT_EQ(mm_int_sqrt(100), 10u);
    EXPECT_EQ(mm_int_sqrt(4294967295ull), 65535u);
    EXPECT_EQ(mm_int_sqrt(18446744073709551615ull), 4294967295u);
}

TEST(CoreMinFreeKbytes, NodeUsesManagedLowmem)
{
    // 512 MiB and 2 GiB single-zone nodes: lowmem = all managed pages
    EXPECT_EQ(mm_min_free_kbytes(make_single_node(GiB_pages(1) / 2).get()), 2896);
    EXPECT_EQ(mm_min_free_kbytes(make_single_node(GiB_pages(2)).get()), 5792);
    EXPECT_EQ(mm_min_free_kbytes(make_single_node(GiB_pages(16)).get()), 16384);
    // reserved pages are not lowmem: 1 GiB with 262144 - 6144 managed pages
    // -> 1024000 kB -> sqrt(16384000) = 4047.7 -> 4047
    mm_config cfg;
    mm_config_default(&cfg, GiB_pages(1));
    cfg.zone[MM_ZONE_NORMAL].managed = GiB_pages(1) - 6144;
    EXPECT_EQ(mm_min_free_kbytes(make_node(cfg).get()), 4047);
}

TEST(CoreWatermarks, SingleZone8GiB)
{
    NodePtr n = make_single_node(GiB_pages(8));
    mm_zone_info zi;
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &zi);
    // min_free_kbytes 11585 -> pages_min 2896; one lowmem zone -> min 2896;
    // gap = max(2896 >> 2 = 724, 2097152 * 10 / 10000 = 2097) = 2097
    EXPECT_EQ(mm_min_free_kbytes(n.get()), 11585);
    EXPECT_EQ(zi.managed, 2097152u);
    EXPECT_EQ(zi.wmark[MM_WMARK_MIN], 2896u);
    EXPECT_EQ(zi.wmark[MM_WMARK_LOW], 4993u);
    EXPECT_EQ(zi.wmark[MM_WMARK_HIGH], 7090u);
    EXPECT_EQ(zi.wmark[MM_WMARK_PROMO], 9187u);
    for (int j = 0; j < MM_MAX_NR_ZONES; j++)
        EXPECT_EQ(zi.lowmem_reserve[j], 0u);
}

TEST(CoreWatermarks, RecomputedOnSysctlWrites)
{
    NodePtr n = make_single_node(GiB_pages(8));
    mm_zone_info zi;
    // watermark_scale_factor 200: gap = 2097152 * 200 / 10000 = 41943
    ASSERT_EQ(mm_set_watermark_scale_factor(n.get(), 200), 0);
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &zi);
    EXPECT_EQ(zi.wmark[MM_WMARK_MIN], 2896u);
    EXPECT_EQ(zi.wmark[MM_WMARK_LOW], 44839u);
    EXPECT_EQ(zi.wmark[MM_WMARK_HIGH], 86782u);
    EXPECT_EQ(zi.wmark[MM_WMARK_PROMO], 128725u);
    // back to 10 and min_free_kbytes 65536: pages_min 16384, gap max(4096, 2097)
    ASSERT_EQ(mm_set_watermark_scale_factor(n.get(), 10), 0);
    ASSERT_EQ(mm_set_min_free_kbytes(n.get(), 65536), 0);
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &zi);
    EXPECT_EQ(mm_min_free_kbytes(n.get()), 65536);
    EXPECT_EQ(zi.wmark[MM_WMARK_MIN], 16384u);
    EXPECT_EQ(zi.wmark[MM_WMARK_LOW], 20480u);
    EXPECT_EQ(zi.wmark[MM_WMARK_HIGH], 24576u);
    // out of range writes are refused and change nothing
    EXPECT_EQ(mm_set_watermark_scale_factor(n.get(), 0), -1);
    EXPECT_EQ(mm_set_watermark_scale_factor(n.get(), 3001), -1);
    EXPECT_EQ(mm_set_min_free_kbytes(n.get(), -1), -1);
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &zi);
    EXPECT_EQ(zi.wmark[MM_WMARK_LOW], 20480u);
}

TEST(CoreWatermarks, X86_64Layout8GiB)
{
    mm_config cfg;
    mm_config_default(&cfg, GiB_pages(8));
    cfg.layout = MM_LAYOUT_X86_64;
    NodePtr n = make_node(cfg);
    mm_zone_info dma, dma32, normal, movable;
    mm_zone_get_info(n.get(), MM_ZONE_DMA, &dma);
    mm_zone_get_info(n.get(), MM_ZONE_DMA32, &dma32);
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &normal);
    mm_zone_get_info(n.get(), MM_ZONE_MOVABLE, &movable);
    // DMA below 16 MiB = 4096 pages, DMA32 up to 4 GiB = 1044480, Normal 1048576
    EXPECT_EQ(dma.spanned, 4096u);
    EXPECT_EQ(dma32.spanned, 1044480u);
    EXPECT_EQ(normal.spanned, 1048576u);
    EXPECT_EQ(dma32.start_pfn, 4096u);
    EXPECT_EQ(normal.start_pfn, 1048576u);
    EXPECT_FALSE(movable.populated);
    EXPECT_EQ(mm_min_free_kbytes(n.get()), 11585); // lowmem 8388608 kB
    // pages_min 2896 shared by managed share, floor:
    // DMA   2896*4096/2097152    = 5     gap max(1, 4)       = 4
    // DMA32 2896*1044480/2097152 = 1442  gap max(360, 1044)  = 1044
    // Normal 2896*1048576/2097152 = 1448 gap max(362, 1048)  = 1048
    EXPECT_EQ(dma.wmark[MM_WMARK_MIN], 5u);
    EXPECT_EQ(dma.wmark[MM_WMARK_LOW], 9u);
    EXPECT_EQ(dma.wmark[MM_WMARK_HIGH], 13u);
    EXPECT_EQ(dma32.wmark[MM_WMARK_MIN], 1442u);
    EXPECT_EQ(dma32.wmark[MM_WMARK_LOW], 2486u);
    EXPECT_EQ(dma32.wmark[MM_WMARK_HIGH], 3530u);
    EXPECT_EQ(normal.wmark[MM_WMARK_MIN], 1448u);
    EXPECT_EQ(normal.wmark[MM_WMARK_LOW], 2496u);
    EXPECT_EQ(normal.wmark[MM_WMARK_HIGH], 3544u);
    // Movable (empty): clamp(0 / 1024, 32, 128) = 32, gap 0
    EXPECT_EQ(movable.wmark[MM_WMARK_MIN], 32u);
    EXPECT_EQ(movable.wmark[MM_WMARK_HIGH], 32u);
    // protection: DMA[DMA32] = 1044480/256 = 4080, DMA[Normal..] = 2093056/256 = 8176,
    // DMA32[Normal..] = 1048576/256 = 4096, Normal[Movable] = 0/32 = 0
    const uint64_t p_dma[] = {0, 4080, 8176, 8176, 8176};
    const uint64_t p_dma32[] = {0, 0, 4096, 4096, 4096};
    for (int j = 0; j < MM_MAX_NR_ZONES; j++) {
        EXPECT_EQ(dma.lowmem_reserve[j], p_dma[j]) << j;
        EXPECT_EQ(dma32.lowmem_reserve[j], p_dma32[j]) << j;
        EXPECT_EQ(normal.lowmem_reserve[j], 0u) << j;
    }
}

TEST(CoreWatermarks, X86_64WithManagedPagesFromARealZoneinfo)
{
    mm_config cfg;
    mm_config_default(&cfg, GiB_pages(8));
    cfg.layout = MM_LAYOUT_X86_64;
    cfg.zone[MM_ZONE_DMA].managed = 3840;
    cfg.zone[MM_ZONE_DMA32].managed = 1000000;
    cfg.zone[MM_ZONE_NORMAL].managed = 1040000;
    NodePtr n = make_node(cfg);
    // lowmem = 2043840 pages = 8175360 kB; sqrt(130805760) = 11437 (11437^2 = 130804969)
    EXPECT_EQ(mm_min_free_kbytes(n.get()), 11437);
    mm_zone_info dma, dma32, normal;
    mm_zone_get_info(n.get(), MM_ZONE_DMA, &dma);
    mm_zone_get_info(n.get(), MM_ZONE_DMA32, &dma32);
    mm_zone_get_info(n.get(), MM_ZONE_NORMAL, &normal);
    // pages_min 2859: DMA 2859*3840/2043840 = 5, gap max(1, 3) = 3
    EXPECT_EQ(dma.wmark[MM_WMARK_MIN], 5u);
    EXPECT_EQ(dma.wmark[MM_WMARK_LOW], 8u);
    EXPECT_EQ(dma.wmark[MM_WMARK_HIGH], 11u);
    // DMA32 2859*1000000/2043840 = 1398, gap max(349, 1000) = 1000
    EXPECT_EQ(dma32.wmark[MM_WMARK_MIN], 1398u);
    EXPECT_EQ(dma32.wmark[MM_WMARK_LOW], 2398u);
    EXPECT_EQ(dma32.wmark[MM_WMARK_HIGH], 3398u);
    // Normal 2859*1040000/2043840 = 1454, gap max(363, 1040) = 1040
    EXPECT_EQ(normal.wmark[MM_WMARK_MIN], 1454u);
    EXPECT_EQ(normal.wmark[MM_WMARK_LOW], 2494u);
    EXPECT_EQ(normal.wmark[MM_WMARK_HIGH], 3534u);
    // protection: 1000000/256 = 3906, 2040000/256 = 7968, 1040000/256 = 4062
    EXPECT_EQ(dma.lowmem_reserve[MM_ZONE_DMA32], 3906u);
    EXPECT_EQ(dma.lowmem_reserve[MM_ZONE_NORMAL], 7968u);
    EXPECT_EQ(dma32.lowmem_reserve[MM_ZONE_NORMAL], 4062u);
    // the reserved pages are not free
    EXPECT_EQ(dma.nr_free, 3840u);
    EXPECT_EQ(mm_total_pages(n.get()), 2043840u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreWatermarks, ThpRecommendedMinFreeKbytes)
{
    mm_config cfg;
    mm_config_default(&cfg, GiB_pages(8));
    cfg.layout = MM_LAYOUT_X86_64;
    cfg.thp_min_free = true;
    // 3 zones: 512*3*2 + 512*3*9 = 16896 pages = 67584 kB (< 5 % cap)
    EXPECT_EQ(mm_min_free_kbytes(make_node(cfg).get()), 67584);
    // 2 GiB: DMA + DMA32 only: 512*2*11 = 11264 pages = 45056 kB
    mm_config_default(&cfg, GiB_pages(2));
    cfg.layout = MM_LAYOUT_X86_64;
    cfg.thp_min_free = true;
    EXPECT_EQ(mm_min_free_kbytes(make_node(cfg).get()), 45056);
    // 1 GiB single zone: 512*1*11 = 5632 pages, cap (262144 - high) / 20:
    // sqrt step: 4096 kB -> min 1024, gap max(256, 262) = 262, high 1548;
    // (262144 - 1548) / 20 = 13029 > 5632 -> 5632 pages = 22528 kB
    mm_config_default(&cfg, GiB_pages(1));
    cfg.thp_min_free = true;
    EXPECT_EQ(mm_min_free_kbytes(make_node(cfg).get()), 22528);
    // below 512 MiB THP is disabled: the square root stays (256 MiB -> 2048)
    mm_config_default(&cfg, GiB_pages(1) / 4);
    cfg.thp_min_free = true;
    EXPECT_EQ(mm_min_free_kbytes(make_node(cfg).get()), 2048);
}

TEST(CoreWatermarkOk, ReservesReduceTheMark)
{
    NodePtr n = make_single_node(GiB_pages(1));
    const zone *z = &n->zones[MM_ZONE_NORMAL];
    const int hz = MM_ZONE_NORMAL;
    // mark 1000; free must exceed the reduced mark
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, 0, 1000));
    EXPECT_TRUE(__zone_watermark_ok(z, 0, 1000, hz, 0, 1001));
    // __GFP_HIGH: 1000 - 500 = 500
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_MIN_RESERVE, 500));
    EXPECT_TRUE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_MIN_RESERVE, 501));
    // GFP_ATOMIC: 500 - 125 = 375
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 375));
    EXPECT_TRUE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 376));
    // NON_BLOCK alone: no reduction
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_NON_BLOCK, 1000));
    // OOM: 1000 - 500 = 500; MIN_RESERVE + OOM: 500 - 250 = 250
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_OOM, 500));
    EXPECT_TRUE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_OOM, 501));
    EXPECT_FALSE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_OOM | ALLOC_MIN_RESERVE, 250));
    EXPECT_TRUE(__zone_watermark_ok(z, 0, 1000, hz, ALLOC_OOM | ALLOC_MIN_RESERVE, 251));
    // order 2: (1 << 2) - 1 = 3 pages are unusable
    EXPECT_FALSE(__zone_watermark_ok(z, 2, 1000, hz, 0, 1003));
    EXPECT_TRUE(__zone_watermark_ok(z, 2, 1000, hz, 0, 1004));
}

TEST(CoreWatermarkOk, LowmemReserveOfTheRequestClass)
{
    mm_config cfg;
    mm_config_default(&cfg, GiB_pages(8));
    cfg.layout = MM_LAYOUT_X86_64;
    NodePtr n = make_node(cfg);
    const zone *dma32 = &n->zones[MM_ZONE_DMA32];
    // DMA32 for a Normal-class request needs mark + 4096
    EXPECT_FALSE(__zone_watermark_ok(dma32, 0, 1442, MM_ZONE_NORMAL, 0, 1442 + 4096));
    EXPECT_TRUE(__zone_watermark_ok(dma32, 0, 1442, MM_ZONE_NORMAL, 0, 1442 + 4097));
    EXPECT_TRUE(__zone_watermark_ok(dma32, 0, 1442, MM_ZONE_DMA32, 0, 1443));
}

TEST(CoreWatermarkOk, Order3FalseWithoutAnOrder3Block)
{
    // 64 MiB: take every page as order 0, give back every other one:
    // 8192 free pages, none of them with a free buddy.
    NodePtr n = make_single_node(16384);
    std::vector<uint32_t> pfns;
    mm_alloc_result r;
    for (;;) {
        mm_alloc_pages(n.get(), nullptr, 0, GFP_KERNEL | __GFP_NOFAIL, &r);
        if (r.status != MM_ALLOC_OK)
            break;
        pfns.push_back(r.pfn);
    }
    ASSERT_EQ(pfns.size(), 16384u); // NOFAIL reaches ALLOC_NO_WATERMARKS
    for (uint32_t p : pfns)
        if (p % 2 == 0)
            mm_free_pages(n.get(), p, 0);
    const zone *z = &n->zones[MM_ZONE_NORMAL];
    ASSERT_EQ(z->nr_free_pages, 8192u);
    EXPECT_EQ(z->free_area[0].nr_free, 8192u);
    uint64_t min = z->_watermark[MM_WMARK_MIN];
    EXPECT_TRUE(__zone_watermark_ok(z, 0, min, MM_ZONE_NORMAL, 0, (int64_t)z->nr_free_pages));
    EXPECT_FALSE(__zone_watermark_ok(z, 3, min, MM_ZONE_NORMAL, 0, (int64_t)z->nr_free_pages));
    EXPECT_FALSE(zone_watermark_ok(z, 1, min, MM_ZONE_NORMAL, 0));
    // and an order-3 request without direct reclaim fails
    mm_alloc_pages(n.get(), nullptr, 3, GFP_NOWAIT, &r);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    // once pfns 0..7 are free again the order-3 check passes
    for (uint32_t p = 1; p < 8; p += 2)
        mm_free_pages(n.get(), p, 0);
    EXPECT_EQ(z->free_area[3].nr_free, 1u);
    EXPECT_TRUE(__zone_watermark_ok(z, 3, min, MM_ZONE_NORMAL, 0, (int64_t)z->nr_free_pages));
    EXPECT_EQ(check_msg(n.get()), "");
}

} // namespace
