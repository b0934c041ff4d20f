/*
 * kswapd0: an SC_THREAD that sleeps on the allocator's kswapd event, runs
 * balance_pgdat through the allocator target (stalling on its own swap
 * I/O), then tries to sleep by the kernel's rule (kswapd_try_to_sleep: a
 * 100 ms nap that a wake-up cuts short, then a full sleep if still ready),
 * using c_core's kswapd functions for every decision.
 */
#ifndef MMSIM_MODEL_KSWAPD_H
#define MMSIM_MODEL_KSWAPD_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "allocator_target.h"

namespace mmsim {

class run_recorder;

/* Traced kswapd state (outputs.md): 0 sleeping, 1 running, 2 napping. */
enum class kswapd_state : uint8_t { sleeping = 0, running = 1, napping = 2 };

class kswapd : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<kswapd> socket;

    kswapd(sc_core::sc_module_name name, sc_core::sc_event &wake, run_recorder *rec);
    ~kswapd() override;

    kswapd_state state() const { return state_; }
    /* Simulated time spent running (balancing) up to now. */
    sc_core::sc_time running_time() const;
    const initiator_task &task() const { return task_; }
    uint64_t balance_runs() const { return runs_; }

private:
    void run();
    void transact(mm_cmd cmd);
    void set_state(kswapd_state s);

    sc_core::sc_event &wake_;
    run_recorder *rec_;
    initiator_task task_;
    tlm::tlm_generic_payload gp_;
    mm_request req_;
    kswapd_state state_ = kswapd_state::sleeping;
    sc_core::sc_time running_total_, running_since_;
    uint64_t runs_ = 0;
};

} // namespace mmsim

#endif
