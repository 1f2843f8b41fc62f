/*
 * common.c -- pieces of Xen platform setup shared by PV and PVH: the
 * td_plat hooks, the RAM list, the command line, boot failures.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "xen.h"

shared_info_t	*xen_shinfo;
vcpu_info_t	*xen_vcpu;
int		 xen_is_pv;
void		*xen_store_ring;
evtchn_port_t	 xen_store_port;

/* PV maps the machine's shared_info frame here; PVH has Xen put it in
 * this pfn.  Either way its old frame is given up. */
char xen_shinfo_page[4096] __attribute__((aligned(4096)));

static char cmdline[1024];

#define PAGE_DOWN(a)	((a) & ~(XEN_PAGE_SIZE - 1))
#define PAGE_UP(a)	(((a) + XEN_PAGE_SIZE - 1) & ~(XEN_PAGE_SIZE - 1))

/* Adds [start, end) rounded inwards to whole pages. */
void
xen_ram_add(uint64_t start, uint64_t end)
{
	struct td_memrange *r;

	start = PAGE_UP(start);
	end = PAGE_DOWN(end);
	if (end <= start || td_plat.nram >= TD_MAXRANGES)
		return;
	r = &td_plat.ram[td_plat.nram++];
	r->start = start;
	r->len = end - start;
}

static void
ram_remove(int i)
{
	memmove(&td_plat.ram[i], &td_plat.ram[i + 1],
	    (td_plat.nram - i - 1) * sizeof(td_plat.ram[0]));
	td_plat.nram--;
}

/* Cuts [start, end), widened to whole pages, out of every range. */
void
xen_ram_reserve(uint64_t start, uint64_t end)
{
	struct td_memrange *r;
	uint64_t rs, re;
	int i;

	start = PAGE_DOWN(start);
	end = PAGE_UP(end);
	for (i = 0; i < td_plat.nram; i++) {
		r = &td_plat.ram[i];
		rs = r->start;
		re = r->start + r->len;
		if (end <= rs || start >= re)
			continue;
		if (start <= rs && end >= re) {
			ram_remove(i--);
			continue;
		}
		if (start <= rs) {
			r->start = end;
			r->len = re - end;
		} else {
			r->len = start - rs;
			if (end < re)	/* split: the tail is a new range */
				xen_ram_add(end, re);
		}
	}
}

uint64_t
xen_ram_total(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < td_plat.nram; i++)
		n += td_plat.ram[i].len;
	return n;
}

const char *
xen_save_cmdline(const char *src, size_t max)
{
	size_t n;

	if (max > sizeof(cmdline) - 1)
		max = sizeof(cmdline) - 1;
	for (n = 0; src != NULL && n < max && src[n] != '\0'; n++)
		cmdline[n] = src[n];
	cmdline[n] = '\0';
	return cmdline;
}

void
xen_boot_fail(const char *msg, long rc)
{
	char num[24];
	unsigned long v = rc < 0 ? -(unsigned long)rc : (unsigned long)rc;
	int i = sizeof(num);

	/* td_printf may not be usable yet: format by hand */
	num[--i] = '\0';
	num[--i] = '\n';
	do
		num[--i] = '0' + v % 10;
	while ((v /= 10) != 0 && i > 1);
	if (rc < 0)
		num[--i] = '-';
	xen_cons_write("tandem: xen boot failed: ", 25);
	xen_cons_write(msg, strlen(msg));
	xen_cons_write(" rc=", 4);
	xen_cons_write(num + i, strlen(num + i));
	xen_exit(255);
}

/* A PV guest kernel runs in ring 3 and may not write the MSR: Xen loads
 * the base for it. */
static void
xen_pv_set_fsbase(uint64_t base)
{
	long rc;

	rc = HYPERVISOR_set_segment_base(SEGBASE_FS, base);
	if (rc != 0)
		td_panic("set_segment_base(FS, %#lx): %ld",
		    (unsigned long)base, rc);
}

void
xen_plat_common(const char *name, const char *sig)
{
	td_plat.name = name;
	td_plat.cpuid_sig = sig;
	td_plat.cons_write = xen_cons_write;
	td_plat.cons_flush = xen_cons_flush;
	td_plat.mono_ns = xen_mono_ns;
	td_plat.block = xen_block;
	td_plat.exit = xen_exit;
	td_plat.set_fsbase = xen_is_pv ? xen_pv_set_fsbase :
	    arch_set_fsbase_msr;
	/* PV page tables change only through Xen (pvmem.c); PVH is ring 0 */
	td_plat.page_protect = xen_is_pv ? xen_pv_protect : arch_mmu_protect;
	td_plat.protect_init = xen_is_pv ? xen_pv_protect_init :
	    arch_mmu_init;
	td_plat.lazy_get = xen_is_pv ? xen_pv_lazy_get : arch_lazy_get;
	td_plat.lazy_set = xen_is_pv ? xen_pv_lazy_set : arch_lazy_set;
	td_plat.lazy_next = xen_is_pv ? xen_pv_lazy_next : arch_lazy_next;
}
