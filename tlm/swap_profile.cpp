#include "swap_profile.h"

namespace mmsim {

namespace {
/* Sources for every figure: docs/devices.md (from shared/docs/device-profiles.md). */
swap_profile make(const char *name, double rd_ns, double wr_ns, double mbps, unsigned qd, bool cpu, double ratio,
                  unsigned nr_requests)
{
    swap_profile p;
    p.name = name;
    p.read_ns = rd_ns;
    p.write_ns = wr_ns;
    p.bandwidth_mbps = mbps;
    p.queue_depth = qd;
    p.cpu_bound = cpu;
    p.compress_ratio = ratio;
    p.nr_requests = nr_requests;
    return p;
}

/*
 * nr_requests (block/blk-mq-sched.c, blk_mq_init_sched): an I/O scheduler gives a queue
 * 2 * min(tag-set depth, BLKDEV_DEFAULT_RQ = 128) requests: SATA (libata, 32 tags, mq-deadline)
 * 64; NVMe uses no scheduler and has its tag-set depth, io_queue_depth 1024 - 1 = 1023.
 */
const std::vector<swap_profile> &profiles()
{
    static const std::vector<swap_profile> all = {
        /* zram lz4, x86: read 1.71 us (fio pc=0), write 4096 B / 620 MB/s = 6.6 us, 7943 MiB/s,
           one stream per CPU (2), lz4 ratio 2.63 per fio */
        make("zram", 1710, 6600, 8329, 2, true, 2.63, 0),
        /* Samsung 980 1 TB: 17 k read / 54 k write IOPS at QD1, 3000 MB/s write, QD 32 */
        make("nvme", 59000, 18500, 3000, 32, false, 1, 1023),
        /* Samsung 870 EVO 1 TB: 13 k read / 36 k write IOPS at QD1, 530 MB/s write, QD 32 */
        make("sata_ssd", 77000, 28000, 530, 32, false, 1, 64),
        /* HGST Ultrastar 7K4000: seek 8.2 ms + rotational 4.17 ms, 175 MB/s, QD 1 */
        make("hdd", 12370000, 12370000, 175, 1, false, 1, 64),
    };
    return all;
}
} // namespace

bool swap_profile_by_name(const std::string &name, swap_profile &out)
{
    for (const swap_profile &p : profiles()) {
        if (p.name == name) {
            out = p;
            return true;
        }
    }
    return false;
}

std::vector<std::string> swap_profile_names()
{
    std::vector<std::string> names;
    for (const swap_profile &p : profiles())
        names.push_back(p.name);
    return names;
}

} // namespace mmsim
