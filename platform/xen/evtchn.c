/*
 * evtchn.c -- two-level event channel demultiplexing, common to PV and
 * PVH.
 *
 * Xen marks an event in three places: the port's bit in
 * shared_info->evtchn_pending, the port's word in the vCPU's
 * evtchn_pending_sel, and evtchn_upcall_pending; then it upcalls (PV
 * callback / PVH vector).  It raises the selector and the upcall only
 * for ports that are not masked, so unmasking has to look for events
 * that arrived in between -- see xen_evtchn_unmask().
 */
#include <stddef.h>
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "xen.h"

#define NPORTS		EVTCHN_2L_NR_CHANNELS
#define WORDBITS	(sizeof(xen_ulong_t) * 8)

static struct {
	xen_evtchn_fn	fn;
	void		*arg;
} handlers[NPORTS];

uint64_t xen_evtchn_upcalls;
static uint64_t stray_events;

static inline void
bit_set(xen_ulong_t *w, unsigned b)
{
	__atomic_fetch_or(w, (xen_ulong_t)1 << b, __ATOMIC_SEQ_CST);
}

static inline void
bit_clear(xen_ulong_t *w, unsigned b)
{
	__atomic_fetch_and(w, ~((xen_ulong_t)1 << b), __ATOMIC_SEQ_CST);
}

static inline int
bit_test(const xen_ulong_t *w, unsigned b)
{
	return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> b) & 1;
}

static void
dispatch(evtchn_port_t port)
{
	if (handlers[port].fn != NULL)
		handlers[port].fn(port, handlers[port].arg);
	else
		stray_events++;
}

/* All unmasked pending ports of one selector word, lowest first. */
static void
scan_word(unsigned w)
{
	xen_ulong_t bits;
	unsigned b;

	for (;;) {
		bits = __atomic_load_n(&xen_shinfo->evtchn_pending[w],
		    __ATOMIC_SEQ_CST) & ~xen_shinfo->evtchn_mask[w];
		if (bits == 0)
			return;
		b = __builtin_ctzl(bits);
		/* clear first: a new event during the handler re-raises */
		bit_clear(&xen_shinfo->evtchn_pending[w], b);
		dispatch(w * WORDBITS + b);
	}
}

/*
 * The upcall: PV event callback (vector 256) or PVH callback vector.
 * Runs with events masked.  Loops until Xen stops flagging work, so an
 * event set while we scan is not left for a later, unrelated upcall.
 */
void
xen_evtchn_upcall(void *arg)
{
	xen_ulong_t sel;
	unsigned w;

	xen_evtchn_upcalls++;
	while (__atomic_load_n(&xen_vcpu->evtchn_upcall_pending,
	    __ATOMIC_SEQ_CST)) {
		xen_vcpu->evtchn_upcall_pending = 0;
		sel = __atomic_exchange_n(&xen_vcpu->evtchn_pending_sel, 0,
		    __ATOMIC_SEQ_CST);
		while (sel != 0) {
			w = __builtin_ctzl(sel);
			sel &= sel - 1;
			scan_word(w);
		}
	}
}

/*
 * Makes Xen look at evtchn_upcall_pending now.  PV: every hypercall
 * return checks for a deliverable upcall.  PVH: any exit lets Xen see
 * the flag and inject the callback vector once IF allows it.
 */
void
xen_force_upcall(void)
{
	HYPERVISOR_xen_version(XENVER_version, NULL);
}

static int
events_enabled(void)
{
	unsigned long fl;

	if (xen_is_pv)
		return *arch_xen_upcall_mask == 0;
	__asm__ volatile("pushfq; popq %0" : "=r"(fl));
	return (fl & 0x200) != 0;
}

void
xen_evtchn_mask(evtchn_port_t port)
{
	if (port < NPORTS)
		bit_set(&xen_shinfo->evtchn_mask[port / WORDBITS],
		    port % WORDBITS);
}

void
xen_evtchn_unmask(evtchn_port_t port)
{
	unsigned w = port / WORDBITS, b = port % WORDBITS;

	if (port >= NPORTS)
		return;
	bit_clear(&xen_shinfo->evtchn_mask[w], b);
	/* Xen skipped the selector for an event that came while masked:
	 * raise it ourselves, as Xen would have. */
	if (!bit_test(&xen_shinfo->evtchn_pending[w], b))
		return;
	bit_set(&xen_vcpu->evtchn_pending_sel, w);
	__atomic_store_n(&xen_vcpu->evtchn_upcall_pending, 1,
	    __ATOMIC_SEQ_CST);
	/* PV with events masked: td_irq_restore forces it later */
	if (!xen_is_pv || events_enabled())
		xen_force_upcall();
}

int
xen_evtchn_bind(evtchn_port_t port, xen_evtchn_fn fn, void *arg)
{
	td_irqflags_t fl;

	if (port >= NPORTS || handlers[port].fn != NULL)
		return -1;
	fl = td_irq_save();
	handlers[port].arg = arg;
	handlers[port].fn = fn;
	td_irq_restore(fl);
	xen_evtchn_unmask(port);
	return 0;
}

void
xen_evtchn_unbind(evtchn_port_t port)
{
	td_irqflags_t fl;

	if (port >= NPORTS)
		return;
	xen_evtchn_mask(port);
	fl = td_irq_save();
	handlers[port].fn = NULL;
	handlers[port].arg = NULL;
	td_irq_restore(fl);
}

int
xen_evtchn_bind_virq(uint32_t virq, xen_evtchn_fn fn, void *arg,
    evtchn_port_t *portp)
{
	struct evtchn_bind_virq bv = { .virq = virq, .vcpu = 0 };
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
	if (rc != 0)
		return rc;
	if (xen_evtchn_bind(bv.port, fn, arg) != 0)
		return -1;
	*portp = bv.port;
	return 0;
}

int
xen_evtchn_alloc_unbound(domid_t remote, xen_evtchn_fn fn, void *arg,
    evtchn_port_t *portp)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF, .remote_dom = remote,
	};
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
	if (rc != 0)
		return rc;
	if (xen_evtchn_bind(au.port, fn, arg) != 0)
		return -1;
	*portp = au.port;
	return 0;
}

int
xen_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	xen_evtchn_unbind(port);
	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

void
xen_evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/*
 * Start with every port masked: Xen leaves the mask words as the last
 * owner had them, and a port we have no handler for must not upcall.
 */
void
xen_evtchn_init(void)
{
	unsigned w;

	for (w = 0; w < sizeof(xen_shinfo->evtchn_mask) /
	    sizeof(xen_shinfo->evtchn_mask[0]); w++)
		__atomic_store_n(&xen_shinfo->evtchn_mask[w], ~(xen_ulong_t)0,
		    __ATOMIC_SEQ_CST);
}
