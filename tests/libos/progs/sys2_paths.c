/*
 * sys2_paths.c -- the short paths of read/write, pipes and futexes
 * (bench/syscall.sh's operations, issue 9) keep Linux's meaning: one
 * small buffer on a pipe (partial reads, topping up, packets, a full
 * pipe, EOF, EPIPE), /dev/null, /dev/full and /dev/zero through read,
 * write and the vector forms, a read that keeps its file while another
 * thread closes the fd, and a futex wait that a signal interrupts (EINTR)
 * or that SA_RESTART restarts, and one that times out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT		0	/* <linux/futex.h> */
#define FUTEX_WAKE		1
#define FUTEX_WAIT_PRIVATE	128
#define FUTEX_WAKE_PRIVATE	129

static const char *
ename(int e)
{
	switch (e) {
	case 0:		return "ok";
	case EAGAIN:	return "EAGAIN";
	case EINTR:	return "EINTR";
	case EPIPE:	return "EPIPE";
	case ENOSPC:	return "ENOSPC";
	case EBADF:	return "EBADF";
	case ETIMEDOUT:	return "ETIMEDOUT";
	case EINVAL:	return "EINVAL";
	default:	return "other";
	}
}

/* "N" or "-1 ENAME" */
static const char *
res(long r)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ & 3];

	if (r < 0)
		snprintf(b, 32, "-1 %s", ename(errno));
	else
		snprintf(b, 32, "%ld", r);
	return b;
}

static void
msleep(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void
pipes(void)
{
	int p[2], n, avail;
	char buf[8192];
	long r;

	memset(buf, 'a', sizeof(buf));
	pipe2(p, O_NONBLOCK);
	printf("empty read: %s\n", res(read(p[0], buf, 1)));
	printf("write 1, 2, 3: %s %s %s\n", res(write(p[1], "x", 1)),
	    res(write(p[1], "yz", 2)), res(write(p[1], "abc", 3)));
	ioctl(p[0], FIONREAD, &avail);
	printf("FIONREAD: %d\n", avail);
	printf("read 0: %s\n", res(read(p[0], buf, 0)));
	r = read(p[0], buf, 2);
	printf("read 2: %s %.2s\n", res(r), buf);
	r = read(p[0], buf, 100);
	printf("read rest: %s %.4s\n", res(r), buf);
	for (n = 0; write(p[1], buf, 1000) == 1000; n++)
		;
	printf("1000-byte writes until full: %d, then %s\n", n, ename(errno));
	printf("1 more byte: %s\n", res(write(p[1], "x", 1)));
	ioctl(p[0], FIONREAD, &avail);
	printf("FIONREAD full: %d\n", avail);
	r = read(p[0], buf, 1000);
	printf("read 1000 of a full pipe: %s, now 1 byte: %s\n", res(r),
	    res(write(p[1], "x", 1)));
	close(p[1]);
	for (n = 0; (r = read(p[0], buf, 3000)) > 0; n += (int)r)
		;
	printf("drained %d, then %s\n", n, res(r));
	close(p[0]);

	pipe2(p, O_NONBLOCK | O_DIRECT);
	write(p[1], "abc", 3);
	write(p[1], "defg", 4);
	r = read(p[0], buf, 100);
	printf("packet 1: %s %.3s\n", res(r), buf);
	r = read(p[0], buf, 2);
	printf("packet 2 cut: %s %.2s\n", res(r), buf);
	printf("then: %s\n", res(read(p[0], buf, 100)));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	printf("write, no reader: %s\n", res(write(p[1], "x", 1)));
	close(p[1]);
	printf("write to a closed fd: %s\n", res(write(p[1], "x", 1)));
}

static void
devs(void)
{
	char buf[16];
	struct iovec v[3] = { { buf, 3 }, { buf, 0 }, { buf + 3, 4 } };
	int fd = open("/dev/null", O_RDWR);
	int fl = open("/dev/full", O_WRONLY);
	int z = open("/dev/zero", O_RDONLY);
	int i, zeros = 0;

	printf("null write 1: %s, 0: %s, read: %s\n", res(write(fd, "x", 1)),
	    res(write(fd, "x", 0)), res(read(fd, buf, 16)));
	printf("null writev: %s, readv: %s\n", res(writev(fd, v, 3)),
	    res(readv(fd, v, 3)));
	printf("full write: %s, writev: %s\n", res(write(fl, "x", 1)),
	    res(writev(fl, v, 3)));
	memset(buf, 1, sizeof(buf));
	printf("zero read 5: %s, readv: %s", res(read(z, buf, 5)),
	    res(readv(z, v, 3)));
	for (i = 0; i < 7; i++)
		zeros += buf[i] == 0;
	printf(", zeros: %d\n", zeros);
	printf("read of a write-only fd: %s\n", res(read(fl, buf, 1)));
	close(fd);
	close(fl);
	close(z);
}

static int cp[2];
static long closed_read;

static void *
reader(void *a)
{
	char c = 0;

	closed_read = read(cp[0], &c, 1);
	if (closed_read == 1 && c != 'q')
		closed_read = -2;
	return a;
}

static void
close_while_reading(void)
{
	pthread_t t;

	pipe(cp);
	pthread_create(&t, NULL, reader, NULL);
	msleep(50);
	close(cp[0]);		/* the blocked read keeps the file */
	printf("write after the reader's fd closed: %s\n",
	    res(write(cp[1], "q", 1)));
	pthread_join(t, NULL);
	printf("blocked read then got: %ld\n", closed_read);
	close(cp[1]);
}

static volatile int word;
static pthread_t main_th;
static volatile int handled;

static void
on_usr1(int s)
{

	handled++;
}

static void *
kicker(void *a)
{

	msleep(50);
	pthread_kill(main_th, SIGUSR1);
	if (a != NULL) {		/* the restarted wait: wake it */
		msleep(50);
		word = 1;
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
	return NULL;
}

static void
futexes(void)
{
	struct sigaction sa;
	struct timespec ts = { 0, 30000000 };
	pthread_t t;
	long r;

	main_th = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	word = 0;
	pthread_create(&t, NULL, kicker, NULL);
	r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL);
	pthread_join(t, NULL);
	printf("futex wait, signal without SA_RESTART: %s, handled %d\n",
	    res(r), handled);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	word = 0;
	pthread_create(&t, NULL, kicker, (void *)1);
	r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL);
	pthread_join(t, NULL);
	printf("futex wait, signal with SA_RESTART: %s, word %d, handled %d\n",
	    res(r), word, handled);
	word = 0;
	r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, &ts);
	printf("futex wait 30ms: %s\n", res(r));
	printf("futex wake, nobody: %s\n",
	    res(syscall(SYS_futex, &word, FUTEX_WAKE, INT_MAX)));
	printf("futex wait, value differs: %s\n",
	    res(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, NULL)));
}

int
main(void)
{

	setvbuf(stdout, NULL, _IONBF, 0);
	pipes();
	devs();
	close_while_reading();
	futexes();
	return 0;
}
