/*
 * diagnose.c: read-only facts about a failed connect (see diagnose.h).
 *
 * The netlink messages are written by hand with <linux/rtnetlink.h> and the
 * sock_diag headers: each request is one small struct, and the replies are
 * walked with the NLMSG_ and RTA_ macros, which keeps the module free of a
 * library dependency.  Every netlink socket gets SO_RCVTIMEO from what
 * remains of the caller's budget, so no look-up outlives it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <linux/fib_rules.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "clock.h"
#include "diagnose.h"
#include "explain.h"
#include "text.h"

/* The TCP states sock_diag reports (include/net/tcp_states.h). */
#define DIAG_TCP_ESTABLISHED	1
#define DIAG_TCP_CLOSE		7
#define DIAG_TCP_LISTEN		10

/* The rules and tables a route match follows at most. */
#define DIAG_RULES_MAX 32

/* One diagnosis under way: the query, the facts, the deadline. */
struct diag_ctx {
	const struct diag_query *q;
	struct diag_facts *f;
	struct timespec deadline;
	bool netlink;		/* budget left for netlink look-ups */
};

/* A netlink reply handler: returns 0 to go on, 1 when it has had enough. */
typedef int (*diag_nl_cb)(const struct nlmsghdr *h, void *arg);

/* ---- small helpers ---------------------------------------------------- */

/* Copy `src` into `dst` of `size` bytes, always NUL-terminated. */
static void diag_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Bytes an address of `family` takes: 4, 16, or 0 for another family. */
static size_t diag_ip_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

/* Set `ip` from `len` raw bytes of `family`; false when they do not fit. */
static bool diag_ip_set(struct diag_ip *ip, int family, const void *raw,
    size_t len)
{
	size_t n = diag_ip_len(family);

	memset(ip, 0, sizeof(*ip));
	if (n == 0 || len < n)
		return false;
	ip->family = family;
	memcpy(&ip->u, raw, n);
	return true;
}

/* True when `a` and `b` are the same address. */
static bool diag_ip_eq(const struct diag_ip *a, const struct diag_ip *b)
{
	return a->family == b->family && a->family != 0 &&
	    memcmp(&a->u, &b->u, diag_ip_len(a->family)) == 0;
}

/* True when `ip` is the unspecified address (0.0.0.0 or ::). */
static bool diag_ip_any(const struct diag_ip *ip)
{
	static const unsigned char zero[16];

	return memcmp(&ip->u, zero, diag_ip_len(ip->family)) == 0;
}

/* True when the first `plen` bits of `a` and `prefix` agree. */
static bool diag_ip_in_prefix(const struct diag_ip *a,
    const struct diag_ip *prefix, unsigned plen)
{
	const unsigned char *x = (const unsigned char *)&a->u;
	const unsigned char *y = (const unsigned char *)&prefix->u;
	unsigned full = plen / 8, rest = plen % 8;

	if (a->family != prefix->family || plen > 8 * diag_ip_len(a->family))
		return false;
	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x[full] ^ y[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

/* The numeric text of `ip` ("?" when it has no family). */
static const char *diag_ip_str(const struct diag_ip *ip, char *buf,
    size_t size)
{
	if (ip->family == 0 || !inet_ntop(ip->family, &ip->u, buf,
	    (socklen_t)size))
		diag_strlcpy(buf, "?", size);
	return buf;
}

/*
 * Read the first line of a small file into `buf`; false when it cannot be
 * read.  Used for /proc files, which never block.
 */
static bool diag_read_line(const char *file, char *buf, size_t size)
{
	FILE *fp = fopen(file, "re");
	bool ok;

	if (!fp)
		return false;
	ok = fgets(buf, (int)size, fp) != NULL;
	fclose(fp);
	return ok;
}

/* ---- netlink ---------------------------------------------------------- */

/* Milliseconds left of the budget, at least 1 while any remains; 0 after. */
static int diag_left_ms(const struct diag_ctx *c)
{
	if (!c->netlink)
		return 0;
	return clock_ms_until(&c->deadline);
}

/*
 * Send the request `req` (`len` bytes, an nlmsghdr first) on a new netlink
 * socket of `proto` and hand every reply message to `cb` until the reply
 * ends (NLMSG_DONE for a dump, the one answer or the error otherwise), `cb`
 * says stop, or the budget runs out.  Returns 0, or the errno of the
 * failure: the kernel's own error for the request, ETIMEDOUT when the
 * budget ran out.
 */
static int diag_nl_talk(struct diag_ctx *c, int proto, struct nlmsghdr *req,
    diag_nl_cb cb, void *arg)
{
	static __u32 seq;
	union {
		struct nlmsghdr h;
		char buf[32768];
	} u;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int fd, err = 0, done = 0;

	if (diag_left_ms(c) <= 0)
		return ETIMEDOUT;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno;
	req->nlmsg_seq = ++seq;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel,
	    sizeof(kernel)) < 0)
		err = errno;
	while (!err && !done) {
		int ms = diag_left_ms(c);
		struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
		ssize_t n;
		struct nlmsghdr *h;

		if (ms <= 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) < 0) {
			err = ETIMEDOUT;
			break;
		}
		n = recv(fd, u.buf, sizeof(u.buf), 0);
		if (n < 0) {
			err = (errno == EAGAIN || errno == EWOULDBLOCK) ?
			    ETIMEDOUT : errno;
			break;
		}
		if (n == 0)
			break;
		for (h = &u.h; NLMSG_OK(h, (unsigned)n) && !done;
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error < 0 ? -e->error : 0;
				done = 1;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
			} else {
				done = cb(h, arg) != 0 || !dump;
			}
		}
	}
	close(fd);
	return err;
}

/* Index the attributes at `rta` (`len` bytes) into tb[0..max]. */
static void diag_rta_parse(const struct rtattr *tb[], int max,
    const struct rtattr *rta, int len)
{
	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type <= max)
			tb[rta->rta_type] = rta;
}

/* Append attribute `type` with `len` bytes of `data` to the request `h`. */
static void diag_nl_attr(struct nlmsghdr *h, unsigned short type,
    const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)h +
	    NLMSG_ALIGN(h->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* ---- interface names (RTM_GETLINK) ------------------------------------ */

/* Take IFLA_IFNAME from an RTM_NEWLINK reply into the buffer `arg`. */
static int diag_link_cb(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	diag_rta_parse(tb, IFLA_MAX, IFLA_RTA(ifi), (int)IFLA_PAYLOAD(h));
	if (tb[IFLA_IFNAME] && RTA_PAYLOAD(tb[IFLA_IFNAME]) > 0) {
		char name[IF_NAMESIZE] = "";
		size_t n = RTA_PAYLOAD(tb[IFLA_IFNAME]);

		memcpy(name, RTA_DATA(tb[IFLA_IFNAME]),
		    n < sizeof(name) ? n : sizeof(name) - 1);
		diag_strlcpy(arg, name, IF_NAMESIZE);
	}
	return 1;
}

/* The name of interface `ifindex` into `dev` (left "" when unknown). */
static void diag_link_name(struct diag_ctx *c, int ifindex,
    char dev[IF_NAMESIZE])
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
	} req;

	dev[0] = '\0';
	if (ifindex <= 0)
		return;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	(void)diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_link_cb, dev);
}

