/*
 * test_xenproto.c -- unit and fuzz tests of what the Xen drivers parse
 * from the other side: xenstore framing, ring copies and reply parsers
 * (platform/xen/xs_proto.c), and the shared-ring response checks
 * (platform/xen/ring_check.h) driven by a model of blkfront's consumer.
 * Random but seeded (TD_FUZZ_SEED), so a failure repeats; the case
 * counts add up to more than 10^6.  Built with ASan+UBSan: buffers are
 * allocated at their exact size so any over-read is caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/hypercall.h>

#include "test.h"
#include "xs_proto.h"
#include "ring_check.h"

static uint64_t rng = 88172645463325252ULL;
static unsigned long ncases;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t rndn(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

/* ---- unit tests ------------------------------------------------------- */
static void
test_parsers(void)
{
	const char *p, *t, *name;
	uint32_t off = 0;
	uint64_t v;
	int n = 0;

	CHECK(xs_err_parse("ENOENT", 7) == TD_ENOENT);
	CHECK(xs_err_parse("ENOENT", 6) == TD_ENOENT);
	CHECK(xs_err_parse("EAGAIN", 7) == TD_EAGAIN);
	CHECK(xs_err_parse("ENOENTX", 8) == TD_EIO);
	CHECK(xs_err_parse("ENO", 3) == TD_EIO);
	CHECK(xs_err_parse("", 0) == TD_EIO);
	CHECK(xs_watch_parse("a/b\0tok\0", 8, &p, &t) == 0 &&
	    strcmp(p, "a/b") == 0 && strcmp(t, "tok") == 0);
	CHECK(xs_watch_parse("a/b\0tok", 7, &p, &t) == -1);
	CHECK(xs_watch_parse("a/b", 3, &p, &t) == -1);
	while (xs_dir_next("x\0yy\0zzz\0", 9, &off, &name) == 1)
		n++;
	CHECK(n == 3);
	off = 0;
	CHECK(xs_dir_next("x\0yy", 4, &off, &name) == 1);
	CHECK(xs_dir_next("x\0yy", 4, &off, &name) == -1);
	CHECK(xs_parse_u64("18446744073709551615", &v) == 0 &&
	    v == UINT64_MAX);
	CHECK(xs_parse_u64("18446744073709551616", &v) == -1);
	CHECK(xs_parse_u64("", &v) == -1);
	CHECK(xs_parse_u64("12a", &v) == -1);
	CHECK(xs_parse_u64("-1", &v) == -1);
	CHECK(xs_parse_u64(" 1", &v) == -1);
}

static void
test_ring_checks(void)
{
	uint8_t busy[4] = { 1, 0, 1, 0 };

	CHECK(xen_ring_rsp_ok(5, 3, 7, 32));
	CHECK(!xen_ring_rsp_ok(8, 3, 7, 32));		/* beyond requests */
	CHECK(!xen_ring_rsp_ok(2, 3, 7, 32));		/* backwards */
	CHECK(xen_ring_rsp_ok(1, 0xffffffffu, 2, 32));	/* wraps */
	CHECK(!xen_ring_rsp_ok(100, 0, 200, 32));	/* > ring */
	CHECK(xen_ring_id_ok(0, 4, busy) && !xen_ring_id_ok(1, 4, busy));
	CHECK(!xen_ring_id_ok(4, 4, busy) && !xen_ring_id_ok(~0ULL, 4, busy));
}

/* ---- fuzz: framing ---------------------------------------------------- */
struct seen {
	uint32_t type, id, len;
	int	 toobig;
	uint64_t hash;
};

static uint64_t
hash(const char *p, uint32_t n)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
	return h;
}

