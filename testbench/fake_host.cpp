#include "fake_host.h"

#include <algorithm>

FakeHost::FakeHost()
{
	for (auto &c : cpu_ns)
		c = 10;
	host_ = {};
	host_.ctx = this;
	host_.swap_write = [](void *ctx, mm_task *t, uint32_t pfn, uint32_t slot) {
		auto *h = self(ctx);
		h->swap_writes++;
		if (h->async)
			h->submit_write(pfn);
		else
			h->pending_io_++;
		h->log(FakeStep::SWAP_WRITE, -1, t ? t->owner : MM_NIL, pfn, slot, 0);
	};
	host_.swap_read = [](void *ctx, mm_task *t, uint32_t slot, uint32_t pfn) {
		auto *h = self(ctx);
		h->swap_reads++;
		h->pending_io_++;
		h->log(FakeStep::SWAP_READ, -1, t ? t->owner : MM_NIL, slot, pfn, 0);
	};
	host_.file_write = [](void *ctx, mm_task *t, uint32_t pfn, uint32_t file, uint32_t index) {
		auto *h = self(ctx);
		h->file_writes++;
		if (h->async)
			h->submit_write(pfn);
		else
			h->pending_io_++;
		h->log(FakeStep::FILE_WRITE, -1, t ? t->owner : MM_NIL, pfn, file, index);
	};
	host_.file_read = [](void *ctx, mm_task *t, uint32_t file, uint32_t index, uint32_t pfn) {
		auto *h = self(ctx);
		h->file_reads++;
		h->pending_io_++;
		h->log(FakeStep::FILE_READ, -1, t ? t->owner : MM_NIL, file, index, pfn);
	};
	host_.io_wait = [](void *ctx, mm_task *t) {
		auto *h = self(ctx);
		h->io_waits++;
		h->log(FakeStep::IO_WAIT, -1, t ? t->owner : MM_NIL, (int64_t)h->pending_io_, 0, 0);
		if (h->pending_io_)
			h->now_ns += h->io_latency_ns;
		h->pending_io_ = 0;
		if (h->on_io_wait)
			h->on_io_wait();
	};
	host_.cpu = [](void *ctx, mm_task *, mm_cpu_cost what, uint64_t count) {
		auto *h = self(ctx);
		h->now_ns += h->cpu_ns[what] * count;
	};
	host_.wake_kswapd = [](void *ctx) {
		auto *h = self(ctx);
		h->kswapd_wakes++;
		h->kswapd_woken = true;
		h->log(FakeStep::WAKE_KSWAPD, -1, MM_NIL, 0, 0, 0);
	};
	host_.oom_killed = [](void *ctx, uint32_t owner) {
		auto *h = self(ctx);
		h->oom_victims.push_back(owner);
		h->log(FakeStep::OOM_KILLED, -1, owner, 0, 0, 0);
	};
	host_.writeback_poll = [](void *ctx, mm_task *) { self(ctx)->complete_writes(self(ctx)->now_ns); };
	host_.throttle = [](void *ctx, mm_task *t, mm_throttle_reason reason, uint64_t timeout_ns) {
		auto *h = self(ctx);
		uint64_t start = h->now_ns, end = start + timeout_ns;
		h->throttles++;
		h->throttle_woken_ = false;
		// the device completes writes while the task sleeps; throttle_wake ends the sleep
		while (!h->throttle_woken_ && !h->inflight.empty() && h->inflight.front().done_ns <= end) {
			h->now_ns = std::max(h->now_ns, h->inflight.front().done_ns);
			h->complete_writes(h->now_ns);
		}
		if (!h->throttle_woken_)
			h->now_ns = end;
		h->throttle_ns += h->now_ns - start;
		h->log(FakeStep::THROTTLE, -1, t ? t->owner : MM_NIL, reason, (int64_t)timeout_ns,
		       (int64_t)(h->now_ns - start));
	};
	host_.throttle_wake = [](void *ctx, mm_throttle_reason reason) {
		auto *h = self(ctx);
		h->throttle_woken_ = true;
		h->log(FakeStep::THROTTLE_WAKE, -1, MM_NIL, reason, 0, 0);
	};
	host_.event = [](void *ctx, const mm_event *ev) {
		auto *h = self(ctx);
		h->log(FakeStep::EVENT, ev->type, ev->owner, ev->a, ev->b, ev->c);
		if (h->on_event)
			h->on_event(*ev);
	};
}