/* ---- routes (RTM_GETROUTE, RTM_GETRULE) ------------------------------- */

/* A route as read from an RTM_NEWROUTE message. */
struct diag_rt {
	int type;
	unsigned table;
	struct diag_ip prefix;
	unsigned prefixlen;
	int ifindex;
	struct diag_ip gateway;
	unsigned metric;
	bool tos;		/* has a TOS selector */
	bool cloned;
};

/* Parse an RTM_NEWROUTE message into `rt`; false when it is not one. */
static bool diag_rt_parse(const struct nlmsghdr *h, struct diag_rt *rt)
{
	const struct rtmsg *r = NLMSG_DATA(h);
	const struct rtattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*r)))
		return false;
	memset(rt, 0, sizeof(*rt));
	diag_rta_parse(tb, RTA_MAX, RTM_RTA(r), (int)RTM_PAYLOAD(h));
	rt->type = r->rtm_type;
	rt->table = tb[RTA_TABLE] ? *(const __u32 *)RTA_DATA(tb[RTA_TABLE]) :
	    r->rtm_table;
	rt->prefixlen = r->rtm_dst_len;
	rt->prefix.family = r->rtm_family;
	if (tb[RTA_DST])
		diag_ip_set(&rt->prefix, r->rtm_family, RTA_DATA(tb[RTA_DST]),
		    RTA_PAYLOAD(tb[RTA_DST]));
	if (tb[RTA_OIF])
		rt->ifindex = *(const int *)RTA_DATA(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY])
		diag_ip_set(&rt->gateway, r->rtm_family,
		    RTA_DATA(tb[RTA_GATEWAY]), RTA_PAYLOAD(tb[RTA_GATEWAY]));
	if (tb[RTA_PRIORITY])
		rt->metric = *(const __u32 *)RTA_DATA(tb[RTA_PRIORITY]);
	rt->tos = r->rtm_tos != 0;
	rt->cloned = (r->rtm_flags & RTM_F_CLONED) != 0;
	return true;
}

/* Keep the kernel's answer to a route get. */
static int diag_route_get_cb(const struct nlmsghdr *h, void *arg)
{
	return diag_rt_parse(h, arg) ? 1 : 0;
}

/*
 * Ask the kernel for the route it uses to `dst` (ip route get fibmatch):
 * 0 with `rt` filled, or the kernel's errno (ENETUNREACH, EHOSTUNREACH,
 * EACCES, EINVAL for the reject types and no route at all).
 */
static int diag_route_get(struct diag_ctx *c, const struct diag_ip *dst,
    struct diag_rt *rt)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
		char attrs[64];
	} req;
	int err;

	memset(&req, 0, sizeof(req));
	memset(rt, 0, sizeof(*rt));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.r.rtm_family = (unsigned char)dst->family;
	req.r.rtm_dst_len = (unsigned char)(8 * diag_ip_len(dst->family));
	req.r.rtm_flags = RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE;
	diag_nl_attr(&req.h, RTA_DST, &dst->u, diag_ip_len(dst->family));
	err = diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_route_get_cb, rt);
	if (err == 0 && rt->prefix.family == 0)
		err = ENODATA;
	return err;
}

/* A policy rule reduced to what a match here can follow. */
struct diag_rule {
	unsigned table;
	bool plain;		/* "from all lookup TABLE", nothing else */
};

/* The rules, in priority order, and the best route of each rule's table. */
struct diag_match {
	const struct diag_ip *dst;
	size_t nrules;
	struct diag_rule rule[DIAG_RULES_MAX];
	bool overflow;		/* more rules than kept */
	struct diag_rt best[DIAG_RULES_MAX];	/* per rule; type 0: none */
	bool has_default;
	bool unsure;		/* a matching route has a selector we skip */
};

/*
 * True when rule attribute `a` selects nothing: the table, priority and
 * protocol, and the suppress_* attributes at their "none" value (-1).
 */
static bool diag_rule_attr_inert(int a, const struct rtattr *rta)
{
	if (a == FRA_TABLE || a == FRA_PRIORITY || a == FRA_PROTOCOL)
		return true;
	if ((a == FRA_SUPPRESS_PREFIXLEN || a == FRA_SUPPRESS_IFGROUP) &&
	    RTA_PAYLOAD(rta) >= 4)
		return *(const __u32 *)RTA_DATA(rta) == 0xffffffffu;
	return false;
}

/* Take one rule from an RTM_GETRULE dump. */
static int diag_rule_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_match *m = arg;
	const struct fib_rule_hdr *frh = NLMSG_DATA(h);
	const struct rtattr *tb[FRA_MAX + 1];
	struct diag_rule *r;
	int a;

	if (h->nlmsg_type != RTM_NEWRULE)
		return 0;
	if (m->nrules == DIAG_RULES_MAX) {
		m->overflow = true;
		return 1;
	}
	diag_rta_parse(tb, FRA_MAX, (const struct rtattr *)((const char *)frh +
	    NLMSG_ALIGN(sizeof(*frh))), (int)(h->nlmsg_len -
	    NLMSG_LENGTH(sizeof(*frh))));
	r = &m->rule[m->nrules++];
	r->table = tb[FRA_TABLE] ? *(const __u32 *)RTA_DATA(tb[FRA_TABLE]) :
	    frh->table;
	r->plain = frh->action == FR_ACT_TO_TBL && frh->src_len == 0 &&
	    frh->dst_len == 0 && frh->tos == 0 &&
	    (frh->flags & FIB_RULE_INVERT) == 0;
	for (a = 1; a <= FRA_MAX; a++)
		if (tb[a] && !diag_rule_attr_inert(a, tb[a]))
			r->plain = false;
	return 0;
}

/* True when route `a` beats route `b` for the same destination. */
static bool diag_rt_better(const struct diag_rt *a, const struct diag_rt *b)
{
	if (b->type == 0)
		return true;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen > b->prefixlen;
	return a->metric < b->metric;
}

