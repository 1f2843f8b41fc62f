/*
 * vmmio.c -- virtio over MMIO (QEMU's microvm), versions 1 (legacy,
 * page-frame queue address) and 2.  There is no bus to scan: QEMU names
 * each transport on the kernel command line as
 * "virtio_mmio.device=SIZE@BASE:IRQ", which virtio_boot() takes off the
 * line before core parses it, so apps never see those words.
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include <linux/virtio_mmio.h>

#include "virtio.h"

#define MMIO_MAX	16
#define MAGIC		0x74726976	/* "virt" */
#define KEY		"virtio_mmio.device="
#define KEYLEN		(sizeof(KEY) - 1)

static struct { uint64_t base, size; int gsi; } found[MMIO_MAX];
static int nfound;

#define R(v, o)		(*(volatile uint32_t *)((v)->mmio + (o)))

static uint64_t
mm_features(struct vdev *v)
{
	uint64_t lo, hi;

	R(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 0;
	lo = R(v, VIRTIO_MMIO_DEVICE_FEATURES);
	R(v, VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 1;
	hi = R(v, VIRTIO_MMIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void
mm_set_features(struct vdev *v, uint64_t f)
{
	R(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
	R(v, VIRTIO_MMIO_DRIVER_FEATURES) = (uint32_t)f;
	R(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
	R(v, VIRTIO_MMIO_DRIVER_FEATURES) = (uint32_t)(f >> 32);
}

static uint8_t mm_status(struct vdev *v) { return (uint8_t)R(v, VIRTIO_MMIO_STATUS); }

static void
mm_set_status(struct vdev *v, uint8_t s)
{
	R(v, VIRTIO_MMIO_STATUS) = s;
	if (s == 0 && !v->modern)
		R(v, VIRTIO_MMIO_GUEST_PAGE_SIZE) = 4096;
}

static unsigned
mm_queue_max(struct vdev *v, unsigned i)
{
	R(v, VIRTIO_MMIO_QUEUE_SEL) = i;
	if (R(v, v->modern ? VIRTIO_MMIO_QUEUE_READY : VIRTIO_MMIO_QUEUE_PFN))
		return 0;		/* already in use: not ours */
	return R(v, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static void
mm_addr(struct vdev *v, unsigned lo, const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	R(v, lo) = (uint32_t)a;
	R(v, lo + 4) = (uint32_t)(a >> 32);
}

static int
mm_queue_setup(struct vdev *v, struct virtq *vq)
{
	R(v, VIRTIO_MMIO_QUEUE_SEL) = vq->index;
	R(v, VIRTIO_MMIO_QUEUE_NUM) = vq->num;
	if (!v->modern) {
		R(v, VIRTIO_MMIO_QUEUE_ALIGN) = 4096;
		R(v, VIRTIO_MMIO_QUEUE_PFN) =
		    (uint32_t)((uintptr_t)vq->vr.desc >> 12);
		return 0;
	}
	mm_addr(v, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->vr.desc);
	mm_addr(v, VIRTIO_MMIO_QUEUE_AVAIL_LOW, vq->vr.avail);
	mm_addr(v, VIRTIO_MMIO_QUEUE_USED_LOW, vq->vr.used);
	R(v, VIRTIO_MMIO_QUEUE_READY) = 1;
	return 0;
}

static void
mm_notify(struct virtq *vq)
{
	struct vdev *v = vq->arg;

	R(v, VIRTIO_MMIO_QUEUE_NOTIFY) = vq->index;
}

static uint8_t
mm_isr(struct vdev *v)
{
	uint32_t s = R(v, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (s != 0)
		R(v, VIRTIO_MMIO_INTERRUPT_ACK) = s;
	return (uint8_t)s;
}

static uint32_t
mm_cfg_read(struct vdev *v, unsigned off, int size)
{
	volatile uint8_t *p = v->mmio + VIRTIO_MMIO_CONFIG + off;

	return size == 1 ? *p : size == 2 ? *(volatile uint16_t *)p :
	    *(volatile uint32_t *)p;
}

static void
mm_cfg_write(struct vdev *v, unsigned off, int size, uint32_t val)
{
	volatile uint8_t *p = v->mmio + VIRTIO_MMIO_CONFIG + off;

	if (size == 1)
		*p = (uint8_t)val;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)val;
	else
		*(volatile uint32_t *)p = val;
}

static const struct vdev_ops mmio_ops = {
	mm_features, mm_set_features, mm_status, mm_set_status, mm_queue_max,
	mm_queue_setup, mm_notify, mm_isr, mm_cfg_read, mm_cfg_write,
};

int
vmmio_attach(struct vdev *v, uint64_t base, int gsi)
{
	uint32_t ver;

	v->mmio = (volatile uint8_t *)(uintptr_t)base;
	if (R(v, VIRTIO_MMIO_MAGIC_VALUE) != MAGIC)
		return -1;
	ver = R(v, VIRTIO_MMIO_VERSION);
	if ((ver != 1 && ver != 2) || R(v, VIRTIO_MMIO_DEVICE_ID) == 0)
		return -1;		/* unknown, or an empty slot */
	v->ops = &mmio_ops;
	v->modern = ver == 2;
	v->fixed_qsize = 0;
	v->type = (int)R(v, VIRTIO_MMIO_DEVICE_ID);
	v->gsi = gsi;
	td_snprintf(v->where, sizeof(v->where), "mmio %#lx irq %d v%u",
	    (unsigned long)base, gsi, ver);
	return 0;
}

/* ---- the command line ------------------------------------------------- */

static const char *
num(const char *p, uint64_t *v)
{
	int base = 10, d;

	*v = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return p;
		*v = *v * (uint64_t)base + (uint64_t)d;
	}
}

/* "SIZE[K|M]@BASE:IRQ[:ID]" */
static void
parse_word(const char *w)
{
	uint64_t size, base, irq;

	w = num(w, &size);
	if (*w == 'K' || *w == 'k')
		size <<= 10, w++;
	else if (*w == 'M' || *w == 'm')
		size <<= 20, w++;
	if (*w++ != '@')
		return;
	w = num(w, &base);
	if (*w++ != ':')
		return;
	num(w, &irq);
	if (nfound == MMIO_MAX || size < 0x100 || base == 0 ||
	    base + size > 0x100000000ULL || irq >= 48)
		return;
	found[nfound].base = base;
	found[nfound].size = size;
	found[nfound].gsi = (int)irq;
	nfound++;
}

static int
is_key(const char *p)
{
	size_t i;

	for (i = 0; i < KEYLEN; i++)
		if (p[i] != KEY[i])
			return 0;
	return 1;
}

void
vmmio_strip_cmdline(char *s)
{
	char *r = s, *w = s, *word;

	while (*r != 0) {
		while (*r == ' ')
			*w++ = *r++;
		word = r;
		while (*r != 0 && *r != ' ')
			r++;
		if (is_key(word)) {
			parse_word(word + KEYLEN);
			while (*r == ' ')
				r++;	/* and the blanks after it */
			continue;
		}
		while (word < r)
			*w++ = *word++;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = 0;
}

void
vmmio_probe_all(void (*fn)(struct vdev *))
{
	struct vdev *v;
	int i;

	for (i = 0; i < nfound; i++) {
		v = td_calloc(1, sizeof(*v));
		if (vmmio_attach(v, found[i].base, found[i].gsi) != 0) {
			td_free(v);
			continue;
		}
		fn(v);
	}
}
