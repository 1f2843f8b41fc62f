/*
 * blkfront.c -- Xen virtual block devices (device/vbd/N) behind the
 * block registry: discovery, the xenbus handshake, the features the
 * backend offers, reconnection, and the flush at shutdown.
 *
 * Each vbd gets a thread that connects it and then follows the
 * backend's state: when the backend closes, the ring is dropped (what
 * is queued waits) and the device connects again once the backend is
 * back.  A vbd is registered twice, under its Linux-style name (xvda)
 * and under the generic one the virtio driver uses (blk0, blk1, ... in
 * the order of the xenstore ids), so the same app finds its disk on
 * either hypervisor.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "blkfront.h"
#include "../platform/xen/grant.h"

#define MAXVBD		(TD_BLKDEV_MAX / 2)
#define CONNECT_NS	(30 * XB_SECOND)	/* hotplug is slow under TCG */

static struct vbd *vbds[MAXVBD];
static int nvbd;

static const struct td_blkdev_ops blk_ops = {
	.submit = blkring_submit,
};

/* xvda, xvdb, ... xvdz, xvdaa ...; a partition number if there is one */
static void
vdev_name(unsigned id, int nth, char *buf, size_t len)
{
	unsigned disk, part;
	char l[3];

	if (id & (1u << 28)) {
		disk = (id >> 8) & 0xfffff;
		part = id & 0xff;
	} else if ((id >> 8) == 202) {
		disk = (id >> 4) & 15;
		part = id & 15;
	} else {
		disk = (unsigned)nth;	/* hd/sd numbering: keep the order */
		part = 0;
	}
	if (disk < 26) {
		l[0] = (char)('a' + disk);
		l[1] = '\0';
	} else {
		l[0] = (char)('a' + (disk / 26 - 1) % 26);
		l[1] = (char)('a' + disk % 26);
		l[2] = '\0';
	}
	if (part != 0)
		td_snprintf(buf, len, "xvd%s%u", l, part);
	else
		td_snprintf(buf, len, "xvd%s", l);
}

/* Our keys, in one transaction so the backend sees all or none. */
static int
publish(struct vbd *v)
{
	char p[96];
	xs_tx_t tx;
	int err, tries;

	for (tries = 0; tries < 10; tries++) {
		if ((err = xs_tx_start(&tx)) != 0)
			return err;
		td_snprintf(p, sizeof(p), "%s/ring-ref", v->xb.fe);
		err = xs_printf(tx, p, "%u", v->ring_ref);
		td_snprintf(p, sizeof(p), "%s/event-channel", v->xb.fe);
		if (err == 0)
			err = xs_printf(tx, p, "%u", v->port);
		td_snprintf(p, sizeof(p), "%s/protocol", v->xb.fe);
		if (err == 0)
			err = xs_write(tx, p, XEN_IO_PROTO_ABI_NATIVE);
		td_snprintf(p, sizeof(p), "%s/feature-persistent", v->xb.fe);
		if (err == 0)
			err = xs_write(tx, p, "1");
		if (err != 0) {
			xs_tx_end(tx, 1);
			return err;
		}
		if ((err = xs_tx_end(tx, 0)) != TD_EAGAIN)
			return err;
	}
	return TD_EAGAIN;
}

