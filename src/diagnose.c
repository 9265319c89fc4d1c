/* SPDX-License-Identifier: ISC */
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
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/un.h>
#include <linux/errqueue.h>
#include <linux/rtnetlink.h>

#include "cause.h"
#include "clock.h"
#include "diagnose.h"
#include "loop.h"
#include "nl.h"

/*
 * What the work of a diagnosis that waits for nothing found, kept for the
 * rounds after (nl.h): a walk of /proc, a file read, is done once, not in
 * every round.  Each is an answer whole: the owner walk that was not cut
 * short, for its inode; the others for the query, which does not change.
 * The count of open descriptors (diag_fds) is not kept: the diagnosis's
 * own sockets (the name servers') change it from round to round, and the
 * last round's is the one told.
 */
struct diag_memo {
	bool owner;			/* the owner of owner_fact.inode */
	unsigned owner_have;
	struct owner_fact owner_fact;
	bool ports;			/* the local port range */
	unsigned ports_have;
	struct ports_fact ports_fact;
	bool down;			/* linkfacts_down */
	bool down_have;
	struct downlink_fact down_fact;
	bool hosts;			/* hostsfile_find */
	bool hosts_have;
	struct hosts_fact hosts_fact;
	bool who;			/* diag_who of who_gid */
	gid_t who_gid;
	struct who_fact who_fact;
};

/*
 * One diagnosis under way: the query, the facts, the netlink context, and
 * how it ends.  It runs in rounds (nl.h): each reads the facts from the
 * top, the replies of the rounds before at hand, until one misses none;
 * the work that waits for nothing is done once (`memo`), and the ruleset
 * is read one dump a round (ruleset.c).
 */
struct diag_ctx {
	struct diag_query qcopy;
	const struct diag_query *q;	/* &qcopy */
	struct diag_facts *f;
	struct nl_ctx nl;
	bool listener;			/* diagnose_listener's facts only */
	int timer;			/* the first round's, -1: none */
	struct resolver_ask *ask;	/* the name servers, under way */
	bool asked;			/* ... and they have been */
	bool waiting;			/* this round waits for them */
	bool ending;			/* diag_finish is under way */
	struct resolver_facts rf;	/* what they said */
	long ns_wait_ms;
	unsigned rounds;
	struct diag_memo memo;
	diag_fn *fn;
	void *arg;
};

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

/* At most this many descriptors are looked at for a socket's process. */
#define DIAG_OWNER_FDS 200000
/* The longest wait for the name servers, whatever the budget. */
#define DIAG_RESOLVER_MS 1500
/* ... and the shortest: "did not answer" needs a fair chance to. */
#define DIAG_RESOLVER_MIN_MS 200
/* What the servers' routes keep of the budget, after the wait for them. */
#define DIAG_RESOLVER_ROUTES_MS 40

/* The deadline of the budget, as nl_init set it; none: now. */
static struct timespec
diag_deadline(const struct diag_ctx *c)
{
	struct timespec now;

	if (c->nl.enabled)
		return c->nl.deadline;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now;
}

/*
 * The ICMP error queued on the attempt's socket: its type, code and
 * sender, and whether the sender is an address of this host (a route of
 * type local to it): then this host refused, through a firewall rule of
 * its own output, not a router.
 */
static void
diag_icmp(struct diag_ctx *c)
{
	const struct isocket_icmp *r = c->q->icmp;
	struct icmp_fact *ic = &c->f->icmp;
	struct route_fact rt;
	struct noroute_fact none;

	if (r == NULL || !r->present || (r->origin != SO_EE_ORIGIN_ICMP &&
	    r->origin != SO_EE_ORIGIN_ICMP6 &&
	    r->origin != SO_EE_ORIGIN_LOCAL))
		return;
	memset(ic, 0, sizeof(*ic));
	if (r->origin == SO_EE_ORIGIN_LOCAL) {
		ic->local = true;
	} else {
		ic->family = r->origin == SO_EE_ORIGIN_ICMP6 ? AF_INET6 :
		    AF_INET;
		ic->type = r->type;
		ic->code = r->code;
		(void)diag_ip_from_sa(&ic->sender,
		    (const struct sockaddr *)&r->offender);
		if (ic->sender.family != 0 && (route_lookup(&c->nl,
		    &ic->sender, 0, &rt, &none) & DIAG_ROUTE) != 0 &&
		    rt.type == RTN_LOCAL)
			ic->local = true;
	}
	c->f->have |= DIAG_ICMP;
}

