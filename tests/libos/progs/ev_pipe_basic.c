/* ev_pipe_basic: pipe data in order, EOF once the writers are gone,
 * FIONREAD, readv/writev, pipe2 flags, F_GETFL/F_GETFD, bad arguments. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHOW(what, expr) do {						\
	long r_ = (long)(expr);						\
	printf("%s = %ld%s%s\n", what, r_, r_ < 0 ? " " : "",		\
	    r_ < 0 ? strerror(errno) : "");				\
} while (0)

int
main(void)
{
	int p[2], n, fl;
	char buf[64];
	struct iovec iov[3];

	SHOW("pipe", pipe(p));
	SHOW("write hello", write(p[1], "hello", 5));
	SHOW("write world", write(p[1], ", world", 7));
	SHOW("FIONREAD rv", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD = %d\n", n);
	SHOW("FIONREAD on write end rv", ioctl(p[1], FIONREAD, &n));
	printf("FIONREAD = %d\n", n);
	memset(buf, 0, sizeof(buf));
	SHOW("read 3", read(p[0], buf, 3));
	printf("got \"%s\"\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW("read 64", read(p[0], buf, 64));
	printf("got \"%s\"\n", buf);
	SHOW("read 0 bytes", read(p[0], buf, 0));
	SHOW("write 0 bytes", write(p[1], buf, 0));

	/* writev gathers, readv scatters */
	iov[0].iov_base = "abc"; iov[0].iov_len = 3;
	iov[1].iov_base = ""; iov[1].iov_len = 0;
	iov[2].iov_base = "defgh"; iov[2].iov_len = 5;
	SHOW("writev", writev(p[1], iov, 3));
	memset(buf, 0, sizeof(buf));
	iov[0].iov_base = buf; iov[0].iov_len = 2;
	iov[1].iov_base = buf + 10; iov[1].iov_len = 4;
	iov[2].iov_base = buf + 20; iov[2].iov_len = 10;
	SHOW("readv", readv(p[0], iov, 3));
	printf("got \"%s\" \"%s\" \"%s\"\n", buf, buf + 10, buf + 20);

	/* the wrong end */
	SHOW("read write end", read(p[1], buf, 1));
	SHOW("write read end", write(p[0], "x", 1));
	SHOW("lseek", lseek(p[0], 0, SEEK_SET));
	SHOW("pread", pread(p[0], buf, 1, 0));

	/* flags */
	fl = fcntl(p[0], F_GETFL);
	printf("F_GETFL read end: accmode %d nonblock %d\n", fl & O_ACCMODE,
	    !!(fl & O_NONBLOCK));
	fl = fcntl(p[1], F_GETFL);
	printf("F_GETFL write end: accmode %d nonblock %d\n", fl & O_ACCMODE,
	    !!(fl & O_NONBLOCK));
	SHOW("F_GETFD", fcntl(p[0], F_GETFD));
	SHOW("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));

	/* EOF: one writer gone but a dup remains, then the last */
	n = dup(p[1]);
	SHOW("close write end", close(p[1]));
	SHOW("write via dup", write(n, "z", 1));
	SHOW("read", read(p[0], buf, sizeof(buf)));
	SHOW("close dup", close(n));
	SHOW("read at EOF", read(p[0], buf, sizeof(buf)));
	SHOW("read at EOF again", read(p[0], buf, sizeof(buf)));
	SHOW("close read end", close(p[0]));
	SHOW("close again", close(p[0]));

	/* pipe2 */
	SHOW("pipe2 O_CLOEXEC|O_NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	SHOW("F_GETFD", fcntl(p[0], F_GETFD));
	SHOW("F_GETFD write end", fcntl(p[1], F_GETFD));
	printf("nonblock %d %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	    !!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	SHOW("read empty nonblocking", read(p[0], buf, 1));
	close(p[0]);
	close(p[1]);
	SHOW("pipe2 O_DIRECT", pipe2(p, O_DIRECT));
	close(p[0]);
	close(p[1]);
	SHOW("pipe2 bad flags", pipe2(p, O_APPEND));
	SHOW("pipe2 O_RDWR", pipe2(p, O_RDWR));
	printf("lowest fds again: ");
	pipe(p);
	printf("%d %d\n", p[0], p[1]);
	return 0;
}
