/*
 * main.c -- from the platform to the app's main().
 *
 * Boot order: pages, heap, command line, scheduler.  The boot context
 * then becomes the idle thread, and everything else runs in the "main"
 * thread: the init hooks of the link set first (drivers register there,
 * and may sleep or block while doing so, with idle serving their
 * interrupts), then the app.
 */
#include "core_impl.h"

/* apps are used to more stack than a helper thread needs: redis's
 * SAVE compresses with a 512 KiB table on the stack (Linux gives main
 * 8 MiB; 1 MiB holds what the appliances need) */
#define MAIN_STACK	(1024 * 1024)

typedef void (*td_initfn)(void);

/* Provided by the linker script around the link_set_tandem_init
 * section; entries are pointers to functions, NetBSD link-set style. */
extern td_initfn const __start_link_set_tandem_init[];
extern td_initfn const __stop_link_set_tandem_init[];

int	main(int argc, char **argv);

static void
mem_stats(void)
{
	int i;

	td_printf("tandem: platform %s (cpuid %s), %d ram ranges:\n",
	    td_plat.name, td_plat.cpuid_sig != NULL ? td_plat.cpuid_sig : "?",
	    td_plat.nram);
	for (i = 0; i < td_plat.nram; i++)
		td_printf("tandem:   %#014lx-%#014lx %6lu KiB\n",
		    (unsigned long)td_plat.ram[i].start,
		    (unsigned long)(td_plat.ram[i].start + td_plat.ram[i].len),
		    (unsigned long)(td_plat.ram[i].len >> 10));
	td_printf("tandem: pages %zu free of %zu (%zu KiB), heap %zu bytes "
	    "in use, peak %zu\n", td_page_nfree(), td_page_ntotal(),
	    td_page_ntotal() * (TD_PAGE_SIZE >> 10), td_heap_inuse(),
	    td_heap_peak());
}

#define NMARKS	24
static struct {
	const char	*what;		/* NULL: the init hook at fn */
	td_initfn	 fn;
	uint64_t	 tsc;
} marks[NMARKS];
static int nmarks;

static void
mark(const char *what, td_initfn fn)
{

	if (nmarks < NMARKS) {
		marks[nmarks].what = what;
		marks[nmarks].fn = fn;
		marks[nmarks++].tsc = rdtsc();
	}
}

void
td_boot_mark(const char *what)
{

	mark(what, NULL);
}

/* Guest-side boot cost, read by bench/boot.sh: cycles from the image's
 * first instruction to just before main(), then each marked phase. */
static TD_COLD void
boot_stats(void)
{
	uint64_t c, prev, off, hz = td_plat.tsc_hz;
	const char *what;
	int i;

	if (td_plat.entry_tsc == 0)
		return;
	c = rdtsc() - td_plat.entry_tsc;
	td_printf("tandem: boot: entry->main %lu cycles", (unsigned long)c);
	if (hz != 0)
		td_printf(" (%lu us at %lu MHz)",
		    (unsigned long)(c * 1000000 / hz),
		    (unsigned long)(hz / 1000000));
	td_printf("\n");
	prev = td_plat.entry_tsc;
	for (i = 0; i < nmarks && hz != 0; i++) {
		what = marks[i].what;
		if (what == NULL)	/* an init hook: its symbol */
			what = arch_symbolize((uint64_t)(uintptr_t)marks[i].fn,
			    &off);
		td_printf("tandem: boot: phase %s %lu us\n", what,
		    (unsigned long)((marks[i].tsc - prev) * 1000000 / hz));
		prev = marks[i].tsc;
	}
}

static void
main_thread(void *arg)
{
	const td_initfn *fn;
	const char *v;
	char **av;
	int ac;

	for (fn = __start_link_set_tandem_init;
	    fn < __stop_link_set_tandem_init; fn++) {
		(*fn)();
		mark(NULL, *fn);
	}
	if (td_param("TD_BOOTSTATS") != NULL)
		boot_stats();
	/* bench/boot.sh: the cost of getting here, without the app's */
	if (td_param("TD_EXIT_AT_MAIN") != NULL)
		td_exit(0);
	v = td_param("TD_VERBOSE");
	if (v != NULL && strcmp(v, "0") != 0)
		mem_stats();
	ac = td_app_args(&av);
	td_exit(td_app_main != NULL ? td_app_main(ac, av) : main(ac, av));
}

void
core_main(void)
{
	page_init(td_plat.ram, td_plat.nram);
	if (td_page_ntotal() == 0)
		td_panic("no usable RAM in %d ranges", td_plat.nram);
	td_boot_mark("pages");
	heap_init();
	/* W^X for the image, NX elsewhere: needs pages for page tables */
	if (td_plat.protect_init != NULL)
		td_plat.protect_init();
	td_boot_mark("protect");
	stack_init();
	cmdline_init(td_plat.cmdline);
	sched_init();
	td_boot_mark("core");
	if (td_thread_create("main", main_thread, NULL, MAIN_STACK,
	    0) == NULL)
		td_panic("cannot create the main thread");
	sched_idle();
}
