/*
 * libFuzzer target for random c_core operation sequences (issue 7).
 *
 * The input bytes choose a small machine with swap (header) and then a
 * sequence of operations: kernel allocations of mixed orders and gfp flags,
 * frees, alloc_pages_exact, anon touch / munmap, file read / write, kswapd's
 * balance_pgdat and sleep steps, direct reclaim, process exit, the OOM killer,
 * clear_refs, sysctl writes and /proc dumps. The oracle:
 *  - mm_check (buddy lists, LRU lists, swap map, counters) finds no violation
 *    (after every FUZZ_CHECK_EVERY-th operation and at the end);
 *  - after every operation: an allocation that succeeded returns a pfn
 *    aligned to its order, inside a zone the gfp allows, overlapping no
 *    block the fuzzer still holds;
 *  - a failed allocation returns MM_NIL.
 * At the end every held block is freed, every owner exits, and the node must
 * hold no anon, file or kernel page and no used swap slot.
 *
 * fuzz_core_ops_run() is the entry both the libFuzzer wrapper (built with
 * clang, -DMMSIM_FUZZ=ON) and the googletest replay (core_fuzz_replay.cpp,
 * built with gcc) call. It returns 0, or -1 with the first violation in msg.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core_ops.h"
#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

/* c_core internals the fuzzer drives directly (c_core/src/reclaim_api.h). */
uint64_t try_to_free_pages(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);
bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp);

#define FUZZ_MAX_HELD 128   /* kernel blocks held at once */
#define FUZZ_MAX_PROCS 6
#define FUZZ_MAX_FILES 4
#define FUZZ_MAX_OPS 4000   /* operations per input (bounds the run time of one input) */
/*
 * mm_check after every FUZZ_CHECK_EVERY-th operation and at the end. A violation
 * stays until something repairs it, so checking every few operations finds what
 * checking after each finds, five times faster (mm_check is most of the run time).
 */
#define FUZZ_CHECK_EVERY 6

struct held_block {
	uint32_t pfn;
	unsigned order;   /* mm_alloc_pages order; for exact blocks the size in pages */
	bool exact;
	uint64_t bytes;   /* alloc_pages_exact size */
};

struct fuzz_state {
	const uint8_t *data;
	size_t size, pos;
	struct mm_node *node;
	uint64_t max_pfn;
	uint8_t *held_map; /* one byte per pfn: held by the fuzzer as a kernel block */
	struct held_block held[FUZZ_MAX_HELD];
	unsigned nr_held;
	uint32_t procs[FUZZ_MAX_PROCS];
	uint32_t files[FUZZ_MAX_FILES];
	bool kswapd_woken;
	enum { KT_SLEEP, KT_NAP, KT_RUN } kswapd_state;
	int kswapd_zoneidx, reclaim_order; /* the host's kswapd thread keeps these across rounds */
	unsigned oom_kills;
	char *msg;
	size_t msglen;
};

static unsigned next_byte(struct fuzz_state *s)
{
	return s->pos < s->size ? s->data[s->pos++] : 0;
}

static unsigned next_u16(struct fuzz_state *s)
{
	unsigned lo = next_byte(s);
	return lo | (next_byte(s) << 8);
}

/* ---- the host: I/O completes at once, kswapd is run by the fuzzer's operations ---- */
static void h_swap(void *ctx, struct mm_task *t, uint32_t a, uint32_t b) { (void)ctx; (void)t; (void)a; (void)b; }
static void h_file(void *ctx, struct mm_task *t, uint32_t a, uint32_t b, uint32_t c)
{
	(void)ctx; (void)t; (void)a; (void)b; (void)c;
}
static void h_io_wait(void *ctx, struct mm_task *t) { (void)ctx; (void)t; }
static void h_cpu(void *ctx, struct mm_task *t, enum mm_cpu_cost what, uint64_t count)
{
	(void)ctx; (void)t; (void)what; (void)count;
}
static void h_wake_kswapd(void *ctx) { ((struct fuzz_state *)ctx)->kswapd_woken = true; }
static void h_oom_killed(void *ctx, uint32_t owner) { (void)owner; ((struct fuzz_state *)ctx)->oom_kills++; }
static void h_event(void *ctx, const struct mm_event *ev) { (void)ctx; (void)ev; }

static int fail(struct fuzz_state *s, const char *what, uint64_t a, uint64_t b)
{
	snprintf(s->msg, s->msglen, "byte %zu: %s (%llu, %llu)", s->pos, what, (unsigned long long)a,
		 (unsigned long long)b);
	return -1;
}

