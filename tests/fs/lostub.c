/*
 * lostub.c -- the few libos calls a file system plug-in makes, for
 * testing libos/fs/ext4*.c on platform posix before libos exists:
 * vnodes with reference counts (inactive at the last release) and a
 * mount record.  The real ones live in libos/; these follow libos.h.
 */
#include <stdlib.h>
#include <sys/types.h>

#include <tandem/libos.h>

int lostub_live;		/* vnodes not yet released: leak check */

struct lo_vnode *
lo_vn_new(struct lo_mount *mnt, const struct lo_vnops *ops, uint32_t mode,
    uint64_t ino, void *priv)
{
	struct lo_vnode *vn = calloc(1, sizeof(*vn));

	if (vn == NULL)
		return NULL;
	vn->ops = ops;
	vn->mnt = mnt;
	vn->refs = 1;
	vn->mode = mode;
	vn->ino = ino;
	vn->priv = priv;
	lostub_live++;
	return vn;
}

void
lo_vn_ref(struct lo_vnode *vn)
{

	vn->refs++;
}

void
lo_vn_rele(struct lo_vnode *vn)
{

	if (--vn->refs > 0)
		return;
	if (vn->ops->inactive != NULL)
		vn->ops->inactive(vn);
	lostub_live--;
	free(vn);
}
