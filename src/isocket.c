/* SPDX-License-Identifier: ISC */
/*
 * isocket.c: the ISocket object and its connect, as the seed specifies.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/errqueue.h>

#include "clock.h"
#include "isocket.h"

/* Record `err` as the failure and return -1. */
static int
fail(ISocket *s, int err)
{
	s->failure = err;
	return -1;
}

static int
succeed(ISocket *s)
{
	s->failure = 0;
	return 0;
}

/*
 * Copy the extended error `ee` of a cmsg holding `len` bytes into the
 * socket's ICMP record.
 */
static void
icmp_take(ISocket *s, const struct sock_extended_err *ee, size_t len)
{
	const struct sockaddr *off = SO_EE_OFFENDER(ee);
	size_t offlen = len - sizeof(*ee);
	struct isocket_icmp *r = &s->icmp;

	memset(r, 0, sizeof(*r));
	r->present = true;
	r->origin = ee->ee_origin;
	r->error = (int)ee->ee_errno;
	r->type = ee->ee_type;
	r->code = ee->ee_code;
	r->offender.ss_family = AF_UNSPEC;
	if (offlen < sizeof(sa_family_t))
		return;
	if (off->sa_family == AF_INET && offlen >= sizeof(struct sockaddr_in))
		memcpy(&r->offender, off, sizeof(struct sockaddr_in));
	else if (off->sa_family == AF_INET6 &&
	    offlen >= sizeof(struct sockaddr_in6))
		memcpy(&r->offender, off, sizeof(struct sockaddr_in6));
}

bool
isocket_read_icmp(ISocket *s)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
		    sizeof(struct sockaddr_in6))];
		struct cmsghdr align;
	} ctl;
	const size_t eelen = sizeof(struct sock_extended_err);
	struct cmsghdr *c;
	struct msghdr msg;
	struct iovec iov;
	char data[64];
	bool got = false;
	int i;

	if (s->fd < 0 || (s->family != AF_INET && s->family != AF_INET6))
		return false;
	/* Bounded: a socket queues few errors, and only the last is kept. */
	for (i = 0; i < 16; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if (recvmsg(s->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		    c = CMSG_NXTHDR(&msg, c)) {
			size_t len = c->cmsg_len - CMSG_LEN(0);

			if (!((c->cmsg_level == SOL_IP &&
			    c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == SOL_IPV6 &&
			    c->cmsg_type == IPV6_RECVERR)))
				continue;
			if (c->cmsg_len < CMSG_LEN(eelen))
				continue;
			/* The offender follows the error in the cmsg. */
			icmp_take(s, (const struct sock_extended_err *)
			    (const void *)CMSG_DATA(c), len);
			got = true;
		}
	}
	return got;
}

const struct isocket_icmp *
isocket_icmp(const ISocket *s)
{
	return &s->icmp;
}

/*
 * Fail a connect with `err`, reading first what the error queue says about
 * it (a pending connect has nothing to say yet).
 */
static int
fail_connect(ISocket *s, int err)
{
	if (err != EINPROGRESS && err != EALREADY && err != EINTR)
		(void)isocket_read_icmp(s);
	return fail(s, err);
}

/*
 * True when the IP socket `s`, connected, has the peer's address and port
 * as its own: with nothing bound to a port of the ephemeral range, a
 * connect to it may be given that very port, and the kernel joins the
 * socket to itself (a TCP simultaneous open; a UDP socket that receives
 * what it sends).  No program answered: it is the refusal it hides.
 * `peer` (`plen` bytes) is the address connected to; the local one read
 * here is kept in `s` (one getsockname(2) for the caller's report too).
 */
static bool
is_self(ISocket *s, const struct sockaddr *peer_sa, socklen_t plen)
{
	struct sockaddr_storage *me = &s->local, peer;
	socklen_t mlen = sizeof(*me);

	s->local_len = 0;
	if (s->family != AF_INET && s->family != AF_INET6)
		return false;
	if (plen > sizeof(peer) ||
	    getsockname(s->fd, (struct sockaddr *)me, &mlen) < 0)
		return false;
	s->local_len = mlen;
	memset(&peer, 0, sizeof(peer));
	memcpy(&peer, peer_sa, plen);
	if (me->ss_family != peer.ss_family)
		return false;
	if (me->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)me;
		const struct sockaddr_in *b = (const void *)&peer;

		return a->sin_port == b->sin_port &&
		    a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	if (me->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)me;
		const struct sockaddr_in6 *b = (const void *)&peer;

		return a->sin6_port == b->sin6_port &&
		    memcmp(&a->sin6_addr, &b->sin6_addr,
		    sizeof(a->sin6_addr)) == 0;
	}
	return false;
}

