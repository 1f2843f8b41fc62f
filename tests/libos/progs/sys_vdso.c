/*
 * sys_vdso.c -- clock_gettime through the vDSO (libos/vdso.c on Tandem,
 * the kernel's on Linux): the process has one (AT_SYSINFO_EHDR) with
 * __vdso_clock_gettime, the clocks it answers agree with the system
 * call, and what it declines (CPU clocks, unknown clocks) still gets
 * the system call's answer through musl's fallback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long
ns(const struct timespec *t)
{

	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* The vDSO's symbol table has __vdso_clock_gettime (hash-table walk, as
 * a dynamic linker would; DT_HASH or, on Linux, DT_GNU_HASH). */
static int
has_cgt(const Elf64_Ehdr *eh)
{
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *sym = NULL;
	const char *str = NULL, *base = NULL;
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && base == NULL)
			base = (const char *)eh + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
	}
	if (dyn == NULL || base == NULL)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const void *)(base + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_STRTAB)
			str = base + dyn->d_un.d_ptr;
	}
	if (sym == NULL || str == NULL)
		return 0;
	/* the symbol table precedes the string table in both layouts */
	for (i = 0; (const char *)&sym[i] < str && i < 1000; i++)
		if (strcmp(str + sym[i].st_name, "__vdso_clock_gettime") == 0)
			return 1;
	return 0;
}

int
main(void)
{
	static const clockid_t clk[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
	    CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE,
	    CLOCK_MONOTONIC_COARSE, CLOCK_TAI, CLOCK_PROCESS_CPUTIME_ID,
	    CLOCK_THREAD_CPUTIME_ID };
	struct timespec a, b, s;
	unsigned long eh = getauxval(AT_SYSINFO_EHDR);
	long long prev = 0;
	int i, mono = 1, agree = 1;

	printf("vdso: %s\n", eh != 0 ? "yes" : "no");
	printf("__vdso_clock_gettime: %s\n", eh != 0 &&
	    has_cgt((const Elf64_Ehdr *)eh) ? "yes" : "no");
	for (i = 0; i < 10000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (ns(&a) < prev)
			mono = 0;
		prev = ns(&a);
	}
	printf("MONOTONIC never goes back: %s\n", mono ? "yes" : "no");
	for (i = 0; i < (int)(sizeof(clk) / sizeof(clk[0])); i++) {
		int r1 = clock_gettime(clk[i], &a);
		long r2 = syscall(SYS_clock_gettime, clk[i], &s);
		int r3 = clock_gettime(clk[i], &b);

		/* the library's answer brackets the system call's */
		if (r1 != 0 || r2 != 0 || r3 != 0 || a.tv_nsec >= 1000000000 ||
		    ns(&a) > ns(&s) + 10000000 || ns(&s) > ns(&b) + 10000000) {
			printf("clock %d disagrees\n", (int)clk[i]);
			agree = 0;
		}
	}
	printf("clocks agree with the system call: %s\n", agree ? "yes" : "no");
	errno = 0;
	i = clock_gettime(99, &a);
	printf("unknown clock: %d %s\n", i, strerror(errno));
	printf("time() vs REALTIME: %s\n",
	    (clock_gettime(CLOCK_REALTIME, &a), time(NULL) - a.tv_sec <= 1) ?
	    "ok" : "off");
	return 0;
}
