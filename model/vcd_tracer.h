/*
 * waves.vcd through SystemC's own VCD writer: plain variables, updated by the
 * sampler at each sample, registered with sc_trace under dotted names that
 * mirror the module tree (SystemC turns the dots into VCD scopes). Time unit
 * 1 ns. The writer stamps the wall-clock date into the header: close()
 * overwrites that one line in place with fixed text of the same length, so
 * the same scenario and seed give a byte-identical file.
 */
#ifndef MMSIM_MODEL_VCD_TRACER_H
#define MMSIM_MODEL_VCD_TRACER_H

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <systemc>

#include "sample.h"

namespace mmsim {

/* How the .gtkw shows a signal. */
enum class wave_kind { analog, state_kswapd, state_proc, pulse, count };

struct wave_signal {
    std::string group;   /* .gtkw group */
    std::string name;    /* dotted name below the VCD's top scope */
    unsigned width;      /* bits */
    wave_kind kind;
};

class vcd_tracer {
public:
    /* path without ".vcd"; zone_names: populated zones; proc_names: process names. */
    vcd_tracer(const std::string &path_stem, const std::vector<std::string> &zone_names,
               const std::vector<std::string> &proc_names);
    ~vcd_tracer();

    void update(const sample &s);
    /* Close the file and make its header deterministic. */
    void close();
    const std::vector<wave_signal> &signals() const { return signals_; }

private:
    void add(const std::string &group, const std::string &name, uint32_t &var, wave_kind kind);
    void add(const std::string &group, const std::string &name, uint8_t &var, wave_kind kind);
    void add(const std::string &group, const std::string &name, bool &var);

    std::string path_;
    sc_core::sc_trace_file *tf_ = nullptr;
    std::vector<wave_signal> signals_;
    /* traced storage (deques: stable addresses) */
    std::deque<uint32_t> u32_;
    std::deque<uint8_t> u8_;
    std::deque<bool> bits_;
    uint32_t *nr_free_, *wmin_, *wlow_, *whigh_, *anon_, *file_, *kernel_, *lru_[4], *blocks_[MM_NR_PAGE_ORDERS];
    uint32_t *freeswap_, *inflight_, *zram_, *dr_tasks_, *oom_kills_;
    uint8_t *kswapd_state_;
    bool *oom_pulse_;
    std::vector<uint32_t *> zone_free_;
    std::vector<uint8_t *> proc_state_;
    std::vector<uint32_t *> proc_rss_;
};

/* A VCD/GTKWave-safe identifier: letters, digits and '_' only. */
std::string wave_identifier(const std::string &name);

} // namespace mmsim

#endif
