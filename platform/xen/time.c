/*
 * time.c -- clock, one-shot timer, idle and exit on Xen (PV and PVH).
 *
 * Clock: vcpu_info[0].time is a pvclock record of Xen system time (ns
 * since the host booted).  mono_ns() is that minus its value at init, so
 * it starts near 0; the timer speaks system time, so deadlines get the
 * base added back.  The wall clock in shared_info is the time of day at
 * system time 0, hence wall_base_ns = wall clock + base.
 *
 * Timer: VCPUOP_set_singleshot_timer raises VIRQ_TIMER at an absolute
 * system time.  Its handler does nothing: the event only has to end
 * block(); the scheduler looks at the clock itself.
 */
#include <stddef.h>
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/pvclock.h>

#include "xen.h"

_Static_assert(sizeof(struct vcpu_time_info) == sizeof(struct pvclock_time),
    "vcpu_time_info is a pvclock record");

static uint64_t base_ns;	/* system time at mono_ns() == 0 */
static uint64_t last_ns;	/* mono_ns() never goes back */
static evtchn_port_t timer_port;
static uint64_t armed;		/* mono deadline of the armed timer */
uint64_t xen_timer_events;
uint64_t xen_timer_late_max;	/* worst VIRQ_TIMER lateness, ns */

uint64_t
xen_system_ns(void)
{
	return pvclock_read((volatile struct pvclock_time *)&xen_vcpu->time);
}

uint64_t
xen_mono_ns(void)
{
	uint64_t t = xen_system_ns() - base_ns;

	/* records of different updates can disagree by a few ns */
	if (t < last_ns)
		return last_ns;
	last_ns = t;
	return t;
}

/* shared_info wall clock, versioned like the pvclock record */
static int64_t
wall_at_system_zero(void)
{
	uint32_t ver, sec, nsec, hi;

	do {
		ver = __atomic_load_n(&xen_shinfo->wc_version,
		    __ATOMIC_SEQ_CST);
		rmb();
		sec = xen_shinfo->wc_sec;
		nsec = xen_shinfo->wc_nsec;
		hi = xen_shinfo->wc_sec_hi;
		rmb();
	} while ((ver & 1) || ver != xen_shinfo->wc_version);
	return (int64_t)(((uint64_t)hi << 32) | sec) * 1000000000LL + nsec;
}

static void
timer_event(evtchn_port_t port, void *arg)
{
	uint64_t now = xen_mono_ns();

	xen_timer_events++;
	if (armed != UINT64_MAX && now > armed &&
	    now - armed > xen_timer_late_max)
		xen_timer_late_max = now - armed;
}

static void
timer_arm(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer t;

	armed = deadline;
	if (deadline == UINT64_MAX) {
		HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
		return;
	}
	/* no VCPU_SSHOTTMR_future: a past deadline fires at once */
	t.timeout_abs_ns = deadline + base_ns;
	t.flags = 0;
	HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

void
xen_time_init(void)
{
	int rc;

	base_ns = xen_system_ns();
	td_plat.wall_base_ns = wall_at_system_zero() + (int64_t)base_ns;
	/* PV vCPUs start with a 100 Hz tick we do not want */
	HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	rc = xen_evtchn_bind_virq(VIRQ_TIMER, timer_event, NULL, &timer_port);
	if (rc != 0)
		xen_boot_fail("bind VIRQ_TIMER", rc);
}

/*
 * PV: SCHEDOP_block unmasks events and checks for pending ones in one
 * step inside Xen, so an event that came after the caller masked is not
 * slept through.  On the way back Xen delivers it through the callback,
 * which returns here with the mask as block left it (clear); we set it
 * again.
 */
static void
block_pv(void)
{
	HYPERVISOR_sched_op(SCHEDOP_block, NULL);
	*arch_xen_upcall_mask = 1;
	barrier();
}

/*
 * PVH: the interrupt shadow of sti covers hlt, so a pending callback
 * vector is taken after hlt begins, never between the two.  Xen's hlt
 * handling also refuses to sleep with the event flag set.
 */
static void
block_pvh(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void
xen_block(uint64_t deadline)
{
	timer_arm(deadline);
	if (xen_is_pv)
		block_pv();
	else
		block_pvh();
}

unsigned xen_exit_reason = SHUTDOWN_poweroff;

void
xen_exit(int status)
{
	struct sched_shutdown sd = { .reason = xen_exit_reason };

	/* poweroff also for panics (255): the status travels on the
	 * console line, and a crash could end before the ring drained */
	xen_cons_flush();
	for (;;) {
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
}

/* Time this vCPU spent per RUNSTATE_* (ns), for idle diagnostics. */
int
xen_runstate(uint64_t t[4])
{
	struct vcpu_runstate_info ri;
	int rc, i;

	rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &ri);
	for (i = 0; i < 4; i++)
		t[i] = rc == 0 ? ri.time[i] : 0;
	return rc;
}
