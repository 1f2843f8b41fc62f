/*
 * mem.c -- the address space: brk, mmap, munmap, mremap, mprotect,
 * madvise.  There is one address space.  A mapping of LAZY_MIN bytes
 * or more (and the brk window) is demand-zero memory from core
 * (td_lazy_alloc): a page costs RAM only once touched, as on Linux, and
 * unmapped pages go back at once.  A smaller one is memory from
 * rumpuser_anonmmap (zeroed).  Each is recorded in a list so that
 * munmap can give it back.  Partial unmaps are allowed as on Linux: the
 * pages of a mapping are counted, and its memory is freed when the last
 * one is unmapped.  File mappings are private copies (MAP_SHARED of a
 * file is refused: nothing would write it back).
 *
 * Protections are real where the platform has page tables (hardening):
 * mmap's prot and mprotect go to core's td_page_protect -- PROT_NONE
 * unmaps, no PROT_WRITE is read-only, no PROT_EXEC is no-execute -- and a
 * region's pages are made read+write again before they go back.
 */
#include "lo.h"
#include <linux/mman.h>
#include <tandem/core.h>

#define PAGE		4096UL
#define PROUND(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
/* Smaller mappings (mallocng's groups churn 16 KiB ones) stay eager:
 * a fault per page would cost more than zeroing them. */
#define LAZY_MIN	(64 * 1024)

struct region {
	uintptr_t	 base;		/* as allocated */
	size_t		 len;
	size_t		 mapped;	/* bytes still mapped */
	unsigned char	*holes;		/* 1 bit per page: unmapped */
	int		 prot_changed;	/* some page is not read+write */
	int		 lazy;		/* td_lazy_alloc memory */
	struct region	*next;
};

static struct region *regions;

/* Small eager regions just unmapped, kept for the next mmap of the same
 * size: musl's malloc maps and unmaps a 16 KiB group per nginx request,
 * and each round trip cost two heap allocations and frees besides the
 * zeroing, which reuse still does. */
#define RCACHE		4
static struct region *rcache[RCACHE];
static int nrcache;

static struct region *
region_of(uintptr_t a)
{
	struct region *r;

	for (r = regions; r != NULL; r = r->next)
		if (a >= r->base && a < r->base + r->len)
			return r;
	return NULL;
}

