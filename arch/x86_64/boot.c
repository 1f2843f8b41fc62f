/*
 * boot.c -- from the entry stubs to a platform.
 *
 * The platform is decided here, at run time, from two facts: which entry
 * the loader took, and what CPUID leaf 0x40000000 and up say.  A Xen PV
 * guest is recognised by its entry alone: there, plain CPUID reports the
 * *outer* hypervisor (e.g. QEMU's TCG) and the Xen leaves answer only
 * through the forced-emulation prefix.
 */
#include <stdint.h>
#include <string.h>

#include <tandem/arch.h>
#include <tandem/platform.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

void	arch_boot(uint32_t kind, uint64_t info) __attribute__((noreturn));

struct td_platform td_plat;	/* filled by the detected platform */

static char cpuid_sig[13];

const char *arch_cpuid_signature(void) { return cpuid_sig; }

static void
sig_of(const uint32_t r[4], char out[13])
{
	int i;

	memcpy(out, &r[1], 4);
	memcpy(out + 4, &r[2], 4);
	memcpy(out + 8, &r[3], 4);
	out[12] = 0;
	for (i = 0; i < 12; i++)
		if (out[i] != 0 && (out[i] < 32 || out[i] > 126))
			out[i] = '?';
}

/*
 * Xen's leaves may sit at 0x40000100 and up (Viridian takes the first
 * block when enabled); scan the blocks as the Xen docs describe.
 */
static uint32_t
xen_cpuid_base(void)
{
	uint32_t base, r[4];
	char s[13];

	for (base = 0x40000000; base < 0x40010000; base += 0x100) {
		cpuid(base, 0, r);
		sig_of(r, s);
		if (memcmp(s, "XenVMMXenVMM", 12) == 0 && r[0] - base >= 2)
			return base;
	}
	return 0;
}

void
arch_boot(uint32_t kind, uint64_t info)
{
	uint32_t r[4], base;

	if (kind == ARCH_ENTRY_PV) {
		/* CPUID would show the outer hypervisor: record that one,
		 * it is what a user debugging nested setups wants to see */
		cpuid(0x40000000, 0, r);
		sig_of(r, cpuid_sig);
		xen_pv_boot((struct start_info *)info);
	}
	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) {
		cpuid(0x40000000, 0, r);
		sig_of(r, cpuid_sig);
	}
	base = xen_cpuid_base();
	if (base != 0)
		xen_pvh_boot((struct hvm_start_info *)info, base);
	virtio_boot((struct hvm_start_info *)info, cpuid_sig);
}
