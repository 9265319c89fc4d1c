/* SPDX-License-Identifier: ISC */
/*
 * facts_text.c: the facts of a diagnosis as sentences (see facts_text.h).
 *
 * Only this file turns facts into words: diagnose.c and its look-ups read,
 * this speaks.  Text from the system goes through text_escape.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "cause.h"
#include "facts_text.h"
#include "payload.h"
#include "resolver.h"
#include "text.h"

void
facts_line(char lines[][DIAG_LINE_MAX], size_t *n, size_t max,
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

int
facts_set(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* The name of route type `type` as ip-route(8) prints it. */
static const char *
facts_rtn_name(int type)
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
static const char *
facts_table_name(unsigned table, char *buf, size_t size)
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
static const char *
facts_nud_name(unsigned state)
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
static const char *
facts_type_name(int type)
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
static const char *
facts_file_kind(mode_t mode)
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

/* An interface name as printed: escaped, into `buf` (FACTS_DEV_MAX). */
#define FACTS_DEV_MAX (4 * IF_NAMESIZE + 1)
static const char *
facts_dev(char *buf, size_t size, const char *dev)
{
	text_escape(buf, size, dev);
	return buf;
}

/* The name of the interface of a zone, escaped ("#3" once it is gone). */
static const char *
facts_zone(char *buf, size_t size, int zone)
{
	char name[IF_NAMESIZE];

	if (if_indextoname((unsigned)zone, name) == NULL)
		snprintf(name, sizeof(name), "#%d", zone);
	return facts_dev(buf, size, name);
}

/*
 * A path as printed: escaped, and when that is longer than
 * FACTS_TEXT_PATH_MAX, cut there (never inside an escape) and marked with
 * FACTS_TEXT_CUT.  `buf` holds FACTS_TEXT_PATH_MAX + the mark.
 */
static const char *
facts_path(char *buf, size_t size, const char *path)
{
	size_t room = size - sizeof(FACTS_TEXT_CUT) + 1;

	if (room > FACTS_TEXT_PATH_MAX + 1)
		room = FACTS_TEXT_PATH_MAX + 1;
	if (text_escape(buf, room, path) >= room)
		memcpy(buf + strlen(buf), FACTS_TEXT_CUT, sizeof(FACTS_TEXT_CUT));
	return buf;
}

/* The route fact as a sentence. */
static void
facts_text_route(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char dst[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN];
	char gw[INET6_ADDRSTRLEN], tbl[16], dev[FACTS_DEV_MAX];
	char extra[FACTS_DEV_MAX + INET6_ADDRSTRLEN + 16] = "";

	diag_ip_str(&f->dst, dst, sizeof(dst));
	diag_ip_str(&f->route.prefix, pfx, sizeof(pfx));
	if (f->route.dev[0] != '\0')
		snprintf(extra, sizeof(extra), ", dev %s",
		    facts_dev(dev, sizeof(dev), f->route.dev));
	if (f->route.gateway.family != 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    ", via %s", diag_ip_str(&f->route.gateway, gw, sizeof(gw)));
	if (f->route.type == RTN_LOCAL) {
		/* The local table is where local routes are: said only when
		   the route is in another one. */
		if (f->route.table == RT_TABLE_LOCAL)
			tbl[0] = '\0';
		else
			facts_set(tbl, sizeof(tbl), " in table %s",
			    facts_table_name(f->route.table, gw, sizeof(gw)));
		facts_line(lines, n, max, "%s is an address of this host "
		    "(local route %s/%u%s%s)", dst, pfx, f->route.prefixlen,
		    tbl, extra);
		return;
	}
	facts_line(lines, n, max, "the route that matched %s is %s/%u, type %s, "
	    "table %s%s%s", dst, pfx, f->route.prefixlen,
	    facts_rtn_name(f->route.type),
	    facts_table_name(f->route.table, tbl, sizeof(tbl)), extra,
	    f->route.type == RTN_THROW ?
	    ", and no table after it has a route for it" : "");
}

/* The neighbour fact as a sentence. */
static void
facts_text_neigh(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char hop[INET6_ADDRSTRLEN], esc[FACTS_DEV_MAX];
	const char *who = f->neigh.is_gateway ? "the gateway " : "";
	const char *dev = f->neigh.dev[0] != '\0' ?
	    facts_dev(esc, sizeof(esc), f->neigh.dev) : "its device";
	bool v4 = f->neigh.addr.family == AF_INET;

	diag_ip_str(&f->neigh.addr, hop, sizeof(hop));
	if (f->neigh.state & (NUD_FAILED | NUD_INCOMPLETE))
		facts_line(lines, n, max, "no %s from %s%s on %s (neighbour "
		    "entry %s)", v4 ? "ARP reply" : "neighbour advertisement",
		    who, hop, dev, facts_nud_name(f->neigh.state));
	else if (f->neigh.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
	    NUD_PROBE | NUD_PERMANENT))
		facts_line(lines, n, max, "%s%s on %s resolved (neighbour "
		    "entry %s): it is on the link", f->neigh.is_gateway ?
		    "the gateway " : "the next hop ", hop, dev,
		    facts_nud_name(f->neigh.state));
	else
		facts_line(lines, n, max, "the neighbour entry of %s%s on %s is "
		    "%s", who, hop, dev, facts_nud_name(f->neigh.state));
}

/* The ports of a group (facts_text_ports), and how many; 0: none. */
static const char *facts_ports;
static size_t facts_nports;
/* The longest list of ranges said whole ("these 993 ports" beyond). */
#define FACTS_RANGES_MAX 60

void
facts_text_ports(const char *ranges, size_t count)
{
	facts_ports = ranges;
	facts_nports = ranges != NULL ? count : 0;
}

