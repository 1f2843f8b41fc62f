/*
 * vnet.c -- virtio-net behind the NIC registry (hypercall.h).
 *
 * Receive: every rx slot owns one 2 KiB buffer (header + a full frame;
 * no mergeable buffers, no offloads).  A frame goes up straight from that
 * buffer and the same buffer goes back on the ring -- nothing is copied.
 * The interrupt handler kicks the registry's receive thread.
 * Transmit: the contract wants the caller's data released on return, so
 * the frame is gathered into a tx slot and goes out as header + frame
 * (one ring slot through an indirect table).  Used tx slots are reclaimed
 * on the next transmit; tx interrupts stay off.
 *
 * Notifications, both ways, cost a device exit each under an emulator,
 * and so does the store->load fence that turning a suppressed one back
 * on takes (vdev.c); a request/response exchange is one frame each way,
 * so per frame we aim for one transmit notification and one receive
 * interrupt, nothing else:
 *  - rx interrupts: without VIRTIO_RING_F_EVENT_IDX the device
 *    interrupts for every frame unless the driver sets
 *    VRING_AVAIL_F_NO_INTERRUPT.  While frames come one per interrupt
 *    ("interactive") the flag is never set, so it never has to be
 *    cleared, and clearing it is what needs the fence.  When polls find
 *    several frames ("busy") the handler sets it and the poll that runs
 *    the ring dry clears it (fence, look again), as NAPI does.  (With
 *    EVENT_IDX there is no "always on": re-arming the used event index
 *    needs the fence every time.)
 *  - rx buffers go back on the ring at once but are published (and the
 *    device notified, if it asks) only a quarter ring at a time: the
 *    device always sees at least three quarters of the ring, so it can
 *    run dry only by filling them, whose interrupts bring a poll that
 *    publishes the rest -- no notification is ever lost.
 *  - tx: virtq_kick() sends the notification without its fence when the
 *    device's (possibly stale) flag already asks for one.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include <linux/virtio_net.h>

#include "virtio.h"

#define VNET_QSIZE	256
/* below 32 MiB of RAM (h-mem: least --mem), 64 buffers each way: 256
 * RX buffers of 2 KiB and 256 TX slots cost ~900 KiB there */
#define VNET_QSIZE_SMALL 64
#define vnet_qsize()	(td_page_ntotal() < 8192 ? VNET_QSIZE_SMALL : VNET_QSIZE)
#define RXBUF		2048
#define FRAME_MAX	1518	/* 1514 + a VLAN tag */

struct txslot {
	struct virtio_net_hdr_mrg_rxbuf hdr;
	uint8_t		 pad[4];
	uint8_t		 data[FRAME_MAX];
	struct txslot	*nextfree;
};

struct vnet {
	struct vdev	*v;
	struct virtq	*rxq, *txq;
	struct td_netdev *nd;
	char		 name[TD_DEVNAME_MAX];
	char		 rxname[TD_DEVNAME_MAX + 4], txname[TD_DEVNAME_MAX + 4];
	size_t		 hdrlen;
	uint8_t		*rxbuf;
	struct txslot	*txfree;
	uint64_t	 rx_bad, tx_full;
	int		 link;
	int		 onebuf;	/* header and frame in one buffer */
	int		 rx_busy;	/* polls find several frames: mask */
	int		 rx_masked;	/* NO_INTERRUPT set by the handler */
};

/* Frames per poll at or above which rx interrupts get masked during the
 * poll; at or below RX_IDLE the device interrupts freely again. */
#define RX_BUSY		4
#define RX_IDLE		1

static int nvnet;

static int
rx_post(struct vnet *n, uint8_t *buf)
{
	struct vq_seg s = { (uint64_t)(uintptr_t)buf, RXBUF };

	return virtq_add(n->rxq, &s, 0, 1, buf);
}

static void
broken(struct vnet *n, struct virtq *vq)
{
	vdev_fail(n->v, n->name, vq->err != NULL ? vq->err : "queue failed");
	virtq_drain(n->rxq, NULL, NULL);
	virtq_drain(n->txq, NULL, NULL);
}

static int
link_up(struct vnet *n)
{
	if (!vdev_has(n->v, VIRTIO_NET_F_STATUS))
		return 1;
	return n->v->ops->cfg_read(n->v, 6, 2) & VIRTIO_NET_S_LINK_UP;
}

