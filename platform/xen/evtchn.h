/*
 * evtchn.h -- Xen event channels for the platform and the split drivers
 * (console, xenstore, netfront, blkfront).
 *
 * Handlers run in interrupt context (events masked, on the interrupted
 * stack): they may only do IRQ-safe things such as td_thread_wake().
 * A port's pending bit is cleared before its handler is called, so an
 * event that arrives while the handler runs calls it again.
 */
#ifndef PLATFORM_XEN_EVTCHN_H
#define PLATFORM_XEN_EVTCHN_H

#include <stdint.h>

#include "hypercall.h"

typedef void (*xen_evtchn_fn)(evtchn_port_t port, void *arg);

/* Attaches fn to an already existing local port and unmasks it.
 * Returns 0, or -1 if the port is out of range or taken. */
int	xen_evtchn_bind(evtchn_port_t port, xen_evtchn_fn fn, void *arg);
/* Masks the port and forgets its handler (the port stays open). */
void	xen_evtchn_unbind(evtchn_port_t port);
/* EVTCHNOP_bind_virq on vCPU 0, then xen_evtchn_bind.  Returns 0 or a
 * negative Xen errno. */
int	xen_evtchn_bind_virq(uint32_t virq, xen_evtchn_fn fn, void *arg,
	    evtchn_port_t *portp);
/* EVTCHNOP_alloc_unbound for `remote`, then xen_evtchn_bind. */
int	xen_evtchn_alloc_unbound(domid_t remote, xen_evtchn_fn fn,
	    void *arg, evtchn_port_t *portp);
/* Unbinds and EVTCHNOP_close. */
int	xen_evtchn_close(evtchn_port_t port);
/* Per-port mask.  Unmask delivers an event that became pending while
 * the port was masked (Xen does not raise the selector for it). */
void	xen_evtchn_mask(evtchn_port_t port);
void	xen_evtchn_unmask(evtchn_port_t port);
/* EVTCHNOP_send: kick the other end. */
void	xen_evtchn_notify(evtchn_port_t port);

/* Upcalls demultiplexed so far (diagnostics). */
extern uint64_t xen_evtchn_upcalls;

#endif
