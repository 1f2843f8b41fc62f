/*
 * vrng.c -- virtio-rng (entropy device) as a source for td_rng_register:
 * rumpuser_getrandom then reads from the host's entropy.
 *
 * One buffer is kept with the device; what it returns lands in a small
 * pool that read() drains.  A blocking read waits for the next refill
 * (the interrupt wakes it); a non-blocking one takes what the pool has.
 * The registry's read() has no softc, so the first device is the one.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "virtio.h"

#define POOL	256

static struct {
	struct vdev	*v;
	struct virtq	*vq;
	uint8_t		*dma;		/* POOL bytes the device fills */
	uint8_t		 pool[POOL];
	size_t		 have;
	int		 posted;
	struct td_thread *waiter;
} rng;

static void
post(void)
{
	struct vq_seg s = { (uint64_t)(uintptr_t)rng.dma, POOL };

	if (rng.posted || rng.v->broken || rng.have > POOL / 2)
		return;
	if (virtq_add(rng.vq, &s, 0, 1, rng.dma) == 0) {
		rng.posted = 1;
		virtq_kick(rng.vq);
	}
}

/* Interrupt context. */
static void
vrng_intr(struct vdev *v, int cfg)
{
	void *c;
	uint32_t len;
	size_t n;
	int rv;

	while ((rv = virtq_get(rng.vq, &c, &len)) == 1) {
		rng.posted = 0;
		n = len < POOL - rng.have ? len : POOL - rng.have;
		memcpy(rng.pool + rng.have, rng.dma, n);
		rng.have += n;
	}
	if (rv < 0)
		vdev_fail(v, "rng0", rng.vq->err);
	virtq_intr_on(rng.vq);
	if (rng.waiter != NULL)
		td_thread_wake(rng.waiter);
}

static size_t
vrng_read(void *buf, size_t len, int nowait)
{
	size_t got = 0, n;
	td_irqflags_t s;

	s = td_irq_save();
	while (got < len && !rng.v->broken) {
		n = len - got < rng.have ? len - got : rng.have;
		memcpy((uint8_t *)buf + got, rng.pool + rng.have - n, n);
		rng.have -= n;
		got += n;
		post();
		if (got == len || nowait)
			break;
		rng.waiter = td_thread_self();
		td_thread_prepare_block();
		td_irq_restore(s);
		/* bounded: a silent device must not hang getrandom */
		if (td_thread_block(td_now() + 1000000000ULL) != 0 &&
		    rng.have == 0) {
			s = td_irq_save();
			break;
		}
		s = td_irq_save();
	}
	rng.waiter = NULL;
	td_irq_restore(s);
	return got;
}

void
vrng_attach(struct vdev *v)
{
	if (rng.v != NULL) {
		td_printf("virtio: ignoring a second rng at %s\n", v->where);
		return;
	}
	v->intr = vrng_intr;
	if (vdev_negotiate(v, 1ULL << VIRTIO_RING_F_EVENT_IDX) != 0 ||
	    (rng.vq = vdev_queue(v, 0, 8, "rng0 rq")) == NULL ||
	    (rng.dma = vdev_dma_alloc(POOL)) == NULL) {
		vdev_fail(v, "rng0", "setup failed");
		return;
	}
	rng.v = v;
	if (vdev_ready(v) != 0)
		return;
	post();
	/* Wait (bounded) for the first pool: the stack protector canary
	 * is read with NOWAIT right after the drivers attach, and must not
	 * find the real entropy source still empty. */
	{
		unsigned char probe[1];

		if (vrng_read(probe, sizeof(probe), 0) == 0)
			td_printf("virtio: rng0: no answer in 1 s\n");
	}
	td_rng_register("virtio-rng", 100, vrng_read);
	td_printf("virtio: rng0 at %s, %s\n", v->where,
	    v->msix ? "msi-x" : "intx/gsi");
}
