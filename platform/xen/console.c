/*
 * console.c -- the Xen PV console ring (xencons_interface), PV and PVH.
 *
 * We are the producer of out[] and xenconsoled the consumer.  Not
 * HYPERVISOR_console_io: release builds of Xen drop a domU's writes.
 * Bytes go out as they are ('\n' stays '\n'): consumers are a log file
 * or `xl console`, and the exit-status line must compare exactly.
 *
 * A full ring is waited out with SCHEDOP_yield, so dom0 can run; if the
 * backend is gone we drop output after a bound rather than hang a
 * panicking guest forever.
 */
#include <stddef.h>
#include <stdint.h>

#include <tandem/arch.h>

#include "xen.h"

#include <xen/io/console.h>

#define FULL_WAIT_NS	(2ULL * 1000 * 1000 * 1000)
#define FLUSH_WAIT_NS	(5ULL * 1000 * 1000 * 1000)

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static int dead;		/* backend stopped consuming: drop output */

void
xen_cons_init(void *va, evtchn_port_t p)
{
	ring = va;
	port = p;
}

static void
kick_and_yield(void)
{
	xen_evtchn_notify(port);
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Waits for room; returns the free byte count, 0 if we gave up. */
static size_t
wait_room(void)
{
	XENCONS_RING_IDX used;
	uint64_t t0 = 0;

	for (;;) {
		used = ring->out_prod - ring->out_cons;
		if (used < sizeof(ring->out))
			return sizeof(ring->out) - used;
		if (dead)
			return 0;
		if (t0 == 0)
			t0 = xen_system_ns();
		else if (xen_system_ns() - t0 > FULL_WAIT_NS) {
			dead = 1;
			return 0;
		}
		kick_and_yield();
	}
}

void
xen_cons_write(const char *buf, size_t len)
{
	XENCONS_RING_IDX prod;
	size_t room, n;

	if (ring == NULL)
		return;
	while (len > 0) {
		if ((room = wait_room()) == 0)
			return;
		prod = ring->out_prod;
		for (n = 0; n < room && n < len; n++)
			ring->out[MASK_XENCONS_IDX(prod + n, ring->out)] =
			    buf[n];
		wmb();		/* data before index */
		ring->out_prod = prod + n;
		buf += n;
		len -= n;
		xen_evtchn_notify(port);
	}
	dead = 0;
}

void
xen_cons_flush(void)
{
	uint64_t t0;

	if (ring == NULL)
		return;
	xen_evtchn_notify(port);
	t0 = xen_system_ns();
	while (ring->out_cons != ring->out_prod &&
	    xen_system_ns() - t0 < FLUSH_WAIT_NS)
		kick_and_yield();
}
