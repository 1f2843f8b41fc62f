/*
 * blkring.c -- the blkif ring of one virtual block device.
 *
 * Data goes through bounce pages that belong to a ring slot and stay
 * granted to the backend for the device's life ("feature-persistent":
 * blkback may keep them mapped), so no grant is made or revoked per
 * request and the caller's buffer needs no particular alignment.  A
 * td_blkreq larger than one slot carries is split over several slots;
 * it completes when its last piece does.  Slots are as many as ring
 * entries, so a free slot always has room on the ring.
 *
 * The backend is not trusted: rsp_prod must not announce more responses
 * than we have requests out, a response id must name a busy slot, and
 * its operation must be the one we sent; anything else disables the
 * device (all its requests fail with TD_EIO).
 *
 * td_blkreq.drv_data while we own a request: pieces in flight (bits
 * 0-15), first error (16-23), "all pieces issued" (24), bytes issued
 * (32-63).  drv_priv links the queue of requests waiting for a slot.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "blkfront.h"
#include "../platform/xen/grant.h"
#include "../platform/xen/ring_check.h"

#define PG		XEN_PAGE_SIZE
#define D_OUT(r)	((unsigned)((r)->drv_data & 0xffff))
#define D_ERR(r)	((int)(((r)->drv_data >> 16) & 0xff))
#define D_ALL		(1ULL << 24)
#define D_ISS(r)	((uint32_t)((r)->drv_data >> 32))

static void
slot_put(struct vbd *v, struct blkslot *s)
{
	v->busy[s - v->slot] = 0;
	s->req = NULL;
	s->nextfree = v->free;
	v->free = s;
}

/* One piece of r finished with err; r completes with its last piece. */
static void
piece_done(struct td_blkreq *r, int err)
{
	if (err != 0 && D_ERR(r) == 0)
		r->drv_data |= (uint64_t)(err & 0xff) << 16;
	r->drv_data--;
	if (D_OUT(r) == 0 && (r->drv_data & D_ALL))
		td_blkreq_done(r, D_ERR(r));
}

static void
copy_pages(struct blkslot *s, void *buf, int to_pages)
{
	uint8_t *b = buf;
	uint32_t done, n;
	unsigned i;

	for (i = 0, done = 0; done < s->len; i++, done += n) {
		n = s->len - done < PG ? s->len - done : (uint32_t)PG;
		if (to_pages)
			memcpy(s->page[i], b + done, n);
		else
			memcpy(b + done, s->page[i], n);
	}
}

static void
fill_segs(struct blkslot *s, struct blkif_request_segment *seg, unsigned n)
{
	uint32_t left = s->len, k;
	unsigned i;

	for (i = 0; i < n; i++, left -= k) {
		k = left < PG ? left : (uint32_t)PG;
		seg[i].gref = s->gref[i];
		seg[i].first_sect = 0;
		seg[i].last_sect = (uint8_t)(k / 512 - 1);
	}
}

/* Puts the next piece of r on the ring in slot s.  IRQs masked. */
static void
issue(struct vbd *v, struct blkslot *s, struct td_blkreq *r)
{
	blkif_request_t *rq = RING_GET_REQUEST(&v->ring, v->ring.req_prod_pvt);
	blkif_request_indirect_t *ir = (blkif_request_indirect_t *)rq;
	unsigned id = (unsigned)(s - v->slot), n;
	uint32_t iss = D_ISS(r), len;
	uint64_t sec;

	s->req = r;
	v->busy[id] = 1;
	r->drv_data++;
	v->ring.req_prod_pvt++;
	if (r->op == TD_BLK_FLUSH) {
		s->op = (uint8_t)v->flush_op;
		s->off = s->len = 0;
		memset(rq, 0, sizeof(*rq));
		rq->operation = s->op;
		rq->handle = (blkif_vdev_t)v->vdev;
		rq->id = id;
		r->drv_data |= D_ALL;
		v->nflush++;
		return;
	}
	len = r->len - iss;
	if (len > v->segs * PG)
		len = v->segs * (uint32_t)PG;
	s->off = iss;
	s->len = len;
	n = (len + PG - 1) / PG;
	if (r->op == TD_BLK_WRITE)
		copy_pages(s, (uint8_t *)r->buf + iss, 1);
	sec = r->sector * (v->sector_size / 512) + iss / 512;
	if (n <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		s->op = r->op == TD_BLK_READ ? BLKIF_OP_READ : BLKIF_OP_WRITE;
		rq->operation = s->op;
		rq->nr_segments = (uint8_t)n;
		rq->handle = (blkif_vdev_t)v->vdev;
		rq->id = id;
		rq->sector_number = sec;
		fill_segs(s, rq->seg, n);
	} else {
		s->op = BLKIF_OP_INDIRECT;
		fill_segs(s, s->ind, n);
		ir->operation = BLKIF_OP_INDIRECT;
		ir->indirect_op = r->op == TD_BLK_READ ? BLKIF_OP_READ :
		    BLKIF_OP_WRITE;
		ir->nr_segments = (uint16_t)n;
		ir->id = id;
		ir->sector_number = sec;
		ir->handle = (blkif_vdev_t)v->vdev;
		ir->indirect_grefs[0] = s->ind_ref;
	}
	r->drv_data += (uint64_t)len << 32;
	if (iss + len == r->len)
		r->drv_data |= D_ALL;
	v->nreq++;
}

