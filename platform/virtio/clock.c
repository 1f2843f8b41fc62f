/*
 * clock.c -- time on QEMU/KVM.
 *
 * Monotonic time: kvmclock (a pvclock record KVM keeps current) when the
 * hypervisor is KVM, else the TSC.  Its rate comes from where it costs
 * nothing when the CPU says it: the hypervisor's timing leaf 0x40000010
 * (TSC and LAPIC kHz; QEMU/KVM with vmware-cpuid-freq, VMware) or CPUID
 * 0x15 (crystal ratio, with the crystal's rate).  Otherwise it is
 * calibrated once against the PIT, polling channel 0 with its interrupt
 * masked, which works on every QEMU machine type (microvm has no speaker
 * port for channel 2).  CPUID 0x16 is not used: its MHz are the nominal
 * base rate, not a promise about the TSC.
 * Timer: the LAPIC in one-shot mode, its rate measured in the same PIT
 * window (or against the known TSC); without a LAPIC, PIT channel 0
 * one-shots through the 8259.
 * Idle: `sti; hlt` -- the sti shadow makes the pair atomic, so a timer
 * interrupt cannot slip in between and be slept through.
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>
#include <tandem/pvclock.h>

#include "hw.h"
#include "virtio.h"

#define PIT_HZ		1193182ULL
#define LAPIC_BASE	0xfee00000UL
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TMR_INIT	0x380
#define LAPIC_TMR_CUR	0x390
#define LAPIC_TMR_DIV	0x3e0
#define MSR_APIC_BASE	0x1b
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01

static struct pvclock_time tsc_clock;		/* our own "record" */
static volatile struct pvclock_time kvm_clock __attribute__((aligned(64)));
static volatile struct pvclock_time *clock = &tsc_clock;
static uint64_t tsc_hz, lapic_hz;
static int have_lapic;
static const char *tsc_src = "pit";	/* for TD_BOOTSTATS */

static inline volatile uint32_t *
lapic(unsigned reg)
{
	return (volatile uint32_t *)(LAPIC_BASE + reg);
}

static uint64_t
hw_mono_ns(void)
{
	return pvclock_read(clock);
}

/* PIT channel 0, mode 2, counting down from 65536 forever. */
static void
pit_freerun(void)
{
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
}

static uint16_t
pit_read(void)
{
	uint8_t lo, hi;

	outb(0x43, 0x00);		/* latch channel 0 */
	lo = inb(0x40);
	hi = inb(0x40);
	return (uint16_t)(lo | hi << 8);
}

/*
 * A PIT tick edge timed with the TSC.  Each poll reads the TSC just
 * before latching the count, so the edge lies between two consecutive
 * polls' TSC values and their midpoint is off by at most half the poll
 * interval; a constant read latency cancels between the two ends of a
 * window.  A poll that took long (the vCPU thread was preempted, a slow
 * I/O exit) makes a loose edge: skip it and take a later one, so host
 * noise does not land in the measurement.  *countp is the count after
 * the edge.
 */
static uint64_t poll_min = ~0ULL;	/* fastest poll interval seen */

static uint64_t
pit_edge_tsc(uint16_t *countp)
{
	uint64_t ta, tb;
	uint16_t ca, cb;
	int tries;

	for (tries = 0;; tries++) {
		ta = rdtsc();
		ca = pit_read();
		for (;;) {
			tb = rdtsc();
			cb = pit_read();
			if (cb != ca)
				break;
			if (tb - ta < poll_min)
				poll_min = tb - ta;
			ta = tb;
		}
		/* tight enough, or give up being picky after 64 ticks */
		if (tb - ta <= poll_min * 3 / 2 || tries == 64)
			break;
	}
	*countp = cb;
	return ta + (tb - ta) / 2;
}

/*
 * Measures the TSC and LAPIC rates against the PIT over PIT_WINDOW
 * ticks, both ends on a tick edge.  1 ms (1193 ticks): measured under
 * TCG on a loaded host against the host's TSC rate (bench/RESULTS.md,
 * "Boot time"); the 5 ms window it replaces cost 5 M of the 5.4 M
 * instructions before main.
 */
#ifndef PIT_WINDOW
#define PIT_WINDOW	(PIT_HZ / 1000)
#endif
/* The LAPIC's current count and the TSC at (about) the moment it was read. */
static uint32_t
lapic_now(uint64_t *tscp)
{
	uint64_t t = rdtsc();
	uint32_t a = *lapic(LAPIC_TMR_CUR);

	*tscp = t + (rdtsc() - t) / 2;
	return a;
}

