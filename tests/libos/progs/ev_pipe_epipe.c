/* ev_pipe_epipe: writing to a pipe without readers: EPIPE, with SIGPIPE
 * ignored, handled (once per write), blocked (stays pending). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int caught;

static void
on_pipe(int sig)
{

	caught++;
}

static void
try_write(const char *what, int fd)
{
	long r = write(fd, "data", 4);

	printf("%s: write %ld %s, handler ran %d times\n", what, r,
	    r < 0 ? strerror(errno) : "", caught);
}

int
main(void)
{
	int p[2];
	sigset_t s;
	struct sigaction sa;

	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	try_write("ignored", p[1]);
	try_write("ignored again", p[1]);
	printf("zero-length write: %ld\n", (long)write(p[1], "", 0));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_pipe;
	sigaction(SIGPIPE, &sa, NULL);
	try_write("handled", p[1]);
	try_write("handled again", p[1]);

	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	sigprocmask(SIG_BLOCK, &s, NULL);
	try_write("blocked", p[1]);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("after unblocking: handler ran %d times\n", caught);

	/* data written before the reader went stays unread; EPIPE anyway */
	pipe(p);
	write(p[1], "x", 1);
	close(p[0]);
	try_write("with unread data", p[1]);
	close(p[1]);
	return 0;
}
