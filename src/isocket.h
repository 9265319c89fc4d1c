/* SPDX-License-Identifier: ISC */
/*
 * isocket.h: the ISocket object of the seed (shared/seed/ISocket.connect.txt).
 *
 * An ISocket is a descriptor with the family, type and protocol it was opened
 * with, and `failure`: the errno of the last call that failed (0 after a call
 * that succeeded).  Every function returns 0 on success or -1 on failure with
 * `failure` set; none of them prints, exits or raises a signal.
 */
#ifndef ISOCK_ISOCKET_H
#define ISOCK_ISOCKET_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/un.h>

/*
 * The ICMP error the kernel queued for the socket (IP_RECVERR/IPV6_RECVERR,
 * read from MSG_ERRQUEUE): who refused the attempt.  `origin` is
 * SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6 or SO_EE_ORIGIN_LOCAL; `offender`
 * is the address that sent the ICMP (AF_UNSPEC when the kernel gave none,
 * as for a local error).  `present` is false when nothing was queued: a
 * refusal on this host (a route, a hook, bind) queues nothing.
 */
struct isocket_icmp {
	bool present;
	int origin;		/* SO_EE_ORIGIN_* */
	int error;		/* the errno the kernel derived from it */
	uint8_t type, code;	/* ICMP or ICMPv6 type and code */
	struct sockaddr_storage offender;
};

typedef struct isocket {
	int fd;			/* descriptor, -1 when not open */
	int family;		/* AF_INET, AF_INET6, AF_UNIX */
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int protocol;		/* 0 for the family's default, IPPROTO_SCTP, ... */
	int failure;		/* errno of the last failed call, 0 if none */
	struct timespec deadline; /* CLOCK_MONOTONIC; {0, 0}: none */
	struct isocket_icmp icmp; /* the last error queued, see isocket_icmp() */
	bool self;		/* the connect met its own socket: refused */
	bool reset;		/* the connect completed and the peer reset it
				   before its outcome was read */
	struct sockaddr_storage local; /* an IP connect's local address, */
	socklen_t local_len;	/* read as it completed; 0: not read */
} ISocket;

/* Make `s` a closed ISocket: fd -1, failure 0, no deadline. */
void isocket_init(ISocket *s);

/*
 * Open a socket of the given family, type and protocol, close-on-exec.
 * `type` may carry SOCK_NONBLOCK, which saves the fcntl() calls of
 * isocket_set_nonblocking(); the ISocket's type is kept without it.
 * `s` must be closed (fd -1): opening an open ISocket fails with EINVAL
 * rather than leak its descriptor.
 */
int isocket_open(ISocket *s, int family, int type, int protocol);

/*
 * (isocket_open, continued) An AF_INET or AF_INET6 socket is opened with
 * IP_RECVERR (and IPV6_RECVERR) set, so that the ICMP error that ends an
 * attempt can be read back; a kernel that refuses the option changes
 * nothing else.
 */

/* Close the descriptor if open; the ISocket can be opened again. */
int isocket_close(ISocket *s);

/*
 * Close as isocket_close() does, an IP stream socket with a reset
 * (SO_LINGER 0) rather than a FIN: its port does not wait in TIME-WAIT for
 * a minute, so thousands of probes do not fill the ephemeral range.  The
 * peer's next read fails with ECONNRESET instead of seeing end of file.
 */
int isocket_abort(ISocket *s);

/* Turn O_NONBLOCK on or off. */
int isocket_set_nonblocking(ISocket *s, bool on);

/*
 * Bound the wait that follows an interrupted blocking connect: `timeout_ms`
 * from now (CLOCK_MONOTONIC); a negative value removes the deadline.
 */
void isocket_set_timeout(ISocket *s, long timeout_ms);