/*
 * The process that holds the socket of inode `ino` into f->owner: the walk
 * of /proc once for the inode, its answer kept when it was whole.
 */
static unsigned
diag_owner(struct diag_ctx *c, unsigned long ino)
{
	struct diag_memo *m = &c->memo;
	struct timespec dl;
	unsigned have;

	if (m->owner && m->owner_fact.inode == ino) {
		c->f->owner = m->owner_fact;
		return m->owner_have;
	}
	dl = diag_deadline(c);
	have = sockdiag_owner(ino, &dl, DIAG_OWNER_FDS, &c->f->owner);
	if (have != 0) {
		m->owner = true;
		m->owner_have = have;
		m->owner_fact = c->f->owner;
	}
	return have;
}

/*
 * A local TCP destination that did not answer, or a UDP one that ignored a
 * probe: who listens on the port (TCP: with the accept queue), and the
 * process that holds the socket covering the destination.
 */
static void
diag_local_listener(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	int i;

	f->have |= sockdiag_listeners(&c->nl, c->q->type, f->port, &f->listen);
	if ((f->have & DIAG_LISTENERS) == 0 || (i = cause_listener(f)) < 0)
		return;
	f->have |= diag_owner(c, f->listen.inode[i]);
}

/*
 * The source of the attempt's packets for the ruleset's rules: --source's
 * address, else the destination itself when it is this host's (a local
 * route's source is its own address); --source's port, else the local port
 * range.
 */
static void
diag_packet_source(struct diag_ctx *c, struct ruleset_packet *p)
{
	const struct diag_query *q = c->q;
	const struct diag_facts *f = c->f;
	struct diag_memo *m = &c->memo;
	struct diag_ip src;
	unsigned short port = 0;

	p->sport_lo = 0;
	p->sport_hi = 65535;
	if (diag_src(q, &src) && src.family == f->dst.family &&
	    !diag_ip_any(&src)) {
		p->have_src = true;
		memcpy(p->src, &src.u, diag_ip_len(src.family));
	} else if (p->local) {
		p->have_src = true;
		memcpy(p->src, p->dst, sizeof(p->src));
	}
	if (q->src != NULL && q->src->sa_family == AF_INET &&
	    q->srclen >= sizeof(struct sockaddr_in))
		port = ntohs(((const struct sockaddr_in *)(const void *)
		    q->src)->sin_port);
	else if (q->src != NULL && q->src->sa_family == AF_INET6 &&
	    q->srclen >= sizeof(struct sockaddr_in6))
		port = ntohs(((const struct sockaddr_in6 *)(const void *)
		    q->src)->sin6_port);
	if (port != 0) {
		p->sport_lo = p->sport_hi = port;
		return;
	}
	if (!m->ports) {
		m->ports = true;
		m->ports_have = procfacts_ports(&m->ports_fact);
	}
	if (m->ports_have != 0) {
		p->sport_lo = (unsigned short)m->ports_fact.low;
		p->sport_hi = (unsigned short)m->ports_fact.high;
	}
}

/*
 * The facts a conclusion about this host's own firewall and link needs,
 * and where the address came from: the nftables chains of the
 * destination's family that drop or reject (ruleset.c), listeners on the
 * ports near a refused one (nearby.c), the route's device up and with
 * carrier (the flags of the RTM_GETLINK that named it, route.c), and the
 * /etc/hosts line that gave the target's name this address (hostsfile.c).
 * A ruleset not read in a round that missed a reply is not said to be
 * unreadable: it was not asked for, or its answer is still to come.
 */
