/* fs_tmp: /tmp under load -- a 3 MiB file written in odd-sized pieces
 * and read back, 600 files made, listed and removed, two O_APPEND fds
 * interleaving, overwrite in the middle of a file, a file grown by
 * pwrite far past its end. */
#include "fs_util.h"

static unsigned
sum(const unsigned char *p, size_t n, unsigned s)
{
	while (n-- > 0)
		s = s * 31 + *p++;
	return s;
}

int
main(void)
{
	static unsigned char buf[70000], back[70000];
	unsigned s1 = 0, s2 = 0;
	size_t total = 0, n;
	struct stat st;
	char name[64];
	int fd, a, b, i, cnt;
	DIR *d;

	scratch("fs_tmp");
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 13 + i / 251);
	fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (i = 0; total < 3 << 20; i++) {
		n = 1 + (size_t)(i * 7919) % sizeof(buf);
		if (write(fd, buf, n) != (ssize_t)n) {
			printf("short write at %zu: %s\n", total, ename(errno));
			break;
		}
		s1 = sum(buf, n, s1);
		total += n;
	}
	fstat(fd, &st);
	printf("wrote %zu, size %ld\n", total, (long)st.st_size);
	lseek(fd, 0, SEEK_SET);
	total = 0;
	for (;;) {
		ssize_t r = read(fd, back, 4093);
		if (r <= 0)
			break;
		s2 = sum(back, (size_t)r, s2);
		total += (size_t)r;
	}
	printf("read %zu, sums equal %d\n", total, s1 == s2);
	VAL("overwrite middle", pwrite(fd, "XYZ", 3, 1000000));
	pread(fd, back, 5, 999999);
	printf("middle: %02x %c%c%c %02x\n", back[0], back[1], back[2], back[3], back[4]);
	close(fd);
	CHK("unlink big", unlink("big"));

	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "f%04d", i);
		fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write(fd, name, 5) != 5 || close(fd) < 0) {
			printf("file %d: %s\n", i, ename(errno));
			break;
		}
	}
	cnt = 0;
	d = opendir(".");
	while (readdir(d) != NULL)
		cnt++;
	closedir(d);
	printf("entries %d\n", cnt);
	printf("f0421: %s\n", getfile("f0421"));
	for (i = 0; i < 600; i += 2) {
		snprintf(name, sizeof(name), "f%04d", i);
		unlink(name);
	}
	cnt = 0;
	d = opendir(".");
	while (readdir(d) != NULL)
		cnt++;
	closedir(d);
	printf("entries after removing half %d\n", cnt);

	a = open("log", O_WRONLY | O_CREAT | O_APPEND, 0644);
	b = open("log", O_WRONLY | O_APPEND);
	for (i = 0; i < 5; i++) {
		write(a, "a", 1);
		write(b, "bb", 2);
	}
	close(a);
	close(b);
	printf("log: %s\n", getfile("log"));

	fd = open("sparse", O_RDWR | O_CREAT, 0644);
	VAL("pwrite far", pwrite(fd, "end", 3, 5 << 20));
	fstat(fd, &st);
	printf("sparse size %ld\n", (long)st.st_size);
	memset(back, 1, 100);
	VAL("read hole", pread(fd, back, 100, 4 << 20));
	printf("hole zero %d\n", back[0] == 0 && back[99] == 0);
	close(fd);
	scratch_done("fs_tmp");
	return 0;
}
