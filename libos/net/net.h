/*
 * net.h -- the network stack's life cycle and counters (libos/net).
 *
 * lwIP runs NO_SYS=1: app threads, the NICs' receive threads and one
 * "net" thread (timers, loopback) call it directly.  Tandem is one CPU
 * with cooperative threads and interrupt handlers never enter the stack,
 * so that is safe as long as NOTHING YIELDS INSIDE AN lwIP CALL.
 *
 * Configuration (boot parameters, read through rumpuser_getparam); for
 * the first NIC (virt0) the plain keys, for NIC N >= 1 the same keys with
 * the suffix ".N" (ip.1=..., gw.1=..., ip6.1=...):
 *   ip=ADDR/PREFIX | ip=dhcp | ip=none   IPv4 (default: DHCP)
 *   gw=ADDR                              IPv4 default gateway
 *   ip6=ADDR/PREFIX | ip6=none           static IPv6 (SLAAC and the
 *                                        link-local address unless none)
 *   dns=ADDR, dns2=ADDR                  resolvers (global; DHCP's
 *                                        otherwise)
 *   net_wait=SECONDS                     bound on waiting for DHCP at
 *                                        start (default 10; 0 = none)
 * Loopback 127.0.0.1/8 and ::1 always exist.
 */
#ifndef TANDEM_LIBOS_NET_H
#define TANDEM_LIBOS_NET_H

#include <stddef.h>
#include <stdint.h>

/* Brings the stack up once (later calls return the first result): lwIP,
 * loopback, one interface per NIC found through rumpcomp_virt_create,
 * addresses from the parameters above, the net thread.  Blocks at most
 * net_wait seconds for DHCP; a NIC still without an address then keeps
 * trying in the background.  Prints one line per interface.  Returns 0,
 * or a negative Linux errno (-EINVAL for a malformed parameter, which it
 * names on the console; -ENOMEM). */
int	lnet_init(void);

/* The i-th DNS server (0, 1) as a Linux sockaddr (sockaddr_in or
 * sockaddr_in6) in *sa of *len bytes; returns 0 or -ENOENT. */
struct sockaddr;
int	lnet_dns_server(int i, struct sockaddr *sa, unsigned int *len);

/* Describes the configuration, one line per interface ("virt0 inet
 * 192.0.2.2/24 gw 192.0.2.1 inet6 FE80::..."), then "dns ADDR" lines,
 * into buf (always NUL-terminated); returns the length. */
int	lnet_describe(char *buf, size_t len);

/* Counters for tests and diagnostics. */
struct lnet_stats {
	size_t		mem_inuse;	/* bytes held by lwIP now */
	size_t		mem_peak;
	size_t		mem_budget;	/* cap on the above */
	unsigned long	mem_fails;	/* allocations refused */
	unsigned	socks;		/* live struct lsock objects */
	unsigned	tcp_active;	/* TCP PCBs not in TIME_WAIT/LISTEN */
	unsigned	tcp_tw;
	unsigned	tcp_listen;
	unsigned	udp;
	unsigned long	rx_frames, tx_frames, rx_dropped;
};
void	lnet_stats(struct lnet_stats *);

#endif /* TANDEM_LIBOS_NET_H */
