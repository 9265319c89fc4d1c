/* SPDX-License-Identifier: ISC */
/*
 * route.c: facts from rtnetlink: routes, rules, neighbours, addresses
 * (see route.h).
 *
 * Every message is parsed with nl_parse (mnl_attr_parse, each attribute
 * read validated first); a message that does not parse fails the whole
 * reply, so no fact is taken from half of one.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "clock.h"
#include "route.h"

/* The rules a route match follows at most. */
#define ROUTE_RULES_MAX 32

/* A route as read from an RTM_NEWROUTE message. */
struct route_rt {
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

static const enum mnl_attr_data_type route_rta_policy[RTA_MAX + 1] = {
	[RTA_DST] = MNL_TYPE_BINARY,
	[RTA_GATEWAY] = MNL_TYPE_BINARY,
	[RTA_OIF] = MNL_TYPE_U32,
	[RTA_PRIORITY] = MNL_TYPE_U32,
	[RTA_TABLE] = MNL_TYPE_U32
};

static const enum mnl_attr_data_type route_fra_policy[FRA_MAX + 1] = {
	[FRA_TABLE] = MNL_TYPE_U32,
	[FRA_SUPPRESS_PREFIXLEN] = MNL_TYPE_U32,
	[FRA_SUPPRESS_IFGROUP] = MNL_TYPE_U32
};

static const enum mnl_attr_data_type route_ifla_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_STRING
};

static const enum mnl_attr_data_type route_ifa_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS] = MNL_TYPE_BINARY,
	[IFA_LOCAL] = MNL_TYPE_BINARY
};

/* Set `ip` from the address attribute `a` of `family`; false: none. */
static bool
route_attr_ip(struct diag_ip *ip, int family, const struct nlattr *a)
{
	if (a == NULL) {
		memset(ip, 0, sizeof(*ip));
		return false;
	}
	return diag_ip_set(ip, family, mnl_attr_get_payload(a),
	    mnl_attr_get_payload_len(a));
}

/*
 * Parse an RTM_NEWROUTE message into `rt`: 1, 0 when it is another
 * message, -1 when it is malformed.
 */
static int
route_rt_parse(const struct nlmsghdr *nlh, struct route_rt *rt)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *r;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	if (nl_parse(nlh, sizeof(*r), route_rta_policy, RTA_MAX, tb) !=
	    MNL_CB_OK)
		return -1;
	r = mnl_nlmsg_get_payload(nlh);
	memset(rt, 0, sizeof(*rt));
	rt->type = r->rtm_type;
	rt->table = tb[RTA_TABLE] != NULL ? mnl_attr_get_u32(tb[RTA_TABLE]) :
	    r->rtm_table;
	rt->prefixlen = r->rtm_dst_len;
	rt->prefix.family = r->rtm_family;
	if (tb[RTA_DST] != NULL && !route_attr_ip(&rt->prefix, r->rtm_family,
	    tb[RTA_DST]))
		return -1;
	if (tb[RTA_OIF] != NULL)
		rt->ifindex = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] != NULL && !route_attr_ip(&rt->gateway,
	    r->rtm_family, tb[RTA_GATEWAY]))
		return -1;
	if (tb[RTA_PRIORITY] != NULL)
		rt->metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	rt->tos = r->rtm_tos != 0;
	rt->cloned = (r->rtm_flags & RTM_F_CLONED) != 0;
	return 1;
}

/* ---- interface names (RTM_GETLINK) ------------------------------------ */

/* An interface as an RTM_NEWLINK reply gives it. */
struct route_link {
	char name[IF_NAMESIZE];
	unsigned flags;			/* ifi_flags: IFF_UP, IFF_LOWER_UP */
	bool got;
};