static void
diag_local_facts(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;
	struct diag_memo *m = &c->memo;
	int err = q->error;
#ifdef HAVE_LIBMNL
	bool rules = c->nl.enabled && nl_lib(&c->nl);
#else
	bool rules = false;	/* no netlink: the ruleset is not asked for,
				   and DIAG_NONETLINK says why */
#endif

	if (rules && FACTS_ERR_IN(err, ECONNREFUSED, ETIMEDOUT,
	    EHOSTUNREACH, EACCES, EPERM)) {
		struct ruleset_packet p;

		memset(&p, 0, sizeof(p));
		p.family = f->dst.family;
		p.proto = q->protocol != 0 ? q->protocol :
		    q->type == SOCK_STREAM ? IPPROTO_TCP :
		    q->type == SOCK_DGRAM ? IPPROTO_UDP :
		    q->type == SOCK_SEQPACKET ? IPPROTO_SCTP : 0;
		memcpy(p.dst, &f->dst.u, diag_ip_len(f->dst.family));
		p.port = f->port;
		p.local = (f->have & DIAG_ROUTE) != 0 &&
		    f->route.type == RTN_LOCAL;
		diag_packet_source(c, &p);
		if (ruleset_read(&p, &c->nl, &f->ruleset))
			f->have |= DIAG_RULESET;
		else if (!nl_missed(&c->nl))
			f->have |= DIAG_NORULESET;
	}
	if (err == ECONNREFUSED && !q->several &&
	    (f->have & DIAG_LISTENERS) != 0 && f->listen.count == 0)
		f->have |= nearby_listeners(&c->nl, q->type, f->port, &f->dst,
		    &f->nearby);
	if (FACTS_ERR_IN(err, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT) &&
	    (f->have & DIAG_ROUTE) != 0 && f->route.type == RTN_UNICAST &&
	    f->route.link_known) {
		facts_strlcpy(f->link.dev, f->route.dev, sizeof(f->link.dev));
		f->link.up = (f->route.link_flags & IFF_UP) != 0;
		f->link.lower_up = (f->route.link_flags & IFF_LOWER_UP) != 0;
		f->have |= DIAG_LINK;
	}
	if (FACTS_ERR_IN(err, EHOSTUNREACH, ENETUNREACH) &&
	    (f->have & DIAG_NOROUTE) != 0) {
		if (!m->down) {
			m->down = true;
			m->down_have = linkfacts_down(f->dst.family,
			    &m->down_fact);
		}
		if (m->down_have) {
			f->downlink = m->down_fact;
			f->have |= DIAG_DOWNLINK;
		}
	}
	if (FACTS_ERR_IN(err, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT) &&
	    ((f->have & DIAG_ROUTE) == 0 || f->route.type != RTN_LOCAL) &&
	    q->target != NULL && !q->target->literal) {
		if (!m->hosts) {
			m->hosts = true;
			m->hosts_have = hostsfile_find(q->hosts_file,
			    q->target->host, &f->dst, &m->hosts_fact);
		}
		if (m->hosts_have) {
			f->hosts = m->hosts_fact;
			f->have |= DIAG_HOSTS;
		}
	}
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
	if (FACTS_ERR_IN(err, ENETUNREACH, EHOSTUNREACH, EACCES, EPERM,
	    ECONNREFUSED, EHOSTDOWN))
		diag_icmp(c);
	if (FACTS_ERR_IN(err, ENETUNREACH, EHOSTUNREACH, EACCES, EPERM, EINVAL,
	    ETIMEDOUT, ECONNREFUSED))
		f->have |= route_lookup(&c->nl, &f->dst, f->zone, &f->route,
		    &f->noroute);
	if (FACTS_ERR_IN(err, EHOSTUNREACH, ETIMEDOUT) &&
	    (f->have & DIAG_ROUTE) != 0)
		f->have |= route_neigh(&c->nl, &f->dst, &f->route, &f->neigh);
	if (err == ECONNREFUSED && (f->have & DIAG_ROUTE) != 0 &&
	    f->route.type == RTN_LOCAL)
		f->have |= sockdiag_listeners(&c->nl, q->type, f->port,
		    &f->listen);
	if (err == ETIMEDOUT && (q->type == SOCK_STREAM ||
	    q->type == SOCK_DGRAM) && (f->have & DIAG_ROUTE) != 0 &&
	    f->route.type == RTN_LOCAL)
		diag_local_listener(c);
	if (diag_broadcast(q, f))
		f->have |= DIAG_BROADCAST;
	if (FACTS_ERR_IN(err, EADDRNOTAVAIL, EAGAIN)) {
		struct timespec dl = diag_deadline(c);

		if (diag_src(q, &src))
			f->have |= route_source(&c->nl, &src, &f->source);
		/* A source that is not this host's is the cause: the ports
		   are nothing to it. */
		if ((f->have & DIAG_SOURCE) == 0 || f->source.assigned)
			f->have |= sockdiag_ports(&c->nl, q->type, &f->dst,
			    f->port, &dl, &f->ports);
	}
	if ((q->family == AF_INET6 || f->dst.family == AF_INET6) &&
	    FACTS_ERR_IN(err, EAFNOSUPPORT, ENETUNREACH, EADDRNOTAVAIL))
		f->have |= route_ipv6(&c->nl, &f->ipv6);
	if (q->type == SOCK_SEQPACKET &&
	    FACTS_ERR_IN(err, ESOCKTNOSUPPORT, EPROTONOSUPPORT))
		f->have |= procfacts_sctp(&f->sctp);
	diag_local_facts(c);
}

