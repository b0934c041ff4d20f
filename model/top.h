/*
 * The top of the model: builds the machine of a scenario and wires it.
 *
 *   process[i] --\
 *   kswapd0 -----+--> bus --> allocator --> dram      (frame tags, DMI)
 *                                     \---> swap      (swap_device, the scenario's profile)
 *                                      \--> disk      (swap_device used for file I/O, nvme profile)
 *   sampler: reads the state every sample period (CSV, VCD)
 */
#ifndef MMSIM_MODEL_TOP_H
#define MMSIM_MODEL_TOP_H

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "allocator_target.h"
#include "dram.h"
#include "kswapd.h"
#include "mm_bus.h"
#include "process.h"
#include "run_recorder.h"
#include "sampler.h"
#include "scenario.h"
#include "swap_device.h"
#include "vcd_tracer.h"

namespace mmsim {

/* c_core's configuration for a scenario's machine and policy. */
mm_config make_mm_config(const Scenario &s);
/* The scenario's swap profile with its overrides applied. */
swap_profile make_swap_profile(const Machine &m);
cpu_costs make_cpu_costs(const CpuCosts &c);

/*
 * Sets SystemC's time resolution to 1 ns (the VCD's unit, so every change
 * is representable). Call once, before any sc_time is made.
 */
void init_model_time();

struct top_options {
    std::string out_dir;   /* empty: no files (tests, benchmarks) */
    bool progress = false;
};

class top : public sc_core::sc_module {
public:
    /* Throws std::runtime_error with a one-line message (bad configuration, unwritable file). */
    top(sc_core::sc_module_name name, const Scenario &s, const top_options &opt);
    ~top() override;

    allocator_target &allocator() { return *alloc_; }
    swap_device &swap() { return *swap_; }
    kswapd &kswapd0() { return *kswapd_; }
    sampler &sampler0() { return *sampler_; }
    run_recorder &recorder() { return *rec_; }
    const std::vector<std::unique_ptr<process>> &processes() const { return procs_; }
    uint64_t page_ops() const;
    /* After sc_start returned: close the VCD, write gtkw, /proc snapshots and summary.json. */
    void finish(double wall_s);

private:
    void start_of_simulation() override;

    Scenario sc_;
    top_options opt_;
    std::unique_ptr<run_recorder> rec_;
    std::unique_ptr<dram> dram_;
    std::unique_ptr<swap_device> swap_, disk_;
    std::unique_ptr<allocator_target> alloc_;
    std::unique_ptr<mm_bus> bus_;
    std::unique_ptr<kswapd> kswapd_;
    std::vector<std::unique_ptr<process>> procs_;
    std::vector<uint32_t> file_owner_;
    std::unique_ptr<vcd_tracer> vcd_;
    std::unique_ptr<sampler> sampler_;
    FILE *csv_ = nullptr;
};

} // namespace mmsim

#endif
