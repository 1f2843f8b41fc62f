/*
 * netfront.c -- Xen virtual NICs (device/vif/N) behind the NIC
 * registry: discovery, MAC from xenstore, the xenbus handshake, and
 * reconnection when the backend closes.  NICs are named net0, net1, ...
 * in the order of their xenstore ids, as the virtio NICs are, so the
 * same app finds its NIC on either hypervisor.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "netfront.h"
#include "../platform/xen/grant.h"

#define MAXVIF		TD_NETDEV_MAX
#define CONNECT_NS	(30 * XB_SECOND)

static struct vif *vifs[MAXVIF];
static int nvif;

static const struct td_netdev_ops net_ops = {
	.xmit = netring_xmit,
	.rx_poll = netring_rx_poll,
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "00:16:3e:01:02:03", nothing else */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	int i, h, l;

	for (i = 0; i < 6; i++, s += 3) {
		if ((h = hexval(s[0])) < 0 || (l = hexval(s[1])) < 0 ||
		    s[2] != (i == 5 ? '\0' : ':'))
			return -1;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

static int
publish(struct vif *v)
{
	static const char *const flags[] = {
		"request-rx-copy", "feature-rx-notify",
		"feature-no-csum-offload",
	};
	char p[96];
	xs_tx_t tx;
	unsigned i;
	int err, tries;

	for (tries = 0; tries < 10; tries++) {
		if ((err = xs_tx_start(&tx)) != 0)
			return err;
		td_snprintf(p, sizeof(p), "%s/tx-ring-ref", v->xb.fe);
		err = xs_printf(tx, p, "%u", v->tx_ref);
		td_snprintf(p, sizeof(p), "%s/rx-ring-ref", v->xb.fe);
		if (err == 0)
			err = xs_printf(tx, p, "%u", v->rx_ref);
		td_snprintf(p, sizeof(p), "%s/event-channel", v->xb.fe);
		if (err == 0)
			err = xs_printf(tx, p, "%u", v->port);
		for (i = 0; err == 0 && i < sizeof(flags) / sizeof(flags[0]);
		    i++) {
			td_snprintf(p, sizeof(p), "%s/%s", v->xb.fe, flags[i]);
			err = xs_write(tx, p, "1");
		}
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
do_register(struct vif *v)
{
	struct td_netdev_info in = { .mtu = 1500 };
	int err;

	memcpy(in.mac, v->mac, 6);
	if ((err = td_netdev_register(v->name, &net_ops, v, &in,
	    &v->nd)) != 0)
		return err;
	v->registered = 1;
	return 0;
}

static int
connect(struct vif *v)
{
	uint64_t deadline = td_now() + CONNECT_NS;
	char who[32];
	int st, err;

	td_snprintf(who, sizeof(who), "netfront: %s", v->name);
	if ((err = xenbus_wait_initwait(&v->xb, who, deadline)) != 0)
		return err;
	if (xenbus_be_u64(&v->xb, "feature-rx-copy", 0) != 1) {
		td_printf("netfront: %s: backend cannot copy rx frames\n",
		    v->name);
		return TD_EOPNOTSUPP;
	}
	v->sg = xenbus_be_u64(&v->xb, "feature-sg", 0) == 1;
	if (v->txpg[0] == NULL && (err = netring_buffers(v)) != 0)
		return err;
	if ((err = netring_setup(v)) != 0 || (err = publish(v)) != 0)
		return err;
	/* netback connects once we say Connected */
	v->connected = 1;
	if ((err = xenbus_set_state(&v->xb, XenbusStateConnected)) != 0)
		return err;
	st = xenbus_wait_be(&v->xb, XB_BIT(XenbusStateConnected) |
	    XB_BIT(XenbusStateClosing) | XB_BIT(XenbusStateClosed), deadline);
	if (st != XenbusStateConnected) {
		v->connected = 0;
		td_printf("netfront: %s: backend did not connect (%s)\n",
		    v->name, st < 0 ? "timeout" : xenbus_state_name(st));
		return TD_EIO;
	}
	if (!v->registered && (err = do_register(v)) != 0)
		return err;
	xen_evtchn_notify(v->port);	/* the rx buffers are posted */
	return 0;
}

static int
reconnect(struct vif *v)
{
	int st;

	td_printf("netfront: %s: backend %s, disconnecting\n", v->name,
	    xenbus_state_name(xenbus_be_state(&v->xb)));
	v->connected = 0;
	st = xenbus_close_wait(&v->xb);
	netring_teardown(v);
	if (st == XenbusStateUnknown)
		return TD_ENXIO;
	xenbus_set_state(&v->xb, XenbusStateInitialising);
	if (connect(v) != 0)
		return TD_EIO;
	td_printf("netfront: %s: reconnected\n", v->name);
	return 0;
}

static void
vif_thread(void *arg)
{
	struct vif *v = arg;
	int st;

	if (connect(v) != 0) {
		td_printf("netfront: %s: not connected\n", v->name);
		xenbus_set_state(&v->xb, XenbusStateClosed);
		v->ready = 1;
		return;
	}
	td_printf("netfront: %s: %02x:%02x:%02x:%02x:%02x:%02x, backend %s, "
	    "rx copy%s, rings %u/%u\n", v->name, v->mac[0], v->mac[1],
	    v->mac[2], v->mac[3], v->mac[4], v->mac[5], v->xb.be,
	    v->sg ? ", tx sg" : "", (unsigned)RXN, (unsigned)TXN);
	v->ready = 1;
	for (;;) {
		xs_watch_wait(&v->xb.bew, UINT64_MAX);
		if (v->broken) {
			v->connected = 0;
			xenbus_set_state(&v->xb, XenbusStateClosed);
			return;
		}
		st = xenbus_be_state(&v->xb);
		if (st != XenbusStateClosing && st != XenbusStateClosed &&
		    st != XenbusStateUnknown)
			continue;
		if (reconnect(v) != 0) {
			td_printf("netfront: %s: backend gone\n", v->name);
			v->connected = 0;
			xenbus_set_state(&v->xb, XenbusStateClosed);
			return;
		}
	}
}

void
netfront_probe(void)
{
	unsigned ids[MAXVIF];
	char fe[64], p[80], mac[32];
	struct vif *v;
	int n, i, k, err;

	n = xenbus_list_ids("device/vif", ids, MAXVIF);
	for (i = 0; i < n; i++) {
		v = td_calloc(1, sizeof(*v));
		v->id = ids[i];
		td_snprintf(v->name, sizeof(v->name), "net%d", nvif);
		td_snprintf(fe, sizeof(fe), "device/vif/%u", ids[i]);
		td_snprintf(p, sizeof(p), "%s/mac", fe);
		if ((err = xs_read(0, p, mac, sizeof(mac))) != 0 ||
		    parse_mac(mac, v->mac) != 0 ||
		    (err = xenbus_dev_init(&v->xb, fe)) != 0) {
			td_printf("netfront: %s: unusable (mac or backend, "
			    "%d)\n", fe, err);
			td_free(v);
			continue;
		}
		vifs[nvif++] = v;
		td_thread_create(v->name, vif_thread, v, TD_STACK_DEFAULT, 0);
	}
	for (i = 0; i < nvif; i++)
		for (k = 0; !vifs[i]->ready && k < 4000; k++)
			td_sleep_ns(10 * 1000 * 1000);
}
