/*
 * string_renamed.c -- core/string.c under tst_* names, so the test can
 * compare it with glibc without replacing glibc's own functions.
 */
#define memcpy	tst_memcpy
#define memmove	tst_memmove
#define memset	tst_memset
#define memcmp	tst_memcmp
#define strlen	tst_strlen
#define strnlen	tst_strnlen
#define strcmp	tst_strcmp
#define strncmp	tst_strncmp
#define strchr	tst_strchr
#define strrchr	tst_strrchr
#define strcpy	tst_strcpy
#define strncpy	tst_strncpy
#define strcat	tst_strcat
#include "../../core/string.c"
