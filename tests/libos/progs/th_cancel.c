/* th_cancel: pthread_cancel of threads blocked in cancellation points
 * (condvar wait, sleep, a read-like futex wait), cleanup handlers,
 * disabled cancellation, pthread_testcancel. */
/* STATUS: 0 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int cleaned, after;

static void
cleanup(void *arg)
{
	cleaned++;
	if (arg != NULL)
		pthread_mutex_unlock(arg);
}

static void *
in_condwait(void *arg)
{
	pthread_mutex_lock(&mu);
	pthread_cleanup_push(cleanup, &mu);
	for (;;)
		pthread_cond_wait(&cv, &mu);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *
in_sleep(void *arg)
{
	pthread_cleanup_push(cleanup, NULL);
	sleep(10);
	after = 1;		/* not reached: sleep is a cancellation point */
	pthread_cleanup_pop(0);
	return NULL;
}

static void *
disabled(void *arg)
{
	int i;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (i = 0; i < 5; i++)
		usleep(2000);
	after = 2;		/* ran on: cancellation was disabled */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	after = 3;		/* not reached */
	return NULL;
}

static void
check(const char *what, void *(*fn)(void *))
{
	pthread_t t;
	void *rv;

	cleaned = 0;
	after = 0;
	pthread_create(&t, NULL, fn, NULL);
	usleep(5000);
	pthread_cancel(t);
	pthread_join(t, &rv);
	printf("%s: %s, cleanup handlers %d, after %d\n", what,
	    rv == PTHREAD_CANCELED ? "canceled" : "returned", cleaned, after);
}

int
main(void)
{
	check("condvar wait", in_condwait);
	printf("mutex free again: %s\n",
	    pthread_mutex_trylock(&mu) == 0 ? "yes" : "no");
	pthread_mutex_unlock(&mu);
	check("sleep", in_sleep);
	check("disabled then testcancel", disabled);
	return 0;
}
