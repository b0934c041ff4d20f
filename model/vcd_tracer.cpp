#include "vcd_tracer.h"

#include <cctype>
#include <cstdio>
#include <cstring>

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

void vcd_tracer::add(const std::string &group, const std::string &name, uint32_t &var, wave_kind kind)
{
    sc_core::sc_trace(tf_, var, name);
    signals_.push_back({group, name, 32, kind});
}

void vcd_tracer::add(const std::string &group, const std::string &name, uint8_t &var, wave_kind kind)
{
    sc_core::sc_trace(tf_, var, name);
    signals_.push_back({group, name, 8, kind});
}

void vcd_tracer::add(const std::string &group, const std::string &name, bool &var)
{
    sc_core::sc_trace(tf_, var, name);
    signals_.push_back({group, name, 1, wave_kind::pulse});
}

vcd_tracer::vcd_tracer(const std::string &path_stem, const std::vector<std::string> &zone_names,
                       const std::vector<std::string> &proc_names)
    : path_(path_stem + ".vcd")
{
    tf_ = sc_core::sc_create_vcd_trace_file(path_stem.c_str());
    tf_->set_time_unit(1, sc_core::SC_NS);
    auto u32 = [&]() { u32_.push_back(0); return &u32_.back(); };
    auto u8 = [&]() { u8_.push_back(0); return &u8_.back(); };
    const std::string node = "mm.node0.";
    nr_free_ = u32(); wmin_ = u32(); wlow_ = u32(); whigh_ = u32();
    add("Free memory", node + "nr_free_pages", *nr_free_, wave_kind::analog);
    add("Free memory", node + "wmark_min", *wmin_, wave_kind::analog);
    add("Free memory", node + "wmark_low", *wlow_, wave_kind::analog);
    add("Free memory", node + "wmark_high", *whigh_, wave_kind::analog);
    for (const std::string &z : zone_names) {
        zone_free_.push_back(u32());
        add("Free memory", node + "zone_" + wave_identifier(z) + ".nr_free", *zone_free_.back(),
            wave_kind::analog);
    }
    anon_ = u32(); file_ = u32(); kernel_ = u32();
    add("Page types", node + "nr_anon_mapped", *anon_, wave_kind::analog);
    add("Page types", node + "nr_file_pages", *file_, wave_kind::analog);
    add("Page types", node + "nr_kernel_pages", *kernel_, wave_kind::analog);
    static const char *lru_names[4] = {"inactive_anon", "active_anon", "inactive_file", "active_file"};
    for (int i = 0; i < 4; i++) {
        lru_[i] = u32();
        add("LRU", node + "lru." + lru_names[i], *lru_[i], wave_kind::analog);
    }
    for (int o = 0; o < MM_NR_PAGE_ORDERS; o++) {
        blocks_[o] = u32();
        add("Free blocks per order", node + "buddy.free_o" + std::to_string(o), *blocks_[o], wave_kind::analog);
    }
    freeswap_ = u32(); inflight_ = u32(); zram_ = u32();
    add("Swap", "swap.dev0.free_swap", *freeswap_, wave_kind::analog);
    add("Swap", "swap.dev0.io_inflight", *inflight_, wave_kind::analog);
    add("Swap", "swap.dev0.zram_pool_pages", *zram_, wave_kind::analog);
    kswapd_state_ = u8();
    dr_tasks_ = u32();
    oom_kills_ = u32();
    bits_.push_back(false);
    oom_pulse_ = &bits_.back();
    add("Reclaim", "kswapd0.state", *kswapd_state_, wave_kind::state_kswapd);
    add("Reclaim", "mm.direct_reclaim_tasks", *dr_tasks_, wave_kind::count);
    add("Reclaim", "oom.kill", *oom_pulse_);
    add("Reclaim", "oom.kills", *oom_kills_, wave_kind::count);
    for (const std::string &p : proc_names) {
        std::string id = wave_identifier(p);
        proc_state_.push_back(u8());
        proc_rss_.push_back(u32());
        add("Processes", "proc." + id + ".state", *proc_state_.back(), wave_kind::state_proc);
        add("Processes", "proc." + id + ".rss_pages", *proc_rss_.back(), wave_kind::analog);
    }
}

vcd_tracer::~vcd_tracer() { close(); }

void vcd_tracer::update(const sample &s)
{
    *nr_free_ = (uint32_t)s.nr_free_pages;
    *wmin_ = (uint32_t)s.wmark_min;
    *wlow_ = (uint32_t)s.wmark_low;
    *whigh_ = (uint32_t)s.wmark_high;
    for (size_t i = 0; i < zone_free_.size() && i < s.zone_free.size(); i++)
        *zone_free_[i] = (uint32_t)s.zone_free[i];
    *anon_ = (uint32_t)s.nr_anon_mapped;
    *file_ = (uint32_t)s.nr_file_pages;
    *kernel_ = (uint32_t)s.nr_kernel_pages;
    for (int i = 0; i < 4; i++)
        *lru_[i] = (uint32_t)s.lru[i];
    for (int o = 0; o < MM_NR_PAGE_ORDERS; o++)
        *blocks_[o] = (uint32_t)s.free_blocks[o];
    *freeswap_ = (uint32_t)s.freeswap;
    *inflight_ = s.swap_io_inflight;
    *zram_ = (uint32_t)s.zram_pool_pages;
    *kswapd_state_ = (uint8_t)s.kswapd_state;
    *dr_tasks_ = s.direct_reclaim_tasks;
    *oom_pulse_ = s.oom_kills_in_period > 0;
    *oom_kills_ = (uint32_t)s.oom_kill;
    for (size_t i = 0; i < proc_state_.size() && i < s.proc_state.size(); i++) {
        *proc_state_[i] = s.proc_state[i];
        *proc_rss_[i] = (uint32_t)s.proc_rss[i];
    }
}

void vcd_tracer::close()
{
    if (!tf_)
        return;
    sc_core::sc_close_vcd_trace_file(tf_);
    tf_ = nullptr;
    /* "$date\n<line>\n$end": replace <line> by fixed text of the same length */
    FILE *f = std::fopen(path_.c_str(), "r+b");
    if (!f)
        return;
    char head[512];
    size_t n = std::fread(head, 1, sizeof head - 1, f);
    head[n] = '\0';
    const char *d = std::strstr(head, "$date\n");
    if (d) {
        const char *line = d + 6;
        const char *end = std::strchr(line, '\n');
        if (end) {
            std::string fixed = "     (date omitted)";
            fixed.resize((size_t)(end - line), ' ');
            std::fseek(f, (long)(line - head), SEEK_SET);
            std::fwrite(fixed.data(), 1, fixed.size(), f);
        }
    }
    std::fclose(f);
}

} // namespace mmsim
