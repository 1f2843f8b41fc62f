/*
 * fstest.c -- drives libos/fs/ext4 through its vnode ops on platform
 * posix (tests/fs/run.sh gives it the image as blk0):
 *
 *   fstest tree          writes a tree (sizes, dirs, renames, unlinks,
 *                        symlinks, links, truncates), unmounts, mounts
 *                        read-only and walks it: "M ..." manifest
 *   fstest walk [ro]     mounts and walks (a host-made tree)
 *   fstest mount [ro]    prints "mount: N" (0 or -errno) and unmounts
 *   fstest enospc        fill, delete, fill again: ENOSPC both times
 *   fstest append N [A]  4 KiB records to /log, fsync after each,
 *                        "acked I" after each fsync (crash test); every
 *                        8th record also a block to /frag, so that /log
 *                        gets one extent per 8 records and its extent
 *                        tree leaves the inode (and splits leaves)
 *   fstest checklog N    records 0..N of /log intact
 *   fstest files N       N small files created, looked up, unlinked
 *                        (bench/fs.sh's phase, to profile on the host)
 *   fstest fsyncdie      writes the tree, fsyncs, exits without
 *                        unmounting: what fsync left must be consistent
 *
 * The last line is "fstest: ok" or "fstest: N problems"; exit 0 iff ok.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static struct lo_mount mnt;

static int
need(int e, const char *what)
{

	if (e != 0) {
		printf("BAD %s: %d (%s)\n", what, e, strerror(-e));
		fu_bad++;
	}
	return e;
}

static int
unmount(struct lo_vnode *root)
{

	lo_vn_rele(root);
	FU_CHECK(lostub_live == 0, "%d vnodes still live", lostub_live);
	return need(e4_fstype.unmount(&mnt), "unmount");
}

static int
setsize(struct lo_vnode *dir, const char *name, int64_t size)
{
	struct lo_vnode *vn;
	struct lo_attr a;
	int e;

	if ((e = dir->ops->lookup(dir, name, &vn)) != 0)
		return e;
	memset(&a, 0, sizeof(a));
	a.size = size;
	e = vn->ops->setattr(vn, &a, LO_SETATTR_SIZE);
	lo_vn_rele(vn);
	return e;
}

static void
build(struct lo_vnode *root)
{
	static const int64_t sizes[] = { 0, 1, 511, 4095, 4096, 4097, 65539,
	    1048576 + 17, 3 * 1048576 + 5 };
	struct lo_vnode *d, *sub, *vn;
	struct lo_attr a;
	char name[64];
	int i, e;

	need(root->ops->mkdir(root, "a", 0755), "mkdir a");
	need(fu_path(root, "a", &d), "lookup a");
	need(d->ops->mkdir(d, "b", 0700), "mkdir a/b");
	FU_CHECK(d->ops->mkdir(d, "b", 0700) == -EEXIST, "mkdir twice");
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		snprintf(name, sizeof(name), "size%lld", (long long)sizes[i]);
		need(fu_mkfile(d, name, sizes[i], (size_t)(i % 2 ? 4096 : 7777),
		    0644), name);
	}
	FU_CHECK(d->ops->create(d, "size0", 0644, &vn) == -EEXIST,
	    "create over an existing name");
	/* a directory that grows over many blocks, half of it removed */
	need(root->ops->mkdir(root, "many", 0755), "mkdir many");
	need(fu_path(root, "many", &sub), "lookup many");
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "entry-with-a-longish-name-%04d", i);
		need(fu_mkfile(sub, name, i * 13, 4096, 0600), name);
	}
	for (i = 0; i < 400; i += 2) {
		snprintf(name, sizeof(name), "entry-with-a-longish-name-%04d", i);
		need(sub->ops->unlink(sub, name), "unlink many");
	}
	FU_CHECK(sub->ops->unlink(sub, "nope") == -ENOENT, "unlink missing");
	lo_vn_rele(sub);
	/* renames: plain, over an existing file, a dir to another parent */
	need(fu_mkfile(d, "tmpname", 5000, 4096, 0644), "tmpname");
	need(d->ops->rename(d, "tmpname", d, "renamed"), "rename");
	need(fu_mkfile(d, "victim", 9000, 4096, 0644), "victim");
	need(fu_mkfile(d, "replacer", 7000, 4096, 0644), "replacer");
	need(d->ops->rename(d, "replacer", d, "victim"), "rename over");
	need(d->ops->rename(d, "b", root, "b-moved"), "rename dir");
	need(fu_path(root, "b-moved", &vn), "lookup b-moved");
	need(vn->ops->mkdir(vn, "c", 0755), "mkdir b-moved/c");
	FU_CHECK(root->ops->rename(root, "b-moved", vn, "loop") == -EINVAL,
	    "rename a dir into itself");
	lo_vn_rele(vn);
	need(root->ops->mkdir(root, "empty", 0755), "mkdir empty");
	need(root->ops->mkdir(root, "gone", 0755), "mkdir gone");
	need(root->ops->rename(root, "empty", root, "gone"), "rename dir over");
	FU_CHECK(root->ops->rmdir(root, "a") == -ENOTEMPTY, "rmdir non-empty");
	need(root->ops->mkdir(root, "rmme", 0755), "mkdir rmme");
	need(root->ops->rmdir(root, "rmme"), "rmdir");
	/* an open file unlinked: still readable until released */
	need(fu_mkfile(root, "open-unlinked", 20000, 4096, 0644), "ou");
	need(fu_path(root, "open-unlinked", &vn), "lookup ou");
	need(root->ops->unlink(root, "open-unlinked"), "unlink ou");
	FU_CHECK(vn->ops->read(vn, name, 10, 100) == 10, "read unlinked");
	lo_vn_rele(vn);
	/* symlinks (fast and slow), a hard link */
	need(root->ops->symlink(root, "short", "a/size1"), "symlink short");
	memset(name, 'x', 63);
	name[63] = '\0';
	need(root->ops->symlink(root, "long", name), "symlink long");
	need(fu_path(root, "a/size4096", &vn), "lookup size4096");
	need(root->ops->link(root, "hardlink", vn), "link");
	need(vn->ops->getattr(vn, &a), "getattr");
	FU_CHECK(a.nlink == 2 && a.size == 4096, "nlink %u size %lld",
	    a.nlink, (long long)a.size);
	lo_vn_rele(vn);
	/* truncates: shrink, extend (zeros: kept under raw/), mode, mtime */
	need(root->ops->mkdir(root, "raw", 0755), "mkdir raw");
	need(fu_path(root, "raw", &sub), "lookup raw");
	need(fu_mkfile(sub, "grown", 1000, 4096, 0644), "grown");
	need(setsize(sub, "grown", 20000), "extend");
	need(fu_mkfile(sub, "shrunk", 100000, 4096, 0644), "shrunk");
	need(setsize(sub, "shrunk", 5000), "shrink");
	lo_vn_rele(sub);
	need(fu_path(root, "a/renamed", &vn), "lookup renamed");
	a.mode = 0600;
	a.mtime_ns = 1234567890LL * 1000000000 + 5;
	need(vn->ops->setattr(vn, &a, LO_SETATTR_MODE | LO_SETATTR_MTIME),
	    "setattr");
	need(vn->ops->getattr(vn, &a), "getattr");
	/* nanoseconds only where the inode has room (not -I 128) */
	FU_CHECK((a.mode & 07777) == 0600 && (a.mtime_ns ==
	    1234567890LL * 1000000000 + 5 || a.mtime_ns ==
	    1234567890LL * 1000000000), "mode %o mtime %lld", a.mode,
	    (long long)a.mtime_ns);
	need(vn->ops->fsync(vn, 0), "fsync");
	lo_vn_rele(vn);
	lo_vn_rele(d);
	(void)e;
}

