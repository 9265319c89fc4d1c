/*
 * diagnose.c: which facts a failed connect asks for, and the budget they
 * share (see diagnose.h).
 *
 * The look-ups themselves are route.c (rtnetlink), sockdiag.c (sock_diag
 * and the protocol files) and unixpath.c (the path walk); they share one
 * netlink context, so a diagnosis opens at most one socket per netlink bus
 * and every request waits only for what remains of the budget.  Built
 * without libmnl, nl_none.c stands in for the netlink look-ups and the
 * diagnosis gets DIAG_NONETLINK when one of them was due.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/un.h>
#include <linux/rtnetlink.h>

#include "diagnose.h"
#include "explain.h"
#include "exitcode.h"
#include "nl.h"

/* One diagnosis under way: the query, the facts, the netlink context. */
struct diag_ctx {
	const struct diag_query *q;
	struct diag_facts *f;
	struct nl_ctx nl;
};

/* True when `err` is one of the `n` errnos in `set`. */
static bool
diag_err_in(int err, const int *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == err)
			return true;
	return false;
}

#define DIAG_ERR_IN(err, ...) \
	diag_err_in((err), (const int[]){ __VA_ARGS__ }, \
	    sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

/*
 * Set f->dst, f->port and f->zone from an IP destination; false when it is
 * not one.  A v4-mapped IPv6 address is its IPv4 address.
 */
static bool
diag_dst(const struct diag_query *q, struct diag_facts *f)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct sockaddr_in *in;
	const struct sockaddr_in6 *in6;

	if (q->dst->sa_family == AF_INET &&
	    (q->dstlen == 0 || q->dstlen >= sizeof(struct sockaddr_in))) {
		in = (const void *)q->dst;
		f->dst.family = AF_INET;
		f->dst.u.v4 = in->sin_addr;
		f->port = ntohs(in->sin_port);
		return true;
	}
	if (q->dst->sa_family != AF_INET6 ||
	    (q->dstlen != 0 && q->dstlen < sizeof(struct sockaddr_in6)))
		return false;
	in6 = (const void *)q->dst;
	if (memcmp(&in6->sin6_addr, mapped, sizeof(mapped)) == 0) {
		f->dst.family = AF_INET;
		memcpy(&f->dst.u.v4, &in6->sin6_addr.s6_addr[12], 4);
	} else {
		f->dst.family = AF_INET6;
		f->dst.u.v6 = in6->sin6_addr;
		f->zone = (int)in6->sin6_scope_id;
	}
	f->port = ntohs(in6->sin6_port);
	return true;
}

/* The --source address as a diag_ip; false when there is none. */
static bool
diag_src(const struct diag_query *q, struct diag_ip *ip)
{
	if (q->src == NULL)
		return false;
	if (q->src->sa_family == AF_INET &&
	    q->srclen >= sizeof(struct sockaddr_in))
		return diag_ip_set(ip, AF_INET, &((const struct sockaddr_in *)
		    (const void *)q->src)->sin_addr, 4);
	if (q->src->sa_family == AF_INET6 &&
	    q->srclen >= sizeof(struct sockaddr_in6))
		return diag_ip_set(ip, AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)q->src)->sin6_addr, 16);
	return false;
}

/* True when the destination is a broadcast address SO_BROADCAST lacks. */
static bool
diag_broadcast(const struct diag_query *q, const struct diag_facts *f)
{
	if (q->error != EACCES || q->type != SOCK_DGRAM || q->broadcast ||
	    f->dst.family != AF_INET)
		return false;
	return f->dst.u.v4.s_addr == 0xffffffffu ||
	    ((f->have & DIAG_ROUTE) != 0 && f->route.type == RTN_BROADCAST);
}