static void
region_free(struct region *r)
{
	struct region **pp;

	for (pp = &regions; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	if (!r->lazy && !r->prot_changed && r->len < LAZY_MIN &&
	    nrcache < RCACHE) {
		rcache[nrcache++] = r;
		return;
	}
	if (r->lazy)
		td_lazy_free((void *)r->base, r->len);
	else if (r->prot_changed && td_page_protect((void *)r->base, r->len,
	    TD_PROT_READ | TD_PROT_WRITE) < 0)
		lo_panic("munmap: cannot make pages writable again");
	if (!r->lazy)
		rumpuser_unmap((void *)r->base, r->len);
	lo_free(r->holes, (r->len / PAGE + 7) / 8);
	lo_free(r, sizeof(*r));
}

/* prot: the TD_PROT_* rights of lazy memory's untouched pages (eager
 * memory comes read+write; the caller sets what it wants). */
static void *
region_new(size_t len, int prot)
{
	struct region *r;
	void *p;
	int i;

	for (i = nrcache - 1; i >= 0 && len < LAZY_MIN; i--) {
		if ((r = rcache[i])->len != len)
			continue;
		rcache[i] = rcache[--nrcache];
		memset((void *)r->base, 0, len);
		memset(r->holes, 0, (len / PAGE + 7) / 8);
		r->mapped = len;
		r->next = regions;
		regions = r;
		return (void *)r->base;
	}
	if ((r = lo_zalloc(sizeof(*r))) == NULL)
		return NULL;
	if ((r->holes = lo_zalloc((len / PAGE + 7) / 8)) == NULL) {
		lo_free(r, sizeof(*r));
		return NULL;
	}
	if (len >= LAZY_MIN && (p = td_lazy_alloc(len, prot)) != NULL) {
		r->lazy = 1;
		r->prot_changed = prot != (TD_PROT_READ | TD_PROT_WRITE);
	} else if (rumpuser_anonmmap(NULL, len, 12, 0, &p) != 0) {
		lo_free(r->holes, (len / PAGE + 7) / 8);
		lo_free(r, sizeof(*r));
		return NULL;
	}
	r->base = (uintptr_t)p;
	r->len = r->mapped = len;
	r->next = regions;
	regions = r;
	return p;
}

/* Unmaps [a, a+len) wherever it overlaps our regions. */
static void
unmap_range(uintptr_t a, size_t len)
{
	struct region *r, *next;
	uintptr_t s, e, pg;
	size_t i;
	int last;

	for (r = regions; r != NULL; r = next) {
		next = r->next;
		s = a > r->base ? a : r->base;
		e = a + len < r->base + r->len ? a + len : r->base + r->len;
		if (s >= e)
			continue;
		/* regions do not overlap: one that holds the whole range is
		 * the only one (musl unmaps what it mapped, one at a time) */
		last = s == a && e == a + len;
		if (s == r->base && e == r->base + r->len) {
			region_free(r);		/* all of it: no hole bits */
			if (last)
				break;
			continue;
		}
		for (pg = s; pg < e; pg += PAGE) {
			i = (pg - r->base) / PAGE;
			if (r->holes[i / 8] & (1 << (i % 8)))
				continue;
			r->holes[i / 8] |= (unsigned char)(1 << (i % 8));
			r->mapped -= PAGE;
		}
		if (r->mapped == 0)
			region_free(r);
		else if (r->lazy)	/* its pages go back now, as on Linux */
			td_lazy_discard((void *)s, e - s, 1);
		if (last)
			break;
	}
}

/* [a, e) of r reads as zeros again: lazy memory's whole pages go back */
static void
zero_range(struct region *r, uintptr_t a, uintptr_t e)
{
	uintptr_t p = PROUND(a);

	if (r == NULL || !r->lazy || p >= (e & ~(PAGE - 1))) {
		memset((void *)a, 0, e - a);
		return;
	}
	memset((void *)a, 0, p - a);
	td_lazy_discard((void *)p, (e & ~(PAGE - 1)) - p, 0);
	memset((void *)(e & ~(PAGE - 1)), 0, e & (PAGE - 1));
}

/* ---- brk: a fixed reservation, taken on first growth -------------- */
#define BRK_MAX		(8UL << 20)
static uintptr_t brk_base, brk_cur;

static long
sys_brk(long want)
{
	void *p;

	if (brk_base == 0) {
		if (want == 0)
			return (long)(uintptr_t)&brk_base;	/* no heap yet */
		if ((p = region_new(BRK_MAX, TD_PROT_READ | TD_PROT_WRITE)) ==
		    NULL)
			return (long)(uintptr_t)&brk_base;
		brk_base = brk_cur = (uintptr_t)p;
	}
	if (want == 0 || (uintptr_t)want < brk_base ||
	    (uintptr_t)want > brk_base + BRK_MAX)
		return (long)brk_cur;
	if ((uintptr_t)want < brk_cur)	/* shrinking: the pages read 0 again */
		zero_range(region_of(brk_base), (uintptr_t)want, brk_cur);
	brk_cur = (uintptr_t)want;
	return (long)brk_cur;
}

/* ---- protections ----------------------------------------------------- */

static int
td_prot(long prot)
{
	int p = 0;

	if (prot & PROT_READ)
		p |= TD_PROT_READ;
	if (prot & PROT_WRITE)
		p |= TD_PROT_READ | TD_PROT_WRITE;
	if (prot & PROT_EXEC)
		p |= TD_PROT_READ | TD_PROT_EXEC;
	return p;
}

/* PROT_* to td_page_protect; 1 (nothing to protect with) counts as done,
 * as the memory then simply stays read+write+execute. */
static long
set_prot(struct region *r, uintptr_t a, size_t len, long prot)
{
	int p = td_prot(prot);

	if (p == (TD_PROT_READ | TD_PROT_WRITE) && !r->prot_changed)
		return 0;		/* as it came from the heap */
	switch (td_page_protect((void *)a, len, p)) {
	case 0:
		r->prot_changed = 1;
		return 0;
	case 1:
		return 0;
	default:
		return -ENOMEM;		/* no page for a page table */
	}
}

/* ---- mmap ----------------------------------------------------------- */

static long
map_file(void *p, size_t len, int fd, int64_t off)
{
	struct lo_file *f = lo_fd_get(fd);
	struct iovec v = { p, len };
	ssize_t r;

	if (f == NULL)
		return -EBADF;
	if (f->vn == NULL || (f->flags & O_ACCMODE) == O_WRONLY) {
		lo_file_rele(f);
		return f->vn == NULL ? -ENODEV : -EACCES;
	}
	/* a private copy; reads past EOF leave zeros */
	r = f->ops->read != NULL ? f->ops->read(f, &v, 1, off) : -ENODEV;
	lo_file_rele(f);
	return r < 0 ? r : 0;
}

static long
sys_mmap(long addr, long len, long prot, long flags, long fd, long off)
{
	size_t n = PROUND((size_t)len);
	int type = (int)flags & MAP_TYPE;
	struct region *r;
	void *p;
	long rv;

	if (len <= 0 || n < (size_t)len || (off & (PAGE - 1)) != 0)
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((flags & MAP_FIXED) != 0) {
		/* only within memory we handed out: zero it (anonymous) or
		 * reload it (file); no other address is ours to give */
		if ((addr & (PAGE - 1)) != 0)
			return -EINVAL;
		r = region_of((uintptr_t)addr);
		if (r == NULL || (uintptr_t)addr + n > r->base + r->len)
			return -ENOMEM;
		if ((rv = set_prot(r, (uintptr_t)addr, n,
		    PROT_READ | PROT_WRITE)) < 0)
			return rv;
		zero_range(r, (uintptr_t)addr, (uintptr_t)addr + n);
		if (!(flags & MAP_ANONYMOUS) &&
		    (rv = map_file((void *)addr, n, (int)fd, off)) < 0)
			return rv;
		if ((rv = set_prot(r, (uintptr_t)addr, n, prot)) < 0)
			return rv;
		return addr;
	}
	if (!(flags & MAP_ANONYMOUS) && type != MAP_PRIVATE)
		return -EINVAL;	/* shared file mappings: see above */
	/* anonymous lazy memory gets its rights at once (a thread stack
	 * mapped PROT_NONE costs no page table); a file's copy is written
	 * first */
	if ((p = region_new(n, (flags & MAP_ANONYMOUS) ? td_prot(prot) :
	    TD_PROT_READ | TD_PROT_WRITE)) == NULL)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS) &&
	    (rv = map_file(p, (size_t)len, (int)fd, off)) < 0) {
		unmap_range((uintptr_t)p, n);
		return rv;
	}
	if (((flags & MAP_ANONYMOUS) == 0 ||
	    !region_of((uintptr_t)p)->lazy) &&
	    (rv = set_prot(region_of((uintptr_t)p), (uintptr_t)p, n,
	    prot)) < 0) {
		unmap_range((uintptr_t)p, n);
		return rv;
	}
	return (long)(uintptr_t)p;
}

