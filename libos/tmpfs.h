/*
 * tmpfs.h -- private to tmpfs*.c: the page store of a file.
 */
#ifndef LIBOS_TMPFS_H
#define LIBOS_TMPFS_H

#define TPAGE	4096

struct tpages {
	void	*root;		/* a page (levels 0) or a node of 512 */
	int	 levels;
	size_t	 nalloc;	/* pages allocated: st_blocks */
};

const char *tpages_get(struct tpages *, uint64_t pi);
char	*tpages_make(struct tpages *, uint64_t pi);
void	 tpages_trunc(struct tpages *, uint64_t keep);

#endif /* LIBOS_TMPFS_H */
