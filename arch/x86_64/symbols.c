/*
 * symbols.c -- symbolized backtraces from the table tools/mksyms.sh
 * embeds in .tdsyms at link time (sorted function addresses + names).
 */
#include <stdint.h>

#include <tandem/arch.h>
#include <tandem/core.h>

/* sorted addresses (images live below 4 GiB) and, in the same order,
 * the names one after the other, as tools/mksyms.sh writes them */
extern const uint64_t td_symtab_n;
extern const uint32_t td_symtab_addr[];
extern const char td_symtab_str[];

static const char *
symname(uint64_t i)
{
	const char *p = td_symtab_str;

	while (i-- > 0)
		while (*p++ != '\0')
			;
	return p;
}
extern char _image_start[], _etext[];
extern char boot_stack[], boot_stack_top[];

const char *
arch_symbolize(uint64_t addr, uint64_t *offp)
{
	uint64_t lo = 0, hi = td_symtab_n, mid;

	*offp = addr;
	if (hi == 0 || addr < td_symtab_addr[0] ||
	    addr >= (uint64_t)_etext)
		return "?";
	while (hi - lo > 1) {		/* last entry <= addr */
		mid = (lo + hi) / 2;
		if (td_symtab_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offp = addr - td_symtab_addr[lo];
	return symname(lo);
}

/* A frame pointer is followed only while it points into mapped memory
 * we own; a corrupt chain must not fault the panic path. */
static int
plausible_frame(uint64_t fp)
{
	return fp >= (uint64_t)_image_start && fp < (1ULL << 40) &&
	    (fp & 7) == 0;
}

void
arch_backtrace(uint64_t rbp)
{
	uint64_t *fp = (uint64_t *)rbp, ret, off;
	const char *sym;
	int depth;

	for (depth = 0; depth < 32 && plausible_frame((uint64_t)fp); depth++) {
		ret = fp[1];
		if (ret == 0)
			break;
		sym = arch_symbolize(ret, &off);
		td_printf("    %016lx %s+%#lx\n", ret, sym, off);
		if ((uint64_t *)fp[0] <= fp)
			break;		/* stacks grow down: must go up */
		fp = (uint64_t *)fp[0];
	}
}