/* The facts for a failure towards an IPv4 or IPv6 destination. */
static void
diag_ip(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;
	struct diag_ip src;
	int err = q->error;

	if (!diag_dst(q, f))
		return;
	if (DIAG_ERR_IN(err, ENETUNREACH, EHOSTUNREACH, EACCES, EPERM, EINVAL,
	    ETIMEDOUT, ECONNREFUSED))
		f->have |= route_lookup(&c->nl, &f->dst, f->zone, &f->route,
		    &f->noroute);
	if (DIAG_ERR_IN(err, EHOSTUNREACH, ETIMEDOUT) &&
	    (f->have & DIAG_ROUTE) != 0)
		f->have |= route_neigh(&c->nl, &f->dst, &f->route, &f->neigh);
	if (err == ECONNREFUSED && (f->have & DIAG_ROUTE) != 0 &&
	    f->route.type == RTN_LOCAL)
		f->have |= sockdiag_listeners(&c->nl, q->type, f->port,
		    &f->listen);
	if (diag_broadcast(q, f))
		f->have |= DIAG_BROADCAST;
	if (DIAG_ERR_IN(err, EADDRNOTAVAIL, EAGAIN)) {
		f->have |= sockdiag_ports(&c->nl, q->type, &f->dst, f->port,
		    &f->ports);
		if (diag_src(q, &src))
			f->have |= route_source(&c->nl, &src, &f->source);
	}
	if ((q->family == AF_INET6 || f->dst.family == AF_INET6) &&
	    DIAG_ERR_IN(err, EAFNOSUPPORT, ENETUNREACH, EADDRNOTAVAIL))
		f->have |= route_ipv6(&c->nl, &f->ipv6);
	if (q->type == SOCK_SEQPACKET &&
	    DIAG_ERR_IN(err, ESOCKTNOSUPPORT, EPROTONOSUPPORT))
		f->have |= procfacts_sctp(&f->sctp);
}

/* The Unix path facts: the walk, then the socket bound at its end. */
static void
diag_unix(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct stat st;

	if (!unixpath_of(q->dst, q->dstlen, path, sizeof(path)))
		return;
	f->have |= unixpath_walk(path, &f->path, &st);
	if ((f->have & DIAG_PATH) == 0 || (f->path.kind != DIAG_PATH_SOCKET &&
	    f->path.kind != DIAG_PATH_NOWRITE))
		return;
	if (DIAG_ERR_IN(q->error, ECONNREFUSED, EPROTOTYPE, EAGAIN))
		f->have |= sockdiag_unix_peer(&c->nl, st.st_dev, st.st_ino,
		    q->type, q->error == ECONNREFUSED, &f->unixpeer);
}

/* Count the bits set in `v`. */
static int
diag_popcount(unsigned v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/*
 * Gather the facts that decide between the causes of q->error into `f`;
 * returns how many were found.
 */
int
diagnose_run(const struct diag_query *q, struct diag_facts *f)
{
	struct diag_ctx c;

	memset(f, 0, sizeof(*f));
	f->family = q->family;
	f->type = q->type;
	f->error = q->error;
	if (q->dst == NULL)
		return 0;
	c.q = q;
	c.f = f;
	nl_init(&c.nl, q->budget_ms);
	if (q->dst->sa_family == AF_UNIX) {
		if (DIAG_ERR_IN(q->error, ENOENT, ENOTDIR, EACCES, ECONNREFUSED,
		    EPROTOTYPE, EAGAIN))
			diag_unix(&c);
	} else if ((q->family == AF_INET6 || q->dst->sa_family == AF_INET6) &&
	    q->error == EAFNOSUPPORT) {
		f->have |= route_ipv6(&c.nl, &f->ipv6);
	} else {
		diag_ip(&c);
	}
	if (c.nl.unread)
		f->have |= DIAG_NONETLINK;
	nl_close(&c.nl);
	return diag_popcount(f->have);
}

/*
 * The exit class for `error`: explain_exit_class, except that EINVAL from
 * a blackhole route is unreachable.
 */
int
diagnose_exit_class(const struct diag_facts *f, int error)
{
	if (error == EINVAL && (f->have & DIAG_ROUTE) != 0 &&
	    f->route.type == RTN_BLACKHOLE)
		return ISOCK_EXIT_UNREACHABLE;
	return (int)explain_exit_class(error);
}
