/*
 * The page allocator as a TLM-2.0 target around c_core. It owns the
 * mm_node and implements c_core's host interface (struct mm_host):
 *  - cpu costs become annotated time of the calling task;
 *  - swap and file I/O go out through its initiator sockets to the swap
 *    device and the file disk, which tell when each transfer completes;
 *    content tags move between the DRAM frames and the swap slots;
 *  - io_wait waits (sc wait) until the calling task's I/O has completed;
 *  - wake_kswapd notifies kswapd_event();
 *  - oom_killed and trace events go to the observer (the model).
 * Requests arrive in b_transport as a generic payload with an mm_request
 * extension. Direct reclaim runs inside b_transport in the caller's thread,
 * so the caller's stall is real simulated time.
 */
#ifndef MMSIM_TLM_ALLOCATOR_TARGET_H
#define MMSIM_TLM_ALLOCATOR_TARGET_H

#include <cstdint>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mm_request.h"
#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

namespace mmsim {

/* CPU time per unit of work c_core reports (defaults: docs/devices.md, "CPU costs"). */
struct cpu_costs {
    double ns[MM_NR_COSTS] = {
        150, /* MM_COST_ALLOC_FAST */
        100, /* MM_COST_FREE */
        40,  /* MM_COST_PAGE_SCANNED */
        250, /* MM_COST_PAGE_UNMAPPED */
        100, /* MM_COST_PAGE_FREED */
        500, /* MM_COST_OOM_SELECT */
    };
};

/* One calling thread (a process or kswapd): c_core's "current" plus its timing state. */
struct initiator_task {
    std::string name;
    mm_task task{};                       /* task.host_ctx points back here */
    sc_core::sc_time *delay = nullptr;    /* the running transaction's annotated delay */
    sc_core::sc_time io_done;             /* completion of the last I/O it submitted */
    sc_core::sc_time io_wait_time;        /* total time spent in io_wait */
    uint64_t io_waits = 0;
    sc_core::sc_time request_wait_time;   /* async swap-out: waiting for a free device request */
    bool request_waited = false;          /* since its last io_wait */
    sc_core::sc_time throttle_time;       /* total time spent in reclaim_throttle */
    uint64_t throttles = 0;
    bool in_throttle = false;
    bool in_direct_reclaim = false;
    bool in_io_wait = false;
    sc_core::sc_time reclaim_begin;
    /* simulated time this task spent in wait() inside transactions (host_io_wait, the only wait there) */
    sc_core::sc_time waited;
    /* host_file_read marks when it submitted a page-cache fill's read (the allocation is done) */
    bool file_read_marked = false;
    sc_core::sc_time file_read_at;

    initiator_task(const std::string &n, uint32_t owner, unsigned flags)
        : name(n)
    {
        task.owner = owner;
        task.flags = flags;
        task.host_ctx = this;
    }
    initiator_task(const initiator_task &) = delete;
    initiator_task &operator=(const initiator_task &) = delete;
};

/* What the model hears from the allocator (times are the caller's local time). */
class allocator_observer {
public:
    virtual ~allocator_observer() = default;
    virtual void on_event(const sc_core::sc_time &when, const initiator_task *task, const mm_event &ev) = 0;
    virtual void on_oom_killed(const sc_core::sc_time &when, uint32_t owner) = 0;
};

class allocator_target : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<allocator_target> socket;
    tlm_utils::simple_initiator_socket<allocator_target> swap_socket;
    tlm_utils::simple_initiator_socket<allocator_target> disk_socket;
    tlm_utils::simple_initiator_socket<allocator_target> dram_socket;

    /* Throws std::invalid_argument with c_core's one-line message when cfg is not valid. */
    allocator_target(sc_core::sc_module_name name, const mm_config &cfg, const cpu_costs &costs,
                     bool swap_cpu_bound, double zram_ratio);
    ~allocator_target() override;

    mm_node *node() { return node_; }
    const mm_node *node() const { return node_; }
    sc_core::sc_event &kswapd_event() { return kswapd_event_; }
    void set_observer(allocator_observer *obs) { observer_ = obs; }

    /* Tasks now inside direct reclaim, and the time with at least one inside. */
    unsigned direct_reclaim_tasks() const { return direct_reclaim_tasks_; }
    sc_core::sc_time direct_reclaim_busy() const;
    /* Fill a file's page cache before the run starts (no simulated time passes). */
    void prepopulate_file(uint32_t file, uint64_t pages, double active_share, double dirty_share);
    /* Swap-ins whose tag matched / did not match what the owner wrote. */
    uint64_t tags_verified() const { return tags_verified_; }
    uint64_t tags_lost() const { return tags_lost_; }
    /* Pages held by the zram pool (kernel pages). */
    uint64_t zram_pool_pages() const { return zram_pool_.size(); }
    uint64_t transactions() const { return transactions_; }
    /* The most swap slots in use at once (checked at every swap-out, where use grows). */
    uint64_t peak_swap_used() const { return peak_swap_used_; }

