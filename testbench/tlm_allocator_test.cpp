// The allocator target against c_core called directly, the swap device's
// stall arithmetic, HDD against NVMe, and content tags across swap.
#include <cmath>
#include <vector>

#include "prng.h"
#include "mmsim/lookup.h"
#include "tlm_harness.h"

using namespace mmsim;
using namespace mmsim_test;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

std::string dump(size_t (*fn)(const mm_node *, char *, size_t), const mm_node *n)
{
    std::string s(fn(n, nullptr, 0) + 1, '\0');
    s.resize(fn(n, s.data(), s.size()));
    return s;
}

// Touch vpns [from, to) one transaction each; record per-transaction swap-outs and time.
struct touch_log {
    uint64_t reclaim_transactions = 0; // transactions that swapped something out
    uint64_t violations = 0;           // elapsed < requests x write latency / queue depth
    sc_time reclaim_time;              // summed elapsed of those transactions
};

void touch_range(script &s, machine &m, uint32_t from, uint32_t to, touch_log &log)
{
    const swap_profile &p = m.swap->profile();
    for (uint32_t v = from; v < to; v++) {
        uint64_t out0 = mm_event_count(m.alloc->node(), PSWPOUT), merged0 = m.swap->merged_writes();
        mm_fault_result r = s.touch(v);
        ASSERT_TRUE(r == MM_FAULT_MINOR || r == MM_FAULT_HIT || r == MM_FAULT_MAJOR || r == MM_FAULT_SWAPCACHE)
            << "vpn " << v << " r " << r;
        uint64_t n = mm_event_count(m.alloc->node(), PSWPOUT) - out0;
        if (n == 0)
            continue;
        log.reclaim_transactions++;
        log.reclaim_time += s.last_elapsed;
        // writes of adjacent slots queued behind each other merge (elevator): one request, one latency
        uint64_t requests = n - (m.swap->merged_writes() - merged0);
        sc_time bound(p.write_ns * (double)requests / p.queue_depth, SC_NS);
        if (s.last_elapsed < bound) {
            log.violations++;
            ADD_FAILURE() << "vpn " << v << ": " << n << " swap-outs stalled " << s.last_elapsed << " < " << bound;
        }
    }
}

} // namespace

// An alloc/free transaction changes c_core exactly as the same direct call does.
TEST(AllocatorTarget, TransactionsChangeCoreExactlyAsDirectCalls)
{
    in_child([] {
        mm_config cfg = small_config(8192, 0);
        machine m("a_", cfg, profile("nvme"));
        mm_host none{};
        char err[128];
        mm_node *direct = mm_node_create(&cfg, &none, err, sizeof err);
        ASSERT_NE(direct, nullptr) << err;
        uint64_t compared = 0;
        script s("s", MM_OWNER_KERNEL_ID, 0, [&](script &sc) {
            mm_task t{MM_OWNER_KERNEL_ID, 0, nullptr};
            prng rng(42);
            struct blk { uint32_t pfn; unsigned order; };
            std::vector<blk> live;
            uint64_t live_pages = 0;
            for (int i = 0; i < 20000; i++) {
                bool do_alloc = live.empty() || (live_pages < 3000 && rng.below(100) < 55);
                if (do_alloc) {
                    unsigned order = (unsigned)rng.below(4);
                    gfp_t gfp = rng.below(4) == 0 ? GFP_ATOMIC : GFP_KERNEL;
                    mm_alloc_result via_tlm = sc.alloc(order, gfp);
                    mm_alloc_result via_call{};
                    mm_alloc_pages(direct, &t, order, gfp, &via_call);
                    ASSERT_EQ(via_tlm.status, via_call.status) << "op " << i;
                    ASSERT_EQ(via_tlm.pfn, via_call.pfn) << "op " << i;
                    if (via_tlm.status == MM_ALLOC_OK) {
                        live.push_back({via_tlm.pfn, order});
                        live_pages += 1u << order;
                    }
                } else {
                    size_t k = rng.below(live.size());
                    sc.free(live[k].pfn, live[k].order);
                    mm_free_pages(direct, live[k].pfn, live[k].order);
                    live_pages -= 1u << live[k].order;
                    live[k] = live.back();
                    live.pop_back();
                }
                compared++;
            }
        });
        s.socket.bind(m.bus->targ_socket);
        sc_core::sc_start();
        EXPECT_EQ(compared, 20000u);
        EXPECT_EQ(dump(mm_dump_buddyinfo, m.alloc->node()), dump(mm_dump_buddyinfo, direct));
        EXPECT_EQ(dump(mm_dump_zoneinfo, m.alloc->node()), dump(mm_dump_zoneinfo, direct));
        EXPECT_EQ(dump(mm_dump_vmstat, m.alloc->node()), dump(mm_dump_vmstat, direct));
        char msg[256];
        EXPECT_EQ(mm_check(m.alloc->node(), msg, sizeof msg), 0) << msg;
        EXPECT_GT(m.alloc->transactions(), 19999u);
        mm_node_destroy(direct);
    });
}

