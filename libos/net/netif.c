/*
 * netif.c -- lwIP interfaces where a NetBSD rump kernel's if_virt sits:
 * one netif per NIC (virt0, virt1, ...), bound with rumpcomp_virt_create,
 * sending with rumpcomp_virt_send, receiving through the
 * rump_virtif_virt_deliverpkt upcall hypercall/virtif.c makes on the
 * NIC's receive thread.  The same code drives virtio-net and netfront.
 *
 * Received frames go into lwIP right there, on the receive thread: one
 * copy into a pbuf, no queue and no thread switch (the NIC registry
 * already gives each NIC a thread; see net_int.h for why this is safe).
 */
#include <rump/rumpuser.h>
#include <rump/virtif.h>

#include "lwip/opt.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "net_int.h"
#include "cfg.h"

#define NIC_MAX		8
#define IOV_MAX_TX	32

struct vnic {
	struct netif	   nif;		/* first: the softc is the vnic */
	struct virtif_user *viu;	/* NULL: test interface */
	int		   unit;
};

static struct vnic vnics[NIC_MAX];
void (*lnet_test_tx)(const void *, size_t);
static int nvnic;
static unsigned long rx_frames, tx_frames, rx_dropped;

void	rump_virtif_virt_deliverpkt(struct virtif_sc *, struct iovec *,
	    size_t);

static err_t
vnic_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct vnic *v = (struct vnic *)nif;
	struct rumpuser_iovec iov[IOV_MAX_TX];
	static uint8_t flat[65536 + 64];
	struct pbuf *q;
	size_t n = 0;

	tx_frames++;
	if (v->viu == NULL) {		/* test interface */
		if (lnet_test_tx != NULL) {
			pbuf_copy_partial(p, flat, p->tot_len, 0);
			lnet_test_tx(flat, p->tot_len);
		}
		return ERR_OK;
	}
	for (q = p; q != NULL && n < IOV_MAX_TX; q = q->next) {
		if (q->len == 0)
			continue;
		iov[n].iov_base = q->payload;
		iov[n].iov_len = q->len;
		n++;
	}
	if (q != NULL) {
		/* a long chain: flatten (rare; TCP segments are 1-3 pbufs) */
		pbuf_copy_partial(p, flat, p->tot_len, 0);
		iov[0].iov_base = flat;
		iov[0].iov_len = p->tot_len;
		n = 1;
	}
	/* The NIC contract: does not block, keeps no reference. */
	rumpcomp_virt_send(v->viu, (struct iovec *)(void *)iov, n);
	return ERR_OK;
}

static err_t
vnic_init(struct netif *nif)
{
	nif->name[0] = 'v';
	nif->name[1] = 't';
	nif->mtu = 1500;
	nif->hwaddr_len = 6;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = vnic_linkoutput;
	return ERR_OK;
}

static void
vnic_input_flat(struct vnic *v, const struct rumpuser_iovec *iov, size_t n)
{
	struct pbuf *p;
	size_t len = 0, i, off = 0;

	for (i = 0; i < n; i++) {
		if (iov[i].iov_len > 65535 || len + iov[i].iov_len > 65535) {
			rx_dropped++;
			return;
		}
		len += iov[i].iov_len;
	}
	if (len < 14 || (p = pbuf_alloc(PBUF_RAW, (u16_t)len,
	    PBUF_POOL)) == NULL) {
		rx_dropped++;
		return;
	}
	for (i = 0; i < n; i++) {
		pbuf_take_at(p, iov[i].iov_base, (u16_t)iov[i].iov_len,
		    (u16_t)off);
		off += iov[i].iov_len;
	}
	rx_frames++;
	if (v->nif.input(p, &v->nif) != ERR_OK)
		pbuf_free(p);
	lnet_after();
}

/* The if_virt upcall: one frame, on the NIC's receive thread. */
void
rump_virtif_virt_deliverpkt(struct virtif_sc *sc, struct iovec *iov,
    size_t iovlen)
{

	vnic_input_flat((struct vnic *)(void *)sc,
	    (const struct rumpuser_iovec *)(void *)iov, iovlen);
}

static struct vnic *
vnic_add(struct virtif_user *viu, const uint8_t *mac)
{
	struct vnic *v;

	if (nvnic == NIC_MAX)
		return NULL;
	v = &vnics[nvnic];
	v->unit = nvnic;
	v->viu = viu;
	if (netif_add(&v->nif, NULL, NULL, NULL, v, vnic_init,
	    ethernet_input) == NULL)
		return NULL;
	memcpy(v->nif.hwaddr, mac, 6);
	nvnic++;
	return v;
}

/* Binds every NIC the platform has (units 0, 1, ... until ENXIO) and
 * configures it; returns how many, or -1 on a bad parameter. */
int
lnet_nics_attach(void)
{
	struct virtif_user *viu;
	struct vnic *v;
	uint8_t mac[6];
	char unit[4];
	int i, err;

	for (i = 0; i < NIC_MAX; i++) {
		unit[0] = (char)('0' + i);
		unit[1] = '\0';
		memset(mac, 0, sizeof(mac));
		/* the softc handed to the NIC layer is our vnic */
		err = rumpcomp_virt_create(unit,
		    (struct virtif_sc *)(void *)&vnics[nvnic], mac, &viu);
		if (err != 0)
			break;
		if ((v = vnic_add(viu, mac)) == NULL) {
			rumpcomp_virt_destroy(viu);
			break;
		}
		if (lnet_cfg_nic(&v->nif, v->unit) != 0)
			return -1;
	}
	return nvnic;
}

int
lnet_nic_unit(struct netif *nif)
{

	return ((struct vnic *)nif)->unit;
}

void
lnet_nic_counters(unsigned long *rx, unsigned long *tx, unsigned long *drop)
{

	*rx = rx_frames;
	*tx = tx_frames;
	*drop = rx_dropped;
}

/* ---- test hooks ---- */

struct netif *
lnet_test_netif(const char *ip4, const char *ip6)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	struct vnic *v;

	if ((v = vnic_add(NULL, mac)) == NULL)
		return NULL;
	if (lnet_cfg_static(&v->nif, ip4, NULL, ip6) != 0)
		return NULL;
	return &v->nif;
}

void
lnet_test_input(struct netif *nif, const void *frame, size_t len)
{
	struct rumpuser_iovec iov;

	iov.iov_base = (void *)(uintptr_t)frame;
	iov.iov_len = len;
	vnic_input_flat((struct vnic *)nif, &iov, 1);
}
