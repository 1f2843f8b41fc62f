/* ev_thr_wake: threads blocked in read, poll, epoll_wait and an
 * eventfd read are woken by another thread's write; a blocking write
 * larger than the pipe completes while a thread drains it; a signal
 * sent to a thread blocked in epoll_wait ends it with EINTR. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int p[2], ep, efd;
static char big[300000];
static volatile int caught;

static void *
reader(void *arg)
{
	char buf[8] = { 0 };
	long r = read(p[0], buf, sizeof(buf) - 1);

	printf("reader woke: %ld \"%s\"\n", r, buf);
	return NULL;
}

static void *
poller(void *arg)
{
	struct pollfd pf = { p[0], POLLIN, 0 };
	int r = poll(&pf, 1, -1);

	printf("poller woke: %d revents %x\n", r, pf.revents);
	return NULL;
}

static void *
epoller(void *arg)
{
	struct epoll_event e;
	int r = epoll_wait(ep, &e, 1, -1);

	printf("epoller woke: %d data %llu\n", r,
	    (unsigned long long)e.data.u64);
	return NULL;
}

static void *
counter(void *arg)
{
	uint64_t v = 0;
	long r = read(efd, &v, 8);

	printf("eventfd reader woke: %ld value %llu\n", r,
	    (unsigned long long)v);
	return NULL;
}

static void *
drainer(void *arg)
{
	static char got[sizeof(big)];
	size_t n = 0;
	long r;

	while (n < sizeof(got) && (r = read(p[0], got + n,
	    sizeof(got) - n)) > 0)
		n += (size_t)r;
	printf("drained %zu bytes, same %d\n", n,
	    memcmp(got, big, sizeof(big)) == 0);
	return NULL;
}

static void *
interrupted(void *arg)
{
	struct epoll_event e;
	int r = epoll_wait(ep, &e, 1, -1);

	printf("epoll_wait -> %d %s, handler ran %d\n", r,
	    r < 0 ? strerror(errno) : "", caught);
	return NULL;
}

static void
on_usr1(int sig)
{

	caught++;
}

static void
run(void *(*fn)(void *), void (*poke)(void))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	poll(NULL, 0, 30);		/* let it block */
	printf("poking\n");
	fflush(stdout);
	poke();
	pthread_join(t, NULL);
}

static void poke_pipe(void) { write(p[1], "hi", 2); }
static void poke_efd(void) { uint64_t v = 7; write(efd, &v, 8); }

int
main(void)
{
	struct epoll_event e;
	struct sigaction sa;
	pthread_t t;
	long r;
	size_t i;
	char buf[8];

	setvbuf(stdout, NULL, _IONBF, 0);
	pipe(p);
	run(reader, poke_pipe);
	run(poller, poke_pipe);
	read(p[0], buf, sizeof(buf));
	ep = epoll_create1(0);
	e.events = EPOLLIN;
	e.data.u64 = 42;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
	run(epoller, poke_pipe);
	read(p[0], buf, sizeof(buf));
	efd = eventfd(0, 0);
	run(counter, poke_efd);

	/* one blocking write of 300000 bytes into a 65536-byte pipe */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13 + i / 4099);
	pthread_create(&t, NULL, drainer, NULL);
	r = write(p[1], big, sizeof(big));
	printf("big write -> %ld\n", r);
	pthread_join(t, NULL);

	/* a signal for a blocked thread */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&t, NULL, interrupted, NULL);
	poll(NULL, 0, 30);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	return 0;
}
