#include "top.h"

#include <algorithm>
#include <cinttypes>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "gtkw_writer.h"
#include "prng.h"
#include "run_metrics.h"
#include "text_file.h"

namespace mmsim {

void init_model_time()
{
    static bool done = false;
    if (!done)
        sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
    done = true;
}

mm_config make_mm_config(const Scenario &s)
{
    mm_config cfg;
    mm_config_default(&cfg, s.machine.ram_bytes / kPageBytes);
    cfg.layout = s.machine.layout == Layout::x86_64 ? MM_LAYOUT_X86_64 : MM_LAYOUT_SINGLE;
    for (int z = 0; z < kNrZones && z < MM_MAX_NR_ZONES; z++)
        cfg.zone[z].managed = s.machine.managed_pages[z];
    cfg.min_free_kbytes = s.policy.min_free_kbytes;
    cfg.thp_min_free = s.machine.thp;
    cfg.watermark_scale_factor = (unsigned)s.policy.watermark_scale_factor;
    cfg.swappiness = (unsigned)s.policy.swappiness;
    cfg.swap_pages = s.machine.swap_bytes / kPageBytes;
    cfg.swap_rotational = s.machine.swap_device == SwapDevice::hdd;
    /* zram's block device is BLK_FEAT_SYNCHRONOUS: swapon sets SWP_SYNCHRONOUS_IO */
    cfg.swap_synchronous_io = s.machine.swap_device == SwapDevice::zram;
    cfg.page_cluster = (unsigned)s.policy.page_cluster;
    cfg.swap_vma_readahead = s.policy.swap_vma_readahead;
    /* zram_write_page compresses inline: swap-out to zram is synchronous in either mode */
    cfg.swap_writeout_async = s.machine.swap_writeout == SwapWriteout::async &&
                              s.machine.swap_device != SwapDevice::zram;
    cfg.exact_policy = s.policy.exact_policy == ExactPolicy::fit_and_free ? MM_EXACT_FIT_AND_FREE : MM_EXACT_KERNEL;
    size_t owners = s.processes.size() + s.files.size() + 8;
    if (cfg.max_owners < owners)
        cfg.max_owners = (unsigned)owners;
    return cfg;
}

swap_profile make_swap_profile(const Machine &m)
{
    swap_profile p;
    swap_profile_by_name(to_string(m.swap_device), p);
    if (m.swap_read_latency_us > 0)
        p.read_ns = m.swap_read_latency_us * 1000;
    if (m.swap_write_latency_us > 0)
        p.write_ns = m.swap_write_latency_us * 1000;
    if (m.swap_bandwidth_mbps > 0)
        p.bandwidth_mbps = m.swap_bandwidth_mbps;
    if (m.swap_queue_depth > 0)
        p.queue_depth = (unsigned)m.swap_queue_depth;
    if (m.zram_ratio > 0)
        p.compress_ratio = m.zram_ratio;
    return p;
}

cpu_costs make_cpu_costs(const CpuCosts &c)
{
    cpu_costs k;
    k.ns[MM_COST_ALLOC_FAST] = c.alloc_fast_ns;
    k.ns[MM_COST_FREE] = c.free_ns;
    k.ns[MM_COST_PAGE_SCANNED] = c.page_scanned_ns;
    k.ns[MM_COST_PAGE_UNMAPPED] = c.page_unmapped_ns;
    k.ns[MM_COST_PAGE_FREED] = c.page_freed_ns;
    k.ns[MM_COST_OOM_SELECT] = c.oom_select_ns;
    return k;
}

top::top(sc_core::sc_module_name name, const Scenario &s, const top_options &opt)
    : sc_module(name), sc_(s), opt_(opt)
{
    const bool files = !opt.out_dir.empty();
    rec_ = std::make_unique<run_recorder>(files ? opt.out_dir + "/events.csv" : "");
    if (!rec_->ok())
        throw std::runtime_error("cannot write " + opt.out_dir + "/events.csv");

    mm_config cfg = make_mm_config(s);
    swap_profile prof = make_swap_profile(s.machine);
    swap_profile disk_prof;
    swap_profile_by_name("nvme", disk_prof);
    /* scale < 1: each simulated page stands for 1/scale pages, so per-page times grow by 1/scale */
    const double per_page = 1.0 / s.scale;
    cpu_costs costs = make_cpu_costs(s.cpu);
    for (double &ns : costs.ns)
        ns *= per_page;
    for (swap_profile *p : {&prof, &disk_prof}) {
        p->read_ns *= per_page;
        p->write_ns *= per_page;
        p->bandwidth_mbps /= per_page;
    }
    try {
        alloc_ = std::make_unique<allocator_target>("allocator", cfg, costs, prof.cpu_bound,
                                                    prof.compress_ratio);
    } catch (const std::invalid_argument &e) {
        throw std::runtime_error(std::string("machine: ") + e.what());
    }
    alloc_->set_observer(rec_.get());
    alloc_->set_request_limits(prof.nr_requests, disk_prof.nr_requests);
    uint64_t frames = 0;
    std::vector<std::string> zone_names;
    for (int z = 0; z < MM_MAX_NR_ZONES; z++) {
        mm_zone_info zi;
        mm_zone_get_info(alloc_->node(), (mm_zone_type)z, &zi);
        if (zi.start_pfn + zi.spanned > frames)
            frames = zi.start_pfn + zi.spanned;
        if (zi.populated)
            zone_names.push_back(zi.name);
    }
    dram_ = std::make_unique<dram>("dram", frames, s.cpu.dram_bandwidth_gbps / per_page);
    swap_ = std::make_unique<swap_device>("swap", prof, cfg.swap_pages);
    disk_ = std::make_unique<swap_device>("disk", disk_prof, 0);
    bus_ = std::make_unique<mm_bus>("bus");
    alloc_->dram_socket.bind(dram_->socket);
    alloc_->swap_socket.bind(swap_->socket);
    alloc_->disk_socket.bind(disk_->socket);
    bus_->init_socket.bind(alloc_->socket);

    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.run.quantum_us, sc_core::SC_US));

    char err[256];
    std::vector<uint64_t> file_pages;
    for (const FileSpec &f : s.files) {
        uint32_t id = mm_owner_create(alloc_->node(), MM_OWNER_FILE, 0, f.name.c_str(), err, sizeof err);
        if (id == MM_NIL)
            throw std::runtime_error("file " + f.name + ": " + err);
        file_owner_.push_back(id);
        file_pages.push_back(f.size_pages);
    }
    std::vector<std::string> proc_names;
    for (size_t i = 0; i < s.processes.size(); i++) {
        const Process &p = s.processes[i];
        uint32_t file = MM_NIL;
        uint64_t fpages = 0;
        for (size_t f = 0; f < s.files.size(); f++) {
            if (s.files[f].name == p.file.name) {
                file = file_owner_[f];
                fpages = file_pages[f];
            }
        }
        uint64_t seed = s.run.seed ^ name_hash(p.name) ^ (0x9E3779B97F4A7C15ull * (i + 1));
        std::string mod = "proc_" + wave_identifier(p.name);
        procs_.push_back(std::make_unique<process>(mod.c_str(), p, file, fpages, seed, *rec_));
        procs_.back()->socket.bind(bus_->targ_socket);
        proc_names.push_back(p.name);
    }
    kswapd_ = std::make_unique<kswapd>("kswapd0", alloc_->kswapd_event(), rec_.get());
    kswapd_->socket.bind(bus_->targ_socket);

    if (files) {
        csv_ = std::fopen((opt.out_dir + "/timeseries.csv").c_str(), "w");
        if (!csv_)
            throw std::runtime_error("cannot write " + opt.out_dir + "/timeseries.csv");
        std::fputs(timeseries_header(), csv_);
        std::fputc('\n', csv_);
        if (s.run.vcd)
            vcd_ = std::make_unique<vcd_tracer>(opt.out_dir + "/waves.vcd", zone_names, proc_names);
    }
    sample_sources src{alloc_.get(), swap_.get(), kswapd_.get(), {}, rec_.get()};
    for (auto &p : procs_)
        src.processes.push_back(p.get());
    sampler_ = std::make_unique<sampler>("sampler", src, s.run, csv_, vcd_.get(), opt.progress);
}