// Every direct reclaim that swaps out N pages in R device requests (adjacent writes merge) stalls its
// caller >= R x write latency / queue depth.
TEST(AllocatorTarget, DirectReclaimStallCoversItsSwapWrites)
{
    for (const char *dev : {"hdd", "sata_ssd", "nvme"}) {
        SCOPED_TRACE(dev);
        in_child([dev] {
            machine m("m_", small_config(4096, 8192), profile(dev));
            uint32_t owner = m.new_process("p");
            touch_log log;
            script s("s", owner, 0, [&](script &sc) { touch_range(sc, m, 0, 6000, log); });
            s.socket.bind(m.bus->targ_socket);
            sc_core::sc_start();
            EXPECT_GT(log.reclaim_transactions, 10u) << "no direct reclaim swapped anything out";
            EXPECT_EQ(log.violations, 0u);
            EXPECT_GT(mm_event_count(m.alloc->node(), PSWPOUT), 1000u);
        });
    }
}

// The same workload stalls longer on the HDD profile than on NVMe.
TEST(AllocatorTarget, HddStallsLongerThanNvme)
{
    in_child([] {
        machine hdd("hdd_", small_config(4096, 8192), profile("hdd"));
        machine nvme("nvme_", small_config(4096, 8192), profile("nvme"));
        touch_log lh, ln;
        sc_time end_h, end_n;
        script sh("sh", hdd.new_process("p"), 0, [&](script &sc) {
            touch_range(sc, hdd, 0, 6000, lh);
            end_h = sc.now();
        });
        script sn("sn", nvme.new_process("p"), 0, [&](script &sc) {
            touch_range(sc, nvme, 0, 6000, ln);
            end_n = sc.now();
        });
        sh.socket.bind(hdd.bus->targ_socket);
        sn.socket.bind(nvme.bus->targ_socket);
        sc_core::sc_start();
        ASSERT_GT(lh.reclaim_transactions, 0u);
        ASSERT_GT(ln.reclaim_transactions, 0u);
        EXPECT_EQ(mm_event_count(hdd.alloc->node(), PSWPOUT), mm_event_count(nvme.alloc->node(), PSWPOUT));
        EXPECT_GT(lh.reclaim_time, ln.reclaim_time * 10.0);
        EXPECT_GT(end_h, end_n);
    });
}

// Every page's content tag survives swap-out and swap-in.
TEST(AllocatorTarget, ContentTagsSurviveSwap)
{
    for (const char *dev : {"nvme", "zram"}) {
        SCOPED_TRACE(dev);
        in_child([dev] {
            machine m("m_", small_config(4096, 8192), profile(dev));
            uint32_t owner = m.new_process("p");
            touch_log log;
            uint64_t resident_checked = 0, resident_bad = 0;
            script s("s", owner, 0, [&](script &sc) {
                touch_range(sc, m, 0, 6000, log);
                touch_range(sc, m, 0, 6000, log); // brings swapped pages back
                for (uint32_t v = 0; v < 6000; v++) {
                    uint32_t pfn = mm_anon_lookup(m.alloc->node(), owner, v);
                    if (pfn == MM_NIL)
                        continue;
                    resident_checked++;
                    if (m.mem->tag(pfn) != allocator_target::anon_tag(owner, v))
                        resident_bad++;
                }
            });
            s.socket.bind(m.bus->targ_socket);
            sc_core::sc_start();
            uint64_t pswpin = mm_event_count(m.alloc->node(), PSWPIN);
            EXPECT_GT(pswpin, 1000u);
            EXPECT_EQ(m.alloc->tags_verified(), pswpin);
            EXPECT_EQ(m.alloc->tags_lost(), 0u);
            EXPECT_GT(resident_checked, 2000u);
            EXPECT_EQ(resident_bad, 0u);
            if (std::string(dev) == "zram") {
                // zram holds the compressed pages in RAM: used slots / ratio, as kernel pages
                mm_swapinfo si;
                mm_si_swapinfo(m.alloc->node(), &si);
                uint64_t used = si.totalswap - si.freeswap;
                EXPECT_GT(used, 1000u);
                EXPECT_EQ(m.alloc->zram_pool_pages(), (uint64_t)std::ceil((double)used / 2.63));
                EXPECT_GE(mm_stat(m.alloc->node(), NR_KERNEL_PAGES), m.alloc->zram_pool_pages());
            }
        });
    }
}

