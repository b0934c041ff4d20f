/*
 * bench_exact: alloc_pages_exact's two trimming policies on the same seeded
 * workload -- the kernel's make_alloc_exact and Pageman's Fit&Free -- and
 * the fragmentation each leaves (buddyinfo, unusable_free_index), the
 * buddy work (splits, merges) and the time per operation.
 *
 *   bench_exact [--ram MIB] [--ops N] [--seed N]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmsim/mm.h"

struct live {
	uint32_t pfn;
	uint32_t pages; /* 0 = an order-0 page from mm_alloc_pages */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int parse_u64(const char *name, const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	if (text && *text && *text != '-') {
		unsigned long long v = strtoull(text, &end, 10);
		if (!*end && v >= lo && v <= hi) {
			*out = v;
			return 0;
		}
	}
	fprintf(stderr, "bench_exact: %s: '%s' is not allowed (allowed %llu..%llu)\n", name, text ? text : "",
		(unsigned long long)lo, (unsigned long long)hi);
	return -1;
}

/* One run of the workload under policy; prints its figures. */
static int run(enum mm_exact_policy policy, uint64_t pages, uint64_t ops, uint64_t seed)
{
	struct mm_config cfg;
	char err[256];
	mm_config_default(&cfg, pages);
	cfg.exact_policy = policy;
	struct mm_node *n = mm_node_create(&cfg, NULL, err, sizeof err);
	if (!n) {
		fprintf(stderr, "bench_exact: %s\n", err);
		return 1;
	}
	struct live *live = malloc(ops * sizeof *live);
	if (!live)
		return 1;
	uint64_t nlive = 0, fails = 0;
	struct mm_alloc_result r;
	double t0 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t x = splitmix64(&seed);
		unsigned what = (unsigned)(x % 10);
		if (nlive > 0 && what >= 6) { /* 40 %: free a random live allocation */
			uint64_t k = (x >> 8) % nlive;
			if (live[k].pages)
				mm_free_pages_exact(n, live[k].pfn, (uint64_t)live[k].pages * MM_PAGE_SIZE);
			else
				mm_free_pages(n, live[k].pfn, 0);
			live[k] = live[--nlive];
		} else if (what >= 2) { /* 40 %: alloc_pages_exact of 1..64 pages */
			uint32_t size = 1 + (uint32_t)((x >> 8) % 64);
			uint32_t pfn = mm_alloc_pages_exact(n, NULL, (uint64_t)size * MM_PAGE_SIZE, GFP_KERNEL | __GFP_NORETRY, &r);
			if (pfn == MM_NIL) {
				fails++;
				continue;
			}
			live[nlive].pfn = pfn;
			live[nlive].pages = size;
			nlive++;
		} else { /* 20 %: one order-0 page */
			mm_alloc_pages(n, NULL, 0, GFP_KERNEL | __GFP_NORETRY, &r);
			if (r.status != MM_ALLOC_OK) {
				fails++;
				continue;
			}
			live[nlive].pfn = r.pfn;
			live[nlive].pages = 0;
			nlive++;
		}
	}
	double t1 = now_ns();
	char buf[512];
	if (mm_check(n, buf, sizeof buf)) {
		fprintf(stderr, "bench_exact: check failed: %s\n", buf);
		return 1;
	}
	printf("policy %s\n", policy == MM_EXACT_KERNEL ? "kernel (make_alloc_exact)" : "fit_and_free (Pageman)");
	printf("  live allocations %llu, failed %llu, free pages %llu\n", (unsigned long long)nlive,
	       (unsigned long long)fails, (unsigned long long)mm_stat(n, NR_FREE_PAGES));
	printf("  splits %llu, merges %llu, pgfree %llu\n", (unsigned long long)mm_event_count(n, PGSPLIT),
	       (unsigned long long)mm_event_count(n, PGMERGE), (unsigned long long)mm_event_count(n, PGFREE));
	mm_dump_buddyinfo(n, buf, sizeof buf);
	printf("  buddyinfo    %s", buf);
	mm_dump_unusable_index(n, buf, sizeof buf);
	printf("  unusable     %s", buf);
	printf("  time %.1f ns/op\n", (t1 - t0) / (double)ops);
	free(live);
	mm_node_destroy(n);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t mib = 256, ops = 1000000, seed = 7;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--ram")) {
			if (parse_u64("--ram (MiB)", v, 16, 65536, &mib))
				return 2;
		} else if (!strcmp(argv[i], "--ops")) {
			if (parse_u64("--ops", v, 1000, 100000000, &ops))
				return 2;
		} else if (!strcmp(argv[i], "--seed")) {
			if (parse_u64("--seed", v, 0, UINT64_MAX, &seed))
				return 2;
		} else {
			fprintf(stderr, "bench_exact: unknown argument '%s' (allowed --ram MiB, --ops N, --seed N)\n",
				argv[i]);
			return 2;
		}
		i++;
	}
	printf("bench_exact: %llu MiB single zone, %llu ops (40 %% free, 40 %% alloc_pages_exact 1..64 pages, "
	       "20 %% order-0), seed %llu\n",
	       (unsigned long long)mib, (unsigned long long)ops, (unsigned long long)seed);
	if (run(MM_EXACT_KERNEL, mib << 8, ops, seed) || run(MM_EXACT_FIT_AND_FREE, mib << 8, ops, seed))
		return 1;
	return 0;
}
