/*
 * lazy.c -- demand-zero memory: big anonymous mappings (libos's mmap,
 * brk, app thread stacks, the main stack) reserve address space in a
 * window above the identity map, and a page of RAM backs each page at
 * its first touch, zeroed, from the page-fault handler.  A 4 MiB thread
 * stack whose thread uses 20 KiB costs 20 KiB, as on Linux.
 *
 * The state of a page lives in its page-table entry (td_plat.lazy_get /
 * lazy_set, platform.h): present (backed), 0 (not yet touched: the
 * reservation's rights apply), or one of core's markers below -- a
 * protection mprotect set before the first touch, or a hole a partial
 * munmap left (a fault, as an unmapped page).  Markers hold no frame
 * address, so Xen's L1TF check accepts them in a PV guest.
 *
 * Reservations are a sorted list; address space is handed out first
 * fit between them.  The fault path takes pages with td_page_alloc only,
 * with interrupts masked and without blocking: the page allocator never
 * touches lazy memory, so a fault cannot come while it is busy.
 */
#include "core_impl.h"

#define LZ_PROT		7ULL		/* TD_PROT_* of a marker */
#define LZ_MARK		8ULL		/* rights differ from the default */
#define LZ_HOLE		16ULL		/* unmapped: every access faults */
#define LZ_PARK		32ULL		/* PROT_NONE over a backed page */
#define SPAN		(2ULL << 20)	/* one page table */

struct lzres {
	uintptr_t	 base;
	size_t		 len;
	int		 prot;		/* TD_PROT_* of untouched pages */
	struct lzres	*next;
};

static struct lzres *reslist;		/* sorted by base */

/* A backed page made PROT_NONE cannot stay present (x86 has no such
 * entry), and a marker holds no frame: the frame waits here until the
 * page is opened again or goes away.  Rare (guard pages are mapped
 * PROT_NONE before any touch), hence a list. */
struct parked {
	uintptr_t	 va;
	uintptr_t	 frame;
	struct parked	*next;
};
static struct parked *parked;

/* Takes va's parked frame out of the list (0: none). */
static uintptr_t
unpark(uintptr_t va)
{
	struct parked **pp, *p;
	uintptr_t f;

	for (pp = &parked; (p = *pp) != NULL; pp = &p->next)
		if (p->va == va) {
			*pp = p->next;
			f = p->frame;
			td_free(p);
			return f;
		}
	return 0;
}
static size_t nbacked;

static int
lazy_ok(void)
{
	return td_plat.lazy_get != NULL && td_plat.lazy_set != NULL;
}

int
td_lazy_contains(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	return a < TD_LAZY_END && a + len > TD_LAZY_BASE;
}

static struct lzres *
res_of(uintptr_t a)
{
	struct lzres *r;

	for (r = reslist; r != NULL && r->base <= a; r = r->next)
		if (a < r->base + r->len)
			return r;
	return NULL;
}

void *
td_lazy_alloc(size_t len, int prot)
{
	struct lzres *r, **pp, *n;
	uintptr_t at = TD_LAZY_BASE;

	if (!lazy_ok() || len == 0 || (len & (TD_PAGE_SIZE - 1)) != 0 ||
	    len > TD_LAZY_END - TD_LAZY_BASE)
		return NULL;
	for (pp = &reslist; (r = *pp) != NULL; pp = &r->next) {
		if (r->base - at >= len)
			break;
		at = r->base + r->len;
	}
	if (TD_LAZY_END - at < len || (n = td_malloc_try(sizeof(*n))) == NULL)
		return NULL;
	n->base = at;
	n->len = len;
	n->prot = prot & LZ_PROT;
	n->next = *pp;
	*pp = n;
	return (void *)at;
}

/* The entry a page of r gets when it has no frame (any more). */
static uint64_t
idle_ent(const struct lzres *r, int prot)
{
	return prot == r->prot ? 0 : (LZ_MARK | (uint64_t)prot);
}

static int
ent_prot(uint64_t e)
{
	return (int)(e & LZ_PROT);
}

/*
 * Walks the entries of [a, a + len) inside r, calling fn on each that
 * has a page table; returns how many present entries fn changed (so the
 * caller flushes once).  Missing tables are skipped 2 MiB at a time,
 * unless fill: then fn sees 0 there (and may make a table).  Without
 * fill, fn must do nothing with a 0 entry: those are skipped too, by
 * the platform's table scan where it has one (freeing a 4 MiB thread
 * stack visits the pages its thread touched, not all 1,024).
 */
static size_t
walk(const struct lzres *r, uintptr_t a, uintptr_t end,
    size_t (*fn)(const struct lzres *, uintptr_t, uint64_t, int), int arg,
    int fill)
{
	size_t nflush = 0;
	uint64_t e;

	while (a < end) {
		if (!fill && td_plat.lazy_next != NULL &&
		    (a = td_plat.lazy_next(a, end)) >= end)
			break;
		e = td_plat.lazy_get(a);
		if (e == TD_LZ_NOTABLE && fill)
			e = 0;
		if (e == TD_LZ_NOTABLE) {
			a = (a + SPAN) & ~(SPAN - 1);
			continue;
		}
		nflush += fn(r, a, e, arg);
		a += TD_PAGE_SIZE;
	}
	return nflush;
}

