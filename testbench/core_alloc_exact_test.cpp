// alloc_pages_exact: the kernel's make_alloc_exact against Pageman's
// Fit&Free, with the free lists worked out by hand (kernel-reference §13).
#include "core_alloc_helpers.h"

namespace {

NodePtr make_exact_node(mm_exact_policy policy)
{
    mm_config cfg;
    mm_config_default(&cfg, 1024); // one order-10 block at pfn 0
    cfg.exact_policy = policy;
    return make_node(cfg);
}

uint32_t exact(mm_node *n, uint64_t pages)
{
    mm_alloc_result r;
    uint32_t pfn = mm_alloc_pages_exact(n, nullptr, pages * MM_PAGE_SIZE, GFP_KERNEL, &r);
    EXPECT_EQ(r.status, MM_ALLOC_OK);
    return pfn;
}

using V = std::vector<uint32_t>;

TEST(CoreAllocExact, FivePagesBothPoliciesKeep0To4)
{
    // order 3 at 0; kernel frees 5, 6, 7 singly (6+7 merge); Fit&Free frees
    // 6-7 (o1) then 5 (o0): the same lists without pcp.
    for (mm_exact_policy p : {MM_EXACT_KERNEL, MM_EXACT_FIT_AND_FREE}) {
        NodePtr n = make_exact_node(p);
        EXPECT_EQ(exact(n.get(), 5), 0u);
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), V({5})) << p;
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 1), V({6})) << p;
        EXPECT_TRUE(free_blocks(n.get(), MM_ZONE_NORMAL, 2).empty()) << p;
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 3), V({8})) << p;
        EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), 1024u - 5) << p;
        EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 5u) << p;
        for (uint32_t i = 0; i < 5; i++)
            EXPECT_EQ(unsigned(n->mem_map[i].flags), unsigned(PG_head)) << i; // split into order-0 pages
        EXPECT_EQ(check_msg(n.get()), "") << p;
        mm_free_pages_exact(n.get(), 0, 5 * MM_PAGE_SIZE);
        EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 10), V({0})) << p;
        EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 0u) << p;
        EXPECT_EQ(check_msg(n.get()), "") << p;
    }
}

TEST(CoreAllocExact, NinePagesTwiceKernelPutsTheTailAtTheTail)
{
    // order 4 at 0 and at 16. Kernel: pages 9..15 freed singly to the tail:
    // 9 (o0), 10+11 -> 10 (o1), 12+13 -> 12 (o1), 14+15 -> 14 (o1) -> 12 (o2).
    NodePtr n = make_exact_node(MM_EXACT_KERNEL);
    uint64_t merges0 = mm_event_count(n.get(), PGMERGE);
    EXPECT_EQ(exact(n.get(), 9), 0u);
    EXPECT_EQ(mm_event_count(n.get(), PGMERGE) - merges0, 4u);
    EXPECT_EQ(exact(n.get(), 9), 16u);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), V({9, 25}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 1), V({10, 26}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 2), V({12, 28}));
    EXPECT_EQ(mm_event_count(n.get(), PGMERGE) - merges0, 8u);
    EXPECT_EQ(mm_event_count(n.get(), PGFREE), 14u);
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreAllocExact, NinePagesTwiceFitAndFreeFreesLargestBlocks)
{
    // Fit&Free: keep 0-7, free [12,16) o2, [10,12) o1, [9] o0 -- no merging.
    // Placement as __free_pages: [12] head (0's order-3 buddy 8.. busy),
    // [10] tail (its merged block's buddy 12 is free), [9] tail (buddy 10 free).
    NodePtr n = make_exact_node(MM_EXACT_FIT_AND_FREE);
    uint64_t merges0 = mm_event_count(n.get(), PGMERGE);
    EXPECT_EQ(exact(n.get(), 9), 0u);
    EXPECT_EQ(exact(n.get(), 9), 16u);
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 0), V({9, 25}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 1), V({10, 26}));
    EXPECT_EQ(free_blocks(n.get(), MM_ZONE_NORMAL, 2), V({28, 12}));
    EXPECT_EQ(mm_event_count(n.get(), PGMERGE) - merges0, 0u);
    EXPECT_EQ(mm_event_count(n.get(), PGFREE), 14u); // pages: (4 + 2 + 1) * 2
    EXPECT_EQ(check_msg(n.get()), "");
}

TEST(CoreAllocExact, PowerOfTwoAndOversizeRequests)
{
    NodePtr n = make_exact_node(MM_EXACT_FIT_AND_FREE);
    EXPECT_EQ(exact(n.get(), 8), 0u); // nothing to trim
    EXPECT_EQ(mm_event_count(n.get(), PGFREE), 0u);
    mm_alloc_result r;
    EXPECT_EQ(mm_alloc_pages_exact(n.get(), nullptr, 1025ull * MM_PAGE_SIZE, GFP_KERNEL, &r), MM_NIL);
    EXPECT_EQ(r.status, MM_ALLOC_FAILED);
    EXPECT_EQ(mm_alloc_pages_exact(n.get(), nullptr, 0, GFP_KERNEL, &r), MM_NIL);
    // a partial last page counts as a page: 4097 bytes -> 2 pages
    uint32_t pfn = mm_alloc_pages_exact(n.get(), nullptr, MM_PAGE_SIZE + 1, GFP_KERNEL, &r);
    EXPECT_EQ(pfn, 8u);
    EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 10u);
    EXPECT_EQ(check_msg(n.get()), "");
}

} // namespace