/* Mixed gfp: a base the kernel uses plus modifier bits the input picks. */
static gfp_t pick_gfp(struct fuzz_state *s)
{
	static const gfp_t base[] = { GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_NOIO, GFP_NOFS,
				      GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
				      GFP_TRANSHUGE, GFP_TRANSHUGE_LIGHT, GFP_KERNEL | __GFP_DMA32,
				      GFP_KERNEL | __GFP_DMA, GFP_USER, 0 };
	static const gfp_t extra[] = { __GFP_NOWARN, __GFP_NORETRY, __GFP_RETRY_MAYFAIL, __GFP_NOFAIL,
				       __GFP_HIGH, __GFP_MEMALLOC, __GFP_NOMEMALLOC, __GFP_COMP };
	unsigned b = next_byte(s), e = next_byte(s);
	gfp_t gfp = base[b % (sizeof(base) / sizeof(base[0]))];
	for (unsigned i = 0; i < 8; i++)
		if (e & (1u << i))
			gfp |= extra[i];
	return gfp;
}

static uint32_t zone_end_pfn(const struct mm_node *n, int zoneidx)
{
	uint64_t end = 0;
	for (int z = 0; z <= zoneidx && z < MM_MAX_NR_ZONES; z++) {
		struct mm_zone_info zi;
		mm_zone_get_info(n, (enum mm_zone_type)z, &zi);
		if (zi.populated && zi.start_pfn + zi.spanned > end)
			end = zi.start_pfn + zi.spanned;
	}
	return (uint32_t)end;
}

/* Record a block the allocator handed out; fail on overlap, misalignment or a forbidden zone. */
static int take_block(struct fuzz_state *s, uint32_t pfn, unsigned order, uint64_t pages, gfp_t gfp, bool exact,
		      uint64_t bytes)
{
	if (!exact && (pfn & ((1u << order) - 1)))
		return fail(s, "allocation not aligned to its order", pfn, order);
	if ((uint64_t)pfn + pages > s->max_pfn)
		return fail(s, "allocation beyond the last pfn", pfn, pages);
	int zi = gfp_zone(gfp);
	if (zi >= 0 && zi < MM_ZONE_MOVABLE && (uint64_t)pfn + pages > zone_end_pfn(s->node, zi))
		return fail(s, "allocation above the zone the gfp allows", pfn, (uint64_t)zi);
	for (uint64_t i = 0; i < pages; i++)
		if (s->held_map[pfn + i])
			return fail(s, "allocation overlaps a block already held", pfn + i, order);
	for (uint64_t i = 0; i < pages; i++)
		s->held_map[pfn + i] = 1;
	struct held_block *h = &s->held[s->nr_held++];
	h->pfn = pfn;
	h->order = order;
	h->exact = exact;
	h->bytes = bytes;
	return 0;
}

