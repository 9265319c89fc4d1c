/* SPDX-License-Identifier: ISC */
/*
 * exitcode.h: the exit-code contract of isock-connect, in one place.
 *
 * Scripts rely on these numbers; they never change meaning.  The man page
 * (EXIT STATUS), --help and the README list the same table.  Codes 77, 99
 * and 126 and above keep their shell meanings; ours stay below them, except
 * 128+N for a run ended by signal N, and 126 and 127 for a -- COMMAND that
 * could not be run, which is what a shell reports anyway.
 */
#ifndef ISOCK_EXITCODE_H
#define ISOCK_EXITCODE_H

enum isock_exit {
	ISOCK_EXIT_CONNECTED = 0,	/* handshake done / association set */
	ISOCK_EXIT_REFUSED = 1,		/* ECONNREFUSED, ECONNRESET */
	ISOCK_EXIT_USAGE = 2,		/* bad option or argument: nothing tried */
	ISOCK_EXIT_TIMEDOUT = 3,	/* ETIMEDOUT or the --timeout deadline */
	ISOCK_EXIT_UNREACHABLE = 4,	/* ENETUNREACH, EHOSTUNREACH, ... */
	ISOCK_EXIT_DENIED = 5,		/* EACCES, EPERM */
	ISOCK_EXIT_NOTFOUND = 6,	/* name does not resolve, path missing */
	ISOCK_EXIT_RESOURCES = 7,	/* EADDRINUSE, EADDRNOTAVAIL, EAGAIN, ... */
	ISOCK_EXIT_UNSUPPORTED = 8,	/* EAFNOSUPPORT, EPROTONOSUPPORT, ... */
	ISOCK_EXIT_STATE = 9,		/* EALREADY, EISCONN, EBADF, ... */
	ISOCK_EXIT_OTHER = 10,		/* any errno not listed */
	ISOCK_EXIT_ACCEPTING = 11,	/* --invert: a target still accepts */
	ISOCK_EXIT_TLS = 12,		/* the TLS handshake or certificate */
	ISOCK_EXIT_HTTP = 13,		/* an HTTP answer not the one expected */
	ISOCK_EXIT_CANNOT_RUN = 126,	/* -- COMMAND found, not runnable */
	ISOCK_EXIT_NO_COMMAND = 127,	/* -- COMMAND not found */
	ISOCK_EXIT_SIGNAL = 128		/* 128 + N: ended by signal N */
};

/* --exit-codes binary: every status but 0 becomes this one. */
#define ISOCK_EXIT_UNHEALTHY 1

/* The classes of one outcome run from 0 to ISOCK_EXIT_MAX. */
#define ISOCK_EXIT_MAX ISOCK_EXIT_HTTP

/* The class name of an exit code ("refused", "timed out", ...). */
const char *exitcode_name(enum isock_exit code);

#endif /* ISOCK_EXITCODE_H */