/* After an entry was cleared: its frame (present or parked) goes back;
 * 1 when a TLB flush is due. */
static size_t
drop_frame(uintptr_t a, uint64_t e)
{
	uintptr_t f;

	if (e & LZ_PARK) {
		if ((f = unpark(a)) != 0) {
			td_page_free((void *)f, 0);
			nbacked--;
		}
		return 0;
	}
	if (!(e & TD_LZ_PRESENT))
		return 0;
	td_page_free((void *)(uintptr_t)(e & TD_LZ_FRAME), 0);
	nbacked--;
	return 1;
}

/* discard: the frame goes back; hole or the rights the page had */
static size_t
discard_one(const struct lzres *r, uintptr_t a, uint64_t e, int hole)
{
	uint64_t ne;

	if (hole)
		ne = LZ_HOLE;
	else if (e & TD_LZ_PRESENT)
		ne = idle_ent(r, ent_prot(e));
	else if (e & LZ_HOLE)
		ne = 0;		/* MAP_FIXED over a hole maps it again */
	else if (e & LZ_PARK)
		ne = idle_ent(r, 0);
	else
		ne = e;
	if (ne == e)
		return 0;
	if (td_plat.lazy_set(a, ne, 1) != 0)
		td_panic("lazy memory: no page for a page table at %#lx",
		    (unsigned long)a);
	/* a parked frame goes back too: its record must not outlive the
	 * entry (a later park of this page would find the stale one) */
	return drop_frame(a, e);
}

/* Writing 0 never needs a page table (there is one: e was read). */
static size_t
clear_one(const struct lzres *r, uintptr_t a, uint64_t e, int unused)
{
	if (e == 0)
		return 0;
	td_plat.lazy_set(a, 0, 1);
	return drop_frame(a, e);
}

/* fn over [a, end) with interrupts masked, then one TLB flush if a
 * present entry changed; returns what walk summed. */
static size_t
run(const struct lzres *r, uintptr_t a, uintptr_t end,
    size_t (*fn)(const struct lzres *, uintptr_t, uint64_t, int), int arg,
    int fill)
{
	td_irqflags_t fl = td_irq_save();
	size_t n = walk(r, a, end, fn, arg, fill);

	if (n != 0)
		td_plat.lazy_set(0, 0, 1);
	td_irq_restore(fl);
	return n;
}

void
td_lazy_discard(void *p, size_t len, int hole)
{
	uintptr_t a = (uintptr_t)p & ~(TD_PAGE_SIZE - 1);
	struct lzres *r = res_of(a);

	if (r == NULL || len == 0)
		return;
	if (a + len > r->base + r->len)
		len = r->base + r->len - a;
	run(r, a, (a + len + TD_PAGE_SIZE - 1) & ~(TD_PAGE_SIZE - 1),
	    discard_one, hole, hole);
}

void
td_lazy_free(void *p, size_t len)
{
	struct lzres **pp, *r;

	for (pp = &reslist; (r = *pp) != NULL; pp = &r->next)
		if (r->base == (uintptr_t)p)
			break;
	if (r == NULL || r->len != len)
		td_panic("td_lazy_free(%p, %zu): not a reservation", p, len);
	/* every entry back to 0: the address space is reused as is */
	run(r, r->base, r->base + r->len, clear_one, 0, 0);
	*pp = r->next;
	td_free(r);
}

/* protect: present pages keep their frame (parked under PROT_NONE);
 * the others get a marker.  Returns 1 when a flush is due, BADPROT when
 * no page (table, list node) could be had. */
#define BADPROT	((size_t)1 << 40)
static size_t
protect_one(const struct lzres *r, uintptr_t a, uint64_t e, int prot)
{
	struct parked *p;
	uintptr_t f = 0;
	uint64_t ne;

	if (e & LZ_HOLE)
		return 0;
	if ((e & LZ_PARK) && prot == TD_PROT_NONE)
		return 0;
	if (e & TD_LZ_PRESENT)
		f = e & TD_LZ_FRAME;
	else if (e & LZ_PARK)
		f = unpark(a);
	if (f != 0 && prot == TD_PROT_NONE) {
		if ((p = td_malloc_try(sizeof(*p))) == NULL)
			return BADPROT;
		p->va = a;
		p->frame = f;
		p->next = parked;
		parked = p;
		ne = LZ_MARK | LZ_PARK;
	} else if (f != 0)
		ne = f | TD_LZ_PRESENT | (uint64_t)prot;
	else
		ne = idle_ent(r, prot);
	if (ne == e)
		return 0;
	if (td_plat.lazy_set(a, ne, 1) != 0)
		return BADPROT;
	return (e & TD_LZ_PRESENT) ? 1 : 0;
}

/* pin: an untouched page keeps the rights it has now (the reservation's
 * default, about to change) as a marker of its own; a marker equal to
 * the default means the same thing under either default. */