/* Take IFLA_IFNAME and the flags from an RTM_NEWLINK reply into `data`. */
static int
route_link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct route_link *l = data;
	size_t n;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (nl_parse(nlh, sizeof(struct ifinfomsg), route_ifla_policy,
	    IFLA_MAX, tb) != MNL_CB_OK)
		return MNL_CB_ERROR;
	if (tb[IFLA_IFNAME] == NULL)
		return MNL_CB_OK;
	n = strnlen(mnl_attr_get_payload(tb[IFLA_IFNAME]),
	    mnl_attr_get_payload_len(tb[IFLA_IFNAME]));
	if (n >= IF_NAMESIZE)
		n = IF_NAMESIZE - 1;
	memcpy(l->name, mnl_attr_get_payload(tb[IFLA_IFNAME]), n);
	l->name[n] = '\0';
	l->flags = ((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->
	    ifi_flags;
	l->got = true;
	return MNL_CB_OK;
}

/*
 * The name of interface `ifindex` into `dev` (left "" when unknown), and
 * when `flags` is not NULL its IFF_* flags (*known false when unknown).
 */
static void
route_link_name(struct nl_ctx *nl, int ifindex, char dev[IF_NAMESIZE],
    unsigned *flags, bool *known)
{
	union nl_req req;
	struct route_link l;
	struct ifinfomsg *ifi;

	dev[0] = '\0';
	if (known != NULL)
		*known = false;
	if (ifindex <= 0)
		return;
	memset(&l, 0, sizeof(l));
	ifi = nl_put(&req, RTM_GETLINK, NLM_F_REQUEST,
	    sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (nl_talk(nl, NL_ROUTE, &req.h, route_link_cb, &l) != 0 || !l.got)
		return;
	facts_strlcpy(dev, l.name, IF_NAMESIZE);
	if (flags != NULL && known != NULL) {
		*flags = l.flags;
		*known = true;
	}
}

/* ---- the route get ---------------------------------------------------- */

/* The kernel's answer to a route get. */
struct route_get {
	struct route_rt rt;
	bool got;
};

static int
route_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_get *g = data;
	int r = route_rt_parse(nlh, &g->rt);

	if (r < 0)
		return MNL_CB_ERROR;
	if (r > 0)
		g->got = true;
	return MNL_CB_OK;
}

/*
 * Ask the kernel for the route it uses to `dst` out of `ifindex` (0: any),
 * as `ip route get fibmatch` does: 0 with `rt` filled, the kernel's errno
 * (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL for the reject types and no
 * route at all), or NL_FAIL.
 */
static int
route_get(struct nl_ctx *nl, const struct diag_ip *dst, int ifindex,
    struct route_rt *rt)
{
	union nl_req req;
	struct route_get g;
	struct rtmsg *r;
	int err;

	memset(&g, 0, sizeof(g));
	r = nl_put(&req, RTM_GETROUTE, NLM_F_REQUEST,
	    sizeof(*r));
	r->rtm_family = (unsigned char)dst->family;
	r->rtm_dst_len = (unsigned char)(8 * diag_ip_len(dst->family));
	/* IPv6 names the route's own table; its strict check refuses
	   RTM_F_LOOKUP_TABLE. */
	r->rtm_flags = RTM_F_FIB_MATCH;
	if (dst->family == AF_INET)
		r->rtm_flags |= RTM_F_LOOKUP_TABLE;
	mnl_attr_put(&req.h, RTA_DST, diag_ip_len(dst->family), &dst->u);
	if (ifindex > 0)
		mnl_attr_put_u32(&req.h, RTA_OIF, (unsigned)ifindex);
	err = nl_talk(nl, NL_ROUTE, &req.h, route_get_cb, &g);
	if (err == 0 && (!g.got || g.rt.prefix.family == 0))
		return NL_FAIL;
	*rt = g.rt;
	return err;
}

/* ---- rules and filtered route dumps ------------------------------------ */

/* A policy rule reduced to what a match here can follow. */
struct route_rule {
	unsigned table;
	bool plain;		/* "from all lookup TABLE", nothing else */
};

/* The rules, in priority order, and the best candidate of each table. */
struct route_match {
	const struct diag_ip *dst;
	size_t nrules;
	struct route_rule rule[ROUTE_RULES_MAX];
	bool overflow;		/* more rules than kept */
	struct route_rt best[ROUTE_RULES_MAX];	/* per rule; type 0: none */
	unsigned want_table;	/* a dump of one table: only its routes */
	int want_type;		/* a dump of one type: only its routes */
	bool has_default;
	bool unsure;		/* a matching route has a selector we skip */
};

/*
 * True when rule attribute `a` selects nothing: the table, priority and
 * protocol, and the suppress_* attributes at their "none" value (-1).
 */
static bool
route_rule_attr_inert(unsigned a, const struct nlattr *attr)
{
	if (a == FRA_TABLE || a == FRA_PRIORITY || a == FRA_PROTOCOL)
		return true;
	if (a == FRA_SUPPRESS_PREFIXLEN || a == FRA_SUPPRESS_IFGROUP)
		return mnl_attr_get_u32(attr) == 0xffffffffu;
	return false;
}

/* Take one rule from an RTM_GETRULE dump. */
static int
route_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_match *m = data;
	const struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	struct route_rule *r;
	unsigned a;

	if (nlh->nlmsg_type != RTM_NEWRULE)
		return MNL_CB_OK;
	if (nl_parse(nlh, sizeof(*frh), route_fra_policy, FRA_MAX, tb) !=
	    MNL_CB_OK)
		return MNL_CB_ERROR;
	if (m->nrules == ROUTE_RULES_MAX) {
		m->overflow = true;
		return MNL_CB_OK;
	}
	frh = mnl_nlmsg_get_payload(nlh);
	r = &m->rule[m->nrules++];
	r->table = tb[FRA_TABLE] != NULL ? mnl_attr_get_u32(tb[FRA_TABLE]) :
	    frh->table;
	r->plain = frh->action == FR_ACT_TO_TBL && frh->src_len == 0 &&
	    frh->dst_len == 0 && frh->tos == 0 &&
	    (frh->flags & FIB_RULE_INVERT) == 0;
	for (a = 1; a <= FRA_MAX; a++)
		if (tb[a] != NULL && !route_rule_attr_inert(a, tb[a]))
			r->plain = false;
	return MNL_CB_OK;
}

