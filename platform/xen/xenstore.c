/*
 * xenstore.c -- the xenstore client: one request at a time on the ring,
 * a reader thread that takes every message off it, watches.
 *
 * Why a reader thread: replies and watch events share the response ring
 * and arrive in any order, and a watch event can come while nobody
 * waits for anything.  The event handler only wakes the reader; the
 * reader frames messages (xs_proto.c), hands a reply to the request
 * that waits for it (matched by req_id, so a late reply to a request
 * that timed out is dropped) and counts an event on its watch.
 *
 * Requests are serialised with a small lock: a request longer than the
 * 1 KiB ring is written in pieces, and another thread's bytes must not
 * get in between.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/core.h>
#include <tandem/hypercall.h>

#include "xen.h"
#include "xenstore.h"
#include "xs_proto.h"

#define REQ_TIMEOUT_NS	(10ULL * 1000 * 1000 * 1000)

static struct xenstore_domain_interface *ring;
static struct td_thread *reader, *writer;
static struct xs_msg rx;
static int dead;			/* ring broken: everything fails */
static uint32_t next_id = 1;
unsigned xs_dropped, xs_malformed;

/* the request waiting for its reply */
static struct {
	int		 active, done, err;
	uint32_t	 req_id, type, len;
	char		*buf;
	size_t		 max;
	struct td_thread *t;
} cur;

static struct xs_watch *watches;
static unsigned next_token;

/* ---- lock: FIFO of waiting threads; the unlocker hands over ---------- */
#define LKMAX	32
static int locked;
static struct td_thread *lk_q[LKMAX];
static unsigned lk_head, lk_n;

static void
xs_lock(void)
{
	struct td_thread *self = td_thread_self();
	unsigned i;

	while (locked && lk_n == LKMAX)
		td_sleep_ns(1000 * 1000);	/* absurdly many waiters */
	if (!locked) {
		locked = 1;
		return;
	}
	lk_q[(lk_head + lk_n++) % LKMAX] = self;
	/* xs_unlock removes us from the queue when it hands over */
	for (;;) {
		td_thread_prepare_block();
		for (i = 0; i < lk_n; i++)
			if (lk_q[(lk_head + i) % LKMAX] == self)
				break;
		if (i == lk_n)
			return;
		td_thread_block(UINT64_MAX);
	}
}

static void
xs_unlock(void)
{
	struct td_thread *t;

	if (lk_n == 0) {
		locked = 0;
		return;
	}
	t = lk_q[lk_head];
	lk_head = (lk_head + 1) % LKMAX;
	lk_n--;
	td_thread_wake(t);	/* still locked: now it is t's */
}

/* ---- ring ------------------------------------------------------------ */
static void
xs_event(evtchn_port_t port, void *arg)
{
	if (reader != NULL)
		td_thread_wake(reader);
	if (writer != NULL)
		td_thread_wake(writer);
}

static void
broken(const char *why)
{
	if (!dead)
		td_printf("xenstore: %s: ring disabled\n", why);
	dead = 1;
	if (cur.active && !cur.done) {
		cur.err = TD_EIO;
		cur.done = 1;
		td_thread_wake(cur.t);
	}
}

