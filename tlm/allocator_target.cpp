#include "allocator_target.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include "mmsim/lookup.h"

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

namespace mmsim {

namespace {
uint32_t mix32(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    uint32_t v = (uint32_t)x;
    return v ? v : 1;
}

allocator_target *self(void *ctx) { return static_cast<allocator_target *>(ctx); }
} // namespace

/* The task c_core names, or the one whose transaction runs (c_core passes NULL for frees). */
initiator_task *allocator_target::task_of(mm_task *t) const
{
    if (t && t->host_ctx)
        return static_cast<initiator_task *>(t->host_ctx);
    return current_;
}

uint32_t allocator_target::anon_tag(uint32_t owner, uint32_t vpn)
{
    return mix32(((uint64_t)owner << 32) | vpn);
}

uint32_t allocator_target::file_tag(uint32_t file, uint32_t index)
{
    return mix32(((uint64_t)(file | 0x80000000u) << 32) | index);
}

allocator_target::allocator_target(sc_core::sc_module_name name, const mm_config &cfg,
                                   const cpu_costs &costs, bool swap_cpu_bound, double zram_ratio)
    : sc_module(name), socket("socket"), swap_socket("swap_socket"), disk_socket("disk_socket"),
      dram_socket("dram_socket"), swap_cpu_bound_(swap_cpu_bound), zram_ratio_(zram_ratio)
{
    mm_host host{};
    host.ctx = this;
    host.swap_write = host_swap_write;
    host.swap_read = host_swap_read;
    host.file_write = host_file_write;
    host.file_read = host_file_read;
    host.io_wait = host_io_wait;
    host.cpu = host_cpu;
    host.wake_kswapd = host_wake_kswapd;
    host.oom_killed = host_oom_killed;
    host.event = host_event;
    async_ = cfg.swap_writeout_async;
    if (async_) {
        host.writeback_poll = host_writeback_poll;
        host.throttle = host_throttle;
        host.throttle_wake = host_throttle_wake;
    }
    char err[256] = "";
    node_ = mm_node_create(&cfg, &host, err, sizeof err);
    if (!node_)
        throw std::invalid_argument(err);
    for (int i = 0; i < MM_NR_COSTS; i++)
        cost_[i] = sc_time(costs.ns[i], SC_NS);
    socket.register_b_transport(this, &allocator_target::b_transport);
    SC_HAS_PROCESS(allocator_target);
    SC_METHOD(complete_writebacks);
    sensitive << writeback_event_;
    dont_initialize();
}

allocator_target::~allocator_target() { mm_node_destroy(node_); }

/* The DRAM's frame tags through DMI (fetched once; the DRAM grants the whole array). */
uint32_t *allocator_target::frame_tags()
{
    if (!tags_) {
        tlm::tlm_generic_payload gp;
        tlm::tlm_dmi dmi;
        gp.set_address(0);
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        if (!dram_socket->get_direct_mem_ptr(gp, dmi))
            throw std::runtime_error("allocator_target: the DRAM refused DMI");
        tags_ = reinterpret_cast<uint32_t *>(dmi.get_dmi_ptr());
        page_time_ = dmi.get_write_latency();
    }
    return tags_;
}

sc_time allocator_target::local_now() const
{
    sc_time now = sc_core::sc_time_stamp();
    return current_ && current_->delay ? now + *current_->delay : now;
}

void allocator_target::b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    mm_request *req = gp.get_extension<mm_request>();
    if (!req || !req->task) {
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    frame_tags();
    initiator_task *task = req->task;
    task->delay = &delay;
    current_ = task;
    request_ = req;
    transactions_++;
    execute(*req);
    current_ = task; /* io_wait may have let other tasks run */
    request_ = req;
    settle_zram_pool();
    task->delay = nullptr;
    current_ = nullptr;
    request_ = nullptr;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    if (check_every_ && transactions_ % check_every_ == 0 && !run_check())
        sc_core::sc_stop();
}

bool allocator_target::run_check()
{
    if (!check_failure_.empty())
        return false;
    char msg[256] = "";
    checks_run_++;
    if (mm_check(node_, msg, sizeof msg) == 0)
        return true;
    check_failure_ = msg;
    return false;
}

void allocator_target::execute(mm_request &req)
{
    mm_task *t = &req.task->task;
    switch (req.cmd) {
    case mm_cmd::alloc:
        mm_alloc_pages(node_, t, req.order, req.gfp, &req.alloc);
        if (req.alloc.status == MM_ALLOC_OK && (req.gfp & __GFP_ZERO)) {
            for (uint32_t i = 0; i < (1u << req.order); i++)
                tags_[req.alloc.pfn + i] = 0;
            charge(page_time_ * (double)(1u << req.order));
        }
        break;
    case mm_cmd::free:
        mm_free_pages(node_, req.pfn, req.order);
        break;
    case mm_cmd::alloc_exact:
        req.pfn = mm_alloc_pages_exact(node_, t, req.size_bytes, req.gfp, &req.alloc);
        break;
    case mm_cmd::free_exact:
        mm_free_pages_exact(node_, req.pfn, req.size_bytes);
        break;
    case mm_cmd::anon_touch:
        req.fault = mm_anon_touch(node_, t, req.index);
        if (req.fault == MM_FAULT_MINOR) {
            /* do_anonymous_page: a zeroed page the owner then writes */
            uint32_t pfn = mm_anon_lookup(node_, t->owner, req.index);
            if (pfn != MM_NIL) {
                tags_[pfn] = anon_tag(t->owner, req.index);
                charge(page_time_);
            }
        }
        break;
    case mm_cmd::file_read:
        req.fault = mm_file_read(node_, t, req.file, req.index);
        break;
    case mm_cmd::file_write:
        req.fault = mm_file_write(node_, t, req.file, req.index);
        break;
    case mm_cmd::process_start: {
        char err[128];
        req.owner = mm_owner_create(node_, MM_OWNER_PROCESS, req.oom_score_adj, req.name, err, sizeof err);
        break;
    }
    case mm_cmd::process_exit:
        mm_owner_exit(node_, t->owner);
        break;
    case mm_cmd::kswapd_take: {
        int order = 0;
        mm_kswapd_take_request(node_, &order, &req.zoneidx);
        req.order = (unsigned)order;
        break;
    }
    case mm_cmd::kswapd_balance:
        req.order = (unsigned)mm_balance_pgdat(node_, t, (int)req.order, req.zoneidx);
        break;
    case mm_cmd::kswapd_sleep_begin:
        req.step = mm_kswapd_sleep_begin(node_, (int)req.order, req.zoneidx);
        break;
    case mm_cmd::kswapd_after_nap:
        req.step = mm_kswapd_sleep_after_nap(node_, req.woken_early, (int)req.order, req.zoneidx);
        break;
    }
}

/* zram keeps the compressed pages in RAM: the pool follows the used slots / ratio (zsmalloc pages). */
void allocator_target::settle_zram_pool()
{
    if (!swap_cpu_bound_ || settling_)
        return;
    settling_ = true;
    mm_swapinfo si;
    mm_si_swapinfo(node_, &si);
    uint64_t used = si.totalswap - si.freeswap;
    uint64_t want = (uint64_t)std::ceil((double)used / zram_ratio_);
    zram_task_.delay = current_->delay;
    while (zram_pool_.size() < want) {
        /* zram_write_page's first try: no direct reclaim, may wake kswapd */
        mm_alloc_result res{};
        mm_alloc_pages(node_, &zram_task_.task, 0,
                       __GFP_KSWAPD_RECLAIM | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE, &res);
        if (res.status != MM_ALLOC_OK)
            break;
        zram_pool_.push_back(res.pfn);
    }
    while (zram_pool_.size() > want) {
        mm_free_pages(node_, zram_pool_.back(), 0);
        zram_pool_.pop_back();
    }
    zram_task_.delay = nullptr;
    settling_ = false;
}

sc_time allocator_target::direct_reclaim_busy() const
{
    if (direct_reclaim_tasks_ > 0)
        return dr_busy_total_ + (sc_core::sc_time_stamp() - dr_busy_since_);
    return dr_busy_total_;
}

void allocator_target::prepopulate_file(uint32_t file, uint64_t pages, double active_share, double dirty_share)
{
    initiator_task setup("prepopulate", MM_OWNER_KERNEL_ID, 0);
    sc_time delay;
    setup.delay = &delay;
    frame_tags();
    instant_ = true;
    current_ = &setup;
    for (uint64_t i = 0; i < pages; i++) {
        uint32_t idx = (uint32_t)i;
        mm_file_read(node_, &setup.task, file, idx);
        /* the second access activates (folio_mark_accessed) */
        if ((uint64_t)((double)(i + 1) * active_share) != (uint64_t)((double)i * active_share))
            mm_file_read(node_, &setup.task, file, idx);
        if ((uint64_t)((double)(i + 1) * dirty_share) != (uint64_t)((double)i * dirty_share))
            mm_file_write(node_, &setup.task, file, idx);
        current_ = &setup;
    }
    current_ = nullptr;
    instant_ = false;
}

/* Send one 4 KiB transfer to the swap device or the disk; returns its completion time. */
sc_time allocator_target::submit(tlm::tlm_command cmd, uint64_t slot, uint32_t &tag, bool swap, bool track)
{
    sc_time arrival = *current_->delay;
    io_gp_.set_command(cmd);
    io_gp_.set_address(slot * 4096);
    io_gp_.set_data_ptr(reinterpret_cast<unsigned char *>(&tag));
    io_gp_.set_data_length(4);
    io_gp_.set_streaming_width(4);
    io_gp_.set_byte_enable_ptr(nullptr);
    io_gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = arrival;
    (swap ? swap_socket : disk_socket)->b_transport(io_gp_, d);
    if (io_gp_.is_response_error())
        throw std::runtime_error("allocator_target: I/O error from the " +
                                 std::string(swap ? "swap device" : "disk"));
    sc_time done = sc_core::sc_time_stamp() + d;
    if (instant_)
        return done;
    if (swap && swap_cpu_bound_)
        *current_->delay = d; /* zram: the task itself compressed / decompressed */
    if (track && done > current_->io_done)
        current_->io_done = done;
    return done;
}

void allocator_target::set_request_limits(unsigned swap_nr_requests, unsigned disk_nr_requests)
{
    nr_requests_[1] = std::max(1u, swap_nr_requests);
    nr_requests_[0] = std::max(1u, disk_nr_requests);
}

/* Async swap-out: queue the write (after a free request), and its end at its completion time. */
void allocator_target::submit_writeback(uint32_t pfn, uint64_t address, uint32_t tag, bool swap)
{
    std::multiset<sc_time> &inflight = requests_[swap];
    sc_time local = sc_core::sc_time_stamp() + *current_->delay;
    inflight.erase(inflight.begin(), inflight.upper_bound(local));
    if (!instant_ && inflight.size() >= nr_requests_[swap]) {
        /* blk_mq_get_tag sleeps until enough requests completed */
        auto it = std::next(inflight.begin(), (long)(inflight.size() - nr_requests_[swap]));
        sc_time wait_for = *it - local;
        *current_->delay += wait_for; /* slept in the batch's io_wait */
        current_->request_wait_time += wait_for;
        current_->request_waited = true;
        inflight.erase(inflight.begin(), std::next(it));
    }
    sc_time done = submit(tlm::TLM_WRITE_COMMAND, address, tag, swap, false);
    if (!instant_)
        inflight.insert(done);
    completions_.push({done, writeback_seq_++, pfn});
    if (sc_core::sc_is_running()) /* before the run: start_of_simulation schedules it */
        writeback_event_.notify(completions_.top().done - sc_core::sc_time_stamp());
}

void allocator_target::start_of_simulation()
{
    if (!completions_.empty())
        writeback_event_.notify(completions_.top().done - sc_core::sc_time_stamp());
}

/* folio_end_writeback for every write completed by 'until', in completion order. */
void allocator_target::end_writebacks(const sc_time &until)
{
    initiator_task *saved = current_;
    current_ = nullptr; /* the device's interrupt: nobody's time */
    while (!completions_.empty() && completions_.top().done <= until) {
        uint32_t pfn = completions_.top().pfn;
        completions_.pop();
        mm_end_writeback(node_, pfn);
        writebacks_ended_++;
    }
    current_ = saved;
}

void allocator_target::complete_writebacks()
{
    end_writebacks(sc_core::sc_time_stamp());
    if (!completions_.empty())
        writeback_event_.notify(completions_.top().done - sc_core::sc_time_stamp());
}

void allocator_target::host_swap_write(void *ctx, mm_task *t, uint32_t pfn, uint32_t slot)
{
    allocator_target *a = self(ctx);
    a->current_ = a->task_of(t);
    uint32_t tag = a->tags_[pfn];
    a->charge(a->page_time_); /* the device reads the page out of DRAM */
    if (a->async_)
        a->submit_writeback(pfn, slot, tag, true);
    else
        a->submit(tlm::TLM_WRITE_COMMAND, slot, tag, true);
    mm_swapinfo si;
    mm_si_swapinfo(a->node_, &si);
    if (si.totalswap - si.freeswap > a->peak_swap_used_)
        a->peak_swap_used_ = si.totalswap - si.freeswap;
}

void allocator_target::host_swap_read(void *ctx, mm_task *t, uint32_t slot, uint32_t pfn)
{
    allocator_target *a = self(ctx);
    a->current_ = a->task_of(t);
    uint32_t tag = 0;
    a->submit(tlm::TLM_READ_COMMAND, slot, tag, true);
    a->tags_[pfn] = tag;
    /* c_core mapped the frame first: the faulting page or one swap readahead brought in, maybe another owner's */
    uint32_t owner = 0, vpn = 0;
    if (!mm_pfn_owner(a->node_, pfn, &owner, &vpn) || tag != anon_tag(owner, vpn))
        a->tags_lost_++;
    else
        a->tags_verified_++;
}

void allocator_target::host_file_write(void *ctx, mm_task *t, uint32_t pfn, uint32_t file, uint32_t index)
{
    allocator_target *a = self(ctx);
    a->current_ = a->task_of(t);
    uint32_t tag = a->tags_[pfn];
    a->charge(a->page_time_);
    if (a->async_)
        a->submit_writeback(pfn, ((uint64_t)file << 32) | index, tag, false);
    else
        a->submit(tlm::TLM_WRITE_COMMAND, ((uint64_t)file << 32) | index, tag, false);
}

void allocator_target::host_file_read(void *ctx, mm_task *t, uint32_t file, uint32_t index, uint32_t pfn)
{
    allocator_target *a = self(ctx);
    a->current_ = a->task_of(t);
    if (!a->current_->file_read_marked) {
        a->current_->file_read_marked = true;
        a->current_->file_read_at = a->local_now();
    }
    uint32_t tag = 0;
    a->submit(tlm::TLM_READ_COMMAND, ((uint64_t)file << 32) | index, tag, false);
    a->tags_[pfn] = file_tag(file, index);
}

void allocator_target::host_io_wait(void *ctx, mm_task *t)
{
    allocator_target *a = self(ctx);
    initiator_task *task = a->task_of(t);
    sc_time now = sc_core::sc_time_stamp();
    if (!a->instant_ && task->io_done > now + *task->delay) {
        sc_time wait_for = task->io_done - now;
        task->io_wait_time += task->io_done - (now + *task->delay);
        task->io_waits++;
        *task->delay = SC_ZERO_TIME;
        task->in_io_wait = true;
        task->waited += wait_for;
        sc_core::wait(wait_for);
        task->in_io_wait = false;
    } else if (task->request_waited && !a->instant_ && *task->delay > SC_ZERO_TIME) {
        /* async swap-out: the submissions' sleep for a free request becomes simulated time now,
           so that other tasks see the device as busy as it is */
        sc_time d = *task->delay;
        *task->delay = SC_ZERO_TIME;
        task->in_io_wait = true;
        task->waited += d;
        sc_core::wait(d);
        task->in_io_wait = false;
    }
    task->request_waited = false;
    a->current_ = task;
}

void allocator_target::host_writeback_poll(void *ctx, mm_task *t)
{
    allocator_target *a = self(ctx);
    initiator_task *task = a->task_of(t);
    sc_time local = sc_core::sc_time_stamp() + (task && task->delay ? *task->delay : SC_ZERO_TIME);
    a->end_writebacks(local);
}

/* reclaim_throttle: sleep until woken for reason or timeout_ns passed (from the task's local time). */
void allocator_target::host_throttle(void *ctx, mm_task *t, mm_throttle_reason reason, uint64_t timeout_ns)
{
    allocator_target *a = self(ctx);
    initiator_task *task = a->task_of(t);
    if (a->instant_ || !task || !task->delay)
        return;
    sc_time begin = sc_core::sc_time_stamp() + *task->delay;
    const sc_time stamp0 = sc_core::sc_time_stamp();
    task->in_throttle = true;
    if (*task->delay > SC_ZERO_TIME) {
        sc_time d = *task->delay;
        *task->delay = SC_ZERO_TIME;
        sc_core::wait(d);
    }
    sc_core::wait(sc_time((double)timeout_ns, SC_NS), a->throttle_event_[reason]);
    task->in_throttle = false;
    task->waited += sc_core::sc_time_stamp() - stamp0; /* the delay moved into the wait, plus the sleep */
    task->throttles++;
    task->throttle_time += sc_core::sc_time_stamp() - begin;
    a->current_ = task;
}

void allocator_target::host_throttle_wake(void *ctx, mm_throttle_reason reason)
{
    self(ctx)->throttle_event_[reason].notify(SC_ZERO_TIME);
}

void allocator_target::host_cpu(void *ctx, mm_task *t, mm_cpu_cost what, uint64_t count)
{
    allocator_target *a = self(ctx);
    initiator_task *task = a->task_of(t);
    if (task && task->delay)
        *task->delay += a->cost_[what] * (double)count;
}

void allocator_target::host_wake_kswapd(void *ctx)
{
    allocator_target *a = self(ctx);
    if (a->current_ && a->current_->delay)
        a->kswapd_event_.notify(*a->current_->delay);
    else
        a->kswapd_event_.notify(SC_ZERO_TIME);
}

void allocator_target::host_oom_killed(void *ctx, uint32_t owner)
{
    allocator_target *a = self(ctx);
    if (a->observer_)
        a->observer_->on_oom_killed(a->local_now(), owner);
}

void allocator_target::host_event(void *ctx, const mm_event *ev)
{
    allocator_target *a = self(ctx);
    initiator_task *task = a->current_;
    if (task && ev->type == MM_EV_DIRECT_RECLAIM_BEGIN && !task->in_direct_reclaim) {
        task->in_direct_reclaim = true;
        task->reclaim_begin = a->local_now();
        if (a->direct_reclaim_tasks_++ == 0)
            a->dr_busy_since_ = sc_core::sc_time_stamp();
    }
    if (task && ev->type == MM_EV_DIRECT_RECLAIM_END && task->in_direct_reclaim) {
        task->in_direct_reclaim = false;
        if (--a->direct_reclaim_tasks_ == 0)
            a->dr_busy_total_ += sc_core::sc_time_stamp() - a->dr_busy_since_;
    }
    if (a->observer_)
        a->observer_->on_event(a->local_now(), task, *ev);
}

} // namespace mmsim
