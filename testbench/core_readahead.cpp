// Swap readahead (mm/swap_state.c): the window of __swapin_nr_pages, cluster
// readahead of the aligned slot window, VMA readahead of the virtual pages
// around the fault, page-cluster 0, SWP_SYNCHRONOUS_IO (zram) reading single
// pages, readahead pages mapped and counted, their first touch a swap-cache
// hit, and the consistency check under random sequences.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "../c_core/src/internal.h"
#include "core_test_helpers.h"
#include "fake_host.h"

namespace {

constexpr uint64_t kRam = 16384, kSwap = 8192; // 64 MiB, 32 MiB

struct RaConfig {
	unsigned page_cluster = 3;
	bool vma = true;        // vma_ra_enabled
	bool sync = false;      // SWP_SYNCHRONOUS_IO (zram)
	bool rotational = false;
};

mm_node *make_ra_node(FakeHost &h, const RaConfig &rc)
{
	mm_config cfg;
	char err[256];
	mm_config_default(&cfg, kRam);
	cfg.swap_pages = kSwap;
	cfg.page_cluster = rc.page_cluster;
	cfg.swap_vma_readahead = rc.vma;
	cfg.swap_synchronous_io = rc.sync;
	cfg.swap_rotational = rc.rotational;
	mm_node *n = mm_node_create(&cfg, h.host(), err, sizeof(err));
	EXPECT_NE(n, nullptr) << err;
	return n;
}

uint32_t new_process(mm_node *n)
{
	char err[200];
	uint32_t id = mm_owner_create(n, MM_OWNER_PROCESS, 0, "p", err, sizeof(err));
	EXPECT_NE(id, MM_NIL) << err;
	return id;
}

uint32_t slot_of(mm_node *n, uint32_t owner, uint32_t vpn)
{
	const mm_owner &o = n->owners[owner];
	if (vpn >= o.nr_pte)
		return MM_NIL;
	uint32_t e = o.pte[vpn];
	return (e & (PTE_PRESENT | PTE_SWAP)) == PTE_SWAP ? e & PTE_VALUE_MASK : MM_NIL;
}

bool is_readahead_page(mm_node *n, uint32_t owner, uint32_t vpn)
{
	uint32_t e = n->owners[owner].pte[vpn];
	if (!(e & PTE_PRESENT) || (e & PTE_YOUNG))
		return false;
	const page &p = n->mem_map[e & PTE_VALUE_MASK];
	return p.readahead && (p.flags & PG_lru) && p.owner == owner && p.index == vpn;
}

// Processes touch `pages` new vpns each, in turn, until swap holds thousands of
// their pages; then the last-touched resident pages are unmapped so that the
// faults under test allocate on the fast path (no reclaim moves the slots).
void populate(mm_node *n, const std::vector<uint32_t> &procs, uint32_t pages)
{
	for (uint32_t v = 0; v < pages; v++)
		for (uint32_t p : procs) {
			mm_task t{ p, 0, nullptr };
			ASSERT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MINOR);
		}
	for (uint32_t p : procs) {
		mm_task t{ p, 0, nullptr };
		mm_anon_unmap(n, &t, pages - 2000, 2000);
	}
	mm_zone_info zi;
	mm_zone_get_info(n, MM_ZONE_NORMAL, &zi);
	ASSERT_GT(mm_stat(n, NR_FREE_PAGES), zi.wmark[MM_WMARK_HIGH] + 1000);
}

std::vector<int64_t> reads_since(const FakeHost &h, size_t from)
{
	std::vector<int64_t> slots;
	for (size_t i = from; i < h.steps.size(); i++)
		if (h.steps[i].kind == FakeStep::SWAP_READ)
			slots.push_back(h.steps[i].a);
	return slots;
}

} // namespace

