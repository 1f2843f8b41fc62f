/*
 * test_printf.c -- td_snprintf against glibc's snprintf for the formats
 * core.h promises, plus truncation and the console path.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core_impl.h"
#include "test.h"

static int nbad;

#define CMP(...) do {							\
	char a_[512], b_[512];						\
	int ra_ = td_snprintf(a_, sizeof(a_), __VA_ARGS__);		\
	int rb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);		\
	if (ra_ != rb_ || strcmp(a_, b_) != 0) {			\
		printf("  %s: td \"%s\" (%d) glibc \"%s\" (%d)\n",	\
		    #__VA_ARGS__, a_, ra_, b_, rb_);			\
		nbad++;							\
	}								\
} while (0)

static void
test_integers(void)
{
	static const char *const fl[] = {
		"", "-", "0", "+", " ", "#", "-#", "0#", "+0", "- ", "-0",
	};
	static const char *const wp[] = {
		"", "1", "5", "12", ".0", ".3", "8.3", "-", "3.8", "20.10",
	};
	static const char conv[] = "diuxXo";
	static const long long vals[] = {
		0, 1, -1, 7, 8, 15, 16, 255, -255, 4096, 123456789,
		-987654321, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN,
	};
	char fmt[64];
	size_t f, w, c, v;

	nbad = 0;
	for (f = 0; f < sizeof(fl) / sizeof(fl[0]); f++)
		for (w = 0; w < sizeof(wp) / sizeof(wp[0]); w++)
			for (c = 0; c < 6; c++)
				for (v = 0; v < sizeof(vals) / sizeof(vals[0]);
				    v++) {
					if (strcmp(wp[w], "-") == 0)
						continue;
					snprintf(fmt, sizeof(fmt), "[%%%s%sll%c]",
					    fl[f], wp[w], conv[c]);
					CMP(fmt, vals[v]);
					snprintf(fmt, sizeof(fmt), "[%%%s%s%c]",
					    fl[f], wp[w], conv[c]);
					CMP(fmt, (int)vals[v]);
					snprintf(fmt, sizeof(fmt), "[%%%s%shh%c]",
					    fl[f], wp[w], conv[c]);
					CMP(fmt, (int)vals[v]);
					snprintf(fmt, sizeof(fmt), "[%%%s%sh%c]",
					    fl[f], wp[w], conv[c]);
					CMP(fmt, (int)vals[v]);
				}
	CHECK(nbad == 0);
}

static void
test_modifiers(void)
{
	nbad = 0;
	CMP("%ld %lu %lx", -5L, 5UL, 0xdeadbeefcafeUL);
	CMP("%zu %zx %zd", (size_t)12345, (size_t)-1, (ssize_t)-3);
	CMP("%jd %ju", (intmax_t)-77, (uintmax_t)UINTMAX_MAX);
	CMP("%td", (ptrdiff_t)-40);
	CMP("%llu", ULLONG_MAX);
	CMP("%hhu %hhd %hu %hd", 300, 200, 70000, 40000);
	CMP("%*d|%-*d|%.*d|%*.*x", 6, 42, 6, 42, 4, 7, 8, 3, 0xab);
	CMP("%*d|%.*d", -6, 42, -2, 5);
	CHECK(nbad == 0);
}

static void
test_strings_chars_pointers(void)
{
	int x;

	nbad = 0;
	CMP("%s|%10s|%-10s|%.2s|%8.3s|%-8.3s|", "hello", "hi", "hi",
	    "hello", "hello", "hello");
	CMP("%s", "");
	CMP("%s", (char *)NULL);
	CMP("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'x', 'y');
	CMP("%p %p %20p %-20p|", (void *)&x, (void *)0x1234,
	    (void *)&x, (void *)&x);
	CMP("%p", (void *)NULL);
	CMP("100%% %d%%", 5);
	CMP("%#lx %#lo %#x %#o", 0UL, 0UL, 255, 8);
	CMP("plain text with no conversions");
	CHECK(nbad == 0);
}

static void
test_truncation(void)
{
	char buf[16];
	int r;

	memset(buf, 'z', sizeof(buf));
	r = td_snprintf(buf, 5, "%s", "abcdefgh");
	CHECK(r == 8 && strcmp(buf, "abcd") == 0 && buf[5] == 'z');
	r = td_snprintf(buf, 1, "%d", 12345);
	CHECK(r == 5 && buf[0] == '\0');
	r = td_snprintf(NULL, 0, "%d-%s", 42, "xy");
	CHECK(r == 5);
	r = td_snprintf(buf, sizeof(buf), "%d", 7);
	CHECK(r == 1 && strcmp(buf, "7") == 0);
}

static void
test_console(void)
{
	char big[1000];
	int r;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_cons_clear();
	r = td_printf("x=%d %s\n", 3, "ok");
	CHECK(r == 7 && strcmp(fake_cons, "x=3 ok\n") == 0);
	fake_cons_clear();
	r = td_printf("<%s>", big);
	CHECK(r == 1001 && fake_cons_len == 1001);
	CHECK(fake_cons[0] == '<' && fake_cons[1000] == '>' &&
	    fake_cons[500] == 'q');
}

int
main(void)
{
	fake_init("", 0);
	RUN(test_integers);
	RUN(test_modifiers);
	RUN(test_strings_chars_pointers);
	RUN(test_truncation);
	RUN(test_console);
	return t_done();
}