/*
 * The user this process runs as and its groups; whether /etc/group lists
 * the user in group `gid` (the socket's or directory's) while the process
 * has not got it.
 */
static unsigned
diag_who(gid_t gid, struct who_fact *w)
{
	gid_t gids[256];
	struct passwd *pw;
	struct group *gr;
	char **m;
	int n, i;
	bool held = getegid() == gid;

	memset(w, 0, sizeof(*w));
	w->uid = (unsigned long)geteuid();
	pw = getpwuid(geteuid());
	if (pw != NULL)
		facts_strlcpy(w->user, pw->pw_name, sizeof(w->user));
	else
		snprintf(w->user, sizeof(w->user), "%lu", w->uid);
	n = getgroups((int)(sizeof(gids) / sizeof(gids[0])), gids);
	if (n < 0)
		n = 0;
	for (i = -1; i < n; i++) {
		gid_t g = i < 0 ? getegid() : gids[i];

		if (i >= 0 && g == getegid())
			continue;
		if (g == gid)
			held = true;
		if (w->ngroups < DIAG_WHO_GROUPS) {
			gr = getgrgid(g);
			if (gr != NULL)
				facts_strlcpy(w->groups[w->ngroups], gr->gr_name,
				    DIAG_NAME_MAX);
			else
				snprintf(w->groups[w->ngroups], DIAG_NAME_MAX,
				    "%lu", (unsigned long)g);
		}
		w->ngroups++;
	}
	if (!held && pw != NULL && (gr = getgrgid(gid)) != NULL)
		for (m = gr->gr_mem; m != NULL && *m != NULL; m++)
			if (strcmp(*m, w->user) == 0)
				w->listed_not_held = true;
	return DIAG_WHO;
}

static void diag_round(struct diag_ctx *c);

/* The name servers' answers are in (resolver_ask_start's callback). */
static void
diag_asked(void *arg)
{
	struct diag_ctx *c = arg;

	c->ask = NULL;
	if (!c->ending)
		diag_round(c);
}

/*
 * Why a name did not resolve: what each name server said, the
 * configuration, and each server's route.
 */