static size_t
pin_one(const struct lzres *r, uintptr_t a, uint64_t e, int unused)
{
	if (e != 0)
		return 0;
	return td_plat.lazy_set(a, LZ_MARK | (uint64_t)r->prot, 1) != 0 ?
	    BADPROT : 0;
}

/*
 * mprotect of most of an untouched part of r -- musl maps a thread's
 * stack PROT_NONE and opens all of it but the guard page -- changes r's
 * default instead: the pages outside the range are pinned to the old
 * one, and the range's entries stay 0 (nothing to write, nothing for
 * munmap to clear).  1 when done, 0 when the page-by-page way must do
 * it, -1 when a page table could not be had (nothing changed).
 */
static int
protect_flip(struct lzres *r, uintptr_t a, uintptr_t end, int prot)
{
	td_irqflags_t fl;
	size_t n;

	if (td_plat.lazy_next == NULL || prot == r->prot ||
	    (end - a) * 2 <= r->len)
		return 0;
	fl = td_irq_save();
	if (td_plat.lazy_next(a, end) != end) {
		td_irq_restore(fl);
		return 0;		/* touched or marked: page by page */
	}
	n = walk(r, r->base, a, pin_one, 0, 1) +
	    walk(r, end, r->base + r->len, pin_one, 0, 1);
	if (n == 0)
		r->prot = prot;
	td_irq_restore(fl);
	return n == 0 ? 1 : -1;
}

/* td_page_protect on lazy addresses (page.c).  A page with no table
 * yet needs one only when its rights differ from the default. */
int
lazy_protect(uintptr_t a, size_t len, int prot)
{
	struct lzres *r = res_of(a);
	int rc;

	if (r == NULL || a + len > r->base + r->len)
		return -1;
	prot &= (int)LZ_PROT;
	if ((rc = protect_flip(r, a, a + len, prot)) != 0)
		return rc > 0 ? 0 : -1;
	return run(r, a, a + len, protect_one, prot, 1) >= BADPROT ? -1 : 0;
}

/* Backs one untouched page; 0, or -1 when no page is left. */
static int
back(uintptr_t a, int prot)
{
	void *pg;

	if ((pg = td_page_alloc(0)) == NULL)
		return -1;
	memset(pg, 0, TD_PAGE_SIZE);
	if (td_plat.lazy_set(a, (uintptr_t)pg | TD_LZ_PRESENT |
	    (uint64_t)prot, 0) != 0) {
		td_page_free(pg, 0);
		return -1;
	}
	nbacked++;
	return 0;
}

/* The rights of a page that is not present, or -1 if it must fault. */
static int
idle_prot(const struct lzres *r, uint64_t e)
{
	if (e == TD_LZ_NOTABLE || e == 0)
		return r->prot;
	if (e & (LZ_HOLE | LZ_PARK | TD_LZ_PRESENT))
		return -1;
	return ent_prot(e);
}

int
td_lazy_fault(uintptr_t addr, uint64_t err)
{
	uintptr_t a = addr & ~(TD_PAGE_SIZE - 1);
	struct td_thread *t;
	struct lzres *r;
	td_irqflags_t fl;
	int prot, rc = 0;

	if (!lazy_ok() || !td_lazy_contains((void *)a, 1) || (err & 1))
		return 0;		/* not ours, or a protection fault */
	fl = td_irq_save();
	if ((r = res_of(a)) == NULL ||
	    (prot = idle_prot(r, td_plat.lazy_get(a))) <= 0 ||
	    ((err & 2) && !(prot & TD_PROT_WRITE)) ||
	    ((err & 0x10) && !(prot & TD_PROT_EXEC)))
		goto out;
	if (back(a, prot) != 0) {
		t = td_thread_self();
		td_panic("out of memory backing a page at %#lx for %s",
		    (unsigned long)addr, t != NULL ? td_thread_name(t) :
		    "(boot)");
	}
	rc = 1;
out:
	td_irq_restore(fl);
	return rc;
}

int
td_lazy_stack(void *p, size_t len, uintptr_t *bottom)
{
	uintptr_t a, end = (uintptr_t)p + len;
	struct lzres *r;
	td_irqflags_t fl;
	int prot, rc = 0;

	if (bottom != NULL)
		*bottom = 0;
	if (td_plat.stack_watch == NULL || !lazy_ok())
		return 0;	/* faults on a stack are handled (ring 0 IST) */
	fl = td_irq_save();
	for (a = (uintptr_t)p & ~(TD_PAGE_SIZE - 1); a < end && rc == 0;
	    a += TD_PAGE_SIZE) {
		if ((r = res_of(a)) == NULL)
			continue;
		prot = idle_prot(r, td_plat.lazy_get(a));
		if (prot > 0 && (rc = back(a, prot)) == 0 && bottom != NULL &&
		    *bottom == 0)
			*bottom = a;
	}
	td_irq_restore(fl);
	return rc;
}

size_t
td_lazy_backed(void)
{
	return nbacked;
}