TD_COLD static void
calibrate_pit(void)
{
	uint64_t ticks = 0, t0, t1, l0 = 0, l1 = 0;
	uint32_t a0 = 0, a1 = 0;
	uint16_t c0, prev, cur;

	pit_freerun();
	if (have_lapic)
		*lapic(LAPIC_TMR_INIT) = 0xffffffff;
	(void)pit_edge_tsc(&c0);		/* learns the poll time */
	t0 = pit_edge_tsc(&c0);
	if (have_lapic)
		a0 = lapic_now(&l0);
	prev = c0;
	while (ticks < PIT_WINDOW) {
		cur = pit_read();
		ticks += (uint16_t)(prev - cur);	/* counts down, wraps */
		prev = cur;
	}
	t1 = pit_edge_tsc(&cur);
	if (have_lapic)
		a1 = lapic_now(&l1);
	ticks += (uint16_t)(prev - cur);
	tsc_hz = (t1 - t0) * PIT_HZ / ticks;
	if (have_lapic) {
		/* against the TSC: both are read without quantisation */
		lapic_hz = (uint64_t)(a0 - a1) * tsc_hz / (l1 - l0);
		*lapic(LAPIC_TMR_INIT) = 0;
	}
}

/* The TSC rate from CPUID where the CPU or hypervisor states it. */
TD_COLD static int
tsc_from_cpuid(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) {		/* a hypervisor */
		cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010 && r[0] < 0x40010000) {
			cpuid(0x40000010, 0, r);
			if (r[0] != 0) {
				tsc_hz = (uint64_t)r[0] * 1000;
				lapic_hz = (uint64_t)r[1] * 1000;  /* 0: measure */
				tsc_src = "cpuid 0x40000010";
				return 1;
			}
		}
	}
	cpuid(0, 0, r);
	if (r[0] >= 0x15) {
		cpuid(0x15, 0, r);	/* TSC = crystal * EBX / EAX */
		if (r[0] != 0 && r[1] != 0 && r[2] != 0) {
			tsc_hz = (uint64_t)r[2] * r[1] / r[0];
			tsc_src = "cpuid 0x15";
			return 1;
		}
	}
	return 0;
}

/* The LAPIC timer's rate against a TSC of known rate, over 250 us. */
TD_COLD static void
calibrate_lapic_tsc(void)
{
	uint64_t t0, t1;
	uint32_t a0, a1;

	*lapic(LAPIC_TMR_INIT) = 0xffffffff;
	a0 = lapic_now(&t0);
	while (rdtsc() - t0 < tsc_hz / 4000)
		;
	a1 = lapic_now(&t1);
	lapic_hz = (uint64_t)(a0 - a1) * tsc_hz / (t1 - t0);
	*lapic(LAPIC_TMR_INIT) = 0;
}

/*
 * With kvmclock the TSC rate is known (its scale), and the LAPIC is
 * measured against kvmclock itself over 500 us: no PIT, which keeps a
 * KVM boot well under a millisecond.
 */
TD_COLD static void
calibrate_kvm(void)
{
	uint64_t n0, n1;
	uint32_t a0, a1;

	/* ns = ticks * mul / 2^32 * 2^shift  =>  hz = 1e9 * 2^32 / mul / 2^shift */
	tsc_hz = (1000000000ULL << 32) / kvm_clock.tsc_to_system_mul;
	tsc_hz = kvm_clock.tsc_shift >= 0 ? tsc_hz >> kvm_clock.tsc_shift :
	    tsc_hz << -kvm_clock.tsc_shift;
	if (!have_lapic)
		return;
	*lapic(LAPIC_TMR_INIT) = 0xffffffff;
	a0 = *lapic(LAPIC_TMR_CUR);
	n0 = pvclock_read(&kvm_clock);
	do
		n1 = pvclock_read(&kvm_clock);
	while (n1 - n0 < 500000);
	a1 = *lapic(LAPIC_TMR_CUR);
	lapic_hz = (uint64_t)(a0 - a1) * 1000000000ULL / (n1 - n0);
	*lapic(LAPIC_TMR_INIT) = 0;
}

TD_COLD static void
lapic_init(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1 << 11));
	*lapic(LAPIC_SVR) = 0x100 | ARCH_VEC_SPURIOUS;
	*lapic(LAPIC_TMR_DIV) = 0xb;			/* divide by 1 */
	*lapic(LAPIC_LVT_TIMER) = 0x10000 | ARCH_VEC_TIMER;	/* masked */
}

void
arch_lapic_eoi(void)
{
	if (have_lapic)
		*lapic(LAPIC_EOI) = 0;
	else
		outb(0x20, 0x20);	/* 8259 non-specific EOI */
}

/* The deadline the LAPIC timer counts down to (0: none; arm_timer). */
static uint64_t lapic_armed;

static void
timer_intr(void *arg)
{
	/* nothing to do but acknowledge: the scheduler reads the clock;
	 * the timer stopped (it may run a little fast against the TSC) */
	lapic_armed = 0;
	arch_lapic_eoi();
}

/* 8259s: move them off the exception vectors; mask all but maybe IRQ0. */
TD_COLD static void
pic_init(int want_irq0)
{
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, want_irq0 ? 0xfe : 0xff);
	outb(0xa1, 0xff);
}

