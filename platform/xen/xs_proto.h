/*
 * xs_proto.h -- the xenstore wire protocol, without I/O: the shared
 * ring, message framing, and parsers for replies.  Nothing here trusts
 * the other side: ring indices, lengths and strings are all checked.
 * Host-compilable, so tests/unit fuzzes it as it is.
 */
#ifndef PLATFORM_XEN_XS_PROTO_H
#define PLATFORM_XEN_XS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* One message being received.  body is NUL-terminated after len bytes
 * (so a string reply can be used in place).  A body longer than
 * XENSTORE_PAYLOAD_MAX is drained and dropped: toobig is set. */
struct xs_msg {
	struct xsd_sockmsg hdr;
	uint32_t	got;		/* bytes of header + body so far */
	int		toobig;
	char		body[XENSTORE_PAYLOAD_MAX + 1];
};

void	xs_msg_reset(struct xs_msg *m);
/* Takes bytes of the stream; returns how many it used.  *done becomes 1
 * when m holds a complete message: handle it and reset before feeding
 * more. */
size_t	xs_msg_feed(struct xs_msg *m, const char *p, size_t n, int *done);

/* Moves bytes off the response ring / onto the request ring.  Returns
 * the count (0: empty / full), or -1 when the indices are impossible
 * (more than a ring's worth outstanding): the ring is then unusable. */
int	xs_ring_read(struct xenstore_domain_interface *r, char *dst, size_t n);
int	xs_ring_write(struct xenstore_domain_interface *r, const char *src,
	    size_t n);

/* TD_E* for the body of an XS_ERROR reply ("ENOENT\0" ...); TD_EIO for
 * anything unknown or malformed. */
int	xs_err_parse(const char *body, uint32_t len);
/* Walks a NUL-separated list (XS_DIRECTORY reply): from *off, sets
 * *name and advances.  1: an entry, 0: the end, -1: not terminated. */
int	xs_dir_next(const char *buf, uint32_t len, uint32_t *off,
	    const char **name);
/* Splits an XS_WATCH_EVENT body "path\0token\0".  0 or -1. */
int	xs_watch_parse(const char *body, uint32_t len, const char **path,
	    const char **token);
/* Strict decimal (no sign, no blanks, no overflow).  0 or -1. */
int	xs_parse_u64(const char *s, uint64_t *v);

#endif