// __swapin_nr_pages, worked out by hand from mm/swap_state.c.
TEST(SwapReadahead, SwapinNrPagesTable)
{
	struct Row {
		uint64_t prev_offset, offset, hits, max_pages, prev_win, want;
	} rows[] = {
		{ 0, 5, 0, 8, 0, 1 },         // no hits, not adjacent: one page
		{ 0, 0, 0, 8, 0, 1 },         // the same offset again is not adjacent
		{ 4, 5, 0, 8, 0, 2 },         // no hits, next offset: 2
		{ 6, 5, 0, 8, 0, 2 },         // no hits, previous offset: 2
		{ 0, UINT64_MAX, 0, 8, 0, 2 }, // prev_offset - 1 wraps, as unsigned long does
		{ 0, 5, 1, 8, 0, 4 },         // hits + 2 = 3, rounded up to 4
		{ 0, 5, 2, 8, 0, 4 },         // 4
		{ 0, 5, 3, 8, 0, 8 },         // 5 -> 8
		{ 0, 5, 4, 8, 0, 8 },         // swapin_readahead_hits' initial 4: the first window is 8
		{ 0, 5, 7, 8, 0, 8 },         // 9 -> 16, capped at max_pages 8
		{ 0, 5, 10, 32, 0, 16 },      // 12 -> 16 under a 32 cap
		{ 0, 5, 40, 32, 0, 32 },      // 42 -> 64, capped at 32
		{ 4, 5, 0, 1, 0, 1 },         // max_pages 1 caps an adjacent 2
		{ 0, 5, 1, 2, 0, 2 },         // 4 capped at 2
		{ 0, 5, 0, 8, 8, 4 },         // no hits: 1, but not below prev_win / 2
		{ 0, 5, 0, 8, 4, 2 },         // then 2
		{ 0, 5, 0, 8, 2, 1 },         // then 1
		{ 4, 5, 0, 8, 8, 4 },         // adjacent 2, held at prev_win / 2 = 4
		{ 0, 5, 0, 8, 16, 8 },        // prev_win / 2 applies after the cap
		{ 0, 5, 1, 8, 16, 8 },
	};
	for (const Row &r : rows)
		EXPECT_EQ(mm_swapin_nr_pages(r.prev_offset, r.offset, r.hits, r.max_pages, r.prev_win), r.want)
			<< "prev " << r.prev_offset << " offset " << r.offset << " hits " << r.hits << " max "
			<< r.max_pages << " prev_win " << r.prev_win;
}

// Defaults and bounds of the knobs.
TEST(SwapReadahead, ConfigDefaultsAndRange)
{
	mm_config cfg;
	mm_config_default(&cfg, kRam);
	EXPECT_EQ(cfg.page_cluster, 3u); // swap_setup: 3 from 16 MiB of RAM up
	EXPECT_TRUE(cfg.swap_vma_readahead);
	EXPECT_FALSE(cfg.swap_synchronous_io);
	mm_config_default(&cfg, 2048); // 8 MiB
	EXPECT_EQ(cfg.page_cluster, 2u);
	FakeHost h;
	char err[256] = "";
	mm_config_default(&cfg, kRam);
	cfg.page_cluster = 32;
	EXPECT_EQ(mm_node_create(&cfg, h.host(), err, sizeof(err)), nullptr);
	EXPECT_NE(std::string(err).find("page_cluster: 32 is out of range (allowed 0..31)"), std::string::npos) << err;
	cfg.page_cluster = 31;
	cfg.swap_pages = kSwap;
	mm_node *n = mm_node_create(&cfg, h.host(), err, sizeof(err));
	ASSERT_NE(n, nullptr) << err;
	mm_node_destroy(n);
}