// Cluster readahead on an HDD (rotational: no VMA readahead): a sequential
// swap-in of pages swapped out together reads 8 slots per fault in one merged
// request, one seek for 8 pages, so it takes a fraction of page_cluster 0's time.
TEST(AllocatorTarget, HddClusterReadaheadSwapsInWithOneSeekPerWindow)
{
    uint64_t elapsed[2] = {}, majflt[2] = {}, merged[2] = {}, ra[2] = {}; // no sc_time before the child sets the resolution
    for (unsigned pc : {0u, 3u}) {
        int i = pc ? 1 : 0;
        int fd[2];
        ASSERT_EQ(pipe(fd), 0);
        in_child([pc, &fd] {
            mm_config cfg = small_config(4096, 8192);
            cfg.swap_rotational = true;
            cfg.page_cluster = pc;
            machine m("m_", cfg, profile("hdd"));
            uint32_t owner = m.new_process("p");
            sc_time took;
            script s("s", owner, 0, [&](script &sc) {
                for (uint32_t v = 0; v < 6000; v++)
                    sc.touch(v);
                mm_anon_unmap(m.alloc->node(), &sc.task.task, 3000, 3000); // room: no reclaim below
                for (uint32_t v = 0; v < 256; v++)
                    ASSERT_EQ(mm_anon_lookup(m.alloc->node(), owner, v), MM_NIL) << v;
                sc.sync();
                sc_time t0 = sc.now();
                for (uint32_t v = 0; v < 256; v++)
                    sc.touch(v);
                took = sc.now() - t0;
            });
            s.socket.bind(m.bus->targ_socket);
            sc_core::sc_start();
            EXPECT_EQ(m.alloc->tags_lost(), 0u);
            uint64_t out[4] = { (uint64_t)took.value(), mm_event_count(m.alloc->node(), PGMAJFAULT),
                                m.swap->merged_reads(), mm_event_count(m.alloc->node(), SWAP_RA) };
            EXPECT_EQ(write(fd[1], out, sizeof out), (ssize_t)sizeof out);
        });
        close(fd[1]);
        uint64_t in[4] = {};
        ssize_t got = read(fd[0], in, sizeof in);
        close(fd[0]);
        ASSERT_EQ(got, (ssize_t)sizeof in) << "page_cluster " << pc;
        elapsed[i] = in[0];
        majflt[i] = in[1];
        merged[i] = in[2];
        ra[i] = in[3];
    }
    printf("hdd sequential swap-in of 256 pages: page_cluster 0: %llu ns, %llu major faults; 3: %llu ns, %llu major faults, %llu read ahead, %llu merged\n", (unsigned long long)elapsed[0], (unsigned long long)majflt[0], (unsigned long long)elapsed[1], (unsigned long long)majflt[1], (unsigned long long)ra[1], (unsigned long long)merged[1]);
    EXPECT_EQ(ra[0], 0u);
    EXPECT_EQ(merged[0], 0u);
    EXPECT_GT(ra[1], 200u);
    EXPECT_GT(merged[1], 200u);
    EXPECT_LT(majflt[1] * 4, majflt[0]);
    EXPECT_LT(elapsed[1] * 4, elapsed[0]) << elapsed[1] << " vs " << elapsed[0];
}
