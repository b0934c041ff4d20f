#include "run_recorder.h"

#include <cinttypes>

#include "process.h"
#include "sample.h"

namespace mmsim {

run_recorder::run_recorder(const std::string &events_path) : events_path_(events_path)
{
    if (events_path_.empty())
        return;
    file_ = std::fopen(events_path_.c_str(), "w");
    if (file_)
        std::fputs("time_s,event,who,a,b,c\n", file_);
}

run_recorder::~run_recorder()
{
    if (file_)
        std::fclose(file_);
}

void run_recorder::add_process(uint32_t owner, process *p) { processes_[owner] = p; }

std::string run_recorder::name_of(uint32_t owner) const
{
    auto it = processes_.find(owner);
    if (it != processes_.end())
        return it->second->proc_name();
    return owner == MM_NIL ? "kswapd0" : "owner" + std::to_string(owner);
}

void run_recorder::row(const sc_core::sc_time &when, const char *event, const std::string &who, int64_t a,
                       int64_t b, int64_t c)
{
    rows++;
    if (!file_)
        return;
    std::fprintf(file_, "%s,%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 "\n", format_seconds(when).c_str(), event,
                 who.c_str(), a, b, c);
}

void run_recorder::flush()
{
    if (file_)
        std::fflush(file_);
}

void run_recorder::on_event(const sc_core::sc_time &when, const initiator_task *task, const mm_event &ev)
{
    switch (ev.type) {
    case MM_EV_KSWAPD_WAKE:
        kswapd_wakes++;
        row(when, "kswapd_wake", "kswapd0", task ? (int64_t)task->task.owner : -1);
        break;
    case MM_EV_DIRECT_RECLAIM_BEGIN:
        row(when, "direct_reclaim_begin", task ? task->name : name_of(ev.owner));
        break;
    case MM_EV_DIRECT_RECLAIM_END: {
        sc_core::sc_time dur = task && when > task->reclaim_begin ? when - task->reclaim_begin
                                                                  : sc_core::SC_ZERO_TIME;
        double ms = dur.to_seconds() * 1e3;
        direct_reclaim_stalls++;
        direct_reclaim_total_ms += ms;
        if (ms > direct_reclaim_longest_ms)
            direct_reclaim_longest_ms = ms;
        row(when, "direct_reclaim_end", task ? task->name : name_of(ev.owner), ev.a,
            (int64_t)to_ns(dur));
        break;
    }
    case MM_EV_OOM_KILL:
        oom_kills++;
        oom_kills_in_period++;
        if (first_oom_kill_s < 0)
            first_oom_kill_s = when.to_seconds();
        row(when, "oom_kill", name_of((uint32_t)ev.a), ev.b, ev.c);
        break;
    case MM_EV_ALLOC_FAIL:
        alloc_fails++;
        row(when, "alloc_fail", task ? task->name : name_of(ev.owner), ev.a, ev.b);
        break;
    default:
        break;
    }
}

void run_recorder::on_oom_killed(const sc_core::sc_time &, uint32_t owner)
{
    auto it = processes_.find(owner);
    if (it != processes_.end())
        it->second->mark_killed();
}

void run_recorder::note_unfinished_stall(double ms)
{
    direct_reclaim_stalls++;
    direct_reclaim_total_ms += ms;
    if (ms > direct_reclaim_longest_ms)
        direct_reclaim_longest_ms = ms;
}

} // namespace mmsim
