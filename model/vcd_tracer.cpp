#include "vcd_tracer.h"

#include <cctype>
#include <stdexcept>

namespace mmsim {

std::string wave_identifier(const std::string &name)
{
    std::string out;
    for (char c : name)
        out += std::isalnum((unsigned char)c) ? c : '_';
    if (out.empty() || std::isdigit((unsigned char)out[0]))
        out = "p_" + out;
    return out;
}

size_t vcd_tracer::add(const std::string &group, const std::string &name, unsigned width, wave_kind kind)
{
    signals_.push_back({group, name, width, kind});
    return w_.add(name, width);
}

uint64_t vcd_tracer::ns(const sc_core::sc_time &t) { return to_ns(t); }

vcd_tracer::vcd_tracer(const std::string &path, const std::vector<std::string> &zone_names,
                       const std::vector<std::string> &proc_names)
{
    const std::string node = "mm.node0.";
    const wave_kind A = wave_kind::analog, N = wave_kind::count;
    /* .gtkw order: the story first (free memory, reclaim, processes), then the details */
    nr_free_ = add("Free memory", node + "nr_free_pages", 32, A);
    wmin_ = add("Free memory", node + "wmark_min", 32, N);
    wlow_ = add("Free memory", node + "wmark_low", 32, N);
    whigh_ = add("Free memory", node + "wmark_high", 32, N);
    for (const std::string &z : zone_names)
        zone_free_.push_back(add("Free memory", node + "zone_" + wave_identifier(z) + ".nr_free", 32, A));
    kswapd_state_ = add("Reclaim", "kswapd0.state", 8, wave_kind::state_kswapd);
    dr_tasks_ = add("Reclaim", "mm.direct_reclaim_tasks", 32, A);
    oom_pulse_ = add("Reclaim", "oom.kill", 1, wave_kind::pulse);
    oom_kills_ = add("Reclaim", "oom.kills", 32, N);
    for (const std::string &p : proc_names) {
        std::string id = wave_identifier(p);
        proc_state_.push_back(add("Processes", "proc." + id + ".state", 8, wave_kind::state_proc));
        proc_rss_.push_back(add("Processes", "proc." + id + ".rss_pages", 32, A));
    }
    freeswap_ = add("Swap", "swap.dev0.free_swap", 32, A);
    inflight_ = add("Swap", "swap.dev0.io_inflight", 32, A);
    zram_ = add("Swap", "swap.dev0.zram_pool_pages", 32, A);
    anon_ = add("Page types", node + "nr_anon_mapped", 32, A);
    file_ = add("Page types", node + "nr_file_pages", 32, A);
    kernel_ = add("Page types", node + "nr_kernel_pages", 32, A);
    static const char *lru_names[4] = {"inactive_anon", "active_anon", "inactive_file", "active_file"};
    for (int i = 0; i < 4; i++)
        lru_[i] = add("LRU", node + "lru." + lru_names[i], 32, A);
    for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
        blocks_[o] = add("Free blocks per order", node + "buddy.free_o" + std::to_string(o), 32, A);
    if (!w_.open(path))
        throw std::runtime_error("cannot write " + path);
}

void vcd_tracer::update(const sample &s)
{
    w_.set(nr_free_, s.nr_free_pages);
    w_.set(wmin_, s.wmark_min);
    w_.set(wlow_, s.wmark_low);
    w_.set(whigh_, s.wmark_high);
    for (size_t i = 0; i < zone_free_.size() && i < s.zone_free.size(); i++)
        w_.set(zone_free_[i], s.zone_free[i]);
    w_.set(anon_, s.nr_anon_mapped);
    w_.set(file_, s.nr_file_pages);
    w_.set(kernel_, s.nr_kernel_pages);
    for (int i = 0; i < 4; i++)
        w_.set(lru_[i], s.lru[i]);
    for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
        w_.set(blocks_[o], s.free_blocks[o]);
    w_.set(freeswap_, s.freeswap);
    w_.set(inflight_, s.swap_io_inflight);
    w_.set(zram_, s.zram_pool_pages);
    w_.set(kswapd_state_, s.kswapd_state);
    w_.set(dr_tasks_, s.direct_reclaim_tasks);
    w_.set(oom_pulse_, s.oom_kills_in_period > 0);
    w_.set(oom_kills_, s.oom_kill);
    for (size_t i = 0; i < proc_state_.size() && i < s.proc_state.size(); i++) {
        w_.set(proc_state_[i], s.proc_state[i]);
        w_.set(proc_rss_[i], s.proc_rss[i]);
    }
    w_.sample(ns(s.time));
}

bool vcd_tracer::close(const sc_core::sc_time &end)
{
    if (!closed_)
        w_.close(ns(end));
    closed_ = true;
    return w_.ok();
}

} // namespace mmsim
