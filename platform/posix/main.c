/*
 * main.c -- platform posix: td_plat for a Linux process, then core.
 *
 * Entered through posix_start() (see posix.h for the two modes) from
 * hosted.c's main() or start.S's _start.  Memory: TANDEM_MEM_MB from
 * the environment (default 256) in one mmap'd arena.  Everything
 * reaches Linux through host.h: no C library is used.
 */
#include <linux/random.h>	/* GRND_NONBLOCK */

#include <tandem/core.h>
#include <tandem/hypercall.h>
#include <tandem/platform.h>

#include "posix.h"

#define MEM_MB_DEFAULT	256
#define MEM_MB_MAX	(1 << 20)	/* 1 TiB: a typo, not a wish */

struct td_platform td_plat;
int td_posix_app_mode __attribute__((weak)) = 0;

static uint64_t mono_base;
/* The words that name Tandem's devices and parameters: argv[1..] in
 * tool mode, TANDEM_POSIX split in app mode. */
static char **tdwords;
static int ntdwords;

static uint64_t
host_ns(int clock)
{
	struct __kernel_timespec ts;

	if (host_clock_gettime(clock, &ts) != 0)
		return 0;		/* cannot happen for these clocks */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
posix_mono_ns(void)
{

	return host_ns(CLOCK_MONOTONIC) - mono_base;
}

static int cons_fd = HOST_STDOUT;	/* stderr in app mode */

static void
posix_cons_write(const char *buf, size_t len)
{
	long n;

	while (len > 0) {
		n = host_write(cons_fd, buf, len);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			return;		/* nowhere to report it */
		buf += n;
		len -= (size_t)n;
	}
}

/* cons_write hands every byte to the kernel at once: nothing to push. */
static void
posix_cons_flush(void)
{
}

static void __attribute__((noreturn))
posix_exit(int status)
{

	host_exit_group(status & 255);
}

/* Idle: the devices' work happens here, as interrupts would on a
 * machine; otherwise sleep in ppoll until a tap has a frame or the
 * deadline passes. */
static void
posix_block(uint64_t deadline)
{
	struct pollfd pfd[TD_NETDEV_MAX];
	struct __kernel_timespec ts, *tsp = NULL;
	uint64_t now;
	int n, rv;

	if (posix_disk_run() > 0)
		return;
	n = posix_tap_pollfds(pfd, TD_NETDEV_MAX);
	if (deadline != UINT64_MAX) {
		now = posix_mono_ns();
		if (deadline <= now)
			deadline = now;
		ts.tv_sec = (long long)((deadline - now) / 1000000000ULL);
		ts.tv_nsec = (long long)((deadline - now) % 1000000000ULL);
		tsp = &ts;
	} else if (n == 0)
		td_panic("posix: deadlock: no runnable thread, no timer, "
		    "no device to wait for");
	rv = host_ppoll(pfd, (unsigned)n, tsp);
	if (rv > 0)
		posix_tap_ready(pfd, n);
}

static size_t
posix_getrandom(void *buf, size_t len, int nowait)
{
	long n;

	do
		n = host_getrandom(buf, len, nowait ? GRND_NONBLOCK : 0);
	while (n == -EINTR);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- arguments and environment ------------------------------------ */

/* Memory the platform keeps for the process's lifetime (command line,
 * words), before core's heap exists. */
static void *
boot_alloc(size_t n)
{
	void *p;

	p = host_mmap(NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (host_mmap_failed(p)) {
		posix_warn("posix: cannot map %zu bytes: %s\n", n,
		    posix_strerror((int)(intptr_t)p));
		host_exit_group(1);
	}
	return p;
}

static const char *
env_get(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int
is_space(char c)
{

	return c == ' ' || c == '\t' || c == '\n';
}

/* Splits TANDEM_POSIX into words as a shell would for simple cases:
 * blanks separate, double quotes group (and are removed). */
static char **
split_words(const char *s, int *np)
{
	size_t len = strlen(s);
	char **w = boot_alloc((len / 2 + 2) * sizeof(*w));
	char *out = boot_alloc(len + 1);
	int n = 0, quoted;

	for (;;) {
		while (is_space(*s))
			s++;
		if (*s == '\0')
			break;
		w[n++] = out;
		for (quoted = 0; *s != '\0' && (quoted || !is_space(*s)); s++)
			if (*s == '"')
				quoted = !quoted;
			else
				*out++ = *s;
		*out++ = '\0';
	}
	w[n] = NULL;
	*np = n;
	return w;
}

static int
is_keychar(char c)
{

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Appends one word to the command line, quoted as core's parser wants
 * when it has blanks: KEY="VALUE" keeps a parameter a parameter. */
static char *
put_word(char *p, const char *w)
{
	const char *v = w;

	if (strchr(w, ' ') == NULL && strchr(w, '\t') == NULL) {
		strcpy(p, w);
		return p + strlen(w);
	}
	while (is_keychar(*v))
		v++;
	if (v > w && *v == '=')
		v++;
	else
		v = w;
	memcpy(p, w, (size_t)(v - w));
	p += v - w;
	*p++ = '"';
	strcpy(p, v);
	p += strlen(v);
	*p++ = '"';
	*p = '\0';
	return p;
}

/* Core's command line: the words that do not name devices. */
static char *
make_cmdline(char **w, int n)
{
	size_t len = 1;
	char *s, *p;
	int i, args = 0;

	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 3;
	p = s = boot_alloc(len);
	*p = '\0';
	for (i = 0; i < n; i++) {
		if (!args && (strcmp(w[i], "--disk") == 0 ||
		    strcmp(w[i], "--net") == 0)) {
			i++;
			continue;
		}
		if (strcmp(w[i], "--") == 0)
			args = 1;
		if (p != s)
			*p++ = ' ';
		p = put_word(p, w[i]);
	}
	return s;
}

static int
parse_devices(char **w, int n)
{
	int i, rv;

	for (i = 0; i < n; i++) {
		rv = 0;
		if (strcmp(w[i], "--") == 0)
			break;
		if (strcmp(w[i], "--disk") == 0 || strcmp(w[i], "--net") == 0) {
			if (i + 1 == n) {
				posix_warn("posix: %s needs an argument\n",
				    w[i]);
				return -1;
			}
			if (strcmp(w[i++], "--disk") == 0)
				rv = posix_disk_add(w[i]);
			else
				rv = posix_tap_add(w[i]);
		}
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
	if (parse_devices(tdwords, ntdwords) != 0)
		td_exit(2);
}

static void (*const posix_init_entry)(void)
    __attribute__((section("link_set_tandem_init"), used)) =
    posix_devices_init;

/* TANDEM_MEM_MB in bytes; exits with a message when malformed. */
static size_t
mem_size(char **envp)
{
	const char *v = env_get(envp, "TANDEM_MEM_MB"), *p;
	size_t mb = 0;

	if (v == NULL)
		return (size_t)MEM_MB_DEFAULT << 20;
	for (p = v; *p >= '0' && *p <= '9' && mb <= MEM_MB_MAX; p++)
		mb = mb * 10 + (size_t)(*p - '0');
	if (p == v || *p != '\0' || mb < 1 || mb > MEM_MB_MAX) {
		posix_warn("posix: bad TANDEM_MEM_MB=%s (MiB, 1..%d)\n", v,
		    MEM_MB_MAX);
		host_exit_group(1);
	}
	return mb << 20;
}

/* App mode: fds 0-2 of the app are the host's (see platform.h). */
static long
posix_stdio(int fd, void *buf, size_t len, int write)
{
	long n;

	if (fd < 0 || fd > 2)
		return -EBADF;
	do
		n = write ? host_write(fd, buf, len) : host_read(fd, buf, len);
	while (n == -EINTR);
	return n;
}

void
posix_start(int argc, char **argv, char **envp)
{
	size_t size = mem_size(envp);
	const char *tp = env_get(envp, "TANDEM_POSIX");
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

	ram = host_mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host_mmap_failed(ram)) {
		posix_warn("posix: cannot map %zu bytes of RAM: %s\n", size,
		    posix_strerror((int)(intptr_t)ram));
		host_exit_group(1);
	}
	td_plat.ram[0].start = (uint64_t)(uintptr_t)ram;
	td_plat.ram[0].len = size;
	td_plat.nram = 1;

	td_plat.host_envp = envp;
	td_plat.set_fsbase = posix_set_fsbase;
	if (tp != NULL || td_posix_app_mode) {
		td_plat.host_argv = argv;
		td_plat.host_stdio = posix_stdio;
		td_plat.host_syscall = host_syscall;
		cons_fd = HOST_STDERR;
		tdwords = split_words(tp != NULL ? tp : "", &ntdwords);
	} else if (argc > 0) {
		tdwords = argv + 1;
		ntdwords = argc - 1;
	}
	td_plat.cmdline = make_cmdline(tdwords, ntdwords);
	core_main();
}
