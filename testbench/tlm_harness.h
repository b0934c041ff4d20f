// Helpers for the SystemC tests: a small machine (DRAM, swap device, file
// disk, allocator, bus), a scripted initiator thread, and in_child(), which
// runs a SystemC elaboration + simulation in a forked child (SystemC allows
// one elaboration per process; ctest also runs each test in its own process).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "allocator_target.h"
#include "dram.h"
#include "mm_bus.h"
#include "swap_device.h"
#include "top.h"

namespace mmsim_test {

// Runs body in a forked child; the test fails if any assertion inside failed.
inline void in_child(const std::function<void()> &body)
{
    fflush(stdout);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        mmsim::init_model_time();
        sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
        body();
        fflush(stdout);
        _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "the SystemC child crashed (signal " << WTERMSIG(status) << ")";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "assertions failed in the SystemC child (see above)";
}

inline mm_config small_config(uint64_t ram_pages, uint64_t swap_pages)
{
    mm_config cfg;
    mm_config_default(&cfg, ram_pages);
    cfg.swap_pages = swap_pages;
    return cfg;
}

inline mmsim::swap_profile profile(const char *name)
{
    mmsim::swap_profile p;
    EXPECT_TRUE(mmsim::swap_profile_by_name(name, p)) << name;
    return p;
}

// DRAM + swap + disk + allocator + bus, wired.
struct machine {
    std::unique_ptr<mmsim::dram> mem;
    std::unique_ptr<mmsim::swap_device> swap, disk;
    std::unique_ptr<mmsim::allocator_target> alloc;
    std::unique_ptr<mmsim::mm_bus> bus;

    machine(const std::string &prefix, const mm_config &cfg, const mmsim::swap_profile &prof,
            const mmsim::cpu_costs &costs = mmsim::cpu_costs())
    {
        mm_config c = cfg;
        c.swap_synchronous_io = c.swap_synchronous_io || prof.cpu_bound; /* zram, as top.cpp sets it */
        alloc = std::make_unique<mmsim::allocator_target>((prefix + "alloc").c_str(), c, costs, prof.cpu_bound,
                                                          prof.compress_ratio);
        uint64_t frames = 0;
        for (int z = 0; z < MM_MAX_NR_ZONES; z++) {
            mm_zone_info zi;
            mm_zone_get_info(alloc->node(), (mm_zone_type)z, &zi);
            if (zi.start_pfn + zi.spanned > frames)
                frames = zi.start_pfn + zi.spanned;
        }
        mem = std::make_unique<mmsim::dram>((prefix + "dram").c_str(), frames, 10);
        swap = std::make_unique<mmsim::swap_device>((prefix + "swap").c_str(), prof, cfg.swap_pages);
        mmsim::swap_profile nvme;
        mmsim::swap_profile_by_name("nvme", nvme);
        disk = std::make_unique<mmsim::swap_device>((prefix + "disk").c_str(), nvme, 0);
        bus = std::make_unique<mmsim::mm_bus>((prefix + "bus").c_str());
        alloc->dram_socket.bind(mem->socket);
        alloc->swap_socket.bind(swap->socket);
        alloc->disk_socket.bind(disk->socket);
        bus->init_socket.bind(alloc->socket);
    }
    uint32_t new_process(const char *name, int adj = 0)
    {
        char err[128];
        uint32_t id = mm_owner_create(alloc->node(), MM_OWNER_PROCESS, adj, name, err, sizeof err);
        EXPECT_NE(id, MM_NIL) << err;
        return id;
    }
};

// An initiator thread that runs a script; each call is one transaction, and
// the time it took (annotated delay plus waits) is returned in last_elapsed.
class script : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<script> socket;
    mmsim::initiator_task task;
    mmsim::mm_request req;
    tlm::tlm_generic_payload gp;
    sc_core::sc_time local;        // annotated time not yet waited
    sc_core::sc_time last_elapsed;
    std::function<void(script &)> body;

    script(sc_core::sc_module_name n, uint32_t owner, unsigned flags, std::function<void(script &)> b)
        : sc_module(n), socket("socket"), task(std::string(n), owner, flags), body(std::move(b))
    {
        gp.set_command(tlm::TLM_IGNORE_COMMAND);
        gp.set_extension(&req);
        req.task = &task;
        SC_HAS_PROCESS(script);
        SC_THREAD(run);
    }
    ~script() override { gp.clear_extension(&req); }

    sc_core::sc_time now() const { return sc_core::sc_time_stamp() + local; }
    void transact(mmsim::mm_cmd cmd)
    {
        req.cmd = cmd;
        sc_core::sc_time before = now();
        socket->b_transport(gp, local);
        last_elapsed = now() - before;
        if (local > sc_core::sc_time(100, sc_core::SC_US))
            sync();
    }
    void sync()
    {
        sc_core::wait(local);
        local = sc_core::SC_ZERO_TIME;
    }
    mm_alloc_result alloc(unsigned order, gfp_t gfp)
    {
        req.order = order;
        req.gfp = gfp;
        transact(mmsim::mm_cmd::alloc);
        return req.alloc;
    }
    void free(uint32_t pfn, unsigned order)
    {
        req.pfn = pfn;
        req.order = order;
        transact(mmsim::mm_cmd::free);
    }
    mm_fault_result touch(uint32_t vpn)
    {
        req.index = vpn;
        transact(mmsim::mm_cmd::anon_touch);
        return req.fault;
    }

private:
    void run()
    {
        body(*this);
        sync();
    }
};

} // namespace mmsim_test
