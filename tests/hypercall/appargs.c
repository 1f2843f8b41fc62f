/*
 * appargs.c -- a tiny app for platform posix's app mode (tests/hypercall/
 * run.sh): prints the argv it got, one host environment variable, the
 * core parameter APPTEST (if any), the first bytes of blk0 and the
 * MTU of net0 (if attached), then exits with status 3.  With APPTEST_FS=1 it first
 * moves its FS base (the x86_64 TLS pointer) with the platform's
 * posix_set_fsbase and reads a word back through %fs.
 */
#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <tandem/platform.h>

/* platform/posix/host.h: private to the platform, but this test is
 * about it */
void	posix_set_fsbase(uint64_t base);

static struct td_thread *waiter;
static volatile int done;

static void
read_done(struct td_blkreq *r)
{

	done = 1;
	td_thread_wake(waiter);
}

/* Sector 0 of blk0 up to the first newline, or why not. */
static void
show_blk0(void)
{
	static char buf[512];
	struct td_blkreq r = { 0 };
	struct td_blkdev *d;
	int i;

	if ((d = td_blkdev_lookup("blk0")) == NULL) {
		td_printf("blk0: none\n");
		return;
	}
	r.op = TD_BLK_READ;
	r.buf = buf;
	r.len = sizeof(buf);
	r.done = read_done;
	waiter = td_thread_self();
	td_blkdev_start(d, &r);
	while (!done) {
		td_thread_prepare_block();
		if (!done)
			td_thread_block(UINT64_MAX);
	}
	for (i = 0; i < (int)sizeof(buf) - 1 && buf[i] != '\n'; i++)
		;
	buf[i] = '\0';
	td_printf("blk0: %lu sectors, error %d, <%s>\n",
	    (unsigned long)td_blkdev_info(d)->nsectors, r.error, buf);
}

/* A TLS block as the x86_64 ABI lays it out: its first word points to
 * itself, so %fs:0 reads the base back. */
static void
show_fsbase(void)
{
	static uint64_t tcb[2];
	uint64_t self, word;

	tcb[0] = (uint64_t)(uintptr_t)tcb;
	tcb[1] = 0x7465737466736273ULL;
	posix_set_fsbase((uint64_t)(uintptr_t)tcb);
	__asm__ volatile("movq %%fs:0, %0; movq %%fs:8, %1"
	    : "=r"(self), "=r"(word));
	td_printf("fsbase: %s\n", self == tcb[0] && word == tcb[1] ?
	    "ok" : "WRONG");
}

static int
has_prefix(const char *s, const char *p)
{

	while (*p != '\0' && *s == *p)
		s++, p++;
	return *p == '\0';
}

int
main(int argc, char **argv)
{
	const char *p = td_param("APPTEST");
	struct td_netdev *nd;
	char **e;
	int i;

	if (td_param("APPTEST_FS") != NULL)
		show_fsbase();
	td_printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		td_printf("argv[%d]=<%s>\n", i, argv[i]);
	for (e = td_plat.host_envp; e != NULL && *e != NULL; e++)
		if (has_prefix(*e, "APPTEST_ENV="))
			td_printf("env <%s>\n", *e);
	td_printf("param APPTEST=<%s>\n", p != NULL ? p : "(none)");
	show_blk0();
	if ((nd = td_netdev_lookup("net0")) != NULL)
		td_printf("net0: mtu %u, %s unicast mac\n",
		    td_netdev_info(nd)->mtu,
		    (td_netdev_info(nd)->mac[0] & 3) == 2 ? "local" : "WRONG");
	return 3;
}