/* On a full disk, rewriting blocks a file already has still works. */
static void
overwrite_full(struct lo_vnode *root)
{
	static unsigned char buf[65536];
	struct lo_vnode *vn;
	ssize_t n;

	if (need(root->ops->lookup(root, "fill0", &vn), "lookup fill0") != 0)
		return;
	fu_fill(buf, sizeof(buf), fu_hash(256 * 1024 + 123), 4096);
	n = vn->ops->write(vn, buf, 8192, 4096);
	FU_CHECK(n == 8192, "overwrite on a full disk: %zd", n);
	n = vn->ops->write(vn, buf, 65536, 256 * 1024 + 123);
	FU_CHECK(n == -ENOSPC || (n >= 0 && n < 65536),
	    "append on a full disk: %zd", n);
	lo_vn_rele(vn);
}

static int
cmd_enospc(struct lo_vnode *root)
{
	char name[32];
	int n[2], i, round, e = 0;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < 100000; i++) {
			snprintf(name, sizeof(name), "fill%d", i);
			e = fu_mkfile(root, name, 256 * 1024 + 123, 65536, 0644);
			if (e != 0)
				break;
		}
		n[round] = i;
		printf("enospc: round %d: %d files, then %d\n", round, i, e);
		FU_CHECK(e == -ENOSPC, "full disk gave %d, want -ENOSPC", e);
		overwrite_full(root);
		for (i = 0; i <= n[round]; i++) {
			snprintf(name, sizeof(name), "fill%d", i);
			e = root->ops->unlink(root, name);
			FU_CHECK(e == 0 || (i == n[round] && e == -ENOENT),
			    "unlink %s: %d", name, e);
		}
	}
	FU_CHECK(n[1] >= n[0] - 1 && n[0] > 3, "space lost: %d then %d files",
	    n[0], n[1]);
	/* small files in one directory: inodes or blocks run out, and the
	 * directory grows to the end */
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "small-file-number-%d", i);
		if ((e = fu_mkfile(root, name, 3000, 4096, 0644)) != 0)
			break;
	}
	printf("enospc: small files: %d, then %d\n", i, e);
	FU_CHECK(e == -ENOSPC, "small files: full disk gave %d", e);
	for (n[0] = i, i = 0; i <= n[0]; i += 2) {
		snprintf(name, sizeof(name), "small-file-number-%d", i);
		e = root->ops->unlink(root, name);
		FU_CHECK(e == 0 || e == -ENOENT, "unlink %s: %d", name, e);
	}
	/* leave some files behind for e2fsck to look at */
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "left%d", i);
		need(fu_mkfile(root, name, 100000, 4096, 0644), name);
	}
	return 0;
}