/* Writes all of p, waiting for room.  Lock held. */
static int
ring_put(const char *p, size_t n, uint64_t deadline)
{
	int k;

	writer = td_thread_self();
	while (n > 0 && !dead) {
		td_thread_prepare_block();
		if ((k = xs_ring_write(ring, p, n)) < 0) {
			broken("impossible request ring indices");
			break;
		}
		if (k > 0) {
			xen_evtchn_notify(xen_store_port);
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (td_thread_block(deadline) != 0)
			break;
	}
	writer = NULL;
	return dead ? TD_EIO : n > 0 ? TD_ETIMEDOUT : 0;
}

static struct xs_watch *
watch_by_token(const char *token)
{
	struct xs_watch *w;

	for (w = watches; w != NULL; w = w->next)
		if (strcmp(w->token, token) == 0)
			return w;
	return NULL;
}

static void
got_event(struct xs_msg *m)
{
	const char *path, *token;
	struct xs_watch *w;

	if (m->toobig || xs_watch_parse(m->body, m->hdr.len, &path,
	    &token) != 0) {
		xs_malformed++;
		return;
	}
	if ((w = watch_by_token(token)) == NULL) {
		xs_dropped++;		/* removed meanwhile */
		return;
	}
	xs_watch_poke(w);
}

void
xs_watch_poke(struct xs_watch *w)
{
	struct td_thread *t;

	__atomic_fetch_add(&w->pending, 1, __ATOMIC_SEQ_CST);
	if ((t = w->waiter) != NULL)
		td_thread_wake(t);
}

static void
got_reply(struct xs_msg *m)
{
	int err = 0;

	if (!cur.active || cur.done || m->hdr.req_id != cur.req_id) {
		xs_dropped++;
		return;
	}
	if (m->toobig)
		err = TD_E2BIG;
	else if (m->hdr.type == XS_ERROR)
		err = xs_err_parse(m->body, m->hdr.len);
	else if (m->hdr.type != cur.type) {
		xs_malformed++;
		err = TD_EIO;
	} else if ((size_t)m->hdr.len + 1 > cur.max)
		err = TD_E2BIG;
	else {
		memcpy(cur.buf, m->body, m->hdr.len + 1);
		cur.len = m->hdr.len;
	}
	cur.err = err;
	cur.done = 1;
	td_thread_wake(cur.t);
}

static void
reader_thread(void *arg)
{
	char buf[256];
	size_t off, k;
	int n, done;

	for (;;) {
		td_thread_prepare_block();
		if (dead || (n = xs_ring_read(ring, buf, sizeof(buf))) == 0) {
			td_thread_block(UINT64_MAX);
			continue;
		}
		if (n < 0) {
			broken("impossible response ring indices");
			continue;
		}
		xen_evtchn_notify(xen_store_port);	/* room for more */
		for (off = 0; off < (size_t)n; off += k) {
			k = xs_msg_feed(&rx, buf + off, (size_t)n - off, &done);
			if (!done)
				continue;
			if (rx.hdr.type == XS_WATCH_EVENT)
				got_event(&rx);
			else
				got_reply(&rx);
			xs_msg_reset(&rx);
		}
	}
}

int
xs_init(void)
{
	if (reader != NULL)
		return 0;
	if (xen_store_ring == NULL)
		return TD_ENODEV;
	ring = xen_store_ring;
	xs_msg_reset(&rx);
	reader = td_thread_create("xenstore", reader_thread, NULL,
	    TD_STACK_DEFAULT, 0);
	if (reader == NULL)
		return TD_ENOMEM;
	if (xen_evtchn_bind(xen_store_port, xs_event, NULL) != 0)
		return TD_EBUSY;
	return 0;
}

/* ---- requests ---------------------------------------------------------- */
/* One request of `type` made of parts (each sent as is), reply in
 * reply[max] NUL-terminated, its length in *lenp. */
static int
request(uint32_t type, xs_tx_t tx, const struct td_iovec *iov, int n,
    char *reply, size_t max, uint32_t *lenp)
{
	struct xsd_sockmsg h = { .type = type, .tx_id = tx };
	uint64_t deadline = td_now() + REQ_TIMEOUT_NS;
	size_t len = 0;
	int i, err;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > XENSTORE_PAYLOAD_MAX)
		return TD_E2BIG;
	if (ring == NULL || dead)
		return TD_EIO;
	h.len = (uint32_t)len;
	xs_lock();
	h.req_id = next_id++;
	cur.req_id = h.req_id;
	cur.type = type;
	cur.buf = reply;
	cur.max = max;
	cur.len = 0;
	cur.done = 0;
	cur.t = td_thread_self();
	cur.active = 1;
	err = ring_put((const char *)&h, sizeof(h), deadline);
	for (i = 0; i < n && err == 0; i++)
		err = ring_put(iov[i].iov_base, iov[i].iov_len, deadline);
	while (err == 0 && !cur.done) {
		td_thread_prepare_block();
		if (!cur.done && td_thread_block(deadline) != 0 && !cur.done)
			err = TD_ETIMEDOUT;
	}
	if (err == 0)
		err = cur.err;
	if (err == 0 && lenp != NULL)
		*lenp = cur.len;
	cur.active = 0;
	xs_unlock();
	return err;
}

