/*
 * The OOM killer (mm/oom_kill.c): oom_badness, select_bad_process,
 * oom_kill_process and the reaper's effect (the victim's pages and swap
 * slots are freed at once).
 */
#include "reclaim_internal.h"

uint64_t mm_oom_totalpages(const struct mm_node *n)
{
	return mm_total_pages(n) + n->swap.pages; /* constrained_alloc: totalram_pages + total_swap_pages */
}

/* mm/oom_kill.c: oom_badness */
long mm_oom_badness(const struct mm_node *n, uint32_t id, uint64_t totalpages)
{
	if (id >= n->nr_owners)
		return MM_BADNESS_MIN;
	const struct mm_owner *o = &n->owners[id];
	if (o->kind != MM_OWNER_PROCESS || o->dead || o->oom_score_adj == MM_OOM_SCORE_ADJ_MIN)
		return MM_BADNESS_MIN; /* kernel threads, MMF_OOM_SKIP, OOM_SCORE_ADJ_MIN */
	long points = (long)(o->rss_anon + o->rss_file + o->swapents + o->pgtables);
	long adj = (long)o->oom_score_adj;
	adj *= (long)(totalpages / 1000);
	return points + adj;
}

/* mm/oom_kill.c: select_bad_process (oom_evaluate_task over the task list; ties go to the later one) */
static uint32_t select_bad_process(struct mm_node *n, struct mm_task *t, uint64_t totalpages, long *chosen_points,
				   bool *abort)
{
	uint32_t chosen = MM_NIL;
	uint64_t looked = 0;

	*chosen_points = MM_BADNESS_MIN;
	*abort = false;
	for (uint32_t id = 1; id < n->nr_owners; id++) {
		const struct mm_owner *o = &n->owners[id];
		if (o->kind != MM_OWNER_PROCESS)
			continue;
		looked++;
		if (o->oom_victim && !o->dead) { /* a victim still exiting: wait for it */
			*abort = true;
			break;
		}
		long points = mm_oom_badness(n, id, totalpages);
		if (points == MM_BADNESS_MIN || points < *chosen_points)
			continue;
		chosen = id;
		*chosen_points = points;
	}
	host_cpu(n, t, MM_COST_OOM_SELECT, looked);
	return *abort ? MM_NIL : chosen;
}

/* mm/oom_kill.c: __oom_kill_process + mark_oom_victim + the oom_reaper's unmap */
static void oom_kill_process(struct mm_node *n, uint32_t victim, long points)
{
	struct mm_owner *o = &n->owners[victim];

	count_vm_events(n, OOM_KILL, 1);
	o->oom_victim = true;
	uint64_t freed = owner_release_memory(n, victim);
	o->dead = true; /* MMF_OOM_SKIP: reaped */
	host_event(n, MM_EV_OOM_KILL, victim, victim, points, (int64_t)freed);
	if (n->host.oom_killed)
		n->host.oom_killed(n->host.ctx, victim);
}

/* mm/oom_kill.c: out_of_memory (global OOM, no memcg, no panic_on_oom) */
bool out_of_memory(struct mm_node *n, struct mm_task *t, unsigned order, gfp_t gfp)
{
	uint32_t me = task_owner(t);
	bool abort;
	long points;

	(void)order;
	if (me < n->nr_owners && n->owners[me].kind == MM_OWNER_PROCESS &&
	    (n->owners[me].oom_victim || n->owners[me].dead))
		return true; /* task_will_free_mem(current) */
	if (!(gfp & __GFP_FS))
		return true; /* no kill from a !__GFP_FS context */
	uint64_t totalpages = mm_oom_totalpages(n);
	uint32_t victim = select_bad_process(n, t, totalpages, &points, &abort);
	if (abort)
		return true;
	if (victim == MM_NIL)
		return false; /* the kernel panics: "System is deadlocked on memory" */
	oom_kill_process(n, victim, points);
	return true;
}