/* Take one route from an RTM_GETROUTE dump: keep the best per rule table. */
static int diag_route_dump_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_match *m = arg;
	struct diag_rt rt;
	size_t i;

	if (!diag_rt_parse(h, &rt) || rt.cloned)
		return 0;
	if (rt.prefixlen == 0)
		m->has_default = true;
	if (!diag_ip_in_prefix(m->dst, &rt.prefix, rt.prefixlen) &&
	    rt.prefixlen != 0)
		return 0;
	if (rt.tos) {
		m->unsure = true;
		return 0;
	}
	for (i = 0; i < m->nrules; i++)
		if (m->rule[i].table == rt.table &&
		    diag_rt_better(&rt, &m->best[i]))
			m->best[i] = rt;
	return 0;
}

/* Dump the rules and routes of `family` into `m`; 0 or an errno. */
static int diag_route_dump(struct diag_ctx *c, int family,
    struct diag_match *m)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
	} req;
	int err;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.h.nlmsg_type = RTM_GETRULE;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.rtm_family = (unsigned char)family;
	err = diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_rule_cb, m);
	if (err)
		return err;
	req.h.nlmsg_type = RTM_GETROUTE;
	return diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_route_dump_cb, m);
}

/* True when the kernel's error `err` for a route get fits route `type`. */
static bool diag_rt_fits(int type, int err)
{
	switch (type) {
	case RTN_UNREACHABLE:
		return err == EHOSTUNREACH || err == ENETUNREACH;
	case RTN_PROHIBIT:
		return err == EACCES || err == EPERM;
	case RTN_BLACKHOLE:
		return err == EINVAL;
	case RTN_THROW:
		return err == ENETUNREACH || err == EAGAIN;
	default:
		return false;
	}
}

/* Record route `rt` as the fact DIAG_ROUTE. */
static void diag_route_fact(struct diag_ctx *c, const struct diag_rt *rt,
    bool from_kernel)
{
	struct diag_facts *f = c->f;

	f->have |= DIAG_ROUTE;
	f->route.type = rt->type;
	f->route.table = rt->table;
	f->route.prefix = rt->prefix;
	if (f->route.prefix.family == 0)
		f->route.prefix.family = f->dst.family;
	f->route.prefixlen = rt->prefixlen;
	f->route.ifindex = rt->ifindex;
	f->route.gateway = rt->gateway;
	f->route.from_kernel = from_kernel;
	diag_link_name(c, rt->ifindex, f->route.dev);
}

/* Where following the rules through the tables led. */
enum diag_walk {
	DIAG_WALK_UNKNOWN,	/* a rule or route we cannot follow */
	DIAG_WALK_MATCH,	/* a route that is not a throw */
	DIAG_WALK_THROWN,	/* only throw routes matched */
	DIAG_WALK_NONE		/* no route matched at all */
};

/*
 * Follow the rules of the dump `m` in order, as the kernel does, to the
 * route it uses; `*rt` is that route (for THROWN, the first throw).
 */
static enum diag_walk diag_route_walk(const struct diag_match *m,
    const struct diag_rt **rt)
{
	size_t i;

	*rt = NULL;
	if (m->overflow || m->unsure)
		return DIAG_WALK_UNKNOWN;
	for (i = 0; i < m->nrules; i++) {
		if (!m->rule[i].plain)
			return DIAG_WALK_UNKNOWN;
		if (m->best[i].type == 0)
			continue;
		if (m->best[i].type != RTN_THROW) {
			*rt = &m->best[i];
			return DIAG_WALK_MATCH;
		}
		if (!*rt)
			*rt = &m->best[i];
	}
	return *rt ? DIAG_WALK_THROWN : DIAG_WALK_NONE;
}

/*
 * The kernel refused the route get with `err`: find the matching route by
 * following the plain rules through a dump of the tables, and keep it only
 * when its type is the one the kernel's error names.  No match at all with
 * ENETUNREACH is the fact DIAG_NOROUTE.
 */
static void diag_route_match(struct diag_ctx *c, int err)
{
	struct diag_match m;
	const struct diag_rt *rt;

	memset(&m, 0, sizeof(m));
	m.dst = &c->f->dst;
	if (diag_route_dump(c, c->f->dst.family, &m) != 0)
		return;
	switch (diag_route_walk(&m, &rt)) {
	case DIAG_WALK_MATCH:
		if (diag_rt_fits(rt->type, err))
			diag_route_fact(c, rt, false);
		break;
	case DIAG_WALK_THROWN:
		if (diag_rt_fits(RTN_THROW, err))
			diag_route_fact(c, rt, false);
		break;
	case DIAG_WALK_NONE:
		if (err == ENETUNREACH) {
			c->f->have |= DIAG_NOROUTE;
			c->f->noroute.has_default = m.has_default;
		}
		break;
	case DIAG_WALK_UNKNOWN:
		break;
	}
}

/*
 * The table of the kernel's IPv4 answer `rt`.  Without policy rules of its
 * own the kernel merges the local table into main and names main for every
 * route, so the table is taken from a dump where the same route matches;
 * when that cannot be told, it is 0 (unknown) rather than a guess.
 */
static void diag_route_table(struct diag_ctx *c, struct diag_rt *rt)
{
	struct diag_match m;
	const struct diag_rt *found;

	if (rt->prefix.family != AF_INET || rt->table != RT_TABLE_MAIN)
		return;
	memset(&m, 0, sizeof(m));
	m.dst = &c->f->dst;
	if (diag_route_dump(c, AF_INET, &m) == 0 &&
	    diag_route_walk(&m, &found) == DIAG_WALK_MATCH &&
	    found->type == rt->type && found->prefixlen == rt->prefixlen)
		rt->table = found->table;
	else
		rt->table = 0;
}

/* The route to the destination: the kernel's answer, or a match here. */
static void diag_route(struct diag_ctx *c)
{
	struct diag_rt rt;
	int err = diag_route_get(c, &c->f->dst, &rt);

	if (err == 0) {
		diag_route_table(c, &rt);
		diag_route_fact(c, &rt, true);
	} else if (err != ETIMEDOUT && err != ENODATA) {
		diag_route_match(c, err);
	}
}

/* ---- neighbours (RTM_GETNEIGH) ---------------------------------------- */

/* Take the state of the one neighbour entry asked for. */
static int diag_neigh_cb(const struct nlmsghdr *h, void *arg)
{
	const struct ndmsg *nd = NLMSG_DATA(h);

	if (h->nlmsg_type != RTM_NEWNEIGH)
		return 0;
	*(unsigned *)arg = nd->ndm_state;
	return 1;
}

/*
 * The neighbour entry of the next hop of a unicast route: the gateway, or
 * the destination itself when it is on-link.  No entry, no fact.
 */
