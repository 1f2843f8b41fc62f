/* th_rlimit: getrlimit/setrlimit/prlimit. */
/* STATUS: 0 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const char *
ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case ESRCH: return "ESRCH";
	default: return strerror(e);
	}
}

int
main(void)
{
	struct rlimit rl, o;
	int r;

	/* only lowering: raising a hard limit depends on privileges the
	 * reference run may lack */
	getrlimit(RLIMIT_NOFILE, &o);
	printf("NOFILE soft <= hard: %s, soft >= 1024: %s\n",
	    o.rlim_cur <= o.rlim_max ? "yes" : "no",
	    o.rlim_cur >= 1024 ? "yes" : "no");
	rl.rlim_max = o.rlim_max;
	rl.rlim_cur = 100;
	r = setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &o);
	printf("NOFILE soft 100: %s, now soft=%lu\n", r ? ename(errno) : "ok",
	    (unsigned long)o.rlim_cur);
	rl.rlim_cur = 1000;
	r = setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &o);
	printf("NOFILE soft back to 1000: %s, now soft=%lu\n",
	    r ? ename(errno) : "ok", (unsigned long)o.rlim_cur);
	rl.rlim_cur = 2000;
	rl.rlim_max = 1000;
	printf("soft > hard: %s\n",
	    setrlimit(RLIMIT_NOFILE, &rl) ? ename(errno) : "ok");
	rl.rlim_cur = rl.rlim_max = 1ULL << 40;
	printf("NOFILE beyond what exists: %s\n",
	    setrlimit(RLIMIT_NOFILE, &rl) ? ename(errno) : "ok");
	printf("bad resource: %s\n",
	    getrlimit(1000, &rl) ? ename(errno) : "ok");

	getrlimit(RLIMIT_CORE, &o);
	rl.rlim_cur = 0;
	rl.rlim_max = o.rlim_max;
	r = setrlimit(RLIMIT_CORE, &rl);
	getrlimit(RLIMIT_CORE, &o);
	printf("CORE 0: %s, soft=%lu\n", r ? ename(errno) : "ok",
	    (unsigned long)o.rlim_cur);
	getrlimit(RLIMIT_STACK, &o);
	printf("STACK soft >= 1M: %s\n", o.rlim_cur >= (1 << 20) ? "yes" : "no");
	getrlimit(RLIMIT_AS, &o);
	rl = o;
	printf("AS unchanged: %s\n", setrlimit(RLIMIT_AS, &rl) ? ename(errno) : "ok");
	getrlimit(RLIMIT_NOFILE, &o);
	rl.rlim_cur = 50;
	rl.rlim_max = o.rlim_max;
	r = prlimit(0, RLIMIT_NOFILE, &rl, &o);
	printf("prlimit: %s, old soft=%lu\n", r ? ename(errno) : "ok",
	    (unsigned long)o.rlim_cur);
	getrlimit(RLIMIT_NOFILE, &o);
	printf("after prlimit soft=%lu\n", (unsigned long)o.rlim_cur);
	printf("prlimit other pid: %s\n",
	    prlimit(999999, RLIMIT_NOFILE, NULL, &o) ? ename(errno) : "ok");
	rl.rlim_cur = rl.rlim_max = 0;
	printf("lower hard to 0 then raise: %s", setrlimit(RLIMIT_CORE, &rl) ?
	    ename(errno) : "ok");
	printf(", raise soft: %s\n", setrlimit(RLIMIT_CORE,
	    &(struct rlimit){ 1, 0 }) ? ename(errno) : "ok");
	return 0;
}