/* Interrupt context: hand the work to the receive thread. */
static void
vnet_intr(struct vdev *v, int cfg)
{
	struct vnet *n = v->drv;
	int up;

	if (cfg && (up = link_up(n)) != n->link) {
		n->link = up;
		td_printf("virtio: %s: link %s\n", n->name, up ? "up" : "down");
	}
	if (n->rx_busy) {
		virtq_intr_off(n->rxq);
		n->rx_masked = 1;
	}
	if (n->nd != NULL)
		td_netdev_rx_kick(n->nd);
}

/* End of a poll that ran the ring dry: picks the interrupt mode from
 * the frames it found, and unmasks (which takes the fence) only if the
 * handler masked.  Under td_irq_save: the handler changes rx_masked. */
static void
rx_rearm(struct vnet *n, int got)
{
	td_irqflags_t s = td_irq_save();

	if (got >= RX_BUSY)
		n->rx_busy = 1;
	else if (got <= RX_IDLE)
		n->rx_busy = 0;
	if (n->rx_masked) {
		n->rx_masked = 0;
		if (virtq_intr_on(n->rxq)) {
			/* frames came in while we turned interrupts on */
			if (n->rx_busy) {
				virtq_intr_off(n->rxq);
				n->rx_masked = 1;
			}
			td_netdev_rx_kick(n->nd);
		}
	}
	td_irq_restore(s);
}

static int
vnet_rx_poll(void *softc, int budget)
{
	struct vnet *n = softc;
	struct td_iovec iov;
	uint8_t *buf;
	uint32_t len;
	int got = 0, rv = 0;

	if (n->v->broken)
		return 0;
	while (got < budget && (rv = virtq_get(n->rxq, (void **)&buf, &len)) == 1) {
		got++;
		if (len < n->hdrlen + 14 || len - n->hdrlen > FRAME_MAX) {
			n->rx_bad++;
		} else {
			iov.iov_base = buf + n->hdrlen;
			iov.iov_len = len - n->hdrlen;
			td_netdev_input(n->nd, &iov, 1);
		}
		rx_post(n, buf);	/* the same buffer, back at once */
	}
	if (rv < 0) {
		broken(n, n->rxq);
		return 0;
	}
	/* the buffers go back a quarter ring at a time (see the top) */
	if ((uint16_t)(n->rxq->avail_idx - n->rxq->kicked_idx) >=
	    (n->rxq->num >= 4 ? n->rxq->num / 4 : 1))
		virtq_kick(n->rxq);
	if (got < budget)
		rx_rearm(n, got);
	return got;
}

static int
tx_reclaim(struct vnet *n)
{
	struct txslot *t;
	uint32_t len;
	int rv;

	while ((rv = virtq_get(n->txq, (void **)&t, &len)) == 1) {
		t->nextfree = n->txfree;
		n->txfree = t;
	}
	if (rv < 0)
		broken(n, n->txq);
	return rv;
}

