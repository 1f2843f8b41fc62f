/*
 * xenbus.c -- frontend helpers over xenstore, and the init hook that
 * brings up the Xen devices (grant table, xenstore, lifecycle, disks,
 * NICs) when the live platform is Xen.  On QEMU the hook does nothing;
 * the virtio drivers' hook does the same in reverse.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <tandem/platform.h>

#include "xen.h"
#include "grant.h"
#include "xenbus.h"
#include "xs_proto.h"

static const char *const names[] = {
	"Unknown", "Initialising", "InitWait", "Initialised", "Connected",
	"Closing", "Closed", "Reconfiguring", "Reconfigured",
};

const char *
xenbus_state_name(int st)
{
	if (st < 0 || st >= (int)(sizeof(names) / sizeof(names[0])))
		return "?";
	return names[st];
}

int
xenbus_dev_init(struct xenbus_dev *d, const char *fe)
{
	char path[96], buf[128];
	uint64_t id;
	int err;

	if (strlen(fe) >= sizeof(d->fe))
		return TD_ENAMETOOLONG;
	strcpy(d->fe, fe);
	td_snprintf(path, sizeof(path), "%s/backend", fe);
	if ((err = xs_read(0, path, d->be, sizeof(d->be))) != 0)
		return err;
	td_snprintf(path, sizeof(path), "%s/backend-id", fe);
	if ((err = xs_read_u64(0, path, &id)) != 0)
		return err;
	if (id >= DOMID_FIRST_RESERVED || d->be[0] != '/')
		return TD_EINVAL;
	d->beid = (domid_t)id;
	td_snprintf(buf, sizeof(buf), "%s/state", d->be);
	return xs_watch_add(&d->bew, buf);
}

int
xenbus_set_state(struct xenbus_dev *d, XenbusState st)
{
	char path[80];

	td_snprintf(path, sizeof(path), "%s/state", d->fe);
	return xs_printf(0, path, "%d", (int)st);
}

XenbusState
xenbus_be_state(struct xenbus_dev *d)
{
	char path[144];
	uint64_t v;

	td_snprintf(path, sizeof(path), "%s/state", d->be);
	if (xs_read_u64(0, path, &v) != 0 || v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (XenbusState)v;
}

int
xenbus_wait_be(struct xenbus_dev *d, unsigned mask, uint64_t deadline)
{
	XenbusState st;

	for (;;) {
		st = xenbus_be_state(d);
		if (mask & XB_BIT(st))
			return (int)st;
		if (xs_watch_wait(&d->bew, deadline) != 0)
			return -1;
	}
}

int
xenbus_wait_initwait(struct xenbus_dev *d, const char *who, uint64_t deadline)
{
	if (xenbus_wait_be(d, XB_BIT(XenbusStateInitWait), deadline) >= 0)
		return 0;
	td_printf("%s: backend never ready (state %s)\n", who,
	    xenbus_state_name(xenbus_be_state(d)));
	return TD_ETIMEDOUT;
}

int
xenbus_close_wait(struct xenbus_dev *d)
{
	xenbus_set_state(d, XenbusStateClosed);
	return xenbus_wait_be(d, XB_BIT(XenbusStateClosed) |
	    XB_BIT(XenbusStateUnknown) | XB_BIT(XenbusStateInitWait),
	    td_now() + 10 * XB_SECOND);
}

uint64_t
xenbus_be_u64(struct xenbus_dev *d, const char *key, uint64_t dflt)
{
	char path[176];
	uint64_t v;

	td_snprintf(path, sizeof(path), "%s/%s", d->be, key);
	return xs_read_u64(0, path, &v) == 0 ? v : dflt;
}

int
xenbus_list_ids(const char *dir, unsigned *ids, int max)
{
	static char buf[XENSTORE_PAYLOAD_MAX + 1];
	const char *name;
	uint32_t len, off = 0;
	uint64_t v;
	int n = 0, i;

	if (xs_directory(0, dir, buf, sizeof(buf), &len) != 0)
		return 0;
	while (n < max && xs_dir_next(buf, len, &off, &name) == 1) {
		if (xs_parse_u64(name, &v) != 0 || v > UINT32_MAX)
			continue;
		/* insertion sort: a handful of devices */
		for (i = n++; i > 0 && ids[i - 1] > (unsigned)v; i--)
			ids[i] = ids[i - 1];
		ids[i] = (unsigned)v;
	}
	return n;
}

static void
xen_devices_init(void)
{
	int err;

	if (td_plat.name == NULL || strncmp(td_plat.name, "xen", 3) != 0)
		return;
	if (xen_grant_init() != 0)
		return;
	if ((err = xs_init()) != 0) {
		td_printf("xen: no xenstore (%d): no devices\n", err);
		return;
	}
	xen_lifecycle_init();
	blkfront_probe();
	netfront_probe();
}

static void (*const xen_devices_hook)(void)
    __attribute__((section("link_set_tandem_init"), used)) =
    xen_devices_init;