static void diag_neigh(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
		char attrs[64];
	} req;
	const struct diag_ip *hop;
	unsigned state = ~0u;

	if (!(f->have & DIAG_ROUTE) || !f->route.from_kernel ||
	    f->route.type != RTN_UNICAST || f->route.ifindex <= 0)
		return;
	hop = f->route.gateway.family ? &f->route.gateway : &f->dst;
	if (hop->family != f->dst.family)
		return;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.nd.ndm_family = (unsigned char)hop->family;
	req.nd.ndm_ifindex = f->route.ifindex;
	diag_nl_attr(&req.h, NDA_DST, &hop->u, diag_ip_len(hop->family));
	if (diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_neigh_cb, &state) ||
	    state == ~0u)
		return;
	f->have |= DIAG_NEIGH;
	f->neigh.addr = *hop;
	f->neigh.ifindex = f->route.ifindex;
	diag_strlcpy(f->neigh.dev, f->route.dev, sizeof(f->neigh.dev));
	f->neigh.state = state;
	f->neigh.is_gateway = f->route.gateway.family != 0;
}

/* ---- addresses (RTM_GETADDR) ------------------------------------------ */

/* What an address dump looks for. */
struct diag_addrs {
	const struct diag_ip *want;	/* NULL: count global addresses */
	bool found;
	int ifindex;
	int global;
};

/* Take one address from an RTM_GETADDR dump. */
static int diag_addr_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_addrs *a = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *tb[IFA_MAX + 1];
	const struct rtattr *at;
	struct diag_ip ip;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 0;
	diag_rta_parse(tb, IFA_MAX, IFA_RTA(ifa), (int)IFA_PAYLOAD(h));
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || !diag_ip_set(&ip, ifa->ifa_family, RTA_DATA(at),
	    RTA_PAYLOAD(at)))
		return 0;
	if (ifa->ifa_scope == RT_SCOPE_UNIVERSE)
		a->global++;
	if (a->want && diag_ip_eq(a->want, &ip)) {
		a->found = true;
		a->ifindex = (int)ifa->ifa_index;
	}
	return 0;
}

/* Dump the addresses of `family` into `a`; 0 or an errno. */
static int diag_addr_dump(struct diag_ctx *c, int family,
    struct diag_addrs *a)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
	} req;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.h.nlmsg_type = RTM_GETADDR;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.ifa.ifa_family = (unsigned char)family;
	return diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_addr_cb, a);
}

/* Whether the --source address is assigned to an interface, and which. */
static void diag_source(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_addrs a = { 0 };
	struct diag_ip ip;

	if (!q->src)
		return;
	if (q->src->sa_family == AF_INET &&
	    q->srclen >= sizeof(struct sockaddr_in))
		ip.family = AF_INET, ip.u.v4 =
		    ((const struct sockaddr_in *)(const void *)q->src)->sin_addr;
	else if (q->src->sa_family == AF_INET6 &&
	    q->srclen >= sizeof(struct sockaddr_in6))
		ip.family = AF_INET6, ip.u.v6 =
		    ((const struct sockaddr_in6 *)(const void *)q->src)->sin6_addr;
	else
		return;
	if (diag_ip_any(&ip))
		return;
	a.want = &ip;
	if (diag_addr_dump(c, ip.family, &a) != 0)
		return;
	c->f->have |= DIAG_SOURCE;
	c->f->source.addr = ip;
	c->f->source.assigned = a.found;
	if (a.found)
		diag_link_name(c, a.ifindex, c->f->source.dev);
}

/* ---- sock_diag: inet listeners and ports in use ----------------------- */

/* What an inet_diag dump looks for. */
struct diag_inet {
	struct diag_facts *f;
	bool listeners;		/* true: listeners on the port; false: ports
				   in the range in use towards dst/port */
	unsigned low, high;
};

/* Take one socket from an inet_diag dump. */
static int diag_inet_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_inet *d = arg;
	struct diag_facts *f = d->f;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	struct diag_ip src, dst;
	unsigned sport, dport;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	if (!diag_ip_set(&src, m->idiag_family, m->id.idiag_src,
	    sizeof(m->id.idiag_src)) || !diag_ip_set(&dst, m->idiag_family,
	    m->id.idiag_dst, sizeof(m->id.idiag_dst)))
		return 0;
	sport = ntohs(m->id.idiag_sport);
	dport = ntohs(m->id.idiag_dport);
	if (d->listeners) {
		if (sport != f->port || dport != 0)
			return 0;
		if (f->listen.count < DIAG_LISTEN_MAX)
			f->listen.addr[f->listen.count] = src;
		f->listen.count++;
	} else if (dport == f->port && diag_ip_eq(&dst, &f->dst) &&
	    sport >= d->low && sport <= d->high) {
		f->ports.in_use++;
	}
	return 0;
}

/*
 * Dump the inet sockets of `family` and `protocol` in the states `states`
 * through diag_inet_cb; 0 or an errno.
 */
static int diag_inet_dump(struct diag_ctx *c, int family, int protocol,
    unsigned states, struct diag_inet *d)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = (unsigned char)protocol;
	req.r.idiag_states = states;
	if (d->listeners)
		req.r.id.idiag_sport = htons(d->f->port);
	return diag_nl_talk(c, NETLINK_SOCK_DIAG, &req.h, diag_inet_cb, d);
}

/* The sock_diag protocol of a socket type: TCP, UDP, or 0 for neither. */
static int diag_inet_protocol(int type)
{
	if (type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return 0;
}

/* Who listens on the destination port, over IPv4 and IPv6. */
static void diag_listeners(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	struct diag_inet d = { .f = f, .listeners = true };
	int protocol = diag_inet_protocol(c->q->type);
	unsigned states = protocol == IPPROTO_TCP ?
	    1u << DIAG_TCP_LISTEN : 1u << DIAG_TCP_CLOSE;

	if (protocol == 0)
		return;
	f->listen.count = 0;
	if (diag_inet_dump(c, AF_INET, protocol, states, &d) != 0)
		return;
	if (diag_inet_dump(c, AF_INET6, protocol, states, &d) != 0)
		return;
	f->have |= DIAG_LISTENERS;
	f->listen.protocol = protocol;
}

/* The local port range, and how many of its ports are in use towards dst. */
static void diag_ports(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	struct diag_inet d = { .f = f, .listeners = false };
	char line[64];
	int protocol = diag_inet_protocol(c->q->type);

	if (!diag_read_line("/proc/sys/net/ipv4/ip_local_port_range", line,
	    sizeof(line)) || sscanf(line, "%u %u", &d.low, &d.high) != 2 ||
	    d.low > d.high || d.high > 65535)
		return;
	f->have |= DIAG_PORTRANGE;
	f->ports.low = d.low;
	f->ports.high = d.high;
	f->ports.in_use = 0;
	if (protocol != 0 && diag_inet_dump(c, f->dst.family, protocol, ~0u,
	    &d) == 0)
		f->ports.in_use_known = true;
	else
		f->ports.in_use = 0;
}

/* ---- IPv6 and SCTP ---------------------------------------------------- */

/* Take whether an IPv6 route dump holds a default route. */
static int diag_v6default_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_rt rt;

	if (diag_rt_parse(h, &rt) && !rt.cloned && rt.prefixlen == 0 &&
	    rt.type == RTN_UNICAST)
		*(int *)arg = 1;
	return 0;
}