    /*
     * Asynchronous swap-out (mm_config.swap_writeout_async, issue 8): reclaim writes are
     * ended (mm_end_writeback) at their completion time by a SC_METHOD, or earlier by the
     * writing task's own poll once its local time has passed it. A submission finding
     * nr_requests writes of the same device in flight first waits (annotated time) for
     * the oldest to complete: the block layer's request limit (blk_mq_get_tag).
     */
    bool async_writeout() const { return async_; }
    void set_request_limits(unsigned swap_nr_requests, unsigned disk_nr_requests);
    uint64_t writebacks_ended() const { return writebacks_ended_; }
    uint64_t writebacks_in_flight() const { return completions_.size(); }

    /*
     * mmsim run --check=N (issue 7): c_core's mm_check after every N-th transaction
     * (one page operation each; 0 = never). A violation keeps its message and stops
     * the simulation (sc_stop); the caller reports it.
     */
    void set_check_interval(uint64_t every) { check_every_ = every; }
    /* mm_check now; false on a violation (the first one is kept in check_failure()). */
    bool run_check();
    const std::string &check_failure() const { return check_failure_; }
    uint64_t checks_run() const { return checks_run_; }

    /* The content a page's owner writes (never 0, the tag of a zeroed frame). */
    static uint32_t anon_tag(uint32_t owner, uint32_t vpn);
    static uint32_t file_tag(uint32_t file, uint32_t index);

private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    void start_of_simulation() override;
    void execute(mm_request &req);
    void settle_zram_pool();
    initiator_task *task_of(mm_task *t) const;
    uint32_t *frame_tags();
    void charge(const sc_core::sc_time &t) { *current_->delay += t; }
    sc_core::sc_time local_now() const;
    sc_core::sc_time submit(tlm::tlm_command cmd, uint64_t slot, uint32_t &tag, bool swap, bool track = true);
    void submit_writeback(uint32_t pfn, uint64_t address, uint32_t tag, bool swap);
    void end_writebacks(const sc_core::sc_time &until);
    void complete_writebacks();

    /* struct mm_host callbacks */
    static void host_swap_write(void *ctx, mm_task *t, uint32_t pfn, uint32_t slot);
    static void host_swap_read(void *ctx, mm_task *t, uint32_t slot, uint32_t pfn);
    static void host_file_write(void *ctx, mm_task *t, uint32_t pfn, uint32_t file, uint32_t index);
    static void host_file_read(void *ctx, mm_task *t, uint32_t file, uint32_t index, uint32_t pfn);
    static void host_io_wait(void *ctx, mm_task *t);
    static void host_cpu(void *ctx, mm_task *t, mm_cpu_cost what, uint64_t count);
    static void host_wake_kswapd(void *ctx);
    static void host_oom_killed(void *ctx, uint32_t owner);
    static void host_event(void *ctx, const mm_event *ev);
    static void host_writeback_poll(void *ctx, mm_task *t);
    static void host_throttle(void *ctx, mm_task *t, mm_throttle_reason reason, uint64_t timeout_ns);
    static void host_throttle_wake(void *ctx, mm_throttle_reason reason);

    mm_node *node_ = nullptr;
    sc_core::sc_time cost_[MM_NR_COSTS];
    bool swap_cpu_bound_;
    double zram_ratio_;
    sc_core::sc_event kswapd_event_;
    allocator_observer *observer_ = nullptr;
    initiator_task *current_ = nullptr;   /* whose transaction runs now */
    const mm_request *request_ = nullptr; /* the request being executed */
    uint32_t *tags_ = nullptr;            /* DRAM frame tags (DMI) */
    sc_core::sc_time page_time_;          /* DRAM: zero or copy one page */
    tlm::tlm_generic_payload io_gp_;
    unsigned direct_reclaim_tasks_ = 0;
    sc_core::sc_time dr_busy_total_, dr_busy_since_;
    bool instant_ = false;                /* prepopulation: I/O takes no time */
    uint64_t tags_verified_ = 0, tags_lost_ = 0;
    std::vector<uint32_t> zram_pool_;     /* pfns of the pool's pages */
    initiator_task zram_task_{"zram", MM_OWNER_KERNEL_ID, 0};
    bool settling_ = false;
    uint64_t transactions_ = 0;
    uint64_t peak_swap_used_ = 0;
    uint64_t check_every_ = 0, checks_run_ = 0;
    std::string check_failure_;

    /* asynchronous swap-out */
    struct writeback_done {
        sc_core::sc_time done;
        uint64_t seq;  /* submission order: ties end in it */
        uint32_t pfn;
        bool operator>(const writeback_done &o) const { return done != o.done ? done > o.done : seq > o.seq; }
    };
    bool async_ = false;
    std::priority_queue<writeback_done, std::vector<writeback_done>, std::greater<writeback_done>> completions_;
    uint64_t writeback_seq_ = 0, writebacks_ended_ = 0;
    unsigned nr_requests_[2] = {64, 64};               /* disk, swap */
    std::multiset<sc_core::sc_time> requests_[2];      /* completion times of writes in flight */
    sc_core::sc_event writeback_event_;
    sc_core::sc_event throttle_event_[MM_NR_THROTTLE];
};

} // namespace mmsim

#endif
