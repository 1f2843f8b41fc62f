/* th_sync: mutex, condvar, rwlock, barrier, semaphore, spinlock, once. */
/* STATUS: 0 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#define NPROD	3
#define NITEM	200
#define QLEN	8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER;
static int q[QLEN], qh, qn, done;
static long consumed;

static void *
producer(void *arg)
{
	int i;

	for (i = 1; i <= NITEM; i++) {
		pthread_mutex_lock(&mu);
		while (qn == QLEN)
			pthread_cond_wait(&notfull, &mu);
		q[(qh + qn++) % QLEN] = i;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void *
consumer(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&mu);
		while (qn == 0 && !done)
			pthread_cond_wait(&notempty, &mu);
		if (qn == 0 && done) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		consumed += q[qh];
		qh = (qh + 1) % QLEN;
		qn--;
		pthread_cond_broadcast(&notfull);
		pthread_mutex_unlock(&mu);
	}
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared, readers_saw_torn;

static void *
reader(void *arg)
{
	int i, a, b;

	for (i = 0; i < 100; i++) {
		pthread_rwlock_rdlock(&rw);
		a = shared;
		sched_yield();
		b = shared;
		if (a != b)
			readers_saw_torn = 1;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *
writer(void *arg)
{
	int i;

	for (i = 0; i < 100; i++) {
		pthread_rwlock_wrlock(&rw);
		shared++;
		sched_yield();
		shared++;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static pthread_barrier_t bar;
static int phase[4], barrier_bad;

static void *
barrier_worker(void *arg)
{
	long id = (long)arg;
	int r, i, serial = 0;

	for (r = 0; r < 5; r++) {
		phase[id] = r;
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
		for (i = 0; i < 4; i++)
			if (phase[i] < r)
				barrier_bad = 1;
		pthread_barrier_wait(&bar);
	}
	return (void *)(long)serial;
}

static sem_t sem;
static int sem_got;

static void *
sem_taker(void *arg)
{
	int i;

	for (i = 0; i < 10; i++) {
		sem_wait(&sem);
		__atomic_add_fetch(&sem_got, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_count;
static void once_fn(void) { once_count++; }
static void *
once_worker(void *arg)
{
	pthread_once(&once, once_fn);
	return NULL;
}

int
main(void)
{
	pthread_t p[NPROD], c[2], t[4];
	pthread_spinlock_t sl;
	long serials = 0;
	void *rv;
	int i, v;

	for (i = 0; i < 2; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (i = 0; i < NPROD; i++)
		pthread_create(&p[i], NULL, producer, NULL);
	for (i = 0; i < NPROD; i++)
		pthread_join(p[i], NULL);
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_broadcast(&notempty);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	printf("condvar queue: consumed %ld (want %d)\n", consumed,
	    NPROD * NITEM * (NITEM + 1) / 2);

	pthread_create(&t[0], NULL, reader, NULL);
	pthread_create(&t[1], NULL, reader, NULL);
	pthread_create(&t[2], NULL, writer, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("rwlock: shared=%d torn=%d\n", shared, readers_saw_torn);
	printf("rwlock trywrlock while read-held: ");
	pthread_rwlock_rdlock(&rw);
	printf("%s\n", strerror(pthread_rwlock_trywrlock(&rw)));
	pthread_rwlock_unlock(&rw);

	pthread_barrier_init(&bar, NULL, 4);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_worker, (void *)(long)i);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &rv);
		serials += (long)rv;
	}
	printf("barrier: serial threads %ld (want 5), bad %d\n", serials,
	    barrier_bad);

	sem_init(&sem, 0, 0);
	pthread_create(&t[0], NULL, sem_taker, NULL);
	pthread_create(&t[1], NULL, sem_taker, NULL);
	for (i = 0; i < 20; i++)
		sem_post(&sem);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	sem_getvalue(&sem, &v);
	printf("semaphore: got %d, value %d, trywait: %s\n", sem_got, v,
	    sem_trywait(&sem) == 0 ? "ok" : strerror(errno));

	pthread_mutex_lock(&mu);
	printf("mutex trylock while held: %s\n",
	    strerror(pthread_mutex_trylock(&mu)));
	pthread_mutex_unlock(&mu);
	{
		pthread_mutexattr_t ma;
		pthread_mutex_t em;
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
		pthread_mutex_init(&em, &ma);
		pthread_mutex_lock(&em);
		printf("errorcheck relock: %s\n",
		    strerror(pthread_mutex_lock(&em)));
		pthread_mutex_unlock(&em);
		printf("errorcheck unlock unowned: %s\n",
		    strerror(pthread_mutex_unlock(&em)));
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&em, &ma);
		pthread_mutex_lock(&em);
		printf("recursive relock: %d\n", pthread_mutex_lock(&em));
		pthread_mutex_unlock(&em);
		pthread_mutex_unlock(&em);
	}
	pthread_spin_init(&sl, 0);
	pthread_spin_lock(&sl);
	printf("spin trylock while held: %s\n",
	    strerror(pthread_spin_trylock(&sl)));
	pthread_spin_unlock(&sl);

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, once_worker, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("once: %d\n", once_count);
	return 0;
}
