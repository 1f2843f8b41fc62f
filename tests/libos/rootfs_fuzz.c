/*
 * rootfs_fuzz.c -- the baked root's archive parser (libos/rootfs.c,
 * included whole) on the host under ASan+UBSan: a valid newc archive
 * parses and reads back; then thousands of damaged copies (bytes
 * flipped, fields rewritten, cut short) must each either parse or be
 * refused with a reason and an offset inside the archive -- never a read
 * outside it, never a crash.  Run by tests/libos/extra.sh.
 */
#include "../../libos/rootfs.c"	/* first: its uapi headers, not libc's */

#include <stdio.h>
#include <stdlib.h>

/* ---- what rootfs.c needs of libos -------------------------------------- */
void *lo_zalloc(size_t n) { return calloc(1, n); }
void *lo_malloc(size_t n) { return malloc(n); }
void lo_free(void *p, size_t n) { free(p); }
char *lo_strdup(const char *s) { size_t n = strlen(s) + 1; char *p = malloc(n); memcpy(p, s, n); return p; }
int64_t vfs_now(void) { return 0; }
void rumpuser_dprintf(const char *fmt, ...) { }
struct lo_vnode *
lo_vn_new(struct lo_mount *mp, const struct lo_vnops *ops, uint32_t mode,
    uint64_t ino, void *priv)
{
	struct lo_vnode *vn = calloc(1, sizeof(*vn));

	vn->ops = ops; vn->mnt = mp; vn->refs = 1; vn->mode = mode;
	vn->ino = ino; vn->priv = priv;
	return vn;
}
void lo_vn_ref(struct lo_vnode *vn) { vn->refs++; }

/* ---- an archive ---------------------------------------------------------- */
static char arch[65536];
static size_t alen;

static void
member(const char *name, unsigned mode, unsigned ino, unsigned nlink,
    const char *data, size_t dlen)
{
	size_t nl = strlen(name) + 1;

	alen += (size_t)sprintf(arch + alen, "070701%08X%08X%08X%08X%08X%08X"
	    "%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0, 0, nlink, 1000,
	    (unsigned)dlen, 0, 0, 0, 0, (unsigned)nl, 0);
	memcpy(arch + alen, name, nl);
	alen = (alen + nl + 3) & ~(size_t)3;
	memcpy(arch + alen, data, dlen);
	alen = (alen + dlen + 3) & ~(size_t)3;
}

static void
build(void)
{
	member(".", 040755, 1, 3, "", 0);
	member("./etc", 040755, 2, 2, "", 0);
	member("./etc/passwd", 0100644, 3, 1, "root:x:0:0::/:/bin/sh\n", 22);
	member("./data", 040755, 4, 2, "", 0);
	member("./data/h1", 0100644, 5, 2, "", 0);
	member("./data/h2", 0100644, 5, 2, "linked", 6);
	member("./data/ln", 0120777, 6, 1, "../etc/passwd", 13);
	member("deep/er/file", 0100600, 7, 1, "x", 1);
	member("TRAILER!!!", 0, 0, 1, "", 0);
}

/* ---- reading everything a parse made ------------------------------------ */
static int nread;

static int
fill(void *ctx, const char *name, size_t len, uint64_t ino, int t, int64_t n)
{
	volatile char c = 0;
	size_t i;

	for (i = 0; i < len; i++)
		c ^= name[i];
	return 0;
}

static void
walk(struct rinode *ip, int depth)
{
	struct rdent *d;
	char buf[256];
	int64_t pos = 0;
	struct lo_vnode vn = { .priv = ip, .mode = ip->mode };

	if (depth > 64)
		return;
	if ((ip->mode & S_IFMT) == S_IFREG) {
		for (int64_t off = 0; off < (int64_t)ip->size; off += 200)
			nread += r_read(&vn, buf, sizeof(buf), off) > 0;
	} else if ((ip->mode & S_IFMT) == S_IFLNK) {
		nread += r_readlink(&vn, buf, sizeof(buf)) >= 0;
	} else if ((ip->mode & S_IFMT) == S_IFDIR) {
		r_readdir(&vn, &pos, fill, NULL);
		for (d = ip->ents; d != NULL; d = d->next)
			if (d->ip != ip)
				walk(d->ip, depth + 1);
	}
}

static int64_t
try(const char *a, size_t len)
{
	char *copy = malloc(len ? len : 1);	/* exactly len: ASan sees past it */
	int64_t off;

	memcpy(copy, a, len);
	r_root = inode_new(S_IFDIR | 0755, NULL);
	r_links = NULL;
	r_err = NULL;
	off = parse(copy, len);
	if (off >= 0 && ((uint64_t)off > len || r_err == NULL)) {
		printf("FAIL: refusal at %ld of %zu without a reason\n",
		    (long)off, len);
		exit(1);
	}
	if (off < 0)
		walk(r_root, 0);
	free(copy);		/* names and data pointed into it: done */
	return off;
}

int
main(int argc, char **argv)
{
	static char m[sizeof(arch)];
	int i, n = argc > 1 ? atoi(argv[1]) : 20000, ok = 0, bad = 0;
	unsigned seed = 12345;

	build();
	if (try(arch, alen) >= 0) {
		printf("FAIL: the valid archive is refused: %s\n", r_err);
		return 1;
	}
	if (nread == 0) {
		printf("FAIL: nothing read from the valid archive\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		size_t len = alen;
		int k, flips;

		memcpy(m, arch, alen);
		seed = seed * 1103515245 + 12345;
		flips = 1 + (int)(seed >> 16) % 4;
		for (k = 0; k < flips; k++) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % alen;
			seed = seed * 1103515245 + 12345;
			switch ((seed >> 16) % 5) {
			case 0: m[at] = (char)(seed >> 3); break;
			case 1: m[at] = "0123456789abcdefF"[(seed >> 5) % 17]; break;
			case 2: m[at] = '\0'; break;
			case 3: m[at] = '.'; break;
			case 4: len = at; break;
			}
		}
		if (try(m, len) < 0)
			ok++;
		else
			bad++;
	}
	printf("rootfs fuzz: %d archives, %d parsed, %d refused with a "
	    "reason, no crash\n", n, ok, bad);
	return 0;
}
