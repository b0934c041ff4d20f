/*
 * A process: an SC_THREAD initiator that replays its workload through the
 * allocator target, loosely timed (tlm_quantumkeeper: page operations carry
 * their time as annotation and the thread yields once per quantum or when a
 * transaction had to wait). It starts at start_s, exits at stop_s (frees its
 * kernel allocations, then mm_owner_exit), and ends at once when the OOM
 * killer chose it.
 */
#ifndef MMSIM_MODEL_PROCESS_H
#define MMSIM_MODEL_PROCESS_H

#include <cstdint>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "allocator_target.h"
#include "scenario.h"
#include "workload.h"

namespace mmsim {

class run_recorder;

/* The state traced per process (waves/proc_state.txt names them). */
enum class proc_state : uint8_t { not_started = 0, running = 1, stalled = 2, killed = 3, exited = 4 };

class process : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<process> socket;

    /* file: the c_core owner of its file (MM_NIL = none). Its own owner is created when it starts. */
    process(sc_core::sc_module_name name, const Process &spec, uint32_t file, uint64_t file_pages, uint64_t seed,
            run_recorder &rec);
    ~process() override;

    const std::string &proc_name() const { return spec_.name; }
    uint32_t owner() const { return task_.task.owner; } /* MM_NIL before it starts */
    proc_state state() const;
    /* Nothing left to do: exited, killed, or every stream finished. */
    bool idle() const { return killed_ || exited_ || (started_ && wl_.next_time() < 0); }
    uint64_t page_ops() const { return page_ops_; }
    const initiator_task &task() const { return task_; }
    /*
     * At the end of the run: an allocation still waiting (in direct reclaim or for its swap-in)
     * counts with the time it has waited so far, and so does a direct-reclaim stall in progress;
     * without this the longest waits of a run that ends inside them would vanish.
     */
    void record_unfinished(const sc_core::sc_time &end);
    /* The OOM killer chose this process (its memory is already reaped). */
    void mark_killed()
    {
        killed_ = true;
        kill_event_.notify(sc_core::SC_ZERO_TIME);
    }

private:
    void run();
    bool issue(const page_op &op, double now_s);
    uint64_t transact();
    void finish(bool killed);
    double local_s() const;
    sc_core::sc_time local_time() const; /* SystemC time plus the quantum keeper's offset */

    Process spec_;
    uint32_t file_;
    run_recorder &rec_;
    workload wl_;
    initiator_task task_;
    tlm_utils::tlm_quantumkeeper qk_;
    tlm::tlm_generic_payload gp_;
    mm_request req_;
    uint64_t page_ops_ = 0;
    bool pending_ = false;         /* an anon fault is in its transaction */
    double pending_since_s_ = 0;   /* when it was issued (local time, s) */
    double pending_period_s_ = 0;  /* its stream's period (coordinated-omission correction) */
    bool started_ = false, killed_ = false, exited_ = false;
    sc_core::sc_event kill_event_;
};

} // namespace mmsim

#endif
