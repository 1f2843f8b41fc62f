/*
 * virtio.h -- private to platform/virtio: PCI access, interrupt routing,
 * the three virtio transports behind one set of operations, and the
 * drivers' entry points.
 */
#ifndef PLATFORM_VIRTIO_VIRTIO_H
#define PLATFORM_VIRTIO_VIRTIO_H

#include <stdint.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "virtq.h"

/* ---- PCI (pci.c) ------------------------------------------------------ */
struct pci_fn {
	uint8_t		bus, dev, fn;
	uint16_t	vendor, device, subsys;
	uint8_t		irq_line, irq_pin;	/* config 0x3c / 0x3d */
	uint64_t	bar[6];		/* decoded base (I/O: port) */
	uint64_t	barlen[6];
	uint8_t		bario[6];	/* 1 = I/O space */
	uint8_t		msix_cap;	/* 0 = none */
};

uint32_t pci_read32(const struct pci_fn *, unsigned off);
uint16_t pci_read16(const struct pci_fn *, unsigned off);
uint8_t	 pci_read8(const struct pci_fn *, unsigned off);
void	 pci_write32(const struct pci_fn *, unsigned off, uint32_t);
void	 pci_write16(const struct pci_fn *, unsigned off, uint16_t);
/* Calls fn for every function of every bus reachable from bus 0. */
void	 pci_scan(void (*fn)(struct pci_fn *));
/* First capability of type id after `after' (0 = from the start). */
unsigned pci_find_cap(const struct pci_fn *, uint8_t id, unsigned after);
/* MSI-X: table entry n -> vector on the boot CPU, then enables MSI-X.
 * Returns the table size, 0 when the function has no MSI-X. */
int	 pci_msix_setup(struct pci_fn *, const int *vecs, int n);
/* The IOAPIC input legacy INTx of this function arrives on. */
int	 pci_intx_gsi(const struct pci_fn *);

/* ---- interrupts (irq.c) ---------------------------------------------- */
/* A free IDT vector for a device (0x30..0xdf); -1 when none is left. */
int	 irq_alloc_vector(void);
/* Adds fn(arg) to the handlers of IOAPIC input gsi (level-triggered
 * when level) and unmasks it; returns its vector or -1.  Handlers run
 * with interrupts masked; the EOI is sent after all of them. */
int	 irq_route_gsi(int gsi, int level, void (*fn)(void *), void *arg);

/* ---- ACPI power button (acpi.c) --------------------------------------- */
/* The RSDP the PVH boot reported (hvm_start_info v1), 0 = scan for it. */
extern uint64_t virtio_rsdp;

/* ---- transports ------------------------------------------------------ */
struct vdev;

struct vdev_ops {
	uint64_t (*features)(struct vdev *);
	void	 (*set_features)(struct vdev *, uint64_t);
	uint8_t	 (*status)(struct vdev *);
	void	 (*set_status)(struct vdev *, uint8_t);	/* 0 resets */
	/* Largest size of queue i (0: no such queue). */
	unsigned (*queue_max)(struct vdev *, unsigned i);
	/* Tells the device where vq's rings are and enables it. */
	int	 (*queue_setup)(struct vdev *, struct virtq *vq);
	void	 (*notify)(struct virtq *vq);
	/* Reads and so acknowledges the interrupt status (INTx, mmio). */
	uint8_t	 (*isr)(struct vdev *);
	uint32_t (*cfg_read)(struct vdev *, unsigned off, int size);
	void	 (*cfg_write)(struct vdev *, unsigned off, int size, uint32_t);
};

#define VDEV_MAXQ	4

struct vdev {
	const struct vdev_ops *ops;
	int		 type;		/* VIRTIO_ID_* */
	char		 where[40];	/* "pci 00:03.0 modern", "mmio 0x..." */
	uint64_t	 features;	/* negotiated */
	int		 modern;	/* VIRTIO_F_VERSION_1 transport */
	int		 fixed_qsize;	/* queue size cannot be changed */
	int		 msix;		/* vectors per queue; no ISR read */
	int		 vec;		/* IDT vector of INTx / mmio */
	int		 nq;
	struct virtq	*vq[VDEV_MAXQ];
	int		 broken;
	/* driver's */
	void		(*intr)(struct vdev *, int cfg_changed);
	void		*drv;
	/* transport's */
	struct pci_fn	 pci;
	volatile uint8_t *common, *isrp, *devcfg, *notifyp;
	volatile uint16_t *qnotify[VDEV_MAXQ];
	uint32_t	 notify_mul;
	uint16_t	 iobase;
	volatile uint8_t *mmio;
	int		 gsi;
	int		 msix_vecs[VDEV_MAXQ];
};

/* Transport probes (vpci.c, vmmio.c): fill v, return 0 if usable. */
int	vpci_attach(struct vdev *v, struct pci_fn *f);
int	vmmio_attach(struct vdev *v, uint64_t base, int gsi);
/* Words "virtio_mmio.device=SIZE@ADDR:IRQ" taken off the command line
 * by virtio_boot(); then probed by vmmio_probe_all(). */
void	vmmio_strip_cmdline(char *cmdline);
void	vmmio_probe_all(void (*found)(struct vdev *));

/* ---- common device code (vdev.c) -------------------------------------- */
/* Reset, acknowledge, negotiate (want & offered, plus VERSION_1 on a
 * modern transport).  0 on success. */
int	vdev_negotiate(struct vdev *v, uint64_t want);
/* Allocates and sets up queue i with at most maxsize entries. */
struct virtq *vdev_queue(struct vdev *v, unsigned i, unsigned maxsize,
	    const char *name);
/* Interrupts on (MSI-X or INTx/GSI) and DRIVER_OK. */
int	vdev_ready(struct vdev *v);
/* Device lied or failed: say so on the console, mark it FAILED. */
void	vdev_fail(struct vdev *v, const char *what, const char *why);
int	vdev_has(const struct vdev *v, unsigned bit);
uint64_t vdev_cfg64(struct vdev *v, unsigned off);
void	*vdev_dma_alloc(size_t bytes);	/* zeroed pages */

/* ---- drivers --------------------------------------------------------- */
void	vblk_attach(struct vdev *v);
void	vnet_attach(struct vdev *v);
void	vrng_attach(struct vdev *v);

/* Set by virtio_boot: this boot is QEMU/KVM, so devices may be probed. */
extern int virtio_platform_live;

#endif
