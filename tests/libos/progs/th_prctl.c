/* th_prctl: thread names and other prctl options. */
/* STATUS: 0 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

static const char *
ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	default: return strerror(e);
	}
}

static void *
named(void *arg)
{
	char n[16];

	prctl(PR_GET_NAME, n);
	printf("new thread inherits the name: %s\n", n);
	prctl(PR_SET_NAME, "worker-1");
	prctl(PR_GET_NAME, n);
	printf("thread renamed: %s\n", n);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	pthread_t t;
	char n[16];
	int v;

	prctl(PR_GET_NAME, n);
	printf("initial name is argv[0]'s basename: %s\n",
	    strncmp(n, base, 15) == 0 ? "yes" : "no");
	prctl(PR_SET_NAME, "a-rather-long-thread-name");
	prctl(PR_GET_NAME, n);
	printf("long name truncated: %s (%zu)\n", n, strlen(n));
	prctl(PR_SET_NAME, "main-th");
	pthread_create(&t, NULL, named, NULL);
	pthread_join(t, NULL);
	prctl(PR_GET_NAME, n);
	printf("main keeps its name: %s\n", n);
	printf("pthread_setname_np self: %d\n",
	    pthread_setname_np(pthread_self(), "via-pthread"));
	prctl(PR_GET_NAME, n);
	printf("now: %s\n", n);

	printf("PDEATHSIG set: %d\n", prctl(PR_SET_PDEATHSIG, 15));
	prctl(PR_GET_PDEATHSIG, &v);
	printf("PDEATHSIG get: %d\n", v);
	printf("PDEATHSIG bad: %s\n",
	    prctl(PR_SET_PDEATHSIG, 1000) ? ename(errno) : "ok");
	printf("DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE));
	printf("set DUMPABLE 0: %d", prctl(PR_SET_DUMPABLE, 0));
	printf(", now %d\n", prctl(PR_GET_DUMPABLE));
	printf("set DUMPABLE 5: %s\n",
	    prctl(PR_SET_DUMPABLE, 5) ? ename(errno) : "ok");
	printf("NO_NEW_PRIVS: %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf(", set: %d", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	printf(", now: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS));
	printf("unknown option: %s\n", prctl(9999) ? ename(errno) : "ok");
	return 0;
}