static void
diag_resolver(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;
	struct resolver_facts *rf = &f->resolver;
	struct timespec dl;
	struct noroute_fact none;
	struct diag_ip ip;
	unsigned rc;
	size_t i;
	long ms;

	if (!FACTS_ERR_IN(q->eai, EAI_NONAME, EAI_NODATA, EAI_ADDRFAMILY,
	    EAI_AGAIN, EAI_FAIL, EAI_CANCELED) || q->target == NULL ||
	    q->target->literal)
		return;
	facts_strlcpy(f->host, q->target->host, sizeof(f->host));
	/* Asked once (the first round), on the loop; the rounds after the
	   answers take them. */
	if (!c->asked) {
		ms = q->budget_ms - DIAG_RESOLVER_ROUTES_MS;
		if (ms > DIAG_RESOLVER_MS)
			ms = DIAG_RESOLVER_MS;
		if (ms < DIAG_RESOLVER_MIN_MS)
			ms = DIAG_RESOLVER_MIN_MS;
		c->ns_wait_ms = ms;
		dl = clock_add_ms(clock_now(), ms);
		c->asked = true;
		c->ask = resolver_ask_start(q->target, q->eai, &dl,
		    q->resolv_conf, &c->rf, diag_asked, c);
	}
	if (c->ask != NULL) {
		c->waiting = true;
		return;
	}
	*rf = c->rf;
	f->ns_wait_ms = c->ns_wait_ms;
	f->have |= DIAG_RESOLVER;
	/* A look-up cut short by the budget says nothing of the route. */
	for (i = 0; i < rf->conf.nservers && i < RESOLVER_MAX_SERVERS; i++) {
		if (!diag_ip_from_sa(&ip, (const struct sockaddr *)
		    &rf->conf.servers[i]))
			continue;
		rc = route_lookup(&c->nl, &ip, 0, &f->ns_route[i], &none);
		f->ns_route_known[i] = (rc & (DIAG_ROUTE | DIAG_NOROUTE)) != 0;
		if ((rc & DIAG_ROUTE) == 0)
			f->ns_route[i].type = RTN_UNSPEC;
	}
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
	if (FACTS_ERR_IN(q->error, ENOENT, ENOTDIR) &&
	    (f->have & DIAG_PATH) != 0 && f->path.kind == DIAG_PATH_MISSING &&
	    !f->path.dangling && unixnear_find(path, &f->unixnear))
		f->have |= DIAG_UNIXNEAR;
	if (q->error == EACCES && (f->have & DIAG_PATH) != 0 &&
	    (f->path.kind == DIAG_PATH_NOSEARCH ||
	    f->path.kind == DIAG_PATH_NOWRITE)) {
		if (!c->memo.who || c->memo.who_gid != f->path.gid) {
			c->memo.who = true;
			c->memo.who_gid = f->path.gid;
			(void)diag_who(f->path.gid, &c->memo.who_fact);
		}
		f->who = c->memo.who_fact;
		f->have |= DIAG_WHO;
	}
	if ((f->have & DIAG_PATH) == 0 || (f->path.kind != DIAG_PATH_SOCKET &&
	    f->path.kind != DIAG_PATH_NOWRITE))
		return;
	if (FACTS_ERR_IN(q->error, ECONNREFUSED, EPROTOTYPE, EAGAIN, ETIMEDOUT))
		f->have |= sockdiag_unix_peer(&c->nl, st.st_dev, st.st_ino,
		    q->type, q->error == ECONNREFUSED, &f->unixpeer);
	if (FACTS_ERR_IN(q->error, EAGAIN, ETIMEDOUT) &&
	    (f->have & DIAG_UNIXPEER) != 0 && f->unixpeer.found &&
	    f->unixpeer.listening)
		f->have |= diag_owner(c, f->unixpeer.inode);
}

/* True when `err` says a descriptor could not be had. */
static bool
diag_no_fd(int err)
{
	return err == EMFILE || err == ENFILE;
}

/*
 * The descriptor limit, after a failure that may be its doing: a failed
 * name look-up (the resolver's reads name EMFILE when they failed for
 * want of a descriptor) or EMFILE/ENFILE itself.
 */
