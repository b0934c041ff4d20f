// model/workload.h: the page-operation streams a process replays.
#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "workload.h"

using namespace mmsim;

namespace {
// Drain every operation due before t_end, allocations succeeding at pfn = a counter.
std::vector<std::pair<double, page_op>> drain(workload &w, double t_end)
{
    std::vector<std::pair<double, page_op>> ops;
    uint32_t next_pfn = 1000;
    for (;;) {
        double t = w.next_time();
        if (t < 0 || t >= t_end)
            break;
        page_op op = w.next(t);
        if (op.kind == op_kind::kernel_alloc || op.kind == op_kind::exact_alloc)
            w.allocated(op, next_pfn++, t);
        ops.push_back({t, op});
    }
    return ops;
}
} // namespace

TEST(Workload, AnonAllocatesAtItsRateUpToTheTarget)
{
    Process p;
    p.name = "a";
    p.start_s = 0.5;
    p.anon.rate = 1000;
    p.anon.target_rss_pages = 300;
    workload w(p, 0, 1);
    auto ops = drain(w, 10);
    ASSERT_EQ(ops.size(), 300u);
    for (size_t i = 0; i < ops.size(); i++) {
        EXPECT_EQ(ops[i].second.kind, op_kind::anon_new);
        EXPECT_EQ(ops[i].second.index, i);
        EXPECT_NEAR(ops[i].first, 0.5 + i * 0.001, 1e-9);
    }
    EXPECT_LT(w.next_time(), 0); // nothing left
}

TEST(Workload, AStallDoesNotBurstToCatchUp)
{
    Process p;
    p.name = "a";
    p.anon.rate = 1000;
    workload w(p, 0, 1);
    w.next(0);               // due at 0
    w.next(0.5);             // due at 0.001, issued after a 0.5 s stall
    EXPECT_DOUBLE_EQ(w.next_time(), 0.5); // next one at once, then the spacing resumes
    w.next(0.5);
    EXPECT_DOUBLE_EQ(w.next_time(), 0.501);
}

TEST(Workload, FifoFreesTheOldestOnceTheLiveTargetIsReached)
{
    Process p;
    p.name = "k";
    p.kernel.rate = 1000;
    p.kernel.order_weights = {1};
    p.kernel.free.free_pattern = FreePattern::fifo;
    p.kernel.free.target_live_pages = 100;
    workload w(p, 0, 1);
    auto ops = drain(w, 1);
    size_t allocs = 0, frees = 0;
    uint32_t expect_free = 1000;
    for (auto &o : ops) {
        if (o.second.kind == op_kind::kernel_alloc) {
            allocs++;
            EXPECT_EQ(o.second.order, 0u);
        } else {
            ASSERT_EQ(o.second.kind, op_kind::kernel_free);
            EXPECT_EQ(o.second.pfn, expect_free++) << "fifo frees the oldest first";
            frees++;
        }
        EXPECT_LE(allocs - frees, 100u);
    }
    EXPECT_EQ(allocs, 1000u);
    EXPECT_EQ(frees, 900u);
    EXPECT_EQ(w.live_frees().size(), 100u);
}

TEST(Workload, OrderWeightsAndLifetimes)
{
    Process p;
    p.name = "k";
    p.kernel.rate = 10000;
    p.kernel.order_weights = {1, 0, 0, 1};
    p.kernel.free.free_pattern = FreePattern::lifetime;
    p.kernel.free.lifetime_s = 0.05;
    workload w(p, 0, 7);
    auto ops = drain(w, 2);
    std::map<unsigned, size_t> orders;
    std::map<uint32_t, double> born;
    double life_sum = 0;
    size_t frees = 0;
    for (auto &o : ops) {
        if (o.second.kind == op_kind::kernel_alloc) {
            orders[o.second.order]++;
        } else {
            frees++;
        }
    }
    // pfns were handed out in allocation order: recompute lifetimes from the sequence
    uint32_t pfn = 1000;
    for (auto &o : ops) {
        if (o.second.kind == op_kind::kernel_alloc)
            born[pfn++] = o.first;
        else {
            ASSERT_TRUE(born.count(o.second.pfn));
            double life = o.first - born[o.second.pfn];
            EXPECT_GE(life, 0);
            life_sum += life;
        }
    }
    EXPECT_EQ(orders.size(), 2u);
    EXPECT_NEAR((double)orders[3] / (orders[0] + orders[3]), 0.5, 0.03);
    ASSERT_GT(frees, 15000u);
    EXPECT_NEAR(life_sum / frees, 0.05, 0.005);
}

TEST(Workload, TheSeedDecidesTheRandomChoices)
{
    Process p;
    p.name = "t";
    p.anon.rate = 1000;
    p.anon.target_rss_pages = 100;
    p.touch.rate = 5000;
    p.touch.pattern = TouchPattern::uniform;
    auto indexes = [&](uint64_t seed) {
        workload w(p, 0, seed);
        std::vector<uint32_t> v;
        for (auto &o : drain(w, 1))
            v.push_back(o.second.index);
        return v;
    };
    EXPECT_EQ(indexes(3), indexes(3));
    EXPECT_NE(indexes(3), indexes(4));
}
