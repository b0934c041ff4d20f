/*
 * Swap-device profiles: 4 KiB read/write latency, bandwidth, queue depth,
 * and for zram the compression ratio. Figures and sources: docs/devices.md.
 */
#ifndef MMSIM_TLM_SWAP_PROFILE_H
#define MMSIM_TLM_SWAP_PROFILE_H

#include <string>
#include <vector>

namespace mmsim {

struct swap_profile {
    std::string name;
    double read_ns = 0;          /* one 4 KiB read at queue depth 1 */
    double write_ns = 0;         /* one 4 KiB write at queue depth 1 */
    double bandwidth_mbps = 0;   /* MB/s (10^6 B/s) the device moves at most, all requests together */
    unsigned queue_depth = 1;    /* requests the device serves at once; more wait in its queue */
    bool cpu_bound = false;      /* zram: the latency is CPU time of the submitting task (synchronous) */
    double compress_ratio = 1;   /* zram: mean original/compressed size */
    unsigned nr_requests = 0;    /* block layer: requests in flight before a submitter waits (asynchronous
                                    swap-out); 0 for zram, which has no request queue */
};

/* The named profile ("zram", "nvme", "sata_ssd", "hdd"); false when unknown. */
bool swap_profile_by_name(const std::string &name, swap_profile &out);
/* All profile names, in the order docs/devices.md lists them. */
std::vector<std::string> swap_profile_names();

} // namespace mmsim

#endif
