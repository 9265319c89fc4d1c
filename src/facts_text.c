/*
 * facts_text.c: the facts of a diagnosis as sentences (see facts_text.h).
 *
 * Only this file turns facts into words: diagnose.c and its look-ups read,
 * this speaks.  Text from the system goes through text_escape.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "facts_text.h"
#include "text.h"

/* Append one formatted line to lines[*n] while there is room. */
__attribute__((format(printf, 4, 5)))
static void
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
		facts_line(lines, n, max, "%s is an address of this host "
		    "(route %s/%u, type local, table %s%s)", dst, pfx,
		    f->route.prefixlen,
		    facts_table_name(f->route.table, tbl, sizeof(tbl)), extra);
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
		facts_line(lines, n, max, "the next hop %s%s on %s resolved "
		    "(neighbour entry %s): it is on the link", who, hop, dev,
		    facts_nud_name(f->neigh.state));
	else
		facts_line(lines, n, max, "the neighbour entry of %s%s on %s is "
		    "%s", who, hop, dev, facts_nud_name(f->neigh.state));
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
	if (f->listen.count == 0) {
		facts_line(lines, n, max, "nothing on this host listens on %s "
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
	unsigned mode = f->path.mode & 07777;

	facts_path(at, sizeof(at), f->path.at);
	text_escape(owner, sizeof(owner), f->path.owner);
	text_escape(group, sizeof(group), f->path.group);
	switch (f->path.kind) {
	case DIAG_PATH_MISSING:
		facts_line(lines, n, max, "%s does not exist", at);
		break;
	case DIAG_PATH_NOTDIR:
		facts_line(lines, n, max, "%s is not a directory but %s", at,
		    facts_file_kind(f->path.mode));
		break;
	case DIAG_PATH_NOSEARCH:
		facts_line(lines, n, max, "%s is mode %o owned by %s:%s; this "
		    "user (uid %lu) cannot search it", at, mode, owner, group,
		    (unsigned long)f->path.my_uid);
		break;
	case DIAG_PATH_NOWRITE:
		facts_line(lines, n, max, "%s is mode %o owned by %s:%s; this "
		    "user (uid %lu) cannot write to it, which connect needs",
		    at, mode, owner, group, (unsigned long)f->path.my_uid);
		break;
	case DIAG_PATH_NOTSOCK:
		facts_line(lines, n, max, "%s is not a socket but %s", at,
		    facts_file_kind(f->path.mode));
		break;
	case DIAG_PATH_SOCKET:
		facts_line(lines, n, max, "%s is a socket, mode %o owned by "
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

size_t
facts_text_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max)
{
	char a[INET6_ADDRSTRLEN], dev[FACTS_DEV_MAX];
	size_t n = 0;

	if (f->have & DIAG_ROUTE)
		facts_text_route(f, lines, &n, max);
	if (f->have & DIAG_NOROUTE)
		facts_line(lines, &n, max, "no route matches %s and there is %s "
		    "default route", diag_ip_str(&f->dst, a, sizeof(a)),
		    f->noroute.has_default ? "a" : "no");
	if (f->have & DIAG_NEIGH)
		facts_text_neigh(f, lines, &n, max);
	if (f->have & DIAG_LISTENERS)
		facts_text_listen(f, lines, &n, max);
	if (f->have & DIAG_BROADCAST)
		facts_line(lines, &n, max, "%s is a broadcast address and "
		    "SO_BROADCAST is off: add -b",
		    diag_ip_str(&f->dst, a, sizeof(a)));
	if (f->have & DIAG_PORTRANGE) {
		unsigned count = f->ports.high - f->ports.low + 1;

		facts_line(lines, &n, max, "the local port range %u-%u "
		    "(/proc/sys/net/ipv4/ip_local_port_range) holds %u port%s",
		    f->ports.low, f->ports.high, count, count == 1 ? "" : "s");
		if (f->ports.in_use_known)
			facts_line(lines, &n, max, "%u of them %s in use towards "
			    "%s port %u", f->ports.in_use,
			    f->ports.in_use == 1 ? "is" : "are",
			    diag_ip_str(&f->dst, a, sizeof(a)), f->port);
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
	if (f->have & DIAG_NONETLINK)
		facts_line(lines, &n, max, "this build reads no netlink facts "
		    "(built without libmnl): routes, neighbours and listeners "
		    "were not looked up");
	return n;
}


/* The old name of facts_text_lines, kept for its callers (diagnose.h). */
size_t
diagnose_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max)
{
	return facts_text_lines(f, lines, max);
}
