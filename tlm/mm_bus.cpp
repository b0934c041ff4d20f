#include "mm_bus.h"

namespace mmsim {

mm_bus::mm_bus(sc_core::sc_module_name name) : sc_module(name), targ_socket("targ_socket"), init_socket("init_socket")
{
    targ_socket.register_b_transport(this, &mm_bus::b_transport);
}

void mm_bus::b_transport(int, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    init_socket->b_transport(gp, delay);
}

} // namespace mmsim
