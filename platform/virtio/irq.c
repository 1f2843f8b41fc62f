/*
 * irq.c -- device interrupts on QEMU/KVM: IDT vectors for MSI-X, and the
 * IOAPIC for line interrupts (PCI INTx, virtio-mmio GSIs).
 *
 * The 8259s stay masked (clock.c); a GSI goes through the IOAPIC at the
 * PC-standard 0xfec00000, or through the second one at 0xfec10000 that
 * QEMU's microvm adds for GSIs 24..47.  Line interrupts are level-
 * triggered: every handler on a GSI acknowledges its device (the virtio
 * ISR read), then the LAPIC EOI clears the IOAPIC's remote IRR.
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "virtio.h"

#define IOAPIC0		0xfec00000UL
#define IOAPIC1		0xfec10000UL
#define IOREDTBL(n)	(0x10 + 2 * (n))
#define VEC_FIRST	0x30
#define VEC_LAST	0xdf
#define GSI_MAX		48
#define GSI_SHARE	8
#define LAPIC_ID	((volatile uint32_t *)0xfee00020UL)

struct gsi_line {
	int	vec;			/* 0 = not routed yet */
	int	n;
	void	(*fn[GSI_SHARE])(void *);
	void	*arg[GSI_SHARE];
};

static int next_vec = VEC_FIRST;
static struct gsi_line lines[GSI_MAX];

int
irq_alloc_vector(void)
{
	return next_vec <= VEC_LAST ? next_vec++ : -1;
}

static void
ioapic_write(uintptr_t base, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)base = reg;
	*(volatile uint32_t *)(base + 0x10) = v;
}

static uint32_t
ioapic_read(uintptr_t base, unsigned reg)
{
	*(volatile uint32_t *)base = reg;
	return *(volatile uint32_t *)(base + 0x10);
}

/* Which IOAPIC serves gsi, and its input number there. */
static int
ioapic_of(int gsi, uintptr_t *basep)
{
	uint32_t npins = ((ioapic_read(IOAPIC0, 1) >> 16) & 0xff) + 1;

	if ((uint32_t)gsi < npins) {
		*basep = IOAPIC0;
		return gsi;
	}
	*basep = IOAPIC1;
	if (ioapic_read(IOAPIC1, 1) == 0xffffffff)
		return -1;		/* no second IOAPIC */
	return gsi - (int)npins;
}

static void
gsi_dispatch(void *arg)
{
	struct gsi_line *l = arg;
	int i;

	for (i = 0; i < l->n; i++)
		l->fn[i](l->arg[i]);
	arch_lapic_eoi();
}

/* Shares the GSI's vector among up to GSI_SHARE handlers. */
int
irq_route_gsi(int gsi, int level, void (*fn)(void *), void *arg)
{
	struct gsi_line *l;
	uintptr_t base;
	int pin, vec;
	uint32_t lo;

	if (gsi < 0 || gsi >= GSI_MAX || (pin = ioapic_of(gsi, &base)) < 0)
		return -1;
	l = &lines[gsi];
	if (l->n == GSI_SHARE)
		return -1;
	l->fn[l->n] = fn;
	l->arg[l->n] = arg;
	l->n++;
	if (l->vec != 0)
		return l->vec;
	if ((vec = irq_alloc_vector()) < 0)
		return -1;
	l->vec = vec;
	arch_irq_set_handler(vec, gsi_dispatch, l);
	lo = (uint32_t)vec | (level ? 1u << 15 : 0);	/* fixed, physical, high */
	ioapic_write(base, IOREDTBL(pin) + 1, (*LAPIC_ID >> 24) << 24);
	ioapic_write(base, IOREDTBL(pin), lo);
	return vec;
}
