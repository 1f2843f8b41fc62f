/*
 * console.c -- the console and the clocks, straight to the platform.
 * Kept apart from printf.c so the panic path has one tiny dependency.
 * Also the TSC's rate for the CPU-time clocks (sched.c counts run time
 * in raw TSC cycles, one RDTSC per switch).
 */
#include "core_impl.h"

void
td_cons_write(const char *buf, size_t len)
{
	/* early in boot the platform may not have a console yet */
	if (td_plat.cons_write != NULL && len > 0)
		td_plat.cons_write(buf, len);
}

uint64_t
td_now(void)
{
	return td_plat.mono_ns();
}

int64_t
td_wall_ns(void)
{
	return td_plat.wall_base_ns + (int64_t)td_plat.mono_ns();
}

/*
 * TSC cycles to ns, at the rate measured against td_now() since a point
 * recorded when the scheduler starts: no platform has to know the TSC's
 * frequency (every one reads the TSC for its clock, posix included).
 * The longer the span the closer the rate; after about a second (2^30
 * ns) it is kept.  Until then each conversion measures it again.
 */
static uint64_t	ref_tsc, ref_ns;
static uint64_t	tsc_mult;	/* ns per cycle, 32.32 fixed point */
static int	tsc_kept;

TD_COLD void
clock_tsc_init(void)
{
	ref_tsc = rdtsc();
	ref_ns = td_now();
	tsc_mult = 1ULL << 32;		/* until time has passed: 1 GHz */
	tsc_kept = 0;
}

TD_COLD static void
tsc_measure(void)
{
	uint64_t dt = rdtsc() - ref_tsc, dn = td_now() - ref_ns;

	if (dn >= 1ULL << 30)
		tsc_kept = 1;
	while (dn >= 1ULL << 32) {	/* dn << 32 must fit */
		dn >>= 1;
		dt >>= 1;
	}
	if (dt != 0 && dn != 0)
		tsc_mult = (dn << 32) / dt;
}

TD_COLD uint64_t
clock_tsc_ns(uint64_t cycles)
{
	if (!tsc_kept)
		tsc_measure();
	return (uint64_t)(((unsigned __int128)cycles * tsc_mult) >> 32);
}

