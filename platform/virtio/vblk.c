/*
 * vblk.c -- virtio-blk behind the block registry (hypercall.h).
 *
 * A request is a chain of three buffers -- header, data, status byte --
 * taking one ring slot when indirect descriptors are negotiated, so a
 * 256-entry queue keeps 256 requests in flight.  Data is never copied:
 * the caller's buffer is handed to the device (guest-physical ==
 * virtual).  Completions are taken in the interrupt handler and handed to
 * td_blkreq_done(), which is IRQ-safe.  FLUSH goes to the device as
 * VIRTIO_BLK_T_FLUSH when it has a write cache, so syncfd is durable.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include <linux/virtio_blk.h>

#include "virtio.h"

#define VBLK_QSIZE	256
#define VBLK_MAXXFER	(1024 * 1024)

struct vblk_ctx {
	struct virtio_blk_outhdr hdr;	/* device reads */
	uint8_t		 status;	/* device writes */
	struct td_blkreq *req;
	struct vblk_ctx	*nextfree;
};

struct vblk {
	struct vdev	*v;
	struct virtq	*vq;
	char		 name[TD_DEVNAME_MAX];
	char		 qname[TD_DEVNAME_MAX + 4];
	struct vblk_ctx	*free;
	uint32_t	 seg_size;	/* largest data segment */
	int		 seg_max;	/* data segments per request */
};

static int nvblk;
static struct vblk *vblks[TD_BLKDEV_MAX];

/* For a stall report (blkcheck): the driver's and the LAPIC's view. */
TD_COLD void
vblk_dump(void)
{
	volatile uint32_t *lapic = (volatile uint32_t *)0xfee00000UL;
	struct virtq *vq;
	td_irqflags_t s;
	int i;

	if (nvblk == 0)
		return;		/* not the QEMU platform: no LAPIC to read */
	s = td_irq_save();
	for (i = 0; i < nvblk; i++) {
		vq = vblks[i]->vq;
		td_printf("vblk: %s: avail_idx %u kicked_idx %u last_used %u "
		    "used->idx %u avail->idx %u used_event %u avail_event %u "
		    "inflight %u nfree %u broken %d\n", vblks[i]->name,
		    vq->avail_idx, vq->kicked_idx, vq->last_used,
		    *(volatile uint16_t *)&vq->vr.used->idx,
		    *(volatile uint16_t *)&vq->vr.avail->idx,
		    ((volatile uint16_t *)vq->vr.avail->ring)[vq->num],
		    ((volatile uint16_t *)vq->vr.used->ring)[vq->num * 4],
		    vq->inflight, vq->nfree, vq->broken);
	}
	td_printf("vblk: lapic isr");
	for (i = 7; i >= 0; i--)
		td_printf(" %08x", lapic[(0x100 + 0x10 * i) / 4]);
	td_printf(" irr");
	for (i = 7; i >= 0; i--)
		td_printf(" %08x", lapic[(0x200 + 0x10 * i) / 4]);
	td_printf(" tpr %x ppr %x\n", lapic[0x80 / 4], lapic[0xa0 / 4]);
	td_irq_restore(s);
}

static void
ctx_put(struct vblk *b, struct vblk_ctx *c)
{
	c->req = NULL;
	c->nextfree = b->free;
	b->free = c;
}

static void
fail_one(void *cookie, void *arg)
{
	struct vblk_ctx *c = cookie;
	struct td_blkreq *r = c->req;

	ctx_put(arg, c);
	if (r != NULL)
		td_blkreq_done(r, TD_EIO);
}

static void
finish(struct vblk *b, struct vblk_ctx *c, uint32_t len)
{
	struct td_blkreq *r = c->req;
	int err;

	switch (c->status) {
	case VIRTIO_BLK_S_OK:
		err = 0;
		/* a read the device did not fill must not look like data */
		if (r->op == TD_BLK_READ && len < r->len + 1)
			err = TD_EIO;
		break;
	case VIRTIO_BLK_S_UNSUPP:
		err = TD_EOPNOTSUPP;
		break;
	default:
		err = TD_EIO;
		break;
	}
	ctx_put(b, c);
	td_blkreq_done(r, err);
}

/* Interrupt context. */
static void
vblk_intr(struct vdev *v, int cfg)
{
	struct vblk *b = v->drv;
	void *cookie;
	uint32_t len;
	int rv;

	do {
		while ((rv = virtq_get(b->vq, &cookie, &len)) == 1)
			finish(b, cookie, len);
		if (rv < 0) {
			vdev_fail(v, b->name, b->vq->err);
			virtq_drain(b->vq, fail_one, b);
			return;
		}
	} while (virtq_intr_on(b->vq));
}

/* header, the data cut into segments the device accepts, status */
static int
build_chain(struct vblk *b, struct vblk_ctx *c, struct td_blkreq *r,
    struct vq_seg *s, int *noutp)
{
	uint64_t a = (uint64_t)(uintptr_t)r->buf;
	size_t left = r->op == TD_BLK_FLUSH ? 0 : r->len, n;
	int i = 1;

