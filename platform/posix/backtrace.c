/*
 * backtrace.c -- arch_backtrace/arch_symbolize for platform posix: the
 * host's dynamic symbol table replaces the image's embedded one (link
 * with -rdynamic for names of static functions' neighbours).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

const char *
arch_symbolize(uint64_t addr, uint64_t *offp)
{
	Dl_info di;

	*offp = addr;
	if (dladdr((void *)(uintptr_t)addr, &di) == 0 || di.dli_sname == NULL)
		return "?";
	*offp = addr - (uint64_t)(uintptr_t)di.dli_saddr;
	return di.dli_sname;
}

void
arch_backtrace(uint64_t rbp)
{
	uint64_t *fp = (uint64_t *)(uintptr_t)rbp, ret, off;
	const char *sym;
	int depth;

	for (depth = 0; depth < 32 && fp != NULL && ((uintptr_t)fp & 7) == 0;
	    depth++) {
		if ((ret = fp[1]) == 0)
			break;
		sym = arch_symbolize(ret, &off);	/* sets off: call first */
		td_printf("    %016lx %s+%#lx\n", (unsigned long)ret, sym,
		    (unsigned long)off);
		if ((uint64_t *)(uintptr_t)fp[0] <= fp)
			break;
		fp = (uint64_t *)(uintptr_t)fp[0];
	}
}
