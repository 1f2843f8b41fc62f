/* th_timer: POSIX timers -- a signal with its value, periodic ticks,
 * absolute settings, SIGEV_NONE counting down, SIGEV_THREAD callbacks,
 * errors. */
/* STATUS: 0 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *
ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	default: return strerror(e);
	}
}

static const char *
code_name(int c)
{
	switch (c) {
	case SI_TIMER: return "SI_TIMER";
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	default: return "other";
	}
}

static volatile int cb_count, cb_value;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void
callback(union sigval v)
{
	pthread_mutex_lock(&mu);
	cb_count++;
	cb_value = v.sival_int;
	pthread_mutex_unlock(&mu);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int
main(void)
{
	struct sigevent ev;
	struct itimerspec its, old;
	struct timespec t0, to = { 2, 0 };
	siginfo_t si;
	sigset_t set;
	timer_t t, t2;
	int r, i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 1234;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t);
	printf("timer_create: %d\n", r);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 50000000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	timer_settime(t, 0, &its, NULL);
	timer_gettime(t, &old);
	printf("armed: %s\n", old.it_value.tv_sec == 0 &&
	    old.it_value.tv_nsec > 0 && old.it_value.tv_nsec <= 50000000 ?
	    "yes" : "no");
	r = sigtimedwait(&set, &si, &to);
	printf("one-shot: signal %d, code %s, value %d, after >= 50ms: %s\n",
	    r, code_name(si.si_code), si.si_value.sival_int,
	    ms_since(&t0) >= 50 ? "yes" : "no");
	timer_gettime(t, &old);
	printf("disarmed after firing: %s\n",
	    old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0 ? "yes" : "no");

	its.it_value.tv_nsec = 20000000;
	its.it_interval.tv_nsec = 20000000;
	timer_settime(t, 0, &its, NULL);
	for (i = 0; i < 3; i++)
		if (sigtimedwait(&set, &si, &to) != SIGUSR1)
			break;
	printf("periodic: %d ticks\n", i);
	timer_gettime(t, &old);
	printf("interval kept: %s\n",
	    old.it_interval.tv_nsec == 20000000 ? "yes" : "no");
	/* not taking the signal for a while: expiries become overruns */
	usleep(110000);
	sigtimedwait(&set, &si, &to);
	r = timer_getoverrun(t);
	printf("overrun after ~110ms unread: >= 2: %s\n", r >= 2 ? "yes" : "no");
	memset(&its, 0, sizeof(its));
	timer_settime(t, 0, &its, NULL);
	to.tv_sec = 0;
	to.tv_nsec = 60000000;
	r = sigtimedwait(&set, &si, &to);
	printf("stopped: %s\n", r < 0 ? ename(errno) : "got one");
	to.tv_sec = 2;

	/* absolute, on the realtime clock */
	timer_create(CLOCK_REALTIME, &ev, &t2);
	clock_gettime(CLOCK_REALTIME, &its.it_value);
	its.it_value.tv_nsec += 30000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	timer_settime(t2, TIMER_ABSTIME, &its, NULL);
	r = sigtimedwait(&set, &si, &to);
	printf("absolute realtime: signal %d, >= 20ms: %s\n", r,
	    ms_since(&t0) >= 20 ? "yes" : "no");
	clock_gettime(CLOCK_REALTIME, &its.it_value);
	its.it_value.tv_sec -= 10;
	timer_settime(t2, TIMER_ABSTIME, &its, NULL);
	r = sigtimedwait(&set, &si, &to);
	printf("absolute in the past fires at once: %d\n", r);
	timer_delete(t2);

	/* SIGEV_NONE: no signal, the time still counts down */
	ev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_MONOTONIC, &ev, &t2);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = 5;
	timer_settime(t2, 0, &its, NULL);
	usleep(20000);
	timer_gettime(t2, &old);
	printf("SIGEV_NONE counts down: %s\n",
	    old.it_value.tv_sec == 4 ? "yes" : "no");
	timer_delete(t2);

	/* SIGEV_THREAD: the callback runs in a thread, with its value */
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = callback;
	ev.sigev_value.sival_int = 77;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t2);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 10000000;
	its.it_interval.tv_nsec = 10000000;
	timer_settime(t2, 0, &its, NULL);
	for (i = 0; i < 200 && cb_count < 3; i++)
		usleep(5000);
	timer_delete(t2);
	printf("SIGEV_THREAD: create %d, callbacks >= 3: %s, value %d\n", r,
	    cb_count >= 3 ? "yes" : "no", cb_value);

	printf("delete: %d\n", timer_delete(t));
	printf("settime deleted: %s\n",
	    timer_settime(t, 0, &its, NULL) ? ename(errno) : "ok");
	its.it_value.tv_nsec = 2000000000;
	timer_create(CLOCK_MONOTONIC, NULL, &t);
	printf("bad nsec: %s\n",
	    timer_settime(t, 0, &its, NULL) ? ename(errno) : "ok");
	printf("bad clock: %s\n",
	    timer_create(12345, NULL, &t2) ? ename(errno) : "ok");
	/* the default event: SIGALRM with the timer id as the value */
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 10000000;
	timer_settime(t, 0, &its, NULL);
	r = sigtimedwait(&set, &si, &to);
	printf("default event: signal %d, code %s\n", r, code_name(si.si_code));
	return 0;
}
