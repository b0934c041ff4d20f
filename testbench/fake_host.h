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
	enum Kind { EVENT, SWAP_WRITE, SWAP_READ, FILE_WRITE, FILE_READ, IO_WAIT, WAKE_KSWAPD, OOM_KILLED } kind;
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

	// Index of the first step of kind (and event type) at or after from; -1 if none.
	long find(FakeStep::Kind kind, int event = -1, size_t from = 0) const;
	size_t count(FakeStep::Kind kind, int event = -1) const;

private:
	mm_host host_;
	uint64_t pending_io_ = 0;
	void log(FakeStep::Kind k, int ev, uint32_t owner, int64_t a, int64_t b, int64_t c);
	static FakeHost *self(void *ctx) { return static_cast<FakeHost *>(ctx); }
};
