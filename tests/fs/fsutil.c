/*
 * fsutil.c -- see fsutil.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

int fu_bad;

uint32_t
fu_hash(int64_t size)
{

	return (uint32_t)((size * 7 + 3) % 251);
}

void
fu_fill(unsigned char *buf, size_t len, uint32_t h, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = fu_byte(h, off + i);
}

int
fu_mount(struct lo_mount *mnt, const char *dev, int flags,
    struct lo_vnode **root)
{

	memset(mnt, 0, sizeof(*mnt));
	mnt->fs = &e4_fstype;
	mnt->flags = flags;
	return e4_fstype.mount(mnt, dev, flags, NULL, root);
}

int
fu_path(struct lo_vnode *root, const char *path, struct lo_vnode **out)
{
	char name[256];
	struct lo_vnode *vn = root, *next;
	const char *p = path, *s;
	int e;

	lo_vn_ref(vn);
	while (*p != '\0') {
		for (s = p; *s != '\0' && *s != '/'; s++)
			;
		if (s - p >= (long)sizeof(name)) {
			lo_vn_rele(vn);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, (size_t)(s - p));
		name[s - p] = '\0';
		e = vn->ops->lookup(vn, name, &next);
		lo_vn_rele(vn);
		if (e != 0)
			return e;
		vn = next;
		p = *s == '/' ? s + 1 : s;
	}
	*out = vn;
	return 0;
}

struct ent {
	char	name[256];
	int	dtype;
};

struct ents {
	struct ent	*v;
	int		 n, cap, since;
};

static int
collect(void *ctx, const char *name, size_t len, uint64_t ino, int dtype,
    int64_t next)
{
	struct ents *es = ctx;

	/* every 7th offer refused: a "full buffer", resumed from its pos */
	if (++es->since == 7) {
		es->since = 0;
		return 1;
	}
	if (es->n == es->cap) {
		if (es->cap >= 100000)
			return 1;
		es->cap = es->cap ? es->cap * 2 : 64;
		es->v = realloc(es->v, (size_t)es->cap * sizeof(*es->v));
	}
	if (len > 255)
		len = 255;
	memcpy(es->v[es->n].name, name, len);
	es->v[es->n].name[len] = '\0';
	es->v[es->n].dtype = dtype;
	es->n++;
	return 0;
}

static int
byname(const void *a, const void *b)
{

	return strcmp(((const struct ent *)a)->name,
	    ((const struct ent *)b)->name);
}

static int
check_file(struct lo_vnode *vn, const char *path, const char *base,
    int64_t size, int raw)
{
	static unsigned char buf[65536], want[65536];
	uint32_t h = fu_hash(size);
	int64_t off = 0;
	ssize_t n;
	size_t step = 4096 + 1;		/* unaligned reads */

	while (off < size) {
		n = vn->ops->read(vn, buf, step, off);
		if (n <= 0) {
			printf("BAD %s: read at %lld: %zd\n", path,
			    (long long)off, n);
			return 1;
		}
		fu_fill(want, (size_t)n, h, (uint64_t)off);
		if (!raw && memcmp(buf, want, (size_t)n) != 0) {
			printf("BAD %s: content differs near %lld\n", path,
			    (long long)off);
			return 1;
		}
		off += n;
		step = step == 4097 ? 65536 : 4097;
	}
	n = vn->ops->read(vn, buf, 10, size);
	if (n != 0) {
		printf("BAD %s: read past the end gave %zd\n", path, n);
		return 1;
	}
	return 0;
}

int
fu_walk(struct lo_vnode *dir, const char *path)
{
	struct ents es = { NULL, 0, 0, 0 };
	struct lo_vnode *vn;
	struct lo_attr a;
	char sub[4096], target[4097];
	int64_t pos = 0, last = -1;
	int i, e, bad = 0, dots = 0;

	while (pos != INT64_MAX && pos != last) {
		last = pos;
		if ((e = dir->ops->readdir(dir, &pos, collect, &es)) != 0) {
			printf("BAD %s: readdir %d\n", path, e);
			bad++;
			break;
		}
	}
	qsort(es.v, (size_t)es.n, sizeof(*es.v), byname);
	for (i = 0; i < es.n; i++) {
		if (i > 0 && strcmp(es.v[i].name, es.v[i - 1].name) == 0) {
			printf("BAD %s: %s listed twice\n", path, es.v[i].name);
			bad++;
			continue;
		}
		if (!strcmp(es.v[i].name, ".") || !strcmp(es.v[i].name, "..")) {
			dots++;
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, es.v[i].name);
		if ((e = dir->ops->lookup(dir, es.v[i].name, &vn)) != 0) {
			printf("BAD %s: lookup %d\n", sub, e);
			bad++;
			continue;
		}
		if ((e = vn->ops->getattr(vn, &a)) != 0) {
			printf("BAD %s: getattr %d\n", sub, e);
			bad++;
		} else if (S_ISDIR(a.mode)) {
			printf("M D %s %o\n", sub, a.mode & 07777);
			bad += fu_walk(vn, sub);
		} else if (S_ISREG(a.mode)) {
			printf("M F %s %lld %o\n", sub, (long long)a.size,
			    a.mode & 07777);
			bad += check_file(vn, sub, es.v[i].name, a.size,
			    strstr(sub, "/raw/") != NULL);
		} else if (S_ISLNK(a.mode)) {
			e = vn->ops->readlink(vn, target, sizeof(target) - 1);
			if (e < 0) {
				printf("BAD %s: readlink %d\n", sub, e);
				bad++;
			} else {
				target[e] = '\0';
				printf("M L %s %s\n", sub, target);
			}
		} else
			printf("M O %s %o\n", sub, a.mode);
		lo_vn_rele(vn);
	}
	if (dots != 2) {
		printf("BAD %s: %d of . and ..\n", path, dots);
		bad++;
	}
	free(es.v);
	return bad;
}

int
fu_mkfile(struct lo_vnode *dir, const char *name, int64_t size, size_t piece,
    uint32_t mode)
{
	static unsigned char buf[1 << 20];
	struct lo_vnode *vn;
	uint32_t h = fu_hash(size);
	int64_t off = 0;
	ssize_t n;
	size_t len;
	int e;

	if ((e = dir->ops->create(dir, name, mode, &vn)) != 0)
		return e;
	if (piece > sizeof(buf))
		piece = sizeof(buf);
	while (off < size) {
		len = size - off < (int64_t)piece ? (size_t)(size - off) : piece;
		fu_fill(buf, len, h, (uint64_t)off);
		n = vn->ops->write(vn, buf, len, off);
		if (n < 0) {
			lo_vn_rele(vn);
			return (int)n;
		}
		off += n;
	}
	lo_vn_rele(vn);
	return 0;
}
