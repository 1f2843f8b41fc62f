/* fs_trunc: truncate/ftruncate shrinking and extending with zeros,
 * sparse files (holes read as zeros), lseek past the end, errno cases. */
#include "fs_util.h"

static void
show(int fd, off_t off, size_t n)
{
	unsigned char buf[64];
	ssize_t r = pread(fd, buf, n, off);
	int i;

	printf("at %ld:", (long)off);
	for (i = 0; i < r; i++)
		printf(" %02x", buf[i]);
	printf(" (%zd)\n", r);
}

int
main(void)
{
	struct stat st;
	int fd, ro;

	scratch("fs_trunc");
	fd = open("f", O_RDWR | O_CREAT, 0644);
	write(fd, "0123456789", 10);
	CHK("ftruncate 4", ftruncate(fd, 4));
	fstat(fd, &st);
	printf("size %ld pos %ld\n", (long)st.st_size, (long)lseek(fd, 0, SEEK_CUR));
	show(fd, 0, 10);
	CHK("ftruncate 8", ftruncate(fd, 8));
	show(fd, 0, 10);
	VAL("write at 10 (pos)", write(fd, "AB", 2));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	show(fd, 0, 16);
	/* a sparse file: a hole of a few pages */
	VAL("lseek far", lseek(fd, 100000, SEEK_SET));
	VAL("write far", write(fd, "Z", 1));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	show(fd, 4090, 12);
	show(fd, 99995, 10);
	show(fd, 100001, 10);
	CHK("ftruncate 5000", ftruncate(fd, 5000));
	CHK("ftruncate 200000", ftruncate(fd, 200000));
	show(fd, 4998, 4);
	show(fd, 99999, 3);
	VAL("lseek end", lseek(fd, 0, SEEK_END));
	CHK("ftruncate -1", ftruncate(fd, -1));
	CHK("truncate 3", truncate("f", 3));
	show(fd, 0, 8);
	close(fd);
	CHK("truncate missing", truncate("nope", 0));
	mkdir("d", 0755);
	CHK("truncate dir", truncate("d", 0));
	CHK("truncate neg", truncate("f", -5));
	ro = open("f", O_RDONLY);
	CHK("ftruncate rdonly", ftruncate(ro, 0));
	close(ro);
	CHK("ftruncate badfd", ftruncate(77, 0));
	ro = open("d", O_RDONLY);
	CHK("ftruncate dir", ftruncate(ro, 0));
	close(ro);
	/* big, then back */
	fd = open("big", O_RDWR | O_CREAT, 0644);
	CHK("ftruncate 1G", ftruncate(fd, 1L << 30));
	show(fd, (1L << 30) - 4, 8);
	CHK("ftruncate 0", ftruncate(fd, 0));
	/* sparse far away: a byte at 1 TiB, holes before it */
	VAL("pwrite at 1T", pwrite(fd, "T", 1, 1L << 40));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	show(fd, (1L << 40) - 2, 4);
	show(fd, 1L << 30, 2);
	CHK("ftruncate 1T-1", ftruncate(fd, (1L << 40) - 1));
	CHK("ftruncate 1T+1", ftruncate(fd, (1L << 40) + 1));
	show(fd, (1L << 40) - 2, 4);
	CHK("ftruncate 0", ftruncate(fd, 0));
	close(fd);
	scratch_done("fs_trunc");
	return 0;
}
