/*
 * xs_proto.c -- xenstore framing and reply parsing (see xs_proto.h).
 *
 * The ring is shared with xenstored: every index is read once into a
 * local, checked, and only the local is used, so a peer changing it
 * under us cannot make us copy out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tandem/hypercall.h>

#include "xs_proto.h"

#define RSZ	XENSTORE_RING_SIZE

void
xs_msg_reset(struct xs_msg *m)
{
	m->got = 0;
	m->toobig = 0;
	m->hdr.len = 0;
}

size_t
xs_msg_feed(struct xs_msg *m, const char *p, size_t n, int *done)
{
	size_t used = 0, k;
	uint32_t off;

	*done = 0;
	if (m->got < sizeof(m->hdr)) {
		k = sizeof(m->hdr) - m->got;
		if (k > n)
			k = n;
		memcpy((char *)&m->hdr + m->got, p, k);
		m->got += (uint32_t)k;
		used = k;
		if (m->got < sizeof(m->hdr))
			return used;
		m->toobig = m->hdr.len > XENSTORE_PAYLOAD_MAX;
	}
	off = m->got - (uint32_t)sizeof(m->hdr);
	k = m->hdr.len - off;
	if (k > n - used)
		k = n - used;
	if (!m->toobig)
		memcpy(m->body + off, p + used, k);
	m->got += (uint32_t)k;
	used += k;
	if (m->got - sizeof(m->hdr) == m->hdr.len) {
		if (!m->toobig)
			m->body[m->hdr.len] = '\0';
		*done = 1;
	}
	return used;
}

int
xs_ring_read(struct xenstore_domain_interface *r, char *dst, size_t n)
{
	XENSTORE_RING_IDX cons, prod, avail, i;

	cons = __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
	avail = prod - cons;
	if (avail > RSZ)
		return -1;
	if (avail > n)
		avail = (XENSTORE_RING_IDX)n;
	for (i = 0; i < avail; i++)
		dst[i] = r->rsp[MASK_XENSTORE_IDX(cons + i)];
	/* data read before the slots are handed back */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&r->rsp_cons, cons + avail, __ATOMIC_RELEASE);
	return (int)avail;
}

int
xs_ring_write(struct xenstore_domain_interface *r, const char *src, size_t n)
{
	XENSTORE_RING_IDX cons, prod, room, i;

	cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE);
	if (prod - cons > RSZ)
		return -1;
	room = RSZ - (prod - cons);
	if (room > n)
		room = (XENSTORE_RING_IDX)n;
	for (i = 0; i < room; i++)
		r->req[MASK_XENSTORE_IDX(prod + i)] = src[i];
	/* data written before the index that publishes it */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&r->req_prod, prod + room, __ATOMIC_RELEASE);
	return (int)room;
}

static const struct {
	const char	*name;
	int		 err;
} errs[] = {
	{ "EINVAL", TD_EINVAL }, { "EACCES", TD_EACCES },
	{ "EEXIST", TD_EEXIST }, { "EISDIR", TD_EINVAL },
	{ "ENOENT", TD_ENOENT }, { "ENOMEM", TD_ENOMEM },
	{ "ENOSPC", TD_ENOSPC }, { "EIO", TD_EIO },
	{ "ENOTEMPTY", TD_EEXIST }, { "ENOSYS", TD_ENOSYS },
	{ "EROFS", TD_EROFS }, { "EBUSY", TD_EBUSY },
	{ "EAGAIN", TD_EAGAIN }, { "EISCONN", TD_EEXIST },
	{ "E2BIG", TD_E2BIG }, { "EPERM", TD_EPERM },
};

int
xs_err_parse(const char *body, uint32_t len)
{
	size_t i, k;

	/* the name, NUL-terminated inside len (or exactly len long) */
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		k = strlen(errs[i].name);
		if ((len == k || (len > k && body[k] == '\0')) &&
		    memcmp(body, errs[i].name, k) == 0)
			return errs[i].err;
	}
	return TD_EIO;
}

int
xs_dir_next(const char *buf, uint32_t len, uint32_t *off, const char **name)
{
	uint32_t i;

	if (*off >= len)
		return 0;
	/* core has no memchr; the lists are short */
	for (i = *off; i < len && buf[i] != '\0'; i++)
		;
	if (i == len)
		return -1;
	*name = buf + *off;
	*off = i + 1;
	return 1;
}

int
xs_watch_parse(const char *body, uint32_t len, const char **path,
    const char **token)
{
	uint32_t off = 0;

	if (xs_dir_next(body, len, &off, path) != 1 ||
	    xs_dir_next(body, len, &off, token) != 1)
		return -1;
	return 0;
}

int
xs_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	unsigned d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}
