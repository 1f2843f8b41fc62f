/*
 * fake.c -- a platform for host unit tests: console into a buffer,
 * virtual time that block() advances to the deadline, exit that a test
 * can catch, and trivial stand-ins for the arch calls core uses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tandem/arch.h>
#include <tandem/core.h>
#include <tandem/platform.h>

#include "test.h"

#define CONS_MAX	(1 << 20)

struct td_platform td_plat;
uint64_t	 fake_now;
int		 fake_masked;
int		 fake_nblock;
char		 fake_cons[CONS_MAX + 1];
size_t		 fake_cons_len;
void		(*fake_block_hook)(uint64_t);
jmp_buf		*fake_exit_jmp;
void		(*fake_exit_hook)(int);
int		 fake_exit_status = -1;
static int	 echo;

static void
cons_write(const char *buf, size_t len)
{
	if (echo)
		(void)!write(2, buf, len);
	if (len > CONS_MAX - fake_cons_len)
		len = CONS_MAX - fake_cons_len;
	memcpy(fake_cons + fake_cons_len, buf, len);
	fake_cons_len += len;
	fake_cons[fake_cons_len] = '\0';
}

static void
cons_flush(void)
{
}

static uint64_t
mono_ns(void)
{
	return fake_now;
}

static void
block(uint64_t deadline)
{
	fake_nblock++;
	if (!fake_masked) {
		printf("  fake block() called with interrupts enabled\n");
		t_cur_failed++;
	}
	if (fake_block_hook != NULL) {
		fake_block_hook(deadline);
		return;
	}
	if (deadline == UINT64_MAX) {
		printf("  deadlock: block() without deadline or events\n");
		fflush(stdout);
		abort();
	}
	if (deadline > fake_now)
		fake_now = deadline;
}

static void __attribute__((noreturn))
plat_exit(int status)
{
	fake_exit_status = status;
	if (fake_exit_jmp != NULL)
		longjmp(*fake_exit_jmp, 1);
	if (fake_exit_hook != NULL)
		fake_exit_hook(status);
	fflush(stdout);
	_exit(status);
}

void *
fake_init(const char *cmdline, size_t ram_bytes)
{
	void *ram = MAP_FAILED;

	echo = getenv("TD_ECHO") != NULL;
	memset(&td_plat, 0, sizeof(td_plat));
	td_plat.name = "fake";
	td_plat.cpuid_sig = "none";
	td_plat.cmdline = cmdline;
	td_plat.cons_write = cons_write;
	td_plat.cons_flush = cons_flush;
	td_plat.mono_ns = mono_ns;
	td_plat.wall_base_ns = 1700000000LL * 1000000000LL;
	td_plat.block = block;
	td_plat.exit = plat_exit;
	if (ram_bytes > 0) {
		ram = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ram == MAP_FAILED) {
			perror("mmap");
			exit(2);
		}
		td_plat.ram[0].start = (uintptr_t)ram;
		td_plat.ram[0].len = ram_bytes;
		td_plat.nram = 1;
	}
	return ram;
}

void
fake_cons_clear(void)
{
	fake_cons_len = 0;
	fake_cons[0] = '\0';
}

int
fake_cons_has(const char *s)
{
	return strstr(fake_cons, s) != NULL;
}

/* ---- arch stand-ins ------------------------------------------------- */

int	arch_irq_mode = ARCH_IRQ_NONE;	/* masking is the fake's below */

td_irqflags_t
td_irq_save(void)
{
	td_irqflags_t f = fake_masked;

	fake_masked = 1;
	return f;
}

void
td_irq_restore(td_irqflags_t f)
{
	fake_masked = (int)f;
}

void
arch_backtrace(uint64_t rbp)
{
	td_printf("    (backtrace from %#lx)\n", (unsigned long)rbp);
}

const char *
arch_symbolize(uint64_t addr, uint64_t *offp)
{
	Dl_info di;

	*offp = addr;
	if (dladdr((void *)addr, &di) == 0 || di.dli_sname == NULL)
		return "?";
	*offp = addr - (uint64_t)di.dli_saddr;
	return di.dli_sname;
}
