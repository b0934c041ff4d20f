#include "swap_device.h"

#include <algorithm>

using sc_core::sc_time;
using sc_core::SC_NS;

namespace mmsim {

swap_device::swap_device(sc_core::sc_module_name name, const swap_profile &profile, uint64_t nr_slots)
    : sc_module(name), socket("socket"), profile_(profile), slot_tag_(nr_slots, 0),
      channel_free_(std::max(1u, profile.queue_depth), sc_core::SC_ZERO_TIME),
      transfer_(4096.0 * 1000.0 / profile.bandwidth_mbps, SC_NS)
{
    socket.register_b_transport(this, &swap_device::b_transport);
}

unsigned swap_device::inflight(const sc_time &now)
{
    while (!done_.empty() && done_.top() <= now)
        done_.pop();
    return (unsigned)done_.size();
}

sc_time swap_device::schedule(const sc_time &arrival, bool write, uint64_t slot)
{
    sc_time latency(write ? profile_.write_ns : profile_.read_ns, SC_NS);
    sc_time done;
    if (profile_.cpu_bound) {
        done = arrival + latency;
    } else if (((!write && plug_.open && arrival == plug_.arrival) ||
                (write && plug_.write && arrival < plug_.start)) &&
               slot == plug_.last_slot + 1 && (plug_.pages + 1) * 4096u <= kMaxMergeBytes) {
        /* blk_attempt_plug_merge / elv_merge (back merge): one more page of the same request */
        bus_free_ += transfer_;
        done = std::max(plug_.done + transfer_, bus_free_);
        channel_free_[plug_.channel] = std::max(channel_free_[plug_.channel], done);
        plug_.done = done;
        plug_.last_slot = slot;
        plug_.pages++;
        (write ? merged_writes_ : merged_reads_)++;
    } else {
        auto ch = std::min_element(channel_free_.begin(), channel_free_.end());
        sc_time start = std::max(arrival, *ch);
        bus_free_ = std::max(bus_free_, start) + transfer_;
        done = std::max(start + latency, bus_free_);
        *ch = done;
        plug_.open = !write;
        plug_.write = write;
        plug_.arrival = arrival;
        plug_.start = start;
        plug_.done = done;
        plug_.last_slot = slot;
        plug_.pages = 1;
        plug_.channel = (size_t)(ch - channel_free_.begin());
    }
    /* drop what completed by now: nobody asks the file disk for inflight(), and its
       queue grew by one entry per I/O for the whole run (found by the endurance run) */
    inflight(sc_core::sc_time_stamp());
    done_.push(done);
    return done;
}

void swap_device::b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    uint64_t slot = gp.get_address() / 4096;
    bool keeps = slot < slot_tag_.size();
    if (gp.get_data_length() < 4) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    sc_time now = sc_core::sc_time_stamp();
    switch (gp.get_command()) {
    case tlm::TLM_WRITE_COMMAND: {
        uint32_t tag;
        std::copy_n(gp.get_data_ptr(), 4, reinterpret_cast<unsigned char *>(&tag));
        if (keeps)
            slot_tag_[slot] = tag;
        writes_++;
        delay = schedule(now + delay, true, slot) - now;
        break;
    }
    case tlm::TLM_READ_COMMAND: {
        uint32_t tag = keeps ? slot_tag_[slot] : 0;
        std::copy_n(reinterpret_cast<unsigned char *>(&tag), 4, gp.get_data_ptr());
        reads_++;
        delay = schedule(now + delay, false, slot) - now;
        break;
    }
    default:
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace mmsim
