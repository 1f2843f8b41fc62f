/* fs_root: reading the root baked into the image (tests/libos/roots/
 * fs_root, copied into the scratch directory for the Linux run; the
 * names are relative, and the Tandem cwd is /): files, an empty file,
 * binary data with pread and mmap, symlinks (relative, up, dangling),
 * directories and their listing, permissions kept by the archive.
 *
 * With arguments (tests/libos/extra.sh): "cat FILE..." prints files;
 * "rofs" tries to change the read-only root and prints each errno;
 * "mount" mounts tmpfs over a directory of the root (Linux would need
 * root and a namespace for that, hence not in the differential run). */
#include "fs_util.h"
#include <sys/mman.h>
#include <sys/mount.h>

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *names[64];
	int n = 0, i;

	if (d == NULL) {
		printf("opendir %s: %s\n", path, ename(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static int
rofs(void)
{
	struct stat st;
	int fd;

	CHK("mkdir /x", mkdir("/x", 0755));
	CHK("mkdir /data", mkdir("/data", 0755));
	CHK("create /new", open("/new", O_CREAT | O_WRONLY, 0644));
	CHK("open wronly", open("/data/hello.txt", O_WRONLY));
	CHK("open trunc", open("/data/hello.txt", O_RDONLY | O_TRUNC));
	CHK("unlink", unlink("/data/hello.txt"));
	CHK("unlink missing", unlink("/data/nope"));
	CHK("rmdir", rmdir("/data/sub/deeper"));
	CHK("rename", rename("/data/hello.txt", "/data/x"));
	CHK("rename to tmp", rename("/data/hello.txt", "/tmp/x"));
	CHK("symlink", symlink("x", "/data/l2"));
	CHK("link", link("/data/hello.txt", "/data/h2"));
	CHK("chmod", chmod("/data/hello.txt", 0600));
	CHK("truncate", truncate("/data/hello.txt", 0));
	CHK("access W", access("/data/hello.txt", W_OK));
	CHK("access R", access("/data/hello.txt", R_OK));
	CHK("rmdir /tmp (mount)", rmdir("/tmp"));
	CHK("rmdir /", rmdir("/"));
	fd = open("/data/hello.txt", O_RDONLY);
	CHK("fchmod", fchmod(fd, 0600));
	CHK("stat /tmp", stat("/tmp", &st));
	printf("/tmp sticky %o\n", st.st_mode & 07777);
	list("/");
	/* devices whose Linux answer depends on the terminal of the run */
	CHK("open /dev/tty", open("/dev/tty", O_RDWR));
	fflush(stdout);
	fd = open("/dev/console", O_WRONLY);
	CHK("open /dev/console", fd);
	fflush(stdout);
	write(fd, "to the console\n", 15);
	close(fd);
	return 0;
}

static void
pwd(void)
{
	char buf[256];

	printf("cwd %s\n", getcwd(buf, sizeof(buf)) ? buf : ename(errno));
}

static int
mounts(void)
{
	struct stat st;
	int fd;

	CHK("mount missing dir", mount("none", "/nodir", "tmpfs", 0, NULL));
	CHK("mount on file", mount("none", "/data/hello.txt", "tmpfs", 0, NULL));
	CHK("mount unknown type", mount("blk0", "/data", "nofs", 0, NULL));
	CHK("mount ext4 (not linked)", mount("blk0", "/data", "ext4", 0, NULL));
	CHK("mount tmpfs", mount("none", "/data/sub", "tmpfs", 0, NULL));
	list("/data/sub");
	list("/data/sub/..");
	fd = open("/data/sub/new", O_CREAT | O_RDWR, 0644);
	CHK("create in mount", fd);
	close(fd);
	list("/data/sub");
	CHK("rename out of mount", rename("/data/sub/new", "/tmp/new"));
	CHK("link out of mount", link("/data/sub/new", "/tmp/new"));
	CHK("rmdir mount point", rmdir("/data/sub"));
	CHK("rename mount point", rename("/data/sub", "/data/x"));
	CHK("chdir", chdir("/data/sub"));
	pwd();
	CHK("umount busy (cwd)", umount("/data/sub"));
	CHK("chdir ..", chdir(".."));
	pwd();
	list(".");
	CHK("umount not a mount", umount("/data"));
	CHK("umount /", umount("/"));
	CHK("umount", umount("/data/sub"));
	list("/data/sub");
	CHK("mount ro", mount("none", "/tmp", "tmpfs", MS_RDONLY, NULL));
	CHK("create on ro tmpfs", open("/tmp/x", O_CREAT | O_RDWR, 0644));
	CHK("stat /tmp", stat("/tmp", &st));
	CHK("umount ro", umount("/tmp"));
	CHK("create on /tmp again", (fd = open("/tmp/x", O_CREAT | O_RDWR, 0644)));
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat st;
	char buf[64], *m;
	unsigned char b[16];
	ssize_t n;
	int fd, i, bad;

	if (argc > 1 && strcmp(argv[1], "rofs") == 0)
		return rofs();
	if (argc > 1 && strcmp(argv[1], "mount") == 0)
		return mounts();
	if (argc > 1 && strcmp(argv[1], "cat") == 0) {
		for (i = 2; i < argc; i++)
			printf("== %s\n%s", argv[i], getfile(argv[i]));
		return 0;
	}
	printf("hello: %s", getfile("data/hello.txt"));
	printf("deep: %s", getfile("data/sub/deeper/f"));
	printf("passwd: %s", getfile("etc/passwd"));
	printf("via link: %s", getfile("data/link"));
	printf("via up: %s", getfile("data/sub/up"));
	printf("dangling: %s\n", getfile("data/dangling"));
	printf("empty: [%s]\n", getfile("data/empty"));
	n = readlink("data/sub/up", buf, sizeof(buf));
	printf("readlink: %.*s\n", (int)n, buf);
	list("data");
	list("data/sub");
	list("data/sub/deeper/");
	stat("data/big.bin", &st);
	printf("big: reg %d size %ld perm %o\n", S_ISREG(st.st_mode),
	    (long)st.st_size, st.st_mode & 0777);
	stat("data/script.sh", &st);
	printf("script perm %o\n", st.st_mode & 0777);
	stat("data/sub", &st);
	printf("sub: dir %d perm %o nlink %ld\n", S_ISDIR(st.st_mode),
	    st.st_mode & 0777, (long)st.st_nlink);
	CHK("access script X", access("data/script.sh", X_OK));
	CHK("access big X", access("data/big.bin", X_OK));
	fd = open("data/big.bin", O_RDONLY);
	n = pread(fd, b, sizeof(b), 19990);
	printf("pread tail %zd:", n);
	for (i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
	VAL("lseek end", lseek(fd, 0, SEEK_END));
	m = mmap(NULL, 20000, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		printf("mmap: %s\n", ename(errno));
	else {
		for (i = 0, bad = 0; i < 20000; i++)
			bad += (unsigned char)m[i] != ((i * 7 + 3) & 255);
		printf("mmap bad bytes: %d\n", bad);
		munmap(m, 20000);
	}
	close(fd);
	CHK("open dir as file wr", open("data", O_WRONLY));
	CHK("missing", open("data/missing", O_RDONLY));
	return 0;
}
