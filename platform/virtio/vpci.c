/*
 * vpci.c -- virtio over PCI: the 1.x "modern" transport (vendor
 * capabilities pointing into memory BARs) and the 0.9.5 legacy one (an
 * I/O BAR with fixed registers).  A transitional device offers both; we
 * take the modern one.  Register offsets come from linux/virtio_pci.h.
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include <linux/virtio_pci.h>

#include "virtio.h"

#define PCI_CAP_VNDR	0x09

#define C8(v, o)	(*(volatile uint8_t *)((v)->common + (o)))
#define C16(v, o)	(*(volatile uint16_t *)((v)->common + (o)))
#define C32(v, o)	(*(volatile uint32_t *)((v)->common + (o)))

/* ---- modern ------------------------------------------------------------ */

static uint64_t
m_features(struct vdev *v)
{
	uint64_t lo, hi;

	C32(v, VIRTIO_PCI_COMMON_DFSELECT) = 0;
	lo = C32(v, VIRTIO_PCI_COMMON_DF);
	C32(v, VIRTIO_PCI_COMMON_DFSELECT) = 1;
	hi = C32(v, VIRTIO_PCI_COMMON_DF);
	return hi << 32 | lo;
}

static void
m_set_features(struct vdev *v, uint64_t f)
{
	C32(v, VIRTIO_PCI_COMMON_GFSELECT) = 0;
	C32(v, VIRTIO_PCI_COMMON_GF) = (uint32_t)f;
	C32(v, VIRTIO_PCI_COMMON_GFSELECT) = 1;
	C32(v, VIRTIO_PCI_COMMON_GF) = (uint32_t)(f >> 32);
}

static uint8_t m_status(struct vdev *v) { return C8(v, VIRTIO_PCI_COMMON_STATUS); }
static void m_set_status(struct vdev *v, uint8_t s) { C8(v, VIRTIO_PCI_COMMON_STATUS) = s; }

static unsigned
m_queue_max(struct vdev *v, unsigned i)
{
	if (i >= C16(v, VIRTIO_PCI_COMMON_NUMQ))
		return 0;
	C16(v, VIRTIO_PCI_COMMON_Q_SELECT) = (uint16_t)i;
	return C16(v, VIRTIO_PCI_COMMON_Q_SIZE);
}

static void
m_addr(struct vdev *v, unsigned lo, const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	C32(v, lo) = (uint32_t)a;
	C32(v, lo + 4) = (uint32_t)(a >> 32);
}

static int
m_queue_setup(struct vdev *v, struct virtq *vq)
{
	unsigned off;

	C16(v, VIRTIO_PCI_COMMON_Q_SELECT) = vq->index;
	C16(v, VIRTIO_PCI_COMMON_Q_SIZE) = vq->num;
	m_addr(v, VIRTIO_PCI_COMMON_Q_DESCLO, vq->vr.desc);
	m_addr(v, VIRTIO_PCI_COMMON_Q_AVAILLO, vq->vr.avail);
	m_addr(v, VIRTIO_PCI_COMMON_Q_USEDLO, vq->vr.used);
	if (v->msix) {
		C16(v, VIRTIO_PCI_COMMON_Q_MSIX) = 0;
		if (C16(v, VIRTIO_PCI_COMMON_Q_MSIX) != 0)
			return -1;
	}
	off = C16(v, VIRTIO_PCI_COMMON_Q_NOFF) * v->notify_mul;
	v->qnotify[vq->index] = (volatile uint16_t *)(v->notifyp + off);
	C16(v, VIRTIO_PCI_COMMON_Q_ENABLE) = 1;
	return 0;
}

static void
m_notify(struct virtq *vq)
{
	struct vdev *v = vq->arg;

	*v->qnotify[vq->index] = vq->index;
}

static uint8_t m_isr(struct vdev *v) { return *v->isrp; }

static uint32_t
m_cfg_read(struct vdev *v, unsigned off, int size)
{
	volatile uint8_t *p = v->devcfg + off;

	return size == 1 ? *p : size == 2 ? *(volatile uint16_t *)p :
	    *(volatile uint32_t *)p;
}

static void
m_cfg_write(struct vdev *v, unsigned off, int size, uint32_t val)
{
	volatile uint8_t *p = v->devcfg + off;

	if (size == 1)
		*p = (uint8_t)val;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)val;
	else
		*(volatile uint32_t *)p = val;
}

static const struct vdev_ops modern_ops = {
	m_features, m_set_features, m_status, m_set_status, m_queue_max,
	m_queue_setup, m_notify, m_isr, m_cfg_read, m_cfg_write,
};

/* The region a virtio capability names, or NULL when unusable. */
static volatile uint8_t *
cap_region(struct pci_fn *f, unsigned c, uint32_t minlen)
{
	uint8_t bar = pci_read8(f, c + 4);
	uint32_t off = pci_read32(f, c + 8), len = pci_read32(f, c + 12);

	if (bar > 5 || f->bario[bar] || f->bar[bar] == 0 || len < minlen ||
	    (uint64_t)off + len > f->barlen[bar] ||
	    f->bar[bar] + off + len > 0x100000000ULL)
		return NULL;
	return (volatile uint8_t *)(uintptr_t)(f->bar[bar] + off);
}

