/*
 * Workload faults and page-cache accesses (mm/memory.c, mm/filemap.c):
 * do_anonymous_page, do_swap_page, filemap_read / write_begin, munmap,
 * and the reaper's release of an owner's memory.
 */
#include "reclaim_internal.h"

#define USER_GFP GFP_HIGHUSER_MOVABLE /* anon faults and mapping_gfp_mask of the page cache */

/* mm/swap.c: folios_put -> free_unref_folios for one order-0 user folio (with its page-state counters) */
void user_folio_free(struct mm_node *n, uint32_t pfn)
{
	struct page *p = pfn_to_page(n, pfn);

	if ((p->flags & PG_dirty) && folio_is_file_lru(p))
		mod_stat(n, NR_FILE_DIRTY, -1);
	account_page_type(n, (p->flags & PG_swapbacked) ? MM_PAGE_ANON : MM_PAGE_FILE, -1);
	free_pages_to_buddy(n, pfn, 0);
}

static bool task_killed(struct mm_node *n, const struct mm_task *t)
{
	uint32_t id = task_owner(t);
	return id < n->nr_owners && (n->owners[id].dead || n->owners[id].oom_victim);
}

/*
 * Allocate a user folio. The allocation may block: a task killed meanwhile
 * gets MM_NIL and MM_FAULT_KILLED; other callers re-check their owners.
 */
static uint32_t alloc_user_folio(struct mm_node *n, struct mm_task *t, bool anon, uint32_t owner, uint32_t index,
				 enum mm_fault_result *fail)
{
	struct mm_alloc_result res;

	alloc_pages_typed(n, t, 0, USER_GFP, anon ? MM_PAGE_ANON : MM_PAGE_FILE, &res);
	if (res.status != MM_ALLOC_OK) {
		*fail = res.status == MM_ALLOC_KILLED || task_killed(n, t) ? MM_FAULT_KILLED : MM_FAULT_OOM;
		return MM_NIL;
	}
	struct page *p = pfn_to_page(n, res.pfn);
	p->owner = (uint16_t)owner;
	p->index = index;
	p->order = 0;
	p->readahead = 0; /* stale on free pages: only a user folio's allocation clears it */
	p->flags = (uint8_t)(PG_head | (anon ? PG_swapbacked : 0));
	if (task_killed(n, t)) {
		user_folio_free(n, res.pfn);
		*fail = MM_FAULT_KILLED;
		return MM_NIL;
	}
	return res.pfn;
}

static void drop_unused_folio(struct mm_node *n, uint32_t pfn)
{
	user_folio_free(n, pfn);
}

/* mm/memory.c: handle_pte_fault -> do_anonymous_page / do_swap_page (or a young-bit hit) */
enum mm_fault_result mm_anon_touch(struct mm_node *n, struct mm_task *t, uint32_t vpn)
{
	uint32_t id = task_owner(t);
	struct mm_owner *o = owner_get(n, id);
	enum mm_fault_result fail = MM_FAULT_OOM;

	if (!o || o->kind != MM_OWNER_PROCESS || vpn > MM_MAX_VPN)
		return MM_FAULT_EINVAL;
	if (o->dead || o->oom_victim)
		return MM_FAULT_KILLED;
	if (owner_reserve_pte(n, o, vpn))
		return MM_FAULT_OOM;
	uint32_t e = o->pte[vpn];
	if (e & PTE_PRESENT) {
		o->pte[vpn] = e | PTE_YOUNG; /* the MMU sets the accessed bit */
		if ((e & PTE_YOUNG) || !o->ra_pages)
			return MM_FAULT_HIT;
		struct page *p = pfn_to_page(n, e & PTE_VALUE_MASK);
		if (!p->readahead)
			return MM_FAULT_HIT;
		/* the kernel's PTE is still a swap entry: a fault that finds the folio in the swap cache */
		count_vm_events(n, PGFAULT, 1);
		swap_readahead_hit(n, o, vpn, p);
		return MM_FAULT_SWAPCACHE;
	}
	count_vm_events(n, PGFAULT, 1);
	bool swapped = (e & PTE_SWAP) != 0;
	uint32_t pfn = alloc_user_folio(n, t, true, id, vpn, &fail);
	if (pfn == MM_NIL)
		return fail;
	o = owner_get(n, id);
	if (o->pte[vpn] != e) { /* cannot happen for a single-threaded owner; be safe */
		drop_unused_folio(n, pfn);
		return MM_FAULT_HIT;
	}
	o->pte[vpn] = PTE_PRESENT | PTE_YOUNG | pfn;
	o->rss_anon++;
	if (!swapped) {
		folio_add_lru(n, pfn);
		owner_note_pte_populated(o, vpn);
		return MM_FAULT_MINOR;
	}
	/* do_swap_page: the state moves first, then the read is queued and waited for */
	uint32_t slot = e & PTE_VALUE_MASK;
	count_vm_events(n, PGMAJFAULT, 1); /* had to read the page from the swap area */
	uint32_t shadow = n->swap.shadow[slot]; /* get_shadow_from_swap_cache */
	if (shadow & PTE_SHADOW)
		workingset_refault(n, pfn, shadow & PTE_VALUE_MASK);
	folio_add_lru(n, pfn);
	swap_free(n, slot);
	o->swapents--;
	swap_read_in(n, t, id, vpn, slot, pfn); /* the single read, or readahead around it */
	host_io_wait(n, t);
	return MM_FAULT_MAJOR;
}

