/*
 * tap.c -- platform posix NICs: Linux tap devices behind the netdev
 * registry.  The idle loop polls the fds and kicks the registry's
 * receive thread, which reads the frames in rx_poll.
 */
#include <linux/ioctl.h>	/* _IOW, for TUNSETIFF */
#include <linux/if_tun.h>	/* TUNSETIFF, IFF_TAP, IFF_NO_PI */

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "host.h"
#include "posix.h"

#define TAP_FRAME	65536

/* The head of struct ifreq (netdevice(7)) as TUNSETIFF reads it: the
 * name, then a union whose first member is the flags.  Defined here
 * because <linux/if.h> includes the C library's <sys/socket.h>.  The
 * kernel copies the whole 40-byte struct, hence the padding. */
#define TAP_IFNAMSIZ	16
struct tap_ifreq {
	char		name[TAP_IFNAMSIZ];
	short		flags;
	char		pad[40 - TAP_IFNAMSIZ - sizeof(short)];
};

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
	long n;

	/* struct td_iovec has the layout of struct iovec */
	do
		n = host_writev(t->fd, (const struct iovec *)iov, (int)niov);
	while (n == -EINTR);
	return n < 0 ? TD_ENOBUFS : 0;
}

static int
tap_rx_poll(void *softc, int budget)
{
	struct ptap *t = softc;
	struct td_iovec iov;
	long n;
	int got = 0;

	while (got < budget) {
		n = host_read(t->fd, rxbuf, sizeof(rxbuf));
		if (n == -EINTR)
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
	struct tap_ifreq ifr;
	char name[TD_DEVNAME_MAX];
	struct ptap *t;
	int fd, rv;

	if (strncmp(spec, "tap:", 4) != 0 || spec[4] == '\0' ||
	    strlen(spec + 4) >= TAP_IFNAMSIZ || ntaps == TD_NETDEV_MAX) {
		posix_warn("posix: bad --net %s (tap:IFNAME)\n", spec);
		return -1;
	}
	if ((fd = host_openat(AT_FDCWD, "/dev/net/tun",
	    O_RDWR | O_NONBLOCK | O_CLOEXEC, 0)) < 0) {
		posix_warn("posix: /dev/net/tun: %s\n", posix_strerror(fd));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.name, spec + 4);
	if ((rv = host_ioctl(fd, TUNSETIFF, &ifr)) != 0) {
		posix_warn("posix: tap %s: %s\n", spec + 4,
		    posix_strerror(rv));
		host_close(fd);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (host_getrandom(info.mac, sizeof(info.mac), 0) !=
	    (long)sizeof(info.mac))
		memset(info.mac, 0x5a, sizeof(info.mac));
	info.mac[0] = (info.mac[0] & 0xfe) | 0x02;	/* local, unicast */
	info.mtu = 1500;
	t = &taps[ntaps];
	t->fd = fd;
	td_snprintf(name, sizeof(name), "net%d", ntaps);
	if (td_netdev_register(name, &tap_ops, t, &info, &t->nd) != 0) {
		host_close(fd);
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