#define REC	4096

static void
record(unsigned char *buf, long i)
{

	fu_fill(buf, REC, (uint32_t)(i % 251), (uint64_t)i);
	snprintf((char *)buf, 32, "REC %08ld", i);
}

static int
openc(struct lo_vnode *root, const char *name, struct lo_vnode **vn)
{
	int e;

	e = root->ops->lookup(root, name, vn);
	if (e == -ENOENT)
		e = root->ops->create(root, name, 0644, vn);
	return need(e, name);
}

static int
cmd_append(struct lo_vnode *root, long n, long acked)
{
	unsigned char buf[REC];
	struct lo_vnode *vn, *fr;
	struct lo_attr a, fa;
	long i;

	if (openc(root, "log", &vn) != 0)
		return 1;
	if (openc(root, "frag", &fr) != 0) {
		lo_vn_rele(vn);
		return 1;
	}
	need(vn->ops->getattr(vn, &a), "getattr log");
	need(fr->ops->getattr(fr, &fa), "getattr frag");
	/* the record in flight at a crash may be a hole (the size went
	 * out first): the app's recovery writes it again -- never one
	 * acknowledged before (ACKED), that would hide a loss */
	i = a.size / REC;
	if (i > 0 && i - 1 > acked) {
		unsigned char want[REC];

		record(want, i - 1);
		if (vn->ops->read(vn, buf, REC, (i - 1) * REC) != REC ||
		    memcmp(buf, want, REC) != 0)
			i--;
	}
	printf("append: from record %ld\n", i);
	fflush(stdout);
	for (; i < n; i++) {
		record(buf, i);
		if (vn->ops->write(vn, buf, REC, i * REC) != REC ||
		    (i % 8 == 7 && fr->ops->write(fr, buf, REC, fa.size) !=
		    REC) || vn->ops->fsync(vn, 0) != 0) {
			printf("BAD append %ld failed\n", i);
			fu_bad++;
			break;
		}
		if (i % 8 == 7)
			fa.size += REC;
		printf("acked %ld\n", i);
		fflush(stdout);
	}
	lo_vn_rele(fr);
	lo_vn_rele(vn);
	return 0;
}

