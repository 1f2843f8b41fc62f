/*
 * vnode.c -- vnode life cycle: created with one reference by a file
 * system, released to its inactive op at the last reference.
 */
#include "lo.h"

struct lo_vnode *
lo_vn_new(struct lo_mount *mp, const struct lo_vnops *ops, uint32_t mode,
    uint64_t ino, void *priv)
{
	struct lo_vnode *vn = lo_zalloc(sizeof(*vn));

	if (vn == NULL)
		return NULL;
	vn->ops = ops;
	vn->mnt = mp;
	vn->refs = 1;
	vn->mode = mode;
	vn->ino = ino;
	vn->priv = priv;
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

	if (vn == NULL || --vn->refs > 0)
		return;
	if (vn->ops->inactive != NULL)
		vn->ops->inactive(vn);
	lo_free(vn, sizeof(*vn));
}