void
blkring_kick(struct vbd *v)
{
	struct td_blkreq *r;
	struct blkslot *s;
	td_irqflags_t fl;
	int notify;

	fl = td_irq_save();
	while (v->connected && !v->broken && (r = v->qhead) != NULL &&
	    (s = v->free) != NULL && !RING_FULL(&v->ring)) {
		v->free = s->nextfree;
		issue(v, s, r);
		if (r->drv_data & D_ALL) {
			if ((v->qhead = r->drv_priv) == NULL)
				v->qtail = NULL;
		}
	}
	if (v->connected && !v->broken) {
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->ring, notify);
		if (notify)
			xen_evtchn_notify(v->port);
	}
	td_irq_restore(fl);
}

static int
status_err(int16_t st)
{
	return st == BLKIF_RSP_OKAY ? 0 :
	    st == BLKIF_RSP_EOPNOTSUPP ? TD_EOPNOTSUPP : TD_EIO;
}

/* A checked response for slot s. */
static void
finish(struct vbd *v, struct blkslot *s, int16_t status)
{
	struct td_blkreq *r = s->req;
	int err = status_err(status);

	if (err != 0 && v->nerr++ < 3)
		td_printf("blkfront: %s: %s of %u bytes at %lu failed (%d)\n",
		    v->name, s->op == BLKIF_OP_READ ? "read" :
		    s->op == BLKIF_OP_WRITE ? "write" : s->op == BLKIF_OP_INDIRECT ?
		    "indirect" : "flush", s->len, (unsigned long)r->sector,
		    status);

	if (err == 0 && r->op == TD_BLK_READ)
		copy_pages(s, (uint8_t *)r->buf + s->off, 0);
	slot_put(v, s);
	piece_done(r, err);
}

static int
op_ok(const struct blkslot *s, uint8_t op)
{
	/* an indirect request may be answered with its inner op */
	return op == s->op || (s->op == BLKIF_OP_INDIRECT &&
	    (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE));
}

/* Interrupt context. */
static void
blk_intr(evtchn_port_t port, void *arg)
{
	struct vbd *v = arg;
	struct blkif_response rsp;
	RING_IDX i, rp;
	int more;

	if (!v->connected || v->broken)
		return;
	do {
		rp = __atomic_load_n(&v->sring->rsp_prod, __ATOMIC_ACQUIRE);
		if (!xen_ring_rsp_ok(rp, v->ring.rsp_cons, v->ring.req_prod_pvt,
		    BLK_RING)) {
			blkring_fail(v, "backend announced responses to "
			    "requests never made");
			return;
		}
		for (i = v->ring.rsp_cons; i != rp; i++) {
			memcpy(&rsp, RING_GET_RESPONSE(&v->ring, i), sizeof(rsp));
			if (!xen_ring_id_ok(rsp.id, BLK_RING, v->busy) ||
			    !op_ok(&v->slot[rsp.id], rsp.operation)) {
				blkring_fail(v, "backend answered a request "
				    "not in flight");
				return;
			}
			v->ring.rsp_cons = i + 1;
			finish(v, &v->slot[rsp.id], rsp.status);
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&v->ring, more);
	} while (more);
	blkring_kick(v);
}

