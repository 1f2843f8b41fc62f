/*
 * vdev.c -- what every virtio device shares whatever its transport:
 * status and feature negotiation (virtio 1.x section 3.1), queue memory,
 * interrupts, failing a device that misbehaves, and the probe that runs
 * as an init hook once the heap exists.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "virtio.h"

int virtio_platform_live;

int
vdev_has(const struct vdev *v, unsigned bit)
{
	return (v->features >> bit) & 1;
}

static void
vdev_reset(struct vdev *v)
{
	int i;

	v->ops->set_status(v, 0);
	/* a modern device may take a while; a dead one must not hang us */
	for (i = 0; i < 100000 && v->ops->status(v) != 0; i++)
		cpu_relax();
}

void
vdev_fail(struct vdev *v, const char *what, const char *why)
{
	if (v->broken)
		return;
	v->broken = 1;
	td_printf("virtio: %s at %s: %s -- device disabled\n", what,
	    v->where, why);
	/* the reset stops its DMA into our memory and drops its interrupt
	 * line, so a level-triggered storm cannot follow */
	vdev_reset(v);
	v->ops->set_status(v, VIRTIO_CONFIG_S_FAILED);
}

int
vdev_negotiate(struct vdev *v, uint64_t want)
{
	uint64_t offered;
	uint8_t s;

	vdev_reset(v);
	v->ops->set_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	v->ops->set_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	    VIRTIO_CONFIG_S_DRIVER);
	offered = v->ops->features(v);
	if (v->modern) {
		if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
			vdev_fail(v, "virtio", "modern transport without VERSION_1");
			return -1;
		}
		want |= 1ULL << VIRTIO_F_VERSION_1;
	} else {
		want &= 0xffffffffULL;
	}
	v->features = offered & want;
	v->ops->set_features(v, v->features);
	if (!v->modern)
		return 0;
	s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	    VIRTIO_CONFIG_S_FEATURES_OK;
	v->ops->set_status(v, s);
	if (!(v->ops->status(v) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		vdev_fail(v, "virtio", "device refused our features");
		return -1;
	}
	return 0;
}

void *
vdev_dma_alloc(size_t bytes)
{
	unsigned order = 0;
	void *p;

	while ((TD_PAGE_SIZE << order) < bytes)
		order++;
	if ((p = td_page_alloc(order)) != NULL)
		memset(p, 0, TD_PAGE_SIZE << order);
	return p;
}

/*
 * The virtqueue fence for emulators (virtq.h, fence).  QEMU 7.2's TCG
 * drops the guest's mfence with a single vCPU (tcg_gen_mb() emits
 * nothing without CF_PARALLEL; fixed upstream later by "tcg: Do not
 * elide memory barriers for !CF_PARALLEL in system mode"), yet the device
 * runs its queue handlers on the main-loop thread, concurrently with the
 * vCPU thread.  The host CPU then lets our load of avail_event (used
 * index) pass our store of avail->idx (used_event), both sides miss each
 * other's update and a kick (an interrupt) is lost for good.  A device
 * register read is executed by a helper under QEMU's global lock, which
 * is a full host fence and excludes the queue handler -- the ordering
 * the mfence was meant to give.  The status register has no side effect.
 * Under KVM the mfence is real and the read would only cost an exit.
 */
static void
vdev_fence(struct virtq *vq)
{
	struct vdev *v = vq->arg;

	(void)v->ops->status(v);
}

