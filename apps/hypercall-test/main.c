/*
 * hypercall-test -- the rumpuser v17 conformance suite of tests/hypercall
 * as a bootable image: the very source that runs on platform posix runs
 * here on QEMU and Xen, and must give the same results.
 */
#include "../../tests/hypercall/suite.c"
#include "../../tests/hypercall/main.c"
