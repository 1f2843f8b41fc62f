/*
 * tap.c -- platform posix NICs: Linux tap devices behind the netdev
 * registry.  The idle loop polls the fds and kicks the registry's
 * receive thread, which reads the frames in rx_poll.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "posix.h"

#define TAP_FRAME	65536

struct ptap {
	int		 fd;
	struct td_netdev *nd;
};

static struct ptap taps[TD_NETDEV_MAX];
static int ntaps;
static unsigned char rxbuf[TAP_FRAME];	/* one CPU: one rx at a time */

static int
tap_xmit(void *softc, const struct td_iovec *iov, size_t niov)
{
	struct ptap *t = softc;
	ssize_t n;

	/* struct td_iovec has the layout of struct iovec */
	do
		n = writev(t->fd, (const struct iovec *)iov, (int)niov);
	while (n < 0 && errno == EINTR);
	return n < 0 ? TD_ENOBUFS : 0;
}

static int
tap_rx_poll(void *softc, int budget)
{
	struct ptap *t = softc;
	struct td_iovec iov;
	ssize_t n;
	int got = 0;

	while (got < budget) {
		n = read(t->fd, rxbuf, sizeof(rxbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EAGAIN: drained; poll re-arms */
		iov.iov_base = rxbuf;
		iov.iov_len = (size_t)n;
		td_netdev_input(t->nd, &iov, 1);
		got++;
	}
	return got;
}

static const struct td_netdev_ops tap_ops = {
	.xmit = tap_xmit,
	.rx_poll = tap_rx_poll,
};

int
posix_tap_add(const char *spec)
{
	struct td_netdev_info info;
	struct ifreq ifr;
	char name[TD_DEVNAME_MAX];
	struct ptap *t;
	int fd;

	if (strncmp(spec, "tap:", 4) != 0 || ntaps == TD_NETDEV_MAX) {
		fprintf(stderr, "posix: bad --net %s (tap:IFNAME)\n", spec);
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "posix: /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", spec + 4);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		fprintf(stderr, "posix: tap %s: %s\n", spec + 4,
		    strerror(errno));
		close(fd);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (getrandom(info.mac, sizeof(info.mac), 0) != sizeof(info.mac))
		memset(info.mac, 0x5a, sizeof(info.mac));
	info.mac[0] = (info.mac[0] & 0xfe) | 0x02;	/* local, unicast */
	info.mtu = 1500;
	t = &taps[ntaps];
	t->fd = fd;
	snprintf(name, sizeof(name), "net%d", ntaps);
	if (td_netdev_register(name, &tap_ops, t, &info, &t->nd) != 0) {
		close(fd);
		return -1;
	}
	ntaps++;
	return 0;
}

int
posix_tap_pollfds(struct pollfd *pfd, int max)
{
	int i;

	for (i = 0; i < ntaps && i < max; i++) {
		pfd[i].fd = taps[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return i;
}

void
posix_tap_ready(const struct pollfd *pfd, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pfd[i].revents & POLLIN)
			td_netdev_rx_kick(taps[i].nd);
}
