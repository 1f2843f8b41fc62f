/*
 * pvcheck.c -- checks of platform/xen internals, run as the app of an
 * image on Xen PV and PVH (one boot checks them all):
 *   sleeps    20 sleeps of 10 ms: none early, and none later than the
 *             worst VIRQ_TIMER lateness + 3 ms: Xen's own timer is late
 *             under nested TCG on a loaded host, the guest must add
 *             little to that
 *   idle      sleeping 200 ms leaves the vCPU blocked, not running
 *   clock     mono_ns never goes back; wall clock after 2020
 *   unmask    an event sent to a masked port is held, and delivered
 *             once the port is unmasked (the unmask race)
 *   null      (with argument "null", last) a NULL store faults
 * Prints "pvcheck: ok NAME" / "pvcheck: FAIL NAME ..." and exits with
 * the number of failures.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/platform.h>

#include "xen.h"

static int failures;
static volatile int hits;

static void
check(int ok, const char *name, const char *why, long a, long b)
{
	if (ok)
		td_printf("pvcheck: ok %s\n", name);
	else {
		td_printf("pvcheck: FAIL %s: %s (%ld, %ld)\n", name, why, a, b);
		failures++;
	}
}

static void
check_idle(void)
{
	uint64_t r0[4], r1[4], t0, t1, run, blk;
	int rc;

	rc = xen_runstate(r0);
	t0 = td_now();
	td_sleep_ns(200 * 1000 * 1000);
	t1 = td_now();
	xen_runstate(r1);
	run = r1[RUNSTATE_running] - r0[RUNSTATE_running];
	blk = r1[RUNSTATE_blocked] - r0[RUNSTATE_blocked];
	td_printf("pvcheck: slept %lu us: running %lu us, blocked %lu us, "
	    "runnable %lu us, timer events %lu, upcalls %lu\n",
	    (t1 - t0) / 1000, run / 1000, blk / 1000,
	    (r1[RUNSTATE_runnable] - r0[RUNSTATE_runnable]) / 1000,
	    xen_timer_events, xen_evtchn_upcalls);
	check(rc == 0 && blk > 150 * 1000 * 1000 && run < 50 * 1000 * 1000,
	    "idle", "vCPU not blocked while sleeping", run, blk);
}

static void
check_sleeps(void)
{
	uint64_t t0, d, first = 0, worst = 0, best = UINT64_MAX;
	int i;

	for (i = 0; i < 20; i++) {
		t0 = td_now();
		td_sleep_ns(10 * 1000 * 1000);
		d = td_now() - t0;
		if (i == 0)
			first = d;
		else if (d > worst)
			worst = d;
		if (d < best)
			best = d;
	}
	td_printf("pvcheck: 20 x 10 ms sleeps: first %lu us, best %lu us, "
	    "worst of the rest %lu us, VIRQ_TIMER at worst %lu us late\n",
	    first / 1000, best / 1000, worst / 1000,
	    xen_timer_late_max / 1000);
	check(best >= 10 * 1000 * 1000 &&
	    worst < 13 * 1000 * 1000 + xen_timer_late_max, "sleeps",
	    "early or late wakeup", best / 1000, worst / 1000);
}

static void
check_clock(void)
{
	uint64_t a, b, i, back = 0;

	a = td_now();
	for (i = 0; i < 100000; i++) {
		b = td_now();
		if (b < a)
			back++;
		a = b;
	}
	check(back == 0, "clock-monotonic", "went back", back, 0);
	check(td_plat.wall_base_ns > 1577836800LL * 1000000000LL, "wall",
	    "wall clock before 2020", td_plat.wall_base_ns / 1000000000LL, 0);
}

static void
on_event(evtchn_port_t port, void *arg)
{
	hits++;
}

/* A loopback channel: alloc_unbound for ourselves, bind to it. */
static void
check_unmask(void)
{
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	evtchn_port_t a;
	int rc;

	rc = xen_evtchn_alloc_unbound(DOMID_SELF, on_event, NULL, &a);
	if (rc != 0) {
		check(0, "unmask", "alloc_unbound", rc, 0);
		return;
	}
	bi.remote_port = a;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
	if (rc != 0) {
		check(0, "unmask", "bind_interdomain", rc, 0);
		return;
	}
	xen_evtchn_notify(bi.local_port);
	td_sleep_ns(1000 * 1000);
	check(hits == 1, "evtchn-loopback", "event not delivered", hits, 1);
	xen_evtchn_mask(a);
	xen_evtchn_notify(bi.local_port);
	td_sleep_ns(1000 * 1000);
	check(hits == 1, "evtchn-masked", "masked event delivered", hits, 1);
	xen_evtchn_unmask(a);
	td_sleep_ns(1000 * 1000);
	check(hits == 2, "evtchn-unmask", "held event lost", hits, 2);
	xen_evtchn_close(bi.local_port);
	xen_evtchn_close(a);
}

int
main(int argc, char **argv)
{
	td_printf("pvcheck on %s\n", td_plat.name);
	check_sleeps();
	check_idle();
	check_clock();
	check_unmask();
	if (argc > 1 && strcmp(argv[1], "null") == 0) {
		td_printf("pvcheck: NULL store next\n");
		*(volatile int *)0 = 1;
		check(0, "null", "NULL store did not fault", 0, 0);
	}
	return failures;
}
