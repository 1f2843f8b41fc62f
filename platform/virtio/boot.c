/*
 * boot.c -- Tandem on QEMU/KVM (PVH direct boot): memory map and command
 * line from hvm_start_info, COM1 console, clocks, the one-shot timer and
 * exit.  Devices (PCI, virtio) are found later by their own code.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "hw.h"
#include "virtio.h"

extern char _image_start[], _image_end[];

static char cmdline[1024];

static void
com1_init(void)
{
	outb(COM1 + 1, 0x00);		/* no UART interrupts: we poll */
	outb(COM1 + 3, 0x80);		/* DLAB */
	outb(COM1 + 0, 0x01);		/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);		/* 8n1 */
	outb(COM1 + 2, 0xc7);		/* FIFO on, cleared */
}

static void
com1_putc(char c)
{
	int i;

	/* bounded: a UART that never drains must not hang a panic */
	for (i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static void
com1_write(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			com1_putc('\r');
		com1_putc(s[i]);
	}
}

static void
com1_flush(void)
{
	int i;

	/* THRE and TEMT: the last byte has left the shift register */
	for (i = 0; i < 1000000 && (inb(COM1 + 5) & 0x60) != 0x60; i++)
		cpu_relax();
}

static void __attribute__((noreturn))
hvm_exit(int status)
{
	com1_flush();
	/* isa-debug-exit (when the launcher added it): QEMU exits with
	 * (status << 1) | 1 */
	outl(0xf4, (uint32_t)status & 0xff);
	/* else ACPI S5 through the PIIX4/ICH9 PM1a control block QEMU
	 * places at 0x600 on pc and q35 */
	outw(0x604, 0x2000);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void
add_range(uint64_t start, uint64_t end)
{
	uint64_t img0 = (uint64_t)_image_start, img1 = (uint64_t)_image_end;

	start = (start + 4095) & ~4095ULL;
	end &= ~4095ULL;
	if (start < 0x100000)
		start = 0x100000;	/* BIOS, option ROMs, boot info */
	if (end > 0x100000000ULL)
		end = 0x100000000ULL;	/* only 4 GiB are mapped */
	if (start < img1 && end > img0) {
		add_range(start, img0);
		add_range(img1, end);
		return;
	}
	if (end <= start || td_plat.nram >= TD_MAXRANGES)
		return;
	td_plat.ram[td_plat.nram].start = start;
	td_plat.ram[td_plat.nram].len = end - start;
	td_plat.nram++;
}

static void
memmap_init(struct hvm_start_info *si)
{
	struct hvm_memmap_table_entry *e;
	uint32_t i;

	if (si->version < 1 || si->memmap_paddr == 0) {
		/* no map: trust the CMOS extended-memory size, like a PC */
		uint64_t kb;

		outb(0x70, 0x34); kb = inb(0x71);
		outb(0x70, 0x35); kb |= (uint64_t)inb(0x71) << 8;
		add_range(0x1000000, 0x1000000 + (kb << 16));
		return;
	}
	e = (struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	for (i = 0; i < si->memmap_entries && i < 128; i++)
		if (e[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			add_range(e[i].addr, e[i].addr + e[i].size);
}

static void
cmdline_init(struct hvm_start_info *si)
{
	const char *p = (const char *)(uintptr_t)si->cmdline_paddr;
	size_t i = 0;

	if (p != NULL)
		for (; p[i] != 0 && i < sizeof(cmdline) - 1; i++)
			cmdline[i] = p[i];
	cmdline[i] = 0;
	/* QEMU's microvm announces virtio-mmio devices there; they are
	 * ours, not the app's */
	vmmio_strip_cmdline(cmdline);
	td_plat.cmdline = cmdline;
}

void
virtio_boot(struct hvm_start_info *si, const char *sig)
{
	int good = si != NULL && si->magic == XEN_HVM_START_MAGIC_VALUE;

	td_boot_mark("entry");		/* entry.S: page tables, long mode */
	com1_init();
	td_plat.cons_write = com1_write;
	td_plat.cons_flush = com1_flush;
	td_plat.exit = hvm_exit;
	td_plat.set_fsbase = arch_set_fsbase_msr;
	td_plat.page_protect = arch_mmu_protect;
	td_plat.protect_init = arch_mmu_init;
	td_plat.lazy_get = arch_lazy_get;
	td_plat.lazy_set = arch_lazy_set;
	td_plat.lazy_next = arch_lazy_next;
	td_plat.cpuid_sig = sig[0] ? sig : "none";
	if (strncmp(sig, "KVMKVMKVM", 9) == 0)
		td_plat.name = "kvm";
	else if (strcmp(sig, "TCGTCGTCGTCG") == 0)
		td_plat.name = "tcg";
	else
		td_plat.name = "hvm";
	if (!good) {
		com1_write("tandem: panic: no hvm_start_info (bad magic)\n", 46);
		hvm_exit(255);
	}
	cmdline_init(si);
	memmap_init(si);
	if (si->version >= 1)
		virtio_rsdp = si->rsdp_paddr;
	virtio_platform_live = 1;	/* devices are probed by an init hook */
	arch_irq_mode = ARCH_IRQ_CLI;
	arch_traps_init();
	td_boot_mark("platform");
	hw_clock_init(strcmp(td_plat.name, "kvm") == 0);
	td_plat.entry_tsc = arch_entry_tsc;
	td_plat.tsc_hz = hw_tsc_hz();
	td_boot_mark("clock");
	core_main();
}
