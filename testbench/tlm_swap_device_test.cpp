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
            gp.set_address(i * 4096);
            sc_time d = at[i];
            socket->b_transport(gp, d);
            EXPECT_TRUE(gp.is_response_ok());
            done.push_back(sc_core::sc_time_stamp() + d);
            inflight_after.push_back(dev->inflight(sc_core::sc_time_stamp()));
        }
        sc_core::wait(sc_time(1, sc_core::SC_SEC));
        inflight_after.push_back(dev->inflight(sc_core::sc_time_stamp()));
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(2 * 4096);
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
        EXPECT_EQ(s.tag_read, 0x1002u);                      // slot 2 kept its tag
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