/* A stream of messages, some with absurd lengths, maybe cut short. */
static size_t
make_stream(char *s, size_t max, struct seen *want, int *nwant)
{
	struct xsd_sockmsg h;
	size_t n = 0;
	uint32_t len, k;
	int m = 0;

	while (n + sizeof(h) < max && m < 16 && rndn(8) != 0) {
		h.type = rndn(4) ? rndn(XS_TYPE_COUNT) : (uint32_t)rnd();
		h.req_id = (uint32_t)rnd();
		h.tx_id = (uint32_t)rnd();
		len = rndn(4) == 0 ? XENSTORE_PAYLOAD_MAX + rndn(64) :
		    rndn(10) == 0 ? (uint32_t)rnd() : rndn(300);
		h.len = len;
		memcpy(s + n, &h, sizeof(h));
		n += sizeof(h);
		k = len < max - n ? len : (uint32_t)(max - n);
		for (uint32_t i = 0; i < k; i++)
			s[n + i] = (char)rnd();
		want[m].type = h.type;
		want[m].id = h.req_id;
		want[m].len = len;
		want[m].toobig = len > XENSTORE_PAYLOAD_MAX;
		want[m].hash = want[m].toobig ? 0 : hash(s + n, k);
		n += k;
		if (k == len)
			m++;
		else
			break;		/* truncated: never completes */
	}
	if (rndn(3) == 0 && n > 0)
		n -= rndn((uint32_t)n);	/* cut anywhere */
	*nwant = m;
	return n;
}

static void
fuzz_framing(void)
{
	static char s[8 * 4096];
	static struct xs_msg m;
	struct seen want[16];
	size_t n, off, k, chunk;
	int nwant, got, done, bad = 0, c;

	for (c = 0; c < 300000; c++, ncases++) {
		n = make_stream(s, sizeof(s), want, &nwant);
		xs_msg_reset(&m);
		got = 0;
		for (off = 0; off < n; off += k) {
			chunk = 1 + rndn(rndn(2) ? 16 : 2048);
			if (chunk > n - off)
				chunk = n - off;
			/* exact-size copy: ASan sees any over-read */
			char *piece = malloc(chunk);
			memcpy(piece, s + off, chunk);
			k = xs_msg_feed(&m, piece, chunk, &done);
			free(piece);
			if (k == 0 || k > chunk) {
				bad++;
				break;
			}
			if (!done)
				continue;
			if (got >= nwant || m.hdr.type != want[got].type ||
			    m.hdr.req_id != want[got].id ||
			    m.hdr.len != want[got].len ||
			    m.toobig != want[got].toobig ||
			    (!m.toobig && (m.body[m.hdr.len] != '\0' ||
			    hash(m.body, m.hdr.len) != want[got].hash)))
				bad++;
			got++;
			xs_msg_reset(&m);
		}
		/* a cut stream may lose its last messages, never invent */
		if (got > nwant)
			bad++;
	}
	CHECK(bad == 0);
}

/* ---- fuzz: the shared ring --------------------------------------------- */
static void
fuzz_ring(void)
{
	struct xenstore_domain_interface *r = malloc(sizeof(*r));
	char dst[2048], src[2048];
	XENSTORE_RING_IDX cons, prod;
	int c, k, bad = 0;
	size_t n, i;

	for (c = 0; c < 300000; c++, ncases++) {
		for (i = 0; i < XENSTORE_RING_SIZE; i++)
			r->rsp[i] = r->req[i] = (char)rnd();
		cons = (XENSTORE_RING_IDX)rnd();
		/* mostly sane, some around the limit, some anything */
		switch (rndn(4)) {
		case 0:
			prod = (XENSTORE_RING_IDX)rnd();
			break;
		case 1:
			prod = cons + XENSTORE_RING_SIZE - 8 + rndn(17);
			break;
		default:
			prod = cons + rndn(XENSTORE_RING_SIZE + 1);
			break;
		}
		n = rndn(sizeof(dst) + 1);
		if (c & 1) {
			r->rsp_cons = cons;
			r->rsp_prod = prod;
			k = xs_ring_read(r, dst, n);
			if (prod - cons > XENSTORE_RING_SIZE)
				bad += k != -1 || r->rsp_cons != cons;
			else if (k < 0 || (size_t)k > n || (uint32_t)k > prod - cons ||
			    ((size_t)k < n && (uint32_t)k != prod - cons) ||
			    r->rsp_cons != cons + (uint32_t)k)
				bad++;
			else
				for (i = 0; i < (size_t)k; i++)
					bad += dst[i] != r->rsp[MASK_XENSTORE_IDX(cons + i)];
		} else {
			r->req_cons = cons;
			r->req_prod = prod;
			for (i = 0; i < n; i++)
				src[i] = (char)rnd();
			k = xs_ring_write(r, src, n);
			if (prod - cons > XENSTORE_RING_SIZE)
				bad += k != -1 || r->req_prod != prod;
			else if (k < 0 || (size_t)k > n ||
			    (uint32_t)k > XENSTORE_RING_SIZE - (prod - cons) ||
			    r->req_prod != prod + (uint32_t)k)
				bad++;
			else
				for (i = 0; i < (size_t)k; i++)
					bad += src[i] != r->req[MASK_XENSTORE_IDX(prod + i)];
		}
	}
	free(r);
	CHECK(bad == 0);
}

