/* th_alarm: alarm and setitimer(ITIMER_REAL) deliver SIGALRM to a
 * thread blocked in a system call, which wakes: pause, nanosleep (with
 * the time left), sigsuspend, a futex wait (SA_RESTART or not), a
 * thread blocked in a condvar while main waits. */
/* STATUS: 0 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static int word;

static const char *
ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	default: return strerror(e);
	}
}

static void
on_alarm(int sig)
{
	alarms++;
	word = 1;		/* a futex waiter restarted sees the change */
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
handler(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

static void
arm_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

int
main(void)
{
	struct timespec t0, req = { 5, 0 }, rem;
	struct itimerval it, old;
	sigset_t set;
	unsigned left;
	int r;

	handler(0);
	printf("alarm with none armed: %u\n", alarm(0));
	alarm(10);
	left = alarm(0);
	printf("alarm returns what was left: %s\n",
	    left >= 9 && left <= 10 ? "yes" : "no");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	alarm(1);
	r = pause();
	printf("pause: %d %s, alarms %d, after >= 1s: %s\n", r, ename(errno),
	    alarms, ms_since(&t0) >= 990 ? "yes" : "no");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	arm_ms(100);
	r = nanosleep(&req, &rem);
	printf("nanosleep 5s interrupted: %s, alarms %d, left > 4s: %s, "
	    "woke before 2s: %s\n", r ? ename(errno) : "ok", alarms,
	    rem.tv_sec >= 4 ? "yes" : "no", ms_since(&t0) < 2000 ? "yes" : "no");

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	arm_ms(50);
	sigemptyset(&set);
	r = sigsuspend(&set);
	printf("sigsuspend: %s, alarms %d\n", ename(errno), alarms);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* a futex wait: SA_RESTART restarts it (then *uaddr changed:
	 * EAGAIN), without it EINTR */
	word = 0;
	arm_ms(50);
	r = (int)syscall(SYS_futex, &word, 128, 0, NULL, NULL, 0);
	printf("futex wait, no SA_RESTART: %s, alarms %d\n",
	    r ? ename(errno) : "ok", alarms);
	handler(SA_RESTART);
	word = 0;
	arm_ms(50);
	r = (int)syscall(SYS_futex, &word, 128, 0, NULL, NULL, 0);
	printf("futex wait, SA_RESTART: %s, alarms %d\n",
	    r ? ename(errno) : "ok", alarms);

	/* periodic: 4 ticks of 30ms, counted by sigwait-like sigsuspend */
	alarms = 0;
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = 30000;
	it.it_value = it.it_interval;
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 4)
		pause();
	getitimer(ITIMER_REAL, &old);
	printf("periodic: %d ticks, interval kept %s, armed %s\n", alarms,
	    old.it_interval.tv_usec == 30000 ? "yes" : "no",
	    old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 ? "yes" : "no");
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, &old);
	getitimer(ITIMER_REAL, &old);
	printf("disarmed: %s\n", old.it_value.tv_sec == 0 &&
	    old.it_value.tv_usec == 0 ? "yes" : "no");
	it.it_value.tv_usec = 2000000;
	printf("bad usec: %s\n",
	    setitimer(ITIMER_REAL, &it, NULL) ? ename(errno) : "ok");
	printf("bad which: %s\n", setitimer(7, &it, NULL) ? ename(errno) : "ok");

	/* sleep(3) reports what was left */
	alarms = 0;
	arm_ms(100);
	left = sleep(3);
	printf("sleep 3 interrupted: left %u, alarms %d\n", left, alarms);
	return 0;
}
