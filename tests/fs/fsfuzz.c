/*
 * fsfuzz.c -- corrupted file systems mounted and walked (built with
 * ASan+UBSan by tests/fs/run.sh): a crash, an ASan report or a hang is
 * a failure; any error code is fine.
 *
 *   fsfuzz N SEED IMAGE...
 *   FSFUZZ_IMAGE=file fsfuzz 1 RW x   replays one image (RW 0 or 1)
 *   FSFUZZ_IMAGE=file fsfuzz 1 0 walk  walks a clean image as fstest does
 *
 * Each round copies one of the images into the memory disk (memdisk.c),
 * flips 1..8 random bits in its metadata (1 KiB pieces that are neither
 * all zero nor file data following the fsutil.h rule), mounts it
 * (read-only, or read-write one time in three), walks every directory,
 * reads every file and symlink, and on a read-write mount creates,
 * writes, truncates, renames and removes, then unmounts.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#include "fsutil.h"

extern unsigned char *memdisk;
extern uint64_t memdisk_size;

struct image {
	unsigned char	*base;
	uint64_t	 size;
	uint32_t	*meta;		/* 1 KiB pieces worth corrupting */
	uint32_t	 nmeta;
};

static uint64_t rs = 88172645463325252ULL;

static uint64_t
rnd(void)
{

	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* File data written by the rule: each byte 131 more than the last,
 * mod 251. */
static int
isdata(const unsigned char *p)
{
	int i;

	for (i = 0; i < 64; i++)
		if (p[i] >= 251 || p[i + 1] != (p[i] + 131) % 251)
			return 0;
	return 1;
}

static int
load(struct image *im, const char *path)
{
	struct stat st;
	uint64_t i, j;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) != 0)
		return -1;
	im->size = (uint64_t)st.st_size;
	im->base = malloc(im->size);
	im->meta = malloc((im->size / 1024 + 1) * sizeof(*im->meta));
	if (read(fd, im->base, im->size) != (ssize_t)im->size)
		return -1;
	close(fd);
	for (i = 0; i < im->size / 1024; i++) {
		for (j = 0; j < 1024 && im->base[i * 1024 + j] == 0; j++)
			;
		if (j < 1024 && !isdata(im->base + i * 1024))
			im->meta[im->nmeta++] = (uint32_t)i;
	}
	return im->nmeta > 0 ? 0 : -1;
}

/* The image of the round that crashed, for a rerun by hand. */
static unsigned char *saved;
static uint64_t savedsize;
static long round_no;

