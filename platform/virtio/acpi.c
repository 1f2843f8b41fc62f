/*
 * acpi.c -- the ACPI power button on QEMU/KVM: `virsh shutdown` (QEMU's
 * system_powerdown) presses it, and the guest ends gracefully the way
 * `xl shutdown` ends a Xen guest (platform/xen/lifecycle.c): the app's
 * td_app_shutdown("poweroff") if it defines one gives the status, then
 * td_exit prints "tandem: exit N" and powers off.
 *
 * Only ACPI's fixed hardware is used, found through the FADT: the
 * PM1a event block (PWRBTN_STS / PWRBTN_EN, bit 8) and the SCI line.
 * No AML: the power button of PIIX4 (pc) and ICH9 (q35) is fixed
 * hardware.  microvm's is not (hardware-reduced ACPI, a GED device), and
 * with acpi=off there are no tables at all; both are said once and left
 * alone.  The firmware leaves the chipset in legacy mode, so ACPI mode is
 * entered through SMI_CMD first (SCI_EN then reads back set).
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "virtio.h"

#define PWRBTN		(1u << 8)	/* in PM1_STS and PM1_EN */
#define SCI_EN		1u		/* in PM1_CNT */
#define HW_REDUCED	(1u << 20)	/* FADT flags */

uint64_t virtio_rsdp;			/* from hvm_start_info, 0 = scan */

static struct {
	uint16_t	evt, cnt;	/* PM1a event / control blocks */
	uint8_t		evtlen;
	int		pressed;
	struct td_thread *t;
} pb;

static int
sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n-- > 0)
		s += *p++;
	return s == 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The RSDP: where the PVH boot said, else in the BIOS area. */
static const uint8_t *
find_rsdp(void)
{
	uintptr_t a;

	if (virtio_rsdp != 0 && virtio_rsdp < 0x100000000ULL)
		return (const uint8_t *)(uintptr_t)virtio_rsdp;
	for (a = 0xe0000; a < 0x100000; a += 16)
		if (memcmp((const void *)a, "RSD PTR ", 8) == 0 &&
		    sum_ok((const uint8_t *)a, 20))
			return (const uint8_t *)a;
	return NULL;
}

/* The FADT through the RSDT (32-bit entries: QEMU's tables sit below
 * 4 GiB, which is all we map anyway). */
static const uint8_t *
find_fadt(void)
{
	const uint8_t *rsdp, *rsdt, *t;
	uint32_t len, i;

	if ((rsdp = find_rsdp()) == NULL)
		return NULL;
	rsdt = (const uint8_t *)(uintptr_t)le32(rsdp + 16);
	if (rsdt == NULL || memcmp(rsdt, "RSDT", 4) != 0)
		return NULL;
	len = le32(rsdt + 4);
	if (len < 36 || len > 4096 || !sum_ok(rsdt, len))
		return NULL;
	for (i = 36; i + 4 <= len; i += 4) {
		t = (const uint8_t *)(uintptr_t)le32(rsdt + i);
		if (t != NULL && memcmp(t, "FACP", 4) == 0 &&
		    le32(t + 4) >= 116 && sum_ok(t, le32(t + 4)))
			return t;
	}
	return NULL;
}

/* Interrupt context: the SCI. */
static void
sci_intr(void *arg)
{
	uint16_t sts = inw(pb.evt);

	if (sts & PWRBTN) {
		outw(pb.evt, PWRBTN);		/* write 1 to clear */
		pb.pressed = 1;
		td_thread_wake(pb.t);
	}
}

static void
button_thread(void *arg)
{
	td_irqflags_t s;
	int status = 0;

	s = td_irq_save();
	while (!pb.pressed) {
		td_thread_prepare_block();
		td_irq_restore(s);
		td_thread_block(UINT64_MAX);
		s = td_irq_save();
	}
	td_irq_restore(s);
	td_printf("tandem: shutdown requested by the host (ACPI power "
	    "button)\n");
	if (td_app_shutdown != NULL)
		status = td_app_shutdown("poweroff");
	td_exit(status);
}

static void
acpi_probe(void)
{
	const uint8_t *f;
	uint16_t smi, sci;
	uint8_t enable;
	int i;

	if (!virtio_platform_live)
		return;
	if ((f = find_fadt()) == NULL)
		return;			/* acpi=off: nothing to press */
	if (le32(f + 112) & HW_REDUCED) {
		td_printf("acpi: hardware-reduced ACPI: no power button "
		    "(virsh shutdown cannot stop this guest)\n");
		return;
	}
	sci = (uint16_t)(f[46] | f[47] << 8);
	smi = (uint16_t)le32(f + 48);
	enable = f[52];
	pb.evt = (uint16_t)le32(f + 56);
	pb.cnt = (uint16_t)le32(f + 64);
	pb.evtlen = f[88];
	if (pb.evt == 0 || pb.cnt == 0 || pb.evtlen < 4)
		return;
	if (!(inw(pb.cnt) & SCI_EN) && smi != 0 && enable != 0) {
		outb(smi, enable);
		for (i = 0; i < 1000000 && !(inw(pb.cnt) & SCI_EN); i++)
			cpu_relax();
	}
	if (!(inw(pb.cnt) & SCI_EN)) {
		td_printf("acpi: cannot enter ACPI mode: no power button\n");
		return;
	}
	pb.t = td_thread_create("acpi", button_thread, NULL,
	    TD_STACK_DEFAULT, 0);
	if (pb.t == NULL || irq_route_gsi(sci, 1, sci_intr, NULL) < 0) {
		td_printf("acpi: cannot route the SCI (irq %u)\n", sci);
		return;
	}
	outw(pb.evt, PWRBTN);			/* a stale press */
	outw((uint16_t)(pb.evt + pb.evtlen / 2), PWRBTN);	/* PM1_EN */
}

static void (*const acpi_probe_hook)(void)
    __attribute__((section("link_set_tandem_init"), used)) = acpi_probe;
