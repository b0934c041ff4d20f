// Randomized allocator run: 10^6 seeded allocations and frees of orders
// 0..10 with mixed GFP flags, mm_check every 10^4 operations and at the end;
// after freeing everything the free areas hold exactly the boot blocks.
#include "core_alloc_helpers.h"

#include <algorithm>
#include <set>

namespace {

// splitmix64 (Steele, Lea, Flood 2014)
struct SplitMix64 {
    uint64_t s;
    uint64_t next()
    {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

using BlockSet = std::vector<std::set<uint32_t>>; // [zone * orders + order] -> head pfns

BlockSet snapshot(const mm_node *n)
{
    BlockSet out(MM_MAX_NR_ZONES * MM_NR_PAGE_ORDERS);
    for (int z = 0; z < MM_MAX_NR_ZONES; z++)
        for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++)
            for (uint32_t p : free_blocks(n, static_cast<mm_zone_type>(z), o))
                out[z * MM_NR_PAGE_ORDERS + o].insert(p);
    return out;
}

void random_run(const mm_config &cfg, uint64_t seed, const std::vector<gfp_t> &gfps)
{
    NodePtr n = make_node(cfg);
    const BlockSet initial = snapshot(n.get());
    const uint64_t free0 = mm_stat(n.get(), NR_FREE_PAGES);
    SplitMix64 rng{seed};
    struct Live {
        uint32_t pfn;
        unsigned order;
    };
    std::vector<Live> live;
    uint64_t ok = 0, failed = 0;
    const unsigned kOps = 1000000, kCheckEvery = 10000;
    for (unsigned op = 1; op <= kOps; op++) {
        bool do_alloc = live.empty() || rng.below(100) < 52;
        if (do_alloc) {
            unsigned order = static_cast<unsigned>(rng.below(MM_NR_PAGE_ORDERS));
            gfp_t gfp = gfps[rng.below(gfps.size())];
            mm_alloc_result r;
            mm_alloc_pages(n.get(), nullptr, order, gfp, &r);
            if (r.status == MM_ALLOC_OK) {
                ASSERT_EQ(r.pfn & ((1u << order) - 1), 0u) << "unaligned block at op " << op;
                live.push_back({r.pfn, order});
                ok++;
            } else {
                failed++;
            }
        } else {
            size_t i = rng.below(live.size());
            mm_free_pages(n.get(), live[i].pfn, live[i].order);
            live[i] = live.back();
            live.pop_back();
        }
        if (op % kCheckEvery == 0)
            ASSERT_EQ(check_msg(n.get()), "") << "after op " << op;
    }
    EXPECT_GT(ok, 100000u);
    EXPECT_GT(failed, 0u); // the run reached the watermarks
    for (const Live &l : live)
        mm_free_pages(n.get(), l.pfn, l.order);
    EXPECT_EQ(check_msg(n.get()), "");
    EXPECT_EQ(mm_stat(n.get(), NR_FREE_PAGES), free0);
    EXPECT_EQ(mm_stat(n.get(), NR_KERNEL_PAGES), 0u);
    // the same blocks at every order (their migratetype lists may differ: pageblocks were claimed)
    EXPECT_TRUE(snapshot(n.get()) == initial) << "free areas differ from boot";
    for (int z = 0; z < MM_MAX_NR_ZONES; z++)
        for (unsigned o = 0; o < MM_NR_PAGE_ORDERS; o++)
            EXPECT_EQ(n->zones[z].free_area[o].nr_free, initial[z * MM_NR_PAGE_ORDERS + o].size());
    // every block created by a split was merged away again
    EXPECT_EQ(mm_event_count(n.get(), PGSPLIT), mm_event_count(n.get(), PGMERGE));
}

TEST(CoreAllocRandom, MillionOpsSingleZone)
{
    mm_config cfg;
    mm_config_default(&cfg, 65536 + 300); // 256 MiB + an unaligned tail
    random_run(cfg, 0x5eed0001,
               {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL | __GFP_RECLAIMABLE,
                GFP_KERNEL | __GFP_NORETRY});
}

TEST(CoreAllocRandom, MillionOpsX86_64Zones)
{
    mm_config cfg;
    mm_config_default(&cfg, 16384); // 64 MiB: DMA 4096 + DMA32 12288 pages
    cfg.layout = MM_LAYOUT_X86_64;
    cfg.zone[MM_ZONE_DMA].managed = 3900; // reserved pages at the top of DMA
    random_run(cfg, 0x5eed0002,
               {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_KERNEL | __GFP_DMA, GFP_NOWAIT | __GFP_DMA32,
                GFP_KERNEL | __GFP_RECLAIMABLE});
}

// The same seed gives byte-identical /proc text.
std::string run_and_dump(uint64_t seed)
{
    mm_config cfg;
    mm_config_default(&cfg, 8192);
    cfg.layout = MM_LAYOUT_X86_64;
    NodePtr n = make_node(cfg);
    SplitMix64 rng{seed};
    std::vector<std::pair<uint32_t, unsigned>> live;
    for (int op = 0; op < 20000; op++) {
        if (live.empty() || rng.below(2)) {
            unsigned order = static_cast<unsigned>(rng.below(6));
            mm_alloc_result r;
            mm_alloc_pages(n.get(), nullptr, order, rng.below(2) ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE, &r);
            if (r.status == MM_ALLOC_OK)
                live.push_back({r.pfn, order});
        } else {
            size_t i = rng.below(live.size());
            mm_free_pages(n.get(), live[i].first, live[i].second);
            live[i] = live.back();
            live.pop_back();
        }
    }
    std::string out;
    for (auto dump : {mm_dump_buddyinfo, mm_dump_zoneinfo, mm_dump_vmstat, mm_dump_meminfo}) {
        std::vector<char> buf(dump(n.get(), nullptr, 0) + 1);
        dump(n.get(), buf.data(), buf.size());
        out += buf.data();
    }
    return out;
}

TEST(CoreAllocRandom, SameSeedSameText)
{
    std::string a = run_and_dump(42), b = run_and_dump(42), c = run_and_dump(43);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c); // the seed matters, so the comparison is not vacuous
}

} // namespace
