/*
 * net_int.h -- private to libos/net: glue between the netif/stack
 * start-up (netif.c), the heap budget (sys_arch.c) and the sockets
 * (sock*.c).
 *
 * THE INVARIANT (one CPU, cooperative threads): nothing blocks or yields
 * between entering lwIP and returning from it, callbacks included.  Every
 * path into lwIP (an lsock_* call, a received frame, the net thread) ends
 * with lnet_after().
 */
#ifndef TANDEM_LIBOS_NET_INT_H
#define TANDEM_LIBOS_NET_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net.h"

struct netif;

struct lnet_memstats {
	size_t		inuse, peak, budget;
	unsigned long	fails;
};
/* lwIP's heap (sys_arch.c), charged to the budget. */
void	*lnet_mem_malloc(unsigned long);
void	*lnet_mem_calloc(unsigned long, unsigned long);
void	 lnet_mem_free(void *);
void	lnet_mem_setbudget(size_t bytes);
void	lnet_mem_stats(struct lnet_memstats *);

/* Delivers loopback frames queued by the calls just made, and wakes the
 * net thread if lwIP's next timeout moved earlier than it planned. */
void	lnet_after(void);

/* Number of live struct lsock (sock.c). */
extern unsigned lnet_nsocks;

/* ---- test hooks (platform posix fuzzer) ---- */
/* Adds an Ethernet interface whose transmit path discards frames (and
 * counts them), configured with ip4 "A.B.C.D/P" and ip6 "X::Y/P". */
struct netif *lnet_test_netif(const char *ip4, const char *ip6);
/* Called with each frame a test interface transmits (when set). */
extern void (*lnet_test_tx)(const void *frame, size_t len);
/* Feeds one frame to that interface's input path, as a NIC would. */
void	lnet_test_input(struct netif *, const void *frame, size_t len);
/* lwIP init and timers without NICs or the net thread (fuzzer). */
void	lnet_test_init(void);
void	lnet_test_timers(void);

#endif /* TANDEM_LIBOS_NET_INT_H */
