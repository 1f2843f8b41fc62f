/*
 * core_impl.h -- interfaces between the files of core/ (and core/crt/).
 * Nothing outside core/ may include this: the public contract is
 * <tandem/core.h>.
 */
#ifndef TANDEM_CORE_IMPL_H
#define TANDEM_CORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <tandem/core.h>
#include <tandem/platform.h>
#include <tandem/arch.h>	/* rdtsc for TD_BOOTSTATS */

/* ---- page.c --------------------------------------------------------- */
#define PAGE_SHIFT	12
#define PAGE_MAXORDER	20		/* 4 GiB blocks */

/*
 * One descriptor per managed page.  The buddy allocator owns state and
 * order (meaningful only on the first page of a block); the heap owns
 * the rest while it holds the page.
 */
struct td_pgdesc {
	uint8_t		 state;		/* PG_* */
	uint8_t		 order;		/* PG_FREE, PG_ALLOC: block order */
	uint8_t		 kind;		/* HK_*: what the heap uses it for */
	uint8_t		 cls;		/* HK_SLAB: size class */
	uint16_t	 nfree;		/* HK_SLAB: free objects */
	uint16_t	 spare;
	uint32_t	 npages;	/* PG_RUN: length of the run */
	void		*freelist;	/* HK_SLAB: first free object */
	struct td_pgdesc *next;		/* HK_SLAB: partial slab list */
	struct td_pgdesc *prev;
};

#define PG_NONE		0	/* inside a block, or not allocatable */
#define PG_FREE		1	/* first page of a free block */
#define PG_ALLOC	2	/* first page of a td_page_alloc() block */
#define PG_RUN		3	/* first page of a page_alloc_run() run */

void	 page_init(const struct td_memrange *r, int n);
struct td_pgdesc *page_desc(const void *p);	/* NULL: not ours */
void	*page_desc_addr(const struct td_pgdesc *d);
/* npages contiguous pages aligned to 2^minorder pages (at least to the
 * power of two >= npages); the tail of the buddy block goes back. */
void	*page_alloc_run(size_t npages, unsigned minorder);
void	 page_free_run(void *p, size_t npages);

/* ---- lazy.c: td_page_protect on lazy addresses; 0 or -1 ---------- */
int	 lazy_protect(uintptr_t a, size_t len, int prot);

/* ---- heap.c --------------------------------------------------------- */
void	 heap_init(void);
/* The allocation entry points with the caller to blame on exhaustion
 * (the C runtime's malloc passes its own caller). */
void	*heap_malloc_from(size_t n, const void *caller);
void	*heap_calloc_from(size_t n, size_t size, const void *caller);
void	*heap_realloc_from(void *p, size_t n, const void *caller);
void	*heap_memalign_from(size_t align, size_t n, const void *caller);

/* ---- panic.c -------------------------------------------------------- */
void	 panic_oom(const char *what, size_t n, const void *caller)
	    TD_NORETURN;

/* ---- stack.c -------------------------------------------------------- */
#define STACK_DEFAULT	(64 * 1024)	/* TD_STACK_DEFAULT */
struct td_stack {
	uint64_t	*base;		/* lowest word of the stack; NULL: none */
	size_t		 size;
	void		*run;		/* its own pages; NULL: a cached stack */
	size_t		 npages;	/* of run */
	uintptr_t	 guard;		/* the unmapped page under it, or 0 */
	uintptr_t	 watch;		/* Xen PV: the watched word, or 0 */
	int		 lazy;		/* run is demand-zero (td_lazy_alloc) */
};
/* size: a multiple of the page size.  0, or -1 when out of pages. */
void	 stack_init(void);		/* after protect_init */
int	 stack_get(struct td_stack *, size_t size);
void	 stack_put(struct td_stack *);
int	 stack_below(const struct td_stack *, uintptr_t addr);

/* ---- sched.c -------------------------------------------------------- */
void	 sched_init(void);
void	 sched_idle(void) TD_NORETURN;
void	 sched_dump(void);

/* ---- console.c: the TSC's rate (CPU-time clocks) ------------------- */
void	 clock_tsc_init(void);		/* the clock must be up */
uint64_t clock_tsc_ns(uint64_t cycles);

/* ---- cmdline.c ------------------------------------------------------ */
void	 cmdline_init(const char *line);

/* ---- string.c (standard names: the compiler emits calls to mem*) ---- */
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
size_t	 strnlen(const char *, size_t);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strrchr(const char *, int);
char	*strcpy(char *, const char *);
char	*strncpy(char *, const char *, size_t);
char	*strcat(char *, const char *);

#endif /* TANDEM_CORE_IMPL_H */