static int
features(struct vbd *v)
{
	uint64_t ss, ind;
	char p[160], mode[8];

	v->sectors = xenbus_be_u64(&v->xb, "sectors", 0);
	ss = xenbus_be_u64(&v->xb, "sector-size", 512);
	if (v->sectors == 0 || ss < 512 || ss > 65536 || (ss & (ss - 1)))
		return TD_EINVAL;
	v->sector_size = (uint32_t)ss;
	td_snprintf(p, sizeof(p), "%s/mode", v->xb.be);
	v->ro = (xenbus_be_u64(&v->xb, "info", 0) & VDISK_READONLY) ||
	    (xs_read(0, p, mode, sizeof(mode)) == 0 && mode[0] == 'r' &&
	    mode[1] != 'w');
	v->flush_op = -1;
	if (xenbus_be_u64(&v->xb, "feature-flush-cache", 0) == 1)
		v->flush_op = BLKIF_OP_FLUSH_DISKCACHE;
	else if (xenbus_be_u64(&v->xb, "feature-barrier", 0) == 1)
		v->flush_op = BLKIF_OP_WRITE_BARRIER;
	ind = xenbus_be_u64(&v->xb, "feature-max-indirect-segments", 0);
	v->indirect = ind > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (v->bufsegs == 0)
		v->bufsegs = v->indirect ? (ind < BLK_INDIRECT ? (unsigned)ind :
		    BLK_INDIRECT) : BLKIF_MAX_SEGMENTS_PER_REQUEST;
	v->segs = v->bufsegs;
	if (!v->indirect && v->segs > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		v->segs = BLKIF_MAX_SEGMENTS_PER_REQUEST;
	else if (v->indirect && v->segs > ind)
		v->segs = (unsigned)ind;
	return 0;
}

static int
do_register(struct vbd *v)
{
	struct td_blkdev_info in = { 0 };
	int err;

	in.sector_size = v->sector_size;
	in.nsectors = v->sectors * 512 / v->sector_size;
	in.max_xfer = BLK_MAXXFER;
	in.flags = (v->ro ? TD_BLKDEV_RDONLY : 0) |
	    (v->flush_op >= 0 ? TD_BLKDEV_WCACHE : 0);
	if ((err = td_blkdev_register(v->name, &blk_ops, v, &in)) != 0 ||
	    (err = td_blkdev_register(v->gname, &blk_ops, v, &in)) != 0)
		return err;
	v->registered = 1;
	return 0;
}

static int
connect(struct vbd *v)
{
	uint64_t deadline = td_now() + CONNECT_NS;
	char who[32];
	int st, err;

	td_snprintf(who, sizeof(who), "blkfront: %s", v->name);
	if ((err = xenbus_wait_initwait(&v->xb, who, deadline)) != 0)
		return err;
	if ((err = blkring_setup(v)) != 0 || (err = publish(v)) != 0 ||
	    (err = xenbus_set_state(&v->xb, XenbusStateInitialised)) != 0)
		return err;
	st = xenbus_wait_be(&v->xb, XB_BIT(XenbusStateConnected) |
	    XB_BIT(XenbusStateClosing) | XB_BIT(XenbusStateClosed), deadline);
	if (st != XenbusStateConnected) {
		td_printf("blkfront: %s: backend did not connect (%s)\n",
		    v->name, st < 0 ? "timeout" : xenbus_state_name(st));
		return TD_EIO;
	}
	if ((err = features(v)) != 0) {
		td_printf("blkfront: %s: backend offers a bad geometry\n",
		    v->name);
		return err;
	}
	if (v->slot[0].ind == NULL && (err = blkring_buffers(v)) != 0)
		return err;
	if (!v->registered && (err = do_register(v)) != 0)
		return err;
	v->connected = 1;
	return xenbus_set_state(&v->xb, XenbusStateConnected);
}

static void
announce(struct vbd *v)
{
	td_printf("blkfront: %s (%s): %lu sectors of %u bytes (%lu MiB), "
	    "backend %s, %s%s, %u segments per request%s\n", v->name,
	    v->gname, (unsigned long)(v->sectors * 512 / v->sector_size),
	    v->sector_size, (unsigned long)(v->sectors >> 11), v->xb.be,
	    v->flush_op == BLKIF_OP_FLUSH_DISKCACHE ? "flush-cache" :
	    v->flush_op == BLKIF_OP_WRITE_BARRIER ? "barrier" : "no flush",
	    v->ro ? ", read-only" : "", v->segs,
	    v->indirect ? " (indirect)" : "");
}

/* The backend closed: drop the ring, wait for it to come back. */
static int
reconnect(struct vbd *v)
{
	int i, st;

	td_printf("blkfront: %s: backend %s, disconnecting\n", v->name,
	    xenbus_state_name(xenbus_be_state(&v->xb)));
	v->connected = 0;
	/* the backend answers what it has before it closes */
	for (i = 0; i < 200 && !blkring_idle(v); i++)
		td_sleep_ns(10 * 1000 * 1000);
	st = xenbus_close_wait(&v->xb);
	blkring_abort_inflight(v);
	blkring_teardown(v);
	if (st == XenbusStateUnknown)
		return TD_ENXIO;	/* backend gone for good */
	xenbus_set_state(&v->xb, XenbusStateInitialising);
	if (connect(v) != 0)
		return TD_EIO;
	td_printf("blkfront: %s: reconnected\n", v->name);
	blkring_kick(v);
	return 0;
}

static void
close_dead(struct vbd *v)
{
	v->gone = 1;
	v->connected = 0;
	blkring_abort_inflight(v);
	xenbus_set_state(&v->xb, XenbusStateClosed);
}

static void
vbd_thread(void *arg)
{
	struct vbd *v = arg;
	int st;

	if (connect(v) != 0) {
		td_printf("blkfront: %s: not connected\n", v->name);
		close_dead(v);
		v->ready = 1;
		return;
	}
	announce(v);
	v->ready = 1;
	for (;;) {
		xs_watch_wait(&v->xb.bew, UINT64_MAX);
		if (v->broken) {
			xenbus_set_state(&v->xb, XenbusStateClosed);
			return;
		}
		st = xenbus_be_state(&v->xb);
		if (st != XenbusStateClosing && st != XenbusStateClosed &&
		    st != XenbusStateUnknown)
			continue;
		if (reconnect(v) != 0) {
			td_printf("blkfront: %s: backend gone\n", v->name);
			close_dead(v);
			return;
		}
	}
}

/* Shutdown hook: let what is in flight finish, then flush each disk. */
static void
flush_done(struct td_blkreq *r)
{
	*(int *)r->cookie = 1;
}

static void
flush_all(void)
{
	struct td_blkreq req;
	struct td_blkdev *d;
	volatile int done;
	int i, k;

	for (i = 0; i < nvbd; i++) {
		if (!vbds[i]->registered || !vbds[i]->connected ||
		    (d = td_blkdev_lookup(vbds[i]->gname)) == NULL)
			continue;
		for (k = 0; k < 300 && td_blkdev_inflight(d) != 0; k++)
			td_sleep_ns(10 * 1000 * 1000);
		memset(&req, 0, sizeof(req));
		req.op = TD_BLK_FLUSH;
		req.done = flush_done;
		req.cookie = (void *)&done;
		done = 0;
		td_blkdev_start(d, &req);
		for (k = 0; k < 300 && !done; k++)
			td_sleep_ns(10 * 1000 * 1000);
		td_printf("blkfront: %s: %s\n", vbds[i]->name, done ?
		    (req.error == 0 ? "flushed" : "flush failed") :
		    "flush timed out");
	}
}

void
blkfront_probe(void)
{
	unsigned ids[MAXVBD];
	char fe[64];
	struct vbd *v;
	int n, i, k, err;

	n = xenbus_list_ids("device/vbd", ids, MAXVBD);
	for (i = 0; i < n; i++) {
		v = td_calloc(1, sizeof(*v));
		v->vdev = ids[i];
		vdev_name(ids[i], i, v->name, sizeof(v->name));
		td_snprintf(v->gname, sizeof(v->gname), "blk%d", nvbd);
		td_snprintf(fe, sizeof(fe), "device/vbd/%u", ids[i]);
		if ((err = xenbus_dev_init(&v->xb, fe)) != 0) {
			td_printf("blkfront: %s: no backend (%d)\n", fe, err);
			td_free(v);
			continue;
		}
		vbds[nvbd++] = v;
		v->thr = td_thread_create(v->name, vbd_thread, v,
		    TD_STACK_DEFAULT, 0);
	}
	if (nvbd > 0)
		xen_shutdown_hook_add(flush_all);
	/* the app expects its disks to be there when main() runs */
	for (i = 0; i < nvbd; i++)
		for (k = 0; !vbds[i]->ready && k < 4000; k++)
			td_sleep_ns(10 * 1000 * 1000);
}
