/*
 * sysinfo.c -- what the process learns about its system and itself:
 * uname, host names, sysinfo, resource limits, getrandom, prctl.
 */
#include "lo.h"
#include <linux/utsname.h>
#include <linux/sysinfo.h>
#include <linux/resource.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <tandem/core.h>

#define RELEASE		"6.1.0-tandem"	/* Linux ABI level, and who we are */

static char	hostname[__NEW_UTS_LEN + 1];
static int	hostname_known;		/* fetched or set (may be "") */
static char	domainname[__NEW_UTS_LEN + 1] = "(none)";

static void
copyname(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > __NEW_UTS_LEN)
		n = __NEW_UTS_LEN;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static long
sys_uname(long p)
{
	struct new_utsname *u = (void *)p;

	if (LO_BADPTR(p))
		return -EFAULT;
	if (!hostname_known && rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME,
	    hostname, sizeof(hostname)) != 0)
		copyname(hostname, "tandem");
	hostname_known = 1;
	memset(u, 0, sizeof(*u));
	copyname(u->sysname, "Linux");
	copyname(u->nodename, hostname);
	copyname(u->release, RELEASE);
	copyname(u->version, "#1 Tandem unikernel");
	copyname(u->machine, "x86_64");
	copyname(u->domainname, domainname);
	return 0;
}

static long
setname(char *dst, long name, long len)
{

	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (len > 0 && LO_BADPTR(name))
		return -EFAULT;
	memcpy(dst, (const void *)name, (size_t)len);
	dst[len] = '\0';
	return 0;
}

static long
sys_sethostname(long name, long len)
{
	long rv = setname(hostname, name, len);

	if (rv == 0)
		hostname_known = 1;
	return rv;
}

static long
sys_setdomainname(long name, long len)
{

	return setname(domainname, name, len);
}

/* RAM is all the memory rumpuser has (RUMP_MEMLIMIT); free is what
 * core's page allocator still has. */
static long
sys_sysinfo(long p)
{
	struct sysinfo *si = (void *)p;
	struct lo_thread *td;
	char num[32];
	uint64_t total = 0;
	int i, procs = 0;

	if (LO_BADPTR(p))
		return -EFAULT;
	if (rumpuser_getparam("RUMP_MEMLIMIT", num, sizeof(num)) == 0)
		for (i = 0; num[i] >= '0' && num[i] <= '9'; i++)
			total = total * 10 + (uint64_t)(num[i] - '0');
	for (td = lo_threads; td != NULL; td = td->next)
		procs += td->app;
	memset(si, 0, sizeof(*si));
	si->uptime = (long)(lo_now() / 1000000000ULL);
	si->totalram = total;
	si->freeram = td_page_nfree() * TD_PAGE_SIZE;
	if (si->freeram > si->totalram)
		si->freeram = si->totalram;
	si->procs = (unsigned short)procs;
	si->mem_unit = 1;
	return 0;
}

/* ---- resource limits ------------------------------------------------ */
#define INF	RLIM_INFINITY
#define NR_OPEN	LO_NOFILE		/* the fd table's size */

static struct rlimit limits[RLIM_NLIMITS] = {
	[RLIMIT_CPU]		= { INF, INF },
	[RLIMIT_FSIZE]		= { INF, INF },
	[RLIMIT_DATA]		= { INF, INF },
	[RLIMIT_STACK]		= { 8UL << 20, INF },
	[RLIMIT_CORE]		= { 0, INF },
	[RLIMIT_RSS]		= { INF, INF },
	[RLIMIT_NPROC]		= { 4096, 4096 },
	[RLIMIT_NOFILE]		= { NR_OPEN, NR_OPEN },
	[RLIMIT_MEMLOCK]	= { 8UL << 20, 8UL << 20 },
	[RLIMIT_AS]		= { INF, INF },
	[RLIMIT_LOCKS]		= { INF, INF },
	[RLIMIT_SIGPENDING]	= { 4096, 4096 },
	[RLIMIT_MSGQUEUE]	= { 819200, 819200 },
	[RLIMIT_NICE]		= { 0, 0 },
	[RLIMIT_RTPRIO]		= { 0, 0 },
	[RLIMIT_RTTIME]		= { INF, INF },
};

static long
sys_prlimit64(long pid, long res, long newp, long oldp)
{
	const struct rlimit *n = (const void *)newp;

	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (pid != 0 && pid != 1)
		return -ESRCH;
	if ((newp != 0 && LO_BADPTR(newp)) || (oldp != 0 && LO_BADPTR(oldp)))
		return -EFAULT;
	if (n != NULL) {
		if (n->rlim_cur > n->rlim_max)
			return -EINVAL;
		/* root may raise hard limits, up to what exists */
		if (res == RLIMIT_NOFILE && n->rlim_max > NR_OPEN)
			return -EPERM;
	}
	if (oldp != 0)
		*(struct rlimit *)oldp = limits[res];
	if (n != NULL)
		limits[res] = *n;
	return 0;
}

