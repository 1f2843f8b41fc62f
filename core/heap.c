/*
 * heap.c -- malloc and friends on top of the page allocator.
 *
 * Small blocks (<= 2048 bytes) come from slabs: a buddy block cut into
 * objects of one size class, with the class and the free list kept in
 * the page descriptors, so objects carry no header and power-of-two
 * classes are naturally aligned to their size (which is what memalign
 * uses).  Larger blocks are page runs; the run length lives in the
 * descriptor of the first page.  free() therefore finds every size from
 * page metadata alone.
 */
#include "core_impl.h"

#include <tandem/arch.h>

#define HK_SLAB		1	/* every page of a slab */
#define HK_LARGE	2	/* first page of a large run */

#define SMALL_MAX	2048
#define MIN_ALIGN	16

/* Marks a free object (second word) so a double free is caught cheaply;
 * a match is confirmed against the free list before panicking. */
#define FREE_MAGIC	0x7a6e64656d667265ULL

struct freeobj {
	struct freeobj	*next;
	uint64_t	 magic;
};

static const uint16_t class_size[] = {
	16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256,
	320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048,
};
#define NCLASS	(sizeof(class_size) / sizeof(class_size[0]))

struct sclass {
	struct td_pgdesc *partial;	/* slabs with free objects */
	uint16_t	 size;
	uint8_t		 order;		/* slab size: 2^order pages */
	uint16_t	 nobj;
};

static struct sclass	classes[NCLASS];
static uint8_t		class_of[SMALL_MAX / MIN_ALIGN + 1];
static size_t		inuse, peak;

TD_COLD void
heap_init(void)
{
	size_t i, sz, slab;
	unsigned c = 0, o;

	inuse = peak = 0;
	for (i = 0; i < NCLASS; i++) {
		sz = class_size[i];
		/* big enough for 8 objects and at most 1/8 of it wasted */
		for (o = 0; o < 3; o++) {
			slab = TD_PAGE_SIZE << o;
			if (slab / sz >= 8 && slab % sz <= slab / 8)
				break;
		}
		classes[i].partial = NULL;
		classes[i].size = sz;
		classes[i].order = o;
		classes[i].nobj = (TD_PAGE_SIZE << o) / sz;
	}
	for (i = 0; i <= SMALL_MAX / MIN_ALIGN; i++) {
		while (class_size[c] < i * MIN_ALIGN)
			c++;
		class_of[i] = c;
	}
}

static void
account(size_t n)
{
	inuse += n;
	if (inuse > peak)
		peak = inuse;
}

/* ---- slabs ---------------------------------------------------------- */

static void
partial_add(struct sclass *sc, struct td_pgdesc *d)
{
	d->prev = NULL;
	d->next = sc->partial;
	if (sc->partial != NULL)
		sc->partial->prev = d;
	sc->partial = d;
}

static void
partial_del(struct sclass *sc, struct td_pgdesc *d)
{
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		sc->partial = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	d->next = d->prev = NULL;
}

static struct td_pgdesc *
slab_new(unsigned c)
{
	struct sclass *sc = &classes[c];
	struct td_pgdesc *d;
	struct freeobj *f, *prev = NULL;
	size_t i, npg = (size_t)1 << sc->order;
	char *base;

	base = td_page_alloc(sc->order);
	if (base == NULL)
		return NULL;
	for (i = 0; i < npg; i++) {
		d = page_desc(base + i * TD_PAGE_SIZE);
		d->kind = HK_SLAB;
		d->cls = c;
	}
	/* thread the free list in address order: friendlier to caches */
	for (i = sc->nobj; i-- > 0;) {
		f = (struct freeobj *)(base + i * sc->size);
		f->next = prev;
		f->magic = FREE_MAGIC;
		prev = f;
	}
	d = page_desc(base);
	d->freelist = prev;
	d->nfree = sc->nobj;
	partial_add(sc, d);
	return d;
}

static void
slab_release(struct sclass *sc, struct td_pgdesc *d)
{
	size_t i, npg = (size_t)1 << sc->order;
	char *base = page_desc_addr(d);

	partial_del(sc, d);
	for (i = 0; i < npg; i++)
		page_desc(base + i * TD_PAGE_SIZE)->kind = 0;
	td_page_free(base, sc->order);
}

static void *
slab_alloc(unsigned c)
{
	struct sclass *sc = &classes[c];
	struct td_pgdesc *d = sc->partial;
	struct freeobj *f;

	if (d == NULL && (d = slab_new(c)) == NULL)
		return NULL;
	f = d->freelist;
	d->freelist = f->next;
	f->magic = 0;
	if (--d->nfree == 0)
		partial_del(sc, d);
	account(sc->size);
	return f;
}

static int
on_freelist(const struct td_pgdesc *d, const struct freeobj *obj)
{
	const struct freeobj *f;

	for (f = d->freelist; f != NULL; f = f->next)
		if (f == obj)
			return 1;
	return 0;
}

/* The slab head descriptor of a small object, after checking that p
 * really is the start of an object. */
static struct td_pgdesc *
slab_head(const void *p, const struct td_pgdesc *pd)
{
	struct sclass *sc = &classes[pd->cls];
	uintptr_t slab = TD_PAGE_SIZE << sc->order;
	uintptr_t base = (uintptr_t)p & ~(slab - 1);

	if (((uintptr_t)p - base) % sc->size != 0 ||
	    ((uintptr_t)p - base) / sc->size >= sc->nobj)
		td_panic("free: %p is not a heap block", p);
	return page_desc((void *)base);
}