/* True when route `a` beats route `b` for the same destination. */
static bool
route_better(const struct route_rt *a, const struct route_rt *b)
{
	if (b->type == 0)
		return true;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen > b->prefixlen;
	return a->metric < b->metric;
}

/*
 * Take one route from a filtered dump: keep the best that matches the
 * destination per rule table.  The type and table are checked here too, in
 * case the kernel did not filter.
 */
static int
route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_match *m = data;
	struct route_rt rt;
	size_t i;
	int r = route_rt_parse(nlh, &rt);

	if (r < 0)
		return MNL_CB_ERROR;
	if (r == 0 || rt.cloned || (m->want_type != 0 &&
	    rt.type != m->want_type) || (m->want_table != 0 &&
	    rt.table != m->want_table))
		return MNL_CB_OK;
	if (rt.prefixlen != 0 &&
	    !diag_ip_in_prefix(m->dst, &rt.prefix, rt.prefixlen))
		return MNL_CB_OK;
	if (rt.prefixlen == 0)
		m->has_default = true;
	if (rt.tos) {
		m->unsure = true;
		return MNL_CB_OK;
	}
	for (i = 0; i < m->nrules; i++)
		if (m->rule[i].table == rt.table &&
		    route_better(&rt, &m->best[i]))
			m->best[i] = rt;
	return MNL_CB_OK;
}

/* Dump the rules of `family` into `m`: 0, a kernel errno, or NL_FAIL. */
static int
route_rules(struct nl_ctx *nl, int family, struct route_match *m)
{
	union nl_req req;
	struct fib_rule_hdr *frh;

	frh = nl_put(&req, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP,
	    sizeof(*frh));
	frh->family = (unsigned char)family;
	return nl_talk(nl, NL_ROUTE, &req.h, route_rule_cb, m);
}

