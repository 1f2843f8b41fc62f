/*
 * sys_arch.c -- what lwIP (NO_SYS=1) needs from below, over rumpuser
 * only: the clock, randomness, diagnostics, and its heap with a budget.
 *
 * The budget: every lwIP allocation (PCBs, segments, pbufs) is charged
 * to lnet_mem_budget, set at start from guest memory.  Over budget an
 * allocation fails and lwIP degrades as designed (drops a frame, refuses
 * a SYN) instead of the guest running out of memory; lnet_mem_inuse()
 * going back to its baseline is how the tests prove nothing leaked.
 */
#include <stddef.h>
#include <stdint.h>
#include <rump/rumpuser.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "net_int.h"

/* A small header in front of each block remembers its size (rumpuser's
 * libc-style free takes none, and the budget needs it). */
struct memhdr {
	size_t	size;
	size_t	cls;		/* size class (cache below), 0: none */
};

/*
 * Freed blocks of up to 2 KiB wait in a few LIFO lists per 64-byte size
 * class: every packet allocates and frees the same few sizes (pbufs,
 * segments), and a list push/pop is a fraction of a heap free/alloc.
 * Cached blocks are free as far as the budget is concerned; at most
 * CACHE_DEPTH per class (~0.5 MiB in all, worst case) stay cached.
 */
#define CACHE_GRAIN	64
#define CACHE_NCLASS	32
#ifdef __SANITIZE_ADDRESS__
#define CACHE_DEPTH	0	/* tests/net: ASan sees every block exactly */
#else
#define CACHE_DEPTH	16
#endif
static struct memhdr *cache[CACHE_NCLASS + 1];
static unsigned char ncached[CACHE_NCLASS + 1];

static size_t mem_inuse, mem_peak, mem_budget = 64u << 20;
static unsigned long mem_fails;

static struct memhdr *
block_get(unsigned long size, size_t *clsp)
{
	size_t cls = (size + CACHE_GRAIN - 1) / CACHE_GRAIN;
	struct memhdr *h;

	if (CACHE_DEPTH == 0 || cls == 0 || cls > CACHE_NCLASS) {
		*clsp = 0;
		return rumpuser_libc_malloc(sizeof(*h) + size);
	}
	*clsp = cls;
	if ((h = cache[cls]) != NULL) {
		cache[cls] = *(struct memhdr **)(void *)(h + 1);
		ncached[cls]--;
		return h;
	}
	return rumpuser_libc_malloc(sizeof(*h) + cls * CACHE_GRAIN);
}

void *
lnet_mem_malloc(unsigned long size)
{
	struct memhdr *h;
	size_t cls;

	if (size > mem_budget || mem_inuse > mem_budget - size) {
		mem_fails++;
		return NULL;
	}
	if ((h = block_get(size, &cls)) == NULL) {
		mem_fails++;
		return NULL;
	}
	h->size = size;
	h->cls = cls;
	mem_inuse += size;
	if (mem_inuse > mem_peak)
		mem_peak = mem_inuse;
	return h + 1;
}

void *
lnet_mem_calloc(unsigned long n, unsigned long size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size / 2)
		return NULL;
	if ((p = lnet_mem_malloc(n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

void
lnet_mem_free(void *p)
{
	struct memhdr *h;

	if (p == NULL)
		return;
	h = (struct memhdr *)p - 1;
	mem_inuse -= h->size;
	if (h->cls != 0 && ncached[h->cls] < CACHE_DEPTH) {
		*(struct memhdr **)p = cache[h->cls];
		cache[h->cls] = h;
		ncached[h->cls]++;
		return;
	}
	rumpuser_libc_free(h);
}

void
lnet_mem_setbudget(size_t bytes)
{

	mem_budget = bytes;
}

void
lnet_mem_stats(struct lnet_memstats *ms)
{

	ms->inuse = mem_inuse;
	ms->peak = mem_peak;
	ms->budget = mem_budget;
	ms->fails = mem_fails;
}

u32_t
sys_now(void)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec) != 0)
		return 0;
	return (u32_t)((uint64_t)sec * 1000u + (uint64_t)nsec / 1000000u);
}

uint32_t
lnet_rand(void)
{
	static uint64_t x;
	uint32_t r;
	size_t got = 0;

	if (rumpuser_getrandom(&r, sizeof(r), RUMPUSER_RANDOM_NOWAIT,
	    &got) == 0 && got == sizeof(r))
		return r;
	/* no entropy source: a xorshift keeps ports/ISNs varying */
	if (x == 0)
		x = 0x9e3779b97f4a7c15ULL ^ sys_now();
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint32_t)x;
}

/* Only lwIP's debug/statistics output comes here (LWIP_DEBUG is off):
 * rumpuser has no vprintf, so the format is printed as is. */
void
lnet_diag(const char *fmt, ...)
{

	rumpuser_dprintf("lwip: %s", fmt);
}

void
lnet_assert(const char *msg, const char *file, int line)
{

	rumpuser_dprintf("lwip: assertion \"%s\" failed at %s:%d\n", msg,
	    file, line);
	rumpuser_exit(RUMPUSER_PANIC);
}

int
lnet_atoi(const char *s)
{
	int v = 0, neg = 0;

	if (*s == '-')
		neg = 1, s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}