static int
cmd_checklog(struct lo_vnode *root, long n)
{
	unsigned char buf[REC], want[REC];
	struct lo_vnode *vn;
	long i, bad = 0;

	if (need(root->ops->lookup(root, "log", &vn), "lookup log") != 0)
		return 1;
	for (i = 0; i <= n; i++) {
		record(want, i);
		if (vn->ops->read(vn, buf, REC, i * REC) != REC ||
		    memcmp(buf, want, REC) != 0) {
			if (bad++ < 5)
				printf("BAD record %ld lost or damaged\n", i);
		}
	}
	printf("checklog: %ld acked records, %ld lost\n", n + 1, bad);
	fu_bad += bad != 0;
	lo_vn_rele(vn);
	return 0;
}

/* bench/fs.sh's small-file phase, for profiling on the host */
static void
cmd_files(struct lo_vnode *root, long n)
{
	struct lo_vnode *d, *vn;
	struct lo_attr a;
	char name[32];
	long i;

	if (need(root->ops->mkdir(root, "files", 0755), "mkdir files") != 0 ||
	    need(root->ops->lookup(root, "files", &d), "lookup files") != 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%05ld", i);
		if (need(d->ops->create(d, name, 0644, &vn), "create") != 0)
			break;
		need(vn->ops->write(vn, name, 6, 0) == 6 ? 0 : -EIO, "write");
		lo_vn_rele(vn);
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%05ld", i);
		if (need(d->ops->lookup(d, name, &vn), "lookup") != 0)
			break;
		need(vn->ops->getattr(vn, &a), "getattr");
		lo_vn_rele(vn);
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%05ld", i);
		need(d->ops->unlink(d, name), "unlink");
	}
	lo_vn_rele(d);
	printf("files: %ld\n", n);
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ro = argc > 2 && strcmp(argv[2], "ro") == 0;
	struct lo_vnode *root;
	int e;

	setvbuf(stdout, NULL, _IOLBF, 0);
	e = fu_mount(&mnt, "blk0", ro ?
	    LO_MNT_RDONLY : 0, &root);
	if (!strcmp(cmd, "mount")) {
		printf("mount: %d\n", e);
		if (e == 0)
			unmount(root);
		return 0;
	}
	if (need(e, "mount") != 0)
		goto out;
	if (!strcmp(cmd, "tree")) {
		build(root);
		need(root->ops->fsync(root, 0), "fsync root");
		unmount(root);
		if (need(fu_mount(&mnt, "blk0", LO_MNT_RDONLY, &root),
		    "remount") != 0)
			goto out;
		fu_bad += fu_walk(root, "");
	} else if (!strcmp(cmd, "walk"))
		fu_bad += fu_walk(root, "");
	else if (!strcmp(cmd, "fsyncdie")) {
		build(root);
		need(root->ops->fsync(root, 0), "fsync root");
		printf("fsyncdie: %s\n", fu_bad ? "problems" : "synced, dying");
		fflush(stdout);
		_exit(fu_bad != 0);
	} else if (!strcmp(cmd, "enospc"))
		cmd_enospc(root);
	else if (!strcmp(cmd, "append") && argc > 2)
		cmd_append(root, atol(argv[2]), argc > 3 ? atol(argv[3]) : -1);
	else if (!strcmp(cmd, "files") && argc > 2)
		cmd_files(root, atol(argv[2]));
	else if (!strcmp(cmd, "checklog") && argc > 2)
		cmd_checklog(root, atol(argv[2]));
	else {
		printf("usage: fstest tree|walk|mount|enospc|append N|checklog N\n");
		fu_bad++;
	}
	unmount(root);
out:
	if (fu_bad == 0)
		printf("fstest: ok\n");
	else
		printf("fstest: %d problems\n", fu_bad);
	return fu_bad != 0;
}