/*
 * Dump the routes of `family` of type `type` in table `table` (0: every
 * table) into `m`, filtered in the kernel when it allows that: 0, a kernel
 * errno, or NL_FAIL.
 */
static int
route_dump(struct nl_ctx *nl, int family, int type, unsigned table,
    struct route_match *m)
{
	union nl_req req;
	struct rtmsg *r;

	(void)nl_strict(nl, NL_ROUTE);
	m->want_type = type;
	m->want_table = table;
	r = nl_put(&req, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP,
	    sizeof(*r));
	r->rtm_family = (unsigned char)family;
	r->rtm_type = (unsigned char)type;
	if (table != 0) {
		r->rtm_table = table < 256 ? (unsigned char)table :
		    RT_TABLE_UNSPEC;
		mnl_attr_put_u32(&req.h, RTA_TABLE, table);
	}
	return nl_talk(nl, NL_ROUTE, &req.h, route_dump_cb, m);
}

/* Where following the rules through the tables led. */
enum route_walk {
	ROUTE_WALK_UNKNOWN,	/* a rule or route we cannot follow */
	ROUTE_WALK_MATCH,	/* a route that is not a throw */
	ROUTE_WALK_THROWN,	/* only throw routes matched */
	ROUTE_WALK_NONE		/* no route matched at all */
};

/*
 * Follow the rules of `m` in order, as the kernel does, to the route it
 * uses; `*rt` is that route (for THROWN, the first throw).
 */
static enum route_walk
route_walk(const struct route_match *m, const struct route_rt **rt)
{
	size_t i;

	*rt = NULL;
	if (m->overflow || m->unsure)
		return ROUTE_WALK_UNKNOWN;
	for (i = 0; i < m->nrules; i++) {
		if (!m->rule[i].plain)
			return ROUTE_WALK_UNKNOWN;
		if (m->best[i].type == 0)
			continue;
		if (m->best[i].type != RTN_THROW) {
			*rt = &m->best[i];
			return ROUTE_WALK_MATCH;
		}
		if (*rt == NULL)
			*rt = &m->best[i];
	}
	return *rt != NULL ? ROUTE_WALK_THROWN : ROUTE_WALK_NONE;
}

/* True when the kernel's error `err` for a route get fits route `type`. */
static bool
route_fits(int type, int err)
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

/* The reject route type the kernel's error `err` names; 0: none. */
static int
route_reject_type(int err)
{
	switch (err) {
	case EHOSTUNREACH:
	case ENETUNREACH:
		return RTN_UNREACHABLE;
	case EACCES:
	case EPERM:
		return RTN_PROHIBIT;
	case EINVAL:
		return RTN_BLACKHOLE;
	default:
		return 0;
	}
}

/*
 * Whether the throw routes must be read too, after the routes of the type
 * `err` names are in `m`.  They decide "no route" and "thrown" for
 * ENETUNREACH and EAGAIN.  For the other errors the kernel's match is of
 * the type the error names: when the routes of that type that match lie
 * in one table only, the match is the best of them there (a throw more
 * specific than it would have sent the look-up on to another table, which
 * has none), so a second walk of the tables is saved.
 */
static bool
route_throws_matter(const struct route_match *m, int err)
{
	size_t i, tables = 0;

	if (err == ENETUNREACH || err == EAGAIN)
		return true;
	for (i = 0; i < m->nrules; i++)
		if (m->best[i].type != 0)
			tables++;
	return tables != 1;
}

/* Copy the parsed route `r` into the fact `rt` and name its device. */
static void
route_fact_set(struct nl_ctx *nl, const struct diag_ip *dst,
    const struct route_rt *r, bool from_kernel, struct route_fact *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->type = r->type;
	rt->table = r->table;
	rt->prefix = r->prefix;
	if (rt->prefix.family == 0)
		rt->prefix.family = dst->family;
	rt->prefixlen = r->prefixlen;
	rt->ifindex = r->ifindex;
	rt->gateway = r->gateway;
	rt->from_kernel = from_kernel;
	route_link_name(nl, r->ifindex, rt->dev, &rt->link_flags,
	    &rt->link_known);
}

