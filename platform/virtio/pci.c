/*
 * pci.c -- PCI configuration mechanism #1 (ports 0xcf8/0xcfc): bus scan,
 * BAR decoding, capabilities, MSI-X tables and the legacy INTx route.
 *
 * SeaBIOS has assigned BARs before the PVH entry; we only read them.
 * qboot (the launcher's firmware on pc: it boots in a fraction of
 * SeaBIOS's time) leaves them to the OS, as Linux expects: a virtio
 * function's unassigned BARs get an address here (bar_assign).
 * Everything lives below 4 GiB, which the boot page tables identity-map,
 * so a BAR address is usable as a pointer; a BAR above that is refused by
 * the caller.
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "virtio.h"

#define PCI_ADDR	0xcf8
#define PCI_DATA	0xcfc
#define PCI_CMD		0x04
#define PCI_CMD_IO	0x1
#define PCI_CMD_MEM	0x2
#define PCI_CMD_MASTER	0x4
#define PCI_CMD_INTXOFF	0x400
#define PCI_STATUS_CAPS	0x10
#define PCI_HDRTYPE	0x0e
#define PCI_BAR0	0x10
#define PCI_CAPPTR	0x34
#define PCI_CAP_MSIX	0x11
#define VIRTIO_PCI_VENDOR 0x1af4	/* the only functions we drive */
#define MSIX_ENABLE	0x8000
#define MSIX_FMASK	0x4000
#define LAPIC_ID	((volatile uint32_t *)0xfee00020UL)
/* Where bar_assign puts BARs the firmware left unassigned: inside the
 * PCI hole of both pc (RAM below 4 GiB ends at 0xe0000000 at most) and
 * q35 (at 0xb0000000 at most, then MMCONFIG), below the IOAPIC; ports
 * above the chipset's fixed ones (ACPI PM 0x600, SMBus 0x700). */
#define MEM_WIN_BASE	0xe0000000ULL
#define MEM_WIN_END	0xfec00000ULL
#define IO_WIN_BASE	0xc000
#define IO_WIN_END	0x10000

static uint64_t mem_next = MEM_WIN_BASE, io_next = IO_WIN_BASE;

static uint32_t
cfgaddr(const struct pci_fn *f, unsigned off)
{
	return 0x80000000u | (uint32_t)f->bus << 16 | (uint32_t)f->dev << 11 |
	    (uint32_t)f->fn << 8 | (off & 0xfc);
}

uint32_t
pci_read32(const struct pci_fn *f, unsigned off)
{
	outl(PCI_ADDR, cfgaddr(f, off));
	return inl(PCI_DATA);
}

uint16_t
pci_read16(const struct pci_fn *f, unsigned off)
{
	outl(PCI_ADDR, cfgaddr(f, off));
	return inw(PCI_DATA + (off & 2));
}

uint8_t
pci_read8(const struct pci_fn *f, unsigned off)
{
	outl(PCI_ADDR, cfgaddr(f, off));
	return inb(PCI_DATA + (off & 3));
}

void
pci_write32(const struct pci_fn *f, unsigned off, uint32_t v)
{
	outl(PCI_ADDR, cfgaddr(f, off));
	outl(PCI_DATA, v);
}

void
pci_write16(const struct pci_fn *f, unsigned off, uint16_t v)
{
	outl(PCI_ADDR, cfgaddr(f, off));
	outw(PCI_DATA + (off & 2), v);
}

/* Sizes BAR i with decoding off, so no probe value is ever live. */
static int
bar_decode(struct pci_fn *f, int i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(f, off), hi = 0, slo, shi = 0xffffffff;
	uint64_t size;
	int is64 = !(lo & 1) && ((lo >> 1) & 3) == 2;

	pci_write32(f, off, 0xffffffff);
	slo = pci_read32(f, off);
	pci_write32(f, off, lo);
	if (is64 && i < 5) {
		hi = pci_read32(f, off + 4);
		pci_write32(f, off + 4, 0xffffffff);
		shi = pci_read32(f, off + 4);
		pci_write32(f, off + 4, hi);
	}
	if (lo & 1) {
		f->bario[i] = 1;
		f->bar[i] = lo & ~3u;
		size = ~(uint64_t)(slo & ~3u) + 1;
		size &= 0xffff;
	} else {
		f->bar[i] = ((uint64_t)hi << 32) | (lo & ~15u);
		size = ~(((uint64_t)shi << 32) | (slo & ~15u)) + 1;
		if (!is64)
			size &= 0xffffffff;
	}
	f->barlen[i] = slo == 0 ? 0 : size;
	return is64 ? 2 : 1;
}

/*
 * bar_assign: BAR i, sized but at address 0 (never a device's address:
 * the firmware did not assign it), gets the next naturally aligned
 * range of its window (memory: at least a page, so no two devices share
 * one).  Decoding is off while this runs (fn_fill).
 */
