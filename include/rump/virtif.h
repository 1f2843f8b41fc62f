/*
 * virtif.h -- the hypercalls behind NetBSD's if_virt network interface,
 * as a rump kernel built with the default interface name "virt" links
 * them (if_virt pastes its base name into the symbols).
 *
 * The iovec the kernel passes is its own struct iovec, which has the
 * layout of struct rumpuser_iovec; we only name it here.
 */
#ifndef _RUMP_VIRTIF_H_
#define _RUMP_VIRTIF_H_

#include <stddef.h>
#include <stdint.h>

struct iovec;
struct virtif_sc;	/* the kernel's softc, opaque to us */
struct virtif_user;	/* our per-interface state, opaque to the kernel */

/* Interface revision these prototypes correspond to. */
#define VIFHYPER_REVISION	20140313

/* Binds the kernel interface sc to the device named by devstr.  enaddr
 * (6 bytes) holds the kernel's proposed MAC on entry and the one to use
 * on return.  Returns 0 or a NetBSD errno. */
int	rumpcomp_virt_create(const char *devstr, struct virtif_sc *sc,
	    uint8_t *enaddr, struct virtif_user **viup);
/* Asks the receive side to stop delivering; returns 0 when it has. */
int	rumpcomp_virt_dying(struct virtif_user *);
/* Frees the binding; no upcall follows. */
void	rumpcomp_virt_destroy(struct virtif_user *);
/* Transmits one frame gathered from iov[0..iovlen-1]; does not block and
 * does not keep references to the data after it returns. */
void	rumpcomp_virt_send(struct virtif_user *, struct iovec *iov,
	    size_t iovlen);

/* Upcall into the kernel for each received frame, made from a thread
 * that holds a rump kernel CPU and has its own lwp. */
void	rump_virtif_virt_deliverpkt(struct virtif_sc *, struct iovec *,
	    size_t);

#endif /* _RUMP_VIRTIF_H_ */