/* Whether IPv6 is there: the sysctl, global addresses, a default route. */
static void diag_ipv6(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	struct diag_addrs a = { 0 };
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
	} req;
	char line[32];
	int def = 0;

	f->have |= DIAG_IPV6;
	f->ipv6.present = access("/proc/sys/net/ipv6", F_OK) == 0;
	f->ipv6.disable_all = -1;
	f->ipv6.global_addrs = -1;
	f->ipv6.has_default = -1;
	if (!f->ipv6.present)
		return;
	if (diag_read_line("/proc/sys/net/ipv6/conf/all/disable_ipv6", line,
	    sizeof(line)) && (line[0] == '0' || line[0] == '1'))
		f->ipv6.disable_all = line[0] - '0';
	if (diag_addr_dump(c, AF_INET6, &a) == 0)
		f->ipv6.global_addrs = a.global;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.rtm_family = AF_INET6;
	if (diag_nl_talk(c, NETLINK_ROUTE, &req.h, diag_v6default_cb,
	    &def) == 0)
		f->ipv6.has_default = def;
}

/* Whether SCTP is there: /proc/net/sctp, and sctp in /proc/modules. */
static void diag_sctp(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	FILE *fp = fopen("/proc/modules", "re");
	char line[256];

	f->have |= DIAG_SCTP;
	f->sctp.proc_net_sctp = access("/proc/net/sctp", F_OK) == 0;
	f->sctp.module = -1;
	if (!fp)
		return;
	f->sctp.module = 0;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, "sctp ", 5) == 0)
			f->sctp.module = 1;
	fclose(fp);
}

/* ---- Unix paths ------------------------------------------------------- */

/* The name of user `uid` into `buf`, or its number when it has none. */
static void diag_user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
		diag_strlcpy(buf, res->pw_name, size);
	else
		snprintf(buf, size, "%lu", (unsigned long)uid);
}

/* The name of group `gid` into `buf`, or its number when it has none. */
static void diag_group_name(gid_t gid, char *buf, size_t size)
{
	struct group gr, *res = NULL;
	char tmp[1024];

	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res)
		diag_strlcpy(buf, res->gr_name, size);
	else
		snprintf(buf, size, "%lu", (unsigned long)gid);
}

/* Record the walk's finding `kind` at `at`, with its mode and owner. */
static void diag_path_fact(struct diag_facts *f, enum diag_path_kind kind,
    const char *at, const struct stat *st)
{
	f->have |= DIAG_PATH;
	f->path.kind = kind;
	diag_strlcpy(f->path.at, at, sizeof(f->path.at));
	f->path.my_uid = geteuid();
	if (!st)
		return;
	f->path.mode = st->st_mode;
	f->path.uid = st->st_uid;
	f->path.gid = st->st_gid;
	diag_user_name(st->st_uid, f->path.owner, sizeof(f->path.owner));
	diag_group_name(st->st_gid, f->path.group, sizeof(f->path.group));
}

/*
 * Check one directory on the way to the socket: it exists, is a directory
 * and this process may search it.  Records a fact and returns false at the
 * first that fails; returns false without a fact when stat fails otherwise.
 */
static bool diag_path_dir(struct diag_facts *f, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			diag_path_fact(f, DIAG_PATH_MISSING, dir, NULL);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_path_fact(f, DIAG_PATH_NOTDIR, dir, &st);
		return false;
	}
	if (faccessat(AT_FDCWD, dir, X_OK, AT_EACCESS) != 0) {
		if (errno == EACCES)
			diag_path_fact(f, DIAG_PATH_NOSEARCH, dir, &st);
		return false;
	}
	return true;
}

/*
 * Walk `path` component by component, as connect() resolves it, and record
 * the first thing in the way; for a socket the path fact is
 * DIAG_PATH_NOWRITE or DIAG_PATH_SOCKET, and `st` is filled.  Returns true
 * when the path is a socket.
 */
static bool diag_path_walk(struct diag_facts *f, const char *path,
    struct stat *st)
{
	char prefix[DIAG_PATH_MAX];
	size_t len = strlen(path), i;

	if (len == 0 || len >= sizeof(prefix))
		return false;
	if (path[0] == '/' && !diag_path_dir(f, "/"))
		return false;
	for (i = 1; i < len; i++) {
		if (path[i] != '/' || path[i - 1] == '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (!diag_path_dir(f, prefix))
			return false;
	}
	if (stat(path, st) != 0) {
		if (errno == ENOENT)
			diag_path_fact(f, DIAG_PATH_MISSING, path, NULL);
		else if (errno == ENOTDIR)
			diag_path_fact(f, DIAG_PATH_NOTDIR, path, NULL);
		return false;
	}
	if (!S_ISSOCK(st->st_mode)) {
		diag_path_fact(f, DIAG_PATH_NOTSOCK, path, st);
		return false;
	}
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
	    errno == EACCES)
		diag_path_fact(f, DIAG_PATH_NOWRITE, path, st);
	else
		diag_path_fact(f, DIAG_PATH_SOCKET, path, st);
	return true;
}

/* What a unix_diag dump looks for: the socket bound to one inode. */
struct diag_unix {
	struct diag_facts *f;
	ino_t ino;
	dev_t dev;
};

