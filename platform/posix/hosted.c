/*
 * hosted.c -- platform posix entered from a C library's main(): only
 * for the glibc-hosted test builds (ASan+UBSan, valgrind, callgrind:
 * tests/hypercall/posix-build.sh), where the sanitizer runtimes need
 * glibc's start-up.  Freestanding links use start.S instead.  Nothing
 * else of glibc is used after this point.
 */
#include "posix.h"

int
main(int argc, char **argv, char **envp)
{

	posix_start(argc, argv, envp);
}