static void
died(void)
{
	int fd = open("fsfuzz-crash.img", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	fprintf(stderr, "fsfuzz: crashed in round %ld; its image is "
	    "fsfuzz-crash.img\n", round_no);
	if (fd >= 0) {
		if (write(fd, saved, savedsize) < 0)
			fprintf(stderr, "fsfuzz: cannot save it\n");
		close(fd);
	}
}

static int budget;		/* vnodes a walk may still visit */

static int
collect(void *ctx, const char *name, size_t len, uint64_t ino, int dtype,
    int64_t next)
{
	char (*names)[256] = ctx;
	int *n = (int *)((char *)ctx + 256 * 256);

	if (*n >= 256)
		return 1;
	if (len > 255)
		len = 255;
	memcpy(names[*n], name, len);
	names[*n][len] = '\0';
	(*n)++;
	return 0;
}

static void
walk(struct lo_vnode *dir, int depth)
{
	static char buf[65536];
	char *ctx = malloc(256 * 256 + sizeof(int));
	int *n = (int *)(ctx + 256 * 256), i, rounds = 0;
	struct lo_vnode *vn;
	struct lo_attr a;
	int64_t pos = 0, last = -1;

	*n = 0;
	while (pos != INT64_MAX && pos != last && rounds++ < 64 && *n < 256) {
		last = pos;
		if (dir->ops->readdir(dir, &pos, collect, ctx) != 0)
			break;
	}
	for (i = 0; i < *n && budget > 0; i++) {
		const char *name = ctx + 256 * i;

		if (!strcmp(name, ".") || !strcmp(name, "..") || name[0] == '\0' ||
		    strchr(name, '/') != NULL)
			continue;
		if (dir->ops->lookup(dir, name, &vn) != 0)
			continue;
		budget--;
		if (vn->ops->getattr(vn, &a) == 0) {
			if (S_ISDIR(a.mode) && depth < 8)
				walk(vn, depth + 1);
			else if (S_ISREG(a.mode)) {
				vn->ops->read(vn, buf, sizeof(buf), 0);
				vn->ops->read(vn, buf, 5000, a.size / 2);
			} else if (S_ISLNK(a.mode))
				vn->ops->readlink(vn, buf, sizeof(buf));
		}
		lo_vn_rele(vn);
	}
	free(ctx);
}

static void
scribble(struct lo_vnode *root)
{
	static char buf[20000];
	struct lo_vnode *vn, *d;
	struct lo_attr a;

	memset(buf, 'z', sizeof(buf));
	if (root->ops->create(root, "fz", 0644, &vn) == 0) {
		vn->ops->write(vn, buf, sizeof(buf), 0);
		vn->ops->write(vn, buf, 100, 3 * 1048576);
		memset(&a, 0, sizeof(a));
		a.size = 5000;
		vn->ops->setattr(vn, &a, LO_SETATTR_SIZE);
		vn->ops->fsync(vn, 0);
		lo_vn_rele(vn);
	}
	root->ops->mkdir(root, "fzd", 0755);
	if (root->ops->lookup(root, "fzd", &d) == 0) {
		root->ops->rename(root, "fz", d, "fz2");
		d->ops->symlink(d, "ln", "../somewhere/else");
		d->ops->unlink(d, "fz2");
		lo_vn_rele(d);
	}
	root->ops->rename(root, "x", root, "big");	/* may exist: replace */
	root->ops->unlink(root, "file0");
	root->ops->rmdir(root, "x");
	root->ops->rename(root, "fzd", root, "fzd2");
}

int
main(int argc, char **argv)
{
	struct image im[8];
	struct lo_mount mnt;
	struct lo_vnode *root;
	long n, i, mounted = 0, rw = 0;
	int ni = 0, k, flips, e;

	if (argc < 4) {
		fprintf(stderr, "usage: fsfuzz N SEED IMAGE...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = atol(argv[1]);
	rs ^= (uint64_t)atol(argv[2]) * 0x9e3779b97f4a7c15ULL;
	memset(im, 0, sizeof(im));
	if (getenv("FSFUZZ_IMAGE") != NULL) {	/* replay a saved image */
		struct image r;

		memset(&r, 0, sizeof(r));
		if (load(&r, getenv("FSFUZZ_IMAGE")) != 0)
			return 2;
		memdisk = r.base;
		memdisk_size = r.size;
		e = fu_mount(&mnt, "blk0", atoi(argv[2]) ? 0 : LO_MNT_RDONLY,
		    &root);
		printf("fsfuzz: replay: mount %d\n", e);
		if (e == 0 && strcmp(argv[3], "walk") == 0) {
			/* a clean image: the manifest and content check */
			e = fu_walk(root, "");
			printf("fsfuzz: walk: %d problems\n", e);
			lo_vn_rele(root);
			e4_fstype.unmount(&mnt);
			return e != 0;
		}
		if (e == 0) {
			budget = 200;
			walk(root, 0);
			if (atoi(argv[2]))
				scribble(root);
			lo_vn_rele(root);
			e4_fstype.unmount(&mnt);
		}
		return 0;
	}
	for (k = 3; k < argc && ni < 8; k++, ni++) {
		if (load(&im[ni], argv[k]) != 0) {
			fprintf(stderr, "fsfuzz: cannot use %s\n", argv[k]);
			return 2;
		}
		printf("fsfuzz: %s: %u metadata KiB of %llu\n", argv[k],
		    im[ni].nmeta, (unsigned long long)im[ni].size / 1024);
	}
	for (k = 0, memdisk_size = 0; k < ni; k++)
		if (im[k].size > memdisk_size)
			memdisk_size = im[k].size;
	memdisk = malloc(memdisk_size);
	saved = malloc(memdisk_size);
#ifdef __SANITIZE_ADDRESS__
	__asan_set_death_callback(died);
#else
	(void)died;
#endif

	for (i = 0; i < n; i++) {
		struct image *p = &im[rnd() % (uint64_t)ni];

		memdisk_size = p->size;
		memcpy(memdisk, p->base, p->size);
		flips = 1 + (int)(rnd() % 8);
		for (k = 0; k < flips; k++) {
			uint64_t off = (uint64_t)p->meta[rnd() % p->nmeta] * 1024 +
			    rnd() % 1024;
			memdisk[off] ^= (unsigned char)(1 << (rnd() % 8));
		}
		k = rnd() % 3 == 0;
		memcpy(saved, memdisk, p->size);
		savedsize = p->size;
		round_no = i;
		e = fu_mount(&mnt, "blk0", k ? 0 : LO_MNT_RDONLY, &root);
		if (e != 0)
			continue;
		mounted++;
		rw += k;
		budget = 200;
		walk(root, 0);
		if (k)
			scribble(root);
		lo_vn_rele(root);
		e4_fstype.unmount(&mnt);
		if ((i + 1) % 20000 == 0) {
			printf("fsfuzz: %ld rounds\n", i + 1);
			fflush(stdout);
		}
	}
	printf("fsfuzz: %ld corrupted images, %ld mounted (%ld read-write), "
	    "%ld refused, 0 crashes\n", n, mounted, rw, n - mounted);
	return 0;
}
