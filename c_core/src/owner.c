/*
 * Owners of memory: processes (an mm_struct with a one-level page table of
 * uint32_t entries), files (an address_space whose page cache is the same
 * kind of array) and the kernel (owner 0). Creation, exit and queries.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "reclaim_internal.h"

#define DEFAULT_MAX_OWNERS 1024u

int owners_init(struct mm_node *n, char *err, size_t errlen)
{
	unsigned max = n->cfg.max_owners ? n->cfg.max_owners : DEFAULT_MAX_OWNERS;

	if (max > 65535) {
		snprintf(err, errlen, "max_owners: %u is out of range (1..65535)", max);
		return -1;
	}
	n->owners = calloc(max, sizeof(*n->owners));
	if (!n->owners) {
		snprintf(err, errlen, "max_owners: cannot allocate %u owners", max);
		return -1;
	}
	n->nr_owners = max;
	n->owners[MM_OWNER_KERNEL_ID].kind = MM_OWNER_KERNEL;
	snprintf(n->owners[MM_OWNER_KERNEL_ID].name, sizeof(n->owners[0].name), "kernel");
	return 0;
}

void owners_destroy(struct mm_node *n)
{
	for (uint32_t i = 0; n->owners && i < n->nr_owners; i++) {
		free(n->owners[i].pte);
		free(n->owners[i].pt_map);
	}
	free(n->owners);
	n->owners = NULL;
	n->nr_owners = 0;
}

struct mm_owner *owner_get(struct mm_node *n, uint32_t id)
{
	if (id >= n->nr_owners || n->owners[id].kind == MM_OWNER_FREE)
		return NULL;
	return &n->owners[id];
}

/* kernel/fork.c: mm_alloc for a process, or a new inode's address_space for a file */
uint32_t mm_owner_create(struct mm_node *n, enum mm_owner_kind kind, int oom_score_adj, const char *name,
			 char *err, size_t errlen)
{
	if (kind != MM_OWNER_PROCESS && kind != MM_OWNER_FILE && kind != MM_OWNER_KERNEL) {
		snprintf(err, errlen, "owner kind: %d is not one of kernel, process, file", (int)kind);
		return MM_NIL;
	}
	if (oom_score_adj < MM_OOM_SCORE_ADJ_MIN || oom_score_adj > MM_OOM_SCORE_ADJ_MAX) {
		snprintf(err, errlen, "oom_score_adj: %d is out of range (-1000..1000)", oom_score_adj);
		return MM_NIL;
	}
	for (uint32_t id = 1; id < n->nr_owners; id++) {
		struct mm_owner *o = &n->owners[id];
		if (o->kind != MM_OWNER_FREE)
			continue;
		memset(o, 0, sizeof(*o));
		o->kind = kind;
		o->oom_score_adj = oom_score_adj;
		snprintf(o->name, sizeof(o->name), "%s", name ? name : "");
		return id;
	}
	snprintf(err, errlen, "owners: the table of %u owners is full (max_owners)", n->nr_owners);
	return MM_NIL;
}

int mm_owner_set_oom_score_adj(struct mm_node *n, uint32_t id, int oom_score_adj)
{
	struct mm_owner *o = owner_get(n, id);

	if (!o || oom_score_adj < MM_OOM_SCORE_ADJ_MIN || oom_score_adj > MM_OOM_SCORE_ADJ_MAX)
		return -1;
	o->oom_score_adj = oom_score_adj;
	return 0;
}

/* Grow the page table / page cache so that idx is a valid entry. */
int owner_reserve_pte(struct mm_node *n, struct mm_owner *o, uint32_t idx)
{
	(void)n;
	if (idx < o->nr_pte)
		return 0;
	uint64_t want = o->nr_pte ? o->nr_pte : PTES_PER_TABLE;
	while (want <= idx)
		want *= 2;
	if (want > (uint64_t)MM_MAX_VPN + 1)
		want = (uint64_t)MM_MAX_VPN + 1;
	uint32_t *pte = realloc(o->pte, want * sizeof(uint32_t));
	if (!pte)
		return -1;
	memset(pte + o->nr_pte, 0, (want - o->nr_pte) * sizeof(uint32_t));
	uint64_t words = (want / PTES_PER_TABLE + 63) / 64, old = (o->nr_pte / PTES_PER_TABLE + 63) / 64;
	uint64_t *map = realloc(o->pt_map, words * sizeof(uint64_t));
	if (!map) {
		o->pte = pte;
		return -1;
	}
	memset(map + old, 0, (words - old) * sizeof(uint64_t));
	o->pte = pte;
	o->pt_map = map;
	o->nr_pte = (uint32_t)want;
	return 0;
}

/* __pte_alloc: the first entry of a PTE table allocates the table (counted for oom_badness). */
void owner_note_pte_populated(struct mm_owner *o, uint32_t idx)
{
	uint32_t t = idx / PTES_PER_TABLE;
	uint64_t bit = 1ull << (t % 64);

	if (o->kind != MM_OWNER_PROCESS || (o->pt_map[t / 64] & bit))
		return;
	o->pt_map[t / 64] |= bit;
	o->pgtables++;
}

/* kernel/exit.c: do_exit -> exit_mmap (process), or the last iput of a file */
void mm_owner_exit(struct mm_node *n, uint32_t id)
{
	struct mm_owner *o = owner_get(n, id);

	if (!o || id == MM_OWNER_KERNEL_ID)
		return;
	owner_release_memory(n, id);
	free(o->pte);
	free(o->pt_map);
	memset(o, 0, sizeof(*o));
	o->kind = MM_OWNER_FREE;
}

bool mm_owner_get_info(const struct mm_node *n, uint32_t id, struct mm_owner_info *out)
{
	if (id >= n->nr_owners || n->owners[id].kind == MM_OWNER_FREE)
		return false;
	const struct mm_owner *o = &n->owners[id];
	out->kind = o->kind;
	out->oom_score_adj = o->oom_score_adj;
	out->oom_victim = o->oom_victim;
	out->dead = o->dead;
	out->name = o->name;
	out->rss_anon = o->rss_anon;
	out->rss_file = o->rss_file;
	out->swapents = o->swapents;
	out->pgtables = o->pgtables;
	out->cache_pages = o->nr_cache;
	return true;
}