/* mm/memory.c: zap_pte_range over [vpn, vpn + count) */
void mm_anon_unmap(struct mm_node *n, struct mm_task *t, uint32_t vpn, uint32_t count)
{
	struct mm_owner *o = owner_get(n, task_owner(t));

	if (!o || o->kind != MM_OWNER_PROCESS)
		return;
	uint64_t end = (uint64_t)vpn + count;
	if (end > o->nr_pte)
		end = o->nr_pte;
	for (uint64_t v = vpn; v < end; v++) {
		uint32_t e = o->pte[v];
		if (e & PTE_PRESENT) {
			uint32_t pfn = e & PTE_VALUE_MASK;
			struct page *p = pfn_to_page(n, pfn);
			if (p->flags & PG_lru)
				lruvec_del_folio(n, pfn);
			o->ra_pages -= p->readahead;
			user_folio_free(n, pfn);
			o->rss_anon--;
			host_cpu(n, t, MM_COST_FREE, 1);
		} else if (e & PTE_SWAP) {
			swap_free(n, e & PTE_VALUE_MASK);
			o->swapents--;
		}
		o->pte[v] = PTE_NONE;
	}
}

/* mm/filemap.c: filemap_read / generic_perform_write for one page of a file */
static enum mm_fault_result file_access(struct mm_node *n, struct mm_task *t, uint32_t file, uint32_t index,
					bool write)
{
	struct mm_owner *f = owner_get(n, file);
	enum mm_fault_result fail = MM_FAULT_OOM, result = MM_FAULT_MINOR;

	if (!f || f->kind != MM_OWNER_FILE || f->dead || index > MM_MAX_VPN)
		return MM_FAULT_EINVAL;
	if (task_killed(n, t))
		return MM_FAULT_KILLED;
	if (owner_reserve_pte(n, f, index))
		return MM_FAULT_OOM;
	uint32_t e = f->pte[index];
	uint32_t pfn;
	if (!(e & PTE_PRESENT)) {
		pfn = alloc_user_folio(n, t, false, file, index, &fail);
		if (pfn == MM_NIL)
			return fail;
		f = owner_get(n, file);
		if (!f || f->kind != MM_OWNER_FILE || f->dead) {
			drop_unused_folio(n, pfn);
			return MM_FAULT_EINVAL;
		}
		e = f->pte[index]; /* another task may have filled or evicted it meanwhile */
		if (e & PTE_PRESENT) {
			drop_unused_folio(n, pfn);
			pfn = e & PTE_VALUE_MASK;
			result = MM_FAULT_HIT;
		} else {
			if (e & PTE_SHADOW) { /* filemap_add_folio: reads and writes alike */
				workingset_refault(n, pfn, e & PTE_VALUE_MASK);
				result = MM_FAULT_REFAULT;
			}
			f->pte[index] = PTE_PRESENT | pfn;
			f->nr_cache++;
			folio_add_lru(n, pfn);
		}
	} else {
		pfn = e & PTE_VALUE_MASK;
		result = MM_FAULT_HIT;
	}
	struct page *p = pfn_to_page(n, pfn);
	if (write) {
		if (!(p->flags & PG_dirty)) {
			p->flags |= PG_dirty;
			mod_stat(n, NR_FILE_DIRTY, 1);
			mod_stat(n, NR_DIRTIED, 1);
		}
		return result;
	}
	folio_mark_accessed(n, pfn);
	if (result == MM_FAULT_MINOR || result == MM_FAULT_REFAULT) {
		if (n->host.file_read)
			n->host.file_read(n->host.ctx, t, file, index, pfn);
		host_io_wait(n, t);
	}
	return result;
}

enum mm_fault_result mm_file_read(struct mm_node *n, struct mm_task *t, uint32_t file, uint32_t index)
{
	return file_access(n, t, file, index, false);
}

enum mm_fault_result mm_file_write(struct mm_node *n, struct mm_task *t, uint32_t file, uint32_t index)
{
	return file_access(n, t, file, index, true);
}

/* exit_mmap / truncate_inode_pages / __oom_reap_task_mm: free every page, slot and shadow */
uint64_t owner_release_memory(struct mm_node *n, uint32_t id)
{
	struct mm_owner *o = owner_get(n, id);
	uint64_t freed = 0;

	if (!o || o->kind == MM_OWNER_KERNEL)
		return 0;
	for (uint32_t i = 0; i < o->nr_pte; i++) {
		uint32_t e = o->pte[i];
		if (e & PTE_PRESENT) {
			uint32_t pfn = e & PTE_VALUE_MASK;
			if (pfn_to_page(n, pfn)->flags & PG_lru)
				lruvec_del_folio(n, pfn);
			user_folio_free(n, pfn);
			freed++;
		} else if ((e & PTE_SWAP) && o->kind == MM_OWNER_PROCESS) {
			swap_free(n, e & PTE_VALUE_MASK);
		}
		o->pte[i] = PTE_NONE;
	}
	if (o->pt_map)
		for (uint32_t w = 0; w < (o->nr_pte / PTES_PER_TABLE + 63) / 64; w++)
			o->pt_map[w] = 0;
	o->rss_anon = o->rss_file = o->swapents = o->pgtables = o->nr_cache = o->ra_pages = 0;
	return freed;
}

/* fs/proc/task_mmu.c: clear_refs_pte_range (echo 1 > /proc/PID/clear_refs): accessed bits and PG_referenced */
void mm_clear_refs(struct mm_node *n, uint32_t owner)
{
	struct mm_owner *o = owner_get(n, owner);

	if (!o || o->kind != MM_OWNER_PROCESS)
		return;
	for (uint32_t i = 0; i < o->nr_pte; i++) {
		uint32_t e = o->pte[i];
		if (!(e & PTE_PRESENT))
			continue;
		o->pte[i] = e & ~PTE_YOUNG;
		pfn_to_page(n, e & PTE_VALUE_MASK)->flags &= (uint8_t)~PG_referenced;
	}
}