/* ---- fuzz: reply parsers ------------------------------------------------ */
static void
fuzz_parsers(void)
{
	const char *name, *p, *t;
	uint32_t len, off;
	uint64_t v, w;
	char num[32];
	int c, bad = 0, rv;

	for (c = 0; c < 300000; c++, ncases++) {
		len = rndn(64);
		char *b = malloc(len ? len : 1);
		for (uint32_t i = 0; i < len; i++)
			b[i] = rndn(3) == 0 ? '\0' : (char)('0' + rndn(12));
		xs_err_parse(b, len);
		off = 0;
		while ((rv = xs_dir_next(b, len, &off, &name)) == 1)
			if (name < b || name >= b + len || off > len ||
			    b[off - 1] != '\0')
				bad++;
		if (xs_watch_parse(b, len, &p, &t) == 0 &&
		    (p != b || t <= p || t >= b + len))
			bad++;
		/* numbers: what parses must print back the same */
		if (len > 0 && b[len - 1] == '\0' && xs_parse_u64(b, &v) == 0) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
			if (strcmp(num, b) != 0 && b[0] != '0')
				bad++;
		}
		free(b);
		w = rnd() >> rndn(64);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)w);
		if (xs_parse_u64(num, &v) != 0 || v != w)
			bad++;
	}
	CHECK(bad == 0);
}

/* ---- fuzz: a backend answering (or lying) on a 32-slot ring ------------- */
static void
fuzz_consumer(void)
{
	enum { N = 32 };
	uint8_t busy[N];
	uint64_t ids[N];
	uint32_t req_prod, rsp_cons, rsp_prod, out, i, k;
	int c, step, bad = 0, lied, caught;

	for (c = 0; c < 200000; c++, ncases++) {
		memset(busy, 0, sizeof(busy));
		req_prod = rsp_cons = (uint32_t)rnd();
		out = 0;
		lied = caught = 0;
		for (step = 0; step < 8 && !caught; step++) {
			/* front: issue a few */
			for (k = rndn(N - out + 1); k > 0; k--) {
				for (i = 0; busy[i]; i++)
					;
				busy[i] = 1;
				req_prod++;
				out++;
			}
			/* back: answer some, maybe lie about index or ids */
			k = rndn(out + 1);
			rsp_prod = rsp_cons + k;
			if (rndn(10) == 0) {
				/* anything, or just past what is outstanding */
				rsp_prod = rndn(2) ? (uint32_t)rnd() :
				    rsp_cons + out + 1 + rndn(3);
				lied = !xen_ring_rsp_ok(rsp_prod, rsp_cons,
				    req_prod, N);
			}
			for (i = 0; i < N; i++)
				ids[i] = rndn(20) == 0 ? rnd() : rndn(N);
			/* front: the consumer as blkfront runs it */
			if (!xen_ring_rsp_ok(rsp_prod, rsp_cons, req_prod, N)) {
				caught = 1;
				bad += !lied;
				break;
			}
			if (rsp_prod - rsp_cons > out)
				bad++;	/* the check let through too many */
			for (; rsp_cons != rsp_prod; rsp_cons++) {
				uint64_t id = ids[rsp_cons % N];
				if (!xen_ring_id_ok(id, N, busy)) {
					caught = 1;
					break;
				}
				busy[id] = 0;
				out--;
			}
		}
		for (i = 0, k = 0; i < N; i++)
			k += busy[i];
		if (k != out)
			bad++;
	}
	CHECK(bad == 0);
}

int
main(void)
{
	const char *s = getenv("TD_FUZZ_SEED");

	if (s != NULL)
		rng = strtoull(s, NULL, 0) | 1;
	RUN(test_parsers);
	RUN(test_ring_checks);
	RUN(fuzz_framing);
	RUN(fuzz_ring);
	RUN(fuzz_parsers);
	RUN(fuzz_consumer);
	printf("xenproto: %lu fuzz cases\n", ncases);
	return t_done();
}