/*
 * Make the close of an IP stream socket a reset (SO_LINGER 0): the port is
 * free at once, with no TIME-WAIT.  Other sockets are left as they are.
 */
static void
set_reset(const ISocket *s)
{
	struct linger off = { 1, 0 };

	if (s->fd >= 0 && s->type == SOCK_STREAM &&
	    (s->family == AF_INET || s->family == AF_INET6))
		(void)setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &off,
		    sizeof(off));
}

/*
 * A connect that completed: 0, or when the socket met itself, the refusal
 * (ECONNREFUSED with `self` set).  A stream socket is then reset on close
 * (SO_LINGER 0), so no TIME-WAIT keeps the port from its real owner.
 */
static int
connected(ISocket *s, const struct sockaddr *peer, socklen_t plen)
{
	if (!is_self(s, peer, plen))
		return succeed(s);
	s->self = true;
	set_reset(s);
	return fail(s, ECONNREFUSED);
}

/*
 * True when the connect of `s` that failed with `err` had completed: an IP
 * stream socket that ends with ECONNRESET was established (a reset in
 * reply to its SYN is ECONNREFUSED), and its peer reset it at once.
 */
static bool
reset_after_handshake(const ISocket *s, int err)
{
	return err == ECONNRESET && s->type == SOCK_STREAM &&
	    (s->family == AF_INET || s->family == AF_INET6);
}

/* A connect that completed, its peer's reset already there: connected. */
static int
connected_reset(ISocket *s)
{
	s->reset = true;
	return succeed(s);
}

