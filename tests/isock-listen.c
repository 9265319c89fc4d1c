/* SPDX-License-Identifier: ISC */
/*
 * isock-listen.c: a small listener for the integration tests.
 *
 * It binds a socket on the loopback address (127.0.0.1 or ::1; -W: the
 * wildcard address of the family, 0.0.0.0 or ::) or on a Unix
 * path, prints the port number (or "ready" for a Unix path) on one line of
 * stdout, then serves: it accepts connections (or reads datagrams) and closes
 * them (-R: with a reset, SO_LINGER 0), until it has served -n of them or
 * its lifetime (-t) is over.  It always ends by the end of its lifetime.
 *
 * Exit status: 0 normally, 77 when the address family or protocol is not
 * supported here (the test is skipped), 1 on any other error, with a message.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_EXIT_SKIP 77

struct listen_opts {
	int family;		/* AF_INET, AF_INET6 or AF_UNIX */
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	const char *path;	/* -U; "@name" is an abstract name */
	long port;		/* -p, 0: any */
	bool bind_only;		/* -B: bound, not listening: connects refused */
	bool no_accept;		/* -A: listen, but never accept */
	long backlog;		/* -b */
	long count;		/* -n, -1: no limit */
	long lifetime;		/* -t, seconds */
	long mode;		/* -m, -1: leave the mode */
	bool hold;		/* -H: leave the socket file behind */
	bool wildcard;		/* -W: bind 0.0.0.0 or ::, not loopback */
	bool reset;		/* -R: close what it accepts with a reset */
};

static volatile sig_atomic_t listen_stop;

/* Signal handler: ask the serving loop to end. */
static void
listen_on_signal(int sig)
{
	listen_stop = sig;
}

/* Print the usage on stderr. */
static void
listen_usage(void)
{
	fputs("usage: isock-listen [-4|-6] [-u] [-T stream|dgram|seqpacket] "
	    "[-p PORT] [-W]\n"
	    "                    [-B] [-A] [-R] [-b BACKLOG] [-n N] [-t SECONDS]\n"
	    "       isock-listen -U PATH|@NAME [-m MODE] [-H] [-u|-T TYPE] "
	    "...\n", stderr);
}

/*
 * Parse `text` as a whole number from `min` to `max` in `base`; returns 0,
 * or -1 with a message naming `what` and the text.
 */
static int
listen_number(const char *text, const char *what, int base, long min,
    long max, long *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, base);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
	    n < min || n > max) {
		fprintf(stderr, base == 8 ? "isock-listen: invalid %s '%s': "
		    "expected an octal number from %lo to %lo\n" :
		    "isock-listen: invalid %s '%s': expected a number from "
		    "%ld to %ld\n", what, text, min, max);
		return -1;
	}
	*v = n;
	return 0;
}

/* Parse a socket type name; returns 0 or -1 with a message. */
static int
listen_type(const char *text, int *type)
{
	if (strcmp(text, "stream") == 0)
		*type = SOCK_STREAM;
	else if (strcmp(text, "dgram") == 0)
		*type = SOCK_DGRAM;
	else if (strcmp(text, "seqpacket") == 0)
		*type = SOCK_SEQPACKET;
	else {
		fprintf(stderr, "isock-listen: unknown type '%s'\n", text);
		return -1;
	}
	return 0;
}

/* Parse argv into `o`; returns 0 or -1 with a message. */
static int
listen_parse(int argc, char **argv, struct listen_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->family = AF_INET;
	o->type = SOCK_STREAM;
	o->backlog = 16;
	o->count = -1;
	o->lifetime = 10;
	o->mode = -1;
	while ((c = getopt(argc, argv, "46uT:U:p:BARb:n:t:m:HW")) != -1) {
		switch (c) {
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'u':
			o->type = SOCK_DGRAM;
			break;
		case 'T':
			if (listen_type(optarg, &o->type) < 0)
				return -1;
			break;
		case 'U':
			o->family = AF_UNIX;
			o->path = optarg;
			break;
		case 'p':
			if (listen_number(optarg, "port", 10, 0, 65535,
			    &o->port) < 0)
				return -1;
			break;
		case 'B':
			o->bind_only = true;
			break;
		case 'A':
			o->no_accept = true;
			break;
		case 'R':
			o->reset = true;
			break;
		case 'b':
			if (listen_number(optarg, "backlog", 10, 0, 4096,
			    &o->backlog) < 0)
				return -1;
			break;
		case 'n':
			if (listen_number(optarg, "count", 10, 0, 100000,
			    &o->count) < 0)
				return -1;
			break;
		case 't':
			if (listen_number(optarg, "lifetime", 10, 1, 3600,
			    &o->lifetime) < 0)
				return -1;
			break;
		case 'm':
			if (listen_number(optarg, "mode", 8, 0, 07777,
			    &o->mode) < 0)
				return -1;
			break;
		case 'W':
			o->wildcard = true;
			break;
		case 'H':
			o->hold = true;
			break;
		default:
			listen_usage();
			return -1;
		}
	}
	if (optind != argc) {
		listen_usage();
		return -1;
	}
	return 0;
}

/*
 * Fill `ss` with the address to bind for `o`; returns its length, or 0
 * with a message when a Unix path does not fit.
 */