static void release_block(struct fuzz_state *s, unsigned idx)
{
	struct held_block h = s->held[idx];
	uint64_t pages = h.exact ? (h.bytes + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE : (1ull << h.order);
	if (h.exact)
		mm_free_pages_exact(s->node, h.pfn, h.bytes);
	else
		mm_free_pages(s->node, h.pfn, h.order);
	for (uint64_t i = 0; i < pages; i++)
		s->held_map[h.pfn + i] = 0;
	s->held[idx] = s->held[--s->nr_held];
}

static struct mm_task task_of(struct fuzz_state *s, unsigned pick)
{
	struct mm_task t = { MM_OWNER_KERNEL_ID, 0, NULL };
	if (pick % (FUZZ_MAX_PROCS + 1) < FUZZ_MAX_PROCS)
		t.owner = s->procs[pick % (FUZZ_MAX_PROCS + 1)];
	return t;
}

static int op_alloc(struct fuzz_state *s, bool exact)
{
	unsigned who = next_byte(s), order = next_byte(s) % (MM_MAX_PAGE_ORDER + 2); /* 11: must fail */
	gfp_t gfp = pick_gfp(s);
	struct mm_task t = task_of(s, who);
	struct mm_alloc_result res;

	if (s->nr_held == FUZZ_MAX_HELD)
		release_block(s, who % s->nr_held);
	if (exact) {
		uint64_t bytes = 1 + (uint64_t)next_u16(s) * 16; /* 1 byte .. 1 MiB */
		uint32_t pfn = mm_alloc_pages_exact(s->node, &t, bytes, gfp, &res);
		if (pfn != res.pfn || (pfn == MM_NIL) != (res.status != MM_ALLOC_OK))
			return fail(s, "alloc_pages_exact result disagrees with its status", pfn, res.status);
		if (pfn == MM_NIL)
			return 0;
		return take_block(s, pfn, 0, (bytes + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE, gfp, true, bytes);
	}
	mm_alloc_pages(s->node, &t, order, gfp, &res);
	if ((res.pfn == MM_NIL) != (res.status != MM_ALLOC_OK))
		return fail(s, "alloc_pages pfn disagrees with its status", res.pfn, res.status);
	if (order > MM_MAX_PAGE_ORDER && res.pfn != MM_NIL)
		return fail(s, "order above MAX_PAGE_ORDER succeeded", order, res.pfn);
	if (res.pfn == MM_NIL)
		return 0;
	return take_block(s, res.pfn, order, 1ull << order, gfp, false, 0);
}

static int op_anon(struct fuzz_state *s, unsigned kind)
{
	struct mm_task t = task_of(s, next_byte(s) % FUZZ_MAX_PROCS);
	uint32_t vpn = next_u16(s) % 4096u, count = 1 + next_byte(s) * 4u;
	if (kind == 0) {
		for (uint32_t i = 0; i < count; i++) {
			enum mm_fault_result r = mm_anon_touch(s->node, &t, vpn + i);
			if (r == MM_FAULT_EINVAL)
				return fail(s, "anon touch of a live process said EINVAL", t.owner, vpn + i);
			if (r == MM_FAULT_KILLED || r == MM_FAULT_OOM)
				break;
		}
	} else {
		mm_anon_unmap(s->node, &t, vpn, count);
	}
	return 0;
}

static int op_file(struct fuzz_state *s, bool write)
{
	struct mm_task t = task_of(s, next_byte(s) % FUZZ_MAX_PROCS);
	uint32_t file = s->files[next_byte(s) % FUZZ_MAX_FILES];
	uint32_t index = next_u16(s) % 4096u, count = 1 + next_byte(s) * 2u;
	for (uint32_t i = 0; i < count; i++) {
		enum mm_fault_result r = write ? mm_file_write(s->node, &t, file, index + i)
					       : mm_file_read(s->node, &t, file, index + i);
		if (r == MM_FAULT_EINVAL)
			return fail(s, "file access to a live file said EINVAL", file, index + i);
		if (r == MM_FAULT_KILLED || r == MM_FAULT_OOM)
			break;
	}
	return 0;
}

/*
 * One step of the host's kswapd loop (include/mmsim/reclaim.h), as KswapdSim in
 * fake_host.cpp runs it: asleep until woken; run = take the request, balance_pgdat,
 * try to sleep; a nap ends early when woken, or after 100 ms (the input decides
 * whether that much time has passed).
 */
static void op_kswapd(struct fuzz_state *s)
{
	struct mm_task k = { MM_NIL, MM_PF_KSWAPD, NULL };
	bool timeout = next_byte(s) & 1;
	switch (s->kswapd_state) {
	case KT_SLEEP:
		if (!s->kswapd_woken)
			return;
		s->kswapd_woken = false;
		s->kswapd_state = KT_RUN;
		return;
	case KT_NAP:
		if (s->kswapd_woken) {
			s->kswapd_woken = false;
			s->kswapd_state = mm_kswapd_sleep_after_nap(s->node, true, s->reclaim_order, s->kswapd_zoneidx)
							  == MM_KSWAPD_RUN ? KT_RUN : KT_SLEEP;
		} else if (timeout) {
			s->kswapd_state = mm_kswapd_sleep_after_nap(s->node, false, s->reclaim_order, s->kswapd_zoneidx)
							  == MM_KSWAPD_SLEEP ? KT_SLEEP : KT_RUN;
		}
		return;
	case KT_RUN: {
		int order;
		mm_kswapd_take_request(s->node, &order, &s->kswapd_zoneidx);
		s->reclaim_order = mm_balance_pgdat(s->node, &k, order, s->kswapd_zoneidx);
		s->kswapd_state = mm_kswapd_sleep_begin(s->node, s->reclaim_order, s->kswapd_zoneidx) == MM_KSWAPD_NAP
					  ? KT_NAP : KT_RUN;
		return;
	}
	}
}

static int replace_owner(struct fuzz_state *s, uint32_t *slot, enum mm_owner_kind kind)
{
	char err[160];
	int adj = (int)(next_u16(s) % 2001) - 1000;
	mm_owner_exit(s->node, *slot);
	*slot = mm_owner_create(s->node, kind, adj, kind == MM_OWNER_FILE ? "file" : "proc", err, sizeof(err));
	if (*slot == MM_NIL)
		return fail(s, err, kind, 0);
	return 0;
}

static int op_sysctl(struct fuzz_state *s)
{
	unsigned which = next_byte(s) % 4, v = next_u16(s);
	switch (which) {
	case 0:
		if (mm_set_swappiness(s->node, v % 202) != (v % 202 > 200 ? -1 : 0))
			return fail(s, "swappiness accepted/refused wrongly", v % 202, 0);
		break;
	case 1:
		if (mm_set_watermark_scale_factor(s->node, v % 3002) != (v % 3002 < 1 || v % 3002 > 3000 ? -1 : 0))
			return fail(s, "watermark_scale_factor accepted/refused wrongly", v % 3002, 0);
		break;
	case 2:
		mm_set_min_free_kbytes(s->node, (long)(v % 8192));
		break;
	default:
		mm_owner_set_oom_score_adj(s->node, s->procs[v % FUZZ_MAX_PROCS], (int)(v % 2001) - 1000);
		break;
	}
	return 0;
}

/*
 * A /proc dump into a buffer of the input's size: snprintf semantics (the full
 * length is returned, at most len bytes written, NUL-terminated); ASan catches
 * any write past the buffer, which is allocated to exactly len bytes.
 */
static int op_dump(struct fuzz_state *s)
{
	static size_t (*const dump[])(const struct mm_node *, char *, size_t) = {
		mm_dump_buddyinfo, mm_dump_zoneinfo, mm_dump_vmstat, mm_dump_meminfo };
	unsigned which = next_byte(s) % 4;
	size_t len = next_u16(s) % 8192;
	char *buf = malloc(len ? len : 1);
	if (!buf)
		return fail(s, "out of host memory", len, 0);
	size_t need = dump[which](s->node, buf, len);
	int rc = 0;
	if (len && strlen(buf) != (need < len ? need : len - 1))
		rc = fail(s, "dump: written length disagrees with the returned one", which, need);
	else if (need == 0)
		rc = fail(s, "dump: empty text", which, len);
	free(buf);
	return rc;
}

static int step(struct fuzz_state *s)
{
	unsigned op = next_byte(s) % 17;
	switch (op) {
	case 0: case 1:
		return op_alloc(s, false);
	case 2:
		if (s->nr_held)
			release_block(s, next_byte(s) % s->nr_held);
		return 0;
	case 3:
		return op_alloc(s, true);
	case 4: case 5:
		return op_anon(s, 0);
	case 6:
		return op_anon(s, 1);
	case 7:
		return op_file(s, false);
	case 8:
		return op_file(s, true);
	case 9:
		op_kswapd(s);
		return 0;
	case 10: {
		struct mm_task t = task_of(s, next_byte(s));
		unsigned order = next_byte(s) % (MM_MAX_PAGE_ORDER + 1);
		try_to_free_pages(s->node, &t, order, pick_gfp(s) | __GFP_DIRECT_RECLAIM);
		return 0;
	}
	case 11:
		return replace_owner(s, &s->procs[next_byte(s) % FUZZ_MAX_PROCS], MM_OWNER_PROCESS);
	case 12:
		return replace_owner(s, &s->files[next_byte(s) % FUZZ_MAX_FILES], MM_OWNER_FILE);
	case 13: {
		struct mm_task t = task_of(s, next_byte(s));
		out_of_memory(s->node, &t, next_byte(s) % 4, GFP_KERNEL);
		return 0;
	}
	case 14:
		mm_clear_refs(s->node, s->procs[next_byte(s) % FUZZ_MAX_PROCS]);
		return 0;
	case 16:
		return op_dump(s);
	default:
		return op_sysctl(s);
	}
}

static int check(struct fuzz_state *s, unsigned opno)
{
	char why[200];
	if (mm_check(s->node, why, sizeof(why)) == 0)
		return 0;
	snprintf(s->msg, s->msglen, "mm_check after operation %u (byte %zu): %s", opno, s->pos, why);
	return -1;
}

/* Tear-down oracle: once everything is freed the node holds nothing. */
static int check_empty(struct fuzz_state *s)
{
	static const enum mm_stat_item held[] = { NR_ANON_MAPPED, NR_FILE_PAGES, NR_KERNEL_PAGES };
	for (unsigned i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		if (mm_stat(s->node, held[i]))
			return fail(s, "pages left after every owner exited (stat item, pages)", held[i],
				    mm_stat(s->node, held[i]));
	struct mm_swapinfo si;
	mm_si_swapinfo(s->node, &si);
	if (si.freeswap != si.totalswap)
		return fail(s, "swap slots left after every owner exited (free, total)", si.freeswap, si.totalswap);
	return 0;
}

int fuzz_core_ops_run(const uint8_t *data, size_t size, char *msg, size_t msglen)
{
	struct fuzz_state s;
	memset(&s, 0, sizeof(s));
	s.data = data;
	s.size = size;
	s.msg = msg;
	s.msglen = msglen;
	msg[0] = '\0';

	/* header: RAM 8..24 MiB, swap 0..16 MiB, swappiness, layout, swap kind, exact policy */
	struct mm_config cfg;
	uint64_t ram = 2048 + 128 * (uint64_t)(next_byte(&s) % 33);
	mm_config_default(&cfg, ram);
	unsigned flags = next_byte(&s);
	cfg.swap_pages = (flags & 1) ? 0 : 16 + 128 * (uint64_t)(next_byte(&s) % 33);
	cfg.swappiness = next_byte(&s) % 201;
	cfg.layout = (flags & 2) ? MM_LAYOUT_X86_64 : MM_LAYOUT_SINGLE;
	cfg.swap_rotational = flags & 4;
	cfg.exact_policy = (flags & 8) ? MM_EXACT_FIT_AND_FREE : MM_EXACT_KERNEL;
	cfg.max_owners = 32;

	struct mm_host host = { &s, h_swap, h_swap, h_file, h_file, h_io_wait, h_cpu, h_wake_kswapd,
				h_oom_killed, h_event };
	char err[200];
	s.node = mm_node_create(&cfg, &host, err, sizeof(err));
	if (!s.node) {
		snprintf(msg, msglen, "mm_node_create refused a valid configuration: %s", err);
		return -1;
	}
	s.kswapd_zoneidx = MM_MAX_NR_ZONES - 1;
	s.max_pfn = zone_end_pfn(s.node, MM_MAX_NR_ZONES - 1);
	s.held_map = calloc(s.max_pfn + 1, 1);
	int rc = s.held_map ? 0 : fail(&s, "out of host memory", s.max_pfn, 0);
	for (unsigned i = 0; rc == 0 && i < FUZZ_MAX_PROCS; i++) {
		s.procs[i] = mm_owner_create(s.node, MM_OWNER_PROCESS, 0, "proc", err, sizeof(err));
		if (s.procs[i] == MM_NIL)
			rc = fail(&s, err, i, 0);
	}
	for (unsigned i = 0; rc == 0 && i < FUZZ_MAX_FILES; i++) {
		s.files[i] = mm_owner_create(s.node, MM_OWNER_FILE, 0, "file", err, sizeof(err));
		if (s.files[i] == MM_NIL)
			rc = fail(&s, err, i, 0);
	}
	if (rc == 0)
		rc = check(&s, 0);
	for (unsigned opno = 1; rc == 0 && s.pos < s.size && opno <= FUZZ_MAX_OPS; opno++) {
		rc = step(&s);
		if (rc == 0 && (opno % FUZZ_CHECK_EVERY == 0 || s.pos >= s.size))
			rc = check(&s, opno);
	}
	if (rc == 0) {
		while (s.nr_held)
			release_block(&s, s.nr_held - 1);
		for (unsigned i = 0; i < FUZZ_MAX_PROCS; i++)
			mm_owner_exit(s.node, s.procs[i]);
		for (unsigned i = 0; i < FUZZ_MAX_FILES; i++)
			mm_owner_exit(s.node, s.files[i]);
		rc = check(&s, FUZZ_MAX_OPS + 1);
		if (rc == 0)
			rc = check_empty(&s);
	}
	free(s.held_map);
	mm_node_destroy(s.node);
	return rc;
}

#ifdef MMSIM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[400];
	if (fuzz_core_ops_run(data, size, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "fuzz_core_ops: %s\n", msg);
		abort();
	}
	return 0;
}
#endif
