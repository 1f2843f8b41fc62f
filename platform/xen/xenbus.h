/*
 * xenbus.h -- the frontend half of the xenbus protocol, for blkfront
 * and netfront: finding the backend, publishing our state, following
 * the backend's, and the lifecycle hooks.
 *
 * Life of a frontend: Initialising -> (backend InitWait) write ring
 * keys -> Initialised -> (backend Connected) read the backend's keys ->
 * Connected.  When the backend goes Closing or Closed, the driver stops
 * using the ring and goes Closed; when the backend comes back to
 * InitWait (after we said Initialising) it connects again.
 */
#ifndef PLATFORM_XEN_XENBUS_H
#define PLATFORM_XEN_XENBUS_H

#include <stdint.h>

#include "hypercall.h"
#include "xenstore.h"

#include <xen/io/xenbus.h>

struct xenbus_dev {
	char		 fe[64];	/* "device/vbd/51712" */
	char		 be[128];	/* backend directory */
	domid_t		 beid;
	struct xs_watch	 bew;		/* on be/state */
};

/* Reads backend and backend-id of fe ("device/vbd/51712") and watches
 * the backend's state.  0 or TD_E*. */
int	xenbus_dev_init(struct xenbus_dev *d, const char *fe);
/* Our state (fe/state). */
int	xenbus_set_state(struct xenbus_dev *d, XenbusState st);
/* The backend's state; XenbusStateUnknown if unreadable or gone. */
XenbusState xenbus_be_state(struct xenbus_dev *d);
/* Waits until the backend's state is one of mask (1 << XenbusState...).
 * Returns the state, or -1 at the deadline (absolute ns). */
int	xenbus_wait_be(struct xenbus_dev *d, unsigned mask, uint64_t deadline);
/* Waits until the backend is ready for our ring details (InitWait).
 * 0, or TD_ETIMEDOUT at the deadline after saying so as "<who>: ...". */
int	xenbus_wait_initwait(struct xenbus_dev *d, const char *who,
	    uint64_t deadline);
/* After the backend left Connected: says Closed -- a backend unmaps our
 * rings only then, so only then may their grants be revoked -- and waits
 * (10 s at most) until the backend is Closed, ready again (InitWait) or
 * gone.  Returns its state; XenbusStateUnknown means gone for good. */
int	xenbus_close_wait(struct xenbus_dev *d);
/* be/key as a number; dflt if absent or not a number. */
uint64_t xenbus_be_u64(struct xenbus_dev *d, const char *key, uint64_t dflt);
/* Lists `dir` ("device/vbd"): the numeric children, sorted, into ids[].
 * Returns how many (at most max); 0 if dir does not exist. */
int	xenbus_list_ids(const char *dir, unsigned *ids, int max);
const char *xenbus_state_name(int st);

#define XB_BIT(s)	(1u << (s))
#define XB_SECOND	(1000ULL * 1000 * 1000)

/* lifecycle.c: the control/shutdown watch. */
void	xen_lifecycle_init(void);
/* Runs at a toolstack shutdown/reboot, before the guest exits (blkfront
 * flushes its disks here).  At most 8. */
void	xen_shutdown_hook_add(void (*fn)(void));

/* The drivers' probes, called from the Xen init hook (xenbus.c) once
 * grants and xenstore are up.  They return when their devices are
 * connected or have failed. */
void	blkfront_probe(void);
void	netfront_probe(void);

#endif
