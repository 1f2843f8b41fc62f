/*
 * appmode.c -- linked into a posix program that is an app (tandem-cc
 * output, configure tests): selects app mode for good, so the process's
 * argv reaches the app unchanged even without TANDEM_POSIX in the
 * environment.  Overrides the weak 0 in main.c; see posix.h.
 */
#include "posix.h"

int td_posix_app_mode = 1;
