/*
 * pvclock.c -- the paravirtual clock format shared by Xen's
 * vcpu_time_info and KVM's kvmclock: system time at a TSC stamp plus a
 * fixed-point TSC->ns scale, versioned so a reader can detect an update
 * that raced with it (odd version = update in progress).
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/pvclock.h>

/* (delta << shift or >> -shift) * mul / 2^32, without overflow */
uint64_t
pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t
pvclock_read(volatile struct pvclock_time *t)
{
	uint32_t ver;
	uint64_t tsc, ns;

	do {
		ver = t->version;
		rmb();
		tsc = rdtsc();
		ns = t->system_time + pvclock_scale(tsc - t->tsc_timestamp,
		    t->tsc_to_system_mul, t->tsc_shift);
		rmb();
	} while ((ver & 1) || ver != t->version);
	return ns;
}

/*
 * A scale for a TSC of known frequency, for platforms without pvclock
 * (QEMU TCG): mul/2^32 * 2^shift == 1e9 / hz with mul as large as fits.
 */
void
pvclock_scale_for_hz(uint64_t hz, uint32_t *mulp, int8_t *shiftp)
{
	uint64_t n = 1000000000ULL, d = hz ? hz : 1, mul = 0;
	int shift = 0, i;

	while (n >= d) {		/* make n/d < 1 ... */
		d <<= 1;
		shift++;
	}
	while (n * 2 < d) {		/* ... and >= 1/2, for precision */
		n <<= 1;
		shift--;
	}
	for (i = 0; i < 32; i++) {	/* mul = n * 2^32 / d, bit by bit */
		n <<= 1;
		mul <<= 1;
		if (n >= d) {
			n -= d;
			mul |= 1;
		}
	}
	*mulp = (uint32_t)mul;
	*shiftp = (int8_t)shift;
}