static void
diag_fds(struct diag_ctx *c)
{
	const struct resolver_facts *rf = &c->f->resolver;
	struct diag_facts *f = c->f;
	size_t i;

	if (c->q->eai == 0 && !diag_no_fd(c->q->error))
		return;
	if (!fdfacts_read(&f->fds))
		return;
	f->have |= DIAG_FDS;
	if (diag_no_fd(c->q->error))
		f->fds.error = c->q->error;
	if ((f->have & DIAG_RESOLVER) == 0)
		return;
	if (diag_no_fd(rf->conf.error))
		f->fds.error = rf->conf.error;
	for (i = 0; i < rf->nasked && i < RESOLVER_MAX_SERVERS; i++)
		if (diag_no_fd(rf->asked[i].error))
			f->fds.error = rf->asked[i].error;
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

/* Clear `f` and take the query's own facts from `q`. */
static void
diag_begin(const struct diag_query *q, struct diag_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->family = q->family;
	f->type = q->type;
	f->error = q->error;
	f->deadline = q->deadline;
	f->eai = q->eai;
}

/*
 * The end of a diagnosis: netlink's absence noted (with the loader's
 * reason in a build that loads libmnl), its sockets closed.
 */
static int
diag_end(struct diag_ctx *c)
{
	if (c->nl.unread) {
		c->f->have |= DIAG_NONETLINK;
#ifdef HAVE_LIBMNL
		facts_strlcpy(c->f->nolib, nldl_error(), sizeof(c->f->nolib));
		if (c->f->nolib[0] == '\0')
			facts_strlcpy(c->f->nolib, "unknown",
			    sizeof(c->f->nolib));
#endif
	}
	nl_close(&c->nl);
	return diag_popcount(c->f->have);
}

/* One round of diagnose_run's facts; `f` cleared first. */
static void
diag_round_run(struct diag_ctx *c)
{
	const struct diag_query *q = c->q;
	struct diag_facts *f = c->f;

	if (q->dst == NULL) {
		diag_resolver(c);
	} else if (q->dst->sa_family == AF_UNIX) {
		if (FACTS_ERR_IN(q->error, ENOENT, ENOTDIR, EACCES, ECONNREFUSED,
		    EPROTOTYPE, EAGAIN))
			diag_unix(c);
	} else if ((q->family == AF_INET6 || q->dst->sa_family == AF_INET6) &&
	    q->error == EAFNOSUPPORT) {
		f->have |= route_ipv6(&c->nl, &f->ipv6);
	} else {
		diag_ip(c);
	}
	diag_fds(c);
}

/* One round of diagnose_listener's facts. */
static void
diag_round_listener(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;

	if (c->q->dst == NULL || c->q->dst->sa_family == AF_UNIX ||
	    !diag_dst(c->q, f))
		return;
	f->have |= route_lookup(&c->nl, &f->dst, f->zone, &f->route,
	    &f->noroute);
	if ((f->have & DIAG_ROUTE) != 0 && f->route.type == RTN_LOCAL)
		diag_local_listener(c);
}

/* The end of `c`: its facts counted, its caller told, `c` freed. */
static void
diag_finish(struct diag_ctx *c)
{
	diag_fn *fn = c->fn;
	void *arg = c->arg;
	int n;

	/* A diagnosis ended early: the servers not heard from yet are not
	   said to be silent (the round's facts have no DIAG_RESOLVER). */
	c->ending = true;
	if (c->ask != NULL)
		resolver_ask_stop(c->ask);
	loop_del(loop_current(), c->timer);
	n = diag_end(c);
	free(c);
	fn(arg, n);
}

/*
 * A round of `c`: the facts read from the top with the replies kept so
 * far; a round that missed none is the last.
 */
static void
diag_round(struct diag_ctx *c)
{
	diag_begin(c->q, c->f);
	c->rounds++;
	c->waiting = false;
	nl_round(&c->nl);
	if (c->listener)
		diag_round_listener(c);
	else if (c->q->dst != NULL || c->q->eai != 0)
		diag_round_run(c);
	if (!nl_missed(&c->nl) && !c->waiting)
		diag_finish(c);
}

/* nl's wake: a reply came whole (or will not come): the next round. */
static void
diag_wake(void *arg)
{
	diag_round(arg);
}

/* The first round's timer (diag_start calls back from the loop only). */
static void
diag_first(void *arg, short revents)
{
	struct diag_ctx *c = arg;

	(void)revents;
	c->timer = -1;
	diag_round(c);
}

struct diag *
diag_start(const struct diag_query *q, bool listener, struct diag_facts *f,
    diag_fn *fn, void *arg)
{
	struct loop *l = loop_current();
	struct diag_ctx *c;

	if (l == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->qcopy = *q;
	c->q = &c->qcopy;
	c->f = f;
	c->listener = listener;
	c->fn = fn;
	c->arg = arg;
	diag_begin(q, f);
	nl_init(&c->nl, q->budget_ms);
	nl_wake(&c->nl, diag_wake, c);
	c->timer = loop_add(l, -1, 0, clock_now(), diag_first, c);
	if (c->timer < 0) {
		free(c);
		return NULL;
	}
	return (struct diag *)c;
}

void
diag_stop(struct diag *d)
{
	diag_finish((struct diag_ctx *)d);
}

/* diagnose_run and diagnose_listener's wait: its own loop. */
struct diag_wait {
	bool done;
	int n;
};

/* diag_start's callback for diag_wait. */
static void
diag_waited(void *arg, int n)
{
	struct diag_wait *w = arg;

	w->done = true;
	w->n = n;
}

/* Run a diagnosis to its end on a loop of its own; its fact count. */
static int
diag_sync(const struct diag_query *q, bool listener, struct diag_facts *f)
{
	struct diag_wait w = { false, 0 };
	struct loop *l = loop_new();
	struct diag *d;

	diag_begin(q, f);
	if (l == NULL)
		return 0;
	d = diag_start(q, listener, f, diag_waited, &w);
	if (d != NULL && !loop_run(l, &w.done, NULL))
		diag_stop(d);
	loop_free(l);
	return w.n;
}

int
diagnose_run(const struct diag_query *q, struct diag_facts *f)
{
	return diag_sync(q, false, f);
}

int
diagnose_listener(const struct diag_query *q, struct diag_facts *f)
{
	return diag_sync(q, true, f);
}
