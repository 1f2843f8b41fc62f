/*
 * tandem-exec CMD [ARG...] -- runs CMD (the launcher's `timeout ...
 * qemu-system-x86_64 ...`) with transparent huge pages off for it and
 * everything it starts (prctl PR_SET_THP_DISABLE is inherited across fork
 * and exec).  Installed as $BUILD/bin/tandem-exec; used for tcg only.
 *
 * Why: QEMU asks for huge pages on guest RAM (madvise MADV_HUGEPAGE), so
 * the guest's first touch of any byte of a 2 MiB region makes the host
 * zero all 2 MiB.  A booting guest touches a few bytes of many regions:
 * for the redis appliance that zeroing was half of QEMU's CPU time from
 * launch to the first answer.  Under TCG the host's page size does not
 * change the guest's speed (QEMU's software TLB maps 4 KiB pages either
 * way), so the launch cost is all there is to it.  Under KVM huge pages
 * back the guest's own page walks, so the launcher leaves them on there.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: tandem-exec CMD [ARG...]\n");
		return 125;
	}
	/* (an old kernel without it: run CMD anyway, only slower) */
	(void)prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "tandem-exec: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
