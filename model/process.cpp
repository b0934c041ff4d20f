#include "process.h"

#include <cmath>

#include <cassert>

#include "run_recorder.h"

using sc_core::sc_time;
using sc_core::SC_SEC;

namespace mmsim {

process::process(sc_core::sc_module_name name, const Process &spec, uint32_t file, uint64_t file_pages,
                 uint64_t seed, run_recorder &rec)
    : sc_module(name), socket("socket"), spec_(spec), file_(file), rec_(rec), wl_(spec, file_pages, seed),
      task_(spec.name, MM_NIL, 0)
{
    gp_.set_command(tlm::TLM_IGNORE_COMMAND);
    gp_.set_extension(&req_);
    req_.task = &task_;
    SC_HAS_PROCESS(process);
    SC_THREAD(run);
}

process::~process() { gp_.clear_extension(&req_); }

proc_state process::state() const
{
    if (killed_)
        return proc_state::killed;
    if (exited_)
        return proc_state::exited;
    if (!started_)
        return proc_state::not_started;
    if (task_.in_direct_reclaim || task_.in_io_wait)
        return proc_state::stalled;
    return proc_state::running;
}

double process::local_s() const { return local_time().to_seconds(); }

/*
 * One transaction; returns its simulated duration in ns: local time after minus local time
 * before, i.e. the change of the annotated delay plus the time waited inside (no sc_time_stamp
 * call on this hot path; the time resolution is 1 ns, init_model_time).
 */
uint64_t process::transact()
{
    sc_time delay = qk_.get_local_time();
    const sc_time before = delay + task_.waited;
#ifndef NDEBUG
    const sc_time start = sc_core::sc_time_stamp() + delay;
#endif
    socket->b_transport(gp_, delay);
    const uint64_t ns = ((delay + task_.waited) - before).value();
    assert((sc_core::sc_time_stamp() + delay - start).value() == ns && "a wait() inside b_transport not counted");
    qk_.set(delay);
    if (qk_.need_sync())
        qk_.sync();
    return ns;
}

sc_time process::local_time() const { return sc_core::sc_time_stamp() + qk_.get_local_time(); }

/* The stream's period in ns: what the coordinated-omission correction of the response latency needs. */
static uint64_t interval_ns(double period_s) { return (uint64_t)std::llround(period_s * 1e9); }

void process::record_unfinished(const sc_time &end)
{
    const double waited_s = end.to_seconds() - pending_since_s_;
    if (pending_ && waited_s > 0)
        rec_.latency.record(alloc_kind::unfinished, (uint64_t)std::llround(waited_s * 1e9),
                            interval_ns(pending_period_s_));
    if (task_.in_direct_reclaim && end > task_.reclaim_begin)
        rec_.note_unfinished_stall((end - task_.reclaim_begin).to_seconds() * 1e3);
}

/* One workload operation; returns false when the process was OOM-killed. */
bool process::issue(const page_op &op, double now_s)
{
    switch (op.kind) {
    case op_kind::anon_new:
    case op_kind::anon_touch: {
        /* only anon faults wait long enough to matter at the end (reclaim, swap-in); an order-N
           block counts from its start (now_s, the caller's local time: no extra time stamp here) */
        pending_ = true;
        pending_since_s_ = now_s;
        pending_period_s_ = op.period;
        unsigned n = op.kind == op_kind::anon_new ? 1u << op.order : 1;
        for (unsigned i = 0; i < n; i++) {
            req_.cmd = mm_cmd::anon_touch;
            req_.index = op.index + i;
            uint64_t ns = transact();
            page_ops_++;
            /* a fault that allocated: first touch (minor) or swap-in (major) */
            if (req_.fault == MM_FAULT_MINOR)
                rec_.latency.record(alloc_kind::anon_fault, ns, interval_ns(op.period));
            else if (req_.fault == MM_FAULT_MAJOR)
                rec_.latency.record(alloc_kind::swap_in, ns, interval_ns(op.period));
            else if (req_.fault == MM_FAULT_KILLED)
                break;
        }
        pending_ = false;
        return req_.fault != MM_FAULT_KILLED;
    }
    case op_kind::file_read:
    case op_kind::file_write:
        req_.cmd = op.kind == op_kind::file_read ? mm_cmd::file_read : mm_cmd::file_write;
        req_.file = file_;
        req_.index = op.index;
        task_.file_read_marked = false;
        {
            uint64_t ns = transact();
            page_ops_++;
            if (req_.fault == MM_FAULT_MINOR || req_.fault == MM_FAULT_REFAULT) {
                /* a page-cache fill counts up to its allocation: the file read is submitted right after */
                if (task_.file_read_marked)
                    ns -= (local_time() - task_.file_read_at).value();
                rec_.latency.record(alloc_kind::file_fill, ns, interval_ns(op.period));
            }
        }
        return req_.fault != MM_FAULT_KILLED;
    case op_kind::kernel_alloc:
        req_.cmd = mm_cmd::alloc;
        req_.order = op.order;
        req_.gfp = GFP_KERNEL;
        {
            uint64_t ns = transact();
            if (req_.alloc.status == MM_ALLOC_OK)
                rec_.latency.record(alloc_kind::kernel, ns, interval_ns(op.period));
        }
        page_ops_++;
        wl_.allocated(op, req_.alloc.status == MM_ALLOC_OK ? req_.alloc.pfn : ~0u, now_s);
        return req_.alloc.status != MM_ALLOC_KILLED;
    case op_kind::exact_alloc:
        req_.cmd = mm_cmd::alloc_exact;
        req_.size_bytes = op.size_pages * kPageBytes;
        req_.gfp = GFP_KERNEL;
        {
            uint64_t ns = transact();
            if (req_.alloc.status == MM_ALLOC_OK)
                rec_.latency.record(alloc_kind::exact, ns, interval_ns(op.period));
        }
        page_ops_++;
        wl_.allocated(op, req_.alloc.status == MM_ALLOC_OK ? req_.pfn : ~0u, now_s);
        return req_.alloc.status != MM_ALLOC_KILLED;
    case op_kind::kernel_free:
        req_.cmd = mm_cmd::free;
        req_.pfn = op.pfn;
        req_.order = op.order;
        transact();
        page_ops_++;
        return true;
    case op_kind::exact_free:
        req_.cmd = mm_cmd::free_exact;
        req_.pfn = op.pfn;
        req_.size_bytes = op.size_pages * kPageBytes;
        transact();
        page_ops_++;
        return true;
    }
    return true;
}

/* do_exit: free what the process still holds, then its address space. */
void process::finish(bool killed)
{
    for (const page_op &op : wl_.live_frees())
        issue(op, local_s());
    req_.cmd = mm_cmd::process_exit;
    transact();
    qk_.sync();
    if (killed) {
        killed_ = true;
    } else {
        exited_ = true;
        rec_.row(sc_core::sc_time_stamp(), "process_exit", spec_.name, (int64_t)page_ops_);
    }
}

void process::run()
{
    if (spec_.start_s > 0)
        sc_core::wait(sc_time(spec_.start_s, SC_SEC));
    /* fork + exec: the process exists (and can be chosen by the OOM killer) from now on */
    qk_.reset();
    req_.cmd = mm_cmd::process_start;
    req_.oom_score_adj = spec_.oom_score_adj;
    req_.name = spec_.name.c_str();
    transact();
    if (req_.owner == MM_NIL) {
        rec_.row(sc_core::sc_time_stamp(), "process_exit", spec_.name, -1);
        exited_ = true;
        return;
    }
    task_.task.owner = req_.owner;
    rec_.add_process(req_.owner, this);
    started_ = true;
    rec_.row(sc_core::sc_time_stamp(), "process_start", spec_.name, spec_.oom_score_adj);
    double stop = spec_.stop_s;
    for (;;) {
        if (killed_)
            break;
        double due = wl_.next_time();
        if (due < 0 || (stop >= 0 && due >= stop)) {
            qk_.sync();
            if (stop < 0) {
                sc_core::wait(kill_event_); /* idle until the run ends (or a kill) */
                continue;
            }
            double now = sc_core::sc_time_stamp().to_seconds();
            if (stop > now)
                sc_core::wait(sc_time(stop - now, SC_SEC), kill_event_);
            if (killed_)
                break;
            finish(false);
            return;
        }
        double now = local_s();
        if (due > now) {
            qk_.set(sc_time(due, SC_SEC) - sc_core::sc_time_stamp());
            if (qk_.need_sync())
                qk_.sync();
            now = due;
        }
        if (killed_)
            break;
        page_op op = wl_.next(now);
        if (!issue(op, now))
            killed_ = true;
    }
    qk_.sync();
    finish(true);
}

} // namespace mmsim