// Cluster readahead reads the page_cluster-aligned slot window around the
// fault, skips free slots, maps pages of any process, and the first touch of
// one is a swap-cache hit: SWAP_RA_HIT, a minor fault, no read.
TEST(SwapReadahead, ClusterReadsAlignedWindowSkippingFreeSlots)
{
	FakeHost h;
	mm_node *n = make_ra_node(h, { 3, false, false, false });
	uint32_t a = new_process(n), b = new_process(n);
	populate(n, { a, b }, 10000);
	// a target of process a at offset 2 of a fully used aligned window of 8 (a and b alternate slots)
	uint32_t vpn = MM_NIL, slot = MM_NIL;
	for (uint32_t v = 0; v < 8000 && vpn == MM_NIL; v++) {
		uint32_t s = slot_of(n, a, v);
		if (s == MM_NIL || s < 8 || (s & 7) != 2)
			continue;
		bool full = true;
		for (uint32_t w = s & ~7u; w <= (s | 7u); w++)
			full = full && n->swap.swap_map[w] == 1;
		if (full) {
			vpn = v;
			slot = s;
		}
	}
	ASSERT_NE(vpn, MM_NIL);
	// free one slot of the window: its owner unmaps the page
	uint32_t hole = (slot & ~7u) + 5;
	mm_task th{ n->swap.rmap_owner[hole], 0, nullptr };
	mm_anon_unmap(n, &th, n->swap.rmap_vpn[hole], 1);
	ASSERT_EQ(n->swap.swap_map[hole], 0);
	std::vector<std::pair<uint32_t, uint32_t>> ahead; // (owner, vpn) of the other used slots
	std::vector<int64_t> want_reads;
	bool other_owner = false;
	for (uint32_t w = slot & ~7u; w <= (slot | 7u); w++) {
		if (w == hole)
			continue;
		want_reads.push_back(w);
		if (w != slot) {
			ahead.emplace_back(n->swap.rmap_owner[w], n->swap.rmap_vpn[w]);
			other_owner = other_owner || n->swap.rmap_owner[w] == b;
		}
	}
	EXPECT_TRUE(other_owner) << "the window should hold pages of both processes";
	uint64_t maj = mm_event_count(n, PGMAJFAULT), in = mm_event_count(n, PSWPIN);
	size_t from = h.steps.size();
	mm_task t{ a, 0, nullptr };
	EXPECT_EQ(mm_anon_touch(n, &t, vpn), MM_FAULT_MAJOR);
	EXPECT_EQ(reads_since(h, from), want_reads); // in slot order, the target among them
	size_t waits = 0;
	for (size_t i = from; i < h.steps.size(); i++)
		waits += h.steps[i].kind == FakeStep::IO_WAIT;
	EXPECT_EQ(waits, 1u); // one wait for all the reads, after them
	EXPECT_EQ(h.steps.back().kind, FakeStep::IO_WAIT);
	EXPECT_EQ(mm_event_count(n, PGMAJFAULT), maj + 1);
	EXPECT_EQ(mm_event_count(n, SWAP_RA), 6u);
	EXPECT_EQ(mm_event_count(n, PSWPIN), in + 7);
	for (auto [o, v] : ahead) {
		EXPECT_TRUE(is_readahead_page(n, o, v)) << "owner " << o << " vpn " << v;
		EXPECT_EQ(slot_of(n, o, v), MM_NIL);
	}
	EXPECT_EQ(check(n), "");
	// the first touch of a readahead page: a swap-cache hit, no read, no major fault
	auto [o1, v1] = ahead.front();
	mm_task t1{ o1, 0, nullptr };
	uint64_t reads = h.swap_reads, flt = mm_event_count(n, PGFAULT);
	EXPECT_EQ(mm_anon_touch(n, &t1, v1), MM_FAULT_SWAPCACHE);
	EXPECT_EQ(mm_event_count(n, SWAP_RA_HIT), 1u);
	EXPECT_EQ(mm_event_count(n, PGMAJFAULT), maj + 1);
	EXPECT_EQ(mm_event_count(n, PGFAULT), flt + 1);
	EXPECT_EQ(h.swap_reads, reads);
	EXPECT_EQ(n->swap.ra_hits, 1u); // swapin_readahead_hits: cluster readahead's global count
	EXPECT_EQ(mm_anon_touch(n, &t1, v1), MM_FAULT_HIT);
	EXPECT_EQ(mm_event_count(n, SWAP_RA_HIT), 1u);
	// /proc/vmstat shows both counters
	std::string vm(mm_dump_vmstat(n, nullptr, 0) + 1, '\0');
	vm.resize(mm_dump_vmstat(n, vm.data(), vm.size()));
	EXPECT_NE(vm.find("\nswap_ra 6\n"), std::string::npos);
	EXPECT_NE(vm.find("\nswap_ra_hit 1\n"), std::string::npos);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// VMA readahead: the window follows the faults' addresses and the hits
// (swap_vma_ra_win), never leaves the PTE table, and reads in vpn order.
TEST(SwapReadahead, VmaWindowGrowsWithSequentialFaultsAndHits)
{
	FakeHost h;
	mm_node *n = make_ra_node(h, { 3, true, false, false });
	uint32_t p = new_process(n);
	populate(n, { p }, 20000);
	for (uint32_t v = 100; v < 120; v++)
		ASSERT_NE(slot_of(n, p, v), MM_NIL) << v;
	mm_task t{ p, 0, nullptr };
	// first fault: no hits, not adjacent to the last fault (vpn 0): one page
	EXPECT_EQ(mm_anon_touch(n, &t, 100), MM_FAULT_MAJOR);
	EXPECT_EQ(mm_event_count(n, SWAP_RA), 0u);
	// adjacent fault, no hits: a window of 2 starting at the fault
	size_t from = h.steps.size();
	uint32_t s101 = slot_of(n, p, 101), s102 = slot_of(n, p, 102);
	EXPECT_EQ(mm_anon_touch(n, &t, 101), MM_FAULT_MAJOR);
	EXPECT_EQ(reads_since(h, from), (std::vector<int64_t>{ s101, s102 }));
	EXPECT_EQ(mm_event_count(n, SWAP_RA), 1u);
	EXPECT_TRUE(is_readahead_page(n, p, 102));
	// touching it is a hit: the VMA's hits count 1 and its address moves to 102
	EXPECT_EQ(mm_anon_touch(n, &t, 102), MM_FAULT_SWAPCACHE);
	EXPECT_EQ(n->owners[p].ra_hits, 1u);
	EXPECT_EQ(n->owners[p].ra_vpn, 102u);
	EXPECT_EQ(n->swap.ra_hits, 4u); // the global count is cluster readahead's only
	// next fault: 1 hit -> 4 pages from 103 (103 follows 102)
	from = h.steps.size();
	std::vector<int64_t> want;
	for (uint32_t v = 103; v < 107; v++)
		want.push_back(slot_of(n, p, v));
	EXPECT_EQ(mm_anon_touch(n, &t, 103), MM_FAULT_MAJOR);
	EXPECT_EQ(reads_since(h, from), want);
	EXPECT_EQ(mm_event_count(n, SWAP_RA), 4u);
	EXPECT_EQ(n->owners[p].ra_win, 4u);
	for (uint32_t v = 104; v < 107; v++)
		EXPECT_TRUE(is_readahead_page(n, p, v)) << v;
	// a fault far away with no hits: the window shrinks to prev_win / 2 = 2, centred ((2 - 1) / 2 = 0 before it)
	uint32_t far = 511; // last vpn of the first PTE table: the window must not cross into the next
	ASSERT_NE(slot_of(n, p, far), MM_NIL);
	ASSERT_NE(slot_of(n, p, 512), MM_NIL);
	EXPECT_EQ(mm_anon_touch(n, &t, far), MM_FAULT_MAJOR);
	EXPECT_EQ(n->owners[p].ra_win, 2u);
	EXPECT_EQ(mm_event_count(n, SWAP_RA), 4u); // [511, 513) clipped to the PTE table: only 511
	EXPECT_NE(slot_of(n, p, 512), MM_NIL);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// A rotational swap device turns VMA readahead off (nr_rotate_swap): the
// first fault reads the cluster window (swapin_readahead_hits starts at 4).
TEST(SwapReadahead, RotationalDeviceUsesClusterReadahead)
{
	FakeHost h;
	mm_node *n = make_ra_node(h, { 3, true, false, true });
	uint32_t p = new_process(n);
	populate(n, { p }, 20000);
	mm_task t{ p, 0, nullptr };
	uint32_t s = slot_of(n, p, 300);
	ASSERT_NE(s, MM_NIL);
	uint64_t used = 0;
	for (uint32_t w = s & ~7u; w <= (s | 7u); w++)
		used += w != s && w != 0 && n->swap.swap_map[w] == 1;
	EXPECT_EQ(mm_anon_touch(n, &t, 300), MM_FAULT_MAJOR);
	EXPECT_EQ(mm_event_count(n, SWAP_RA), used);
	EXPECT_GT(used, 0u);
	EXPECT_EQ(check(n), "");
	mm_node_destroy(n);
}

// page-cluster 0 reads one page per swap-in, in both readahead modes.
TEST(SwapReadahead, PageCluster0ReadsOnePage)
{
	for (bool vma : { true, false }) {
		SCOPED_TRACE(vma ? "vma" : "cluster");
		FakeHost h;
		mm_node *n = make_ra_node(h, { 0, vma, false, false });
		uint32_t p = new_process(n);
		populate(n, { p }, 20000);
		mm_task t{ p, 0, nullptr };
		for (uint32_t v = 100; v < 140; v++) {
			ASSERT_NE(slot_of(n, p, v), MM_NIL);
			uint64_t reads = h.swap_reads;
			EXPECT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MAJOR);
			EXPECT_EQ(h.swap_reads, reads + 1);
		}
		EXPECT_EQ(mm_event_count(n, SWAP_RA), 0u);
		EXPECT_EQ(mm_event_count(n, PSWPIN), 40u);
		EXPECT_EQ(check(n), "");
		mm_node_destroy(n);
	}
}

// zram (SWP_SYNCHRONOUS_IO, swap count 1) skips the swap cache and readahead:
// page-cluster has no effect on it.
TEST(SwapReadahead, SynchronousDeviceNeverReadsAhead)
{
	for (bool vma : { true, false }) {
		SCOPED_TRACE(vma ? "vma" : "cluster");
		FakeHost h;
		mm_node *n = make_ra_node(h, { 3, vma, true, false });
		uint32_t p = new_process(n);
		populate(n, { p }, 20000);
		mm_task t{ p, 0, nullptr };
		for (uint32_t v = 100; v < 140; v++) {
			uint64_t reads = h.swap_reads;
			EXPECT_EQ(mm_anon_touch(n, &t, v), MM_FAULT_MAJOR);
			EXPECT_EQ(h.swap_reads, reads + 1);
		}
		EXPECT_EQ(mm_event_count(n, SWAP_RA), 0u);
		EXPECT_EQ(mm_event_count(n, PGMAJFAULT), 40u);
		EXPECT_EQ(check(n), "");
		mm_node_destroy(n);
	}
}

// Random touches, sequential runs, unmaps and exits of two processes under
// memory pressure, in every readahead mode: mm_check holds throughout, and
// every swap read is accounted in PSWPIN.
TEST(SwapReadahead, ConsistentUnderRandomSequences)
{
	const RaConfig modes[] = { { 3, true, false, false }, { 3, false, false, false },
				   { 3, true, false, true }, { 5, false, false, false }, { 3, true, true, false } };
	for (const RaConfig &rc : modes) {
		SCOPED_TRACE(std::to_string(rc.page_cluster) + (rc.vma ? " vma" : " cluster") +
			     (rc.rotational ? " rot" : "") + (rc.sync ? " sync" : ""));
		FakeHost h;
		h.record = false;
		mm_node *n = make_ra_node(h, rc);
		uint32_t procs[2] = { new_process(n), new_process(n) };
		std::mt19937 rng(7);
		for (int op = 0; op < 40000; op++) {
			uint32_t i = rng() % 2, p = procs[i];
			mm_task t{ p, 0, nullptr };
			uint32_t r = rng() % 1000, v = rng() % 14000;
			if (r < 600) {
				mm_anon_touch(n, &t, v);
			} else if (r < 950) {
				for (uint32_t k = 0; k < 16; k++) // a sequential run: readahead hits
					mm_anon_touch(n, &t, v + k);
			} else if (op != 25000) {
				mm_anon_unmap(n, &t, v, 1 + rng() % 16);
			} else { // one exit: the other process's slots stay, the new one starts empty
				mm_owner_exit(n, p);
				procs[i] = new_process(n);
			}
			if (op % 500 == 0) {
				std::string c = check(n);
				ASSERT_EQ(c, "") << "op " << op;
			}
		}
		EXPECT_EQ(check(n), "");
		EXPECT_EQ(mm_event_count(n, PSWPIN), h.swap_reads);
		if (!rc.sync) {
			EXPECT_GT(mm_event_count(n, SWAP_RA), 0u);
			EXPECT_GT(mm_event_count(n, SWAP_RA_HIT), 0u);
			EXPECT_LE(mm_event_count(n, SWAP_RA_HIT), mm_event_count(n, SWAP_RA));
		} else {
			EXPECT_EQ(mm_event_count(n, SWAP_RA), 0u);
		}
		mm_node_destroy(n);
	}
}
