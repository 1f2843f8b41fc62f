/*
 * guest.c -- the ext4 checks' program inside real guests (tests/fs/guest.sh
 * bakes it with --config fs --mount blk0:/data; tests/xen/fs.sh boots it
 * under Xen): plain POSIX through musl and libos, so the same source also
 * runs on the host (the reference for the manifest).
 *
 *   guest gen DIR        the tree of tests/fs/tree.py gen in DIR
 *   guest gentiny DIR    tree.py gentiny's tree (for Xen guests)
 *   guest walk DIR       its "M ..." manifest as tree.py walk prints it,
 *                        "BAD ..." for content not following the rule
 *   guest append DIR N [A]  4 KiB records to DIR/log, fsync after each,
 *                        "acked I" after each; every 8th also a block to
 *                        DIR/frag (so log's extent tree leaves the inode)
 *   guest checklog DIR N records 0..N of DIR/log intact
 *
 * The last line is "guest: ok" or "guest: N problems"; exit 0 iff ok.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC	4096

static int bad;

static void
problem(const char *what, const char *path)
{

	printf("BAD %s %s: %s\n", what, path, strerror(errno));
	bad++;
}

/* byte k of a file of n bytes (tree.py's content()) */
static unsigned char
byte(long n, long k)
{

	return (unsigned char)((k * 131 + (n * 7 + 3) % 251) % 251);
}

static void
mkfile(const char *dir, const char *name, long n, int mode)
{
	static unsigned char buf[65536];
	char p[512];
	long off, i, c;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		problem("create", p);
		return;
	}
	for (off = 0; off < n; off += c) {
		c = n - off < (long)sizeof(buf) ? n - off : (long)sizeof(buf);
		for (i = 0; i < c; i++)
			buf[i] = byte(n, off + i);
		if (write(fd, buf, (size_t)c) != c) {
			problem("write", p);
			break;
		}
	}
	if (close(fd) != 0 || chmod(p, (mode_t)mode) != 0)
		problem("close/chmod", p);
}

static void
cmd_gen(const char *top)
{
	static const long sizes[] = { 0, 1, 100, 4095, 4096, 4097, 12289,
	    70000, 1048576 + 3, 2 * 1048576 + 4097 };
	static const char *dirs[] = { "", "/x", "/x/y", "/x/y/z" };
	static const int modes[] = { 0644, 0600, 0755 };
	char d[256], name[64], q[41], p[512];
	int i;

	for (i = 1; i < 4; i++) {
		snprintf(d, sizeof(d), "%s%s", top, dirs[i]);
		if (mkdir(d, 0755) != 0)
			problem("mkdir", d);
	}
	for (i = 0; i < 10; i++) {
		snprintf(d, sizeof(d), "%s%s", top, dirs[i % 4]);
		snprintf(name, sizeof(name), "file%d", i);
		mkfile(d, name, sizes[i], modes[i % 3]);
	}
	snprintf(d, sizeof(d), "%s/big", top);
	if (mkdir(d, 0755) != 0)
		problem("mkdir", d);
	for (i = 0; i < 300; i++) {
		memset(q, 'q', sizeof(q));
		q[i % 40] = 0;
		snprintf(name, sizeof(name), "name-%03d-%s", i, q);
		mkfile(d, name, i * 7L, 0644);
	}
	snprintf(p, sizeof(p), "%s/fastlink", top);
	if (symlink("x/file1", p) != 0)
		problem("symlink", p);
	snprintf(p, sizeof(p), "%s/slowlink", top);
	strcpy(d, "/");
	for (i = 0; i < 30; i++)
		strcat(d, "long/");
	strcat(d, "target");
	if (symlink(d, p) != 0)
		problem("symlink", p);
	snprintf(p, sizeof(p), "%s/x", top);
	if (chmod(p, 0711) != 0)
		problem("chmod", p);
}

static void
cmd_gentiny(const char *top)
{
	static const struct { const char *dir, *name; long n; int mode; } f[] = {
		{ "", "file0", 0, 0644 }, { "/x", "file1", 1, 0600 },
		{ "/x/y", "file2", 4097, 0755 }, { "", "file3", 70000, 0644 },
	};
	char d[256], name[64], p[512];
	int i;

	snprintf(d, sizeof(d), "%s/x", top);
	if (mkdir(d, 0755) != 0)
		problem("mkdir", d);
	snprintf(d, sizeof(d), "%s/x/y", top);
	if (mkdir(d, 0755) != 0)
		problem("mkdir", d);
	for (i = 0; i < 4; i++) {
		snprintf(d, sizeof(d), "%s%s", top, f[i].dir);
		mkfile(d, f[i].name, f[i].n, f[i].mode);
	}
	snprintf(d, sizeof(d), "%s/big", top);
	if (mkdir(d, 0755) != 0)
		problem("mkdir", d);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "name-%03d", i);
		mkfile(d, name, i * 7L, 0644);
	}
	snprintf(p, sizeof(p), "%s/fastlink", top);
	if (symlink("x/file1", p) != 0)
		problem("symlink", p);
}

