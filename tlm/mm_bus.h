/*
 * The interconnect in front of the allocator target: every process thread and
 * kswapd bind their initiator sockets here (a simple target socket takes one
 * initiator), and the bus forwards each transaction, untouched and in the
 * caller's thread, to the allocator.
 */
#ifndef MMSIM_TLM_MM_BUS_H
#define MMSIM_TLM_MM_BUS_H

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace mmsim {

class mm_bus : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<mm_bus> targ_socket;
    tlm_utils::simple_initiator_socket<mm_bus> init_socket;

    explicit mm_bus(sc_core::sc_module_name name);

private:
    void b_transport(int id, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
};

} // namespace mmsim

#endif