/* The listeners fact as a sentence. */
static void
facts_text_listen(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	const char *proto = f->listen.protocol == IPPROTO_UDP ? "UDP" : "TCP";
	char list[DIAG_LINE_MAX] = "", a[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t i, kept = f->listen.count < DIAG_LISTEN_MAX ?
	    f->listen.count : DIAG_LISTEN_MAX;
	bool covers = false, unsure = false;

	diag_ip_str(&f->dst, dst, sizeof(dst));
	if (f->listen.count == 0 && facts_nports > 1 &&
	    strlen(facts_ports) <= FACTS_RANGES_MAX)
		facts_line(lines, n, max, "nothing on this host listens on %s "
		    "ports %s", proto, facts_ports);
	else if (f->listen.count == 0 && facts_nports > 1)
		facts_line(lines, n, max, "nothing on this host listens on any "
		    "of these %zu %s ports", facts_nports, proto);
	else if (f->listen.count == 0)
		facts_line(lines, n, max, "nothing on this host listens on %s "
		    "port %u", proto, f->port);
	if (f->listen.count == 0)
		return;
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
		facts_line(lines, n, max, "%s port %u has %s on %s%s", proto,
		    f->port, f->listen.count == 1 ? "a listener" : "listeners",
		    list, kept < f->listen.count ? ", ..." : "");
	else
		facts_line(lines, n, max, "%s port %u has %s on %s only, not "
		    "on %s", proto, f->port, f->listen.count == 1 ?
		    "a listener" : "listeners", list, dst);
}

/* The IPv6 facts as sentences. */
static void
facts_text_ipv6(const struct diag_facts *f, char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	if (!f->ipv6.present) {
		facts_line(lines, n, max, "IPv6 is not available in this kernel "
		    "(no /proc/sys/net/ipv6)");
		return;
	}
	if (f->ipv6.disable_all >= 0)
		facts_line(lines, n, max, "IPv6 is %s "
		    "(net.ipv6.conf.all.disable_ipv6 = %d)",
		    f->ipv6.disable_all ? "disabled" : "enabled",
		    f->ipv6.disable_all);
	if (f->ipv6.global_addrs == 0)
		facts_line(lines, n, max, "no interface has a global IPv6 "
		    "address");
	else if (f->ipv6.global_addrs > 0)
		facts_line(lines, n, max, "this host has %d global IPv6 "
		    "address%s", f->ipv6.global_addrs,
		    f->ipv6.global_addrs == 1 ? "" : "es");
	if (f->ipv6.has_default >= 0)
		facts_line(lines, n, max, "there is %s IPv6 default route",
		    f->ipv6.has_default ? "an" : "no");
}

/* The SCTP fact as a sentence. */
static void
facts_text_sctp(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	if (f->sctp.proc_net_sctp)
		facts_line(lines, n, max, "SCTP is available (/proc/net/sctp "
		    "exists)%s", f->sctp.module == 1 ?
		    ", the sctp module is loaded" : "");
	else if (f->sctp.module == 0)
		facts_line(lines, n, max, "SCTP is not available: no sctp module "
		    "loaded (see lsmod; modprobe sctp loads it)");
	else
		facts_line(lines, n, max, "SCTP is not available here: "
		    "/proc/net/sctp does not exist");
}

/* The Unix path facts as sentences. */
static void
facts_text_path(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char at[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];
	char owner[2 * DIAG_NAME_MAX], group[2 * DIAG_NAME_MAX];
	char me[3 * DIAG_NAME_MAX];
	unsigned mode = f->path.mode & 07777;

	facts_path(at, sizeof(at), f->path.at);
	if (f->have & DIAG_WHO) {
		text_escape(owner, sizeof(owner), f->who.user);
		snprintf(me, sizeof(me), "%s, uid %lu", owner,
		    (unsigned long)f->path.my_uid);
	} else {
		snprintf(me, sizeof(me), "uid %lu",
		    (unsigned long)f->path.my_uid);
	}
	text_escape(owner, sizeof(owner), f->path.owner);
	text_escape(group, sizeof(group), f->path.group);
	switch (f->path.kind) {
	case DIAG_PATH_MISSING:
		if (f->path.dangling) {
			char to[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];

			facts_path(to, sizeof(to), f->path.target);
			facts_line(lines, n, max, "%s is a symbolic link to %s, "
			    "which does not exist", at, to);
		} else {
			facts_line(lines, n, max, "%s does not exist", at);
		}
		break;
	case DIAG_PATH_NOTDIR:
		facts_line(lines, n, max, "%s is not a directory but %s", at,
		    facts_file_kind(f->path.mode));
		break;
	case DIAG_PATH_NOSEARCH:
		facts_line(lines, n, max, "%s is mode %03o owned by %s:%s; this "
		    "user (%s) cannot search it", at, mode, owner, group, me);
		break;
	case DIAG_PATH_NOWRITE:
		facts_line(lines, n, max, "%s is mode %03o owned by %s:%s; this "
		    "user (%s) cannot write to it, which connect needs",
		    at, mode, owner, group, me);
		break;
	case DIAG_PATH_NOTSOCK:
		facts_line(lines, n, max, "%s is not a socket but %s", at,
		    facts_file_kind(f->path.mode));
		break;
	case DIAG_PATH_SOCKET:
		facts_line(lines, n, max, "%s is a socket, mode %03o owned by "
		    "%s:%s", at, mode, owner, group);
		break;
	}
}

/* The fact about the socket bound at the Unix path, as a sentence. */
static void
facts_text_unixpeer(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char at[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];
	const char *type = facts_type_name(f->unixpeer.type);

	facts_path(at, sizeof(at), f->path.at);
	if (!f->unixpeer.found)
		facts_line(lines, n, max, "nothing listens on %s: a stale socket "
		    "file", at);
	else if (f->unixpeer.type != f->type)
		facts_line(lines, n, max, "the listener on %s is of type %s: use "
		    "-T %s", at, type, type);
	else if (f->unixpeer.listening)
		facts_line(lines, n, max, "the listener on %s has %u connection%s "
		    "waiting, its backlog is %u", at, f->unixpeer.queued,
		    f->unixpeer.queued == 1 ? "" : "s", f->unixpeer.backlog);
	else if (f->unixpeer.type == SOCK_DGRAM)
		facts_line(lines, n, max, "a datagram socket is bound to %s", at);
	else
		facts_line(lines, n, max, "a %s socket is bound to %s but does "
		    "not listen", type, at);
}

/* The name of ICMP (v4) destination-unreachable code `code`. */
static const char *
facts_icmp4_unreach(unsigned code)
{
	static const char *const names[] = {
		"network unreachable", "host unreachable",
		"protocol unreachable", "port unreachable",
		"fragmentation needed", "source route failed",
		"destination network unknown", "destination host unknown",
		"source host isolated", "network administratively prohibited",
		"host administratively prohibited",
		"network unreachable for TOS", "host unreachable for TOS",
		"administratively prohibited", "host precedence violation",
		"precedence cutoff"
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* The name of ICMPv6 destination-unreachable code `code`. */
static const char *
facts_icmp6_unreach(unsigned code)
{
	static const char *const names[] = {
		"no route to destination", "administratively prohibited",
		"beyond scope of source address", "address unreachable",
		"port unreachable", "source address failed policy",
		"reject route to destination"
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* "ICMP host unreachable", "ICMPv6 administratively prohibited", ... */
static const char *
facts_icmp_name(const struct icmp_fact *ic, char *buf, size_t size)
{
	const char *what = NULL;
	bool v6 = ic->family == AF_INET6;

	if (!v6 && ic->type == 3)
		what = facts_icmp4_unreach(ic->code);
	else if (v6 && ic->type == 1)
		what = facts_icmp6_unreach(ic->code);
	else if ((!v6 && ic->type == 11) || (v6 && ic->type == 3))
		what = "time exceeded";
	else if (v6 && ic->type == 2)
		what = "packet too big";
	if (what != NULL)
		snprintf(buf, size, "%s %s", v6 ? "ICMPv6" : "ICMP", what);
	else
		snprintf(buf, size, "%s type %u code %u", v6 ? "ICMPv6" :
		    "ICMP", ic->type, ic->code);
	return buf;
}

/* The ICMP fact as a sentence. */
static void
facts_text_icmp(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char who[INET6_ADDRSTRLEN], what[80];

	if (f->icmp.family == 0) {
		facts_line(lines, n, max, "the error was raised on this host "
		    "(a local error, no ICMP message)");
		return;
	}
	diag_ip_str(&f->icmp.sender, who, sizeof(who));
	facts_icmp_name(&f->icmp, what, sizeof(what));
	if (f->icmp.sender.family == 0)
		facts_line(lines, n, max, "an %s came back, its sender not "
		    "known", what);
	else if (f->icmp.local)
		facts_line(lines, n, max, "%s, an address of this host, "
		    "answered with %s", who, what);
	else
		facts_line(lines, n, max, "%s answered with %s", who, what);
}

const char *
facts_proc_state(char state)
{
	switch (state) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'D':
		return "in uninterruptible sleep";
	case 'T':
		return "stopped";
	case 't':
		return "stopped by a tracer";
	case 'Z':
		return "a zombie";
	default:
		return "in an unknown state";
	}
}

/* True when the owner fact names a stopped process. */
static bool
facts_owner_stopped(const struct diag_facts *f)
{
	return (f->have & DIAG_OWNER) != 0 && f->owner.pid > 0 &&
	    (f->owner.state == 'T' || f->owner.state == 't');
}

/* The owner fact as a sentence. */
static void
facts_text_owner(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char comm[2 * DIAG_NAME_MAX];

	if (f->owner.pid == 0) {
		facts_line(lines, n, max, "no process this user can see holds "
		    "the listening socket (inode %lu)", f->owner.inode);
		return;
	}
	text_escape(comm, sizeof(comm), f->owner.comm);
	facts_line(lines, n, max, "the listening socket is held by process "
	    "%ld (%s), %s (state %c)", f->owner.pid, comm,
	    facts_proc_state(f->owner.state), f->owner.state);
}

/* True when the TCP listener covering the destination has a full queue. */
static bool
facts_queue_full(const struct diag_facts *f)
{
	int i;

	if ((f->have & DIAG_LISTENERS) == 0 || f->error != ETIMEDOUT ||
	    (i = cause_listener(f)) < 0)
		return false;
	return f->listen.queued[i] > f->listen.backlog[i];
}

/* The accept queue of the listener covering a local destination. */
static void
facts_text_queue(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char a[INET6_ADDRSTRLEN];
	int i = cause_listener(f);

	if (i < 0)
		return;
	diag_ip_str(&f->listen.addr[i], a, sizeof(a));
	if (facts_queue_full(f))
		facts_line(lines, n, max, "the listener on %s port %u has a "
		    "full accept queue: %u waiting, backlog %u", a, f->port,
		    f->listen.queued[i], f->listen.backlog[i]);
	else
		facts_line(lines, n, max, "the listener on %s port %u has %u "
		    "connection%s waiting to be accepted, backlog %u", a,
		    f->port, f->listen.queued[i],
		    f->listen.queued[i] == 1 ? "" : "s", f->listen.backlog[i]);
}

/* The user and groups of this process, as sentences. */
static void
facts_text_who(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char user[2 * DIAG_NAME_MAX], list[DIAG_LINE_MAX] = "";
	char g[2 * DIAG_NAME_MAX], group[2 * DIAG_NAME_MAX];
	size_t i, kept = f->who.ngroups < DIAG_WHO_GROUPS ? f->who.ngroups :
	    DIAG_WHO_GROUPS;

	text_escape(user, sizeof(user), f->who.user);
	for (i = 0; i < kept; i++) {
		size_t len = strlen(list);

		text_escape(g, sizeof(g), f->who.groups[i]);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
		    g);
	}
	facts_line(lines, n, max, "this process runs as %s (uid %lu), groups "
	    "%s%s", user, f->who.uid, kept > 0 ? list : "none",
	    kept < f->who.ngroups ? ", ..." : "");
	if (f->who.listed_not_held) {
		text_escape(group, sizeof(group), f->path.group);
		facts_line(lines, n, max, "/etc/group lists %s in group %s, "
		    "but this process does not have that group", user, group);
	}
}

/*
 * True for an errno that says this process could not even try (out of
 * descriptors or memory), so that nothing may be said of what it asked.
 */
static bool
local_error(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM ||
	    err == ENOBUFS;
}

/* The name server facts, as sentences. */
static void
facts_text_resolver(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	const struct resolver_facts *r = &f->resolver;
	char list[DIAG_LINE_MAX] = "", a[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN];
	char dev[FACTS_DEV_MAX], host[2 * RESOLVER_NAME_MAX];
	char buf[DIAG_LINE_MAX];
	char name[2 * RESOLVER_NAME_MAX];
	struct diag_ip ip;
	size_t i, len;

	if (r->conf.error != 0)
		facts_line(lines, n, max, "/etc/resolv.conf cannot be read "
		    "(%s)%s", strerror(r->conf.error), local_error(
		    r->conf.error) ? "" : ": glibc asks 127.0.0.1");
	for (i = 0; i < r->conf.nsearch; i++) {
		len = strlen(list);
		text_escape(name, sizeof(name), r->conf.search[i]);
		if (snprintf(list + len, sizeof(list) - len, "%s%s",
		    i ? " " : "", name) < 0)
			break;
	}
	facts_line(lines, n, max, "the search list%s is %s",
	    r->conf.env_search ? " (LOCALDOMAIN)" : "",
	    r->conf.nsearch > 0 ? list : "empty");
	for (i = 0; i < r->nasked && i < RESOLVER_MAX_SERVERS; i++) {
		const struct resolver_server *s = &r->asked[i];
		const struct route_fact *rt = &f->ns_route[i];
		const char *rc;
		long waited;

		(void)diag_ip_from_sa(&ip, (const void *)&s->addr);
		diag_ip_str(&ip, a, sizeof(a));
		if (s->answered && r->cause != RESOLVER_OTHER_FAMILY &&
		    r->cause != RESOLVER_UNKNOWN)
			continue;	/* resolver_text names it below */
		if (s->answered) {
			rc = payload_dns_rcode_name(s->rcode);
			facts_line(lines, n, max, "name server %s%s answered "
			    "%s with %u answer%s", a, r->conf.default_server ?
			    " (the default: resolv.conf names none)" : "",
			    rc != NULL ? rc : "an unknown RCODE", s->answers,
			    s->answers == 1 ? "" : "s");
			continue;
		}
		if (local_error(s->error)) {	/* no query left this host */
			facts_line(lines, n, max, "name server %s was not asked: "
			    "%s", a, strerror(s->error));
			continue;
		}
		if (s->error == ECONNREFUSED) {
			facts_line(lines, n, max, "name server %s answered with "
			    "ICMP port unreachable: nothing listens on its UDP "
			    "port 53", a);
			continue;
		}
		if (s->error != ETIMEDOUT && s->error != 0) {
			facts_line(lines, n, max, "the query to name server %s "
			    "failed: %s", a, strerror(s->error));
			continue;
		}
		/* The wait for this server: this diagnosis's, or shorter
		   when another diagnosis's query was the one waited for
		   (a silence within the shorter time is all that is known;
		   its own wait, ended by its timer, is this one's). */
		waited = s->waited_ms > 0 && s->waited_ms < f->ns_wait_ms ?
		    s->waited_ms : f->ns_wait_ms;
		if (!f->ns_route_known[i]) {
			facts_line(lines, n, max, "name server %s did not "
			    "answer within %ld ms", a, waited);
			continue;
		}
		if (rt->type == RTN_UNSPEC) {
			facts_line(lines, n, max, "name server %s did not "
			    "answer within %ld ms, and no route to it was "
			    "found", a, waited);
			continue;
		}
		diag_ip_str(&rt->prefix, pfx, sizeof(pfx));
		facts_line(lines, n, max, "name server %s did not answer within "
		    "%ld ms; its route is %s/%u, type %s%s%s", a, waited,
		    pfx, rt->prefixlen,
		    facts_rtn_name(rt->type), rt->dev[0] != '\0' ? ", dev " :
		    "", rt->dev[0] != '\0' ? facts_dev(dev, sizeof(dev),
		    rt->dev) : "");
	}
	if (r->cause == RESOLVER_NO_ANSWER)
		return;		/* each server's line says it */
	text_escape(host, sizeof(host), f->host);
	resolver_text(r, host, buf, sizeof(buf));
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	if (buf[0] != '\0')
		facts_line(lines, n, max, "%s", buf);
}

/* The TCP state `st` as ss(8) prints it. */
static const char *
facts_tcp_state(unsigned st)
{
	static const char *const names[SOCKDIAG_NSTATES] = {
		"UNKNOWN", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
		"FIN-WAIT-2", "TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK",
		"LISTEN", "CLOSING"
	};

	return st < SOCKDIAG_NSTATES ? names[st] : "UNKNOWN";
}

/* The ports in use by TCP state, and the processes that hold most. */
static void
facts_text_port_use(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	char list[DIAG_LINE_MAX] = "", comm[2 * DIAG_NAME_MAX];
	size_t i, len;
	unsigned st;

	if (f->ports.in_use == 0)
		return;
	if (f->type == SOCK_STREAM) {
		for (st = 1; st < SOCKDIAG_NSTATES; st++) {
			if (f->ports.by_state[st] == 0)
				continue;
			len = strlen(list);
			snprintf(list + len, sizeof(list) - len, "%s%u %s",
			    len > 0 ? ", " : "", f->ports.by_state[st],
			    facts_tcp_state(st));
		}
		if (list[0] != '\0')
			facts_line(lines, n, max, "by TCP state: %s", list);
	}
	list[0] = '\0';
	for (i = 0; i < f->ports.nowners; i++) {
		len = strlen(list);
		text_escape(comm, sizeof(comm), f->ports.owner[i].comm);
		if (snprintf(list + len, sizeof(list) - len, "%sprocess %ld "
		    "(%s) holds %u", i > 0 ? ", " : "", f->ports.owner[i].pid,
		    comm, f->ports.owner[i].count) < 0)
			break;
	}
	if (list[0] != '\0')
		facts_line(lines, n, max, "%s", list);
}

/* "inet filter input" of chain `k`, escaped, into `buf`. */
static const char *
facts_chain_ref(const struct ruleset_chain *k, char *buf, size_t size)
{
	char t[2 * RULESET_NAME_MAX], c[2 * RULESET_NAME_MAX];

	text_escape(t, sizeof(t), k->table);
	text_escape(c, sizeof(c), k->chain);
	facts_set(buf, size, "%s %s %s", k->family, t, c);
	return buf;
}

/* This host's arp chain that can drop its ARP packets, as a sentence. */
static void
facts_text_arp(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	const struct ruleset_chain *k = &f->ruleset.arp;
	char ref[6 * RULESET_NAME_MAX], more[64] = "", count[64] = "";

	facts_chain_ref(k, ref, sizeof(ref));
	if (f->ruleset.narp > 1)
		facts_set(more, sizeof(more), " (and %u more arp chain%s)",
		    f->ruleset.narp - 1, f->ruleset.narp == 2 ? "" : "s");
	if (k->counted)
		facts_set(count, sizeof(count), " (its counter: %llu packet%s)",
		    (unsigned long long)k->packets, k->packets == 1 ? "" : "s");
	facts_line(lines, n, max, "this host's chain %s (hook %s) %s %s%s%s%s",
	    ref, ruleset_hook_name("arp", k->hook), f->ruleset.arp_sure ?
	    "drops" : "may drop", k->out && k->reply ? "ARP packets" :
	    k->out ? "the ARP requests this host sends" :
	    "the ARP answers it gets", f->ruleset.arp_sure ? "" :
	    " (its rules' conditions are not evaluated)", count, more);
}

/* The descriptor limit, as sentences. */
static void
facts_text_fds(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	if (f->fds.error == 0 && (f->fds.open < 0 ||
	    (unsigned long)f->fds.open < f->fds.limit))
		return;		/* room left: nothing to say */
	if (f->fds.open >= 0)
		facts_line(lines, n, max, "this process holds %ld open "
		    "descriptor%s; its limit is %lu (ulimit -n)", f->fds.open,
		    f->fds.open == 1 ? "" : "s", f->fds.limit);
	else
		facts_line(lines, n, max, "this process's descriptor limit is "
		    "%lu (ulimit -n)", f->fds.limit);
	if (f->fds.error != 0)
		facts_line(lines, n, max, "a read of this diagnosis found no "
		    "descriptor free (%s)", f->fds.error == ENFILE ? "ENFILE" :
		    "EMFILE");
}

/* The packets of the attempt chain `k`'s rules can meet: "the SYN", ... */
static const char *
facts_chain_packets(const struct diag_facts *f, const struct ruleset_chain *k)
{
	bool tcp = f->type == SOCK_STREAM, udp = f->type == SOCK_DGRAM;

	if (k->out && k->reply)
		return tcp ? "the SYN and the reply" : udp ?
		    "the datagram and the reply" : "the packet and the reply";
	if (k->reply)
		return "the reply";
	return tcp ? "the SYN" : udp ? "the datagram" : "the packet";
}

/*
 * True when a chain holds a drop or reject rule that surely matches the
 * attempt (asked for a time-out: a reply rejected here never reaches the
 * socket, so a longer wait does not help either).
 */
static bool
facts_drop_sure(const struct diag_facts *f)
{
	const struct ruleset_fact *rs = &f->ruleset;
	size_t i;

	for (i = 0; (f->have & DIAG_RULESET) != 0 && i < rs->nchains &&
	    i < RULESET_CHAINS_MAX; i++)
		if (rs->chain[i].drops + rs->chain[i].rejects >
		    rs->chain[i].maybe)
			return true;
	return false;
}

/* "N more chains of this host can VERB these packets". */
static void
facts_more_chains(unsigned nr, const char *verb,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	facts_line(lines, n, max, "%u more chain%s of this host can %s these "
	    "packets", nr, nr == 1 ? "" : "s", verb);
}

/*
 * The chains of this host's ruleset that bear on the error, as sentences:
 * for a time-out those that drop or reject (a reply rejected here never
 * reaches the socket), and that none does; those that reject otherwise;
 * each with the rules that can match the attempt's packets, and whether
 * they surely do.
 */
static void
facts_text_ruleset(const struct diag_facts *f,
    char lines[][DIAG_LINE_MAX], size_t *n, size_t max)
{
	const struct ruleset_fact *rs = &f->ruleset;
	char ref[6 * RULESET_NAME_MAX], what[DIAG_LINE_MAX];
	bool drop = f->error == ETIMEDOUT;	/* else: who rejects */
	size_t i, len, paren, kept = rs->nchains < RULESET_CHAINS_MAX ?
	    rs->nchains : RULESET_CHAINS_MAX;
	unsigned nr;

	if (rs->nchains == 0 && drop)
		facts_line(lines, n, max, "no input or output chain of this "
		    "host's nftables ruleset drops or rejects %s (%s)",
		    f->type == SOCK_STREAM ? "this SYN or its reply" :
		    "these packets", f->dst.family == AF_INET6 ?
		    "ip6, inet and netdev tables" : "ip, inet and netdev tables");
	for (i = 0; i < kept; i++) {
		const struct ruleset_chain *k = &rs->chain[i];

		if (k->rejects == 0 && (!drop || (k->drops == 0 &&
		    !k->policy_drop)))
			continue;	/* no bearing on this error */
		nr = k->drops + k->rejects;
		/* "drops the SYN (2 rules, 1 of them may: ...)" */
		if (nr == 0)
			facts_set(what, sizeof(what), "has policy drop, which %s "
			    "may reach", facts_chain_packets(f, k));
		else
			facts_set(what, sizeof(what), "%s%s %s",
			    k->maybe == nr ? "may " : "", k->drops == 0 ?
			    (k->maybe == nr ? "reject" : "rejects") :
			    k->rejects == 0 ? (k->maybe == nr ? "drop" : "drops") :
			    (k->maybe == nr ? "drop or reject" :
			    "drops or rejects"), facts_chain_packets(f, k));
		len = strlen(what);
		paren = len;
		if (nr > 1)
			facts_set(what + len, sizeof(what) - len, " (%u rules",
			    nr);
		len = strlen(what);
		if (k->maybe == nr && nr > 0)
			facts_set(what + len, sizeof(what) - len, "%snot "
			    "decided here", len > paren ? ", " : " (");
		else if (k->maybe > 0)
			facts_set(what + len, sizeof(what) - len, ", %u not "
			    "decided here", k->maybe);
		len = strlen(what);
		if (nr > 0 && k->policy_drop)
			facts_set(what + len, sizeof(what) - len, "%spolicy drop",
			    len > paren ? ", " : " (");
		len = strlen(what);
		if (k->counted)
			facts_set(what + len, sizeof(what) - len, "%s%s: %llu "
			    "packet%s", len > paren ? "; " : " (",
			    nr == 1 ? "its counter" : "their counters",
			    (unsigned long long)k->packets, k->packets == 1 ?
			    "" : "s");
		len = strlen(what);
		if (len > paren)
			facts_set(what + len, sizeof(what) - len, ")");
		facts_line(lines, n, max, "this host's chain %s (hook %s) %s",
		    facts_chain_ref(k, ref, sizeof(ref)),
		    ruleset_hook_name(k->family, k->hook), what);
	}
	if (drop && rs->more_drop > 0)
		facts_more_chains(rs->more_drop, "drop", lines, n, max);
	if (rs->more_reject > 0)
		facts_more_chains(rs->more_reject, "reject", lines, n, max);
}

size_t
facts_text_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max)
{
	char a[INET6_ADDRSTRLEN], dev[FACTS_DEV_MAX];
	char name[2 * DIAG_NAME_MAX];
	char path[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];
	size_t n = 0, i;

	if (f->have & DIAG_ROUTE)
		facts_text_route(f, lines, &n, max);
	/* A zone holds the look-up to its interface: no default route of
	   another one is of use, and none is claimed absent. */
	if ((f->have & DIAG_NOROUTE) != 0 && f->zone > 0)
		facts_line(lines, &n, max, "no route on %s (the zone of %s%%%s) "
		    "matches %s", facts_zone(dev, sizeof(dev), f->zone),
		    diag_ip_str(&f->dst, a, sizeof(a)), dev, a);
	else if (f->have & DIAG_NOROUTE)
		facts_line(lines, &n, max, "no route matches %s and there is %s "
		    "default route", diag_ip_str(&f->dst, a, sizeof(a)),
		    f->noroute.has_default ? "a" : "no");
	if (f->have & DIAG_ICMP)
		facts_text_icmp(f, lines, &n, max);
	if (f->have & DIAG_NEIGH)
		facts_text_neigh(f, lines, &n, max);
	if (f->have & DIAG_LISTENERS) {
		facts_text_listen(f, lines, &n, max);
		if (f->error == ETIMEDOUT && f->listen.protocol == IPPROTO_TCP)
			facts_text_queue(f, lines, &n, max);
	}
	if (f->have & DIAG_RULESET)
		facts_text_ruleset(f, lines, &n, max);
	if ((f->have & DIAG_RULESET) != 0 && f->ruleset.narp > 0)
		facts_text_arp(f, lines, &n, max);
	if ((f->have & DIAG_NORULESET) != 0 && f->error == ETIMEDOUT)
		facts_line(lines, &n, max, "this host's nftables ruleset could "
		    "not be read whole (it needs root, and the diagnosis's "
		    "budget): no drop rule of it is ruled out");
	if (f->have & DIAG_HOSTS) {
		text_escape(name, sizeof(name), f->hosts.name);
		facts_line(lines, &n, max, "/etc/hosts line %u gives %s the "
		    "address %s", f->hosts.line, name,
		    diag_ip_str(&f->dst, a, sizeof(a)));
	}
	if (f->have & DIAG_FDS)
		facts_text_fds(f, lines, &n, max);
	for (i = 0; (f->have & DIAG_NEARBY) != 0 && i < f->nearby.n &&
	    i < NEARBY_MAX; i++)
		facts_line(lines, &n, max, "%s port %u, near it, has a listener "
		    "on %s", f->type == SOCK_DGRAM ? "UDP" : "TCP",
		    f->nearby.port[i], diag_ip_str(&f->nearby.addr[i], a,
		    sizeof(a)));
	if ((f->have & DIAG_LINK) != 0 && !f->link.up)
		facts_line(lines, &n, max, "%s, the route's device, is down "
		    "(IFF_UP off)", facts_dev(dev, sizeof(dev), f->link.dev));
	else if ((f->have & DIAG_LINK) != 0 && !f->link.lower_up)
		facts_line(lines, &n, max, "%s, the route's device, is up "
		    "without carrier (IFF_LOWER_UP off)", facts_dev(dev,
		    sizeof(dev), f->link.dev));
	if (f->have & DIAG_DOWNLINK)
		facts_line(lines, &n, max, "%s is down (IFF_UP off) and holds "
		    "%s/%u: the routes through a device leave with it when it "
		    "goes down", facts_dev(dev, sizeof(dev), f->downlink.dev),
		    diag_ip_str(&f->downlink.addr, a, sizeof(a)),
		    f->downlink.prefixlen);
	if (f->have & DIAG_BROADCAST)
		facts_line(lines, &n, max, "%s is a broadcast address and "
		    "SO_BROADCAST is off: add -b",
		    diag_ip_str(&f->dst, a, sizeof(a)));
	if (f->have & DIAG_PORTRANGE) {
		unsigned count = f->ports.high - f->ports.low + 1;

		facts_line(lines, &n, max, "the local port range %u-%u "
		    "(/proc/sys/net/ipv4/ip_local_port_range) holds %u port%s",
		    f->ports.low, f->ports.high, count, count == 1 ? "" : "s");
		if (f->ports.in_use_known) {
			facts_line(lines, &n, max, "%u of them %s in use towards "
			    "%s port %u", f->ports.in_use,
			    f->ports.in_use == 1 ? "is" : "are",
			    diag_ip_str(&f->dst, a, sizeof(a)), f->port);
			facts_text_port_use(f, lines, &n, max);
		}
	}
	if (f->have & DIAG_SOURCE) {
		diag_ip_str(&f->source.addr, a, sizeof(a));
		if (f->source.assigned)
			facts_line(lines, &n, max, "source address %s is assigned "
			    "to %s", a, f->source.dev[0] != '\0' ? facts_dev(dev,
			    sizeof(dev), f->source.dev) : "an interface");
		else
			facts_line(lines, &n, max, "source address %s is not "
			    "assigned to any interface", a);
	}
	if (f->have & DIAG_IPV6)
		facts_text_ipv6(f, lines, &n, max);
	if (f->have & DIAG_SCTP)
		facts_text_sctp(f, lines, &n, max);
	if (f->have & DIAG_PATH)
		facts_text_path(f, lines, &n, max);
	if (f->have & DIAG_UNIXPEER)
		facts_text_unixpeer(f, lines, &n, max);
	for (i = 0; (f->have & DIAG_UNIXNEAR) != 0 && i < f->unixnear.n &&
	    i < UNIXNEAR_MAX; i++)
		facts_line(lines, &n, max, "a socket is at %s, near it",
		    facts_path(path, sizeof(path), f->unixnear.path[i]));
	if (f->have & DIAG_OWNER)
		facts_text_owner(f, lines, &n, max);
	if (f->have & DIAG_WHO)
		facts_text_who(f, lines, &n, max);
	if (f->have & DIAG_RESOLVER)
		facts_text_resolver(f, lines, &n, max);
	/* Whether the kernel was still retrying tells whether a longer wait
	   could help: not when a drop rule surely matches. */
	if (f->error == ETIMEDOUT && f->type != SOCK_DGRAM &&
	    f->family != AF_UNIX && f->eai == 0 && !facts_drop_sure(f))
		facts_line(lines, &n, max, f->deadline ? "the -w deadline "
		    "ended the attempt; the kernel was still retrying" :
		    "the kernel's retries ran out before the -w deadline");
	if ((f->have & DIAG_NONETLINK) != 0 && f->nolib[0] != '\0')
		facts_line(lines, &n, max, "this run reads no netlink facts "
		    "(libmnl could not be loaded: %s): routes, neighbours and "
		    "listeners were not looked up", facts_path(path,
		    sizeof(path), f->nolib));
	else if (f->have & DIAG_NONETLINK)
		facts_line(lines, &n, max, "this build reads no netlink facts "
		    "(built without libmnl): routes, neighbours and listeners "
		    "were not looked up");
	return n;
}


/* The right a Unix path component lacks: "search" or "write". */
static const char *
facts_right(const struct diag_facts *f)
{
	return f->path.kind == DIAG_PATH_NOSEARCH ? "search" : "write";
}

/*
 * The class of a Unix path component's mode that applies to this user:
 * 'u' its owner, 'g' a member of its group (held, or inferred: the other
 * bits grant the right and yet it is denied), 'o' any other.
 */
static char
facts_perm_class(const struct diag_facts *f)
{
	mode_t other = f->path.kind == DIAG_PATH_NOSEARCH ? S_IXOTH : S_IWOTH;

	if (f->path.uid == f->path.my_uid)
		return 'u';
	return f->path.in_group || (f->path.mode & other) != 0 ? 'g' : 'o';
}

/* Who the mode of a Unix path component lets in, as a clause. */
static void
facts_grant(const struct diag_facts *f, char *buf, size_t size)
{
	char who[2 * DIAG_NAME_MAX];
	bool search = f->path.kind == DIAG_PATH_NOSEARCH;
	mode_t owner = search ? S_IXUSR : S_IWUSR;

	switch (facts_perm_class(f)) {
	case 'u':
		facts_set(buf, size, "its owner's bits, this user's, lack %s",
		    facts_right(f));
		return;
	case 'g':
		facts_set(buf, size, "its group's bits lack %s, and they are "
		    "the ones that apply to this user", facts_right(f));
		return;
	default:
		break;
	}
	text_escape(who, sizeof(who), f->path.owner);
	if (f->path.mode & owner)
		facts_set(buf, size, "only its owner %s may %s it", who,
		    search ? "search" : "write to");
	else
		facts_set(buf, size, "no bit of its mode lets this user %s it",
		    search ? "search" : "write to");
}

/*
 * The change of mode that gives this user the missing right, from the
 * class that applies to him: his own u bit (his to set), the group's, or
 * the others' (or a group's with a group of his); "Run as" the owner only
 * when the owner's bits hold the right and he is not the owner.
 */
static void
facts_perm_fix(const struct diag_facts *f, char *buf, size_t size)
{
	char who[2 * DIAG_NAME_MAX], at[FACTS_TEXT_PATH_MAX +
	    sizeof(FACTS_TEXT_CUT)];
	const char *b = f->path.kind == DIAG_PATH_NOSEARCH ? "x" : "w";
	mode_t owner = f->path.kind == DIAG_PATH_NOSEARCH ? S_IXUSR : S_IWUSR;
	char cls = facts_perm_class(f), run[3 * DIAG_NAME_MAX] = "";

	text_escape(who, sizeof(who), f->path.owner);
	facts_path(at, sizeof(at), f->path.at);
	if (cls == 'u') {
		facts_set(buf, size, "This user owns it: `chmod u+%s %s` gives "
		    "the right", b, at);
		return;
	}
	if (f->path.mode & owner)
		facts_set(run, sizeof(run), "Run as %s, or its", who);
	else
		facts_set(run, sizeof(run), "Its");
	if (cls == 'g')
		facts_set(buf, size, "%s owner grants g+%s on %s", run, b, at);
	else
		facts_set(buf, size, "%s owner grants o+%s on %s (or g+%s with "
		    "a group of yours)", run, b, at, b);
}

/*
 * The address to connect to instead, for a listener on `l` only: a
 * wildcard of the other family is its loopback address when the
 * destination is a loopback one, otherwise any address of that family.
 */
static void
facts_listener_addr(const struct diag_facts *f, const struct diag_ip *l,
    char *buf, size_t size)
{
	bool loop = (f->dst.family == AF_INET &&
	    (ntohl(f->dst.u.v4.s_addr) >> 24) == 127) ||
	    (f->dst.family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&f->dst.u.v6));

	if (!diag_ip_any(l))
		diag_ip_str(l, buf, size);
	else if (loop)
		facts_strlcpy(buf, l->family == AF_INET ? "127.0.0.1" : "::1",
		    size);
	else
		facts_set(buf, size, "an %s address of this host",
		    l->family == AF_INET ? "IPv4" : "IPv6");
}

/*
 * The chain of the ruleset a cause names: the first that drops on the way
 * out or in when `drop`, otherwise the first that rejects; NULL when no
 * kept chain does (one beyond those kept may: its name is not known).
 */
static const struct ruleset_chain *
facts_chain(const struct diag_facts *f, bool drop)
{
	const struct ruleset_fact *rs = &f->ruleset;
	size_t i, n = rs->nchains < RULESET_CHAINS_MAX ? rs->nchains :
	    RULESET_CHAINS_MAX;

	if ((f->have & DIAG_RULESET) == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct ruleset_chain *k = &rs->chain[i];

		if (drop ? k->drops > 0 || k->policy_drop : k->rejects > 0)
			return k;
	}
	return NULL;
}

/*
 * True when no kept chain drops (`drop`) or rejects, but one beyond those
 * kept does: the ruleset can, in a chain whose name is not known.
 */
static bool
facts_chain_beyond(const struct diag_facts *f, bool drop)
{
	return (f->have & DIAG_RULESET) != 0 && facts_chain(f, drop) == NULL &&
	    (drop ? f->ruleset.more_drop : f->ruleset.more_reject) > 0;
}

/*
 * The chain that drops (`drop`) or rejects into `buf`: "chain inet t in
 * (hook input)", or with `list` the command that lists it, "nft list
 * chain inet t in"; for a chain beyond those kept "nftables ruleset (a
 * chain not named here)" and "nft list ruleset".  NULL when no chain
 * does.
 */
static const char *
facts_chain_value(const struct diag_facts *f, bool drop, bool list,
    char *buf, size_t size)
{
	const struct ruleset_chain *k = facts_chain(f, drop);
	char ref[6 * RULESET_NAME_MAX];

	if (k == NULL && facts_chain_beyond(f, drop))
		return list ? "nft list ruleset" :
		    "nftables ruleset (a chain not named here)";
	if (k == NULL)
		return NULL;
	facts_chain_ref(k, ref, sizeof(ref));
	if (list)
		facts_set(buf, size, "nft list chain %s", ref);
	else
		facts_set(buf, size, "chain %s (hook %s)", ref,
		    ruleset_hook_name(k->family, k->hook));
	return buf;
}

/* The value of placeholder `name` (`len` bytes) of a template, or NULL. */
static const char *
facts_value(const struct diag_facts *f, const char *name, size_t len,
    char *buf, size_t size)
{
	static const char *const names[] = {
		"dst", "port", "proto", "sender", "icmp", "hop", "how", "dhow",
		"syn", "rtype", "table", "prefix", "v6", "listener", "chain",
		"chainlist", "pid", "comm", "group", "user", "path", "owner",
		"right", "bit", "mode", "grant", "ipf", "fdlimit", "fderr",
		"dev", "nearport", "near", "permfix", "src", "downdev",
		"downaddr", "arpchain", "arpref", "rchain", "rchainlist",
		"rpackets"
	};
	const struct ruleset_chain *k;
	char ref[6 * RULESET_NAME_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			break;
	switch (i) {
	case 0:
		return diag_ip_str(&f->dst, buf, size);
	case 1:
		facts_set(buf, size, "%u", f->port);
		return buf;
	case 2:
		return f->type == SOCK_DGRAM ? "UDP" :
		    f->type == SOCK_SEQPACKET ? "SCTP" : "TCP";
	case 3:
		return diag_ip_str(&f->icmp.sender, buf, size);
	case 4:
		return facts_icmp_name(&f->icmp, buf, size);
	case 5:
		return diag_ip_str(&f->neigh.addr, buf, size);
	case 6:
		return f->neigh.addr.family == AF_INET ? "ARP" :
		    "neighbour discovery";
	case 7:
		return f->dst.family == AF_INET ? "ARP" : "neighbour discovery";
	case 8:
		return f->type == SOCK_STREAM ? "SYN" : "packet";
	case 9:
		return facts_rtn_name(f->route.type);
	case 10:
		return facts_table_name(f->route.table, buf, size);
	case 11:
		diag_ip_str(&f->route.prefix, ref, sizeof(ref));
		facts_set(buf, size, "%s/%u", ref, f->route.prefixlen);
		return buf;
	case 12:
		return f->dst.family == AF_INET6 ? "-6 " : "";
	case 13:
		if (f->listen.count == 0)
			return NULL;
		facts_listener_addr(f, &f->listen.addr[0], buf, size);
		return buf;
	case 14:
	case 15:
	case 38:
	case 39:
		/* {chain}: for a silent SYN the one that drops, otherwise
		   the one that rejects; {rchain}: the one that rejects;
		   {chainlist}, {rchainlist}: the command that lists it. */
		return facts_chain_value(f, i < 38 && f->error == ETIMEDOUT,
		    i == 15 || i == 39, buf, size);
	case 16:
		facts_set(buf, size, "%ld", f->owner.pid);
		return buf;
	case 17:
		text_escape(buf, size, f->owner.comm);
		return buf;
	case 18:
		text_escape(buf, size, f->path.group);
		return buf;
	case 19:
		text_escape(buf, size, (f->have & DIAG_WHO) != 0 ?
		    f->who.user : "this user");
		return buf;
	case 20:
		return facts_path(buf, size, f->path.at);
	case 21:
		text_escape(buf, size, f->path.owner);
		return buf;
	case 22:
		return facts_right(f);
	case 23:
		return f->path.kind == DIAG_PATH_NOSEARCH ? "x" : "w";
	case 24:
		facts_set(buf, size, "%03o", (unsigned)(f->path.mode & 07777));
		return buf;
	case 25:
		facts_grant(f, buf, size);
		return buf;
	case 26:
		return f->dst.family == AF_INET6 ? "-6" : "-4";
	case 27:
		facts_set(buf, size, "%lu", f->fds.limit);
		return buf;
	case 28:
		return f->fds.error == ENFILE ? "ENFILE, the system's table" :
		    "EMFILE";
	case 29:
		if ((f->have & DIAG_LINK) == 0)
			return NULL;
		return facts_dev(buf, size, f->link.dev);
	case 30:
		if ((f->have & DIAG_NEARBY) == 0 || f->nearby.n == 0)
			return NULL;
		facts_set(buf, size, "%u", f->nearby.port[0]);
		return buf;
	case 31:
		if ((f->have & DIAG_UNIXNEAR) == 0 || f->unixnear.n == 0)
			return NULL;
		return facts_path(buf, size, f->unixnear.path[0]);
	case 32:
		facts_perm_fix(f, buf, size);
		return buf;
	case 33:
		if ((f->have & DIAG_SOURCE) == 0)
			return NULL;
		return diag_ip_str(&f->source.addr, buf, size);
	case 34:
		if ((f->have & DIAG_DOWNLINK) == 0)
			return NULL;
		return facts_dev(buf, size, f->downlink.dev);
	case 35:
		if ((f->have & DIAG_DOWNLINK) == 0)
			return NULL;
		diag_ip_str(&f->downlink.addr, ref, sizeof(ref));
		facts_set(buf, size, "%s/%u", ref, f->downlink.prefixlen);
		return buf;
	case 36:
	case 37:
		if ((f->have & DIAG_RULESET) == 0 || f->ruleset.narp == 0)
			return NULL;
		facts_chain_ref(&f->ruleset.arp, ref, sizeof(ref));
		if (i == 37)
			facts_strlcpy(buf, ref, size);
		else
			facts_set(buf, size, "chain %s (hook %s)", ref,
			    ruleset_hook_name("arp", f->ruleset.arp.hook));
		return buf;
	case 40:
		if ((k = facts_chain(f, false)) != NULL)
			return facts_chain_packets(f, k);
		if (!facts_chain_beyond(f, false))
			return NULL;
		return f->type == SOCK_STREAM ? "the SYN or the reply" :
		    f->type == SOCK_DGRAM ? "the datagram or the reply" :
		    "the packet or the reply";
	default:
		return NULL;
	}
}

/*
 * Fill the template `tpl` from the facts `f` into `out` (`size` bytes):
 * each {name} becomes its value.  False when a placeholder has no value
 * in these facts: then nothing may be said from the template.
 */
static bool
facts_expand(const struct diag_facts *f, const char *tpl, char *out,
    size_t size)
{
	char val[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT) + 64];
	const char *p, *end, *v;
	size_t n = 0, len;

	for (p = tpl; *p != '\0' && n + 1 < size; p++) {
		if (*p != '{' || (end = strchr(p, '}')) == NULL) {
			out[n++] = *p;
			continue;
		}
		v = facts_value(f, p + 1, (size_t)(end - p - 1), val,
		    sizeof(val));
		if (v == NULL)
			return false;
		len = strlen(v);
		if (len > size - n - 1)
			len = size - n - 1;
		memcpy(out + n, v, len);
		n += len;
		p = end;
	}
	out[n] = '\0';
	return true;
}

/*
 * The meaning and Check of a finding of the cause table: the row's own
 * sentences when it alone fits; the candidates and the read that tells
 * them apart when several do; nothing when none does.  True when it said
 * something.
 */
static bool
facts_advice_finding(const struct diag_facts *f,
    const struct cause_finding *fd, char *m, size_t ms, char *c, size_t cs)
{
	char clause[DIAG_LINE_MAX];
	const char *tell = NULL;
	size_t i, len;

	if (fd->strength == CAUSE_PROVEN) {
		if (fd->row[0]->meaning != NULL &&
		    !facts_expand(f, fd->row[0]->meaning, m, ms))
			m[0] = '\0';
		if (fd->row[0]->check != NULL &&
		    !facts_expand(f, fd->row[0]->check, c, cs))
			c[0] = '\0';
		return m[0] != '\0' || c[0] != '\0';
	}
	if (fd->strength != CAUSE_CANDIDATES)
		return false;
	facts_set(m, ms, "No one cause is proven; the facts fit each of: ");
	for (i = 0; i < fd->n; i++) {
		if (!facts_expand(f, fd->row[i]->clause, clause, sizeof(clause)))
			facts_strlcpy(clause, fd->row[i]->name, sizeof(clause));
		len = strlen(m);
		facts_set(m + len, ms - len, "%s(%zu) %s", i > 0 ? "; " : "",
		    i + 1, clause);
		if (tell == NULL)
			tell = fd->row[i]->tell;
	}
	len = strlen(m);
	facts_set(m + len, ms - len, ".");
	if (tell != NULL && !facts_expand(f, tell, c, cs))
		c[0] = '\0';
	return true;
}

/* The advice for a Unix path, from the walk and the socket found. */
static bool
facts_advice_unix(const struct diag_facts *f, char *m, size_t ms, char *c,
    size_t cs)
{
	char at[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];
	char comm[2 * DIAG_NAME_MAX];

	if ((f->have & DIAG_PATH) == 0)
		return false;
	facts_path(at, sizeof(at), f->path.at);
	if (f->path.kind == DIAG_PATH_MISSING && f->path.dangling) {
		char to[FACTS_TEXT_PATH_MAX + sizeof(FACTS_TEXT_CUT)];

		facts_path(to, sizeof(to), f->path.target);
		facts_set(m, ms, "%s exists, a symbolic link, but what it points "
		    "to, %s, does not.", at, to);
		facts_set(c, cs, "Point %s at the server's socket (`ln -sfn`), "
		    "or start the server that binds %s.", at, to);
		return true;
	}
	if (f->path.kind == DIAG_PATH_MISSING ||
	    f->path.kind == DIAG_PATH_NOTDIR) {
		facts_set(c, cs, "The server's configuration names the path it "
		    "binds: compare it with this one, and start the server if "
		    "it is not running.");
		return true;
	}
	if (f->path.kind == DIAG_PATH_NOTSOCK) {
		facts_set(c, cs, "Give the path of the server's socket: `ss "
		    "-xlp` lists the paths servers listen on.");
		return true;
	}
	if ((f->have & DIAG_UNIXPEER) == 0)
		return false;
	if (!f->unixpeer.found) {
		facts_set(c, cs, "Start the server; if it refuses to bind "
		    "because the file exists, remove the stale %s first.", at);
		return true;
	}
	if (f->unixpeer.type != f->type) {
		facts_set(c, cs, "Run again with -T %s.",
		    facts_type_name(f->unixpeer.type));
		return true;
	}
	if (!f->unixpeer.listening) {
		facts_set(c, cs, "The server bound %s but has not called "
		    "listen(): it is starting up or stuck; its log says which.",
		    at);
		return true;
	}
	if ((f->have & DIAG_OWNER) == 0 || f->owner.pid == 0)
		return false;
	text_escape(comm, sizeof(comm), f->owner.comm);
	if (facts_owner_stopped(f)) {
		facts_set(m, ms, "The server's listen queue is full and its "
		    "process is stopped: it accepts nothing until it is "
		    "resumed.");
		facts_set(c, cs, "`kill -CONT %ld` resumes %s, if it was "
		    "stopped by mistake (a debugger, Ctrl-Z).", f->owner.pid,
		    comm);
	} else {
		facts_set(m, ms, "The server's listen queue is full; its "
		    "process is alive (%s) but accepts slower than connections "
		    "arrive.", facts_proc_state(f->owner.state));
		facts_set(c, cs, "`strace -p %ld` shows what %s does instead "
		    "of accept(); a larger listen() backlog gives it room.",
		    f->owner.pid, comm);
	}
	return true;
}

/*
 * The meaning and Check when no name server answered: a route first; then
 * a server that was silent; else each query came back with an error (an
 * ICMP unreachable), which is no silence: the way to the server is asked.
 */
static void
facts_advice_silent(const struct diag_facts *f, const char *host, char *m,
    size_t ms, char *c, size_t cs)
{
	const struct resolver_facts *r = &f->resolver;
	size_t i, n = r->nasked < RESOLVER_MAX_SERVERS ? r->nasked :
	    RESOLVER_MAX_SERVERS;
	char a[INET6_ADDRSTRLEN];
	struct diag_ip ip;
	bool route;

	for (i = 0; i < n; i++)
		if (f->ns_route_known[i] && f->ns_route[i].type != RTN_UNICAST &&
		    f->ns_route[i].type != RTN_LOCAL)
			break;
	route = i < n;
	if (!route)	/* a silent one, or else the first */
		for (i = 0; i < n && r->asked[i].error != ETIMEDOUT; i++)
			;
	if (i == n && (local_error(r->asked[0].error) || n == 0))
		i = 0;
	else if (i == n) {
		(void)diag_ip_from_sa(&ip, (const void *)&r->asked[0].addr);
		diag_ip_str(&ip, a, sizeof(a));
		facts_set(m, ms, "No name server answered: the query to each "
		    "came back with an error, not silence, so nothing is known "
		    "of %s.", host);
		facts_set(c, cs, "`isock-connect -u --probe %s 53` tells why "
		    "the way to %s fails.", a, a);
		return;
	}
	(void)diag_ip_from_sa(&ip, (const void *)&r->asked[i].addr);
	diag_ip_str(&ip, a, sizeof(a));
	facts_set(m, ms, "DNS did not answer: no name server replied, "
	    "so nothing is known of %s.", host);
	if (route)
		facts_set(c, cs, "Give this host a route to %s, or name a "
		    "server it can reach in /etc/resolv.conf.", a);
	else
		facts_set(c, cs, "`dig @%s %s` asks that server alone: silence "
		    "there means the server is down or a firewall drops UDP "
		    "port 53 on the way.", a, host);
}

/*
 * True when the name looked up was also tried with the search list's
 * suffixes (fewer dots than ndots, no final dot, a list there): the list,
 * escaped, into `buf`.
 */
static bool
facts_searched(const struct diag_facts *f, char *buf, size_t size)
{
	const struct resolver_conf *c = &f->resolver.conf;
	char one[2 * RESOLVER_NAME_MAX];
	size_t i, len, dots = 0;
	const char *p;

	len = strlen(f->host);
	if (c->nsearch == 0 || len == 0 || f->host[len - 1] == '.')
		return false;
	for (p = f->host; *p != '\0'; p++)
		dots += *p == '.';
	if ((int)dots >= c->ndots)
		return false;
	buf[0] = '\0';
	for (i = 0; i < c->nsearch && i < RESOLVER_MAX_SEARCH; i++) {
		text_escape(one, sizeof(one), c->search[i]);
		len = strlen(buf);
		facts_set(buf + len, size - len, "%s%s", i > 0 ? ", " : "", one);
	}
	return true;
}

/* True when every name server asked answered ICMP port unreachable. */
static bool
facts_servers_refused(const struct resolver_facts *r)
{
	size_t i;

	for (i = 0; i < r->nasked && i < RESOLVER_MAX_SERVERS; i++)
		if (r->asked[i].answered || r->asked[i].error != ECONNREFUSED)
			return false;
	return r->nasked > 0;
}

/*
 * A look-up the deadline ended (EAI_CANCELED) where a name server was
 * silent and one asked after it has an answer: the resolver waited for the
 * silent one (options timeout:) before it asked the next.  Its meaning and
 * Check; false when the facts are not these.  glibc asks the servers in
 * turn (unless `options rotate`); musl asks them all at once, so there
 * the wait is not the cause.
 */
static bool
facts_advice_slow_first(const struct diag_facts *f, const char *host,
    char *m, size_t ms, char *c, size_t cs)
{
	const struct resolver_facts *r = &f->resolver;
	size_t i, n = r->nasked < RESOLVER_MAX_SERVERS ? r->nasked :
	    RESOLVER_MAX_SERVERS, silent = n;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct diag_ip ip;

#ifndef __GLIBC__
	return false;
#endif
	if (f->eai != EAI_CANCELED || strstr(r->conf.options, "rotate") != NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (!r->asked[i].answered && r->asked[i].error == ETIMEDOUT &&
		    silent == n)
			silent = i;
		else if (silent < n && r->asked[i].answered &&
		    r->asked[i].answers > 0)
			break;
	}
	if (silent == n || i == n)
		return false;
	(void)diag_ip_from_sa(&ip, (const void *)&r->asked[silent].addr);
	diag_ip_str(&ip, a, sizeof(a));
	(void)diag_ip_from_sa(&ip, (const void *)&r->asked[i].addr);
	diag_ip_str(&ip, b, sizeof(b));
	facts_set(m, ms, "Name server %s did not answer, and %s, listed after "
	    "it, has an answer for %s: the resolver waits %d s for a silent "
	    "server (options timeout:) before it asks the next, and the "
	    "deadline came first.", a, b, host, r->conf.timeout_s);
	facts_set(c, cs, "Start %s or remove it from /etc/resolv.conf, or "
	    "give -w more than %d s.", a, r->conf.timeout_s);
	return true;
}

/* The advice after a failed name look-up. */
static bool
facts_advice_resolver(const struct diag_facts *f, char *m, size_t ms,
    char *c, size_t cs)
{
	char host[2 * RESOLVER_NAME_MAX], sfx[DIAG_LINE_MAX];

	if ((f->have & DIAG_RESOLVER) == 0)
		return false;
	text_escape(host, sizeof(host), f->host);
	switch (f->resolver.cause) {
	case RESOLVER_NXDOMAIN:
		if (facts_searched(f, sfx, sizeof(sfx))) {
			facts_set(m, ms, "No name tried exists: %s was tried "
			    "with each suffix of the search list and alone, so "
			    "the name or a suffix (%s) is wrong.", host, sfx);
			facts_set(c, cs, "Compare the search list in "
			    "/etc/resolv.conf with the domain the server is in, "
			    "or give the full name with a final dot.");
			return true;
		}
		facts_set(m, ms, "The name %s does not exist in DNS.", host);
		facts_set(c, cs, "Look at the spelling, or give the full name: "
		    "a name without a final dot is also tried with each suffix "
		    "of the search list.");
		return true;
	case RESOLVER_OTHER_FAMILY:
		facts_set(m, ms, "%s has %s addresses only, and %s was asked "
		    "for.", host, f->resolver.other_family == AF_INET6 ?
		    "IPv6" : "IPv4", f->resolver.other_family == AF_INET6 ?
		    "IPv4" : "IPv6");
		facts_set(c, cs, "Run again with %s, or without -4/-6.",
		    f->resolver.other_family == AF_INET6 ? "-6" : "-4");
		return true;
	case RESOLVER_NO_ADDRESS:
		facts_set(m, ms, "%s exists in DNS but has no address record "
		    "of the family asked.", host);
		facts_set(c, cs, "`dig %s ANY` shows the records it has.", host);
		return true;
	case RESOLVER_NO_ANSWER:
		if (facts_servers_refused(&f->resolver)) {
			facts_set(m, ms, "No name server runs where "
			    "/etc/resolv.conf points: each answered that nothing "
			    "listens on its UDP port 53, so nothing is known of "
			    "%s.", host);
			facts_set(c, cs, "Start the name server, or name one "
			    "that runs in /etc/resolv.conf.");
			return true;
		}
		facts_advice_silent(f, host, m, ms, c, cs);
		return true;
	case RESOLVER_UNKNOWN:
		return facts_advice_slow_first(f, host, m, ms, c, cs);
	case RESOLVER_SERVER_ERROR:
		break;
	}
	return false;
}

/*
 * The meaning and the check that the facts decide, in place of the errno's
 * general text: into `meaning` and `check` ("" where the facts decide
 * nothing).
 */
void
facts_text_advice(const struct diag_facts *f, char *meaning, size_t msize,
    char *check, size_t csize)
{
	struct cause_finding fd;

	meaning[0] = '\0';
	check[0] = '\0';
	if (f == NULL)
		return;
	cause_decide(f, &fd);
	if (f->eai != 0) {
		if (!facts_advice_finding(f, &fd, meaning, msize, check, csize))
			(void)facts_advice_resolver(f, meaning, msize, check,
			    csize);
		return;
	}
	if (f->family == AF_UNIX || (f->have & DIAG_PATH) != 0) {
		if (!facts_advice_finding(f, &fd, meaning, msize, check, csize))
			(void)facts_advice_unix(f, meaning, msize, check,
			    csize);
		return;
	}
	(void)facts_advice_finding(f, &fd, meaning, msize, check, csize);
}

void
facts_text_silent_probe(const struct diag_facts *f, unsigned port,
    char *meaning, size_t msize, char *check, size_t csize)
{
	const struct payload *pl = payload_for_port((uint16_t)port);
	uint64_t b = f != NULL ? cause_facts(f) : 0;
	char comm[2 * DIAG_NAME_MAX];

	if ((b & CF_ROUTE_LOCAL) != 0 && (b & CF_NO_DROP) != 0 &&
	    (b & CF_NO_REJECT) != 0 && (b & CF_LISTEN_COVERS) != 0) {
		facts_set(meaning, msize, "The %s%s sent to port %u reached "
		    "this host, where no rule drops or rejects it or its reply "
		    "and a socket is bound to "
		    "the port: the server there did not answer it.",
		    pl != NULL ? pl->name : "datagram", pl != NULL ? " request" :
		    "", port);
		if ((f->have & DIAG_OWNER) != 0 && f->owner.pid > 0) {
			text_escape(comm, sizeof(comm), f->owner.comm);
			facts_set(check, csize, "The log of %s (process %ld) "
			    "says why it did not answer.", comm, f->owner.pid);
		} else {
			facts_set(check, csize, "The log of the server bound "
			    "to port %u says why it did not answer.", port);
		}
		return;
	}
	if (pl == NULL) {
		facts_set(meaning, msize, "A datagram was sent and neither a "
		    "reply nor an ICMP error came back: a service that ignores "
		    "an empty datagram and a firewall that drops it look the "
		    "same from here.");
		facts_set(check, csize, "send the service's own request (dig, "
		    "ntpdate -q, ...), or look for the socket with `ss -lunp` "
		    "on that host.");
		return;
	}
	facts_set(meaning, msize, "A %s request was sent to port %u and "
	    "neither a reply nor an ICMP error came back: a server that ignores "
	    "it and a firewall that drops it look the same from here.",
	    pl->name, port);
	facts_set(check, csize, "`ss -lunp` on that host shows whether "
	    "anything listens on UDP port %u; if something does, its log "
	    "says why it did not answer the %s request.", port, pl->name);
}

/* The old name of facts_text_lines, kept for its callers (diagnose.h). */
size_t
diagnose_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max)
{
	return facts_text_lines(f, lines, max);
}
