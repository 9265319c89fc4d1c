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

void
isocket_init(ISocket *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int
isocket_open(ISocket *s, int family, int type, int protocol)
{
	int fd;

	if (s->fd >= 0)
		return fail(s, EINVAL);
	fd = socket(family, type | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return fail(s, errno);
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
	for (;;) {
		if (connect(s->fd, addr, len) == 0)
			return succeed(s);
		err = errno;
		if (err != EINTR || is_nonblocking(s->fd))
			return fail(s, err);
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
	int err = 0;

	if (s->fd < 0)
		return fail(s, EBADF);
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return fail(s, errno);
	if (err != 0)
		return fail(s, err);
	/*
	 * A socket that never started a connection also polls writable with
	 * SO_ERROR 0: only a peer name proves the connection is there.
	 */
	if (getpeername(s->fd, (struct sockaddr *)&peer, &plen) < 0)
		return fail(s, errno);
	return succeed(s);
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
			return fail(s, ETIMEDOUT);
		if (errno != EINTR)
			return fail(s, errno);
		/* Interrupted: go on with the time that remains. */
	}
}
