/*
 * random.c -- entropy: a small registry of sources and
 * rumpuser_getrandom() over the best one.
 *
 * Sources are real entropy or generators seeded by real entropy:
 * RDSEED/RDRAND (checked with CPUID at run time), the host's
 * getrandom(2) on posix, virtio-rng.  Never timestamps.  Without any
 * source we say so once, loudly, and a blocking request fails with
 * TD_ENXIO after a short grace period (devices register before the app
 * starts; the grace only covers one that is still being probed): an app
 * must not hang forever on a guest launched without an entropy device.
 */
#include "hyp_int.h"

struct rngsrc {
	const char *name;
	int	    quality;
	size_t	  (*read)(void *, size_t, int);
};

static struct rngsrc rngs[TD_RNG_MAX];	/* best first */
static int nrng;
static struct hyp_waitq rng_wq;		/* waiting for a first source */
#define RNG_GRACE_NS	1000000000ULL	/* how long a blocking call waits */

int
td_rng_register(const char *name, int quality,
    size_t (*read)(void *, size_t, int))
{
	int i;

	if (nrng == TD_RNG_MAX)
		return TD_ENOSPC;
	for (i = nrng; i > 0 && rngs[i - 1].quality < quality; i--)
		rngs[i] = rngs[i - 1];
	rngs[i].name = name;
	rngs[i].quality = quality;
	rngs[i].read = read;
	nrng++;
	hyp_wq_wake_all(&rng_wq);
	return 0;
}

const char *
td_rng_source(void)
{

	return nrng > 0 ? rngs[0].name : NULL;
}

size_t
td_rng_read(void *buf, size_t len, int nowait)
{

	if (nrng == 0)
		return 0;
	return rngs[0].read(buf, len, nowait);
}

/* ---- RDSEED / RDRAND -------------------------------------------------- */

#if defined(__x86_64__)
static int cpu_rdseed, cpu_rdrand;

static void
hyp_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{

	__asm__ volatile("cpuid"
	    : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(sub));
}

static int
rdseed64(uint64_t *v)
{
	unsigned char ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok;
}

static int
rdrand64(uint64_t *v)
{
	unsigned char ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok;
}

/* One 64-bit word.  RDSEED may run dry under load: retry a little, then
 * use RDRAND (a DRBG the CPU reseeds from the same entropy source).
 * All-ones is what some broken parts return with CF set: refuse it. */
static int
cpu_word(uint64_t *v)
{
	int i;

	for (i = 0; cpu_rdseed && i < 64; i++) {
		if (rdseed64(v) && *v != ~0ULL)
			return 1;
		__asm__ volatile("pause");
	}
	for (i = 0; cpu_rdrand && i < 10; i++)
		if (rdrand64(v) && *v != ~0ULL)
			return 1;
	return 0;
}

static size_t
cpu_read(void *buf, size_t len, int nowait)
{
	unsigned char *p = buf;
	size_t n = 0, k;
	uint64_t v;

	while (n < len && cpu_word(&v)) {
		k = len - n < sizeof(v) ? len - n : sizeof(v);
		hyp_memcpy(p + n, &v, k);
		n += k;
	}
	v = 0;
	return n;
}

static void
cpu_probe(void)
{
	uint32_t r[4];

	hyp_cpuid(0, 0, r);
	if (r[0] >= 1) {
		hyp_cpuid(1, 0, r);
		cpu_rdrand = (r[2] >> 30) & 1;
	}
	hyp_cpuid(0, 0, r);
	if (r[0] >= 7) {
		hyp_cpuid(7, 0, r);
		cpu_rdseed = (r[1] >> 18) & 1;
	}
	if (cpu_rdseed)
		td_rng_register("rdseed", 50, cpu_read);
	else if (cpu_rdrand)
		td_rng_register("rdrand", 40, cpu_read);
}
#else
static void cpu_probe(void) { }
#endif

void
hyp_rng_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	cpu_probe();
	if (nrng == 0)
		td_printf("tandem: WARNING: no strong entropy source (no "
		    "RDSEED/RDRAND, no virtio-rng device): blocking "
		    "getrandom fails with ENXIO\n");
}

/* Blocking request and still no source after the grace period. */
static int
no_source(size_t *retp)
{
	static int said;

	if (!said) {
		said = 1;
		td_printf("tandem: getrandom: no entropy source; failing "
		    "(launch with a virtio-rng device, or a CPU with "
		    "RDRAND)\n");
	}
	*retp = 0;
	return TD_ENXIO;
}

int
rumpuser_getrandom(void *buf, size_t len, int flags, size_t *retp)
{
	struct hyp_waiter w;
	unsigned char *p = buf;
	int nowait = (flags & RUMPUSER_RANDOM_NOWAIT) != 0, nlocks;
	size_t n = 0, k;
	uint64_t grace = 0;

	hyp_rng_init();
	for (;;) {
		if (nrng > 0) {
			k = rngs[0].read(p + n, len - n, nowait);
			n += k;
			if (n == len || nowait)
				break;
			if (k != 0)
				continue;
		} else if (nowait || len == 0)
			break;
		else if (grace == 0)
			grace = td_now() + RNG_GRACE_NS;
		else if (td_now() >= grace)
			return no_source(retp);
		/* No source, or it ran dry: wait with the CPU given back. */
		hyp_unsched(&nlocks, NULL);
		if (nrng == 0)
			hyp_wq_wait(&rng_wq, &w, grace);
		else
			td_sleep_ns(1000000);
		hyp_sched(nlocks, NULL);
	}
	*retp = n;
	return n == 0 && len != 0 ? TD_EAGAIN : 0;
}
