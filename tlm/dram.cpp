#include "dram.h"

#include <cstring>

namespace mmsim {

dram::dram(sc_core::sc_module_name name, uint64_t nr_frames, double bandwidth_gbps)
    : sc_module(name), socket("socket"), tags_(nr_frames, 0),
      page_time_(4096.0 / bandwidth_gbps, sc_core::SC_NS)
{
    socket.register_b_transport(this, &dram::b_transport);
    socket.register_get_direct_mem_ptr(this, &dram::get_direct_mem_ptr);
}

void dram::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    uint64_t addr = gp.get_address();
    unsigned len = gp.get_data_length();
    if (addr % 4 || len % 4 || addr + len > tags_.size() * 4) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    unsigned char *mem = reinterpret_cast<unsigned char *>(tags_.data()) + addr;
    if (gp.is_write())
        std::memcpy(mem, gp.get_data_ptr(), len);
    else if (gp.is_read())
        std::memcpy(gp.get_data_ptr(), mem, len);
    delay += page_time_ * (double)(len / 4);
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool dram::get_direct_mem_ptr(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
{
    dmi.allow_read_write();
    dmi.set_dmi_ptr(reinterpret_cast<unsigned char *>(tags_.data()));
    dmi.set_start_address(0);
    dmi.set_end_address(tags_.size() * 4 - 1);
    dmi.set_read_latency(page_time_);
    dmi.set_write_latency(page_time_);
    return true;
}

} // namespace mmsim
