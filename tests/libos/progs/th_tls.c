/* th_tls: __thread variables and pthread keys with destructors. */
/* STATUS: 0 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int tv = 42;
static __thread char tbuf[64] = "initial";
static __thread long big[512];
static pthread_key_t key;
static int destroyed;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void
dtor(void *p)
{
	pthread_mutex_lock(&mu);
	destroyed += (int)(long)p;
	pthread_mutex_unlock(&mu);
}

static void *
worker(void *arg)
{
	long id = (long)arg;
	int i, ok = 1;

	if (tv != 42 || strcmp(tbuf, "initial") != 0 || big[100] != 0)
		ok = 0;
	tv = (int)id * 100;
	snprintf(tbuf, sizeof(tbuf), "thread %ld", id);
	for (i = 0; i < 512; i++)
		big[i] = id + i;
	pthread_setspecific(key, (void *)id);
	for (i = 0; i < 5; i++)
		sched_yield();
	if (tv != (int)id * 100 || big[511] != id + 511 ||
	    (long)pthread_getspecific(key) != id)
		ok = 0;
	if (strcmp(tbuf, "thread") <= 0)
		ok = 0;
	return (void *)(long)ok;
}

static void *
seterrno(void *arg)
{
	errno = EIO;
	sched_yield();
	return (void *)(long)errno;
}

int
main(void)
{
	pthread_t t[8];
	void *rv;
	int i, oks = 0;

	pthread_key_create(&key, dtor);
	pthread_setspecific(key, (void *)1000L);
	tv = 7;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], &rv);
		oks += (int)(long)rv;
	}
	printf("threads with private TLS: %d of 8\n", oks);
	printf("main tv=%d tbuf=%s key=%ld\n", tv, tbuf,
	    (long)pthread_getspecific(key));
	printf("destructors ran with sum %d (want 36)\n", destroyed);
	printf("key delete: %d\n", pthread_key_delete(key));
	errno = 0;
	pthread_create(&t[0], NULL, seterrno, NULL);
	pthread_join(t[0], &rv);
	printf("errno is per thread: %s\n", errno == 0 && (long)rv == EIO ?
	    "yes" : "no");
	return 0;
}
