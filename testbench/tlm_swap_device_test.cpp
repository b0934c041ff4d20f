// The swap device's timing: queue depth, queueing, bandwidth, zram's CPU-bound transfers.
#include <vector>

#include "tlm_harness.h"

using namespace mmsim;
using namespace mmsim_test;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;

namespace {
// Submits writes at the given local offsets (no wait) and records completion times.
struct submitter : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<submitter> socket;
    std::vector<sc_time> at, done;
    std::vector<unsigned> inflight_after;
    swap_device *dev = nullptr;
    uint32_t tag_read = 0;
    submitter(sc_core::sc_module_name n, std::vector<sc_time> offsets) : sc_module(n), socket("socket"), at(std::move(offsets))
    {
        SC_HAS_PROCESS(submitter);
        SC_THREAD(run);
    }
    void run()
    {
        tlm::tlm_generic_payload gp;
        uint32_t tag = 0;
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&tag));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        for (size_t i = 0; i < at.size(); i++) {
            tag = 0x1000 + (uint32_t)i;
            gp.set_command(tlm::TLM_WRITE_COMMAND);
            gp.set_address(2 * i * 4096); // slots apart: queued writes of adjacent slots would merge
            sc_time d = at[i];
            socket->b_transport(gp, d);
            EXPECT_TRUE(gp.is_response_ok());
            done.push_back(sc_core::sc_time_stamp() + d);
            inflight_after.push_back(dev->inflight(sc_core::sc_time_stamp()));
        }
        sc_core::wait(sc_time(1, sc_core::SC_SEC));
        inflight_after.push_back(dev->inflight(sc_core::sc_time_stamp()));
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(2 * 2 * 4096); // the third write's slot
        sc_time d = sc_core::SC_ZERO_TIME;
        socket->b_transport(gp, d);
        tag_read = tag;
    }
};

swap_profile make_profile(double write_ns, double mbps, unsigned qd, bool cpu)
{
    swap_profile p;
    p.name = "test";
    p.read_ns = p.write_ns = write_ns;
    p.bandwidth_mbps = mbps;
    p.queue_depth = qd;
    p.cpu_bound = cpu;
    return p;
}
} // namespace

TEST(SwapDevice, QueueDepthOverlapsAndTheRestQueue)
{
    in_child([] {
        // 1 ms latency, bandwidth that does not limit (4096 B / 1e6 MB/s = 4 ns), two channels
        swap_device dev("dev", make_profile(1e6, 1e6, 2, false), 16);
        submitter s("s", {sc_time(0, SC_NS), sc_time(0, SC_NS), sc_time(0, SC_NS), sc_time(100, SC_US)});
        s.dev = &dev;
        s.socket.bind(dev.socket);
        sc_core::sc_start();
        ASSERT_EQ(s.done.size(), 4u);
        const sc_time ms(1, sc_core::SC_MS);
        EXPECT_EQ(s.done[0], ms);       // channel 0
        EXPECT_EQ(s.done[1], ms);       // channel 1, in parallel
        EXPECT_EQ(s.done[2], 2.0 * ms); // queued until channel 0 is free at 1 ms
        EXPECT_EQ(s.done[3], 2.0 * ms); // arrived at 100 us, queued until channel 1 is free
        EXPECT_EQ(s.inflight_after[2], 3u);
        EXPECT_EQ(s.inflight_after[3], 4u);
        EXPECT_EQ(s.inflight_after[4], 0u);                  // all complete after 1 s
        EXPECT_EQ(s.tag_read, 0x1002u);                      // slot 4 kept the third write's tag
        EXPECT_EQ(dev.writes(), 4u);
        EXPECT_EQ(dev.reads(), 1u);
    });
}

TEST(SwapDevice, BandwidthLimitsThroughput)
{
    in_child([] {
        // tiny latency, 32 channels, 40.96 MB/s: each 4 KiB takes 100 us of the bandwidth
        swap_device dev("dev", make_profile(1000, 40.96, 32, false), 16);
        submitter s("s", std::vector<sc_time>(10, sc_core::SC_ZERO_TIME));
        s.dev = &dev;
        s.socket.bind(dev.socket);
        sc_core::sc_start();
        ASSERT_EQ(s.done.size(), 10u);
        for (size_t i = 0; i < 10; i++)
            EXPECT_EQ(s.done[i], sc_time(100.0 * (double)(i + 1), SC_US)) << i;
    });
}

TEST(SwapDevice, ZramCompletesAfterItsLatencyWithoutQueueing)
{
    in_child([] {
        swap_profile z;
        ASSERT_TRUE(swap_profile_by_name("zram", z));
        swap_device dev("dev", z, 16);
        submitter s("s", std::vector<sc_time>(8, sc_core::SC_ZERO_TIME));
        s.dev = &dev;
        s.socket.bind(dev.socket);
        sc_core::sc_start();
        for (const sc_time &t : s.done)
            EXPECT_EQ(t, sc_time(z.write_ns, SC_NS));
    });
}

