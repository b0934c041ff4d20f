/*
 * waves.vcd: the signals a run traces, under dotted names that mirror the
 * module tree (the VCD nests them as scopes under "SystemC"), set from each
 * sample and written by vcd_writer at the sample period. Time unit 1 ns.
 */
#ifndef MMSIM_MODEL_VCD_TRACER_H
#define MMSIM_MODEL_VCD_TRACER_H

#include <cstdint>
#include <string>
#include <vector>

#include "sample.h"
#include "vcd_writer.h"

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
    /* zone_names: populated zones; proc_names: process names. Throws std::runtime_error if path cannot be written. */
    vcd_tracer(const std::string &path, const std::vector<std::string> &zone_names,
               const std::vector<std::string> &proc_names);

    void update(const sample &s);
    /* Write the end time and close; false on an I/O error. */
    bool close(const sc_core::sc_time &end);
    const std::vector<wave_signal> &signals() const { return signals_; }

private:
    size_t add(const std::string &group, const std::string &name, unsigned width, wave_kind kind);
    static uint64_t ns(const sc_core::sc_time &t);

    vcd_writer w_;
    std::vector<wave_signal> signals_;
    size_t nr_free_, wmin_, wlow_, whigh_, anon_, file_, kernel_, lru_[4], blocks_[MM_NR_PAGE_ORDERS];
    size_t freeswap_, inflight_, zram_, kswapd_state_, dr_tasks_, oom_pulse_, oom_kills_;
    std::vector<size_t> zone_free_, proc_state_, proc_rss_;
    bool closed_ = false;
};

/* A VCD/GTKWave-safe identifier: letters, digits and '_' only. */
std::string wave_identifier(const std::string &name);

} // namespace mmsim

#endif
