/*
 * proc.c -- the one process: exit, ids, limits, names.
 */
#include "lo.h"
#include <tandem/core.h>

void	lo_unmount_all(void) __attribute__((weak));

void
lo_exit(int status)
{

	lo_fd_closeall();
	if (lo_unmount_all != NULL)
		lo_unmount_all();
	lo_syscall_report();
	rumpuser_exit(status & 255);
}

/* exit of the last thread and exit_group both end the guest: there is
 * one process.  (exit of one thread among several is thread.c's.) */
static long
sys_exit_group(long status)
{

	lo_exit((int)status);
}

static long
sys_getpid(void)
{

	return 1;
}

static long
sys_getppid(void)
{

	return 0;
}

/* ---- credentials: one process, root unless it drops them ------------
 * Linux's rules for root and for a process that gave root up (only
 * its real, effective and saved ids are then allowed). */
struct ids {
	long	r, e, s;
};

static struct ids uids, gids;
static uint32_t	 groups[64];
static int	 ngroups;

static int
id_allowed(const struct ids *c, long id)
{

	return id == -1 || uids.e == 0 || id == c->r || id == c->e ||
	    id == c->s;
}

static long
setres(struct ids *c, long r, long e, long s)
{

	if (!id_allowed(c, r) || !id_allowed(c, e) || !id_allowed(c, s))
		return -EPERM;
	if (r != -1)
		c->r = (uint32_t)r;
	if (e != -1)
		c->e = (uint32_t)e;
	if (s != -1)
		c->s = (uint32_t)s;
	return 0;
}

static long
getres(const struct ids *c, long r, long e, long s)
{

	if (LO_BADPTR(r) || LO_BADPTR(e) || LO_BADPTR(s))
		return -EFAULT;
	*(uint32_t *)r = (uint32_t)c->r;
	*(uint32_t *)e = (uint32_t)c->e;
	*(uint32_t *)s = (uint32_t)c->s;
	return 0;
}

/* setuid: root sets all three; others only the effective one. */
static long
set1(struct ids *c, long id)
{

	if (id < 0 || id > 0xfffffffeL)
		return -EINVAL;
	if (uids.e == 0)
		return setres(c, id, id, id);
	if (id != c->r && id != c->s)
		return -EPERM;
	c->e = id;
	return 0;
}

static long
setre(struct ids *c, long r, long e)
{
	long s = -1;

	if (uids.e != 0 && ((r != -1 && r != c->r && r != c->e) ||
	    !id_allowed(c, e)))
		return -EPERM;
	if (r != -1 || (e != -1 && e != c->r))
		s = e != -1 ? e : c->e;
	return setres(c, r, e, s);
}

static long sys_getuid(void)	{ return uids.r; }
static long sys_geteuid(void)	{ return uids.e; }
static long sys_getgid(void)	{ return gids.r; }
static long sys_getegid(void)	{ return gids.e; }
static long sys_setuid(long id)	{ return set1(&uids, id); }
static long sys_setgid(long id)	{ return set1(&gids, id); }
static long sys_setreuid(long r, long e)	{ return setre(&uids, r, e); }
static long sys_setregid(long r, long e)	{ return setre(&gids, r, e); }

static long
sys_setresuid(long r, long e, long s)
{

	return setres(&uids, r, e, s);
}

static long
sys_setresgid(long r, long e, long s)
{

	return setres(&gids, r, e, s);
}

static long
sys_getresuid(long r, long e, long s)
{

	return getres(&uids, r, e, s);
}

static long
sys_getresgid(long r, long e, long s)
{

	return getres(&gids, r, e, s);
}

/* setfsuid returns the previous fs id and never fails visibly. */
static long
sys_setfsuid(long id)
{

	return uids.e;
}

static long
sys_setfsgid(long id)
{

	return gids.e;
}

static long
sys_getgroups(long size, long list)
{

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return ngroups;
	if (size < ngroups)
		return -EINVAL;
	if (ngroups > 0 && LO_BADPTR(list))
		return -EFAULT;
	memcpy((void *)list, groups, (size_t)ngroups * sizeof(groups[0]));
	return ngroups;
}

static long
sys_setgroups(long size, long list)
{

	if (size < 0 || size > 65536)
		return -EINVAL;
	if (uids.e != 0)
		return -EPERM;
	if (size > (long)(sizeof(groups) / sizeof(groups[0])))
		return -ENOMEM;		/* more than we keep */
	if (size > 0 && LO_BADPTR(list))
		return -EFAULT;
	memcpy(groups, (const void *)list, (size_t)size * sizeof(groups[0]));
	ngroups = (int)size;
	return 0;
}

/* ---- sessions and process groups: the process leads both ---------- */
static long
sys_one(void)
{

	return 1;
}

static long
sys_getpgid(long pid)
{

	if (pid != 0 && pid != 1)
		return -ESRCH;
	return 1;
}

static long
sys_setpgid(long pid, long pgid)
{

	if (pgid < 0)
		return -EINVAL;
	if (pid != 0 && pid != 1)
		return -ESRCH;
	if (pgid != 0 && pgid != 1)
		return -EPERM;		/* no other group to join */
	return 0;
}

/* ---- no other processes -------------------------------------------- */
static long
sys_nosys(void)
{

	return -ENOSYS;
}

static long
sys_wait4(long pid, long status, long options, long ru)
{

	if (options & ~(0x1L | 0x2L | 0x8L | 0x40000000L | 0x20000000L |
	    0x80000000L))		/* WNOHANG WUNTRACED WCONTINUED __W* */
		return -EINVAL;
	return -ECHILD;
}

static long
sys_waitid(long which, long id, long info, long options)
{

	if (which < 0 || which > 3)	/* P_ALL P_PID P_PGID P_PIDFD */
		return -EINVAL;
	if (!(options & (0x4 | 0x2 | 0x8)))	/* WEXITED WSTOPPED WCONTINUED */
		return -EINVAL;
	return -ECHILD;
}

LO_SYSCALL(exit_group, sys_exit_group);
LO_SYSCALL(getpid, sys_getpid);
LO_SYSCALL(getppid, sys_getppid);
LO_SYSCALL(getuid, sys_getuid);
LO_SYSCALL(geteuid, sys_geteuid);
LO_SYSCALL(getgid, sys_getgid);
LO_SYSCALL(getegid, sys_getegid);
LO_SYSCALL(setuid, sys_setuid);
LO_SYSCALL(setgid, sys_setgid);
LO_SYSCALL(setreuid, sys_setreuid);
LO_SYSCALL(setregid, sys_setregid);
LO_SYSCALL(setresuid, sys_setresuid);
LO_SYSCALL(setresgid, sys_setresgid);
LO_SYSCALL(getresuid, sys_getresuid);
LO_SYSCALL(getresgid, sys_getresgid);
LO_SYSCALL(setfsuid, sys_setfsuid);
LO_SYSCALL(setfsgid, sys_setfsgid);
LO_SYSCALL(getgroups, sys_getgroups);
LO_SYSCALL(setgroups, sys_setgroups);
LO_SYSCALL(setsid, sys_one);
LO_SYSCALL(getsid, sys_getpgid);
LO_SYSCALL(getpgid, sys_getpgid);
LO_SYSCALL(getpgrp, sys_one);
LO_SYSCALL(setpgid, sys_setpgid);
LO_SYSCALL(execve, sys_nosys);
LO_SYSCALL(execveat, sys_nosys);
LO_SYSCALL(wait4, sys_wait4);
LO_SYSCALL(waitid, sys_waitid);
