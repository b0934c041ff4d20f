#include "kswapd.h"

#include "run_recorder.h"

using sc_core::sc_time;
using sc_core::SC_MS;
using sc_core::SC_ZERO_TIME;

namespace mmsim {

kswapd::kswapd(sc_core::sc_module_name name, sc_core::sc_event &wake, run_recorder *rec)
    : sc_module(name), socket("socket"), wake_(wake), rec_(rec),
      task_("kswapd0", MM_NIL, MM_PF_KSWAPD | MM_PF_MEMALLOC)
{
    gp_.set_command(tlm::TLM_IGNORE_COMMAND);
    gp_.set_extension(&req_);
    req_.task = &task_;
    SC_HAS_PROCESS(kswapd);
    SC_THREAD(run);
}

kswapd::~kswapd() { gp_.clear_extension(&req_); }

sc_time kswapd::running_time() const
{
    if (state_ == kswapd_state::running)
        return running_total_ + (sc_core::sc_time_stamp() - running_since_);
    return running_total_;
}

void kswapd::set_state(kswapd_state s)
{
    if (s == state_)
        return;
    if (state_ == kswapd_state::running)
        running_total_ += sc_core::sc_time_stamp() - running_since_;
    if (s == kswapd_state::running)
        running_since_ = sc_core::sc_time_stamp();
    state_ = s;
}

/* Each kswapd step is one transaction; its CPU time is spent at once (kswapd is one thread). */
void kswapd::transact(mm_cmd cmd)
{
    req_.cmd = cmd;
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(gp_, delay);
    if (delay > SC_ZERO_TIME)
        sc_core::wait(delay);
}

/* mm/vmscan.c: kswapd */
void kswapd::run()
{
    int alloc_order = 0, reclaim_order = 0, zoneidx = MM_MAX_NR_ZONES - 1;
    for (;;) {
        /* kswapd_try_to_sleep */
        req_.order = (unsigned)reclaim_order;
        req_.zoneidx = zoneidx;
        transact(mm_cmd::kswapd_sleep_begin);
        if (req_.step == MM_KSWAPD_NAP) {
            set_state(kswapd_state::napping);
            sc_time before = sc_core::sc_time_stamp();
            sc_core::wait(sc_time(MM_KSWAPD_NAP_MS, SC_MS), wake_);
            req_.woken_early = sc_core::sc_time_stamp() - before < sc_time(MM_KSWAPD_NAP_MS, SC_MS);
            req_.order = (unsigned)reclaim_order;
            req_.zoneidx = zoneidx;
            transact(mm_cmd::kswapd_after_nap);
        }
        if (req_.step == MM_KSWAPD_SLEEP) {
            set_state(kswapd_state::sleeping);
            if (rec_)
                rec_->row(sc_core::sc_time_stamp(), "kswapd_sleep", "kswapd0");
            sc_core::wait(wake_);
        }
        set_state(kswapd_state::running);
        transact(mm_cmd::kswapd_take);
        alloc_order = (int)req_.order;
        zoneidx = req_.zoneidx;
        req_.order = (unsigned)alloc_order;
        transact(mm_cmd::kswapd_balance);
        reclaim_order = (int)req_.order;
        runs_++;
    }
}

} // namespace mmsim
