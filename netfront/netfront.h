/*
 * netfront.h -- Xen virtual NIC frontend: internal interface between the
 * xenbus side (netfront.c) and the rings (netring.c).
 */
#ifndef NETFRONT_NETFRONT_H
#define NETFRONT_NETFRONT_H

#include <stdint.h>

#include <tandem/hypercall.h>

#include "../platform/xen/xen.h"
#include "../platform/xen/xenbus.h"

#include <xen/io/netif.h>

#define TXN		__CONST_RING_SIZE(netif_tx, XEN_PAGE_SIZE)	/* 256 */
#define RXN		__CONST_RING_SIZE(netif_rx, XEN_PAGE_SIZE)	/* 256 */
#define FRAME_MAX	1518		/* 1514 + a VLAN tag */
#define SG_MAX		(XEN_NETIF_NR_SLOTS_MIN - 1)	/* netback's floor */

struct vif {
	struct xenbus_dev xb;
	unsigned	 id;
	char		 name[TD_DEVNAME_MAX];
	uint8_t		 mac[6];
	int		 connected, broken, sg, registered, ready;
	struct td_netdev *nd;
	/* rings */
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	grant_ref_t	 tx_ref, rx_ref;
	evtchn_port_t	 port;
	/* buffers: one page each, granted for the device's life */
	uint8_t		*txpg[TXN], *rxpg[RXN];
	grant_ref_t	 txgr[TXN], rxgr[RXN];
	uint8_t		 txbusy[TXN];
	uint16_t	 txfree[TXN];	/* stack of free tx ids */
	unsigned	 ntxfree;
	uint16_t	 posted[RXN];	/* buffer posted at rx ring index */
	int		 rx_extra;	/* next rx slots are extra info */
	int		 rx_drop;	/* in a multi-slot frame: drop it */
	uint64_t	 rx_frames, rx_bad, tx_frames, tx_err, tx_full;
};

/* netring.c */
int	netring_buffers(struct vif *v);
int	netring_setup(struct vif *v);
void	netring_teardown(struct vif *v);
int	netring_xmit(void *softc, const struct td_iovec *iov, size_t niov);
int	netring_rx_poll(void *softc, int budget);
void	netring_fail(struct vif *v, const char *why);

#endif
