/*
 * The swap device: a TLM-2.0 target that stores one content tag per swap slot
 * and tells, through the annotated delay, when each 4 KiB transfer completes.
 *
 * Commands (tlm_generic_payload, address = slot * 4096, data = the 4-byte tag):
 *   TLM_WRITE_COMMAND  swap-out: the tag is stored in the slot;
 *   TLM_READ_COMMAND   swap-in: the slot's tag is returned.
 * On return, sc_time_stamp() + delay is the time the transfer completes: the
 * device serves queue_depth requests at once (the others wait in its queue)
 * and moves at most bandwidth_mbps all together. b_transport never waits, so
 * an initiator may have many transfers in flight (it waits for them itself).
 * A cpu_bound profile (zram) completes after its latency with no queueing:
 * the submitting task spends that time compressing (the allocator charges it).
 *
 * Plug merge (the block layer's blk_attempt_plug_merge): a read that arrives
 * at the same time as the previous request, a read of the slot before it,
 * joins that request: it adds one transfer time, not another latency, up to
 * kMaxMergeBytes per request. Swap readahead submits its reads this way, so
 * an HDD serves a readahead window with one seek.
 * Elevator merge (the I/O scheduler's back merge, elv_merge): a write of the
 * slot after the last write request joins it while that request still waits
 * in the queue (not yet dispatched), up to kMaxMergeBytes. Swap-out allocates
 * slots in order, so on a queue-depth-1 disk a reclaim batch becomes a few long
 * writes; on SSDs, whose channels are rarely all busy, writes still go out one
 * by one (the same time within a few percent: latency + transfers either way).
 */
#ifndef MMSIM_TLM_SWAP_DEVICE_H
#define MMSIM_TLM_SWAP_DEVICE_H

#include <cstdint>
#include <queue>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "swap_profile.h"

namespace mmsim {

class swap_device : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<swap_device> socket;

    /* nr_slots: slots whose content the device keeps (0 = timing only, e.g. the file disk). */
    swap_device(sc_core::sc_module_name name, const swap_profile &profile, uint64_t nr_slots);

    const swap_profile &profile() const { return profile_; }
    static constexpr unsigned kMaxMergeBytes = 128 * 1024; /* one merged read at most */
    /* Pages submitted and not yet complete at simulated time now (a merged read counts its pages). */
    unsigned inflight(const sc_core::sc_time &now);
    uint64_t reads() const { return reads_; }
    uint64_t writes() const { return writes_; }
    uint64_t merged_reads() const { return merged_reads_; } /* reads that joined the previous request */
    uint64_t merged_writes() const { return merged_writes_; } /* writes that joined a queued write */

private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    sc_core::sc_time schedule(const sc_core::sc_time &arrival, bool write, uint64_t slot);

    swap_profile profile_;
    std::vector<uint32_t> slot_tag_;
    std::vector<sc_core::sc_time> channel_free_; /* when each of the queue_depth channels is free */
    sc_core::sc_time bus_free_;                  /* when the device's bandwidth is free */
    sc_core::sc_time transfer_;                  /* 4096 B / bandwidth */
    std::priority_queue<sc_core::sc_time, std::vector<sc_core::sc_time>, std::greater<sc_core::sc_time>>
        done_;                                   /* completion times not yet passed */
    uint64_t reads_ = 0, writes_ = 0, merged_reads_ = 0, merged_writes_ = 0;
    struct {
        bool open = false;         /* the last request was a read that a next one may join */
        bool write = false;        /* the last request was a write (elevator merge while queued) */
        sc_core::sc_time arrival, start, done;
        uint64_t last_slot = 0;
        unsigned pages = 0;
        size_t channel = 0;
    } plug_;                                     /* the last read request, for plug merging */
};

} // namespace mmsim

#endif