static void
bar_assign(struct pci_fn *f, int i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint64_t len = f->barlen[i], base, *next, end;

	if (len == 0 || f->bar[i] != 0 || (len & (len - 1)) != 0)
		return;
	if (f->bario[i]) {
		next = &io_next;
		end = IO_WIN_END;
	} else {
		next = &mem_next;
		end = MEM_WIN_END;
		if (len < 4096)
			len = 4096;
	}
	base = (*next + len - 1) & ~(len - 1);
	if (base + len > end)
		return;			/* stays 0: the driver refuses it */
	*next = base + len;
	pci_write32(f, off, (uint32_t)base);	/* type bits are read-only */
	if (!f->bario[i] && ((pci_read32(f, off) >> 1) & 3) == 2)
		pci_write32(f, off + 4, 0);
	f->bar[i] = base;
}

static void
fn_fill(struct pci_fn *f)
{
	uint16_t cmd = pci_read16(f, PCI_CMD);
	int i, n;

	f->device = pci_read16(f, 2);
	f->subsys = pci_read16(f, 0x2e);
	f->irq_line = pci_read8(f, 0x3c);
	f->irq_pin = pci_read8(f, 0x3d);
	pci_write16(f, PCI_CMD, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (i = 0; i < 6; ) {
		n = bar_decode(f, i);
		if (f->vendor == VIRTIO_PCI_VENDOR)
			bar_assign(f, i);
		i += n;
	}
	pci_write16(f, PCI_CMD, cmd | PCI_CMD_IO | PCI_CMD_MEM |
	    PCI_CMD_MASTER);
	f->msix_cap = (uint8_t)pci_find_cap(f, PCI_CAP_MSIX, 0);
}

static void
scan_bus(int bus, void (*fn)(struct pci_fn *), int depth)
{
	struct pci_fn f;
	int dev, func, nfn;
	uint8_t ht;

	for (dev = 0; dev < 32; dev++) {
		for (func = 0, nfn = 1; func < nfn; func++) {
			f = (struct pci_fn){ .bus = (uint8_t)bus,
			    .dev = (uint8_t)dev, .fn = (uint8_t)func };
			f.vendor = pci_read16(&f, 0);
			if (f.vendor == 0xffff)
				continue;
			ht = pci_read8(&f, PCI_HDRTYPE);
			if (func == 0 && (ht & 0x80))
				nfn = 8;
			if ((ht & 0x7f) == 1 && depth < 8) {
				/* PCI-PCI bridge: its secondary bus */
				scan_bus(pci_read8(&f, 0x19), fn, depth + 1);
				continue;
			}
			if ((ht & 0x7f) != 0)
				continue;
			fn_fill(&f);
			fn(&f);
		}
	}
}

void
pci_scan(void (*fn)(struct pci_fn *))
{
	scan_bus(0, fn, 0);
}

unsigned
pci_find_cap(const struct pci_fn *f, uint8_t id, unsigned after)
{
	unsigned p, n;

	if (!(pci_read16(f, 0x06) & PCI_STATUS_CAPS))
		return 0;
	p = after ? pci_read8(f, after + 1) : pci_read8(f, PCI_CAPPTR);
	/* bounded walk: a looping list must not hang the boot */
	for (n = 0; p >= 0x40 && n < 48; n++) {
		p &= 0xfc;
		if (pci_read8(f, p) == id)
			return p;
		p = pci_read8(f, p + 1);
	}
	return 0;
}

int
pci_msix_setup(struct pci_fn *f, const int *vecs, int n)
{
	unsigned c = f->msix_cap;
	uint16_t ctl;
	uint32_t tbl, bir, apic;
	volatile uint32_t *e;
	int i, size;

	if (c == 0)
		return 0;
	ctl = pci_read16(f, c + 2);
	size = (ctl & 0x7ff) + 1;
	tbl = pci_read32(f, c + 4);
	bir = tbl & 7;
	if (bir > 5 || f->bario[bir] || f->bar[bir] == 0 ||
	    f->bar[bir] + (tbl & ~7u) + 16 * (uint64_t)size > 0x100000000ULL ||
	    n > size)
		return 0;
	apic = *LAPIC_ID >> 24;
	e = (volatile uint32_t *)(uintptr_t)(f->bar[bir] + (tbl & ~7u));
	for (i = 0; i < n; i++, e += 4) {
		e[0] = 0xfee00000u | apic << 12;	/* fixed, physical */
		e[1] = 0;
		e[2] = (uint32_t)vecs[i];		/* edge */
		e[3] = 0;				/* unmasked */
	}
	pci_write16(f, c + 2, (uint16_t)((ctl | MSIX_ENABLE) & ~MSIX_FMASK));
	pci_write16(f, PCI_CMD, pci_read16(f, PCI_CMD) | PCI_CMD_INTXOFF);
	return size;
}

int
pci_intx_gsi(const struct pci_fn *f)
{
	struct pci_fn host = { 0 };
	uint16_t hb = pci_read16(&host, 2);

	if (f->irq_pin < 1 || f->irq_pin > 4)
		return -1;
	/* q35 (ICH9): QEMU routes slot s, pin p to PIRQ (s + p) % 4 + 4 and
	 * PIRQ n to IOAPIC input 16 + n, whatever the PIC routing says */
	if (pci_read16(&host, 0) == 0x8086 && hb == 0x29c0)
		return 16 + 4 + (f->dev + f->irq_pin - 1) % 4;
	/* pc (PIIX): the firmware's ISA IRQ is also the IOAPIC input */
	return f->irq_line > 0 && f->irq_line < 16 ? f->irq_line : -1;
}