/* Take the socket bound to the inode, if this is it. */
static int diag_unix_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_unix *u = arg;
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *tb[UNIX_DIAG_MAX + 1];
	const struct unix_diag_vfs *vfs;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	diag_rta_parse(tb, UNIX_DIAG_MAX, (const struct rtattr *)(m + 1),
	    (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m))));
	if (!tb[UNIX_DIAG_VFS] ||
	    RTA_PAYLOAD(tb[UNIX_DIAG_VFS]) < sizeof(*vfs))
		return 0;
	vfs = RTA_DATA(tb[UNIX_DIAG_VFS]);
	/* The kernel's dev_t: major in the top 12 bits, minor below. */
	if (vfs->udiag_vfs_ino != u->ino ||
	    vfs->udiag_vfs_dev >> 20 != major(u->dev) ||
	    (vfs->udiag_vfs_dev & 0xfffff) != minor(u->dev))
		return 0;
	u->f->unixpeer.found = true;
	u->f->unixpeer.type = m->udiag_type;
	u->f->unixpeer.listening = m->udiag_state == DIAG_TCP_LISTEN;
	if (u->f->unixpeer.listening && tb[UNIX_DIAG_RQLEN] &&
	    RTA_PAYLOAD(tb[UNIX_DIAG_RQLEN]) >= sizeof(struct unix_diag_rqlen)) {
		const struct unix_diag_rqlen *rq = RTA_DATA(tb[UNIX_DIAG_RQLEN]);

		u->f->unixpeer.queued = rq->udiag_rqueue;
		u->f->unixpeer.backlog = rq->udiag_wqueue;
	}
	return 1;
}

/*
 * The socket bound to the socket file `st`, through unix_diag.  Found: its
 * type, state, queue and backlog.  Not found is a fact only where the
 * kernel's own ECONNREFUSED says the same (a listener in another network
 * namespace is invisible here but can be reached through the file).
 */
static void diag_unix_peer(struct diag_ctx *c, const struct stat *st)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req;
	struct diag_unix u = { c->f, st->st_ino, st->st_dev };

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = ~0u;
	req.r.udiag_show = UDIAG_SHOW_VFS | UDIAG_SHOW_RQLEN;
	if (diag_nl_talk(c, NETLINK_SOCK_DIAG, &req.h, diag_unix_cb, &u) != 0)
		return;
	if (c->f->unixpeer.found || c->q->error == ECONNREFUSED)
		c->f->have |= DIAG_UNIXPEER;
}

/* The Unix path facts: the walk, then the socket bound at its end. */
static void diag_unix(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	size_t off = offsetof(struct sockaddr_un, sun_path), n;
	struct stat st;

	n = q->dstlen ? q->dstlen : sizeof(struct sockaddr_un);
	if (n <= off || q->dst->sa_family != AF_UNIX)
		return;
	n -= off;
	if (n > sizeof(path) - 1)
		n = sizeof(path) - 1;
	memcpy(path, ((const struct sockaddr_un *)(const void *)q->dst)->sun_path,
	    n);
	path[n] = '\0';
	if (path[0] == '\0')
		return;		/* an abstract name: no file to walk */
	if (diag_path_walk(c->f, path, &st) && (q->error == ECONNREFUSED ||
	    q->error == EPROTOTYPE || q->error == EAGAIN))
		diag_unix_peer(c, &st);
}

/* ---- running the look-ups --------------------------------------------- */

/* Set f->dst and f->port from an IP destination; false when it is not. */
static bool diag_dst(const struct diag_query *q, struct diag_facts *f)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (q->dst->sa_family == AF_INET &&
	    (q->dstlen == 0 || q->dstlen >= sizeof(struct sockaddr_in))) {
		const struct sockaddr_in *in = (const void *)q->dst;

		f->dst.family = AF_INET;
		f->dst.u.v4 = in->sin_addr;
		f->port = ntohs(in->sin_port);
		return true;
	}
	if (q->dst->sa_family == AF_INET6 &&
	    (q->dstlen == 0 || q->dstlen >= sizeof(struct sockaddr_in6))) {
		const struct sockaddr_in6 *in6 = (const void *)q->dst;

		if (memcmp(&in6->sin6_addr, mapped, sizeof(mapped)) == 0) {
			f->dst.family = AF_INET;
			memcpy(&f->dst.u.v4, &in6->sin6_addr.s6_addr[12], 4);
		} else {
			f->dst.family = AF_INET6;
			f->dst.u.v6 = in6->sin6_addr;
		}
		f->port = ntohs(in6->sin6_port);
		return true;
	}
	return false;
}

/* True when `err` is one of the `n` errnos in `set`. */
static bool diag_err_in(int err, const int *set, size_t n)
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

/* The facts for a failure towards an IPv4 or IPv6 destination. */
static void diag_ip(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;
	int err = q->error;
	static const struct in_addr all = { 0xffffffffu };

	if (!diag_dst(q, f))
		return;
	if (DIAG_ERR_IN(err, ENETUNREACH, EHOSTUNREACH, EACCES, EPERM, EINVAL,
	    ETIMEDOUT, ECONNREFUSED))
		diag_route(c);
	if (DIAG_ERR_IN(err, EHOSTUNREACH, ETIMEDOUT))
		diag_neigh(c);
	if (err == ECONNREFUSED && (f->have & DIAG_ROUTE) &&
	    f->route.type == RTN_LOCAL)
		diag_listeners(c);
	if (err == EACCES && q->type == SOCK_DGRAM && !q->broadcast &&
	    f->dst.family == AF_INET && (f->dst.u.v4.s_addr == all.s_addr ||
	    ((f->have & DIAG_ROUTE) && f->route.type == RTN_BROADCAST)))
		f->have |= DIAG_BROADCAST;
	if (DIAG_ERR_IN(err, EADDRNOTAVAIL, EAGAIN)) {
		diag_ports(c);
		diag_source(c);
	}
	if ((q->family == AF_INET6 || f->dst.family == AF_INET6) &&
	    DIAG_ERR_IN(err, EAFNOSUPPORT, ENETUNREACH, EADDRNOTAVAIL))
		diag_ipv6(c);
	if (q->type == SOCK_SEQPACKET &&
	    DIAG_ERR_IN(err, ESOCKTNOSUPPORT, EPROTONOSUPPORT))
		diag_sctp(c);
}

