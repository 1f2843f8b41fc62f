/*
 * netring.c -- the tx and rx rings of one virtual NIC.
 *
 * Receive is grant copy (feature-rx-copy): every rx ring slot holds a
 * page of ours granted writable to the backend, which copies a frame
 * into it.  Frames go up straight from that page and the page goes back
 * on the ring.  We offer neither rx scatter-gather nor GSO nor checksum
 * offload, so a frame is always one slot with a correct checksum; a
 * backend that sends more anyway has the frame dropped and counted.
 *
 * Transmit: the contract wants the caller's data released on return, so
 * frames are copied into tx pages (also granted for good).  With
 * feature-sg from the backend, a frame given as several pieces goes out
 * as a chain of slots (NETTXF_more_data), one per piece; else it is
 * gathered into one.  Finished tx slots are reclaimed on the next
 * transmit.
 *
 * Never trust the backend: rsp_prod is checked against what we posted,
 * tx response ids must name busy slots, rx responses must carry the id
 * we posted at that ring index, and offset + length must stay in the
 * page.  A violation disables the device.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "netfront.h"
#include "../platform/xen/grant.h"
#include "../platform/xen/ring_check.h"

#define PG	XEN_PAGE_SIZE

void
netring_fail(struct vif *v, const char *why)
{
	if (v->broken)
		return;
	v->broken = 1;
	td_printf("netfront: %s: %s: device disabled\n", v->name, why);
	xs_watch_poke(&v->xb.bew);
}

/* ---- receive ----------------------------------------------------------- */
static void
rx_post(struct vif *v, uint16_t buf)
{
	netif_rx_request_t *rq = RING_GET_REQUEST(&v->rx, v->rx.req_prod_pvt);

	rq->id = buf;
	rq->gref = v->rxgr[buf];
	v->posted[v->rx.req_prod_pvt % RXN] = buf;
	v->rx.req_prod_pvt++;
}

static void
rx_push(struct vif *v)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->rx, notify);
	if (notify)
		xen_evtchn_notify(v->port);
}