static long
sys_getrlimit(long res, long p)
{

	return sys_prlimit64(0, res, 0, p);
}

static long
sys_setrlimit(long res, long p)
{

	if (p == 0)
		return -EFAULT;
	return sys_prlimit64(0, res, p, 0);
}

/* ---- getrandom -------------------------------------------------------- */
static long
sys_getrandom(long buf, long len, long flags)
{
	size_t got = 0, n = (size_t)len;
	int rf = 0, rv;

	if (flags & ~(long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (n == 0)
		return 0;
	if (LO_BADPTR(buf))
		return -EFAULT;
	if (n > 0x1ffffff)		/* Linux's cap per call */
		n = 0x1ffffff;
	if (flags & (GRND_NONBLOCK | GRND_INSECURE))
		rf |= RUMPUSER_RANDOM_NOWAIT;
	if (flags & GRND_RANDOM)
		rf |= RUMPUSER_RANDOM_HARD;
	rv = rumpuser_getrandom((void *)buf, n, rf, &got);
	if (rv != 0 && got == 0)
		return -lo_errno_from_rump(rv);
	if (got == 0)
		return -EAGAIN;		/* no source yet, and told not to wait */
	return (long)got;
}

/* ---- prctl -------------------------------------------------------------- */
static int	pdeathsig, dumpable = 1, keepcaps, no_new_privs, subreaper;
static unsigned long timerslack = 50000;

/* Names of threads, as the kernel keeps them: 15 bytes and a NUL. */
void
lo_thread_setname(struct lo_thread *td, const char *name)
{
	const char *b = name;
	size_t n;

	for (; *name != '\0'; name++)	/* the basename, as comm is */
		if (*name == '/')
			b = name + 1;
	n = strlen(b);
	if (n > sizeof(td->name) - 1)
		n = sizeof(td->name) - 1;
	memcpy(td->name, b, n);
	td->name[n] = '\0';
}

static long
sys_prctl(long op, long a2, long a3, long a4, long a5)
{
	struct lo_thread *td = lo_curthread();
	char nm[16];

	switch (op) {
	case PR_SET_NAME:
		if (LO_BADPTR(a2))
			return -EFAULT;
		memcpy(nm, (const void *)a2, sizeof(nm) - 1);
		nm[sizeof(nm) - 1] = '\0';
		memcpy(td->name, nm, sizeof(nm));
		return 0;
	case PR_GET_NAME:
		if (LO_BADPTR(a2))
			return -EFAULT;
		memcpy((void *)a2, td->name, sizeof(td->name));
		return 0;
	case PR_SET_PDEATHSIG:
		if (a2 < 0 || a2 > 64)
			return -EINVAL;
		pdeathsig = (int)a2;	/* the parent is the host: never */
		return 0;
	case PR_GET_PDEATHSIG:
		if (LO_BADPTR(a2))
			return -EFAULT;
		*(int *)a2 = pdeathsig;
		return 0;
	case PR_GET_DUMPABLE:
		return dumpable;
	case PR_SET_DUMPABLE:
		if (a2 != 0 && a2 != 1)
			return -EINVAL;
		dumpable = (int)a2;
		return 0;
	case PR_GET_KEEPCAPS:
		return keepcaps;
	case PR_SET_KEEPCAPS:
		if (a2 != 0 && a2 != 1)
			return -EINVAL;
		keepcaps = (int)a2;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)timerslack;
	case PR_SET_TIMERSLACK:
		timerslack = a2 > 0 ? (unsigned long)a2 : 50000;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 != 0 || a4 != 0 || a5 != 0)
			return -EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 != 0 || a3 != 0 || a4 != 0 || a5 != 0)
			return -EINVAL;
		return no_new_privs;
	case PR_SET_CHILD_SUBREAPER:
		subreaper = a2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		if (LO_BADPTR(a2))
			return -EFAULT;
		*(int *)a2 = subreaper;
		return 0;
	case PR_CAPBSET_READ:
		return a2 >= 0 && a2 <= 40 ? 1 : -EINVAL;  /* CAP_LAST_CAP */
	case PR_GET_SECCOMP:
		return 0;
	default:
		return -EINVAL;
	}
}

LO_SYSCALL(uname, sys_uname);
LO_SYSCALL(sethostname, sys_sethostname);
LO_SYSCALL(setdomainname, sys_setdomainname);
LO_SYSCALL(sysinfo, sys_sysinfo);
LO_SYSCALL(prlimit64, sys_prlimit64);
LO_SYSCALL(getrlimit, sys_getrlimit);
LO_SYSCALL(setrlimit, sys_setrlimit);
LO_SYSCALL(getrandom, sys_getrandom);
LO_SYSCALL(prctl, sys_prctl);
