/*
 * bench_alloc: speed and host memory of the c_core page allocator.
 * Prints ns per order-0 allocation and free, ns per mixed-order operation,
 * host bytes per simulated page, and the cost of creating a 1 TiB node.
 *
 *   bench_alloc [--ram SIZE_GIB] [--ops N] [--seed N] [--no-1t]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmsim/mm.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* VmRSS of this process in KiB (Linux /proc/self/status), 0 if unknown. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int parse_u64(const char *name, const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!text || !*text || *text == '-')
		goto bad;
	v = strtoull(text, &end, 10);
	if (*end || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "bench_alloc: %s: '%s' is not allowed (allowed %llu..%llu)\n", name, text ? text : "",
		(unsigned long long)lo, (unsigned long long)hi);
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void print_phase(const char *what, double *ns, int rounds)
{
	qsort(ns, (size_t)rounds, sizeof *ns, cmp_double);
	printf("%-34s best %6.1f ns/op, median %6.1f ns/op\n", what, ns[0], ns[rounds / 2]);
}

static struct mm_node *create(uint64_t pages)
{
	struct mm_config cfg;
	char err[256];
	mm_config_default(&cfg, pages);
	struct mm_node *n = mm_node_create(&cfg, NULL, err, sizeof err);
	if (!n)
		fprintf(stderr, "bench_alloc: %s\n", err);
	return n;
}

int main(int argc, char **argv)
{
	uint64_t ram_gib = 8, ops = 2000000, seed = 1;
	int do_1t = 1;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--ram")) {
			if (parse_u64("--ram (GiB)", v, 1, 64, &ram_gib))
				return 2;
			i++;
		} else if (!strcmp(argv[i], "--ops")) {
			if (parse_u64("--ops", v, 1000, 100000000, &ops))
				return 2;
			i++;
		} else if (!strcmp(argv[i], "--seed")) {
			if (parse_u64("--seed", v, 0, UINT64_MAX, &seed))
				return 2;
			i++;
		} else if (!strcmp(argv[i], "--no-1t")) {
			do_1t = 0;
		} else {
			fprintf(stderr, "bench_alloc: unknown argument '%s' (allowed --ram GiB, --ops N, --seed N, --no-1t)\n",
				argv[i]);
			return 2;
		}
	}

	const uint64_t pages = ram_gib << 18;
	struct mm_node *n = create(pages);
	if (!n)
		return 1;
	struct mm_alloc_result r;

	/*
	 * Order-0 phases, each repeated ROUNDS times on the same node; the best
	 * round is printed (the machine is shared: the minimum is the figure
	 * least disturbed by other processes), with the median beside it.
	 */
	enum { ROUNDS = 7 };
	const uint64_t nalloc = pages / 2; /* stays above the low watermark: fast path only */
	double t_alloc[ROUNDS], t_free_rev[ROUNDS], t_free_rand[ROUNDS], t_pair[ROUNDS];
	uint32_t *pfn = malloc(nalloc * sizeof *pfn);
	if (!pfn)
		return 1;
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = now_ns();
		for (uint64_t i = 0; i < nalloc; i++) {
			mm_alloc_pages(n, NULL, 0, GFP_KERNEL, &r);
			pfn[i] = r.pfn;
		}
		double t1 = now_ns();
		for (uint64_t i = nalloc; i-- > 0;)
			mm_free_pages(n, pfn[i], 0);
		double t2 = now_ns();
		for (uint64_t i = 0; i < nalloc; i++) {
			mm_alloc_pages(n, NULL, 0, GFP_KERNEL, &r);
			pfn[i] = r.pfn;
		}
		for (uint64_t i = nalloc - 1; i > 0; i--) { /* Fisher-Yates */
			uint64_t j = splitmix64(&seed) % (i + 1);
			uint32_t tmp = pfn[i];
			pfn[i] = pfn[j];
			pfn[j] = tmp;
		}
		double t3 = now_ns();
		for (uint64_t i = 0; i < nalloc; i++)
			mm_free_pages(n, pfn[i], 0);
		double t4 = now_ns();
		/* alloc then free at once: every free merges back to order 10, every alloc splits again */
		for (uint64_t i = 0; i < nalloc; i++) {
			mm_alloc_pages(n, NULL, 0, GFP_KERNEL, &r);
			mm_free_pages(n, r.pfn, 0);
		}
		double t5 = now_ns();
		t_alloc[round] = (t1 - t0) / (double)nalloc;
		t_free_rev[round] = (t2 - t1) / (double)nalloc;
		t_free_rand[round] = (t4 - t3) / (double)nalloc;
		t_pair[round] = (t5 - t4) / (double)nalloc;
	}
	printf("node: %llu GiB single zone, %llu pages; order-0 phases of %llu pages, best and median of %d rounds\n",
	       (unsigned long long)ram_gib, (unsigned long long)pages, (unsigned long long)nalloc, ROUNDS);
	print_phase("order-0 alloc (fast path)", t_alloc, ROUNDS);
	print_phase("order-0 free (reverse order)", t_free_rev, ROUNDS);
	print_phase("order-0 free (random order)", t_free_rand, ROUNDS);
	print_phase("order-0 alloc+free pair", t_pair, ROUNDS);

	/* mixed orders 0..10, alloc or free with equal odds */
	struct {
		uint32_t pfn;
		uint8_t order;
	} *live = malloc(ops * sizeof *live);
	uint64_t nlive = 0, fails = 0;
	if (!live)
		return 1;
	double t6 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t x = splitmix64(&seed);
		if (nlive == 0 || (x & 1)) {
			unsigned order = (unsigned)((x >> 1) % MM_NR_PAGE_ORDERS);
			mm_alloc_pages(n, NULL, order, GFP_KERNEL | __GFP_NORETRY, &r);
			if (r.status == MM_ALLOC_OK) {
				live[nlive].pfn = r.pfn;
				live[nlive].order = (uint8_t)order;
				nlive++;
			} else {
				fails++;
			}
		} else {
			uint64_t k = (x >> 1) % nlive;
			mm_free_pages(n, live[k].pfn, live[k].order);
			live[k] = live[--nlive];
		}
	}
	double t7 = now_ns();
	printf("%-34s %6.1f ns/op (%llu ops, %llu failed)\n", "mixed orders 0..10 alloc/free", (t7 - t6) / (double)ops,
	       (unsigned long long)ops, (unsigned long long)fails);
	const double bytes_per_page = (double)mm_host_bytes(n) / (double)pages;
	char msg[256];
	if (mm_check(n, msg, sizeof msg)) {
		fprintf(stderr, "bench_alloc: check failed: %s\n", msg);
		return 1;
	}
	mm_node_destroy(n);
	free(live);
	free(pfn);

	/* host memory per simulated page: struct page + pageblock type byte */
	printf("%-34s %llu per frame, %.4f with the node structure\n", "host bytes per simulated page",
	       (unsigned long long)mm_host_bytes_per_frame(), bytes_per_page);

	if (do_1t) {
		long rss0 = rss_kib();
		double c0 = now_ns();
		struct mm_node *big = create(1ull << 28);
		double c1 = now_ns();
		if (!big)
			return 1;
		long rss1 = rss_kib();
		mm_alloc_pages(big, NULL, 0, GFP_KERNEL, &r);
		int ok = r.status == MM_ALLOC_OK;
		mm_free_pages(big, r.pfn, 0);
		printf("1 TiB node: created in %.0f ms, mem_map %llu MiB virtual, RSS +%ld MiB, alloc %s, min_free_kbytes %ld\n",
		       (c1 - c0) / 1e6, (unsigned long long)((1ull << 28) * 16 >> 20), (rss1 - rss0) >> 10,
		       ok ? "ok" : "FAILED", mm_min_free_kbytes(big));
		mm_node_destroy(big);
		if (!ok)
			return 1;
	}
	return 0;
}