struct virtq *
vdev_queue(struct vdev *v, unsigned i, unsigned maxsize, const char *name)
{
	unsigned max, num;
	struct virtq *vq;
	void *ring, *priv;
	int flags = 0;

	if (v->broken || i >= VDEV_MAXQ || (max = v->ops->queue_max(v, i)) == 0)
		return NULL;
	for (num = 1; num * 2 <= max && num * 2 <= 32768; num *= 2)
		;
	if (v->fixed_qsize ? num != max : 0)
		return NULL;		/* legacy: the size is the device's */
	if (!v->fixed_qsize && num > maxsize)
		for (num = 1; num * 2 <= maxsize; num *= 2)
			;
	ring = vdev_dma_alloc(virtq_ring_bytes(num));
	priv = td_memalign(16, virtq_priv_bytes(num));
	vq = td_calloc(1, sizeof(*vq));
	if (ring == NULL)
		return NULL;
	if (vdev_has(v, VIRTIO_RING_F_EVENT_IDX))
		flags |= VQ_F_EVENT_IDX;
	if (vdev_has(v, VIRTIO_RING_F_INDIRECT_DESC))
		flags |= VQ_F_INDIRECT;
	virtq_init(vq, num, ring, priv, flags);
	vq->index = (uint16_t)i;
	vq->name = name;
	vq->notify = v->ops->notify;
	if (td_plat.name == NULL || strcmp(td_plat.name, "kvm") != 0)
		vq->fence = vdev_fence;
	vq->arg = v;
	if (v->ops->queue_setup(v, vq) != 0) {
		vdev_fail(v, name, "queue setup refused");
		return NULL;
	}
	v->vq[i] = vq;
	if ((int)i >= v->nq)
		v->nq = (int)i + 1;
	return vq;
}

uint64_t
vdev_cfg64(struct vdev *v, unsigned off)
{
	uint32_t lo, hi, lo2;
	int i;

	/* a 64-bit field read in halves: retry until it holds still */
	for (i = 0; i < 8; i++) {
		lo = v->ops->cfg_read(v, off, 4);
		hi = v->ops->cfg_read(v, off + 4, 4);
		lo2 = v->ops->cfg_read(v, off, 4);
		if (lo == lo2)
			break;
	}
	return (uint64_t)hi << 32 | lo;
}

static void
msix_intr(void *arg)
{
	struct vdev *v = arg;

	if (!v->broken)
		v->intr(v, 0);
	arch_lapic_eoi();
}

static void
line_intr(void *arg)
{
	struct vdev *v = arg;
	uint8_t isr = v->ops->isr(v);	/* acknowledges, drops the line */

	if (!v->broken && isr != 0)
		v->intr(v, (isr & 2) != 0	/* config changed */);
}

int
vdev_ready(struct vdev *v)
{
	if (v->broken)
		return -1;
	if (v->msix)
		arch_irq_set_handler(v->vec, msix_intr, v);
	else if (v->gsi < 0 ||
	    (v->vec = irq_route_gsi(v->gsi, 1, line_intr, v)) < 0) {
		vdev_fail(v, "virtio", "no usable interrupt");
		return -1;
	}
	v->ops->set_status(v, v->ops->status(v) | VIRTIO_CONFIG_S_DRIVER_OK);
	return 0;
}

/* ---- probe -------------------------------------------------------------- */

static void
dev_found(struct vdev *v)
{
	switch (v->type) {
	case VIRTIO_ID_BLOCK:
		vblk_attach(v);
		break;
	case VIRTIO_ID_NET:
		vnet_attach(v);
		break;
	case VIRTIO_ID_RNG:
		vrng_attach(v);
		break;
	default:
		td_printf("virtio: ignoring device type %d at %s\n", v->type,
		    v->where);
		break;
	}
}

static void
pci_found(struct pci_fn *f)
{
	struct vdev *v;

	if (f->vendor != 0x1af4)
		return;
	v = td_calloc(1, sizeof(*v));
	v->gsi = -1;
	if (vpci_attach(v, f) != 0) {
		td_printf("virtio: unusable PCI function %02x:%02x.%x "
		    "(device %04x)\n", f->bus, f->dev, f->fn, f->device);
		td_free(v);
		return;
	}
	dev_found(v);
}

static void
virtio_probe(void)
{
	if (!virtio_platform_live)
		return;
	pci_scan(pci_found);
	vmmio_probe_all(dev_found);
}

static void (*const virtio_probe_hook)(void)
    __attribute__((section("link_set_tandem_init"), used)) = virtio_probe;