/* Count the bits set in `v`. */
static int diag_popcount(unsigned v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

int diagnose_run(const struct diag_query *q, struct diag_facts *f)
{
	struct diag_ctx c;

	memset(f, 0, sizeof(*f));
	f->family = q->family;
	f->type = q->type;
	f->error = q->error;
	c.q = q;
	c.f = f;
	c.netlink = q->budget_ms > 0;
	c.deadline = clock_add_ms(clock_now(), c.netlink ? q->budget_ms : 0);
	if (!q->dst)
		return 0;
	if (q->dst->sa_family == AF_UNIX) {
		if (DIAG_ERR_IN(q->error, ENOENT, ENOTDIR, EACCES, ECONNREFUSED,
		    EPROTOTYPE, EAGAIN))
			diag_unix(&c);
	} else if ((q->family == AF_INET6 || q->dst->sa_family == AF_INET6) &&
	    q->error == EAFNOSUPPORT) {
		diag_ipv6(&c);
	} else {
		diag_ip(&c);
	}
	return diag_popcount(f->have);
}

/* ---- sentences -------------------------------------------------------- */

/* Append one formatted line to lines[*n] while there is room. */
__attribute__((format(printf, 4, 5)))
static void diag_line(char lines[][DIAG_LINE_MAX], size_t *n, size_t max,
    const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[*n], DIAG_LINE_MAX, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* The name of route type `type` as ip-route(8) prints it. */
static const char *diag_rtn_name(int type)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "none", [RTN_UNICAST] = "unicast",
		[RTN_LOCAL] = "local", [RTN_BROADCAST] = "broadcast",
		[RTN_ANYCAST] = "anycast", [RTN_MULTICAST] = "multicast",
		[RTN_BLACKHOLE] = "blackhole", [RTN_UNREACHABLE] = "unreachable",
		[RTN_PROHIBIT] = "prohibit", [RTN_THROW] = "throw",
		[RTN_NAT] = "nat", [RTN_XRESOLVE] = "xresolve"
	};

	if (type < 0 || (size_t)type >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[type];
}

/* The name of routing table `table` ("main", "local", or its number). */
static const char *diag_table_name(unsigned table, char *buf, size_t size)
{
	if (table == 0)
		return "unknown";
	if (table == RT_TABLE_MAIN)
		return "main";
	if (table == RT_TABLE_LOCAL)
		return "local";
	if (table == RT_TABLE_DEFAULT)
		return "default";
	snprintf(buf, size, "%u", table);
	return buf;
}

/* The name of neighbour state `state` as ip-neighbour(8) prints it. */
static const char *diag_nud_name(unsigned state)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
		{ NUD_STALE, "STALE" }, { NUD_DELAY, "DELAY" },
		{ NUD_PROBE, "PROBE" }, { NUD_FAILED, "FAILED" },
		{ NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" }
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (state & names[i].bit)
			return names[i].name;
	return "NONE";
}

/* The -T value of a socket type. */
static const char *diag_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "unknown";
	}
}

/* The kind of file of mode `mode`, with its article. */
static const char *diag_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a file of unknown type";
}

/* The route fact as a sentence. */
static void diag_lines_route(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char dst[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN];
	char gw[INET6_ADDRSTRLEN], tbl[16], extra[96] = "";

	diag_ip_str(&f->dst, dst, sizeof(dst));
	diag_ip_str(&f->route.prefix, pfx, sizeof(pfx));
	if (f->route.dev[0])
		snprintf(extra, sizeof(extra), ", dev %s", f->route.dev);
	if (f->route.gateway.family)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    ", via %s", diag_ip_str(&f->route.gateway, gw, sizeof(gw)));
	if (f->route.type == RTN_LOCAL) {
		diag_line(lines, n, max, "%s is an address of this host "
		    "(route %s/%u, type local, table %s%s)", dst, pfx,
		    f->route.prefixlen,
		    diag_table_name(f->route.table, tbl, sizeof(tbl)), extra);
		return;
	}
	diag_line(lines, n, max, "the route that matched %s is %s/%u, type %s, "
	    "table %s%s%s", dst, pfx, f->route.prefixlen,
	    diag_rtn_name(f->route.type),
	    diag_table_name(f->route.table, tbl, sizeof(tbl)), extra,
	    f->route.type == RTN_THROW ?
	    ", and no table after it has a route for it" : "");
}

/* The neighbour fact as a sentence. */
static void diag_lines_neigh(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char hop[INET6_ADDRSTRLEN];
	const char *who = f->neigh.is_gateway ? "the gateway " : "";
	const char *dev = f->neigh.dev[0] ? f->neigh.dev : "its device";
	bool v4 = f->neigh.addr.family == AF_INET;

	diag_ip_str(&f->neigh.addr, hop, sizeof(hop));
	if (f->neigh.state & (NUD_FAILED | NUD_INCOMPLETE))
		diag_line(lines, n, max, "no %s from %s%s on %s (neighbour "
		    "entry %s)", v4 ? "ARP reply" : "neighbour advertisement",
		    who, hop, dev, diag_nud_name(f->neigh.state));
	else if (f->neigh.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
	    NUD_PROBE | NUD_PERMANENT))
		diag_line(lines, n, max, "the next hop %s%s on %s resolved "
		    "(neighbour entry %s): it is on the link", who, hop, dev,
		    diag_nud_name(f->neigh.state));
	else
		diag_line(lines, n, max, "the neighbour entry of %s%s on %s is "
		    "%s", who, hop, dev, diag_nud_name(f->neigh.state));
}