/* One response (a copy) at ring index i; the buffer goes back. */
static int
rx_one(struct vif *v, RING_IDX i, const netif_rx_response_t *r)
{
	uint16_t buf = v->posted[i % RXN];
	struct td_iovec iov;
	const struct netif_extra_info *x;
	int got = 0;

	if (v->rx_extra) {
		/* an extra-info slot has no frame: only its chain flag */
		x = (const struct netif_extra_info *)r;
		v->rx_extra = (x->flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
	} else if (r->id != buf) {
		netring_fail(v, "rx response for a buffer not posted there");
		return -1;
	} else {
		v->rx_extra = (r->flags & NETRXF_extra_info) != 0;
		if (r->status <= 0 || r->offset >= PG ||
		    (uint32_t)r->offset + (uint32_t)r->status > PG ||
		    (r->flags & NETRXF_more_data) || v->rx_drop ||
		    r->status < 14 || r->status > FRAME_MAX) {
			v->rx_bad++;
		} else {
			iov.iov_base = v->rxpg[buf] + r->offset;
			iov.iov_len = (size_t)r->status;
			td_netdev_input(v->nd, &iov, 1);
			v->rx_frames++;
			got = 1;
		}
		/* the rest of a multi-slot frame is dropped with it */
		v->rx_drop = (r->flags & NETRXF_more_data) != 0;
	}
	rx_post(v, buf);
	return got;
}

int
netring_rx_poll(void *softc, int budget)
{
	struct vif *v = softc;
	netif_rx_response_t r;
	RING_IDX rp;
	int got = 0, more, k;

	if (!v->connected || v->broken)
		return 0;
	do {
		rp = __atomic_load_n(&v->rx.sring->rsp_prod, __ATOMIC_ACQUIRE);
		if (!xen_ring_rsp_ok(rp, v->rx.rsp_cons, v->rx.req_prod_pvt,
		    RXN)) {
			netring_fail(v, "impossible rx response index");
			return 0;
		}
		while (v->rx.rsp_cons != rp && got < budget) {
			memcpy(&r, RING_GET_RESPONSE(&v->rx, v->rx.rsp_cons),
			    sizeof(r));
			if ((k = rx_one(v, v->rx.rsp_cons, &r)) < 0)
				return 0;
			v->rx.rsp_cons++;
			got += k;
		}
		rx_push(v);
		if (got >= budget)
			return got;	/* called again at once */
		RING_FINAL_CHECK_FOR_RESPONSES(&v->rx, more);
	} while (more);
	return got;
}

/* ---- transmit ---------------------------------------------------------- */
static int
tx_reclaim(struct vif *v)
{
	netif_tx_response_t r;
	RING_IDX rp;

	rp = __atomic_load_n(&v->tx.sring->rsp_prod, __ATOMIC_ACQUIRE);
	if (!xen_ring_rsp_ok(rp, v->tx.rsp_cons, v->tx.req_prod_pvt, TXN)) {
		netring_fail(v, "impossible tx response index");
		return -1;
	}
	for (; v->tx.rsp_cons != rp; v->tx.rsp_cons++) {
		memcpy(&r, RING_GET_RESPONSE(&v->tx, v->tx.rsp_cons),
		    sizeof(r));
		if (r.status == NETIF_RSP_NULL)
			continue;	/* an extra-info slot's answer */
		if (!xen_ring_id_ok(r.id, TXN, v->txbusy)) {
			netring_fail(v, "tx response for a slot not in use");
			return -1;
		}
		if (r.status != NETIF_RSP_OKAY)
			v->tx_err++;
		v->txbusy[r.id] = 0;
		v->txfree[v->ntxfree++] = r.id;
	}
	/* we look on the next transmit; no tx interrupts wanted */
	v->tx.sring->rsp_event = v->tx.rsp_cons + TXN;
	return 0;
}

/* A slot holding len bytes of data; flags as given. */
static void
tx_slot(struct vif *v, const void *data, size_t len, uint16_t size,
    uint16_t flags)
{
	netif_tx_request_t *rq = RING_GET_REQUEST(&v->tx, v->tx.req_prod_pvt);
	uint16_t id = v->txfree[--v->ntxfree];

	v->txbusy[id] = 1;
	if (data != NULL)
		memcpy(v->txpg[id], data, len);
	rq->gref = v->txgr[id];
	rq->offset = 0;
	rq->flags = flags;
	rq->id = id;
	rq->size = size;
	v->tx.req_prod_pvt++;
}

static void
tx_gather(struct vif *v, const struct td_iovec *iov, size_t niov, size_t len)
{
	uint16_t id = v->txfree[v->ntxfree - 1];
	size_t i, off = 0;

	for (i = 0; i < niov; i++) {
		memcpy(v->txpg[id] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	tx_slot(v, NULL, 0, (uint16_t)len, 0);
}

int
netring_xmit(void *softc, const struct td_iovec *iov, size_t niov)
{
	struct vif *v = softc;
	size_t i, len = 0, n = 0;
	int notify, first;

	if (!v->connected || v->broken || tx_reclaim(v) != 0)
		return TD_EIO;
	for (i = 0; i < niov; i++) {
		len += iov[i].iov_len;
		n += iov[i].iov_len != 0;
	}
	if (len < 14 || len > FRAME_MAX)
		return TD_EINVAL;
	if (!v->sg || n < 2 || n > SG_MAX)
		n = 1;
	if (v->ntxfree < n || TXN - (v->tx.req_prod_pvt - v->tx.rsp_cons) < n) {
		v->tx_full++;
		return TD_ENOBUFS;
	}
	if (n == 1) {
		tx_gather(v, iov, niov, len);
	} else {
		/* first slot carries the frame's length, the others their
		 * own; all but the last say more follows */
		for (i = 0, first = 1; i < niov; i++) {
			if (iov[i].iov_len == 0)
				continue;
			n--;
			tx_slot(v, iov[i].iov_base, iov[i].iov_len,
			    (uint16_t)(first ? len : iov[i].iov_len),
			    n > 0 ? NETTXF_more_data : 0);
			first = 0;
		}
	}
	v->tx_frames++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->tx, notify);
	if (notify)
		xen_evtchn_notify(v->port);
	return 0;
}

/* ---- setup -------------------------------------------------------------- */
static void
net_intr(evtchn_port_t port, void *arg)
{
	struct vif *v = arg;

	if (v->connected && v->nd != NULL &&
	    RING_HAS_UNCONSUMED_RESPONSES(&v->rx))
		td_netdev_rx_kick(v->nd);
}

int
netring_buffers(struct vif *v)
{
	unsigned i;

	for (i = 0; i < TXN; i++) {
		if ((v->txpg[i] = td_page_alloc(0)) == NULL)
			return TD_ENOMEM;
		v->txgr[i] = xen_grant_va(v->xb.beid, v->txpg[i], 1);
	}
	for (i = 0; i < RXN; i++) {
		if ((v->rxpg[i] = td_page_alloc(0)) == NULL)
			return TD_ENOMEM;
		v->rxgr[i] = xen_grant_va(v->xb.beid, v->rxpg[i], 0);
	}
	for (i = 0; i < TXN; i++)
		if (v->txgr[i] == XEN_GREF_INVALID ||
		    v->rxgr[i] == XEN_GREF_INVALID)
			return TD_ENOSPC;
	return 0;
}

static int
ring_page(void **p, grant_ref_t *ref, domid_t be)
{
	if (*p == NULL && (*p = td_page_alloc(0)) == NULL)
		return TD_ENOMEM;
	memset(*p, 0, PG);
	*ref = xen_grant_va(be, *p, 0);
	return *ref == XEN_GREF_INVALID ? TD_ENOSPC : 0;
}

TD_COLD int
netring_setup(struct vif *v)
{
	void *txs = v->tx.sring, *rxs = v->rx.sring;
	unsigned i;
	int err;

	if ((err = ring_page(&txs, &v->tx_ref, v->xb.beid)) != 0 ||
	    (err = ring_page(&rxs, &v->rx_ref, v->xb.beid)) != 0)
		return err;
	SHARED_RING_INIT((netif_tx_sring_t *)txs);
	SHARED_RING_INIT((netif_rx_sring_t *)rxs);
	FRONT_RING_INIT(&v->tx, (netif_tx_sring_t *)txs, PG);
	FRONT_RING_INIT(&v->rx, (netif_rx_sring_t *)rxs, PG);
	v->ntxfree = 0;
	for (i = 0; i < TXN; i++) {
		v->txbusy[i] = 0;
		v->txfree[v->ntxfree++] = (uint16_t)(TXN - 1 - i);
	}
	v->rx_extra = v->rx_drop = 0;
	for (i = 0; i < RXN; i++)
		rx_post(v, (uint16_t)i);
	v->rx.sring->req_prod = v->rx.req_prod_pvt;
	if (xen_evtchn_alloc_unbound(v->xb.beid, net_intr, v, &v->port) != 0)
		return TD_EIO;
	return 0;
}

void
netring_teardown(struct vif *v)
{
	xen_evtchn_close(v->port);
	/* a ring the backend still maps is left to it */
	if (xen_grant_end(v->tx_ref) != 0)
		v->tx.sring = NULL;
	if (xen_grant_end(v->rx_ref) != 0)
		v->rx.sring = NULL;
}