void FakeHost::submit_write(uint32_t pfn)
{
	if (inflight.size() >= nr_requests) // blk_mq_get_tag sleeps until a request completes
		now_ns = std::max(now_ns, inflight[inflight.size() - nr_requests].done_ns);
	uint64_t done = now_ns + io_latency_ns;
	if (!inflight.empty())
		done = std::max(done, inflight.back().done_ns + io_service_ns);
	inflight.push_back({ done, pfn });
}

size_t FakeHost::complete_writes(uint64_t until)
{
	size_t done = 0;
	while (!inflight.empty() && inflight.front().done_ns <= until) {
		Write w = inflight.front();
		inflight.erase(inflight.begin());
		if (mm_end_writeback(node, w.pfn) == 0)
			writebacks_ended++;
		log(FakeStep::END_WRITEBACK, -1, MM_NIL, w.pfn, 0, 0);
		done++;
	}
	return done;
}

void FakeHost::log(FakeStep::Kind k, int ev, uint32_t owner, int64_t a, int64_t b, int64_t c)
{
	if (record)
		steps.push_back({ k, ev, owner, a, b, c, now_ns });
}

long FakeHost::find(FakeStep::Kind kind, int event, size_t from) const
{
	for (size_t i = from; i < steps.size(); i++)
		if (steps[i].kind == kind && (event < 0 || steps[i].event == event))
			return (long)i;
	return -1;
}

size_t FakeHost::count(FakeStep::Kind kind, int event) const
{
	size_t n = 0;
	for (const auto &s : steps)
		n += s.kind == kind && (event < 0 || s.event == event);
	return n;
}

mm_node *make_node(FakeHost &h, uint64_t ram_pages, uint64_t swap_pages, unsigned swappiness)
{
	mm_config cfg;
	char err[256];
	mm_config_default(&cfg, ram_pages);
	cfg.swap_pages = swap_pages;
	cfg.swappiness = swappiness;
	cfg.swap_writeout_async = h.async;
	h.node = mm_node_create(&cfg, h.host(), err, sizeof(err));
	return h.node;
}

KswapdSim::State KswapdSim::step(uint64_t now_ms)
{
	switch (state_) {
	case SLEEP:
		if (!h_.kswapd_woken)
			return state_;
		h_.kswapd_woken = false;
		state_ = RUN;
		break;
	case NAP:
		if (h_.kswapd_woken) {
			h_.kswapd_woken = false;
			state_ = mm_kswapd_sleep_after_nap(n_, true, reclaim_order_, zoneidx_) == MM_KSWAPD_RUN ? RUN : SLEEP;
		} else if (now_ms >= nap_end_) {
			state_ = mm_kswapd_sleep_after_nap(n_, false, reclaim_order_, zoneidx_) == MM_KSWAPD_SLEEP ? SLEEP
														  : RUN;
			if (state_ == SLEEP) {
				full_sleeps++;
				if (on_sleep)
					on_sleep();
			}
		}
		return state_;
	case RUN:
		break;
	}
	mm_kswapd_take_request(n_, &order_, &zoneidx_);
	reclaim_order_ = mm_balance_pgdat(n_, &task_, order_, zoneidx_);
	balance_runs++;
	h_.kswapd_woken = false;
	if (mm_kswapd_sleep_begin(n_, reclaim_order_, zoneidx_) == MM_KSWAPD_NAP) {
		state_ = NAP;
		nap_end_ = now_ms + MM_KSWAPD_NAP_MS;
	} else {
		state_ = RUN;
	}
	return state_;
}
