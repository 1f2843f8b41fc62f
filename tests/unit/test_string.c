/*
 * test_string.c -- core/string.c (as tst_*) against glibc on random
 * buffers, every overlap direction of memmove, and the str* edge cases.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"

void	*tst_memcpy(void *, const void *, size_t);
void	*tst_memmove(void *, const void *, size_t);
void	*tst_memset(void *, int, size_t);
int	 tst_memcmp(const void *, const void *, size_t);
size_t	 tst_strlen(const char *);
size_t	 tst_strnlen(const char *, size_t);
int	 tst_strcmp(const char *, const char *);
int	 tst_strncmp(const char *, const char *, size_t);
char	*tst_strchr(const char *, int);
char	*tst_strrchr(const char *, int);
char	*tst_strcpy(char *, const char *);
char	*tst_strncpy(char *, const char *, size_t);
char	*tst_strcat(char *, const char *);

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
test_mem(void)
{
	static unsigned char a[700], b[700], ref[700];
	size_t off, doff, n;
	int i, bad = 0;

	srand(3);
	for (i = 0; i < 700; i++)
		a[i] = rand();
	for (off = 0; off < 16; off++)
		for (doff = 0; doff < 16; doff++)
			for (n = 0; n < 300; n += 1 + n / 8) {
				memcpy(b, a, sizeof(b));
				memcpy(ref, a, sizeof(ref));
				bad += tst_memcpy(b + 300 + doff, a + off, n) !=
				    b + 300 + doff;
				memcpy(ref + 300 + doff, a + off, n);
				bad += memcmp(b, ref, sizeof(b)) != 0;
				/* overlapping both ways within one buffer */
				tst_memmove(b + doff, b + off + 50, n);
				memmove(ref + doff, ref + off + 50, n);
				bad += memcmp(b, ref, sizeof(b)) != 0;
				tst_memmove(b + off + 50, b + doff, n);
				memmove(ref + off + 50, ref + doff, n);
				bad += memcmp(b, ref, sizeof(b)) != 0;
				tst_memmove(b + off, b + off, n);
				bad += memcmp(b, ref, sizeof(b)) != 0;
				tst_memset(b + off, (int)(n + 0x100), n);
				memset(ref + off, (int)(n + 0x100), n);
				bad += memcmp(b, ref, sizeof(b)) != 0;
				bad += sign(tst_memcmp(a + off, a + doff, n)) !=
				    sign(memcmp(a + off, a + doff, n));
			}
	CHECK(bad == 0);
	CHECK(tst_memcmp("ab\x80", "ab\x01", 3) > 0);
	CHECK(tst_memcmp("abc", "abd", 0) == 0);
}

static void
test_str(void)
{
	static const char *const s[] = {
		"", "a", "ab", "abc", "abd", "b", "\xff", "hello world",
	};
	char buf[64];
	size_t i, j, k;

	for (i = 0; i < 8; i++) {
		CHECK(tst_strlen(s[i]) == strlen(s[i]));
		for (k = 0; k < 5; k++)
			CHECK(tst_strnlen(s[i], k) == strnlen(s[i], k));
		for (j = 0; j < 8; j++) {
			CHECK(sign(tst_strcmp(s[i], s[j])) ==
			    sign(strcmp(s[i], s[j])));
			for (k = 0; k < 4; k++)
				CHECK(sign(tst_strncmp(s[i], s[j], k)) ==
				    sign(strncmp(s[i], s[j], k)));
		}
	}
	CHECK(tst_strchr("hello", 'l') == strchr("hello", 'l') ||
	    strcmp(tst_strchr("hello", 'l'), "llo") == 0);
	CHECK(tst_strchr("hello", 'z') == NULL);
	CHECK(*tst_strchr("hello", '\0') == '\0');
	CHECK(strcmp(tst_strrchr("hello", 'l'), "lo") == 0);
	CHECK(tst_strrchr("hello", 'z') == NULL);
	CHECK(tst_strcpy(buf, "abc") == buf && strcmp(buf, "abc") == 0);
	CHECK(strcmp(tst_strcat(buf, "def"), "abcdef") == 0);
	memset(buf, 'x', sizeof(buf));
	tst_strncpy(buf, "ab", 6);
	CHECK(memcmp(buf, "ab\0\0\0\0x", 7) == 0);
	tst_strncpy(buf, "abcdefgh", 3);
	CHECK(memcmp(buf, "abc\0", 4) == 0);
}

int
main(void)
{
	RUN(test_mem);
	RUN(test_str);
	return t_done();
}