static socklen_t
listen_address(const struct listen_opts *o, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	switch (o->family) {
	case AF_INET:
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(o->wildcard ? INADDR_ANY :
		    INADDR_LOOPBACK);
		sin->sin_port = htons((uint16_t)o->port);
		return sizeof(*sin);
	case AF_INET6:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = o->wildcard ? in6addr_any :
		    in6addr_loopback;
		sin6->sin6_port = htons((uint16_t)o->port);
		return sizeof(*sin6);
	default:
		n = strlen(o->path);
		if (n == 0 || n >= sizeof(sun->sun_path)) {
			fprintf(stderr, "isock-listen: a Unix path of %zu bytes "
			    "does not fit in sun_path\n", n);
			return 0;
		}
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, o->path, n);
		if (o->path[0] == '@') {	/* abstract: no NUL at the end */
			sun->sun_path[0] = '\0';
			return (socklen_t)(offsetof(struct sockaddr_un,
			    sun_path) + n);
		}
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
		    1);
	}
}

/* True when `err` from socket() or bind() means "not supported here". */
static bool
listen_unsupported(int err)
{
	return err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
	    err == ESOCKTNOSUPPORT || err == EADDRNOTAVAIL;
}

/*
 * Open, bind (and listen on) the socket of `o`; returns the descriptor, or
 * -1 with a message and `*status` set to the exit status.
 */
static int
listen_open(const struct listen_opts *o, int *status)
{
	struct sockaddr_storage ss;
	socklen_t len = listen_address(o, &ss);
	int protocol = 0, fd;
	const char *step = "socket";

	*status = 1;
	if (len == 0)
		return -1;
	if (o->family != AF_UNIX && o->type == SOCK_SEQPACKET)
		protocol = IPPROTO_SCTP;
	fd = socket(o->family, o->type, protocol);
	if (fd < 0)
		goto fail;
	step = "bind";
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	step = "chmod";
	if (o->family == AF_UNIX && o->path[0] != '@' && o->mode >= 0 &&
	    chmod(o->path, (mode_t)o->mode) < 0)
		goto fail;
	step = "listen";
	if (!o->bind_only && o->type != SOCK_DGRAM &&
	    listen(fd, (int)o->backlog) < 0)
		goto fail;
	return fd;
fail:
	/* No socket of this kind, or no ::1 to bind: skip, not fail. */
	if ((fd < 0 || (o->family != AF_UNIX && strcmp(step, "bind") == 0)) &&
	    listen_unsupported(errno))
		*status = LISTEN_EXIT_SKIP;
	fprintf(stderr, "isock-listen: %s: %s%s\n", step, strerror(errno),
	    *status == LISTEN_EXIT_SKIP ? " (not supported here: skip)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Print the port of `fd` (or "ready") on stdout; returns 0 or -1. */
static int
listen_announce(const struct listen_opts *o, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	unsigned port;

	if (o->family == AF_UNIX)
		printf("ready\n");
	else {
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
			fprintf(stderr, "isock-listen: getsockname: %s\n",
			    strerror(errno));
			return -1;
		}
		port = ntohs(ss.ss_family == AF_INET ?
		    ((struct sockaddr_in *)&ss)->sin_port :
		    ((struct sockaddr_in6 *)&ss)->sin6_port);
		printf("%u\n", port);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "isock-listen: writing stdout: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Milliseconds left until `end` (CLOCK_MONOTONIC), at least 0. */
static int
listen_ms_left(const struct timespec *end)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(end->tv_sec - now.tv_sec) * 1000 +
	    (end->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Serve one connection or datagram that is waiting on `fd`. */
static int
listen_serve_one(const struct listen_opts *o, int fd)
{
	char buf[2048];
	int c;

	if (o->type == SOCK_DGRAM) {
		if (recv(fd, buf, sizeof(buf), 0) < 0 && errno != EINTR &&
		    errno != ECONNREFUSED) {
			fprintf(stderr, "isock-listen: recv: %s\n",
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			return 0;
		fprintf(stderr, "isock-listen: accept: %s\n", strerror(errno));
		return -1;
	}
	if (o->reset) {
		struct linger now = { 1, 0 };

		(void)setsockopt(c, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
	}
	close(c);
	return 0;
}

/*
 * Serve until -n connections were served, the lifetime is over or a signal
 * came; returns the exit status.
 */
static int
listen_serve(const struct listen_opts *o, int fd)
{
	struct timespec end;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	bool waiting = o->bind_only || o->no_accept;
	long served = 0;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += o->lifetime;
	while (listen_stop == 0 && (o->count < 0 || served < o->count)) {
		n = poll(waiting ? NULL : &pfd, waiting ? 0 : 1,
		    listen_ms_left(&end));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "isock-listen: poll: %s\n",
			    strerror(errno));
			return 1;
		}
		if (listen_serve_one(o, fd) < 0)
			return 1;
		served++;
	}
	return 0;
}

/* Catch the signals that end a test, so the socket file is removed. */
static void
listen_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = listen_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char **argv)
{
	struct listen_opts o;
	int fd, status;

	if (listen_parse(argc, argv, &o) < 0)
		return 1;
	listen_signals();
	fd = listen_open(&o, &status);
	if (fd < 0)
		return status;
	status = listen_announce(&o, fd) < 0 ? 1 : listen_serve(&o, fd);
	close(fd);
	if (o.family == AF_UNIX && o.path[0] != '@' && !o.hold)
		unlink(o.path);
	return status;
}