static long
sys_munmap(long addr, long len)
{

	if ((addr & (PAGE - 1)) != 0 || len <= 0)
		return -EINVAL;
	unmap_range((uintptr_t)addr, PROUND((size_t)len));
	return 0;
}

static long
sys_mremap(long old, long oldlen, long newlen, long flags, long naddr)
{
	size_t on = PROUND((size_t)oldlen), nn = PROUND((size_t)newlen);
	struct region *r;
	void *p;

	if ((old & (PAGE - 1)) != 0 || newlen <= 0)
		return -EINVAL;
	if ((r = region_of((uintptr_t)old)) == NULL)
		return -EFAULT;
	if (nn <= on) {
		if (nn < on)
			unmap_range((uintptr_t)old + nn, on - nn);
		return old;
	}
	if (!(flags & 1))		/* MREMAP_MAYMOVE */
		return -ENOMEM;
	if ((p = region_new(nn, TD_PROT_READ | TD_PROT_WRITE)) == NULL)
		return -ENOMEM;
	/* the copy is read+write; the old pages go away right after */
	if (set_prot(r, (uintptr_t)old, on, PROT_READ | PROT_WRITE) < 0) {
		unmap_range((uintptr_t)p, nn);
		return -ENOMEM;
	}
	memcpy(p, (void *)old, on);
	unmap_range((uintptr_t)old, on);
	return (long)(uintptr_t)p;
}

