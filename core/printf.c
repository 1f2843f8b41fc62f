/*
 * printf.c -- the formatting engine behind td_printf and td_snprintf.
 *
 * Output goes through a small sink: snprintf's sink fills the caller's
 * buffer and keeps counting past its end (C99 return value); printf's
 * sink is a stack buffer drained to the console whenever it fills, so
 * a long line costs a handful of console writes and no heap.
 */
#include "core_impl.h"

#define F_MINUS	0x01
#define F_PLUS	0x02
#define F_SPACE	0x04
#define F_HASH	0x08
#define F_ZERO	0x10

struct sink {
	char	*buf;
	size_t	 cap;		/* bytes buf may take */
	size_t	 pos;
	size_t	 total;		/* bytes the format produced */
	void	(*drain)(struct sink *);
};

struct spec {
	int	 flags;
	int	 width;
	int	 prec;		/* -1: none */
};

static void
put(struct sink *s, char c)
{
	if (s->pos == s->cap && s->drain != NULL)
		s->drain(s);
	if (s->pos < s->cap)
		s->buf[s->pos++] = c;
	s->total++;
}

static void
pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

static void
emit_str(struct sink *s, const struct spec *sp, const char *str)
{
	size_t len = sp->prec >= 0 ? strnlen(str, sp->prec) : strlen(str);
	int padn = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!(sp->flags & F_MINUS))
		pad(s, ' ', padn);
	while (len-- > 0)
		put(s, *str++);
	if (sp->flags & F_MINUS)
		pad(s, ' ', padn);
}

/*
 * An integer: [sign or 0x prefix][zeros to precision or width][digits],
 * justified in the field.  neg tells a signed conversion's sign.
 */
static void
emit_int(struct sink *s, const struct spec *sp, uintmax_t v, int neg,
    int base, int upper, int is_signed)
{
	const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[32], pfx[3];
	int nd = 0, np = 0, zeros, padn, prec = sp->prec;

	while (v != 0) {
		tmp[nd++] = digs[v % base];
		v /= base;
	}
	if (prec < 0)
		prec = 1;
	if (base == 8 && (sp->flags & F_HASH) && prec <= nd)
		prec = nd + 1;		/* '#': a leading zero */
	if (is_signed && neg)
		pfx[np++] = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		pfx[np++] = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		pfx[np++] = ' ';
	if (base == 16 && (sp->flags & F_HASH) && nd > 0) {
		pfx[np++] = '0';
		pfx[np++] = upper ? 'X' : 'x';
	}
	zeros = prec > nd ? prec - nd : 0;
	padn = sp->width - np - zeros - nd;
	if ((sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && sp->prec < 0 &&
	    padn > 0) {
		zeros += padn;
		padn = 0;
	}
	if (!(sp->flags & F_MINUS))
		pad(s, ' ', padn);
	for (int i = 0; i < np; i++)
		put(s, pfx[i]);
	pad(s, '0', zeros);
	while (nd > 0)
		put(s, tmp[--nd]);
	if (sp->flags & F_MINUS)
		pad(s, ' ', padn);
}

enum lenmod { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX,
	L_PTRDIFF };

static const char *
parse_len(const char *f, enum lenmod *lm)
{
	*lm = L_INT;
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*lm = L_CHAR;
			return f + 2;
		}
		*lm = L_SHORT;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*lm = L_LLONG;
			return f + 2;
		}
		*lm = L_LONG;
		return f + 1;
	case 'z': *lm = L_SIZE; return f + 1;
	case 'j': *lm = L_MAX; return f + 1;
	case 't': *lm = L_PTRDIFF; return f + 1;
	default: return f;
	}
}

