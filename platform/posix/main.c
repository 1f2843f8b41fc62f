/*
 * main.c -- platform posix: td_plat for a Linux process, then core.
 *
 * Usage: PROG [--disk NAME=PATH[,ro]]... [--net tap:IFNAME]...
 *             [KEY=VALUE...] [--] [app args...]
 * Memory: TANDEM_MEM_MB (default 256) in one mmap'd arena.  The
 * remaining words become the kernel command line core parses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <tandem/platform.h>

#include "posix.h"

struct td_platform td_plat;
static uint64_t mono_base;

static uint64_t
host_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
posix_mono_ns(void)
{

	return host_ns(CLOCK_MONOTONIC) - mono_base;
}

static void
posix_cons_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* nowhere to report it */
		buf += n;
		len -= (size_t)n;
	}
}

static void
posix_cons_flush(void)
{

	fflush(stdout);
}

static void __attribute__((noreturn))
posix_exit(int status)
{

	fflush(stdout);
	fflush(stderr);
	_exit(status & 255);
}

/* Idle: the devices' work happens here, as interrupts would on a
 * machine; otherwise sleep in ppoll until a tap has a frame or the
 * deadline passes. */
static void
posix_block(uint64_t deadline)
{
	struct pollfd pfd[TD_NETDEV_MAX];
	struct timespec ts, *tsp = NULL;
	uint64_t now;
	int n, rv;

	if (posix_disk_run() > 0)
		return;
	n = posix_tap_pollfds(pfd, TD_NETDEV_MAX);
	if (deadline != UINT64_MAX) {
		now = posix_mono_ns();
		if (deadline <= now)
			deadline = now;
		ts.tv_sec = (time_t)((deadline - now) / 1000000000ULL);
		ts.tv_nsec = (long)((deadline - now) % 1000000000ULL);
		tsp = &ts;
	} else if (n == 0)
		td_panic("posix: deadlock: no runnable thread, no timer, "
		    "no device to wait for");
	rv = ppoll(pfd, (nfds_t)n, tsp, NULL);
	if (rv > 0)
		posix_tap_ready(pfd, n);
}

static size_t
posix_getrandom(void *buf, size_t len, int nowait)
{
	ssize_t n;

	do
		n = getrandom(buf, len, nowait ? GRND_NONBLOCK : 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? 0 : (size_t)n;
}

/* Joins the words that are not ours into the command line, quoting
 * those with spaces as core's parser expects. */
static char *
make_cmdline(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 3;
	if ((s = calloc(1, len)) == NULL)
		return "";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--disk") == 0 ||
		    strcmp(argv[i], "--net") == 0) {
			i++;
			continue;
		}
		if (s[0] != '\0')
			strcat(s, " ");
		if (strchr(argv[i], ' ') != NULL) {
			strcat(s, "\"");
			strcat(s, argv[i]);
			strcat(s, "\"");
		} else
			strcat(s, argv[i]);
	}
	return s;
}

static int host_argc;
static char **host_argv;

static int
parse_devices(int argc, char **argv)
{
	int i, rv;

	for (i = 1; i < argc; i++) {
		rv = 0;
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--disk") == 0 && i + 1 < argc)
			rv = posix_disk_add(argv[++i]);
		else if (strcmp(argv[i], "--net") == 0 && i + 1 < argc)
			rv = posix_tap_add(argv[++i]);
		if (rv != 0)
			return -1;
	}
	return 0;
}

/* Runs from core's init link set, in the main thread with the heap up,
 * like a machine platform's driver probe. */
static void
posix_devices_init(void)
{

	td_rng_register("getrandom", 100, posix_getrandom);
	if (parse_devices(host_argc, host_argv) != 0)
		td_exit(2);
}

static void (*const posix_init_entry)(void)
    __attribute__((section("link_set_tandem_init"), used)) =
    posix_devices_init;

int
main(int argc, char **argv)
{
	const char *mb = getenv("TANDEM_MEM_MB");
	size_t size = (size_t)(mb != NULL ? atol(mb) : 256) << 20;
	void *ram;

	mono_base = host_ns(CLOCK_MONOTONIC);
	td_plat.name = "posix";
	td_plat.cpuid_sig = "none";
	td_plat.cons_write = posix_cons_write;
	td_plat.cons_flush = posix_cons_flush;
	td_plat.mono_ns = posix_mono_ns;
	td_plat.wall_base_ns = (int64_t)(host_ns(CLOCK_REALTIME) -
	    posix_mono_ns());
	td_plat.block = posix_block;
	td_plat.exit = posix_exit;

	ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (size < (1 << 20) || ram == MAP_FAILED) {
		fprintf(stderr, "posix: cannot map %zu bytes of RAM\n", size);
		return 1;
	}
	td_plat.ram[0].start = (uint64_t)(uintptr_t)ram;
	td_plat.ram[0].len = size;
	td_plat.nram = 1;
	td_plat.cmdline = make_cmdline(argc, argv);

	host_argc = argc;
	host_argv = argv;
	core_main();
}
