/* th_storm: threads contending on a mutex and condvars with timeouts
 * while a periodic timer signals the process (SA_RESTART handler) and a
 * thread is cancelled and another detached: everything finishes and the
 * totals add up. */
/* STATUS: 0 */
/* TIMEOUT: 120 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NT	12
#define ITER	300

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter, turns;
static volatile sig_atomic_t ticks;

static void
tick(int sig)
{
	ticks++;
}

static void *
worker(void *arg)
{
	struct timespec dl;
	int i;

	for (i = 0; i < ITER; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		turns++;
		pthread_cond_broadcast(&cv);
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_nsec += 200000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
		while (turns % NT != 0 && i % 16 == 0)
			if (pthread_cond_timedwait(&cv, &mu, &dl) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&mu);
		if (i % 50 == 0)
			usleep(100);
	}
	return NULL;
}

static void *
victim(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *
detached(void *arg)
{
	pthread_mutex_lock(&mu);
	counter += 1000;
	pthread_mutex_unlock(&mu);
	return NULL;
}

int
main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	pthread_attr_t a;
	pthread_t t[NT], v, d;
	void *rv;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_create(&v, NULL, victim, NULL);
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_create(&d, &a, detached, NULL);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	pthread_cancel(v);
	pthread_join(v, &rv);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	usleep(10000);
	pthread_mutex_lock(&mu);
	printf("counter=%ld (want %d)\n", counter, NT * ITER + 1000);
	pthread_mutex_unlock(&mu);
	printf("victim cancelled: %s\n", rv == PTHREAD_CANCELED ? "yes" : "no");
	printf("timer signals handled: %s\n", ticks > 0 ? "yes" : "no");
	return 0;
}
