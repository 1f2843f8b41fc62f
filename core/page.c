/*
 * page.c -- buddy allocator over the RAM ranges the platform hands us.
 *
 * A block of order k is 2^k pages aligned to its own size in absolute
 * address, so a block's buddy is found by flipping one address bit.  Each
 * range keeps a descriptor array in its first pages; a free block is
 * linked into its order's list through its own first bytes, so the
 * descriptors stay small and free memory carries the list.
 */
#include "core_impl.h"

struct freeblk {
	struct freeblk	*next;
	struct freeblk	*prev;
};

struct range {
	uintptr_t	 start;		/* first allocatable page */
	uintptr_t	 end;
	uintptr_t	 base;		/* page that desc[0] describes */
	struct td_pgdesc *desc;
	size_t		 ndesc;
};

static struct range	ranges[TD_MAXRANGES];
static int		nranges;
static struct freeblk	freelist[PAGE_MAXORDER + 1];
static size_t		npages_free, npages_total;

#define BLOCK_BYTES(o)	((uintptr_t)TD_PAGE_SIZE << (o))

/* The heap's pages nearly all come from one range: it is tried first
 * (every td_free looks up its block's page). */
static struct range *last_range = &ranges[0];

static struct range *
range_of(uintptr_t a)
{
	int i;

	if (a >= last_range->start && a < last_range->end)
		return last_range;
	for (i = 0; i < nranges; i++)
		if (a >= ranges[i].start && a < ranges[i].end)
			return last_range = &ranges[i];
	return NULL;
}

static struct td_pgdesc *
desc_in(struct range *r, uintptr_t a)
{
	return &r->desc[(a - r->base) >> PAGE_SHIFT];
}

struct td_pgdesc *
page_desc(const void *p)
{
	struct range *r = range_of((uintptr_t)p);

	return r == NULL ? NULL : desc_in(r, (uintptr_t)p);
}

void *
page_desc_addr(const struct td_pgdesc *d)
{
	int i;

	for (i = 0; i < nranges; i++)
		if (d >= ranges[i].desc && d < ranges[i].desc + ranges[i].ndesc)
			return (void *)(ranges[i].base +
			    ((uintptr_t)(d - ranges[i].desc) << PAGE_SHIFT));
	return NULL;
}

static void
list_push(unsigned o, uintptr_t a)
{
	struct freeblk *b = (struct freeblk *)a, *h = &freelist[o];

	b->next = h->next;
	b->prev = h;
	h->next->prev = b;
	h->next = b;
}

static void
list_del(uintptr_t a)
{
	struct freeblk *b = (struct freeblk *)a;

	b->prev->next = b->next;
	b->next->prev = b->prev;
}

/*
 * Returns a block to the free lists, merging it with its buddy for as
 * long as the buddy is free, whole and inside the same range.
 */
static void
block_free(struct range *r, uintptr_t a, unsigned o)
{
	struct td_pgdesc *d, *bd;
	uintptr_t buddy;

	npages_free += (size_t)1 << o;
	while (o < PAGE_MAXORDER) {
		buddy = a ^ BLOCK_BYTES(o);
		if (buddy < r->start || buddy + BLOCK_BYTES(o) > r->end)
			break;
		bd = desc_in(r, buddy);
		if (bd->state != PG_FREE || bd->order != o)
			break;
		list_del(buddy);
		bd->state = PG_NONE;
		desc_in(r, a)->state = PG_NONE;
		if (buddy < a)
			a = buddy;
		o++;
	}
	d = desc_in(r, a);
	d->state = PG_FREE;
	d->order = o;
	d->kind = 0;
	list_push(o, a);
}

/* Takes a block of exactly order o, splitting a larger one if needed. */
static uintptr_t
block_alloc(unsigned o)
{
	struct td_pgdesc *d;
	struct range *r;
	uintptr_t a;
	unsigned k;

	for (k = o; k <= PAGE_MAXORDER; k++)
		if (freelist[k].next != &freelist[k])
			break;
	if (k > PAGE_MAXORDER)
		return 0;
	a = (uintptr_t)freelist[k].next;
	list_del(a);
	r = range_of(a);
	/* hand the upper halves back until the block has the right size */
	while (k > o) {
		k--;
		d = desc_in(r, a + BLOCK_BYTES(k));
		d->state = PG_FREE;
		d->order = k;
		list_push(k, a + BLOCK_BYTES(k));
	}
	d = desc_in(r, a);
	d->state = PG_ALLOC;
	d->order = o;
	d->kind = 0;
	npages_free -= (size_t)1 << o;
	return a;
}

/* Largest order of a block at page offset off (aligned to itself) that
 * fits below page offset lim. */
static unsigned
fit_order(uintptr_t off, uintptr_t lim)
{
	unsigned o = 0;

	while (o < PAGE_MAXORDER && (off & (((uintptr_t)2 << o) - 1)) == 0 &&
	    off + ((uintptr_t)2 << o) <= lim)
		o++;
	return o;
}