	s[0].addr = (uint64_t)(uintptr_t)&c->hdr;
	s[0].len = sizeof(c->hdr);
	while (left > 0) {
		if (i > b->seg_max)
			return -1;
		n = left < b->seg_size ? left : b->seg_size;
		s[i].addr = a;
		s[i].len = (uint32_t)n;
		a += n;
		left -= n;
		i++;
	}
	*noutp = r->op == TD_BLK_WRITE ? i : 1;
	s[i].addr = (uint64_t)(uintptr_t)&c->status;
	s[i].len = 1;
	return i + 1;
}

static int
vblk_submit(void *softc, struct td_blkreq *r)
{
	struct vblk *b = softc;
	struct vq_seg seg[VQ_MAXSEG];
	struct vblk_ctx *c;
	td_irqflags_t s;
	int n, nout, rv;

	if (b->v->broken)
		return TD_EIO;
	s = td_irq_save();
	if ((c = b->free) == NULL) {
		td_irq_restore(s);
		return TD_EAGAIN;
	}
	c->hdr.type = r->op == TD_BLK_READ ? VIRTIO_BLK_T_IN :
	    r->op == TD_BLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
	c->hdr.ioprio = 0;
	c->hdr.sector = r->op == TD_BLK_FLUSH ? 0 : r->sector;
	c->status = 0xff;		/* anything but OK until written */
	if ((n = build_chain(b, c, r, seg, &nout)) < 0) {
		td_irq_restore(s);
		return TD_EINVAL;
	}
	rv = virtq_add(b->vq, seg, nout, n - nout, c);
	if (rv == 0) {
		b->free = c->nextfree;
		c->req = r;
		virtq_kick(b->vq);
	}
	td_irq_restore(s);
	return rv == 0 ? 0 : rv == -1 ? TD_EAGAIN : TD_EIO;
}

static const struct td_blkdev_ops vblk_ops = {
	.submit = vblk_submit,
};

static void
limits(struct vblk *b, struct td_blkdev_info *in)
{
	struct vdev *v = b->v;
	uint32_t sm = 0, segs = 0;

	b->seg_size = VBLK_MAXXFER;
	b->seg_max = VQ_MAXSEG - 2;
	if (vdev_has(v, VIRTIO_BLK_F_SIZE_MAX) &&
	    (sm = v->ops->cfg_read(v, 8, 4)) >= 4096)
		b->seg_size = sm & ~511u;
	if (vdev_has(v, VIRTIO_BLK_F_SEG_MAX) &&
	    (segs = v->ops->cfg_read(v, 12, 4)) >= 1 &&
	    segs < (uint32_t)b->seg_max)
		b->seg_max = (int)segs;
	if (!b->vq->indirect && b->seg_max > b->vq->num - 2)
		b->seg_max = b->vq->num - 2;
	in->max_xfer = (uint64_t)b->seg_size * b->seg_max < VBLK_MAXXFER ?
	    b->seg_size * (uint32_t)b->seg_max : VBLK_MAXXFER;
}

TD_COLD void
vblk_attach(struct vdev *v)
{
	struct td_blkdev_info in = { 0 };
	struct vblk *b = td_calloc(1, sizeof(*b));
	struct vblk_ctx *ctx;
	unsigned i;
	int rv;

	b->v = v;
	v->drv = b;
	v->intr = vblk_intr;
	td_snprintf(b->name, sizeof(b->name), "blk%d", nvblk);
	td_snprintf(b->qname, sizeof(b->qname), "%s rq", b->name);
	if (vdev_negotiate(v, 1ULL << VIRTIO_BLK_F_RO |
	    1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_BLK_F_SIZE_MAX |
	    1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_RING_F_EVENT_IDX |
	    1ULL << VIRTIO_RING_F_INDIRECT_DESC) != 0 ||
	    (b->vq = vdev_queue(v, 0, VBLK_QSIZE, b->qname)) == NULL) {
		vdev_fail(v, b->name, "setup failed");
		return;
	}
	ctx = vdev_dma_alloc(b->vq->num * sizeof(*ctx));
	for (i = 0; i < b->vq->num; i++)
		ctx_put(b, &ctx[i]);
	in.nsectors = vdev_cfg64(v, 0);
	in.sector_size = 512;		/* the unit of virtio-blk sectors */
	if (vdev_has(v, VIRTIO_BLK_F_RO))
		in.flags |= TD_BLKDEV_RDONLY;
	if (vdev_has(v, VIRTIO_BLK_F_FLUSH))
		in.flags |= TD_BLKDEV_WCACHE;
	limits(b, &in);
	if (vdev_ready(v) != 0)
		return;
	if ((rv = td_blkdev_register(b->name, &vblk_ops, b, &in)) != 0) {
		td_printf("virtio: %s: registry refused it (%d)\n", b->name, rv);
		vdev_fail(v, b->name, "not registered");
		return;
	}
	vblks[nvblk++] = b;
	td_printf("virtio: %s: %lu sectors (%lu MiB) at %s, %s, queue %u%s%s%s%s\n",
	    b->name, (unsigned long)in.nsectors,
	    (unsigned long)(in.nsectors >> 11), v->where,
	    v->msix ? "msi-x" : "intx/gsi", b->vq->num,
	    vdev_has(v, VIRTIO_BLK_F_FLUSH) ? ", flush" : "",
	    vdev_has(v, VIRTIO_BLK_F_RO) ? ", read-only" : "",
	    b->vq->indirect ? ", indirect" : "",
	    b->vq->event_idx ? ", event-idx" : "");
}