static int
cmpname(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_content(const char *full, const char *rel, long n)
{
	static unsigned char buf[65536];
	long off = 0, i;
	ssize_t got;
	int fd;

	if ((fd = open(full, O_RDONLY)) < 0) {
		problem("open", full);
		return;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < got; i++)
			if (buf[i] != byte(n, off + i))
				break;
		if (i < got)
			break;
		off += got;
	}
	close(fd);
	if (off != n) {
		printf("BAD %s: content\n", rel);
		bad++;
	}
}

static void
walk(const char *top, const char *rel)
{
	char full[1024], p[1024], link[1024], **names = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0, cap = 0, i;
	ssize_t l;
	DIR *d;

	snprintf(full, sizeof(full), "%s%s", top, rel);
	if ((d = opendir(full)) == NULL) {
		problem("opendir", full);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!*rel && !strcmp(de->d_name, "lost+found")))
			continue;
		if (n == cap && (names = realloc(names, (cap += 64) *
		    sizeof(*names))) == NULL)
			abort();
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmpname);
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", rel, names[i]);
		snprintf(full, sizeof(full), "%s%s", top, p);
		if (lstat(full, &st) != 0) {
			problem("lstat", full);
		} else if (S_ISDIR(st.st_mode)) {
			printf("M D %s %o\n", p, st.st_mode & 07777);
			walk(top, p);
		} else if (S_ISREG(st.st_mode)) {
			printf("M F %s %lld %o\n", p, (long long)st.st_size,
			    st.st_mode & 07777);
			if (!strstr(p, "/raw/"))
				check_content(full, p, (long)st.st_size);
		} else if (S_ISLNK(st.st_mode)) {
			l = readlink(full, link, sizeof(link) - 1);
			link[l < 0 ? 0 : l] = 0;
			printf("M L %s %s\n", p, link);
		} else
			printf("M O %s %o\n", p, st.st_mode);
		free(names[i]);
	}
	free(names);
}

static void
record(unsigned char *buf, long i)
{
	long k;

	for (k = 0; k < REC; k++)
		buf[k] = byte(i, k);
	snprintf((char *)buf, 32, "REC %08ld", i);
}

static int
openat_top(const char *top, const char *name, int flags)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, name);
	if ((fd = open(p, flags, 0644)) < 0)
		problem("open", p);
	return fd;
}

static void
cmd_append(const char *top, long n, long acked)
{
	unsigned char buf[REC];
	struct stat st;
	int fd, fr;
	long i;

	fd = openat_top(top, "log", O_RDWR | O_CREAT);
	fr = openat_top(top, "frag", O_WRONLY | O_CREAT | O_APPEND);
	if (fd < 0 || fr < 0 || fstat(fd, &st) != 0)
		return;
	/* the record in flight at a crash may be a hole (the size went
	 * out first): the app's recovery writes it again -- never one
	 * acknowledged before (ACKED), that would hide a loss */
	if ((i = st.st_size / REC) > 0 && i - 1 > acked) {
		unsigned char want[REC];

		record(want, i - 1);
		if (pread(fd, buf, REC, (i - 1) * REC) != REC ||
		    memcmp(buf, want, REC) != 0)
			i--;
	}
	printf("append: from record %ld\n", i);
	fflush(stdout);
	for (; i < n; i++) {
		record(buf, i);
		if (pwrite(fd, buf, REC, i * REC) != REC ||
		    (i % 8 == 7 && write(fr, buf, REC) != REC) ||
		    fsync(fd) != 0) {
			problem("append", "log");
			break;
		}
		printf("acked %ld\n", i);
		fflush(stdout);
	}
	close(fr);
	close(fd);
}

static void
cmd_checklog(const char *top, long n)
{
	unsigned char buf[REC], want[REC];
	long i, lost = 0;
	int fd;

	if ((fd = openat_top(top, "log", O_RDONLY)) < 0)
		return;
	for (i = 0; i <= n; i++) {
		record(want, i);
		if (pread(fd, buf, REC, i * REC) != REC ||
		    memcmp(buf, want, REC) != 0) {
			if (lost++ < 5)
				printf("BAD record %ld lost or damaged\n", i);
		}
	}
	close(fd);
	printf("checklog: %ld acked records, %ld lost\n", n + 1, lost);
	bad += lost != 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 2 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "gen"))
		cmd_gen(argv[2]);
	else if (!strcmp(cmd, "gentiny"))
		cmd_gentiny(argv[2]);
	else if (!strcmp(cmd, "walk"))
		walk(argv[2], "");
	else if (!strcmp(cmd, "append") && argc > 3)
		cmd_append(argv[2], atol(argv[3]), argc > 4 ? atol(argv[4]) : -1);
	else if (!strcmp(cmd, "checklog") && argc > 3)
		cmd_checklog(argv[2], atol(argv[3]));
	else {
		printf("usage: guest gen|gentiny|walk DIR | append|checklog DIR N\n");
		bad++;
	}
	if (bad == 0)
		printf("guest: ok\n");
	else
		printf("guest: %d problems\n", bad);
	return bad != 0;
}