namespace {
// Submits requests (command, slot, local offset) back to back, no wait, and records completion times.
struct request_list : sc_core::sc_module {
    struct req {
        tlm::tlm_command cmd;
        uint64_t slot;
        sc_time at;
    };
    tlm_utils::simple_initiator_socket<request_list> socket;
    std::vector<req> reqs;
    std::vector<sc_time> done;
    request_list(sc_core::sc_module_name n, std::vector<req> r) : sc_module(n), socket("socket"), reqs(std::move(r))
    {
        SC_HAS_PROCESS(request_list);
        SC_THREAD(run);
    }
    void run()
    {
        tlm::tlm_generic_payload gp;
        uint32_t tag = 0;
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&tag));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        for (const req &r : reqs) {
            gp.set_command(r.cmd);
            gp.set_address(r.slot * 4096);
            sc_time d = r.at;
            socket->b_transport(gp, d);
            EXPECT_TRUE(gp.is_response_ok());
            done.push_back(sc_core::sc_time_stamp() + d);
        }
    }
};

std::vector<request_list::req> reads(uint64_t first_slot, unsigned n, sc_time at = sc_core::SC_ZERO_TIME)
{
    std::vector<request_list::req> r;
    for (unsigned i = 0; i < n; i++)
        r.push_back({ tlm::TLM_READ_COMMAND, first_slot + i, at });
    return r;
}
} // namespace

// The plug merge on an HDD: 8 adjacent reads submitted together are one request,
// one latency (the 4 KiB read time, which carries the first page's transfer) and
// 7 more transfers; 32 pages (128 KiB) at most, then a new request and a new seek.
TEST(SwapDevice, AdjacentReadsSubmittedTogetherMergeIntoOneRequest)
{
    in_child([] {
        swap_profile hdd = profile("hdd");
        const sc_time lat(hdd.read_ns, SC_NS), xfer(4096.0 * 1000.0 / hdd.bandwidth_mbps, SC_NS);
        swap_device dev("dev", hdd, 128);
        std::vector<request_list::req> r = reads(100, 8);
        for (request_list::req &q : reads(200, 40)) // 40 adjacent: 32 merge, then a new request
            r.push_back(q);
        request_list s("s", r);
        s.socket.bind(dev.socket);
        sc_core::sc_start();
        ASSERT_EQ(s.done.size(), 48u);
        for (unsigned i = 0; i < 8; i++)
            EXPECT_EQ(s.done[i], lat + xfer * (double)i) << i;
        // the 8-page request costs one latency + 8 transfers less the one inside the latency
        EXPECT_EQ(s.done[7], lat + 7.0 * xfer);
        // slots 200..231 queue behind it (QD 1): one more seek for 32 pages
        sc_time second = s.done[7] + lat;
        for (unsigned i = 0; i < 32; i++)
            EXPECT_EQ(s.done[8 + i], second + xfer * (double)i) << i;
        // the 33rd page exceeds 128 KiB: a third request with its own latency
        EXPECT_EQ(s.done[40], s.done[39] + lat);
        EXPECT_EQ(dev.merged_reads(), 7u + 31u + 7u);
        EXPECT_EQ(dev.reads(), 48u);
    });
}

// Reads merge only when adjacent and simultaneous; a write of the next slot joins a write that still
// waits in the queue (elevator back merge), and a read never joins a write.
TEST(SwapDevice, OnlyAdjacentSimultaneousReadsAndQueuedWritesMerge)
{
    in_child([] {
        swap_profile hdd = profile("hdd");
        const sc_time lat(hdd.read_ns, SC_NS), wlat(hdd.write_ns, SC_NS);
        const sc_time transfer(4096.0 * 1000.0 / hdd.bandwidth_mbps, SC_NS);
        swap_device dev("dev", hdd, 128);
        std::vector<request_list::req> r = {
            { tlm::TLM_READ_COMMAND, 10, sc_core::SC_ZERO_TIME },
            { tlm::TLM_READ_COMMAND, 12, sc_core::SC_ZERO_TIME },  // a gap: not adjacent
            { tlm::TLM_READ_COMMAND, 13, sc_time(1, SC_NS) },      // adjacent but later
            { tlm::TLM_WRITE_COMMAND, 50, sc_time(1, SC_NS) },     // queued behind the reads
            { tlm::TLM_WRITE_COMMAND, 51, sc_time(1, SC_NS) },     // the next slot while 50 waits: merged
            { tlm::TLM_READ_COMMAND, 52, sc_time(1, SC_NS) },      // after a write: not merged into it
            { tlm::TLM_WRITE_COMMAND, 60, sc_time(1, SC_NS) },     // not adjacent: its own request
        };
        request_list s("s", r);
        s.socket.bind(dev.socket);
        sc_core::sc_start();
        ASSERT_EQ(s.done.size(), 7u);
        EXPECT_EQ(s.done[0], lat);
        EXPECT_EQ(s.done[1], 2.0 * lat);
        EXPECT_EQ(s.done[2], 3.0 * lat);
        EXPECT_EQ(s.done[3], 3.0 * lat + wlat);
        EXPECT_EQ(s.done[4], 3.0 * lat + wlat + transfer); // one more transfer, no second seek
        EXPECT_EQ(s.done[5], s.done[4] + lat);
        EXPECT_EQ(s.done[6], s.done[5] + wlat);
        EXPECT_EQ(dev.merged_reads(), 0u);
        EXPECT_EQ(dev.merged_writes(), 1u);
    });
}
