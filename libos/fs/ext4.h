/*
 * ext4.h -- the "ext4" file system type (ext2, ext3 and ext4 images as
 * Debian's mke2fs makes them) for libos to register:
 *
 *	lo_fstype_register(&e4_fstype);
 *	lo_mount("ext4", "blk0", "/data", 0, NULL);
 *
 * mount() takes a rumpuser device name; LO_MNT_RDONLY mounts read-only.
 * What is refused, and why, is in docs/ext4.md (each refusal also prints
 * one "ext4: DEV: ..." line through rumpuser_dprintf).  The vnode ops
 * block in rumpuser device calls while the device works (and on the
 * mount's lock while another thread is inside the same mount).
 */
#ifndef LIBOS_FS_EXT4_H
#define LIBOS_FS_EXT4_H

#include <sys/types.h>
#include <tandem/libos.h>

extern const struct lo_fstype e4_fstype;

#endif