/*
 * The kernel refused the route get with `err`: read the rules, dump the
 * routes of the reject type `err` names and the throw routes (filtered in
 * the kernel), follow the plain rules through them, and keep the match only
 * when its type is the one the kernel's error names.
 */
static unsigned
route_match(struct nl_ctx *nl, const struct diag_ip *dst, int err,
    struct route_fact *rt, struct noroute_fact *none)
{
	struct route_match m;
	const struct route_rt *found;
	int type = route_reject_type(err);

	if (type == 0 && err != EAGAIN)
		return 0;
	memset(&m, 0, sizeof(m));
	m.dst = dst;
	if (route_rules(nl, dst->family, &m) != 0)
		return 0;
	if (type != 0 && route_dump(nl, dst->family, type, 0, &m) != 0)
		return 0;
	if (route_throws_matter(&m, err) &&
	    route_dump(nl, dst->family, RTN_THROW, 0, &m) != 0)
		return 0;
	switch (route_walk(&m, &found)) {
	case ROUTE_WALK_MATCH:
		if (!route_fits(found->type, err))
			return 0;
		route_fact_set(nl, dst, found, false, rt);
		return DIAG_ROUTE;
	case ROUTE_WALK_THROWN:
		if (!route_fits(RTN_THROW, err))
			return 0;
		route_fact_set(nl, dst, found, false, rt);
		return DIAG_ROUTE;
	case ROUTE_WALK_NONE:
		if (err != ENETUNREACH)
			return 0;
		none->has_default = m.has_default;
		return DIAG_NOROUTE;
	case ROUTE_WALK_UNKNOWN:
		break;
	}
	return 0;
}

/* What the address dump of route_table looks for. */
struct route_local {
	const struct route_rt *rt;
	bool found;
};

/* The IPv4 address and prefix length of an RTM_NEWADDR; false: none. */
static int
route_addr4(const struct nlmsghdr *nlh, uint32_t *addr, unsigned *plen)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr *at;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (nl_parse(nlh, sizeof(*ifa), route_ifa_policy, IFA_MAX, tb) !=
	    MNL_CB_OK)
		return -1;
	ifa = mnl_nlmsg_get_payload(nlh);
	at = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (ifa->ifa_family != AF_INET || at == NULL ||
	    ifa->ifa_prefixlen > 32)
		return 0;
	if (mnl_attr_get_payload_len(at) < 4)
		return -1;
	memcpy(addr, mnl_attr_get_payload(at), 4);
	*addr = ntohl(*addr);
	*plen = ifa->ifa_prefixlen;
	return 1;
}

/*
 * Take one IPv4 address: is route `rt` one of the routes the kernel puts
 * into the local table for it?  Those are local ADDR/32, local NET/LEN
 * (an address of a loopback device), broadcast BCAST/32 and NET/32.
 */
static int
route_local_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_local *l = data;
	const struct route_rt *rt = l->rt;
	uint32_t addr, mask, pfx;
	unsigned plen;
	int r = route_addr4(nlh, &addr, &plen);

	if (r <= 0)
		return r < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	mask = plen == 0 ? 0 : 0xffffffffu << (32 - plen);
	pfx = ntohl(rt->prefix.u.v4.s_addr);
	if (rt->type == RTN_LOCAL && ((rt->prefixlen == 32 && pfx == addr) ||
	    (rt->prefixlen == plen && pfx == (addr & mask))))
		l->found = true;
	if (rt->type == RTN_BROADCAST && rt->prefixlen == 32 && plen < 31 &&
	    (pfx == (addr | ~mask) || pfx == (addr & mask)))
		l->found = true;
	return MNL_CB_OK;
}

/*
 * The table of the local or broadcast IPv4 route `rt` that no address
 * explains (a route added by hand, such as `local 10.9.0.0/16 dev lo`):
 * the local table, dumped filtered to its type, holds it or main does.
 * This walks main too where the kernel merged the tables, so it is the
 * last resort.  A failed dump leaves the table unknown (0).
 */