/* request with a body of NUL-terminated strings (and an optional raw
 * tail, for XS_WRITE's value) */
static int
req_str(uint32_t type, xs_tx_t tx, const char *a, const char *b,
    const char *raw, char *reply, size_t max, uint32_t *lenp)
{
	struct td_iovec iov[3];
	int n = 0;

	iov[n].iov_base = (void *)a;
	iov[n++].iov_len = strlen(a) + 1;
	if (b != NULL) {
		iov[n].iov_base = (void *)b;
		iov[n++].iov_len = strlen(b) + 1;
	}
	if (raw != NULL) {
		iov[n].iov_base = (void *)raw;
		iov[n++].iov_len = strlen(raw);
	}
	return request(type, tx, iov, n, reply, max, lenp);
}

int
xs_read(xs_tx_t tx, const char *path, char *buf, size_t len)
{
	return req_str(XS_READ, tx, path, NULL, NULL, buf, len, NULL);
}

int
xs_read_u64(xs_tx_t tx, const char *path, uint64_t *v)
{
	char buf[32];
	int err;

	if ((err = xs_read(tx, path, buf, sizeof(buf))) != 0)
		return err;
	return xs_parse_u64(buf, v) == 0 ? 0 : TD_EINVAL;
}

int
xs_write(xs_tx_t tx, const char *path, const char *val)
{
	char ok[8];

	return req_str(XS_WRITE, tx, path, NULL, val, ok, sizeof(ok), NULL);
}

int
xs_printf(xs_tx_t tx, const char *path, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	td_vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(tx, path, val);
}

int
xs_rm(xs_tx_t tx, const char *path)
{
	char ok[8];

	return req_str(XS_RM, tx, path, NULL, NULL, ok, sizeof(ok), NULL);
}

int
xs_directory(xs_tx_t tx, const char *path, char *buf, size_t len,
    uint32_t *lenp)
{
	return req_str(XS_DIRECTORY, tx, path, NULL, NULL, buf, len, lenp);
}

int
xs_tx_start(xs_tx_t *txp)
{
	char id[32];
	uint64_t v;
	int err;

	err = req_str(XS_TRANSACTION_START, 0, "", NULL, NULL, id,
	    sizeof(id), NULL);
	if (err != 0)
		return err;
	if (xs_parse_u64(id, &v) != 0 || v == 0 || v > UINT32_MAX)
		return TD_EIO;
	*txp = (xs_tx_t)v;
	return 0;
}

int
xs_tx_end(xs_tx_t tx, int abort)
{
	char ok[8];

	return req_str(XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, NULL,
	    ok, sizeof(ok), NULL);
}

int
xs_watch_add(struct xs_watch *w, const char *path)
{
	char ok[8];
	int err;

	if (strlen(path) >= sizeof(w->path))
		return TD_ENAMETOOLONG;
	strcpy(w->path, path);
	td_snprintf(w->token, sizeof(w->token), "tdw%u", next_token++);
	w->pending = 0;
	w->waiter = NULL;
	/* listed first: the event xenstored fires at once must find it */
	w->next = watches;
	watches = w;
	err = req_str(XS_WATCH, 0, w->path, w->token, NULL, ok, sizeof(ok),
	    NULL);
	if (err != 0)
		xs_watch_del(w);
	return err;
}

int
xs_watch_del(struct xs_watch *w)
{
	struct xs_watch **pp;
	char ok[8];

	for (pp = &watches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	return req_str(XS_UNWATCH, 0, w->path, w->token, NULL, ok,
	    sizeof(ok), NULL);
}

int
xs_watch_wait(struct xs_watch *w, uint64_t deadline)
{
	int rv = 0;

	w->waiter = td_thread_self();
	for (;;) {
		td_thread_prepare_block();
		if (__atomic_exchange_n(&w->pending, 0, __ATOMIC_SEQ_CST) > 0)
			break;
		if (td_thread_block(deadline) != 0 &&
		    __atomic_load_n(&w->pending, __ATOMIC_SEQ_CST) == 0) {
			rv = 1;
			break;
		}
	}
	w->waiter = NULL;
	return rv;
}