static int
vnet_xmit(void *softc, const struct td_iovec *iov, size_t niov)
{
	struct vnet *n = softc;
	struct vq_seg seg[2];
	struct txslot *t;
	uint8_t *data;
	size_t i, len = 0;

	if (n->v->broken || tx_reclaim(n) < 0)
		return TD_EIO;
	for (i = 0; i < niov; i++)
		len += iov[i].iov_len;
	if (len < 14 || len > FRAME_MAX)
		return TD_EINVAL;
	if ((t = n->txfree) == NULL) {
		n->tx_full++;
		return TD_ENOBUFS;
	}
	n->txfree = t->nextfree;
	memset(&t->hdr, 0, sizeof(t->hdr));
	/* any layout: the frame right behind the header, one descriptor
	 * (no indirect table for the device to walk) */
	data = n->onebuf ? (uint8_t *)&t->hdr + n->hdrlen : t->data;
	for (i = 0, len = 0; i < niov; i++) {
		memcpy(data + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	seg[0].addr = (uint64_t)(uintptr_t)&t->hdr;
	seg[0].len = (uint32_t)n->hdrlen;
	seg[1].addr = (uint64_t)(uintptr_t)t->data;
	seg[1].len = (uint32_t)len;
	if (n->onebuf)
		seg[0].len += (uint32_t)len;
	if (virtq_add(n->txq, seg, n->onebuf ? 1 : 2, 0, t) != 0) {
		t->nextfree = n->txfree;
		n->txfree = t;
		n->tx_full++;
		return TD_ENOBUFS;
	}
	virtq_kick(n->txq);
	return 0;
}

static const struct td_netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
	.rx_poll = vnet_rx_poll,
};

static int
buffers(struct vnet *n)
{
	struct txslot *tx;
	unsigned i;

	n->rxbuf = vdev_dma_alloc((size_t)n->rxq->num * RXBUF);
	tx = vdev_dma_alloc((size_t)n->txq->num * sizeof(*tx));
	if (n->rxbuf == NULL || tx == NULL)
		return -1;
	for (i = 0; i < n->rxq->num; i++)
		if (rx_post(n, n->rxbuf + (size_t)i * RXBUF) != 0)
			return -1;
	for (i = 0; i < n->txq->num; i++) {
		tx[i].nextfree = n->txfree;
		n->txfree = &tx[i];
	}
	virtq_intr_off(n->txq);	/* reclaimed on transmit instead */
	return 0;
}

static void
get_mac(struct vnet *n, uint8_t mac[6])
{
	uint64_t t = rdtsc();
	int i;

	if (vdev_has(n->v, VIRTIO_NET_F_MAC)) {
		for (i = 0; i < 6; i++)
			mac[i] = (uint8_t)n->v->ops->cfg_read(n->v, (unsigned)i, 1);
		return;
	}
	/* none given: a locally administered one */
	mac[0] = 0x02;
	for (i = 1; i < 6; i++, t >>= 8)
		mac[i] = (uint8_t)t;
}

TD_COLD void
vnet_attach(struct vdev *v)
{
	struct td_netdev_info in = { .mtu = 1500 };
	struct vnet *n = td_calloc(1, sizeof(*n));
	int rv;

	n->v = v;
	v->drv = n;
	v->intr = vnet_intr;
	td_snprintf(n->name, sizeof(n->name), "net%d", nvnet);
	td_snprintf(n->rxname, sizeof(n->rxname), "%s rx", n->name);
	td_snprintf(n->txname, sizeof(n->txname), "%s tx", n->name);
	if (vdev_negotiate(v, 1ULL << VIRTIO_NET_F_MAC |
	    1ULL << VIRTIO_NET_F_STATUS | 1ULL << VIRTIO_F_ANY_LAYOUT |
	    1ULL << VIRTIO_RING_F_INDIRECT_DESC) != 0 ||
	    (n->rxq = vdev_queue(v, 0, vnet_qsize(), n->rxname)) == NULL ||
	    (n->txq = vdev_queue(v, 1, vnet_qsize(), n->txname)) == NULL ||
	    buffers(n) != 0) {
		vdev_fail(v, n->name, "setup failed");
		return;
	}
	n->hdrlen = v->modern ? sizeof(struct virtio_net_hdr_mrg_rxbuf) :
	    sizeof(struct virtio_net_hdr);
	n->onebuf = v->modern || vdev_has(v, VIRTIO_F_ANY_LAYOUT);
	get_mac(n, in.mac);
	if ((rv = td_netdev_register(n->name, &vnet_ops, n, &in, &n->nd)) != 0) {
		td_printf("virtio: %s: registry refused it (%d)\n", n->name, rv);
		vdev_fail(v, n->name, "not registered");
		return;
	}
	if (vdev_ready(v) != 0)
		return;
	virtq_kick(n->rxq);
	n->link = link_up(n);
	nvnet++;
	td_printf("virtio: %s: %02x:%02x:%02x:%02x:%02x:%02x at %s, %s, "
	    "queues %u/%u, link %s%s%s\n", n->name, in.mac[0], in.mac[1],
	    in.mac[2], in.mac[3], in.mac[4], in.mac[5], v->where,
	    v->msix ? "msi-x" : "intx/gsi", n->rxq->num, n->txq->num,
	    n->link ? "up" : "down", n->rxq->indirect ? ", indirect" : "",
	    n->rxq->event_idx ? ", event-idx" : "");
}
