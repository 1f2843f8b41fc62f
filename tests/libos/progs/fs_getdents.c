/* fs_getdents: readdir listings (sorted: the order is the file
 * system's), d_type, rewinddir, removal while reading, getdents64 with
 * a buffer too small, on a file. */
#include "fs_util.h"
#include <sys/syscall.h>

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
	char *names[300];
	int n = 0, i;

	if (d == NULL) {
		printf("opendir %s: %s\n", path, ename(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && n < 300) {
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' :
		    e->d_type == DT_LNK ? 'l' : '?';
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n++], "%s:%c", e->d_name, t);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s (%d):", path, n);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int
main(void)
{
	char buf[4096], name[300];
	DIR *d;
	struct dirent *e;
	int fd, i, count;

	scratch("fs_getdents");
	list(".");
	mkdir("sub", 0755);
	putfile("file", "x");
	symlink("file", "link");
	list(".");
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "sub/n%03d", i);
		putfile(name, "");
	}
	d = opendir("sub");
	count = 0;
	while ((e = readdir(d)) != NULL)
		count++;
	printf("sub has %d entries\n", count);
	rewinddir(d);
	count = 0;
	while ((e = readdir(d)) != NULL)
		count++;
	printf("after rewind %d\n", count);
	closedir(d);
	/* remove every entry while reading: each seen once at most */
	d = opendir("sub");
	count = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "sub/%s", e->d_name);
		if (unlink(name) == 0)
			count++;
	}
	closedir(d);
	printf("removed %d\n", count);
	list("sub");
	fd = open(".", O_RDONLY | O_DIRECTORY);
	VAL("getdents64 small", syscall(SYS_getdents64, fd, buf, 10));
	VAL("getdents64", syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0);
	VAL("getdents64 at end", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	fd = open("file", O_RDONLY);
	VAL("getdents64 file", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	VAL("getdents64 badfd", syscall(SYS_getdents64, 99, buf, sizeof(buf)));
	list("/tmp/fs_getdents.d/");
	scratch_done("fs_getdents");
	return 0;
}