static void
slab_free(void *p, struct td_pgdesc *pd)
{
	struct sclass *sc = &classes[pd->cls];
	struct td_pgdesc *d = slab_head(p, pd);
	struct freeobj *f = p;

	if (f->magic == FREE_MAGIC && on_freelist(d, f))
		td_panic("free: double free of %p", p);
	f->magic = FREE_MAGIC;
	f->next = d->freelist;
	d->freelist = f;
	inuse -= sc->size;
	if (d->nfree++ == 0)
		partial_add(sc, d);
	/* keep one empty slab per class against alloc/free ping-pong */
	if (d->nfree == sc->nobj && (d->next != NULL || d->prev != NULL))
		slab_release(sc, d);
}

/* ---- large runs ----------------------------------------------------- */

static void *
large_alloc(size_t n, size_t align)
{
	size_t npg = (n + TD_PAGE_SIZE - 1) / TD_PAGE_SIZE;
	unsigned minorder = 0;
	void *p;

	if (npg == 0)
		npg = 1;
	while ((TD_PAGE_SIZE << minorder) < align)
		minorder++;
	if ((p = page_alloc_run(npg, minorder)) == NULL)
		return NULL;
	page_desc(p)->kind = HK_LARGE;
	account(npg * TD_PAGE_SIZE);
	return p;
}

/* ---- the entry points ----------------------------------------------- */

static void *
alloc_try(size_t n, size_t align)
{
	size_t sz;

	if (n > ((size_t)TD_PAGE_SIZE << PAGE_MAXORDER) ||
	    align > ((size_t)TD_PAGE_SIZE << PAGE_MAXORDER))
		return NULL;
	if (align <= MIN_ALIGN) {
		if (n <= SMALL_MAX)
			return slab_alloc(class_of[(n + MIN_ALIGN - 1) /
			    MIN_ALIGN]);
		return large_alloc(n, align);
	}
	/* power-of-two classes are aligned to their size */
	for (sz = align; sz < n; sz <<= 1)
		;
	if (sz <= SMALL_MAX)
		return slab_alloc(class_of[sz / MIN_ALIGN]);
	return large_alloc(n, align);
}

void *
heap_malloc_from(size_t n, const void *caller)
{
	void *p = alloc_try(n, MIN_ALIGN);

	if (p == NULL)
		panic_oom("malloc", n, caller);
	return p;
}

void *
heap_memalign_from(size_t align, size_t n, const void *caller)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		td_panic("memalign: bad alignment %zu", align);
	if ((p = alloc_try(n, align)) == NULL)
		panic_oom("memalign", n, caller);
	return p;
}

void *
heap_calloc_from(size_t n, size_t size, const void *caller)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		total = SIZE_MAX;
	if ((p = alloc_try(total, MIN_ALIGN)) == NULL)
		panic_oom("calloc", total, caller);
	return memset(p, 0, total);
}

void *
heap_realloc_from(void *p, size_t n, const void *caller)
{
	size_t have;
	void *q;

	if (p == NULL)
		return heap_malloc_from(n, caller);
	have = td_malloc_usable(p);
	/* shrinking in place wastes at most half of the block */
	if (n <= have && n >= have / 2)
		return p;
	if ((q = alloc_try(n, MIN_ALIGN)) == NULL)
		panic_oom("realloc", n, caller);
	memcpy(q, p, n < have ? n : have);
	td_free(p);
	return q;
}

void *
td_malloc(size_t n)
{
	return heap_malloc_from(n, __builtin_return_address(0));
}

void *
td_calloc(size_t n, size_t size)
{
	return heap_calloc_from(n, size, __builtin_return_address(0));
}

void *
td_realloc(void *p, size_t n)
{
	return heap_realloc_from(p, n, __builtin_return_address(0));
}

void *
td_memalign(size_t align, size_t n)
{
	return heap_memalign_from(align, n, __builtin_return_address(0));
}

void *
td_malloc_try(size_t n)
{
	return alloc_try(n, MIN_ALIGN);
}

void *
td_memalign_try(size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return NULL;
	return alloc_try(n, align);
}

/* The descriptor of a live block, or a panic. */
static struct td_pgdesc *
block_desc(const void *p)
{
	struct td_pgdesc *d = page_desc(p);

	if (d == NULL || (d->kind != HK_SLAB && d->kind != HK_LARGE))
		td_panic("heap: %p is not a heap block", p);
	if (d->kind == HK_LARGE && d->state != PG_RUN)
		td_panic("heap: %p is not a live heap block", p);
	return d;
}

void
td_free(void *p)
{
	struct td_pgdesc *d;
	size_t npg;

	if (p == NULL)
		return;
	d = block_desc(p);
	if (d->kind == HK_SLAB) {
		slab_free(p, d);
		return;
	}
	npg = d->npages;
	d->kind = 0;
	inuse -= npg * TD_PAGE_SIZE;
	page_free_run(p, npg);
}

size_t
td_malloc_usable(const void *p)
{
	struct td_pgdesc *d = block_desc(p);

	if (d->kind == HK_SLAB)
		return classes[d->cls].size;
	return (size_t)d->npages * TD_PAGE_SIZE;
}

size_t
td_heap_inuse(void)
{
	return inuse;
}

size_t
td_heap_peak(void)
{
	return peak;
}
