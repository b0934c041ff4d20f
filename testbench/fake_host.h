// A fake host for c_core tests: a counter clock (ns) advanced by CPU-cost
// reports and I/O waits, and a log of the steps c_core takes, in order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

struct FakeStep {
	enum Kind { EVENT, SWAP_WRITE, SWAP_READ, FILE_WRITE, FILE_READ, IO_WAIT, WAKE_KSWAPD, OOM_KILLED,
		    THROTTLE, THROTTLE_WAKE, END_WRITEBACK } kind;
	int event;      // enum mm_event_type for EVENT
	uint32_t owner; // owner of the task or victim
	int64_t a, b, c;
	uint64_t time_ns;
};

class FakeHost {
public:
	FakeHost();
	const mm_host *host() const { return &host_; }

	uint64_t now_ns = 0;
	uint64_t cpu_ns[MM_NR_COSTS] = {};   // cost of each MM_COST_* unit
	uint64_t io_latency_ns = 100000;      // one io_wait with I/O pending
	bool record = true;                   // keep the step log
	std::vector<FakeStep> steps;
	uint64_t swap_writes = 0, swap_reads = 0, file_writes = 0, file_reads = 0, io_waits = 0;
	uint64_t kswapd_wakes = 0;
	bool kswapd_woken = false;            // set by wake_kswapd, cleared by the test's kswapd
	std::vector<uint32_t> oom_victims;
	std::function<void()> on_io_wait;     // runs "other threads" while a task waits
	std::function<void(const mm_event &)> on_event;

	// Asynchronous swap-out (mm_config.swap_writeout_async): set node and async; each
	// swap/file write then completes io_latency_ns after its submission (in order) and is
	// ended (mm_end_writeback) by writeback_poll, by throttle, or by complete_writes.
	// A submission with nr_requests writes in flight first waits for the oldest one
	// (blk-mq tag wait). THROTTLE steps: a = reason, b = timeout, c = time waited.
	mm_node *node = nullptr;
	bool async = false;
	unsigned nr_requests = 64;
	uint64_t io_service_ns = 0;           // async: a write completes at least this long after the previous one
	uint64_t writebacks_ended = 0, throttles = 0, throttle_ns = 0;
	struct Write { uint64_t done_ns; uint32_t pfn; };
	std::vector<Write> inflight;          // submission order = completion order
	// End every write completed by 'until' (all: UINT64_MAX); returns how many.
	size_t complete_writes(uint64_t until = UINT64_MAX);

	// Index of the first step of kind (and event type) at or after from; -1 if none.
	long find(FakeStep::Kind kind, int event = -1, size_t from = 0) const;
	size_t count(FakeStep::Kind kind, int event = -1) const;

private:
	mm_host host_;
	uint64_t pending_io_ = 0;
	bool throttle_woken_ = false;
	void submit_write(uint32_t pfn);
	void log(FakeStep::Kind k, int ev, uint32_t owner, int64_t a, int64_t b, int64_t c);
	static FakeHost *self(void *ctx) { return static_cast<FakeHost *>(ctx); }
};

// A node with the kernel defaults for ram_pages, swap_pages of swap and swappiness.
mm_node *make_node(FakeHost &h, uint64_t ram_pages, uint64_t swap_pages, unsigned swappiness = 60);

// The kswapd thread as the SystemC layer runs it, on the fake host's millisecond steps:
// sleep until woken, balance_pgdat, nap 100 ms (kswapd_try_to_sleep), sleep or balance again.
class KswapdSim {
public:
	KswapdSim(mm_node *n, FakeHost &h) : n_(n), h_(h) { task_.owner = MM_NIL; task_.flags = MM_PF_KSWAPD; }
	enum State { SLEEP, NAP, RUN };
	// One step at time now_ms; returns the state after it.
	State step(uint64_t now_ms);
	State state() const { return state_; }
	uint64_t balance_runs = 0, full_sleeps = 0;
	std::function<void()> on_sleep; // called each time kswapd goes to full sleep
	mm_task *task() { return &task_; }

private:
	mm_node *n_;
	FakeHost &h_;
	mm_task task_{};
	State state_ = SLEEP;
	uint64_t nap_end_ = 0;
	int order_ = 0, zoneidx_ = MM_MAX_NR_ZONES - 1, reclaim_order_ = 0;
};