int
blkring_submit(void *softc, struct td_blkreq *r)
{
	struct vbd *v = softc;
	td_irqflags_t fl;

	if (v->broken || v->gone)
		return TD_EIO;
	if (r->op == TD_BLK_FLUSH && v->flush_op < 0) {
		td_blkreq_done(r, 0);	/* backend is write-through */
		return 0;
	}
	r->drv_data = 0;
	r->drv_priv = NULL;
	fl = td_irq_save();
	if (v->qtail != NULL)
		v->qtail->drv_priv = r;
	else
		v->qhead = r;
	v->qtail = r;
	td_irq_restore(fl);
	blkring_kick(v);
	return 0;
}

/* Every busy slot's piece fails; with all, also what is queued. */
static void
fail_requests(struct vbd *v, int all)
{
	struct td_blkreq *r, *next;
	unsigned i;

	for (i = 0; i < BLK_RING; i++)
		if (v->busy[i]) {
			r = v->slot[i].req;
			slot_put(v, &v->slot[i]);
			piece_done(r, TD_EIO);
		}
	if (!all)
		return;
	for (r = v->qhead; r != NULL; r = next) {
		next = r->drv_priv;
		r->drv_data |= D_ALL;
		if (D_ERR(r) == 0)
			r->drv_data |= (uint64_t)TD_EIO << 16;
		if (D_OUT(r) == 0)
			td_blkreq_done(r, TD_EIO);
	}
	v->qhead = v->qtail = NULL;
}

/* IRQ-safe.  The device thread sees `broken` and closes the device. */
void
blkring_fail(struct vbd *v, const char *why)
{
	td_irqflags_t fl = td_irq_save();

	if (!v->broken) {
		v->broken = 1;
		td_printf("blkfront: %s: %s: device disabled\n", v->name, why);
		fail_requests(v, 1);
		xs_watch_poke(&v->xb.bew);
	}
	td_irq_restore(fl);
}

void
blkring_abort_inflight(struct vbd *v)
{
	td_irqflags_t fl = td_irq_save();

	fail_requests(v, v->gone);
	td_irq_restore(fl);
}

int
blkring_idle(struct vbd *v)
{
	unsigned i;

	for (i = 0; i < BLK_RING; i++)
		if (v->busy[i])
			return 0;
	return 1;
}

TD_COLD int
blkring_setup(struct vbd *v)
{
	int rc;

	if (v->sring == NULL && (v->sring = td_page_alloc(0)) == NULL)
		return TD_ENOMEM;
	memset(v->sring, 0, PG);
	SHARED_RING_INIT(v->sring);
	FRONT_RING_INIT(&v->ring, v->sring, PG);
	v->ring_ref = xen_grant_va(v->xb.beid, v->sring, 0);
	if (v->ring_ref == XEN_GREF_INVALID)
		return TD_ENOSPC;
	rc = xen_evtchn_alloc_unbound(v->xb.beid, blk_intr, v, &v->port);
	if (rc != 0) {
		xen_grant_end(v->ring_ref);
		return TD_EIO;
	}
	return 0;
}

void
blkring_teardown(struct vbd *v)
{
	xen_evtchn_close(v->port);
	/* still mapped by a backend that misbehaves: leave the page to it */
	if (xen_grant_end(v->ring_ref) != 0)
		v->sring = NULL;
}

int
blkring_buffers(struct vbd *v)
{
	struct blkslot *s;
	unsigned i, k;

	for (i = 0; i < BLK_RING; i++) {
		s = &v->slot[i];
		if ((s->ind = td_page_alloc(0)) == NULL)
			return TD_ENOMEM;
		/* writable although the backend only reads it: a
		 * persistent-grant backend maps every grant read-write */
		s->ind_ref = xen_grant_va(v->xb.beid, s->ind, 0);
		for (k = 0; k < v->bufsegs; k++) {
			if ((s->page[k] = td_page_alloc(0)) == NULL)
				return TD_ENOMEM;
			s->gref[k] = xen_grant_va(v->xb.beid, s->page[k], 0);
			if (s->gref[k] == XEN_GREF_INVALID)
				return TD_ENOSPC;
		}
		slot_put(v, s);
	}
	return 0;
}
