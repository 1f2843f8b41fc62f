/*
 * fsutil.h -- shared by the tests/fs programs: the content rule that the
 * host side (tree.py) knows too, mount helpers over the lo_fstype, and a
 * recursive walk that prints a manifest and checks every file's bytes.
 */
#ifndef TESTS_FS_FSUTIL_H
#define TESTS_FS_FSUTIL_H

#include <stdint.h>
#include <sys/types.h>
#include <tandem/libos.h>

#include "../../libos/fs/ext4.h"

extern int lostub_live;

/* byte k of a file of `size` bytes: (k * 131 + (size * 7 + 3) % 251) % 251
 * (renames keep content valid) */
uint32_t fu_hash(int64_t size);
static inline unsigned char
fu_byte(uint32_t h, uint64_t k)
{

	return (unsigned char)((k * 131 + h) % 251);
}
void	fu_fill(unsigned char *buf, size_t len, uint32_t h, uint64_t off);

int	fu_mount(struct lo_mount *, const char *dev, int flags,
	    struct lo_vnode **root);
/* Resolves a relative path of existing names from root (new ref). */
int	fu_path(struct lo_vnode *root, const char *path, struct lo_vnode **out);
/* Walks the tree: "M D|F|L path ..." lines on stdout, content checked
 * by the rule (files under a dir named "raw" are skipped); returns the
 * number of problems found (each printed as "BAD ..."). */
int	fu_walk(struct lo_vnode *dir, const char *path);
/* Creates dir/name with `size` bytes of the rule, written in pieces of
 * `piece` bytes; returns 0 or -errno. */
int	fu_mkfile(struct lo_vnode *dir, const char *name, int64_t size,
	    size_t piece, uint32_t mode);

#define FU_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		printf("BAD %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fu_bad++;						\
	}								\
} while (0)
extern int fu_bad;

#endif
