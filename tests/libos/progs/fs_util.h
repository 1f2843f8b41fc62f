/* fs_util.h -- helpers of the fs_* programs of the differential suite:
 * errno by name (numbers would do, names read better in a diff), a
 * scratch directory under /tmp made fresh, and "check" lines. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static __attribute__((unused)) const char *
ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case EPIPE: return "EPIPE";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EOVERFLOW: return "EOVERFLOW";
	default: return "E?";
	}
}

/* "what: OK" or "what: -1 ENAME" -- one line per call checked. */
#define CHK(what, expr) do {						\
	long r_ = (long)(expr);						\
	if (r_ < 0)							\
		printf("%s: %ld %s\n", what, r_, ename(errno));		\
	else								\
		printf("%s: OK\n", what);				\
} while (0)
/* the same, printing the value on success */
#define VAL(what, expr) do {						\
	long r_ = (long)(expr);						\
	if (r_ < 0)							\
		printf("%s: %ld %s\n", what, r_, ename(errno));		\
	else								\
		printf("%s: %ld\n", what, r_);				\
} while (0)

static void __attribute__((unused))
rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rmtree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* A fresh scratch directory /tmp/NAME.d, made the cwd. */
static void __attribute__((unused))
scratch(const char *name)
{
	char p[256];

	umask(022);		/* whatever the caller of the Linux run had */
	snprintf(p, sizeof(p), "/tmp/%s.d", name);
	rmtree(p);
	if (mkdir(p, 0755) < 0 || chdir(p) < 0) {
		printf("cannot make %s: %s\n", p, ename(errno));
		exit(1);
	}
}

static void __attribute__((unused))
scratch_done(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "/tmp/%s.d", name);
	chdir("/");
	rmtree(p);
}

/* writes a whole string to a new file */
static int __attribute__((unused))
putfile(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* the contents of a file as a string (static buffer) */
static __attribute__((unused)) const char *
getfile(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return ename(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return ename(errno);
	buf[n] = '\0';
	return buf;
}