/* Frees pages [a, a + n pages) of range r as the biggest aligned blocks. */
static void
free_span(struct range *r, uintptr_t a, uintptr_t n)
{
	uintptr_t pg = a >> PAGE_SHIFT, lim = pg + n;
	unsigned o;

	while (pg < lim) {
		o = fit_order(pg, lim);
		block_free(r, pg << PAGE_SHIFT, o);
		pg += (uintptr_t)1 << o;
	}
}

static void
range_add(uintptr_t start, uintptr_t len)
{
	struct range *r = &ranges[nranges];
	size_t npg = len >> PAGE_SHIFT, metapg;

	metapg = (npg * sizeof(struct td_pgdesc) + TD_PAGE_SIZE - 1) >>
	    PAGE_SHIFT;
	if (npg <= metapg + 1)
		return;		/* too small to be worth a descriptor page */
	r->base = start;
	r->desc = (struct td_pgdesc *)start;
	r->ndesc = npg;
	r->start = start + (metapg << PAGE_SHIFT);
	r->end = start + len;
	memset(r->desc, 0, metapg << PAGE_SHIFT);
	nranges++;
	npages_total += npg - metapg;
	free_span(r, r->start, npg - metapg);
}

void
page_init(const struct td_memrange *mr, int n)
{
	unsigned o;
	int i;

	nranges = 0;
	memset(ranges, 0, sizeof(ranges));	/* no stale last_range */
	last_range = &ranges[0];
	npages_free = npages_total = 0;
	for (o = 0; o <= PAGE_MAXORDER; o++)
		freelist[o].next = freelist[o].prev = &freelist[o];
	for (i = 0; i < n && i < TD_MAXRANGES; i++) {
		/* be lenient with a platform that rounds badly */
		uintptr_t s = (mr[i].start + TD_PAGE_SIZE - 1) &
		    ~(TD_PAGE_SIZE - 1);
		uintptr_t e = (mr[i].start + mr[i].len) & ~(TD_PAGE_SIZE - 1);

		if (e > s)
			range_add(s, e - s);
	}
}

void *
td_page_alloc(unsigned order)
{
	if (order > PAGE_MAXORDER)
		return NULL;
	return (void *)block_alloc(order);
}

void
td_page_free(void *p, unsigned order)
{
	uintptr_t a = (uintptr_t)p;
	struct range *r = range_of(a);
	struct td_pgdesc *d;

	if (r == NULL || (a & (TD_PAGE_SIZE - 1)) != 0)
		td_panic("td_page_free: %p is not a page we own", p);
	d = desc_in(r, a);
	if (d->state == PG_FREE)
		td_panic("td_page_free: double free of %p", p);
	if (d->state != PG_ALLOC || d->order != order)
		td_panic("td_page_free: %p was not allocated with order %u",
		    p, order);
	block_free(r, a, order);
}

void *
page_alloc_run(size_t npages, unsigned minorder)
{
	struct td_pgdesc *d;
	unsigned o = minorder;
	uintptr_t a;

	if (npages == 0 || npages > ((size_t)1 << PAGE_MAXORDER))
		return NULL;
	while (((size_t)1 << o) < npages)
		o++;
	if (o > PAGE_MAXORDER || (a = block_alloc(o)) == 0)
		return NULL;
	if (npages < ((size_t)1 << o))
		free_span(range_of(a), a + (npages << PAGE_SHIFT),
		    ((size_t)1 << o) - npages);
	/* block_alloc counted the whole block; free_span gave the tail back */
	d = page_desc((void *)a);
	d->state = PG_RUN;
	d->npages = npages;
	return (void *)a;
}

void
page_free_run(void *p, size_t npages)
{
	uintptr_t a = (uintptr_t)p;
	struct range *r = range_of(a);
	struct td_pgdesc *d;

	if (r == NULL || (a & (TD_PAGE_SIZE - 1)) != 0)
		td_panic("page_free_run: %p is not a page we own", p);
	d = desc_in(r, a);
	if (d->state != PG_RUN || d->npages != npages)
		td_panic("page_free_run: %p is not a run of %zu pages",
		    p, npages);
	d->state = PG_NONE;
	free_span(r, a, npages);
}

size_t
td_page_nfree(void)
{
	return npages_free;
}

size_t
td_page_ntotal(void)
{
	return npages_total;
}

int
td_page_protect(void *addr, size_t len, int prot)
{
	uintptr_t a = (uintptr_t)addr;

	if ((a & (TD_PAGE_SIZE - 1)) != 0 || (len & (TD_PAGE_SIZE - 1)) != 0)
		return -1;
	if (len != 0 && td_lazy_contains(addr, len))
		return td_plat.lazy_set != NULL ? lazy_protect(a, len, prot) :
		    -1;
	if (td_plat.page_protect == NULL)
		return 1;
	if (len == 0 && !(prot & TD_PROT_BATCH))
		return 0;
	return td_plat.page_protect(a, len, prot);
}