static intmax_t
arg_signed(va_list *ap, enum lenmod lm)
{
	switch (lm) {
	case L_CHAR: return (signed char)va_arg(*ap, int);
	case L_SHORT: return (short)va_arg(*ap, int);
	case L_LONG: return va_arg(*ap, long);
	case L_LLONG: return va_arg(*ap, long long);
	case L_SIZE: return va_arg(*ap, ptrdiff_t);	/* ssize_t */
	case L_MAX: return va_arg(*ap, intmax_t);
	case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(va_list *ap, enum lenmod lm)
{
	switch (lm) {
	case L_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG: return va_arg(*ap, unsigned long);
	case L_LLONG: return va_arg(*ap, unsigned long long);
	case L_SIZE: return va_arg(*ap, size_t);
	case L_MAX: return va_arg(*ap, uintmax_t);
	case L_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Flags, width and precision; returns the position of the length. */
static const char *
parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->flags |= F_MINUS;
		else if (*f == '+') sp->flags |= F_PLUS;
		else if (*f == ' ') sp->flags |= F_SPACE;
		else if (*f == '#') sp->flags |= F_HASH;
		else if (*f == '0') sp->flags |= F_ZERO;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_MINUS;
			sp->width = sp->width == INT32_MIN ? 0 : -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

/* One conversion at f (just past '%'); returns what follows it. */
static const char *
convert(struct sink *s, const char *f, va_list *ap)
{
	const char *start = f - 1;
	struct spec sp;
	enum lenmod lm;
	intmax_t sv;
	uintptr_t pv;
	char c;

	f = parse_len(parse_spec(f, &sp, ap), &lm);
	switch ((c = *f++)) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, lm);
		emit_int(s, &sp, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv,
		    sv < 0, 10, 0, 1);
		break;
	case 'u':
		emit_int(s, &sp, arg_unsigned(ap, lm), 0, 10, 0, 0);
		break;
	case 'x':
	case 'X':
		emit_int(s, &sp, arg_unsigned(ap, lm), 0, 16, c == 'X', 0);
		break;
	case 'o':
		emit_int(s, &sp, arg_unsigned(ap, lm), 0, 8, 0, 0);
		break;
	case 'p':
		pv = (uintptr_t)va_arg(*ap, void *);
		if (pv == 0) {
			sp.prec = -1;
			emit_str(s, &sp, "(nil)");
			break;
		}
		sp.flags |= F_HASH;
		emit_int(s, &sp, pv, 0, 16, 0, 0);
		break;
	case 's':
		emit_str(s, &sp, va_arg(*ap, const char *) ?: "(null)");
		break;
	case 'c':
		sp.prec = -1;
		if (!(sp.flags & F_MINUS))
			pad(s, ' ', sp.width - 1);
		put(s, (char)va_arg(*ap, int));
		if (sp.flags & F_MINUS)
			pad(s, ' ', sp.width - 1);
		break;
	case '%':
		put(s, '%');
		break;
	default:
		/* not ours: show it as written rather than eat arguments */
		if (c == '\0')
			f--;
		while (start < f)
			put(s, *start++);
		break;
	}
	return f;
}

static void
format(struct sink *s, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			put(s, *fmt++);
			continue;
		}
		fmt = convert(s, fmt + 1, &aq);
	}
	va_end(aq);
}

int
td_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = { buf, n > 0 ? n - 1 : 0, 0, 0, NULL };

	format(&s, fmt, ap);
	if (n > 0)
		buf[s.pos] = '\0';
	return s.total > INT32_MAX ? -1 : (int)s.total;
}

int
td_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = td_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void
cons_drain(struct sink *s)
{
	td_cons_write(s->buf, s->pos);
	s->pos = 0;
}

int
td_vprintf(const char *fmt, va_list ap)
{
	char buf[160];
	struct sink s = { buf, sizeof(buf), 0, 0, cons_drain };

	format(&s, fmt, ap);
	if (s.pos > 0)
		cons_drain(&s);
	return s.total > INT32_MAX ? -1 : (int)s.total;
}

int
td_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = td_vprintf(fmt, ap);
	va_end(ap);
	return r;
}
