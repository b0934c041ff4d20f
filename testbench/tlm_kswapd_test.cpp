// kswapd0 (model/kswapd.h) through the allocator target: woken by the event
// when an allocation finds free pages below the low watermark, it reclaims
// and goes back to sleep once the node is balanced at the high watermark.
#include "kswapd.h"
#include "tlm_harness.h"

using namespace mmsim;
using namespace mmsim_test;
using sc_core::sc_time;
using sc_core::SC_MS;
using sc_core::SC_US;

namespace {
struct wake_watch : allocator_observer {
    const mm_node *node = nullptr;
    uint64_t wakes = 0;
    uint64_t free_at_first_wake = 0;
    sc_time first_wake = sc_core::SC_ZERO_TIME;
    void on_event(const sc_time &when, const initiator_task *, const mm_event &ev) override
    {
        if (ev.type != MM_EV_KSWAPD_WAKE)
            return;
        if (wakes++ == 0) {
            free_at_first_wake = mm_stat(node, NR_FREE_PAGES);
            first_wake = when;
        }
    }
    void on_oom_killed(const sc_time &, uint32_t) override {}
};

uint64_t wmark(const mm_node *n, int which)
{
    uint64_t sum = 0;
    for (int z = 0; z < MM_MAX_NR_ZONES; z++) {
        mm_zone_info zi;
        mm_zone_get_info(n, (mm_zone_type)z, &zi);
        if (zi.populated)
            sum += zi.wmark[which];
    }
    return sum;
}
} // namespace

TEST(Kswapd, WakesOnTheEventAndSleepsAfterReachingHigh)
{
    in_child([] {
        machine m("m_", small_config(16384, 16384), profile("nvme"));
        wake_watch watch;
        watch.node = m.alloc->node();
        m.alloc->set_observer(&watch);
        kswapd k("kswapd0", m.alloc->kswapd_event(), nullptr);
        k.socket.bind(m.bus->targ_socket);
        uint32_t owner = m.new_process("p");
        const uint64_t low = wmark(m.alloc->node(), MM_WMARK_LOW);
        const uint64_t high = wmark(m.alloc->node(), MM_WMARK_HIGH);
        bool ran = false, slept_after_run = false;
        uint64_t direct = 0;
        // a moderate load: 16200 pages at 50 pages per ms, then hold
        script s("s", owner, 0, [&](script &sc) {
            for (uint32_t v = 0; v < 16200; v++) {
                sc.touch(v);
                if (v % 50 == 49)
                    sc.sync(), sc_core::wait(1, SC_MS);
            }
        });
        s.socket.bind(m.bus->targ_socket);
        // watch kswapd's state every 100 us
        struct monitor : sc_core::sc_module {
            std::function<void()> fn;
            monitor(sc_core::sc_module_name n, std::function<void()> f) : sc_module(n), fn(std::move(f))
            {
                SC_HAS_PROCESS(monitor);
                SC_THREAD(run);
            }
            void run()
            {
                for (int i = 0; i < 30000; i++) {
                    fn();
                    sc_core::wait(100, SC_US);
                }
                sc_core::sc_stop();
            }
        } mon("mon", [&] {
            if (k.state() == kswapd_state::running)
                ran = true;
            if (ran && k.state() == kswapd_state::sleeping)
                slept_after_run = true;
        });
        sc_core::sc_start();
        direct = mm_event_count(m.alloc->node(), PGSTEAL_DIRECT);
        EXPECT_GT(watch.wakes, 0u);
        EXPECT_LE(watch.free_at_first_wake, low) << "kswapd woken above the low watermark";
        EXPECT_TRUE(ran);
        EXPECT_GT(mm_event_count(m.alloc->node(), PGSTEAL_KSWAPD), 0u);
        EXPECT_TRUE(slept_after_run);
        EXPECT_EQ(k.state(), kswapd_state::sleeping);
        EXPECT_TRUE(mm_kswapd_is_sleeping(m.alloc->node()));
        EXPECT_GE(mm_stat(m.alloc->node(), NR_FREE_PAGES), high);
        EXPECT_EQ(direct, 0u) << "at this rate kswapd alone should keep up";
    });
}