static void
route_table_dump(struct nl_ctx *nl, struct route_rt *rt)
{
	struct route_match m;

	memset(&m, 0, sizeof(m));
	m.dst = &rt->prefix;
	m.nrules = 1;
	m.rule[0].table = RT_TABLE_LOCAL;
	m.rule[0].plain = true;
	if (route_dump(nl, AF_INET, rt->type, RT_TABLE_LOCAL, &m) != 0)
		rt->table = 0;
	else if (m.best[0].type == rt->type &&
	    m.best[0].prefixlen == rt->prefixlen)
		rt->table = RT_TABLE_LOCAL;
}

/*
 * The table of the kernel's IPv4 answer `rt`.  Without policy rules of its
 * own the kernel merges the local table into main and names main for every
 * route; a dump of the local table would walk main with it, so the
 * addresses are read instead (a few): a local or broadcast route the
 * kernel made for one of them is in the local table; any other is
 * looked for in a dump (route_table_dump).  Other types keep the
 * kernel's answer.
 */
static void
route_table(struct nl_ctx *nl, struct route_rt *rt)
{
	union nl_req req;
	struct ifaddrmsg *ifa;
	struct route_local l = { rt, false };

	if (rt->prefix.family != AF_INET || rt->table != RT_TABLE_MAIN ||
	    (rt->type != RTN_LOCAL && rt->type != RTN_BROADCAST))
		return;
	ifa = nl_put(&req, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP,
	    sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	if (nl_talk(nl, NL_ROUTE, &req.h, route_local_cb, &l) != 0) {
		rt->table = 0;
		return;
	}
	if (l.found) {
		rt->table = RT_TABLE_LOCAL;
		return;
	}
	route_table_dump(nl, rt);
}

/* How long a route look-up answers for the same destination again (ms). */
#define ROUTE_CACHE_MS 1000
/* The look-ups kept, the oldest replaced first. */
#define ROUTE_CACHE_N 8

/*
 * The last whole answers, for the targets of one run: 1000 ports of one
 * host ask for its route once, as they share the ruleset's reading
 * (ruleset.c).  Only an answer with nothing left unknown is kept.
 */
static struct route_kept {
	bool valid;
	struct diag_ip dst;
	int ifindex;
	unsigned have;
	struct route_fact rt;
	struct noroute_fact none;
	struct timespec at;
} route_kept[ROUTE_CACHE_N];
static unsigned route_kept_next;

/* The kept answer for `dst` and `ifindex`, or NULL. */
static const struct route_kept *
route_kept_find(const struct diag_ip *dst, int ifindex)
{
	struct timespec now = clock_now();
	unsigned k;

	for (k = 0; k < ROUTE_CACHE_N; k++)
		if (route_kept[k].valid && route_kept[k].ifindex == ifindex &&
		    diag_ip_eq(&route_kept[k].dst, dst) &&
		    clock_ms_between(&route_kept[k].at, &now) < ROUTE_CACHE_MS)
			return &route_kept[k];
	return NULL;
}

/*
 * Keep the answer `have` (`rt`, `none`) for `dst`, unless a part of it was
 * cut short (a table or interface name that its request did not give).
 */
static void
route_keep(const struct diag_ip *dst, int ifindex, unsigned have,
    const struct route_fact *rt, const struct noroute_fact *none)
{
	struct route_kept *k;

	if (have == 0 || ((have & DIAG_ROUTE) != 0 && (rt->table == 0 ||
	    (rt->ifindex > 0 && rt->dev[0] == '\0'))))
		return;
	k = &route_kept[route_kept_next++ % ROUTE_CACHE_N];
	k->valid = true;
	k->dst = *dst;
	k->ifindex = ifindex;
	k->have = have;
	if ((have & DIAG_ROUTE) != 0)
		k->rt = *rt;
	if ((have & DIAG_NOROUTE) != 0)
		k->none = *none;
	k->at = clock_now();
}

/*
 * The route to `dst`: the kernel's answer, or a match through dumps; the
 * same answer again for a destination asked less than ROUTE_CACHE_MS ago.
 */
unsigned
route_lookup(struct nl_ctx *nl, const struct diag_ip *dst, int ifindex,
    struct route_fact *rt, struct noroute_fact *none)
{
	const struct route_kept *k = route_kept_find(dst, ifindex);
	struct route_rt r;
	unsigned have;
	int err;

	if (k != NULL) {
		if ((k->have & DIAG_ROUTE) != 0)
			*rt = k->rt;
		if ((k->have & DIAG_NOROUTE) != 0)
			*none = k->none;
		return k->have;
	}
	if (!nl_lib(nl))
		return 0;
	err = route_get(nl, dst, ifindex, &r);
	if (err == 0) {
		route_table(nl, &r);
		route_fact_set(nl, dst, &r, true, rt);
		route_keep(dst, ifindex, DIAG_ROUTE, rt, none);
		return DIAG_ROUTE;
	}
	if (err == NL_FAIL)
		return 0;
	have = route_match(nl, dst, err, rt, none);
	route_keep(dst, ifindex, have, rt, none);
	return have;
}

/* ---- neighbours (RTM_GETNEIGH) ---------------------------------------- */

/* Take the state of the one neighbour entry asked for. */
static int
route_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd;

	if (nlh->nlmsg_type != RTM_NEWNEIGH)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*nd))
		return MNL_CB_ERROR;
	nd = mnl_nlmsg_get_payload(nlh);
	*(unsigned *)data = nd->ndm_state;
	return MNL_CB_OK;
}

