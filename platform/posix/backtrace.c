/*
 * backtrace.c -- arch_backtrace/arch_symbolize for platform posix.
 *
 * The machine images embed their own symbol table (tools/mksyms.sh);
 * a posix program is an ordinary ELF file instead, so the first lookup
 * maps the program file read-only and uses its .symtab (.dynsym if it
 * was stripped).  No C library: dladdr is not available to a program
 * whose libc calls loop back into Tandem.  The load bias of a PIE is
 * the difference between where this very function runs and what the
 * table says.
 */
#include <linux/elf.h>

#include <tandem/arch.h>
#include <tandem/core.h>

#include "posix.h"

static const Elf64_Sym	*syms;
static size_t		 nsyms;
static const char	*strtab;
static size_t		 strsz;
static uint64_t		 bias;
static int		 tried;

/* Section i of the file at base (size bytes), or NULL if out of it. */
static const Elf64_Shdr *
section(const unsigned char *base, size_t size, unsigned i)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;

	if (i >= eh->e_shnum)
		return NULL;
	return (const Elf64_Shdr *)(base + eh->e_shoff) + i;
}

static int
in_file(size_t size, uint64_t off, uint64_t len)
{

	return off <= size && len <= size - off;
}

/* Picks the symbol table of type `type` and its strings; 0 if found. */
static int
use_table(const unsigned char *base, size_t size, uint32_t type)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Shdr *sh, *st;
	unsigned i;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(size, eh->e_shoff, (uint64_t)eh->e_shnum *
	    sizeof(Elf64_Shdr)))
		return -1;
	for (i = 0; i < eh->e_shnum; i++) {
		sh = section(base, size, i);
		if (sh->sh_type != type || sh->sh_entsize != sizeof(Elf64_Sym))
			continue;
		if ((st = section(base, size, sh->sh_link)) == NULL ||
		    !in_file(size, sh->sh_offset, sh->sh_size) ||
		    !in_file(size, st->sh_offset, st->sh_size) ||
		    st->sh_size == 0 ||
		    base[st->sh_offset + st->sh_size - 1] != '\0')
			return -1;
		syms = (const Elf64_Sym *)(base + sh->sh_offset);
		nsyms = sh->sh_size / sizeof(Elf64_Sym);
		strtab = (const char *)base + st->sh_offset;
		strsz = st->sh_size;
		return 0;
	}
	return -1;
}

/* The table's value of this file's arch_symbolize gives the bias; a
 * file without it is not this program (valgrind's /proc/self/exe). */
static int
find_bias(void)
{
	size_t i;

	for (i = 0; i < nsyms; i++)
		if (syms[i].st_name < strsz && syms[i].st_value != 0 &&
		    strcmp(strtab + syms[i].st_name, "arch_symbolize") == 0) {
			bias = (uint64_t)(uintptr_t)arch_symbolize -
			    syms[i].st_value;
			return 0;
		}
	return -1;
}

static int
load_file(const char *path)
{
	const unsigned char *base;
	struct stat st;
	int fd;

	if ((fd = host_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0)) < 0)
		return -1;
	if (host_fstat(fd, &st) != 0 || st.st_size < (long)sizeof(Elf64_Ehdr)) {
		host_close(fd);
		return -1;
	}
	base = host_mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	host_close(fd);
	if (host_mmap_failed(base))
		return -1;
	if (memcmp(base, ELFMAG, SELFMAG) == 0 &&
	    base[EI_CLASS] == ELFCLASS64 &&
	    (use_table(base, st.st_size, SHT_SYMTAB) == 0 ||
	    use_table(base, st.st_size, SHT_DYNSYM) == 0) &&
	    find_bias() == 0)
		return 0;
	syms = NULL;
	nsyms = 0;
	host_munmap((void *)base, st.st_size);
	return -1;
}

static void
load(void)
{
	char path[4096];
	long n;

	tried = 1;
	if (load_file("/proc/self/exe") == 0)
		return;
	/* under valgrind only the link names the program */
	n = host_readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		(void)load_file(path);
	}
}

const char *
arch_symbolize(uint64_t addr, uint64_t *offp)
{
	const Elf64_Sym *s, *best = NULL;
	uint64_t a;
	size_t i;
	int type;

	*offp = addr;
	if (!tried)
		load();
	a = addr - bias;
	for (i = 0; i < nsyms; i++) {
		s = &syms[i];
		type = ELF64_ST_TYPE(s->st_info);
		if ((type != STT_FUNC && type != STT_NOTYPE) ||
		    s->st_shndx == SHN_UNDEF || s->st_name == 0 ||
		    s->st_name >= strsz || s->st_value > a)
			continue;
		if (best == NULL || s->st_value > best->st_value ||
		    (s->st_value == best->st_value && type == STT_FUNC))
			best = s;
	}
	/* past the end of a sized function: not in this program's text
	 * (the C library of a hosted build, the heap...) */
	if (best == NULL ||
	    (best->st_size != 0 && a - best->st_value >= best->st_size))
		return "?";
	*offp = a - best->st_value;
	return strtab + best->st_name;
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
		/* ret - 1: the call itself; after a call to a noreturn
		 * function ret is already the next function's first byte */
		sym = arch_symbolize(ret - 1, &off);	/* sets off first */
		td_printf("    %016lx %s+%#lx\n", (unsigned long)ret, sym,
		    (unsigned long)off + 1);
		if ((uint64_t *)(uintptr_t)fp[0] <= fp)
			break;
		fp = (uint64_t *)(uintptr_t)fp[0];
	}
}
