/*
 * virtq.h -- split virtqueues (virtio 1.x section 2.7), driver side.
 *
 * This file and virtq.c depend on nothing but the C library's fixed
 * width types and linux/virtio_ring.h, so the host fuzzer compiles the
 * very same consumer the image runs (tests/fuzz/).
 *
 * Trust model: the rings live in memory the device writes.  Everything
 * the driver needs to know about a chain (its length, what is writable,
 * the caller's cookie) is kept in private memory; the shared ring is
 * only read for used-ring ids and lengths, and each one is checked
 * against that private state.  A device that lies marks the queue broken
 * (vq->err says why) and the queue then refuses all work.
 */
#ifndef PLATFORM_VIRTIO_VIRTQ_H
#define PLATFORM_VIRTIO_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#define VQ_MAXSEG	16	/* segments of one chain */

/* One buffer of a chain: device-readable ones first, then writable. */
struct vq_seg {
	uint64_t	addr;	/* guest-physical */
	uint32_t	len;
};

struct vq_slot {
	void		*cookie;	/* NULL: head not in flight */
	uint32_t	 wlen;		/* device-writable bytes posted */
	uint16_t	 ndesc;		/* ring descriptors the chain took */
	uint16_t	 last;		/* last descriptor of a direct chain */
};

struct virtq {
	const char	*name;		/* for messages: "blk0 q0" */
	uint16_t	 num;		/* power of two */
	uint16_t	 index;		/* queue number on the device */
	struct vring	 vr;
	uint16_t	 free_head;	/* private free list through next[] */
	uint16_t	 nfree;
	uint16_t	 avail_idx;	/* our copy of avail->idx */
	uint16_t	 kicked_idx;	/* avail_idx at the last notify */
	uint16_t	 last_used;	/* next used entry to consume */
	uint16_t	 inflight;	/* chains the device owns */
	int		 event_idx;	/* VIRTIO_RING_F_EVENT_IDX */
	int		 indirect;	/* VIRTIO_RING_F_INDIRECT_DESC */
	int		 broken;
	const char	*err;		/* why it broke */
	uint16_t	*next;		/* [num] private descriptor links */
	struct vq_slot	*slot;		/* [num], by head descriptor */
	struct vring_desc *indir;	/* [num][VQ_MAXSEG] indirect tables */
	void		(*notify)(struct virtq *);
	/* Completes the full fence at the two store->load points (the
	 * index published, then the device's event word or flags read;
	 * and the reverse in virtq_intr_on) where mfence alone may not
	 * reach the device: NULL = mfence is enough (see vdev.c). */
	void		(*fence)(struct virtq *);
	void		*arg;		/* transport's */
};

#define VQ_F_EVENT_IDX	0x1
#define VQ_F_INDIRECT	0x2

/* Bytes of shared ring memory for num entries (legacy layout: used
 * ring on the next 4 KiB boundary, as legacy transports need) and of
 * the private state. */
size_t	virtq_ring_bytes(unsigned num);
size_t	virtq_priv_bytes(unsigned num);
/* ring: zeroed, 4 KiB aligned, virtq_ring_bytes(num); priv: aligned to
 * 16, virtq_priv_bytes(num).  num must be a power of two <= 32768. */
void	virtq_init(struct virtq *vq, unsigned num, void *ring, void *priv,
	    int flags);
/* Queues a chain of nout readable then nin writable segments with a
 * non-NULL cookie.  Returns 0, -1 when there are not enough free
 * descriptors, -2 when the queue is broken or the chain is invalid.
 * Not visible to the device until virtq_kick(). */
int	virtq_add(struct virtq *vq, const struct vq_seg *seg, int nout,
	    int nin, void *cookie);
/* Publishes added chains and notifies the device if it wants it. */
void	virtq_kick(struct virtq *vq);
/* Takes the next used chain: 1 (cookie and written length set), 0 when
 * there is none, -1 when the device misbehaved (the queue is now
 * broken; vq->err says why). */
int	virtq_get(struct virtq *vq, void **cookiep, uint32_t *lenp);
/* Completion interrupts: off, or on again.  virtq_intr_on returns 1 if
 * used entries arrived meanwhile (poll again instead of sleeping). */
void	virtq_intr_off(struct virtq *vq);
int	virtq_intr_on(struct virtq *vq);
/* Device owns nothing of ours any more (after a reset): every in-flight
 * cookie is handed to fn, the queue is emptied. */
void	virtq_drain(struct virtq *vq, void (*fn)(void *cookie, void *arg),
	    void *arg);
/* Marks the queue broken with a reason (string must live forever). */
void	virtq_break(struct virtq *vq, const char *why);

#endif