static int
modern_attach(struct vdev *v, struct pci_fn *f)
{
	unsigned c = 0;
	uint8_t type;

	while ((c = pci_find_cap(f, PCI_CAP_VNDR, c)) != 0) {
		type = pci_read8(f, c + 3);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && v->common == NULL)
			v->common = cap_region(f, c, 56);
		else if (type == VIRTIO_PCI_CAP_ISR_CFG && v->isrp == NULL)
			v->isrp = cap_region(f, c, 1);
		else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && v->devcfg == NULL)
			v->devcfg = cap_region(f, c, 1);
		else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG &&
		    v->notifyp == NULL) {
			v->notifyp = cap_region(f, c, 2);
			v->notify_mul = pci_read32(f, c + 16);
		}
	}
	if (v->common == NULL || v->isrp == NULL || v->notifyp == NULL)
		return -1;
	v->ops = &modern_ops;
	v->modern = 1;
	return 0;
}

/* ---- legacy ------------------------------------------------------------- */

static uint64_t l_features(struct vdev *v) { return inl(v->iobase + VIRTIO_PCI_HOST_FEATURES); }
static void l_set_features(struct vdev *v, uint64_t f) { outl(v->iobase + VIRTIO_PCI_GUEST_FEATURES, (uint32_t)f); }
static uint8_t l_status(struct vdev *v) { return inb(v->iobase + VIRTIO_PCI_STATUS); }
static void l_set_status(struct vdev *v, uint8_t s) { outb(v->iobase + VIRTIO_PCI_STATUS, s); }

static unsigned
l_queue_max(struct vdev *v, unsigned i)
{
	outw(v->iobase + VIRTIO_PCI_QUEUE_SEL, (uint16_t)i);
	return inw(v->iobase + VIRTIO_PCI_QUEUE_NUM);
}

static int
l_queue_setup(struct vdev *v, struct virtq *vq)
{
	uint64_t a = (uint64_t)(uintptr_t)vq->vr.desc;

	outw(v->iobase + VIRTIO_PCI_QUEUE_SEL, vq->index);
	if (v->msix) {
		outw(v->iobase + VIRTIO_MSI_QUEUE_VECTOR, 0);
		if (inw(v->iobase + VIRTIO_MSI_QUEUE_VECTOR) != 0)
			return -1;
	}
	outl(v->iobase + VIRTIO_PCI_QUEUE_PFN,
	    (uint32_t)(a >> VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	return 0;
}

static void
l_notify(struct virtq *vq)
{
	struct vdev *v = vq->arg;

	outw(v->iobase + VIRTIO_PCI_QUEUE_NOTIFY, vq->index);
}

static uint8_t l_isr(struct vdev *v) { return inb(v->iobase + VIRTIO_PCI_ISR); }

static uint32_t
l_cfg_read(struct vdev *v, unsigned off, int size)
{
	uint16_t p = (uint16_t)(v->iobase + VIRTIO_PCI_CONFIG_OFF(v->msix) + off);

	return size == 1 ? inb(p) : size == 2 ? inw(p) : inl(p);
}

static void
l_cfg_write(struct vdev *v, unsigned off, int size, uint32_t val)
{
	uint16_t p = (uint16_t)(v->iobase + VIRTIO_PCI_CONFIG_OFF(v->msix) + off);

	if (size == 1)
		outb(p, (uint8_t)val);
	else if (size == 2)
		outw(p, (uint16_t)val);
	else
		outl(p, val);
}

static const struct vdev_ops legacy_ops = {
	l_features, l_set_features, l_status, l_set_status, l_queue_max,
	l_queue_setup, l_notify, l_isr, l_cfg_read, l_cfg_write,
};

static int
legacy_attach(struct vdev *v, struct pci_fn *f)
{
	if (!f->bario[0] || f->bar[0] == 0 || f->barlen[0] < 20)
		return -1;
	v->iobase = (uint16_t)f->bar[0];
	v->ops = &legacy_ops;
	v->fixed_qsize = 1;
	return 0;
}

/* ---- common ------------------------------------------------------------ */

int
vpci_attach(struct vdev *v, struct pci_fn *f)
{
	int vec;

	if (f->vendor != 0x1af4 || f->device < 0x1000 || f->device > 0x107f)
		return -1;
	v->pci = *f;
	v->type = f->device >= 0x1040 ? f->device - 0x1040 : f->subsys;
	if (modern_attach(v, f) != 0 &&
	    (f->device >= 0x1040 || legacy_attach(v, f) != 0))
		return -1;
	td_snprintf(v->where, sizeof(v->where), "pci %02x:%02x.%x %s",
	    f->bus, f->dev, f->fn, v->modern ? "modern" : "legacy");
	/* one MSI-X vector for all queues; no config-change vector */
	if (f->msix_cap != 0 && (vec = irq_alloc_vector()) >= 0 &&
	    pci_msix_setup(f, &vec, 1) > 0) {
		v->msix = 1;
		v->vec = vec;
	} else {
		v->gsi = pci_intx_gsi(f);
	}
	return 0;
}