/*
 * The seed's generic connect.  The length of `remote_address` is taken from
 * its sa_family: sockaddr_in, sockaddr_in6 or sockaddr_un (the path up to its
 * NUL, or all of sun_path when it has none; a path that starts with a NUL is
 * an abstract name up to the next NUL).  AF_UNSPEC dissolves the association
 * of a datagram socket (and of a stream socket where the kernel allows it).
 * A NULL address is EFAULT, a family not listed here EAFNOSUPPORT, a closed
 * ISocket EBADF; all other errors are the kernel's own.
 *
 * On a non-blocking socket a connection that cannot complete at once fails
 * with EINPROGRESS: wait for it with isocket_wait() or, in an event loop,
 * poll for POLLOUT and call isocket_finish().  On a blocking IP socket an
 * interrupted connect (EINTR) is not restarted, since the kernel goes on with
 * the handshake (a second connect() would only wait for it again, with no
 * bound): the call waits for the outcome instead, up to the deadline of
 * isocket_set_timeout() (ETIMEDOUT when it passes), and never returns EINTR.  A Unix connect interrupted while it waited for room in
 * the listener's backlog left nothing pending, so it is simply made again.
 *
 * An IP socket whose connection ends with the peer's address and port as
 * its own (the kernel joined it to itself: a port of the ephemeral range
 * that nothing holds) fails with ECONNREFUSED and `self` set, here and in
 * isocket_finish() and isocket_wait(): nothing answered.
 *
 * An IP stream socket whose handshake completed and whose peer reset it
 * before the outcome was read (ECONNRESET: a reset during the handshake is
 * ECONNREFUSED) is connected, here and in isocket_finish() and
 * isocket_wait(), with `reset` set: the outcome is the same whether the
 * reset came before or after it was read.  Its descriptor is of no more use.
 */
int isocket_connect(ISocket *s, const struct sockaddr *remote_address);

/* The per-family variants the generic connect dispatches to. */
int isocket_connect_in(ISocket *s, const struct sockaddr_in *remote_address);
int isocket_connect_in6(ISocket *s, const struct sockaddr_in6 *remote_address);
int isocket_connect_un(ISocket *s, const struct sockaddr_un *remote_address);

/* Dissolve the association: connect to an address of family AF_UNSPEC. */
int isocket_disconnect(ISocket *s);

/*
 * Wait for a pending connection (after EINPROGRESS, or a connect interrupted
 * by a signal) until `deadline` (CLOCK_MONOTONIC; NULL waits as long as it
 * takes), then take its outcome from SO_ERROR.  A signal does not end the
 * wait: it goes on with the time that remains.  Fails with ETIMEDOUT when the
 * deadline passes first.
 */
int isocket_wait(ISocket *s, const struct timespec *deadline);

/*
 * The outcome of a connect that poll() reported writable (or in error):
 * SO_ERROR, which is 0 when the connection was made.
 */
int isocket_finish(ISocket *s);

/*
 * isocket_finish() for an event loop that has the poll's `revents` and the
 * address connected to (`peer`, of the socket's family): on Linux a TCP
 * socket polled with nothing but POLLOUT has its handshake done (tcp_poll
 * gives no POLLOUT while the SYN is pending, and a socket that failed or
 * was reset polls POLLHUP, with POLLERR when an error is set), so its peer
 * is `peer` and no getpeername(2) is needed.  Any other `revents`, or
 * another kind of socket, takes isocket_finish()'s way.
 */
int isocket_finish_polled(ISocket *s, short revents,
    const struct sockaddr *peer);

/*
 * Read the socket's error queue (MSG_ERRQUEUE, without waiting) into its
 * ICMP record, keeping the last entry; returns true when an entry was read.
 * A failed connect (isocket_connect, isocket_finish, isocket_wait) calls it
 * itself; call it after a send or recv on a datagram socket fails, where
 * the kernel reports an ICMP error.  `failure` is left as it was.
 */
bool isocket_read_icmp(ISocket *s);

/*
 * The ICMP record of `s` (present false when none was read).  It outlives
 * isocket_close(), so that it can be read after the attempt; the next
 * isocket_open() or connect clears it.
 */
const struct isocket_icmp *isocket_icmp(const ISocket *s);

/*
 * The length a generic connect uses for `addr`, or 0 for a family it does
 * not know.  Exposed for the tests and the report.
 */
socklen_t isocket_addrlen(const struct sockaddr *addr);

#endif /* ISOCK_ISOCKET_H */