/* Only memory libos handed out (mmap, brk) is the app's to protect;
 * the image and core's memory are not, as on Linux (-ENOMEM: "not
 * mapped" in the app's address space). */
static long
sys_mprotect(long addr, long len, long prot)
{
	size_t n = PROUND((size_t)len);
	struct region *r;
	uintptr_t pg;
	size_t i;

	if ((addr & (PAGE - 1)) != 0 || len < 0 || n < (size_t)len ||
	    (prot & ~(long)(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0)
		return -EINVAL;
	if (n == 0)
		return 0;
	r = region_of((uintptr_t)addr);
	if (r == NULL || (uintptr_t)addr + n > r->base + r->len)
		return -ENOMEM;
	for (pg = (uintptr_t)addr; r->mapped != r->len &&
	    pg < (uintptr_t)addr + n; pg += PAGE) {
		i = (pg - r->base) / PAGE;
		if (r->holes[i / 8] & (1 << (i % 8)))
			return -ENOMEM;
	}
	return set_prot(r, (uintptr_t)addr, n, prot);
}

static long
sys_madvise(long addr, long len, long advice)
{
	struct region *r;

	if ((addr & (PAGE - 1)) != 0)
		return -EINVAL;
	/* MADV_DONTNEED: private anonymous pages read as zero afterwards
	 * (lazy ones go back to core) */
	if (advice == 4 && (r = region_of((uintptr_t)addr)) != NULL &&
	    r->lazy && (uintptr_t)addr + (size_t)len <= r->base + r->len)
		td_lazy_discard((void *)addr, PROUND((size_t)len), 0);
	else if (advice == 4 && r != NULL && !r->prot_changed &&
	    (uintptr_t)addr + (size_t)len <= r->base + r->len)
		memset((void *)addr, 0, PROUND((size_t)len));
	return 0;
}

/* clone: sp is the top of a new thread's stack.  Where a fault on the
 * running stack cannot be served (Xen PV), lazy memory below it is
 * backed now and *bottom is its lowest usable page (for the overflow
 * watch, td_thread_stack_bottom); elsewhere nothing happens and
 * *bottom is 0.  0 or -ENOMEM. */
int
lo_mem_stack(void *sp, uintptr_t *bottom)
{
	struct region *r = region_of((uintptr_t)sp - 1);

	*bottom = 0;
	if (r == NULL || !r->lazy)
		return 0;
	return td_lazy_stack((void *)r->base, (uintptr_t)sp - r->base,
	    bottom) == 0 ? 0 : -ENOMEM;
}

LO_SYSCALL(brk, sys_brk);
LO_SYSCALL(mmap, sys_mmap);
LO_SYSCALL(munmap, sys_munmap);
LO_SYSCALL(mremap, sys_mremap);
LO_SYSCALL(mprotect, sys_mprotect);
LO_SYSCALL(madvise, sys_madvise);
