/*
 * stack.c -- thread stacks, each with an unmapped guard page below it
 * where the platform can protect pages: running off a stack's end
 * faults at once (the page-fault report names the thread) instead of
 * overwriting whatever lies below.  On Xen PV a second page sits between
 * guard and stack, its top word watched by a debug register (see
 * td_plat.stack_watch).  Without page protection (posix) a stack is
 * plain pages; the scheduler's canary words are then the only check.
 *
 * Stacks of the default size are cached: carved from a 2 MiB block at a
 * time (in ring 0 one page-table split, then one protection per guard)
 * and kept, guards still unmapped, when their thread ends; the guards
 * of a block are unmapped as one batch (one TLB flush), and the first
 * block is cut at boot (30 stacks; 28 on Xen PV).  Every
 * protection change costs a TLB invalidation -- on Xen PV a hypercall,
 * under QEMU TCG a flush of its whole software TLB -- which creating a
 * thread should not pay each time.  The cache never shrinks; below
 * 64 MiB of RAM its blocks are 512 KiB (7 stacks), not 2 MiB.
 *
 * Stacks bigger than the default (main's) are demand-zero memory where
 * a fault on the running stack can be served (ring 0, where #PF has a
 * stack of its own): a page costs RAM once the thread reaches it.
 */
#include "core_impl.h"

#define CHUNK_ORDER	9			/* 2 MiB */
#define CACHE_PAGES	(STACK_DEFAULT / TD_PAGE_SIZE)

static uint64_t	*cache;		/* free cached stacks, linked by base[0] */

/* Pages under a stack: the guard, and on Xen PV the watched page. */
static size_t
prepages(void)
{
	return td_plat.stack_watch != NULL ? 2 : 1;
}

static void
set_below(struct td_stack *s, size_t pre)
{
	s->guard = (uintptr_t)s->base - pre * TD_PAGE_SIZE;
	s->watch = pre == 2 ? (uintptr_t)s->base - 8 : 0;
}

/* A 2 MiB block cut into guarded default-size stacks. */
static void
cache_fill(void)
{
	size_t pre = prepages(), sp = pre + CACHE_PAGES, i, n = 0;
	unsigned order = td_page_ntotal() < 16384 ? CHUNK_ORDER - 2 :
	    CHUNK_ORDER;
	char *c, *slot;
	uint64_t *base;

	if ((c = td_page_alloc(order)) == NULL)
		return;
	for (i = 0; i + sp <= ((size_t)1 << order); i += sp) {
		slot = c + i * TD_PAGE_SIZE;
		if (td_page_protect(slot, TD_PAGE_SIZE,
		    TD_PROT_NONE | TD_PROT_BATCH) != 0)
			break;		/* no page for a page table */
		base = (uint64_t *)(slot + pre * TD_PAGE_SIZE);
		base[0] = (uint64_t)(uintptr_t)cache;
		cache = base;
		n++;
	}
	(void)td_page_protect(NULL, 0, TD_PROT_BATCH);	/* one flush */
	if (n == 0)
		td_page_free(c, order);
}

/* At boot, after protect_init: the first block costs no TLB flush of
 * its own at run time, where each one is felt (see above). */
void
stack_init(void)
{
	if (td_plat.page_protect != NULL)
		cache_fill();
}

int
stack_get(struct td_stack *s, size_t size)
{
	size_t pre = prepages();

	memset(s, 0, sizeof(*s));
	s->size = size;
	if (size == STACK_DEFAULT && td_plat.page_protect != NULL) {
		if (cache == NULL)
			cache_fill();
		if (cache != NULL) {
			s->base = cache;
			cache = (uint64_t *)(uintptr_t)cache[0];
			set_below(s, pre);
			return 0;
		}
	}
	/* any other size: its own run of pages, guard first */
	s->npages = size / TD_PAGE_SIZE + pre;
	if (size > STACK_DEFAULT && td_plat.stack_watch == NULL &&
	    (s->run = td_lazy_alloc(s->npages * TD_PAGE_SIZE,
	    TD_PROT_READ | TD_PROT_WRITE)) != NULL) {
		s->lazy = 1;
		s->base = (uint64_t *)((char *)s->run + pre * TD_PAGE_SIZE);
		if (td_page_protect(s->run, TD_PAGE_SIZE, TD_PROT_NONE) == 0)
			set_below(s, pre);
		return 0;
	}
	if ((s->run = page_alloc_run(s->npages, 0)) == NULL)
		return -1;
	s->base = (uint64_t *)((char *)s->run + pre * TD_PAGE_SIZE);
	if (td_page_protect(s->run, TD_PAGE_SIZE, TD_PROT_NONE) == 0)
		set_below(s, pre);
	return 0;
}

void
stack_put(struct td_stack *s)
{
	if (s->base == NULL)
		return;
	if (s->run == NULL) {			/* back to the cache */
		s->base[0] = (uint64_t)(uintptr_t)cache;
		cache = s->base;
	} else if (s->lazy) {
		td_lazy_free(s->run, s->npages * TD_PAGE_SIZE);
	} else {
		/* the page allocator hands out mapped, writable pages */
		if (s->guard != 0 && td_page_protect((void *)s->guard,
		    TD_PAGE_SIZE, TD_PROT_READ | TD_PROT_WRITE) != 0)
			td_panic("cannot map back a stack's guard page");
		page_free_run(s->run, s->npages);
	}
	s->base = NULL;
}

/* addr lies in the pages under the stack (guard, watched page). */
int
stack_below(const struct td_stack *s, uintptr_t addr)
{
	return s->base != NULL && s->guard != 0 && addr >= s->guard &&
	    addr < (uintptr_t)s->base;
}
