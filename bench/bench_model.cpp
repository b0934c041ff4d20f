// bench_model: simulated page operations per wall-clock second, for the
// SystemC model and for c_core alone, on the same scenario workload.
//
//   build/bench/bench_model SCENARIO [--set key=value ...] [--out DIR]
//
// c_core alone: the processes' workloads (model/workload.h, same seeds) are
// merged by due time and replayed with direct c_core calls; the host has no
// clock and no devices (I/O and CPU costs are free), and kswapd's balance
// runs synchronously whenever c_core wakes it.
// SystemC: the full model (threads, transactions, devices, sampler) in a
// forked child, with --out DIR also writing every output file.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"
#include "prng.h"
#include "scenario.h"
#include "top.h"
#include "workload.h"

using namespace mmsim;

namespace {

struct core_host {
    bool kswapd_woken = false;
    std::vector<uint32_t> killed;
    static void wake(void *c) { static_cast<core_host *>(c)->kswapd_woken = true; }
    static void oom(void *c, uint32_t owner) { static_cast<core_host *>(c)->killed.push_back(owner); }
};

struct core_proc {
    const Process *spec;
    std::unique_ptr<workload> wl;
    uint32_t owner = MM_NIL, file = MM_NIL;
    mm_task task{};
    bool started = false, done = false;
};

double now_wall() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void run_kswapd(mm_node *n, core_host &h)
{
    mm_task k{MM_NIL, MM_PF_KSWAPD | MM_PF_MEMALLOC, nullptr};
    for (int round = 0; round < 4 && h.kswapd_woken; round++) {
        h.kswapd_woken = false;
        int order = 0, zoneidx = 0;
        mm_kswapd_take_request(n, &order, &zoneidx);
        int reclaim_order = mm_balance_pgdat(n, &k, order, zoneidx);
        mm_kswapd_step st = mm_kswapd_sleep_begin(n, reclaim_order, zoneidx);
        if (st == MM_KSWAPD_NAP)
            st = mm_kswapd_sleep_after_nap(n, false, reclaim_order, zoneidx);
        if (st == MM_KSWAPD_RUN)
            h.kswapd_woken = true;
    }
    h.kswapd_woken = false;
}

/* Returns page operations done. */
uint64_t run_core_alone(const Scenario &s)
{
    core_host h;
    mm_host host{};
    host.ctx = &h;
    host.wake_kswapd = core_host::wake;
    host.oom_killed = core_host::oom;
    mm_config cfg = make_mm_config(s);
    char err[256];
    mm_node *n = mm_node_create(&cfg, &host, err, sizeof err);
    if (!n) {
        std::fprintf(stderr, "bench_model: %s\n", err);
        std::exit(1);
    }
    std::vector<uint32_t> files;
    mm_task setup{MM_OWNER_KERNEL_ID, 0, nullptr};
    for (const FileSpec &f : s.files) {
        files.push_back(mm_owner_create(n, MM_OWNER_FILE, 0, f.name.c_str(), err, sizeof err));
        for (uint64_t i = 0; i < f.prepopulate_pages; i++) {
            mm_file_read(n, &setup, files.back(), (uint32_t)i);
            if ((uint64_t)((double)(i + 1) * f.active_share) != (uint64_t)((double)i * f.active_share))
                mm_file_read(n, &setup, files.back(), (uint32_t)i);
            if ((uint64_t)((double)(i + 1) * f.dirty_share) != (uint64_t)((double)i * f.dirty_share))
                mm_file_write(n, &setup, files.back(), (uint32_t)i);
        }
    }
    std::vector<core_proc> procs(s.processes.size());
    for (size_t i = 0; i < s.processes.size(); i++) {
        const Process &p = s.processes[i];
        core_proc &c = procs[i];
        c.spec = &p;
        uint64_t fpages = 0;
        for (size_t f = 0; f < s.files.size(); f++)
            if (s.files[f].name == p.file.name)
                c.file = files[f], fpages = s.files[f].size_pages;
        uint64_t seed = s.run.seed ^ name_hash(p.name) ^ (0x9E3779B97F4A7C15ull * (i + 1));
        c.wl = std::make_unique<workload>(p, fpages, seed);
    }
    uint64_t ops = 0;
    for (;;) {
        /* the process with the earliest due event (start, operation or stop) */
        int best = -1;
        double best_t = s.run.duration_s;
        for (size_t i = 0; i < procs.size(); i++) {
            core_proc &c = procs[i];
            if (c.done)
                continue;
            double t = !c.started ? c.spec->start_s : c.wl->next_time();
            if (c.started && c.spec->stop_s >= 0 && (t < 0 || t >= c.spec->stop_s))
                t = c.spec->stop_s;
            if (t >= 0 && t < best_t)
                best = (int)i, best_t = t;
        }
        if (best < 0)
            break;
        core_proc &c = procs[best];
        auto finish = [&]() {
            for (const page_op &op : c.wl->live_frees()) {
                if (op.kind == op_kind::kernel_free)
                    mm_free_pages(n, op.pfn, op.order);
                else
                    mm_free_pages_exact(n, op.pfn, op.size_pages * kPageBytes);
                ops++;
            }
            mm_owner_exit(n, c.owner);
            c.done = true;
        };
        if (!c.started) {
            c.owner = mm_owner_create(n, MM_OWNER_PROCESS, c.spec->oom_score_adj, c.spec->name.c_str(), err, sizeof err);
            c.task.owner = c.owner;
            c.started = true;
            continue;
        }
        if (c.spec->stop_s >= 0 && best_t >= c.spec->stop_s) {
            finish();
            continue;
        }
        page_op op = c.wl->next(best_t);
        bool killed = false;
        switch (op.kind) {
        case op_kind::anon_new:
        case op_kind::anon_touch: {
            unsigned cnt = op.kind == op_kind::anon_new ? 1u << op.order : 1;
            for (unsigned k = 0; k < cnt && !killed; k++, ops++)
                killed = mm_anon_touch(n, &c.task, op.index + k) == MM_FAULT_KILLED;
            break;
        }
        case op_kind::file_read:
            killed = mm_file_read(n, &c.task, c.file, op.index) == MM_FAULT_KILLED;
            ops++;
            break;
        case op_kind::file_write:
            killed = mm_file_write(n, &c.task, c.file, op.index) == MM_FAULT_KILLED;
            ops++;
            break;
        case op_kind::kernel_alloc: {
            mm_alloc_result r{};
            mm_alloc_pages(n, &c.task, op.order, GFP_KERNEL, &r);
            c.wl->allocated(op, r.status == MM_ALLOC_OK ? r.pfn : ~0u, best_t);
            killed = r.status == MM_ALLOC_KILLED;
            ops++;
            break;
        }
        case op_kind::exact_alloc: {
            mm_alloc_result r{};
            uint32_t pfn = mm_alloc_pages_exact(n, &c.task, op.size_pages * kPageBytes, GFP_KERNEL, &r);
            c.wl->allocated(op, r.status == MM_ALLOC_OK ? pfn : ~0u, best_t);
            killed = r.status == MM_ALLOC_KILLED;
            ops++;
            break;
        }
        case op_kind::kernel_free:
            mm_free_pages(n, op.pfn, op.order);
            ops++;
            break;
        case op_kind::exact_free:
            mm_free_pages_exact(n, op.pfn, op.size_pages * kPageBytes);
            ops++;
            break;
        }
        if (h.kswapd_woken)
            run_kswapd(n, h);
        for (uint32_t victim : h.killed)
            for (core_proc &v : procs)
                if (v.owner == victim && v.started && !v.done)
                    killed = killed || &v == &c, v.done = true;
        h.killed.clear();
        if (killed && !c.done)
            c.done = true;
    }
    mm_node_destroy(n);
    return ops;
}

} // namespace

