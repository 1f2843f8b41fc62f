/*
 * fs_bench.c -- file system costs on an ext4 disk, the same source for
 * Tandem (tandem-cc, baked with --config fs --mount blk0:/data) and for the
 * Debian Linux guest (musl-gcc -static, run by bench/fs.sh's /init after it
 * mounted /dev/vda on /data).  bench/fs.sh compares the two.
 *
 *   fs_bench DIR [APPENDS]
 *
 * Prints "bench: NAME VALUE" lines (CLOCK_MONOTONIC, so wall time of the
 * guest):
 *   append_per_s     4 KiB appends to a new file, fsync after each
 *   seqwrite_mb_s    256 MiB written in 1 MiB writes, then fsync
 *   seqread_mb_s     the same file read back in 1 MiB reads (Linux: page
 *                    cache dropped first; Tandem has none)
 *   files_per_s      10,000 small files (100 bytes): create+write+close,
 *                    then stat each, then unlink each; files per second
 *                    of the three phases together
 * The last line is "fs_bench: ok" (or "fs_bench: failed"), exit 0 iff ok.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MB		(1024 * 1024)
#define SEQ_MB		256
#define NFILES		10000

static int failed;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{

	printf("fs_bench: %s: %s\n", what, strerror(errno));
	failed = 1;
}

static void
bench_append(const char *dir, int n)
{
	char p[256], buf[4096];
	double t0;
	int fd, i;

	snprintf(p, sizeof(p), "%s/append.log", dir);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644)) < 0)
		return die("open append.log");
	memset(buf, 'a', sizeof(buf));
	t0 = now();
	for (i = 0; i < n; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf) || fsync(fd) != 0) {
			close(fd);
			return die("append");
		}
	printf("bench: append_per_s %.1f\n", n / (now() - t0));
	close(fd);
	unlink(p);
}

static void
dropcache(void)
{
	int fd;

	/* Linux: read from the disk, not from the page cache */
	sync();
	if ((fd = open("/proc/sys/vm/drop_caches", O_WRONLY)) >= 0) {
		if (write(fd, "3\n", 2) != 2)
			die("drop_caches");
		close(fd);
	}
}

static void
bench_seq(const char *dir)
{
	char p[256], *buf;
	double t0;
	int fd, i;

	if ((buf = malloc(MB)) == NULL)
		return die("malloc");
	memset(buf, 's', MB);
	snprintf(p, sizeof(p), "%s/seq.bin", dir);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return die("open seq.bin");
	t0 = now();
	for (i = 0; i < SEQ_MB; i++)
		if (write(fd, buf, MB) != MB)
			return die("seq write");
	if (fsync(fd) != 0)
		return die("seq fsync");
	printf("bench: seqwrite_mb_s %.2f\n", SEQ_MB * 1.048576 / (now() - t0));
	close(fd);
	dropcache();
	if ((fd = open(p, O_RDONLY)) < 0)
		return die("open seq.bin");
	t0 = now();
	for (i = 0; i < SEQ_MB; i++)
		if (read(fd, buf, MB) != MB || buf[MB - 1] != 's')
			return die("seq read");
	printf("bench: seqread_mb_s %.2f\n", SEQ_MB * 1.048576 / (now() - t0));
	close(fd);
	unlink(p);
	free(buf);
}

static void
bench_files(const char *dir)
{
	char p[256], d[200], buf[100];
	struct stat st;
	double t0;
	int fd, i;

	snprintf(d, sizeof(d), "%s/files", dir);
	if (mkdir(d, 0755) != 0)
		return die("mkdir files");
	memset(buf, 'f', sizeof(buf));
	t0 = now();
	for (i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0 ||
		    write(fd, buf, sizeof(buf)) != sizeof(buf) || close(fd) != 0)
			return die("create");
	}
	for (i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if (stat(p, &st) != 0 || st.st_size != sizeof(buf))
			return die("stat");
	}
	for (i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/f%05d", d, i);
		if (unlink(p) != 0)
			return die("unlink");
	}
	printf("bench: files_per_s %.1f\n", NFILES / (now() - t0));
	rmdir(d);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/data";
	int n = argc > 2 ? atoi(argv[2]) : 500;
	const char *only = argc > 3 ? argv[3] : "all";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(only, "all") || !strcmp(only, "append"))
		bench_append(dir, n);
	if (!failed && (!strcmp(only, "all") || !strcmp(only, "seq")))
		bench_seq(dir);
	if (!failed && (!strcmp(only, "all") || !strcmp(only, "files")))
		bench_files(dir);
	printf("fs_bench: %s\n", failed ? "failed" : "ok");
	return failed;
}