/* The neighbour entry of the next hop of the unicast route `rt`. */
unsigned
route_neigh(struct nl_ctx *nl, const struct diag_ip *dst,
    const struct route_fact *rt, struct neigh_fact *nb)
{
	union nl_req req;
	const struct diag_ip *hop;
	struct ndmsg *nd;
	unsigned state = ~0u;

	if (!rt->from_kernel || rt->type != RTN_UNICAST || rt->ifindex <= 0 ||
	    !nl_lib(nl))
		return 0;
	hop = rt->gateway.family != 0 ? &rt->gateway : dst;
	if (hop->family != dst->family)
		return 0;
	nd = nl_put(&req, RTM_GETNEIGH, NLM_F_REQUEST,
	    sizeof(*nd));
	nd->ndm_family = (unsigned char)hop->family;
	nd->ndm_ifindex = rt->ifindex;
	mnl_attr_put(&req.h, NDA_DST, diag_ip_len(hop->family), &hop->u);
	if (nl_talk(nl, NL_ROUTE, &req.h, route_neigh_cb, &state) != 0 ||
	    state == ~0u)
		return 0;
	memset(nb, 0, sizeof(*nb));
	nb->addr = *hop;
	nb->ifindex = rt->ifindex;
	facts_strlcpy(nb->dev, rt->dev, sizeof(nb->dev));
	nb->state = state;
	nb->is_gateway = rt->gateway.family != 0;
	return DIAG_NEIGH;
}

/* ---- addresses (RTM_GETADDR) ------------------------------------------ */

/* What an address dump looks for. */
struct route_addrs {
	const struct diag_ip *want;	/* NULL: count global addresses */
	bool found;
	int ifindex;
	int global;
};

/* Take one address from an RTM_GETADDR dump. */
static int
route_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_addrs *a = data;
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr *at;
	struct diag_ip ip;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (nl_parse(nlh, sizeof(*ifa), route_ifa_policy, IFA_MAX, tb) !=
	    MNL_CB_OK)
		return MNL_CB_ERROR;
	ifa = mnl_nlmsg_get_payload(nlh);
	at = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (at == NULL)
		return MNL_CB_OK;
	if (!route_attr_ip(&ip, ifa->ifa_family, at))
		return MNL_CB_ERROR;
	if (ifa->ifa_scope == RT_SCOPE_UNIVERSE)
		a->global++;
	if (a->want != NULL && diag_ip_eq(a->want, &ip)) {
		a->found = true;
		a->ifindex = (int)ifa->ifa_index;
	}
	return MNL_CB_OK;
}

