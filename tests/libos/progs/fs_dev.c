/* fs_dev: /dev/null, zero, full, urandom, random, stdin; device
 * numbers and types; /dev/stdin as the link Linux has. */
#define _GNU_SOURCE
#include "fs_util.h"
#include <sys/sysmacros.h>

static void
dev(const char *p)
{
	struct stat st;

	if (stat(p, &st) < 0) {
		printf("%s: %s\n", p, ename(errno));
		return;
	}
	printf("%s: chr %d %d:%d perm %o\n", p, S_ISCHR(st.st_mode),
	    major(st.st_rdev), minor(st.st_rdev), st.st_mode & 0777);
}

int
main(void)
{
	unsigned char buf[4096], b2[64];
	struct stat st;
	char lk[64];
	ssize_t n;
	int fd, i, nz;

	dev("/dev/null");
	dev("/dev/zero");
	dev("/dev/full");
	dev("/dev/random");
	dev("/dev/urandom");
	fd = open("/dev/null", O_RDWR);
	VAL("null read", read(fd, buf, sizeof(buf)));
	VAL("null write", write(fd, buf, 1000));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 0xff, sizeof(buf));
	VAL("zero read", read(fd, buf, sizeof(buf)));
	for (i = 0, nz = 0; i < (int)sizeof(buf); i++)
		nz += buf[i] != 0;
	printf("zero nonzero bytes: %d\n", nz);
	close(fd);
	fd = open("/dev/full", O_RDWR);
	VAL("full write", write(fd, "x", 1));
	VAL("full read", read(fd, buf, 16));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	VAL("urandom read", read(fd, buf, 64));
	VAL("urandom again", read(fd, b2, 64));
	printf("urandom differs: %d\n", memcmp(buf, b2, 64) != 0);
	close(fd);
	fd = open("/dev/random", O_RDONLY);
	VAL("random read", read(fd, buf, 16));
	close(fd);
	CHK("dev nope", open("/dev/nope", O_RDONLY));
	CHK("mkdir in /dev/null", mkdir("/dev/null/x", 0755));
	/* /dev/stdin: a link, and opening it gives stdin */
	n = readlink("/dev/stdin", lk, sizeof(lk));
	printf("stdin link: %.*s\n", (int)n, lk);
	lstat("/dev/stdout", &st);
	printf("stdout is link: %d\n", S_ISLNK(st.st_mode));
	fd = open("/dev/stdin", O_RDONLY);
	CHK("open /dev/stdin", fd);
	fstat(fd, &st);
	printf("stdin chr: %d\n", S_ISCHR(st.st_mode));
	VAL("read stdin", read(fd, buf, 10));
	close(fd);
	CHK("stat /dev/fd/0", stat("/dev/fd/0", &st));
	CHK("stat /dev/fd/77", stat("/dev/fd/77", &st));
	fd = open("/dev/zero", O_RDONLY);
	{
		char p[32];
		snprintf(p, sizeof(p), "/dev/fd/%d", fd);
		n = readlink(p, lk, sizeof(lk) - 1);
	}
	printf("fd link: %.*s\n", (int)n, lk);
	close(fd);
	CHK("stat /dev", stat("/dev", &st));
	printf("/dev dir: %d\n", S_ISDIR(st.st_mode));
	/* /dev/shm is a tmpfs: files come and go */
	fd = open("/dev/shm/fs_dev.shm", O_CREAT | O_RDWR | O_EXCL, 0600);
	CHK("create in /dev/shm", fd);
	VAL("write", write(fd, "shared", 6));
	fstat(fd, &st);
	printf("shm file: reg %d size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
	close(fd);
	CHK("unlink in /dev/shm", unlink("/dev/shm/fs_dev.shm"));
	stat("/dev/shm", &st);
	printf("/dev/shm: dir %d sticky %d\n", S_ISDIR(st.st_mode),
	    (st.st_mode & 01000) != 0);
	return 0;
}
