/*
 * vdso.c -- a vDSO, as Linux gives every process one: clock_gettime
 * without entering the kernel.  musl looks for __vdso_clock_gettime in
 * the ELF image the auxiliary vector's AT_SYSINFO_EHDR points at (its
 * own __vdsosym; the overlay's syscall_arch.h turns that lookup on) and
 * from then on calls it directly for clock_gettime, gettimeofday and
 * time.  Here that image is a few ELF structures in libos's data naming
 * a libos function, and the function reads core's clocks (td_now,
 * td_wall_ns): no system-call dispatch, no rumpuser conversions.
 *
 * What the function does not answer itself (CPU-time clocks, unknown
 * clocks, a bad pointer) it declines with -ENOSYS, and musl makes the
 * system call, which gives Linux's answer -- so the results are the
 * system call's in every case.
 */
#include "lo.h"
#include <linux/elf.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <tandem/core.h>

#define NS	1000000000ULL

static int
vdso_clock_gettime(int clk, struct __kernel_timespec *ts)
{
	uint64_t ns;

	if (LO_BADPTR(ts))
		return -ENOSYS;			/* EFAULT: the system call's */
	switch (clk) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ns = td_now();
		break;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		ns = (uint64_t)td_wall_ns();
		break;
	default:
		return -ENOSYS;
	}
	ts->tv_sec = (long long)(ns / NS);
	ts->tv_nsec = (long long)(ns % NS);
	return 0;
}

/* The image: what musl's lookup reads, nothing more.  One PT_LOAD at
 * offset and address 0 makes the image's own address the load base;
 * DT_HASH's chain count is the number of symbols.  Initialised data, not
 * code that fills it in: the hello image has a size budget. */
struct vdso_img {
	Elf64_Ehdr	eh;
	Elf64_Phdr	ph[2];
	Elf64_Dyn	dyn[4];
	uint32_t	hash[6];	/* nbucket, nchain, bucket, chain[2] */
	Elf64_Sym	sym[2];
	char		str[24];
};

#define OFF(m)	((uint64_t)__builtin_offsetof(struct vdso_img, m))

static struct vdso_img img = {
	.eh = {
		.e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
		    EV_CURRENT },
		.e_type = ET_DYN,
		.e_machine = 62,		/* EM_X86_64 */
		.e_version = EV_CURRENT,
		.e_phoff = OFF(ph),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = 2,
	},
	.ph = {
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		    .p_filesz = sizeof(struct vdso_img),
		    .p_memsz = sizeof(struct vdso_img) },
		{ .p_type = PT_DYNAMIC, .p_flags = PF_R,
		    .p_offset = OFF(dyn), .p_vaddr = OFF(dyn),
		    .p_filesz = sizeof(Elf64_Dyn) * 4,
		    .p_memsz = sizeof(Elf64_Dyn) * 4 },
	},
	.dyn = {
		{ DT_STRTAB, { OFF(str) } },
		{ DT_SYMTAB, { OFF(sym) } },
		{ DT_HASH, { OFF(hash) } },
	},
	.hash = { 1, 2, 1 },		/* one bucket; symbols: null + 1 */
	.sym = { { 0 }, { .st_name = 1,
	    .st_info = (STB_GLOBAL << 4) | STT_FUNC, .st_shndx = 1 } },
	.str = "\0__vdso_clock_gettime",
};

/* The image for AT_SYSINFO_EHDR. */
void *
lo_vdso(void)
{

	/* relative to the image (wraps around: the text lies below) */
	img.sym[1].st_value = (uint64_t)(uintptr_t)vdso_clock_gettime -
	    (uint64_t)(uintptr_t)&img;
	return &img;
}
