/* SPDX-License-Identifier: ISC */
/*
 * target.h: what to connect to, from the command line to socket addresses.
 *
 * A target is a host and a port, or a Unix path, with the family and socket
 * type asked for.  Parsing checks the text and says what is wrong with it;
 * resolution turns a target into candidate addresses.  No socket is opened.
 */
#ifndef ISOCK_TARGET_H
#define ISOCK_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>

/*
 * In a target_list, `spec` and `host` point into strings the list owns and
 * shares among the targets of one operand or line (a port list stores its
 * host once); a target of target_make*() owns its own.
 */
struct target {
	char *spec;		/* the operand or line it came from, as given */
	int family;		/* AF_UNSPEC, AF_INET, AF_INET6 or AF_UNIX */
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int protocol;		/* 0, or IPPROTO_SCTP for IP seqpacket */
	char *host;		/* the host as given (without brackets), or the path */
	uint16_t port;		/* 0 for a Unix path */
	bool literal;		/* host is a numeric address: no name look-up */
	unsigned ready;		/* TARGET_TLS, TARGET_HTTP: what is checked
				   after the connect (0: nothing) */
	char *path;		/* http(s): the path and query, from '/';
				   NULL for other targets */
};

/* What a target asks above the connect (bits of target.ready). */
#define TARGET_TLS 1u		/* a TLS handshake: https://, --tls */
#define TARGET_HTTP 2u		/* an HTTP answer: http://, https:// */

/* A candidate address for a target. */
struct target_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Failures besides -1 (bad text, `*cause` says why). */
#define TARGET_ERR_NOMEM (-2)	/* out of memory */
#define TARGET_ERR_SIGNAL (-3)	/* a read ended by a signal that stops */

/*
 * A line of a targets file is at most this long (without its newline):
 * room for a path and a few words.
 */
#define TARGET_LINE_MAX (PATH_MAX + 256)

/*
 * What the options ask of every target, operand or line alike, and the
 * option that asked, as messages name it ("-4", "--family inet6",
 * "-s 127.0.0.1", "-u"); NULL when no option did.
 */
struct target_want {
	int family;		/* AF_UNSPEC, AF_INET, AF_INET6 or AF_UNIX */
	const char *family_opt;
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	const char *type_opt;	/* NULL: the default, a URL scheme may set it */
};

/*
 * Parse a port: a decimal number from 1 to 65535, or a service name known to
 * the services database for the socket type.  On error returns -1 and sets
 * `*cause` to a new sentence that quotes the text.
 */
int target_parse_port(const char *text, int type, uint16_t *port, char **cause);

/*
 * Fill `t` for HOST and PORT.  `family` may be AF_UNSPEC, AF_INET or
 * AF_INET6; a literal of the other family is an error.
 */
int target_make(struct target *t, const char *host, const char *port,
    int family, int type, char **cause);

/*
 * Fill `t` for a Unix socket path; "@name" is a name in the abstract
 * namespace.  A path too long for sun_path is an error.
 */
int target_make_unix(struct target *t, const char *path, int type,
    char **cause);

/* Free what target_make*() allocated. */
void target_free(struct target *t);

/* At most this many targets in one run (ports of lists and ranges count). */
#define TARGET_MAX 65536

/* A growing list of targets, in input order. */
struct target_list {
	struct target *v;
	size_t n, cap;
	char **strings;		/* what the targets' spec and host point into */
	size_t nstrings, capstrings;
};

/*
 * Parse a port list: ports and services separated by commas, and ranges of
 * numbers "FIRST-LAST", as in "80,443,8000-8010".  Returns the number of
 * ports put in the new array `*ports`, or -1 with `*cause` set.
 */
int target_parse_ports(const char *text, int type, uint16_t **ports,
    char **cause);

/*
 * Add the targets of `n` words to `l`: "HOST PORTS", "HOST:PORTS",
 * "[IPV6]:PORTS", ":PORTS" (localhost), "unix:PATH", the URL forms
 * "tcp://HOST:PORTS" (also tcp4, tcp6, udp, udp4, udp6),
 * "http://HOST[:PORT][/PATH]" and "https://..." (ports 80 and 443 by
 * default; a port list is allowed) and "unix://PATH", or with `w->family` AF_UNIX, a PATH each.  PORTS may be a
 * list (see target_parse_ports).  IPv4 addresses are dotted quads only.
 * Returns 0, -1 with `*cause` set to a sentence that quotes (an excerpt
 * of) the bad word, or TARGET_ERR_NOMEM.
 */
int target_list_parse(struct target_list *l, char **words, size_t n,
    const struct target_want *w, char **cause);

/*
 * Add the targets of a file, one target a line in the forms above, words
 * separated by blanks; '#' starts a comment.  A line is at most
 * TARGET_LINE_MAX bytes and holds no NUL; memory stays bounded whatever
 * the file holds.  `name` names the file in errors ("FILE line N: ...").
 * A read interrupted by a signal is retried unless `stop` (may be NULL)
 * is non-zero, when TARGET_ERR_SIGNAL is returned.  Returns 0, -1 with
 * `*cause` set, TARGET_ERR_NOMEM or TARGET_ERR_SIGNAL.
 */
int target_list_read(struct target_list *l, FILE *f, const char *name,
    const struct target_want *w, const volatile sig_atomic_t *stop,
    char **cause);

/* Free every target of `l` and the list itself. */
void target_list_free(struct target_list *l);

/*
 * The candidate addresses of `t`, in the order to try them, in a new array
 * of `*n` entries (free it).  Returns 0, or a getaddrinfo() EAI_* code; for
 * EAI_SYSTEM the errno is left in `*sys_errno`.  A name is looked up with
 * a plain, blocking getaddrinfo(): the tool itself starts its look-ups
 * through resolve.h, which never blocks; a numeric address (with or without
 * a zone) and a Unix path need no look-up and never block.
 */
int target_resolve(const struct target *t, struct target_addr **addrs,
    size_t *n, int *sys_errno);

/*
 * The index of the interface the zone `zone` of an IPv6 address names (the
 * text after '%': a name, or a number), 0 when it names none here.
 */
unsigned target_zone_index(const char *zone);

/* True when `t` names a host that only a name service can resolve. */
bool target_needs_lookup(const struct target *t);

/* The getaddrinfo() hints for `t`: its family, one socket type. */
void target_hints(const struct target *t, struct addrinfo *hints);

/*
 * The addresses of getaddrinfo()'s list `res` for `t` into a new array
 * (free it): IP only, each once, with t's port, in the order getaddrinfo
 * sorted them (RFC 6724) with the families interleaved as RFC 8305 section
 * 4 asks: first address first, then the other family, and so on.  Returns
 * 0, EAI_NONAME for a list with no IP address, or EAI_SYSTEM (ENOMEM).
 */
int target_addrs_from(const struct target *t, const struct addrinfo *res,
    struct target_addr **addrs, size_t *n, int *sys_errno);

/* Set the port of an IP address `a` (a Unix path has none). */
void target_addr_set_port(struct target_addr *a, uint16_t port);

/* "tcp", "udp", "sctp", "unix stream", "unix dgram", "unix seqpacket". */
const char *target_proto_name(int family, int type);

/*
 * The numeric text of an address ("127.0.0.1", "::1", "fe80::1%eth0", the
 * Unix path) into `buf`, and its port (0 for Unix) into `*port`.
 */
const char *target_addr_text(const struct sockaddr *sa, socklen_t len,
    char *buf, size_t size, unsigned *port);

#endif /* ISOCK_TARGET_H */