/* The listeners fact as a sentence. */
static void diag_lines_listen(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	const char *proto = f->listen.protocol == IPPROTO_UDP ? "UDP" : "TCP";
	char list[DIAG_LINE_MAX] = "", a[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t i, kept = f->listen.count < DIAG_LISTEN_MAX ?
	    f->listen.count : DIAG_LISTEN_MAX;
	bool covers = false, unsure = false;

	diag_ip_str(&f->dst, dst, sizeof(dst));
	if (f->listen.count == 0) {
		diag_line(lines, n, max, "nothing on this host listens on %s "
		    "port %u", proto, f->port);
		return;
	}
	for (i = 0; i < kept; i++) {
		const struct diag_ip *l = &f->listen.addr[i];
		size_t len = strlen(list);

		snprintf(list + len, sizeof(list) - len, "%s%s",
		    i ? ", " : "", diag_ip_str(l, a, sizeof(a)));
		if (diag_ip_eq(l, &f->dst) || (l->family == f->dst.family &&
		    diag_ip_any(l)))
			covers = true;
		if (l->family == AF_INET6 && diag_ip_any(l))
			unsure = true;	/* [::] may take IPv4 too */
	}
	if (kept < f->listen.count)
		covers = unsure = true;	/* not all seen: claim nothing */
	if (covers || unsure)
		diag_line(lines, n, max, "%s port %u has %s on %s%s", proto,
		    f->port, f->listen.count == 1 ? "a listener" : "listeners",
		    list, kept < f->listen.count ? ", ..." : "");
	else
		diag_line(lines, n, max, "%s port %u has %s on %s only, not "
		    "on %s", proto, f->port, f->listen.count == 1 ?
		    "a listener" : "listeners", list, dst);
}

/* The IPv6 facts as sentences. */
static void diag_lines_ipv6(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	if (!f->ipv6.present) {
		diag_line(lines, n, max, "IPv6 is not available in this kernel "
		    "(no /proc/sys/net/ipv6)");
		return;
	}
	if (f->ipv6.disable_all >= 0)
		diag_line(lines, n, max, "IPv6 is %s "
		    "(net.ipv6.conf.all.disable_ipv6 = %d)",
		    f->ipv6.disable_all ? "disabled" : "enabled",
		    f->ipv6.disable_all);
	if (f->ipv6.global_addrs == 0)
		diag_line(lines, n, max, "no interface has a global IPv6 "
		    "address");
	else if (f->ipv6.global_addrs > 0)
		diag_line(lines, n, max, "this host has %d global IPv6 "
		    "address%s", f->ipv6.global_addrs,
		    f->ipv6.global_addrs == 1 ? "" : "es");
	if (f->ipv6.has_default >= 0)
		diag_line(lines, n, max, "there is %s IPv6 default route",
		    f->ipv6.has_default ? "an" : "no");
}

/* The SCTP fact as a sentence. */
static void diag_lines_sctp(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	if (f->sctp.proc_net_sctp)
		diag_line(lines, n, max, "SCTP is available (/proc/net/sctp "
		    "exists)%s", f->sctp.module == 1 ?
		    ", the sctp module is loaded" : "");
	else if (f->sctp.module == 0)
		diag_line(lines, n, max, "SCTP is not available: no sctp module "
		    "loaded (see lsmod; modprobe sctp loads it)");
	else
		diag_line(lines, n, max, "SCTP is not available here: "
		    "/proc/net/sctp does not exist");
}

/* The Unix path facts as sentences. */
static void diag_lines_path(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char at[2 * DIAG_PATH_MAX], owner[2 * DIAG_NAME_MAX];
	char group[2 * DIAG_NAME_MAX];
	unsigned mode = f->path.mode & 07777;

	text_escape(at, sizeof(at), f->path.at);
	text_escape(owner, sizeof(owner), f->path.owner);
	text_escape(group, sizeof(group), f->path.group);
	switch (f->path.kind) {
	case DIAG_PATH_MISSING:
		diag_line(lines, n, max, "%s does not exist", at);
		break;
	case DIAG_PATH_NOTDIR:
		diag_line(lines, n, max, "%s is not a directory but %s", at,
		    diag_file_kind(f->path.mode));
		break;
	case DIAG_PATH_NOSEARCH:
		diag_line(lines, n, max, "%s is mode %o owned by %s:%s; this "
		    "user (uid %lu) cannot search it", at, mode, owner, group,
		    (unsigned long)f->path.my_uid);
		break;
	case DIAG_PATH_NOWRITE:
		diag_line(lines, n, max, "%s is mode %o owned by %s:%s; this "
		    "user (uid %lu) cannot write to it, which connect needs",
		    at, mode, owner, group, (unsigned long)f->path.my_uid);
		break;
	case DIAG_PATH_NOTSOCK:
		diag_line(lines, n, max, "%s is not a socket but %s", at,
		    diag_file_kind(f->path.mode));
		break;
	case DIAG_PATH_SOCKET:
		diag_line(lines, n, max, "%s is a socket, mode %o owned by "
		    "%s:%s", at, mode, owner, group);
		break;
	}
}

/* The fact about the socket bound at the Unix path, as a sentence. */
static void diag_lines_unixpeer(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char at[2 * DIAG_PATH_MAX];
	const char *type = diag_type_name(f->unixpeer.type);

	text_escape(at, sizeof(at), f->path.at);
	if (!f->unixpeer.found)
		diag_line(lines, n, max, "nothing listens on %s: a stale socket "
		    "file", at);
	else if (f->unixpeer.type != f->type)
		diag_line(lines, n, max, "the listener on %s is of type %s: use "
		    "-T %s", at, type, type);
	else if (f->unixpeer.listening)
		diag_line(lines, n, max, "the listener on %s has %u connection%s "
		    "waiting, its backlog is %u", at, f->unixpeer.queued,
		    f->unixpeer.queued == 1 ? "" : "s", f->unixpeer.backlog);
	else if (f->unixpeer.type == SOCK_DGRAM)
		diag_line(lines, n, max, "a datagram socket is bound to %s", at);
	else
		diag_line(lines, n, max, "a %s socket is bound to %s but does "
		    "not listen", type, at);
}

size_t diagnose_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;

	if (f->have & DIAG_ROUTE)
		diag_lines_route(f, lines, &n, max);
	if (f->have & DIAG_NOROUTE)
		diag_line(lines, &n, max, "no route matches %s and there is %s "
		    "default route", diag_ip_str(&f->dst, a, sizeof(a)),
		    f->noroute.has_default ? "a" : "no");
	if (f->have & DIAG_NEIGH)
		diag_lines_neigh(f, lines, &n, max);
	if (f->have & DIAG_LISTENERS)
		diag_lines_listen(f, lines, &n, max);
	if (f->have & DIAG_BROADCAST)
		diag_line(lines, &n, max, "%s is a broadcast address and "
		    "SO_BROADCAST is off: add -b",
		    diag_ip_str(&f->dst, a, sizeof(a)));
	if (f->have & DIAG_PORTRANGE) {
		unsigned count = f->ports.high - f->ports.low + 1;

		diag_line(lines, &n, max, "the local port range %u-%u "
		    "(/proc/sys/net/ipv4/ip_local_port_range) holds %u port%s",
		    f->ports.low, f->ports.high, count, count == 1 ? "" : "s");
		if (f->ports.in_use_known)
			diag_line(lines, &n, max, "%u of them %s in use towards "
			    "%s port %u", f->ports.in_use,
			    f->ports.in_use == 1 ? "is" : "are",
			    diag_ip_str(&f->dst, a, sizeof(a)), f->port);
	}
	if (f->have & DIAG_SOURCE) {
		diag_ip_str(&f->source.addr, a, sizeof(a));
		if (f->source.assigned)
			diag_line(lines, &n, max, "source address %s is assigned "
			    "to %s", a, f->source.dev[0] ? f->source.dev :
			    "an interface");
		else
			diag_line(lines, &n, max, "source address %s is not "
			    "assigned to any interface", a);
	}
	if (f->have & DIAG_IPV6)
		diag_lines_ipv6(f, lines, &n, max);
	if (f->have & DIAG_SCTP)
		diag_lines_sctp(f, lines, &n, max);
	if (f->have & DIAG_PATH)
		diag_lines_path(f, lines, &n, max);
	if (f->have & DIAG_UNIXPEER)
		diag_lines_unixpeer(f, lines, &n, max);
	return n;
}

int diagnose_exit_class(const struct diag_facts *f, int error)
{
	if (error == EINVAL && (f->have & DIAG_ROUTE) &&
	    f->route.type == RTN_BLACKHOLE)
		return ISOCK_EXIT_UNREACHABLE;
	return (int)explain_exit_class(error);
}
