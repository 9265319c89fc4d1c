/* SPDX-License-Identifier: ISC */
/*
 * facts.h: what every source of facts about a failed connect shares: the
 * fact bits, the address type and its helpers, and reads of /proc and /sys
 * that never block.
 *
 * The fact records themselves live with the module that reads them
 * (route.h, sockdiag.h, unixpath.h); diagnose.h composes them into
 * struct diag_facts.
 */
#ifndef ISOCK_FACTS_H
#define ISOCK_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* The longest line a fact sentence takes, with its NUL. */
#define DIAG_LINE_MAX 320
/* How many listeners on a port are kept (the count goes on). */
#define DIAG_LISTEN_MAX 8
/* A Unix path or one of its prefixes (sun_path is 108 bytes). */
#define DIAG_PATH_MAX 112
/* A user or group name. */
#define DIAG_NAME_MAX 64
/* How many groups of the process are named. */
#define DIAG_WHO_GROUPS 8

/* One bit of diag_facts.have per fact. */
enum diag_fact {
	DIAG_ROUTE = 1u << 0,		/* route: the route that matched */
	DIAG_NOROUTE = 1u << 1,		/* noroute: no route matched */
	DIAG_NEIGH = 1u << 2,		/* neigh: the next hop's entry */
	DIAG_LISTENERS = 1u << 3,	/* listen: who listens on the port */
	DIAG_BROADCAST = 1u << 4,	/* broadcast destination, no SO_BROADCAST */
	DIAG_PORTRANGE = 1u << 5,	/* ports: local port range and use */
	DIAG_SOURCE = 1u << 6,		/* source: --source assigned or not */
	DIAG_IPV6 = 1u << 7,		/* ipv6: disabled, addresses, default */
	DIAG_SCTP = 1u << 8,		/* sctp: module and /proc/net/sctp */
	DIAG_PATH = 1u << 9,		/* path: what the Unix path walk found */
	DIAG_UNIXPEER = 1u << 10,	/* unixpeer: the socket bound at the path */
	DIAG_ICMP = 1u << 11,		/* icmp: the ICMP error that ended it */
	DIAG_OWNER = 1u << 12,		/* owner: the listener's process */
	DIAG_WHO = 1u << 13,		/* who: this process's user, groups */
	DIAG_RESOLVER = 1u << 14,	/* resolver: servers, search, cause */
	DIAG_NONETLINK = 1u << 15,	/* a look-up needed netlink and this
					   run reads none (built without
					   libmnl, or it could not be
					   loaded) */
	DIAG_RULESET = 1u << 16,	/* ruleset: the chains that drop */
	DIAG_NORULESET = 1u << 17,	/* the ruleset was asked for and
					   could not be read whole */
	DIAG_HOSTS = 1u << 18,		/* hosts: the /etc/hosts line of the
					   address */
	DIAG_FDS = 1u << 19,		/* fds: the descriptor limit */
	DIAG_LINK = 1u << 20,		/* link: the route's device state */
	DIAG_NEARBY = 1u << 21,		/* nearby: listeners on near ports */
	DIAG_UNIXNEAR = 1u << 22,	/* unixnear: sockets near the path */
	DIAG_DOWNLINK = 1u << 23	/* downlink: a device down that holds
					   an address (no route matched) */
};

/* An IPv4 or IPv6 address. */
struct diag_ip {
	int family;			/* AF_INET or AF_INET6; 0: none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* Bytes an address of `family` takes: 4, 16, or 0 for another family. */
size_t diag_ip_len(int family);

/* Set `ip` from `len` raw bytes of `family`; false when they do not fit. */
bool diag_ip_set(struct diag_ip *ip, int family, const void *raw, size_t len);

/*
 * Set `ip` from the IPv4 or IPv6 socket address `sa` (its port is left);
 * false for another family.
 */
bool diag_ip_from_sa(struct diag_ip *ip, const struct sockaddr *sa);

/* True when `a` and `b` are the same address. */
bool diag_ip_eq(const struct diag_ip *a, const struct diag_ip *b);

/* True when `ip` is the unspecified address (0.0.0.0 or ::). */
bool diag_ip_any(const struct diag_ip *ip);

/* True when the first `plen` bits of `a` and `prefix` agree. */
bool diag_ip_in_prefix(const struct diag_ip *a, const struct diag_ip *prefix,
    unsigned plen);

/* The numeric text of `ip` into `buf` ("?" when it has no family). */
const char *diag_ip_str(const struct diag_ip *ip, char *buf, size_t size);

/* True when `err` is one of the `n` errnos in `set`. */
bool facts_err_in(int err, const int *set, size_t n);

/* True when `err` is one of the errnos listed after it. */
#define FACTS_ERR_IN(err, ...) \
	facts_err_in((err), (const int[]){ __VA_ARGS__ }, \
	    sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

/* Copy `src` into `dst` of `size` bytes, always NUL-terminated. */
void facts_strlcpy(char *dst, const char *src, size_t size);

/*
 * Read at most size - 1 bytes of the file `file` into `buf` (NUL-ended)
 * without ever blocking: it is opened with O_NONBLOCK and read only when it
 * is a regular file (a FIFO or device put in place of a /proc or /sys file
 * is refused).  Returns the bytes read, or -1 when it cannot be read.
 */
long facts_read_file(const char *file, char *buf, size_t size);

/* The first line of `file` as facts_read_file reads it; false: none. */
bool facts_read_line(const char *file, char *buf, size_t size);

#endif /* ISOCK_FACTS_H */
