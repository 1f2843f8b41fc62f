/*
 * init.c -- rumpuser_init, memory, parameters, console, termination and
 * the calls Tandem declines (syscall proxy, daemonising).
 */
#include "hyp_int.h"

struct rumpuser_hyperup hyp_up;
static int hyp_errno;		/* see rumpuser_seterrno() */

int
rumpuser_init(int version, const struct rumpuser_hyperup *up)
{

	if (version != RUMPUSER_VERSION) {
		td_printf("rumpuser: kernel wants hypercall version %d, "
		    "this is %d\n", version, RUMPUSER_VERSION);
		return TD_EINVAL;
	}
	if (up == NULL)
		return TD_EINVAL;
	/* A copy: the kernel may build the table on its stack. */
	hyp_up = *up;
	hyp_rng_init();
	return 0;
}

void
hyp_kthread_enter(void)
{

	if (hyp_up.hyp_schedule == NULL)
		return;
	hyp_up.hyp_schedule();
	hyp_up.hyp_lwproc_newlwp(0);
	hyp_up.hyp_unschedule();
}

/* ---- memory ----------------------------------------------------------- */

int
rumpuser_malloc(size_t len, int alignment, void **memp)
{
	void *p;

	if (alignment < 0 || (alignment & (alignment - 1)) != 0)
		return TD_EINVAL;
	if ((size_t)alignment <= sizeof(void *))
		p = td_malloc_try(len);
	else
		p = td_memalign_try((size_t)alignment, len);
	if (p == NULL)
		return TD_ENOMEM;
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{

	/* The kernel promises the original length; a smaller block means
	 * a double or foreign free, which we would rather see now. */
	if (mem != NULL && td_malloc_usable(mem) < len)
		td_panic("rumpuser_free(%p, %zu): block holds only %zu",
		    mem, len, td_malloc_usable(mem));
	td_free(mem);
}

int
rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec,
    void **memp)
{
	size_t align = TD_PAGE_SIZE;
	void *p;

	if (alignbit < 0 || alignbit > 40)
		return TD_EINVAL;
	if (((size_t)1 << alignbit) > align)
		align = (size_t)1 << alignbit;
	if ((p = td_memalign_try(align, size)) == NULL)
		return TD_ENOMEM;
	hyp_memset(p, 0, size);		/* anonymous memory reads as zero */
	*memp = p;
	return 0;
}

void
rumpuser_unmap(void *addr, size_t len)
{

	td_free(addr);
}

void *
rumpuser_libc_malloc(size_t len)
{

	return td_malloc_try(len);
}

void
rumpuser_libc_free(void *p)
{

	td_free(p);
}

void *
rumpuser_libc_realloc(void *p, size_t len)
{

	return td_realloc(p, len);
}

/* ---- parameters ------------------------------------------------------- */

static const char *
hyp_hostname(void)
{
	static char name[32];
	uint32_t r;

	if (name[0] == '\0') {
		/* "Preferably unique": a random suffix when we can. */
		if (td_rng_read(&r, sizeof(r), 1) == sizeof(r))
			td_snprintf(name, sizeof(name), "tandem-%08x", r);
		else
			hyp_strlcpy(name, "tandem", sizeof(name));
	}
	return name;
}

int
rumpuser_getparam(const char *name, void *buf, size_t blen)
{
	char num[32];
	const char *v;
	size_t n;

	if ((v = td_param(name)) != NULL)
		;
	else if (hyp_strcmp(name, RUMPUSER_PARAM_NCPU) == 0)
		v = "1";
	else if (hyp_strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0)
		v = hyp_hostname();
	else if (hyp_strcmp(name, "RUMP_VERBOSE") == 0)
		v = "0";
	else if (hyp_strcmp(name, "RUMP_MEMLIMIT") == 0) {
		/* All of RAM: the kernel sizes its page daemon from it. */
		td_snprintf(num, sizeof(num), "%zu",
		    td_page_ntotal() * TD_PAGE_SIZE);
		v = num;
	} else
		return TD_ENOENT;
	if ((n = hyp_strlen(v)) >= blen)
		return TD_E2BIG;
	hyp_memcpy(buf, v, n + 1);
	return 0;
}

/* ---- console, errno, signals, termination ----------------------------- */

void
rumpuser_putchar(int ch)
{
	char c = (char)ch;

	td_cons_write(&c, 1);
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	td_vprintf(fmt, ap);
	va_end(ap);
}

/* rumpuser(3): sets the calling host thread's errno.  A thread running
 * app code has its errno in the C library's per-thread data, which the
 * layer running the app knows how to reach (td_app_seterrno, weak:
 * libos defines it); hyp_errno keeps the last value for threads without
 * an app errno and for the hypercall tests. */
void
rumpuser_seterrno(int error)
{

	hyp_errno = error;
	if (td_app_seterrno != NULL)
		td_app_seterrno(error);
}

int
hyp_geterrno(void)
{

	return hyp_errno;
}

/* Advisory (rumpuser(3)): there is no process to signal; the kernel
 * ignores the result. */
int
rumpuser_kill(int64_t pid, int sig)
{

	return 0;
}

void
rumpuser_exit(int value)
{

	if (value == RUMPUSER_PANIC)
		td_panic("rump kernel panic");	/* dumps threads + backtrace */
	td_exit(value);
}

/* ---- not provided in a static unikernel ------------------------------- */

void
rumpuser_dl_bootstrap(rump_modinit_fn domodinit, rump_symload_fn symload,
    rump_compload_fn compload)
{

	/* Components are linked in; their link sets are found statically. */
}

int
rumpuser_daemonize_begin(void)
{

	return TD_ENOSYS;
}

int
rumpuser_daemonize_done(int error)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
    const char *machine)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_copyin(void *arg, const void *raddr, void *laddr, size_t len)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_copyinstr(void *arg, const void *raddr, void *laddr,
    size_t *lenp)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_copyout(void *arg, const void *laddr, void *raddr, size_t len)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_copyoutstr(void *arg, const void *laddr, void *raddr,
    size_t *lenp)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_anonmmap(void *arg, size_t howmuch, void **addr)
{

	return TD_ENOSYS;
}

int
rumpuser_sp_raise(void *arg, int signo)
{

	return TD_ENOSYS;
}

void
rumpuser_sp_fini(void *arg)
{

}

/* ---- string helpers (no libc below libos) ----------------------------- */

int
hyp_strcmp(const char *a, const char *b)
{

	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

size_t
hyp_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

void
hyp_strlcpy(char *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && s[i] != '\0'; i++)
		d[i] = s[i];
	if (n > 0)
		d[i] = '\0';
}

/* Word moves, then the tail: at -Os the builtins become byte-wise
 * `rep movsb/stosb`, and under QEMU TCG every iteration of a rep is an
 * instruction -- zeroing a thread's 140 KiB mmap cost 140k of them. */
void
hyp_memcpy(void *d, const void *s, size_t n)
{
	size_t q = n >> 3, r = n & 7;

	__asm__ volatile("rep movsq; mov %3, %%rcx; rep movsb"
	    : "+D"(d), "+S"(s), "+c"(q) : "r"(r) : "memory");
}

void
hyp_memset(void *d, int c, size_t n)
{
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;
	size_t q = n >> 3, r = n & 7;

	__asm__ volatile("rep stosq; mov %3, %%rcx; rep stosb"
	    : "+D"(d), "+c"(q) : "a"(v), "r"(r) : "memory");
}