void
isocket_init(ISocket *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/*
 * Ask the kernel to queue ICMP errors on an IP socket.  An IPv6 socket
 * also takes IP_RECVERR, for the IPv4-mapped peers it may reach.  Errors
 * are ignored: the socket works as before, only less is known.
 */
static void
set_recverr(int fd, int family)
{
	int one = 1;

	if (family == AF_INET6)
		(void)setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
	if (family == AF_INET || family == AF_INET6)
		(void)setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
}

int
isocket_open(ISocket *s, int family, int type, int protocol)
{
	int fd;

	if (s->fd >= 0)
		return fail(s, EINVAL);
	memset(&s->icmp, 0, sizeof(s->icmp));	/* none from an earlier one */
	s->self = false;
	s->local_len = 0;
	s->reset = false;
	fd = socket(family, type | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return fail(s, errno);
	set_recverr(fd, family);
	s->fd = fd;
	s->family = family;
	s->type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	s->protocol = protocol;
	return succeed(s);
}

int
isocket_close(ISocket *s)
{
	int fd = s->fd;

	if (fd < 0)
		return succeed(s);
	s->fd = -1;
	/*
	 * On Linux the descriptor is released even when close() reports an
	 * error, so it is never retried (that could close another thread's).
	 */
	if (close(fd) < 0 && errno != EINTR)
		return fail(s, errno);
	return succeed(s);
}

int
isocket_abort(ISocket *s)
{
	set_reset(s);
	return isocket_close(s);
}

int
isocket_set_nonblocking(ISocket *s, bool on)
{
	int flags;

	if (s->fd < 0)
		return fail(s, EBADF);
	flags = fcntl(s->fd, F_GETFL);
	if (flags < 0)
		return fail(s, errno);
	flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	if (fcntl(s->fd, F_SETFL, flags) < 0)
		return fail(s, errno);
	return succeed(s);
}

void
isocket_set_timeout(ISocket *s, long timeout_ms)
{
	if (timeout_ms < 0)
		s->deadline = (struct timespec){ 0, 0 };
	else
		s->deadline = clock_add_ms(clock_now(), timeout_ms);
}

socklen_t
isocket_addrlen(const struct sockaddr *addr)
{
	const struct sockaddr_un *sun;
	size_t max, n;

	switch (addr->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	case AF_UNSPEC:
		return sizeof(struct sockaddr);
	case AF_UNIX:
		sun = (const struct sockaddr_un *)(const void *)addr;
		max = sizeof(sun->sun_path);
		if (sun->sun_path[0] == '\0')	/* abstract: "\0name" */
			n = 1 + strnlen(sun->sun_path + 1, max - 1);
		else	/* the path and its NUL, if it fits */
			n = strnlen(sun->sun_path, max) + 1;
		if (n > max)
			n = max;
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	default:
		return 0;
	}
}

/* True when the descriptor has O_NONBLOCK set. */
static bool
is_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && (flags & O_NONBLOCK);
}

/*
 * connect(2) with `len` bytes of `addr`, and the seed's handling of EINTR on
 * a blocking socket.
 */
static int
connect_len(ISocket *s, const struct sockaddr *addr, socklen_t len)
{
	int err;

	if (s->fd < 0)
		return fail(s, EBADF);
	s->icmp.present = false;
	s->reset = false;
	for (;;) {
		if (connect(s->fd, addr, len) == 0)
			return addr->sa_family == AF_UNSPEC ? succeed(s) :
			    connected(s, addr, len);
		err = errno;
		if (reset_after_handshake(s, err))	/* a blocking connect */
			return connected_reset(s);
		if (err != EINTR || is_nonblocking(s->fd))
			return fail_connect(s, err);
		/*
		 * A Unix connect interrupted in its wait for backlog room has
		 * nothing pending: make it again.  An IP handshake goes on in
		 * the kernel: wait for its outcome.
		 */
		if (s->family != AF_UNIX)
			return isocket_wait(s, &s->deadline);
	}
}

int
isocket_connect_in(ISocket *s, const struct sockaddr_in *remote_address)
{
	return connect_len(s, (const struct sockaddr *)(const void *)remote_address,
	    sizeof(*remote_address));
}

int
isocket_connect_in6(ISocket *s, const struct sockaddr_in6 *remote_address)
{
	return connect_len(s, (const struct sockaddr *)(const void *)remote_address,
	    sizeof(*remote_address));
}

int
isocket_connect_un(ISocket *s, const struct sockaddr_un *remote_address)
{
	const struct sockaddr *sa;

	if (s->fd < 0)
		return fail(s, EBADF);
	if (remote_address == NULL)	/* its length is read from it */
		return fail(s, EFAULT);
	sa = (const struct sockaddr *)(const void *)remote_address;
	return connect_len(s, sa, isocket_addrlen(sa));
}

int
isocket_disconnect(ISocket *s)
{
	struct sockaddr unspec;

	memset(&unspec, 0, sizeof(unspec));
	unspec.sa_family = AF_UNSPEC;
	return connect_len(s, &unspec, sizeof(unspec));
}

int
isocket_connect(ISocket *s, const struct sockaddr *remote_address)
{
	if (s->fd < 0)
		return fail(s, EBADF);
	if (remote_address == NULL)
		return fail(s, EFAULT);
	switch (remote_address->sa_family) {
	case AF_INET:
		return isocket_connect_in(s,
		    (const struct sockaddr_in *)(const void *)remote_address);
	case AF_INET6:
		return isocket_connect_in6(s,
		    (const struct sockaddr_in6 *)(const void *)remote_address);
	case AF_UNIX:
		return isocket_connect_un(s,
		    (const struct sockaddr_un *)(const void *)remote_address);
	case AF_UNSPEC:
		return isocket_disconnect(s);
	default:
		return fail(s, EAFNOSUPPORT);
	}
}

int
isocket_finish(ISocket *s)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int);
	socklen_t plen = sizeof(peer);
	int err = 0, none;

	if (s->fd < 0)
		return fail(s, EBADF);
	/*
	 * A peer name proves the connection is there (a socket that never
	 * started one also polls writable with SO_ERROR 0); without one,
	 * SO_ERROR says why.  A success takes one call.  A reset that came
	 * after the handshake left the socket closed (ENOTCONN) with
	 * ECONNRESET as its error: connected all the same.
	 */
	if (getpeername(s->fd, (struct sockaddr *)&peer, &plen) == 0)
		return connected(s, (struct sockaddr *)&peer, plen);
	none = errno;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return fail(s, errno);
	if (reset_after_handshake(s, err))
		return connected_reset(s);
	if (err != 0)
		return fail_connect(s, err);
	return fail(s, none);
}

int
isocket_finish_polled(ISocket *s, short revents, const struct sockaddr *peer)
{
	socklen_t plen;

	if (s->fd < 0 || peer == NULL || revents != POLLOUT ||
	    s->type != SOCK_STREAM || (s->protocol != 0 &&
	    s->protocol != IPPROTO_TCP) || peer->sa_family != s->family)
		return isocket_finish(s);
	if (s->family == AF_INET)
		plen = sizeof(struct sockaddr_in);
	else if (s->family == AF_INET6)
		plen = sizeof(struct sockaddr_in6);
	else
		return isocket_finish(s);
	return connected(s, peer, plen);
}

int
isocket_wait(ISocket *s, const struct timespec *deadline)
{
	struct pollfd pfd;
	int n;

	if (s->fd < 0)
		return fail(s, EBADF);
	pfd.fd = s->fd;
	pfd.events = POLLOUT;
	for (;;) {
		pfd.revents = 0;
		n = poll(&pfd, 1, clock_ms_until(deadline));
		if (n > 0)
			return isocket_finish(s);
		if (n == 0)
			return fail_connect(s, ETIMEDOUT);
		if (errno != EINTR)
			return fail(s, errno);
		/* Interrupted: go on with the time that remains. */
	}
}
