/*
 * virtq.c -- split virtqueues, driver side (see virtq.h).
 *
 * Written for one CPU and a device on the other side of shared memory:
 * the only ordering that matters on x86 is store->load around the event
 * index checks, which takes a full fence; store->store and load->load
 * are kept by the hardware and only need the compiler held back.
 */
#include <string.h>

#include "virtq.h"

#define vq_cbar()	__asm__ volatile("" ::: "memory")
#define vq_mb()		__asm__ volatile("mfence" ::: "memory")

#define RING_ALIGN	4096

/* Store->load fence against the device (Dekker with the device's own
 * "publish, fence, check" in the other direction). */
static void
vq_dev_mb(struct virtq *vq)
{
	vq_mb();
	if (vq->fence != NULL)
		vq->fence(vq);
}

/* the event words sit past the rings' ends, where the header's structs
 * have no member: reach them through a type that may alias */
typedef uint16_t __attribute__((may_alias)) vq_u16;
#define AVAIL_EVENT(vq)	(*(volatile vq_u16 *)&(vq)->vr.used->ring[(vq)->num])
#define USED_EVENT(vq)	(*(volatile vq_u16 *)&(vq)->vr.avail->ring[(vq)->num])

static size_t
avail_end(unsigned num)
{
	/* flags, idx, ring[num], used_event */
	return 16 * (size_t)num + 2 * (3 + (size_t)num);
}

size_t
virtq_ring_bytes(unsigned num)
{
	size_t used = (avail_end(num) + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1);

	/* flags, idx, ring[num] of 8 bytes, avail_event */
	return used + 2 * 3 + 8 * (size_t)num;
}

size_t
virtq_priv_bytes(unsigned num)
{
	return (size_t)num * (sizeof(struct vring_desc) * VQ_MAXSEG +
	    sizeof(struct vq_slot) + sizeof(uint16_t));
}

void
virtq_init(struct virtq *vq, unsigned num, void *ring, void *priv, int flags)
{
	char *r = ring, *p = priv;
	size_t used = (avail_end(num) + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1);
	unsigned i;

	vq->num = (uint16_t)num;
	vq->vr.num = num;
	vq->vr.desc = (struct vring_desc *)r;
	vq->vr.avail = (struct vring_avail *)(r + 16 * (size_t)num);
	vq->vr.used = (struct vring_used *)(r + used);
	/* private state: the indirect tables first, they want 16 bytes */
	vq->indir = (struct vring_desc *)p;
	p += (size_t)num * VQ_MAXSEG * sizeof(struct vring_desc);
	vq->slot = (struct vq_slot *)p;
	p += (size_t)num * sizeof(struct vq_slot);
	vq->next = (uint16_t *)p;
	memset(vq->slot, 0, num * sizeof(struct vq_slot));
	for (i = 0; i < num; i++)
		vq->next[i] = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nfree = (uint16_t)num;
	vq->avail_idx = vq->kicked_idx = vq->last_used = 0;
	vq->inflight = 0;
	vq->event_idx = (flags & VQ_F_EVENT_IDX) != 0;
	vq->indirect = (flags & VQ_F_INDIRECT) != 0;
	vq->broken = 0;
	vq->err = NULL;
	vq->fence = NULL;
}

void
virtq_break(struct virtq *vq, const char *why)
{
	if (!vq->broken) {
		vq->broken = 1;
		vq->err = why;
	}
}

static void
fill_desc(struct vring_desc *d, const struct vq_seg *s, uint16_t flags)
{
	d->addr = s->addr;
	d->len = s->len;
	d->flags = flags;
}

/* One ring descriptor pointing at this head's private indirect table. */
static void
add_indirect(struct virtq *vq, uint16_t head, const struct vq_seg *seg,
    int nout, int n)
{
	struct vring_desc *t = &vq->indir[(size_t)head * VQ_MAXSEG];
	int i;

	for (i = 0; i < n; i++) {
		fill_desc(&t[i], &seg[i],
		    (i >= nout ? VRING_DESC_F_WRITE : 0) |
		    (i + 1 < n ? VRING_DESC_F_NEXT : 0));
		t[i].next = (uint16_t)(i + 1);
	}
	vq->vr.desc[head].addr = (uint64_t)(uintptr_t)t;
	vq->vr.desc[head].len = (uint32_t)(n * sizeof(*t));
	vq->vr.desc[head].flags = VRING_DESC_F_INDIRECT;
	vq->vr.desc[head].next = 0;
	vq->free_head = vq->next[head];
	vq->nfree--;
	vq->slot[head].ndesc = 1;
	vq->slot[head].last = head;
}

/* A direct chain along the private free list; the links stay in
 * next[] so that freeing never reads the shared table. */
static void
add_direct(struct virtq *vq, uint16_t head, const struct vq_seg *seg,
    int nout, int n)
{
	uint16_t d = head, last = head;
	int i;

	for (i = 0; i < n; i++) {
		last = d;
		fill_desc(&vq->vr.desc[d], &seg[i],
		    (i >= nout ? VRING_DESC_F_WRITE : 0) |
		    (i + 1 < n ? VRING_DESC_F_NEXT : 0));
		vq->vr.desc[d].next = vq->next[d];
		d = vq->next[d];
	}
	vq->free_head = d;
	vq->nfree = (uint16_t)(vq->nfree - n);
	vq->slot[head].ndesc = (uint16_t)n;
	vq->slot[head].last = last;
}

