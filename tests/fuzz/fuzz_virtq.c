/*
 * fuzz_virtq.c -- the virtqueue consumer (platform/virtio/virtq.c, the
 * same file the image runs) against a device that lies.
 *
 *   fuzz_virtq [CASES [SEED]]      (default 1000000 cases)
 *
 * Each case sets up a queue, queues chains, then plays a device that
 * completes some chains honestly and otherwise writes garbage into the
 * used ring (ids out of range or not in flight, lengths beyond the
 * buffers, used indices that run ahead), and scribbles over the ring
 * memory a device may write.  The driver must never hand back a cookie
 * that is not in flight, nor one twice, nor a length beyond what was
 * posted; once it reports a broken queue it must refuse all work; and it
 * must never touch memory outside the rings (ASan watches).  Built with
 * -fsanitize=address,undefined by tests/fuzz/run.sh.  Also usable as a
 * libFuzzer target (-DLIBFUZZER): the input bytes drive the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../platform/virtio/virtq.h"

#define MAXCOOKIE	512

struct rnd {
	const uint8_t	*p;		/* libFuzzer input, or NULL */
	size_t		 n;
	uint64_t	 s;
};

static uint32_t
rnd(struct rnd *r, uint32_t below)
{
	uint64_t z;

	if (r->p != NULL) {
		z = 0;
		if (r->n >= 2) {
			z = (uint64_t)r->p[0] | (uint64_t)r->p[1] << 8;
			r->p += 2;
			r->n -= 2;
		}
	} else {
		r->s += 0x9e3779b97f4a7c15ULL;
		z = r->s;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
	}
	return below ? (uint32_t)(z % below) : 0;
}

struct shadow {
	int	 inflight;	/* cookie is with the device */
	uint32_t wlen;
	uint16_t head;
};

static struct shadow sh[MAXCOOKIE];
static char cookies[MAXCOOKIE];	/* cookie i is &cookies[i] */
static int ncalls;

static void
fatal(const char *why, uint64_t seed)
{
	fprintf(stderr, "fuzz_virtq: FAIL: %s (case seed %llu)\n", why,
	    (unsigned long long)seed);
	abort();
}

static void
on_drain(void *c, void *arg)
{
	int i = (int)((char *)c - cookies);

	if (i < 0 || i >= MAXCOOKIE || !sh[i].inflight)
		fatal("drain returned a cookie not in flight", *(uint64_t *)arg);
	sh[i].inflight = 0;
	ncalls++;
}

static void
notify(struct virtq *vq)
{
	(void)vq;
}

/* The device's side: complete the next avail entry honestly. */
static void
dev_honest(struct virtq *vq, struct rnd *r, uint16_t *dev_avail)
{
	uint16_t aidx = vq->vr.avail->idx, head, u;
	int i;

	if (*dev_avail == aidx)
		return;
	head = vq->vr.avail->ring[*dev_avail & (vq->num - 1)];
	(*dev_avail)++;
	for (i = 0; i < MAXCOOKIE; i++)
		if (sh[i].inflight && sh[i].head == head)
			break;
	u = vq->vr.used->idx;
	vq->vr.used->ring[u & (vq->num - 1)].id = head;
	vq->vr.used->ring[u & (vq->num - 1)].len =
	    i < MAXCOOKIE && sh[i].wlen ? rnd(r, sh[i].wlen + 1) : 0;
	vq->vr.used->idx = (uint16_t)(u + 1);
}

/* The device lies. */
static void
dev_evil(struct virtq *vq, struct rnd *r)
{
	uint16_t u = vq->vr.used->idx;
	struct vring_used_elem *e = &vq->vr.used->ring[u & (vq->num - 1)];

	switch (rnd(r, 6)) {
	case 0:
		e->id = rnd(r, 0x10000) | (rnd(r, 2) ? 0x10000 : 0);
		e->len = rnd(r, 4096);
		vq->vr.used->idx = (uint16_t)(u + 1);
		break;
	case 1:
		e->id = rnd(r, vq->num);
		e->len = rnd(r, 2) ? 0xffffffffu : rnd(r, 1 << 20);
		vq->vr.used->idx = (uint16_t)(u + 1);
		break;
	case 2:
		vq->vr.used->idx = (uint16_t)(u + rnd(r, 0x10000));
		break;
	case 3:	/* scribble over the descriptor table and avail ring */
		((uint8_t *)vq->vr.desc)[rnd(r, 16 * vq->num)] = (uint8_t)rnd(r, 256);
		vq->vr.avail->ring[rnd(r, vq->num)] = (uint16_t)rnd(r, 0x10000);
		break;
	case 4:	/* replay an old entry: a head completed before */
		vq->vr.used->idx = (uint16_t)(u + 1);
		break;
	default:
		vq->vr.used->flags = (uint16_t)rnd(r, 0x10000);
		*(uint16_t *)&vq->vr.used->ring[vq->num] = (uint16_t)rnd(r, 0x10000);
		break;
	}
}

