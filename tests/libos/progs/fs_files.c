/* fs_files: open/creat/read/write/lseek, O_CREAT/O_EXCL/O_TRUNC/O_APPEND,
 * pread/pwrite, F_GETFL, O_DIRECTORY/O_NOFOLLOW, reading a directory. */
#include "fs_util.h"
#include <sys/uio.h>

int
main(void)
{
	char buf[64];
	int fd, fd2;
	ssize_t n;

	scratch("fs_files");
	fd = open("a", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHK("create a", fd);
	VAL("write", write(fd, "hello world\n", 12));
	VAL("lseek cur", lseek(fd, 0, SEEK_CUR));
	VAL("lseek set", lseek(fd, 6, SEEK_SET));
	n = read(fd, buf, sizeof(buf));
	printf("read %zd: %.*s", n, (int)n, buf);
	VAL("read at eof", read(fd, buf, sizeof(buf)));
	VAL("lseek end", lseek(fd, -6, SEEK_END));
	VAL("lseek neg", lseek(fd, -100, SEEK_CUR));
	VAL("lseek whence", lseek(fd, 0, 7));
	VAL("pwrite", pwrite(fd, "HELLO", 5, 0));
	VAL("pos after pwrite", lseek(fd, 0, SEEK_CUR));
	n = pread(fd, buf, 11, 0);
	printf("pread %zd: %.*s\n", n, (int)n, buf);
	VAL("pread neg", pread(fd, buf, 1, -1));
	printf("getfl rdwr: %o\n", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	CHK("close", close(fd));
	CHK("close again", close(fd));

	CHK("excl again", open("a", O_RDWR | O_CREAT | O_EXCL, 0600));
	CHK("no create", open("b", O_RDONLY));
	fd = open("a", O_WRONLY | O_APPEND);
	CHK("open append", fd);
	printf("getfl append: %o\n", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	VAL("lseek 0", lseek(fd, 0, SEEK_SET));
	VAL("append write", write(fd, "more\n", 5));
	VAL("pos after append", lseek(fd, 0, SEEK_CUR));
	VAL("read wronly", read(fd, buf, 1));
	close(fd);
	printf("a = [%s]\n", getfile("a"));

	fd = creat("a", 0644);
	CHK("creat truncates", fd);
	VAL("size", lseek(fd, 0, SEEK_END));
	VAL("write", write(fd, "x", 1));
	close(fd);
	fd = open("a", O_RDONLY | O_TRUNC);
	VAL("rdonly|trunc size", lseek(fd, 0, SEEK_END));
	VAL("write rdonly", write(fd, "x", 1));
	close(fd);

	/* vectors */
	fd = open("v", O_RDWR | O_CREAT, 0644);
	{
		struct iovec iov[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
		char x[3], y[4];
		struct iovec in[2] = { { x, 3 }, { y, 4 } };
		VAL("writev", writev(fd, iov, 3));
		VAL("preadv", preadv(fd, in, 2, 0));
		printf("got %.3s|%.3s\n", x, y);
	}
	close(fd);

	/* directories */
	mkdir("d", 0755);
	fd = open("d", O_RDONLY);
	CHK("open dir", fd);
	VAL("read dir", read(fd, buf, 1));
	VAL("write dir", write(fd, buf, 1));
	close(fd);
	CHK("open dir wronly", open("d", O_WRONLY));
	CHK("open dir rdwr", open("d", O_RDWR));
	CHK("open dir creat", open("d", O_RDONLY | O_CREAT, 0644));
	CHK("O_DIRECTORY file", open("a", O_RDONLY | O_DIRECTORY));
	CHK("O_DIRECTORY dir", (fd2 = open("d", O_RDONLY | O_DIRECTORY)));
	close(fd2);
	CHK("create in dir slash", open("d/new/", O_RDWR | O_CREAT, 0644));
	CHK("file slash", open("a/", O_RDONLY));
	CHK("under file", open("a/x", O_RDONLY));
	CHK("create under file", open("a/x", O_RDWR | O_CREAT, 0644));
	symlink("a", "la");
	CHK("O_NOFOLLOW link", open("la", O_RDONLY | O_NOFOLLOW));
	CHK("O_NOFOLLOW file", (fd2 = open("a", O_RDONLY | O_NOFOLLOW)));
	close(fd2);
	fd = open("la", O_RDONLY | O_PATH | O_NOFOLLOW);
	CHK("O_PATH link", fd);
	VAL("read O_PATH", read(fd, buf, 1));
	close(fd);
	fd = open("a", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	printf("cloexec: %d\n", fcntl(fd, F_GETFD));
	printf("getfl: %o\n", fcntl(fd, F_GETFL));
	close(fd);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	printf("getfl dir: %o\n", fcntl(fd, F_GETFL));
	close(fd);
	fd = open("d", O_PATH);
	printf("getfl path: %o\n", fcntl(fd, F_GETFL));
	close(fd);

	/* dup shares the offset */
	fd = open("a", O_RDONLY);
	fd2 = dup(fd);
	read(fd, buf, 1);
	VAL("dup offset", lseek(fd2, 0, SEEK_CUR));
	close(fd);
	close(fd2);
	scratch_done("fs_files");
	return 0;
}