int
virtq_add(struct virtq *vq, const struct vq_seg *seg, int nout, int nin,
    void *cookie)
{
	int n = nout + nin, i;
	uint32_t wlen = 0;
	uint16_t head;

	if (vq->broken || cookie == NULL || nout < 0 || nin < 0 || n < 1 ||
	    n > VQ_MAXSEG)
		return -2;
	if (vq->nfree < (vq->indirect && n > 1 ? 1 : n))
		return n > vq->num ? -2 : -1;
	for (i = nout; i < n; i++)
		wlen += seg[i].len;
	head = vq->free_head;
	if (vq->indirect && n > 1)
		add_indirect(vq, head, seg, nout, n);
	else
		add_direct(vq, head, seg, nout, n);
	vq->slot[head].cookie = cookie;
	vq->slot[head].wlen = wlen;
	vq->vr.avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq->avail_idx++;
	vq->inflight++;
	return 0;
}

/* Does the device want a notification for the chains in [old, new)? */
static int
kick_wanted(struct virtq *vq, uint16_t old, uint16_t new)
{

	if (vq->event_idx)
		return vring_need_event(AVAIL_EVENT(vq), new, old);
	return !(*(volatile uint16_t *)&vq->vr.used->flags &
	    VRING_USED_F_NO_NOTIFY);
}

void
virtq_kick(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx, new = vq->avail_idx;
	int need;

	if (vq->broken || old == new)
		return;
	vq_cbar();		/* ring entries before the index */
	*(volatile uint16_t *)&vq->vr.avail->idx = new;
	vq->kicked_idx = new;
	/*
	 * The device's wish read before the fence may be stale, but a
	 * notification is never wrong: when even the stale word asks for
	 * one (a device that sleeps between requests: every request of a
	 * request/response exchange) it is sent without the fence, which
	 * under an emulator is a device exit of its own (vdev.c).  Only a
	 * "do not notify" must be confirmed after the fence.
	 */
	need = kick_wanted(vq, old, new);
	if (!need) {
		vq_dev_mb(vq);	/* index out before we trust the wish */
		need = kick_wanted(vq, old, new);
	}
	if (need && vq->notify != NULL)
		vq->notify(vq);
}

static void
free_chain(struct virtq *vq, uint16_t head)
{
	struct vq_slot *s = &vq->slot[head];

	vq->next[s->last] = vq->free_head;
	vq->free_head = head;
	vq->nfree = (uint16_t)(vq->nfree + s->ndesc);
	s->cookie = NULL;
	vq->inflight--;
}

int
virtq_get(struct virtq *vq, void **cookiep, uint32_t *lenp)
{
	uint16_t uidx, pending;
	uint32_t id, len;
	struct vring_used_elem *e;

	if (vq->broken)
		return -1;
	uidx = *(volatile uint16_t *)&vq->vr.used->idx;
	pending = (uint16_t)(uidx - vq->last_used);
	if (pending == 0)
		return 0;
	if (pending > vq->inflight) {
		virtq_break(vq, "used index ran ahead of the chains in flight");
		return -1;
	}
	vq_cbar();		/* the entry after the index */
	e = &vq->vr.used->ring[vq->last_used & (vq->num - 1)];
	id = *(volatile uint32_t *)&e->id;
	len = *(volatile uint32_t *)&e->len;
	if (id >= vq->num) {
		virtq_break(vq, "used id out of range");
		return -1;
	}
	if (vq->slot[id].cookie == NULL) {
		virtq_break(vq, "used id is not a chain in flight");
		return -1;
	}
	if (len > vq->slot[id].wlen) {
		virtq_break(vq, "used length exceeds the writable buffers");
		return -1;
	}
	*cookiep = vq->slot[id].cookie;
	*lenp = len;
	free_chain(vq, (uint16_t)id);
	vq->last_used++;
	return 1;
}

void
virtq_intr_off(struct virtq *vq)
{
	if (vq->event_idx)
		USED_EVENT(vq) = (uint16_t)(vq->last_used - 1);
	else
		*(volatile uint16_t *)&vq->vr.avail->flags =
		    VRING_AVAIL_F_NO_INTERRUPT;
}

int
virtq_intr_on(struct virtq *vq)
{
	if (vq->event_idx)
		USED_EVENT(vq) = vq->last_used;
	else
		*(volatile uint16_t *)&vq->vr.avail->flags = 0;
	vq_dev_mb(vq);		/* the wish out before we look again */
	return *(volatile uint16_t *)&vq->vr.used->idx != vq->last_used;
}

void
virtq_drain(struct virtq *vq, void (*fn)(void *, void *), void *arg)
{
	unsigned i;
	void *c;

	for (i = 0; i < vq->num; i++) {
		if ((c = vq->slot[i].cookie) == NULL)
			continue;
		vq->slot[i].cookie = NULL;
		if (fn != NULL)
			fn(c, arg);
	}
	for (i = 0; i < vq->num; i++)
		vq->next[i] = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nfree = vq->num;
	vq->inflight = 0;
}