static void
arm_timer(uint64_t deadline)
{
	uint64_t now = hw_mono_ns(), ns, n;

	if (deadline == UINT64_MAX)
		return;
	ns = deadline > now ? deadline - now : 1;
	/*
	 * Still counting down to this deadline (or an earlier one): leave
	 * it.  Each write is a device exit, and QEMU re-queues its timer and
	 * wakes its main loop for it -- once per halt, i.e. per packet of a
	 * request/response exchange, always for the same far deadline.  An
	 * earlier expiry only makes the scheduler block again.
	 */
	if (have_lapic && lapic_armed > now && lapic_armed <= deadline)
		return;
	if (have_lapic) {
		n = (ns * lapic_hz) / 1000000000ULL + 1;
		lapic_armed = n > 0xffffffffULL ? 0 : now + ns;
		*lapic(LAPIC_TMR_INIT) = n > 0xffffffffULL ? 0xffffffff :
		    (uint32_t)n;
	} else {
		/* PIT mode 0: at most 65535 ticks (~55 ms); the scheduler
		 * simply blocks again if the deadline is further away */
		n = ns * PIT_HZ / 1000000000ULL + 1;
		if (n > 0xffff)
			n = 0xffff;
		outb(0x43, 0x30);
		outb(0x40, n & 0xff);
		outb(0x40, n >> 8);
	}
}

static void
hw_block(uint64_t deadline)
{
	arm_timer(deadline);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

TD_COLD static int
cmos(int reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

TD_COLD static int
bcd(int v, int isbin)
{
	return isbin ? v : (v & 15) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
TD_COLD static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

TD_COLD static int64_t
rtc_wall_ns(void)
{
	int i, s, mi, h, d, mo, y, b, pm;

	for (i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		cpu_relax();		/* update in progress */
	b = cmos(0x0b) & 4;
	s = bcd(cmos(0x00), b);
	mi = bcd(cmos(0x02), b);
	h = cmos(0x04);
	pm = h & 0x80;
	h = bcd(h & 0x7f, b);
	if (!(cmos(0x0b) & 2) && pm)
		h = (h % 12) + 12;	/* 12-hour mode */
	d = bcd(cmos(0x07), b);
	mo = bcd(cmos(0x08), b);
	y = bcd(cmos(0x09), b) + 2000;
	return ((days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + s) *
	    1000000000LL;
}

TD_COLD static int
kvmclock_init(void)
{
	uint32_t r[4];
	struct { uint32_t version, sec, nsec; } wc;

	cpuid(0x40000001, 0, r);
	if (!(r[0] & (1 << 3)))		/* KVM_FEATURE_CLOCKSOURCE2 */
		return 0;
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uint64_t)(uintptr_t)&kvm_clock | 1);
	if (kvm_clock.tsc_to_system_mul == 0)
		return 0;
	clock = &kvm_clock;
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, (uint64_t)(uintptr_t)&wc);
	/* the wall clock of kvmclock's zero, which is also our zero */
	td_plat.wall_base_ns = (int64_t)wc.sec * 1000000000LL + wc.nsec;
	return 1;
}

TD_COLD void
hw_clock_init(int kvm)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	have_lapic = (r[3] >> 9) & 1;
	if (have_lapic)
		lapic_init();
	pic_init(!have_lapic);
	if (kvm && kvmclock_init()) {
		calibrate_kvm();
		tsc_src = "kvmclock";
	} else {
		if (!tsc_from_cpuid())
			calibrate_pit();
		else if (have_lapic && lapic_hz == 0)
			calibrate_lapic_tsc();
		pvclock_scale_for_hz(tsc_hz, &tsc_clock.tsc_to_system_mul,
		    &tsc_clock.tsc_shift);
		tsc_clock.tsc_timestamp = rdtsc();
		tsc_clock.system_time = 0;
		td_plat.wall_base_ns = rtc_wall_ns() - (int64_t)hw_mono_ns();
	}
	if (have_lapic)
		*lapic(LAPIC_LVT_TIMER) = ARCH_VEC_TIMER;	/* one-shot */
	arch_irq_set_handler(have_lapic ? ARCH_VEC_TIMER : 0x20,
	    timer_intr, NULL);
	td_plat.mono_ns = hw_mono_ns;
	td_plat.block = hw_block;
}

uint64_t hw_tsc_hz(void) { return tsc_hz; }

/* TD_BOOTSTATS=1: where the rates came from (bench/boot.sh). */
TD_COLD static void
clock_stats(void)
{
	if (virtio_platform_live && td_param("TD_BOOTSTATS") != NULL)
		td_printf("tandem: clock: tsc %lu kHz (%s), lapic %lu kHz\n",
		    (unsigned long)(tsc_hz / 1000), tsc_src,
		    (unsigned long)(lapic_hz / 1000));
}

static void (*const clock_stats_hook)(void)
    __attribute__((section("link_set_tandem_init"), used)) = clock_stats;
