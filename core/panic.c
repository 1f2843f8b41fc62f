/*
 * panic.c -- the two ways out of the guest.  Both print a last line a
 * test harness can match, flush the console and hand the status to the
 * platform.
 */
#include "core_impl.h"

#include <tandem/arch.h>

static int panicking;

static void TD_NORETURN
leave(int status)
{
	if (td_plat.cons_flush != NULL)
		td_plat.cons_flush();
	td_plat.exit(status);
}

void
td_panic(const char *fmt, ...)
{
	va_list ap;

	(void)td_irq_save();
	td_printf("tandem: panic: ");
	va_start(ap, fmt);
	td_vprintf(fmt, ap);
	va_end(ap);
	td_printf("\n");
	/* a fault in the report must not loop back here */
	if (panicking++ == 0) {
		td_printf("  backtrace:\n");
		arch_backtrace((uint64_t)__builtin_frame_address(0));
		sched_dump();
	}
	leave(255);
}

void
panic_oom(const char *what, size_t n, const void *caller)
{
	const char *sym;
	uint64_t off;

	sym = arch_symbolize((uint64_t)caller, &off);
	td_panic("out of memory: %s(%zu) from %s+%#lx (%zu of %zu pages "
	    "free, heap %zu bytes)", what, n, sym, (unsigned long)off,
	    td_page_nfree(), td_page_ntotal(), td_heap_inuse());
}

/*
 * Apps are built with -fstack-protector-strong; a function whose canary
 * was overwritten calls __stack_chk_fail, which the image link
 * (tools/link-image.sh, --wrap) sends here: musl's own would execute
 * hlt, which in ring 0 just waits for the next interrupt.
 */
void TD_NORETURN __wrap___stack_chk_fail(void);

void
__wrap___stack_chk_fail(void)
{
	uint64_t ret = (uint64_t)__builtin_return_address(0), off;
	const char *sym = arch_symbolize(ret, &off);

	td_panic("stack smashing detected (__stack_chk_fail) in %s+%#lx",
	    sym, (unsigned long)off);
}

void
td_exit(int status)
{
	if (td_plat.host_stdio == NULL)	/* see platform.h */
		td_printf("tandem: exit %d\n", status);
	leave(status & 255);
}