static void
consume(struct virtq *vq, uint64_t seed)
{
	void *c;
	uint32_t len;
	int rv, i, guard = 0;

	while ((rv = virtq_get(vq, &c, &len)) == 1) {
		i = (int)((char *)c - cookies);
		if (i < 0 || i >= MAXCOOKIE || !sh[i].inflight)
			fatal("a cookie not in flight came back", seed);
		if (len > sh[i].wlen)
			fatal("a length beyond the posted buffers", seed);
		sh[i].inflight = 0;
		if (++guard > 70000)
			fatal("consumer does not stop", seed);
	}
	if (rv < 0 && (!vq->broken || vq->err == NULL))
		fatal("error without a broken queue", seed);
}

static int
add_one(struct virtq *vq, struct rnd *r, uint64_t seed)
{
	struct vq_seg seg[VQ_MAXSEG + 1];
	int i, n, nout, nin, slot = -1, rv;
	uint32_t w = 0;

	for (i = 0; i < MAXCOOKIE; i++)
		if (!sh[(i + (int)rnd(r, MAXCOOKIE)) % MAXCOOKIE].inflight) {
			slot = (i + (int)rnd(r, MAXCOOKIE)) % MAXCOOKIE;
			if (!sh[slot].inflight)
				break;
			slot = -1;
		}
	if (slot < 0)
		return 0;
	n = 1 + (int)rnd(r, VQ_MAXSEG + 1);	/* sometimes one too many */
	nout = (int)rnd(r, (uint32_t)n + 1);
	nin = n - nout;
	for (i = 0; i < n; i++) {
		seg[i].addr = 0x100000 + rnd(r, 1 << 20);
		seg[i].len = 1 + rnd(r, 4096);
		if (i >= nout)
			w += seg[i].len;
	}
	rv = virtq_add(vq, seg, nout, nin, &cookies[slot]);
	if (rv == 0) {
		if (n > VQ_MAXSEG || vq->broken)
			fatal("an invalid chain was accepted", seed);
		sh[slot].inflight = 1;
		sh[slot].wlen = w;
		sh[slot].head = vq->vr.avail->ring[(uint16_t)(vq->avail_idx - 1) &
		    (vq->num - 1)];
	} else if (rv == -2 && !vq->broken && n <= VQ_MAXSEG && n <= vq->num) {
		fatal("a valid chain was refused as invalid", seed);
	}
	return rv == 0;
}

static void
one_case(struct rnd *r, uint64_t seed)
{
	unsigned num = 1u << rnd(r, 9);
	size_t rb = virtq_ring_bytes(num), pb = virtq_priv_bytes(num);
	void *ring = aligned_alloc(4096, (rb + 4095) & ~(size_t)4095);
	void *priv = malloc(pb);
	struct virtq vq;
	uint16_t dev_avail = 0;
	int step, steps = 1 + (int)rnd(r, 40), flags = (int)rnd(r, 4), i, n;

	memset(ring, 0, rb);
	memset(sh, 0, sizeof(sh));
	virtq_init(&vq, num, ring, priv, flags);
	vq.notify = notify;
	vq.name = "fuzz";
	for (step = 0; step < steps; step++) {
		switch (rnd(r, 5)) {
		case 0:
		case 1:
			for (n = (int)rnd(r, 8); n > 0; n--)
				add_one(&vq, r, seed);
			virtq_kick(&vq);
			break;
		case 2:
			for (n = (int)rnd(r, 8); n > 0; n--)
				dev_honest(&vq, r, &dev_avail);
			break;
		case 3:
			dev_evil(&vq, r);
			break;
		default:
			if (rnd(r, 2))
				virtq_intr_off(&vq);
			else
				(void)virtq_intr_on(&vq);
			break;
		}
		consume(&vq, seed);
		if (vq.broken && virtq_add(&vq, &(struct vq_seg){ 0x1000, 8 },
		    1, 0, &cookies[0]) != -2)
			fatal("a broken queue took work", seed);
	}
	/* reset: everything in flight comes back exactly once */
	ncalls = 0;
	virtq_drain(&vq, on_drain, &seed);
	for (i = 0; i < MAXCOOKIE; i++)
		if (sh[i].inflight)
			fatal("drain lost a cookie", seed);
	if (vq.nfree != vq.num)
		fatal("descriptors leaked", seed);
	free(ring);
	free(priv);
}

#ifdef LIBFUZZER
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rnd r = { data, size, 0 };

	one_case(&r, 0);
	return 0;
}
#else
int
main(int argc, char **argv)
{
	unsigned long cases = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	uint64_t seed0 = argc > 2 ? strtoull(argv[2], NULL, 0) : 1, c, broke = 0;
	struct rnd r;

	for (c = 0; c < cases; c++) {
		r.p = NULL;
		r.n = 0;
		r.s = seed0 * 1000003 + c;
		one_case(&r, r.s);
		broke += 0;
	}
	printf("fuzz_virtq: %lu cases, seed %llu, no failure\n", cases,
	    (unsigned long long)seed0);
	return 0;
}
#endif
