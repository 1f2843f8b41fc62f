/* th_proc: ids, credentials kept as they are, no children to wait for,
 * thread ids. */
/* STATUS: 0 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case ECHILD: return "ECHILD";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	default: return strerror(e);
	}
}

static void *
tid_worker(void *arg)
{
	return (void *)(long)(gettid() != getpid());
}

int
main(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	siginfo_t si;
	pthread_t t;
	void *rv;
	int st;

	printf("main thread tid == pid: %s\n", gettid() == getpid() ? "yes" : "no");
	pthread_create(&t, NULL, tid_worker, NULL);
	pthread_join(t, &rv);
	printf("other thread tid != pid: %s\n", rv ? "yes" : "no");
	printf("getppid != getpid: %s\n", getppid() != getpid() ? "yes" : "no");
	getresuid(&r, &e, &s);
	printf("getresuid matches getuid/geteuid: %s\n",
	    r == getuid() && e == geteuid() ? "yes" : "no");
	getresgid(&gr, &ge, &gs);
	printf("getresgid matches getgid/getegid: %s\n",
	    gr == getgid() && ge == getegid() ? "yes" : "no");
	printf("setuid(own uid): %s\n", setuid(getuid()) ? ename(errno) : "ok");
	printf("setgid(own gid): %s\n", setgid(getgid()) ? ename(errno) : "ok");
	printf("setresuid(-1,-1,-1): %s\n",
	    setresuid(-1, -1, -1) ? ename(errno) : "ok");
	printf("getgroups count >= 0: %s\n", getgroups(0, NULL) >= 0 ? "yes" : "no");
	printf("getpgid(0) == getpgrp(): %s\n",
	    getpgid(0) == getpgrp() ? "yes" : "no");
	printf("getpgid(no such pid): %s\n",
	    getpgid(999999) < 0 ? ename(errno) : "found");
	printf("wait: %s\n", wait(&st) < 0 ? ename(errno) : "child");
	printf("waitpid WNOHANG: %s\n",
	    waitpid(-1, &st, WNOHANG) < 0 ? ename(errno) : "child");
	printf("waitid: %s\n",
	    waitid(P_ALL, 0, &si, WEXITED) < 0 ? ename(errno) : "child");
	printf("waitid no options: %s\n",
	    waitid(P_ALL, 0, &si, 0) < 0 ? ename(errno) : "child");
	printf("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
	printf("nice(0): %d\n", nice(0));
	return 0;
}