int sc_main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_model SCENARIO [--set key=value ...] [--out DIR]\n");
        return 2;
    }
    Scenario s;
    std::string out;
    try {
        s = load_scenario(argv[1]);
        for (int i = 2; i + 1 < argc; i += 2) {
            if (std::string(argv[i]) == "--set")
                apply_set(s, argv[i + 1]);
            else if (std::string(argv[i]) == "--out")
                out = argv[i + 1];
            else
                throw ScenarioError(std::string("unknown option ") + argv[i]);
        }
        validate_scenario(s);
    } catch (const ScenarioError &e) {
        std::fprintf(stderr, "bench_model: %s\n", e.what());
        return 2;
    }
    std::printf("scenario %s: %.0f s simulated, %zu processes\n", s.name.c_str(), s.run.duration_s, s.processes.size());
    std::fflush(stdout);

    double t0 = now_wall();
    uint64_t core_ops = run_core_alone(s);
    double core_s = now_wall() - t0;
    std::printf("c_core alone : %10llu page ops in %7.3f s wall = %8.2f M page ops/s\n", (unsigned long long)core_ops,
                core_s, core_ops / core_s / 1e6);
    std::fflush(stdout);

    int fd[2];
    if (pipe(fd) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        init_model_time();
        sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
        if (!out.empty())
            std::system(("mkdir -p " + out).c_str());
        double w0 = now_wall();
        top_options opt;
        opt.out_dir = out;
        top t("top", s, opt);
        sc_core::sc_start();
        double w = now_wall() - w0;
        t.finish(w);
        double buf[2] = {(double)t.page_ops(), w};
        if (write(fd[1], buf, sizeof buf) != (ssize_t)sizeof buf)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    double res[2] = {0, 0};
    bool ok = read(fd[0], res, sizeof res) == (ssize_t)sizeof res;
    int st = 0;
    waitpid(pid, &st, 0);
    if (!ok) {
        std::fprintf(stderr, "bench_model: the SystemC run failed\n");
        return 1;
    }
    std::printf("SystemC model: %10llu page ops in %7.3f s wall = %8.2f M page ops/s%s\n",
                (unsigned long long)res[0], res[1], res[0] / res[1] / 1e6, out.empty() ? "" : " (writing outputs)");
    std::printf("ratio SystemC / c_core alone: %.2f\n", (res[0] / res[1]) / (core_ops / core_s));
    return 0;
}

// SystemC prints its banner when the library starts, before sc_main: silence it first.
int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