top::~top()
{
    if (csv_)
        std::fclose(csv_);
}

void top::start_of_simulation()
{
    for (size_t f = 0; f < sc_.files.size(); f++) {
        const FileSpec &fs = sc_.files[f];
        if (fs.prepopulate_pages > 0)
            alloc_->prepopulate_file(file_owner_[f], fs.prepopulate_pages, fs.active_share, fs.dirty_share);
    }
}

uint64_t top::page_ops() const
{
    uint64_t n = 0;
    for (auto &p : procs_)
        n += p->page_ops();
    return n;
}

namespace {
std::string dump_text(size_t (*fn)(const mm_node *, char *, size_t), const mm_node *n)
{
    size_t need = fn(n, nullptr, 0);
    std::string s(need + 1, '\0');
    fn(n, s.data(), s.size());
    s.resize(need);
    return s;
}

std::string json_string(const std::string &v)
{
    std::string o = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\')
            o += '\\';
        if ((unsigned char)c < 0x20)
            continue;
        o += c;
    }
    return o + "\"";
}
} // namespace

void top::finish(double wall_s)
{
    if (csv_) {
        std::fclose(csv_);
        csv_ = nullptr;
    }
    rec_->flush();
    for (const auto &p : procs_)
        p->record_unfinished(sc_core::sc_time_stamp());
    if (opt_.out_dir.empty())
        return;
    const std::string &d = opt_.out_dir;
    double end_s = sc_core::sc_time_stamp().to_seconds();
    if (vcd_) {
        if (!vcd_->close(sc_core::sc_time_stamp()))
            throw std::runtime_error("cannot write " + d + "/waves.vcd");
        if (!write_gtkw(d, vcd_->signals(), end_s))
            throw std::runtime_error("cannot write " + d + "/waves.gtkw");
    }
    const mm_node *n = alloc_->node();
    if (sc_.run.proc) {
        std::filesystem::create_directories(d + "/proc");
        bool ok = write_text(d + "/proc/buddyinfo", dump_text(mm_dump_buddyinfo, n)) &&
                  write_text(d + "/proc/zoneinfo", dump_text(mm_dump_zoneinfo, n)) &&
                  write_text(d + "/proc/vmstat", dump_text(mm_dump_vmstat, n)) &&
                  write_text(d + "/proc/meminfo", dump_text(mm_dump_meminfo, n));
        if (!ok)
            throw std::runtime_error("cannot write " + d + "/proc/");
    }
    const run_recorder &r = *rec_;
    /* processes throttle and wait for device requests only inside direct reclaim */
    uint64_t dr_throttles = 0;
    sc_core::sc_time dr_throttle, dr_request_wait;
    for (const auto &p : procs_) {
        dr_throttles += p->task().throttles;
        dr_throttle += p->task().throttle_time;
        dr_request_wait += p->task().request_wait_time;
    }
    char buf[1536];
    std::string first_oom = r.first_oom_kill_s < 0 ? "null" : std::to_string(r.first_oom_kill_s);
    /* exact (every swap-out), not only at the samples */
    const uint64_t peak_swap = std::max(alloc_->peak_swap_used(), sampler_->peak_swap_used());
    std::snprintf(buf, sizeof buf,
                  "{\"scenario\": %s, \"duration_s\": %.6f, \"peak_swap_used_pages\": %" PRIu64
                  ", \"kswapd_wakes\": %" PRIu64 ", \"direct_reclaim_stalls\": %" PRIu64
                  ", \"direct_reclaim_total_ms\": %.3f, \"direct_reclaim_longest_ms\": %.3f, \"oom_kills\": %" PRIu64
                  ", \"first_oom_kill_s\": %s, \"pswpout\": %" PRIu64 ", \"pswpin\": %" PRIu64
                  ", \"page_ops\": %" PRIu64 ", \"wall_s\": %.3f, \"end\": %s, \"swapin_tags_verified\": %" PRIu64
                  ", \"swapin_tags_lost\": %" PRIu64 ", \"swap_writeout\": \"%s\", \"direct_reclaim_throttles\": %" PRIu64
                  ", \"direct_reclaim_throttle_ms\": %.3f, \"direct_reclaim_request_wait_ms\": %.3f"
                  ", \"kswapd_throttles\": %" PRIu64 ", \"kswapd_throttle_ms\": %.3f",
                  json_string(sc_.name).c_str(), end_s, peak_swap, r.kswapd_wakes,
                  r.direct_reclaim_stalls, r.direct_reclaim_total_ms, r.direct_reclaim_longest_ms, r.oom_kills,
                  first_oom.c_str(), mm_event_count(n, PSWPOUT), mm_event_count(n, PSWPIN), page_ops(), wall_s,
                  json_string(sampler_->end_reason()).c_str(), alloc_->tags_verified(), alloc_->tags_lost(),
                  alloc_->async_writeout() ? "async" : "sync", dr_throttles, dr_throttle.to_seconds() * 1e3,
                  dr_request_wait.to_seconds() * 1e3, kswapd_->task().throttles,
                  kswapd_->task().throttle_time.to_seconds() * 1e3);
    /* metrics.csv's figures, also in summary.json (null when empty; names already there are not repeated) */
    run_end e;
    e.peak_swap_used_pages = peak_swap;
    e.free_under_pressure_pages = sampler_->free_under_pressure();
    e.free_min_pages = sampler_->free_min();
    e.sim_time_s = end_s;
    e.wall_time_s = wall_s;
    std::vector<metric> m = collect_metrics(r, n, e);
    std::string json = buf;
    for (const metric &x : m) {
        if (x.name == "direct_reclaim_total_ms" || x.name == "direct_reclaim_longest_ms" ||
            x.name == "first_oom_kill_s")
            continue;
        json += ", \"" + x.name + "\": " + (x.value.empty() ? "null" : x.value);
    }
    json += "}\n";
    if (!write_text(d + "/metrics.csv", metrics_csv(m)))
        throw std::runtime_error("cannot write " + d + "/metrics.csv");
    if (!write_text(d + "/latency_hist.csv", latency_hist_csv(r.latency)))
        throw std::runtime_error("cannot write " + d + "/latency_hist.csv");
    if (!write_text(d + "/summary.json", json))
        throw std::runtime_error("cannot write " + d + "/summary.json");
}

} // namespace mmsim