/* Dump the addresses of `family` into `a`: 0, a kernel errno, NL_FAIL. */
static int
route_addr_dump(struct nl_ctx *nl, int family, struct route_addrs *a)
{
	union nl_req req;
	struct ifaddrmsg *ifa;

	ifa = nl_put(&req, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP,
	    sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	return nl_talk(nl, NL_ROUTE, &req.h, route_addr_cb, a);
}

/* Whether `src` is assigned to an interface, and which. */
unsigned
route_source(struct nl_ctx *nl, const struct diag_ip *src,
    struct source_fact *sf)
{
	struct route_addrs a = { src, false, 0, 0 };

	if (diag_ip_any(src) || !nl_lib(nl) ||
	    route_addr_dump(nl, src->family, &a) != 0)
		return 0;
	memset(sf, 0, sizeof(*sf));
	sf->addr = *src;
	sf->assigned = a.found;
	if (a.found)
		route_link_name(nl, a.ifindex, sf->dev, NULL, NULL);
	return DIAG_SOURCE;
}

/* ---- IPv6 ------------------------------------------------------------- */

/*
 * Whether IPv6 is there: the sysctl (procfacts_ipv6), global addresses,
 * and a default route, read as the kernel's route get for a global unicast address
 * (2001:db8::, the documentation prefix): a default answers it, "no route"
 * says there is none, a longer prefix leaves it unknown.
 */
unsigned
route_ipv6(struct nl_ctx *nl, struct ipv6_fact *v6)
{
	struct route_addrs a = { NULL, false, 0, 0 };
	struct diag_ip probe = { .family = AF_INET6 };
	struct route_rt rt;
	int err;

	(void)procfacts_ipv6(v6);
	if (!v6->present || !nl_lib(nl))
		return DIAG_IPV6;
	if (route_addr_dump(nl, AF_INET6, &a) == 0)
		v6->global_addrs = a.global;
	probe.u.v6.s6_addr[0] = 0x20;
	probe.u.v6.s6_addr[1] = 0x01;
	probe.u.v6.s6_addr[2] = 0x0d;
	probe.u.v6.s6_addr[3] = 0xb8;
	err = route_get(nl, &probe, 0, &rt);
	if (err == 0 && rt.prefixlen == 0)
		v6->has_default = rt.type == RTN_UNICAST;
	else if (err == ENETUNREACH || err == EHOSTUNREACH)
		v6->has_default = 0;
	return DIAG_IPV6;
}

/* ---- the fuzzer's entry ----------------------------------------------- */

/* A parser that keeps nothing from a route dump. */
static int
route_fuzz_rt_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_rt rt;

	(void)data;
	return route_rt_parse(nlh, &rt) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Feed `buf` to every parser of this module. */
void
route_fuzz(const void *buf, size_t len)
{
	struct diag_ip dst = { .family = AF_INET };
	struct route_match m;
	struct route_addrs a = { &dst, false, 0, 0 };
	struct route_link link = { "", 0, false };
	unsigned state = 0;
	const struct route_rt *found;

	memset(&m, 0, sizeof(m));
	m.dst = &dst;
	(void)nl_feed(buf, len, route_fuzz_rt_cb, NULL);
	(void)nl_feed(buf, len, route_rule_cb, &m);
	(void)nl_feed(buf, len, route_dump_cb, &m);
	(void)route_walk(&m, &found);
	(void)nl_feed(buf, len, route_link_cb, &link);
	(void)nl_feed(buf, len, route_neigh_cb, &state);
	(void)nl_feed(buf, len, route_addr_cb, &a);
	if (found != NULL) {
		struct route_local l = { found, false };

		(void)nl_feed(buf, len, route_local_cb, &l);
	}
}
