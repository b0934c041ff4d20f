/*
 * DRAM: the physical frames. A frame's content is one 4-byte tag that its
 * owner writes; the target's address space is the tag array (address =
 * pfn * 4). Reading or writing a tag stands for moving the whole 4 KiB page,
 * so each access costs page_time = 4096 B / bandwidth (zeroing on
 * allocation, copies for swap I/O). b_transport adds it to the delay; DMI
 * hands the tag array out with the same figure as read and write latency.
 */
#ifndef MMSIM_TLM_DRAM_H
#define MMSIM_TLM_DRAM_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace mmsim {

class dram : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<dram> socket;

    dram(sc_core::sc_module_name name, uint64_t nr_frames, double bandwidth_gbps);

    /* Time to zero or copy one 4 KiB page. */
    const sc_core::sc_time &page_time() const { return page_time_; }
    uint32_t tag(uint32_t pfn) const { return tags_[pfn]; }
    uint64_t nr_frames() const { return tags_.size(); }

private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);

    std::vector<uint32_t> tags_;
    sc_core::sc_time page_time_;
};

} // namespace mmsim

#endif
