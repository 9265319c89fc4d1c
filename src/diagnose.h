/*
 * diagnose.h: read-only facts about a failed connect, read off the live
 * system (issue 4).
 *
 * After a failure, diagnose_run() gathers only the facts that decide between
 * the causes of that errno: the route that matched the destination (or that
 * none did), the state of the next hop's neighbour entry, the listeners on a
 * local port, the local port range, whether a --source address is assigned,
 * whether IPv6 or SCTP is there at all, and a walk of a Unix path with the
 * listener found at its end.  It asks the kernel directly (rtnetlink,
 * sock_diag, /proc), never runs a program and never sends a packet anywhere.
 *
 * Every fact is optional: a look-up that fails, is not permitted or runs out
 * of the time budget leaves its fact out; it never makes a false one.  The
 * facts live in one fixed-size struct (no heap); `have` says which are set.
 */
#ifndef ISOCK_DIAGNOSE_H
#define ISOCK_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>

/* The longest line diagnose_lines() writes, with its NUL. */
#define DIAG_LINE_MAX 320
/* How many listeners on a port are kept (the count goes on). */
#define DIAG_LISTEN_MAX 8
/* A Unix path or one of its prefixes (sun_path is 108 bytes). */
#define DIAG_PATH_MAX 112
/* A user or group name. */
#define DIAG_NAME_MAX 64

/* What was tried: the failed attempt. */
struct diag_query {
	int family;			/* AF_INET, AF_INET6, AF_UNIX */
	int type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int protocol;
	const struct sockaddr *dst;	/* the address tried */
	socklen_t dstlen;
	const struct sockaddr *src;	/* --source, or NULL */
	socklen_t srclen;
	int error;			/* errno of the failure; ETIMEDOUT also
					   for the tool's own deadline */
	bool broadcast;			/* SO_BROADCAST was set */
	long budget_ms;			/* time all look-ups may take together;
					   <= 0: only /proc and stat look-ups */
};

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
	DIAG_UNIXPEER = 1u << 10	/* unixpeer: the socket bound at the path */
};

/* An IPv4 or IPv6 address. */
struct diag_ip {
	int family;			/* AF_INET or AF_INET6; 0: none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* What the Unix path walk found (diag_facts.path.kind). */
enum diag_path_kind {
	DIAG_PATH_MISSING,	/* `at` does not exist (first missing one) */
	DIAG_PATH_NOTDIR,	/* `at` is not a directory, yet a component
				   follows it */
	DIAG_PATH_NOSEARCH,	/* this user cannot search directory `at` */
	DIAG_PATH_NOWRITE,	/* the socket `at` is not writable for us */
	DIAG_PATH_NOTSOCK,	/* `at` (the whole path) is not a socket */
	DIAG_PATH_SOCKET	/* `at` is a socket this user may connect to */
};

struct diag_facts {
	unsigned have;			/* enum diag_fact bits */
	int family, type, error;	/* copied from the query */
	struct diag_ip dst;		/* the destination, when IP */
	unsigned short port;		/* its port, host order */

	struct {			/* DIAG_ROUTE */
		int type;		/* RTN_UNICAST, RTN_UNREACHABLE, ... */
		unsigned table;		/* RT_TABLE_MAIN, ... */
		struct diag_ip prefix;
		unsigned prefixlen;
		int ifindex;		/* 0: none */
		char dev[IF_NAMESIZE];	/* "" when unknown */
		struct diag_ip gateway;	/* family 0: on-link, no gateway */
		bool from_kernel;	/* the kernel's own answer; false when
					   matched here against a table dump,
					   its type checked against the
					   kernel's error */
	} route;
	struct {			/* DIAG_NOROUTE */
		bool has_default;	/* some table has a default route */
	} noroute;
	struct {			/* DIAG_NEIGH */
		struct diag_ip addr;	/* the next hop */
		int ifindex;
		char dev[IF_NAMESIZE];
		unsigned state;		/* NUD_FAILED, NUD_INCOMPLETE, ... */
		bool is_gateway;	/* the next hop is a gateway */
	} neigh;
	struct {			/* DIAG_LISTENERS */
		int protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
		size_t count;		/* all found; addr[] keeps the first */
		struct diag_ip addr[DIAG_LISTEN_MAX];
	} listen;
	struct {			/* DIAG_PORTRANGE */
		unsigned low, high;	/* ip_local_port_range */
		bool in_use_known;	/* sock_diag answered */
		unsigned in_use;	/* local ports in the range in use
					   towards dst/port */
	} ports;
	struct {			/* DIAG_SOURCE */
		struct diag_ip addr;
		bool assigned;
		char dev[IF_NAMESIZE];	/* where, when assigned */
	} source;
	struct {			/* DIAG_IPV6 */
		bool present;		/* /proc/sys/net/ipv6 exists */
		int disable_all;	/* conf.all.disable_ipv6; -1 unknown */
		int global_addrs;	/* global IPv6 addresses; -1 unknown */
		int has_default;	/* an IPv6 default route; -1 unknown */
	} ipv6;
	struct {			/* DIAG_SCTP */
		bool proc_net_sctp;	/* /proc/net/sctp exists */
		int module;		/* sctp in /proc/modules: 1, 0, -1 unknown */
	} sctp;
	struct {			/* DIAG_PATH */
		enum diag_path_kind kind;
		char at[DIAG_PATH_MAX];	/* the component (a prefix of the
					   path), raw: escape it to print */
		mode_t mode;		/* st_mode of `at` (not for MISSING) */
		uid_t uid;
		gid_t gid;
		char owner[DIAG_NAME_MAX];	/* user name, or the number */
		char group[DIAG_NAME_MAX];
		uid_t my_uid;		/* this process's effective uid */
	} path;
	struct {			/* DIAG_UNIXPEER (needs a socket path) */
		bool found;		/* a socket is bound to that inode */
		int type;		/* its SOCK_* type */
		bool listening;		/* it is in the listen state */
		unsigned queued;	/* listening: connections waiting */
		unsigned backlog;	/* listening: its backlog */
	} unixpeer;
};

/*
 * Gather the facts that decide between the causes of q->error for the
 * attempt `q` into `f` (cleared first).  Each netlink look-up waits at most
 * for what remains of q->budget_ms.  Returns the number of facts found.
 */
int diagnose_run(const struct diag_query *q, struct diag_facts *f);

/*
 * The facts as short English sentences, one whole claim with its evidence
 * each (no trailing period), into lines[0..max-1]; text from outside (paths)
 * is escaped.  Returns the number of lines written.
 */
size_t diagnose_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max);

/*
 * The exit class for `error` given the facts: explain_exit_class(error),
 * except that EINVAL from a blackhole route is ISOCK_EXIT_UNREACHABLE.
 */
int diagnose_exit_class(const struct diag_facts *f, int error);

#endif /* ISOCK_DIAGNOSE_H */
