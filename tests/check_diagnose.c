/* SPDX-License-Identifier: ISC */
/*
 * check_diagnose.c: the facts read off the live system after a failed
 * connect (src/diagnose.c).
 *
 * Each case runs in its own child (Check's fork mode), which moves into a
 * network namespace of its own (unshare(CLONE_NEWNET)), builds the routes,
 * veth pair, sysctls, listeners or Unix paths it needs, makes a real connect
 * fail through src/isocket.h, then asserts the facts and the sentences a user
 * would read.  The namespace dies with the child; temporary directories are
 * removed before the assertions.  Needs root and ip(8): without them the
 * program exits 77 and says why.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

/* Whether this build reads netlink facts (configure --with-libmnl). */
#ifdef HAVE_LIBMNL
#define NETLINK_FACTS true
#else
#define NETLINK_FACTS false
#endif

#include "clock.h"
#include "fds.h"
#include "loop.h"
#include "diagnose.h"
#include "exitcode.h"
#include "explain.h"
#include "facts_text.h"
#include "isocket.h"
#include "rtget.h"
#include "ruleset.h"
#include "sockdiag.h"

#define LINES_MAX 16

/* A failed attempt, the facts about it and their sentences. */
struct outcome {
	int error;
	struct diag_facts f;
	int nfacts;
	char lines[LINES_MAX][DIAG_LINE_MAX];
	size_t n;
};

/* Run a shell command built like printf; the case fails when it does. */
__attribute__((format(printf, 1, 2)))
static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "'%s' failed (status %d)", cmd, rc);
}

/* Write `value` to the sysctl file `file` of this namespace. */
static void sysctl_set(const char *file, const char *value)
{
	FILE *fp = fopen(file, "we");

	ck_assert_msg(fp != NULL, "%s: %s", file, strerror(errno));
	fputs(value, fp);
	ck_assert_msg(fclose(fp) == 0, "%s: %s", file, strerror(errno));
}

/* Move into a new network namespace with lo up. */
static void netns_enter(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
	    strerror(errno));
	sh("ip link set lo up");
}

/* A numeric address and port as a sockaddr (family from the text). */
static socklen_t addr_of(const char *host, unsigned port,
    struct sockaddr_storage *ss)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
	char serv[8];
	socklen_t len;

	snprintf(serv, sizeof(serv), "%u", port);
	ck_assert_msg(getaddrinfo(host, serv, &hints, &ai) == 0, "%s", host);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

/*
 * Connect a new socket of `type` to host/port, waiting at most `wait_ms`
 * for a stream handshake; returns the errno of the failure (0: connected).
 * The socket stays open in `s` for the caller.
 */
static int try_connect(ISocket *s, int type, const char *host, unsigned port,
    long wait_ms)
{
	struct sockaddr_storage ss;
	struct timespec deadline;

	addr_of(host, port, &ss);
	isocket_init(s);
	if (isocket_open(s, ss.ss_family, type, 0) != 0)
		return s->failure;
	if (type == SOCK_STREAM) {
		isocket_set_nonblocking(s, true);
		if (isocket_connect(s, (struct sockaddr *)&ss) == 0)
			return 0;
		if (s->failure != EINPROGRESS)
			return s->failure;
		deadline = clock_add_ms(clock_now(), wait_ms);
		return isocket_wait(s, &deadline) == 0 ? 0 : s->failure;
	}
	return isocket_connect(s, (struct sockaddr *)&ss) == 0 ? 0 : s->failure;
}

/* Diagnose a failure towards host/port into `o`. */
static void diagnose_ip(struct outcome *o, int type, const char *host,
    unsigned port, int error, const char *source, bool broadcast)
{
	struct sockaddr_storage dst, src;
	struct diag_query q = { .type = type, .error = error,
	    .broadcast = broadcast, .budget_ms = 2000 };

	q.dstlen = addr_of(host, port, &dst);
	q.dst = (struct sockaddr *)&dst;
	q.family = dst.ss_family;
	if (source) {
		q.srclen = addr_of(source, 0, &src);
		q.src = (struct sockaddr *)&src;
	}
	o->error = error;
	o->nfacts = diagnose_run(&q, &o->f);
	o->n = diagnose_lines(&o->f, o->lines, LINES_MAX);
}

/* Make a connect to host/port of `type` fail and diagnose it. */
static void fail_and_diagnose(struct outcome *o, int type, const char *host,
    unsigned port)
{
	ISocket s;
	int err = try_connect(&s, type, host, port, 3000);

	isocket_close(&s);
	ck_assert_msg(err != 0, "connect to %s port %u succeeded", host, port);
	diagnose_ip(o, type, host, port, err, NULL, false);
}

/* Assert that one of the sentences is exactly `want`. */
static void assert_line(const struct outcome *o, const char *want)
{
	size_t i;
	char all[LINES_MAX * (DIAG_LINE_MAX + 3)] = "";

	for (i = 0; i < o->n; i++) {
		if (strcmp(o->lines[i], want) == 0)
			return;
		strcat(all, "\n  ");
		strcat(all, o->lines[i]);
	}
	ck_abort_msg("no line \"%s\" among:%s", want, all);
}

/* A listening TCP socket on host/port (the descriptor; it stays open). */
static int tcp_listener(const char *host, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0 &&
	    listen(fd, 8) == 0, "listener on %s port %u: %s", host, port,
	    strerror(errno));
	return fd;
}

/* ---- routes ----------------------------------------------------------- */

/* A reject route of `type` and the errno a TCP connect through it gives. */
struct reject_case {
	const char *type;
	int rtn;
	int error;
	int exit_class;
};

static const struct reject_case reject_cases[] = {
	{ "unreachable", RTN_UNREACHABLE, EHOSTUNREACH, ISOCK_EXIT_UNREACHABLE },
	{ "prohibit", RTN_PROHIBIT, EACCES, ISOCK_EXIT_DENIED },
	{ "blackhole", RTN_BLACKHOLE, EINVAL, ISOCK_EXIT_UNREACHABLE },
};

START_TEST(test_route_reject)
{
	const struct reject_case *rc = &reject_cases[_i];
	struct sockaddr_storage dst;
	struct outcome o;
	char want[DIAG_LINE_MAX];
	char pfx[INET_ADDRSTRLEN];

	netns_enter();
	sh("ip route add %s 198.51.100.0/24", rc->type);
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	ck_assert_int_eq(o.error, rc->error);
	ck_assert_msg(o.f.have & DIAG_ROUTE, "no route fact");
	ck_assert_int_eq(o.f.route.type, rc->rtn);
	ck_assert_uint_eq(o.f.route.prefixlen, 24);
	ck_assert_str_eq(inet_ntop(AF_INET, &o.f.route.prefix.u, pfx,
	    sizeof(pfx)), "198.51.100.0");
	ck_assert_uint_eq(o.f.route.table, RT_TABLE_MAIN);
	snprintf(want, sizeof(want), "the route that matched 198.51.100.7 is "
	    "198.51.100.0/24, type %s, table main", rc->type);
	assert_line(&o, want);
	/* The class run.c gives: a blackhole's EINVAL is told by the one
	   route look-up (rtget), every other errno by its entry. */
	(void)addr_of("198.51.100.7", 80, &dst);
	ck_assert_int_eq(rc->rtn == RTN_BLACKHOLE &&
	    rtget_errno((const struct sockaddr *)&dst, 1000) == EINVAL ?
	    (int)ISOCK_EXIT_UNREACHABLE : (int)explain_exit_class(o.error),
	    rc->exit_class);
}
END_TEST

START_TEST(test_route_throw)
{
	struct outcome o;

	netns_enter();
	sh("ip link add d0 type veth peer name d1 && ip link set d1 up && "
	    "ip link set d0 up && ip addr add 10.9.0.1/24 dev d0 && "
	    "ip route add default dev d0 && "
	    "ip route add throw 198.51.100.0/24");
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	ck_assert_int_eq(o.error, ENETUNREACH);
	ck_assert_int_eq(o.f.route.type, RTN_THROW);
	assert_line(&o, "the route that matched 198.51.100.7 is "
	    "198.51.100.0/24, type throw, table main, and no table after it "
	    "has a route for it");
	ck_assert(!(o.f.have & DIAG_NOROUTE));
}
END_TEST

START_TEST(test_route_none)
{
	struct outcome o;

	netns_enter();
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	ck_assert_int_eq(o.error, ENETUNREACH);
	ck_assert(!(o.f.have & DIAG_ROUTE));
	ck_assert(o.f.have & DIAG_NOROUTE);
	assert_line(&o, "no route matches 198.51.100.7 and there is no "
	    "default route");
}
END_TEST

/* No route, and a device that holds an address is down: its routes went
   with it, so it is named and bringing it up is the Check, never "Add a
   route" alone (hostile finding 16); with it up, it is not named. */
START_TEST(test_route_none_link_down)
{
	struct outcome o;
	char meaning[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX];
	size_t i;

	netns_enter();
	sh("ip link add d0 type veth peer name d1 && "
	    "ip addr add 10.9.0.1/24 dev d0");
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	ck_assert_int_eq(o.error, ENETUNREACH);
	ck_assert(o.f.have & DIAG_NOROUTE);
	assert_line(&o, "d0 is down (IFF_UP off) and holds 10.9.0.1/24: the "
	    "routes through a device leave with it when it goes down");
	facts_text_advice(&o.f, meaning, sizeof(meaning), check,
	    sizeof(check));
	ck_assert_msg(strstr(meaning, "d0") != NULL, "%s", meaning);
	ck_assert_msg(strstr(check, "ip link set d0 up") != NULL, "%s", check);

	sh("ip link set d1 up && ip link set d0 up");
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	for (i = 0; i < o.n; i++)
		ck_assert_msg(strstr(o.lines[i], "d0") == NULL, "%s",
		    o.lines[i]);
}
END_TEST

/* A rule with a selector comes first: no match here, so no route fact. */
START_TEST(test_route_rule_selector)
{
	struct outcome o;

	netns_enter();
	sh("ip rule add fwmark 1 lookup 100 pref 100 && "
	    "ip route add unreachable 198.51.100.0/24 table 100 && "
	    "ip route add prohibit 198.51.100.0/24");
	fail_and_diagnose(&o, SOCK_STREAM, "198.51.100.7", 80);
	ck_assert_int_eq(o.error, EACCES);
	ck_assert_msg(!(o.f.have & (DIAG_ROUTE | DIAG_NOROUTE)),
	    "a route fact past a rule that cannot be followed: %s",
	    o.n ? o.lines[0] : "");
}
END_TEST

/* A budget of nothing: no netlink look-up, no fact from one. */
START_TEST(test_route_no_budget)
{
	struct sockaddr_storage dst;
	struct diag_query q = { .type = SOCK_STREAM, .error = EHOSTUNREACH,
	    .budget_ms = 0 };
	struct diag_facts f;

	netns_enter();
	sh("ip route add unreachable 198.51.100.0/24");
	q.dstlen = addr_of("198.51.100.7", 80, &dst);
	q.dst = (struct sockaddr *)&dst;
	q.family = AF_INET;
	ck_assert_int_eq(diagnose_run(&q, &f), 0);
	ck_assert_uint_eq(f.have, 0);
}
END_TEST

/* ---- neighbours ------------------------------------------------------- */

START_TEST(test_neigh_failed)
{
	struct outcome o;
	char want[DIAG_LINE_MAX];

	netns_enter();
	sh("ip link add veth0 type veth peer name veth1 && "
	    "ip link set veth1 up && ip link set veth0 up && "
	    "ip addr add 10.0.0.1/24 dev veth0");
	sysctl_set("/proc/sys/net/ipv4/neigh/veth0/mcast_solicit", "1");
	sysctl_set("/proc/sys/net/ipv4/neigh/veth0/ucast_solicit", "0");
	sysctl_set("/proc/sys/net/ipv4/neigh/veth0/app_solicit", "0");
	sysctl_set("/proc/sys/net/ipv4/neigh/veth0/retrans_time_ms", "300");
	fail_and_diagnose(&o, SOCK_STREAM, "10.0.0.7", 80);
	ck_assert_msg(o.error == EHOSTUNREACH || o.error == ETIMEDOUT,
	    "connect failed with %s", strerror(o.error));
	ck_assert_int_eq(o.f.route.type, RTN_UNICAST);
	ck_assert_str_eq(o.f.route.dev, "veth0");
	assert_line(&o, "the route that matched 10.0.0.7 is 10.0.0.0/24, "
	    "type unicast, table main, dev veth0");
	ck_assert_msg(o.f.have & DIAG_NEIGH, "no neighbour fact");
	ck_assert_msg(o.f.neigh.state & (NUD_FAILED | NUD_INCOMPLETE),
	    "neighbour state %#x", o.f.neigh.state);
	ck_assert(!o.f.neigh.is_gateway);
	snprintf(want, sizeof(want), "no ARP reply from 10.0.0.7 on veth0 "
	    "(neighbour entry %s)", o.f.neigh.state & NUD_FAILED ? "FAILED" :
	    "INCOMPLETE");
	assert_line(&o, want);
}
END_TEST

/* ---- local resources -------------------------------------------------- */

START_TEST(test_port_range_exhausted)
{
	struct outcome o;
	ISocket first, second;
	int lfd, err;

	netns_enter();
	sysctl_set("/proc/sys/net/ipv4/ip_local_port_range", "40000 40000");
	lfd = tcp_listener("127.0.0.1", 8080);
	ck_assert_int_eq(try_connect(&first, SOCK_STREAM, "127.0.0.1", 8080,
	    1000), 0);
	err = try_connect(&second, SOCK_STREAM, "127.0.0.1", 8080, 1000);
	ck_assert_int_eq(err, EADDRNOTAVAIL);
	diagnose_ip(&o, SOCK_STREAM, "127.0.0.1", 8080, err, NULL, false);
	isocket_close(&first);
	isocket_close(&second);
	close(lfd);
	ck_assert_uint_eq(o.f.ports.low, 40000);
	ck_assert_uint_eq(o.f.ports.high, 40000);
	ck_assert(o.f.ports.in_use_known);
	ck_assert_uint_eq(o.f.ports.in_use, 1);
	assert_line(&o, "the local port range 40000-40000 "
	    "(/proc/sys/net/ipv4/ip_local_port_range) holds 1 port");
	assert_line(&o, "1 of them is in use towards 127.0.0.1 port 8080");
	ck_assert_int_eq(explain_exit_class(o.error),
	    ISOCK_EXIT_RESOURCES);
}
END_TEST

START_TEST(test_source_unassigned)
{
	struct outcome o;
	char meaning[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX];
	struct sockaddr_storage ss;
	socklen_t len;
	ISocket s;
	int err = 0;

	netns_enter();
	isocket_init(&s);
	ck_assert_int_eq(isocket_open(&s, AF_INET, SOCK_STREAM, 0), 0);
	len = addr_of("192.0.2.77", 0, &ss);
	if (bind(s.fd, (struct sockaddr *)&ss, len) != 0)
		err = errno;
	isocket_close(&s);
	ck_assert_int_eq(err, EADDRNOTAVAIL);
	diagnose_ip(&o, SOCK_STREAM, "127.0.0.1", 8080, err, "192.0.2.77",
	    false);
	ck_assert(o.f.have & DIAG_SOURCE);
	ck_assert(!o.f.source.assigned);
	assert_line(&o, "source address 192.0.2.77 is not assigned to any "
	    "interface");
	/* That is the cause: no port range, no "no port left", and no
	   `ip addr` asked for what the Found line says (hostile finding 13). */
	ck_assert(!(o.f.have & DIAG_PORTRANGE));
	facts_text_advice(&o.f, meaning, sizeof(meaning), check,
	    sizeof(check));
	ck_assert_msg(strstr(meaning, "192.0.2.77 is not an address of this "
	    "host") != NULL && strstr(meaning, "port") == NULL, "%s", meaning);
	ck_assert_msg(strstr(check, "ip addr") == NULL &&
	    strstr(check, "ss -tan") == NULL, "%s", check);
	/* The same look-up for an address lo has. */
	diagnose_ip(&o, SOCK_STREAM, "127.0.0.1", 8080, EADDRNOTAVAIL,
	    "127.0.0.1", false);
	ck_assert(o.f.source.assigned);
	assert_line(&o, "source address 127.0.0.1 is assigned to lo");
}
END_TEST

/* ---- listeners -------------------------------------------------------- */

/* Refused on 127.0.0.1 while the only listener is on `where`. */
static void refused_elsewhere(const char *where)
{
	struct outcome o;
	char want[DIAG_LINE_MAX];
	int lfd;

	netns_enter();
	lfd = tcp_listener(where, 8080);
	fail_and_diagnose(&o, SOCK_STREAM, "127.0.0.1", 8080);
	close(lfd);
	ck_assert_int_eq(o.error, ECONNREFUSED);
	ck_assert_int_eq(o.f.route.type, RTN_LOCAL);
	assert_line(&o, "127.0.0.1 is an address of this host (local route "
	    "127.0.0.1/32, dev lo)");
	ck_assert(o.f.have & DIAG_LISTENERS);
	ck_assert_uint_eq(o.f.listen.count, 1);
	snprintf(want, sizeof(want), "TCP port 8080 has a listener on %s only, "
	    "not on 127.0.0.1", where);
	assert_line(&o, want);
}

START_TEST(test_refused_listener_v4)
{
	refused_elsewhere("127.0.0.2");
}
END_TEST

START_TEST(test_refused_listener_v6)
{
	refused_elsewhere("::1");
}
END_TEST

START_TEST(test_refused_nobody)
{
	struct outcome o;

	netns_enter();
	fail_and_diagnose(&o, SOCK_STREAM, "127.0.0.1", 8080);
	ck_assert_int_eq(o.error, ECONNREFUSED);
	ck_assert_uint_eq(o.f.listen.count, 0);
	ck_assert_uint_eq(o.f.have & DIAG_NONETLINK, 0);
	assert_line(&o, "nothing on this host listens on TCP port 8080");
}
END_TEST

/*
 * Built without libmnl, a refusal on a local address finds neither the
 * route nor the listeners, says that the build read no netlink facts, and
 * never that nothing listens.
 */
START_TEST(test_refused_no_netlink)
{
	struct outcome o;
	size_t i;

	netns_enter();
	fail_and_diagnose(&o, SOCK_STREAM, "127.0.0.1", 8080);
	ck_assert_int_eq(o.error, ECONNREFUSED);
	ck_assert_uint_eq(o.f.have, DIAG_NONETLINK);
	assert_line(&o, "this build reads no netlink facts (built without "
	    "libmnl): routes, neighbours and listeners were not looked up");
	for (i = 0; i < o.n; i++)
		ck_assert_msg(strstr(o.lines[i], "listens") == NULL,
		    "a false fact: %s", o.lines[i]);
}
END_TEST

START_TEST(test_broadcast_off)
{
	struct outcome o;

	netns_enter();
	sh("ip link add d0 type veth peer name d1 && ip link set d1 up && "
	    "ip link set d0 up && ip addr add 10.9.0.1/24 brd + dev d0");
	fail_and_diagnose(&o, SOCK_DGRAM, "10.9.0.255", 9);
	ck_assert_int_eq(o.error, EACCES);
	ck_assert(o.f.have & DIAG_BROADCAST);
	ck_assert_int_eq(o.f.route.type, RTN_BROADCAST);
	assert_line(&o, "10.9.0.255 is a broadcast address and SO_BROADCAST "
	    "is off: add -b");
	/* With SO_BROADCAST set the same failure is not blamed on it. */
	diagnose_ip(&o, SOCK_DGRAM, "10.9.0.255", 9, EACCES, NULL, true);
	ck_assert(!(o.f.have & DIAG_BROADCAST));
}
END_TEST

/* ---- IPv6 and SCTP ---------------------------------------------------- */

START_TEST(test_ipv6_disabled)
{
	struct outcome o;

	netns_enter();
	sysctl_set("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	fail_and_diagnose(&o, SOCK_STREAM, "2001:db8::1", 80);
	ck_assert_msg(o.error == ENETUNREACH || o.error == EAFNOSUPPORT ||
	    o.error == EADDRNOTAVAIL,
	    "connect failed with %s", strerror(o.error));
	ck_assert(o.f.have & DIAG_IPV6);
	ck_assert_int_eq(o.f.ipv6.disable_all, 1);
	assert_line(&o, "IPv6 is disabled (net.ipv6.conf.all.disable_ipv6 = 1)");
	assert_line(&o, "no interface has a global IPv6 address");
	assert_line(&o, "there is no IPv6 default route");
}
END_TEST

START_TEST(test_sctp)
{
	struct outcome o;
	ISocket s;
	int err;
	bool there = access("/proc/net/sctp", F_OK) == 0;

	isocket_init(&s);
	err = isocket_open(&s, AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP) == 0 ?
	    0 : s.failure;
	isocket_close(&s);
	/* Where SCTP works, diagnose the errno it would have had. */
	diagnose_ip(&o, SOCK_SEQPACKET, "127.0.0.1", 9, err ? err :
	    EPROTONOSUPPORT, NULL, false);
	ck_assert(o.f.have & DIAG_SCTP);
	ck_assert_int_eq(o.f.sctp.proc_net_sctp, there);
	if (there)
		ck_assert_str_eq(o.lines[0], o.f.sctp.module == 1 ?
		    "SCTP is available (/proc/net/sctp exists), the sctp "
		    "module is loaded" : "SCTP is available (/proc/net/sctp "
		    "exists)");
	else if (o.f.sctp.module == 0)
		assert_line(&o, "SCTP is not available: no sctp module loaded "
		    "(see lsmod; modprobe sctp loads it)");
	ck_assert_msg(there || err != 0, "SCTP socket opened without "
	    "/proc/net/sctp");
}
END_TEST

/* ---- Unix paths ------------------------------------------------------- */

/* A new temporary directory others may search, into `dir`. */
static void tmpdir_make(char dir[64])
{
	strcpy(dir, "/tmp/isock-diag-XXXXXX");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert_int_eq(chmod(dir, 0755), 0);
}

/* Remove the temporary directory and all in it. */
static void tmpdir_remove(const char *dir)
{
	sh("rm -rf -- '%s'", dir);
}

/* The sockaddr_un of `path`. */
static struct sockaddr_un unix_addr(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	return sun;
}

/* A socket of `type` bound to `path`, listening with `backlog` (not dgram). */
static int unix_listener(const char *path, int type, int backlog)
{
	struct sockaddr_un sun = unix_addr(path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0 && bind(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0 && (type == SOCK_DGRAM || listen(fd, backlog) == 0),
	    "listener on %s: %s", path, strerror(errno));
	return fd;
}

/* Connect a new socket of `type` to `path` without waiting; its errno. */
static int unix_try(ISocket *s, int type, const char *path)
{
	struct sockaddr_un sun = unix_addr(path);

	isocket_init(s);
	if (isocket_open(s, AF_UNIX, type, 0) != 0)
		return s->failure;
	isocket_set_nonblocking(s, true);
	return isocket_connect(s, (struct sockaddr *)&sun) == 0 ? 0 : s->failure;
}

/* Connect to `path`, which must fail, and diagnose it. */
static void unix_fail_and_diagnose(struct outcome *o, int type,
    const char *path)
{
	struct sockaddr_un sun = unix_addr(path);
	struct diag_query q = { .family = AF_UNIX, .type = type,
	    .dst = (struct sockaddr *)&sun, .dstlen = sizeof(sun),
	    .budget_ms = 2000 };
	ISocket s;

	q.error = unix_try(&s, type, path);
	isocket_close(&s);
	o->error = q.error;
	o->nfacts = diagnose_run(&q, &o->f);
	o->n = diagnose_lines(&o->f, o->lines, LINES_MAX);
}

/* Assert a sentence: `fmt` with the temporary directory filled in. */
__attribute__((format(printf, 2, 3)))
static void assert_linef(const struct outcome *o, const char *fmt, ...)
{
	char want[DIAG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_line(o, want);
}

/* A Unix path in the way of a connect, and what the walk must say. */
struct unix_case {
	const char *file;	/* made as `kind` before, relative; or NULL */
	mode_t kind;		/* S_IFREG or S_IFIFO */
	const char *rel;	/* the path tried, relative to the directory */
	int error;
	enum diag_path_kind found;
	const char *line;	/* the sentence after the directory's name */
};

static const struct unix_case unix_cases[] = {
	{ NULL, 0, "nope/deeper/sock", ENOENT, DIAG_PATH_MISSING,
	  "/nope does not exist" },
	{ NULL, 0, "sock", ENOENT, DIAG_PATH_MISSING, "/sock does not exist" },
	{ "file", S_IFREG, "file/sock", ENOTDIR, DIAG_PATH_NOTDIR,
	  "/file is not a directory but a regular file" },
	{ "sock", S_IFREG, "sock", ECONNREFUSED, DIAG_PATH_NOTSOCK,
	  "/sock is not a socket but a regular file" },
	{ "fifo", S_IFIFO, "fifo", ECONNREFUSED, DIAG_PATH_NOTSOCK,
	  "/fifo is not a socket but a FIFO" },
	/* Text from outside is escaped: no terminal control gets through. */
	{ NULL, 0, "a\033[2Jb/sock", ENOENT, DIAG_PATH_MISSING,
	  "/a\\x1b[2Jb does not exist" },
};

START_TEST(test_unix_path)
{
	const struct unix_case *uc = &unix_cases[_i];
	struct outcome o;
	char dir[64], path[128], file[128], want[DIAG_LINE_MAX];

	netns_enter();
	tmpdir_make(dir);
	if (uc->file) {
		snprintf(file, sizeof(file), "%s/%s", dir, uc->file);
		ck_assert_msg(mknod(file, uc->kind | 0644, 0) == 0, "%s: %s",
		    file, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/%s", dir, uc->rel);
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, uc->error);
	ck_assert(o.f.have & DIAG_PATH);
	ck_assert_int_eq(o.f.path.kind, uc->found);
	ck_assert(!(o.f.have & DIAG_UNIXPEER));
	snprintf(want, sizeof(want), "%s%s", dir, uc->line);
	assert_line(&o, want);
	ck_assert_int_eq(explain_exit_class(o.error),
	    uc->error == ECONNREFUSED ? ISOCK_EXIT_REFUSED : ISOCK_EXIT_NOTFOUND);
}
END_TEST

START_TEST(test_unix_nosearch)
{
	struct outcome o;
	char dir[64], path[128], user[64], group[64];
	const struct passwd *pw = getpwuid(1);
	const struct group *gr = getgrgid(1);
	int lfd;

	ck_assert_msg(pw && gr, "no user or group 1 to own the directory");
	snprintf(user, sizeof(user), "%s", pw->pw_name);
	snprintf(group, sizeof(group), "%s", gr->gr_name);
	netns_enter();
	tmpdir_make(dir);
	sh("mkdir -m 700 '%s/priv' && chown 1:1 '%s/priv'", dir, dir);
	snprintf(path, sizeof(path), "%s/priv/sock", dir);
	lfd = unix_listener(path, SOCK_STREAM, 4);
	/* Seen as uid 65534, with a way back to root for the clean-up. */
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setegid(65534), 0);
	ck_assert_int_eq(seteuid(65534), 0);
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	ck_assert_int_eq(seteuid(0), 0);
	ck_assert_int_eq(setegid(0), 0);
	close(lfd);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, EACCES);
	ck_assert_int_eq(o.f.path.kind, DIAG_PATH_NOSEARCH);
	ck_assert_uint_eq(o.f.path.mode & 07777, 0700);
	/* The user is named, not only numbered (issue 12). */
	assert_linef(&o, "%s/priv is mode 700 owned by %s:%s; this user "
	    "(%s, uid 65534) cannot search it", dir, user, group,
	    getpwuid(65534) != NULL ? getpwuid(65534)->pw_name : "65534");
	ck_assert_int_eq(explain_exit_class(o.error), ISOCK_EXIT_DENIED);
}
END_TEST

/* A dangling symbolic link: the link exists, its target does not; never
   "does not exist" of the link, nor "Nothing exists at" it. */
START_TEST(test_unix_dangling)
{
	struct outcome o;
	char dir[64], path[128], target[128], near[128];
	char meaning[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX];
	size_t i;
	int lfd;

	netns_enter();
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/dangling", dir);
	snprintf(target, sizeof(target), "%s/nothere", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	/* A socket beside it: the link is still what is said. */
	snprintf(near, sizeof(near), "%s/other.sock", dir);
	lfd = unix_listener(near, SOCK_STREAM, 4);
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	close(lfd);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, ENOENT);
	ck_assert_int_eq(o.f.path.kind, DIAG_PATH_MISSING);
	assert_linef(&o, "%s is a symbolic link to %s, which does not exist",
	    path, target);
	for (i = 0; i < o.n; i++)
		ck_assert_msg(strstr(o.lines[i], "dangling does not exist") ==
		    NULL, "%s", o.lines[i]);
	facts_text_advice(&o.f, meaning, sizeof(meaning), check,
	    sizeof(check));
	ck_assert_msg(strstr(meaning, "symbolic link") != NULL &&
	    strstr(meaning, "Nothing exists") == NULL, "%s", meaning);
	ck_assert_int_eq((int)explain_exit_class(o.error),
	    ISOCK_EXIT_NOTFOUND);
}
END_TEST

START_TEST(test_unix_stale)
{
	struct outcome o;
	char dir[64], path[128];

	netns_enter();
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/sock", dir);
	close(unix_listener(path, SOCK_STREAM, 4));
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, ECONNREFUSED);
	ck_assert_int_eq(o.f.path.kind, DIAG_PATH_SOCKET);
	ck_assert(o.f.have & DIAG_UNIXPEER);
	ck_assert(!o.f.unixpeer.found);
	assert_linef(&o, "nothing listens on %s: a stale socket file", path);
}
END_TEST

START_TEST(test_unix_wrong_type)
{
	struct outcome o;
	char dir[64], path[128];
	int lfd;

	netns_enter();
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/sock", dir);
	lfd = unix_listener(path, SOCK_SEQPACKET, 4);
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	close(lfd);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, EPROTOTYPE);
	ck_assert(o.f.unixpeer.found);
	ck_assert_int_eq(o.f.unixpeer.type, SOCK_SEQPACKET);
	assert_linef(&o, "the listener on %s is of type seqpacket: use "
	    "-T seqpacket", path);
}
END_TEST

START_TEST(test_unix_backlog_full)
{
	struct outcome o;
	char dir[64], path[128];
	ISocket c[16];
	int lfd, err = 0;
	unsigned i, made = 0;

	netns_enter();
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/sock", dir);
	lfd = unix_listener(path, SOCK_STREAM, 1);
	for (i = 0; i < 16 && err == 0; i++) {
		err = unix_try(&c[i], SOCK_STREAM, path);
		if (err == 0)
			made++;
		else
			isocket_close(&c[i]);
	}
	ck_assert_int_eq(err, EAGAIN);
	unix_fail_and_diagnose(&o, SOCK_STREAM, path);
	for (i = 0; i < made; i++)
		isocket_close(&c[i]);
	close(lfd);
	tmpdir_remove(dir);
	ck_assert_int_eq(o.error, EAGAIN);
	ck_assert(o.f.unixpeer.found && o.f.unixpeer.listening);
	ck_assert_uint_eq(o.f.unixpeer.backlog, 1);
	ck_assert_uint_eq(o.f.unixpeer.queued, made);
	assert_linef(&o, "the listener on %s has %u connections waiting, its "
	    "backlog is 1", path, made);
	ck_assert_int_eq(explain_exit_class(o.error),
	    ISOCK_EXIT_RESOURCES);
}
END_TEST

/* ---- the ICMP sentences and the advice after them ------------------ */

/* An ICMP error, the sentence it gives, and whether it came from here. */
static const struct {
	int family;
	unsigned type, code;
	const char *sender;
	bool local;
	const char *line;
} icmp_cases[] = {
	{ AF_INET, 3, 1, "10.98.0.2", false,
	  "10.98.0.2 answered with ICMP host unreachable" },
	{ AF_INET, 3, 13, "10.98.0.2", false,
	  "10.98.0.2 answered with ICMP administratively prohibited" },
	{ AF_INET, 3, 0, "10.98.0.2", false,
	  "10.98.0.2 answered with ICMP network unreachable" },
	{ AF_INET6, 1, 1, "fd98::2", false,
	  "fd98::2 answered with ICMPv6 administratively prohibited" },
	{ AF_INET6, 1, 0, "fd98::2", false,
	  "fd98::2 answered with ICMPv6 no route to destination" },
	{ AF_INET6, 1, 6, "fd98::2", false,
	  "fd98::2 answered with ICMPv6 reject route to destination" },
	{ AF_INET, 11, 0, "10.98.0.3", false,
	  "10.98.0.3 answered with ICMP time exceeded" },
	{ AF_INET, 5, 1, "10.98.0.3", false,
	  "10.98.0.3 answered with ICMP type 5 code 1" },
	{ AF_INET, 3, 13, "10.98.0.1", true,
	  "10.98.0.1, an address of this host, answered with ICMP "
	  "administratively prohibited" },
};

/*
 * The sentence of each ICMP error, and the advice after it: a remote one
 * never blames this host nor suggests -p, -b or a security module; a local
 * one names this host's firewall.
 */
START_TEST(test_icmp_text)
{
	struct outcome o;
	char meaning[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX];
	int fam = icmp_cases[_i].family;

	memset(&o, 0, sizeof(o));
	o.f.have = DIAG_ICMP;
	o.f.family = fam;
	o.f.type = SOCK_DGRAM;
	o.f.error = fam == AF_INET6 ? EACCES : EHOSTUNREACH;
	o.f.port = 53;
	o.f.dst.family = fam;
	ck_assert_int_eq(inet_pton(fam, fam == AF_INET6 ? "fd99:2::7" :
	    "10.99.1.7", &o.f.dst.u), 1);
	o.f.icmp.family = fam;
	o.f.icmp.type = icmp_cases[_i].type;
	o.f.icmp.code = icmp_cases[_i].code;
	o.f.icmp.local = icmp_cases[_i].local;
	o.f.icmp.sender.family = fam;
	ck_assert_int_eq(inet_pton(fam, icmp_cases[_i].sender,
	    &o.f.icmp.sender.u), 1);
	o.n = diagnose_lines(&o.f, o.lines, LINES_MAX);
	assert_line(&o, icmp_cases[_i].line);
	facts_text_advice(&o.f, meaning, sizeof(meaning), check,
	    sizeof(check));
	if (icmp_cases[_i].local) {
		ck_assert_msg(strstr(meaning, "This host refused") != NULL,
		    "%s", meaning);
		ck_assert_msg(strstr(check, "nft list ruleset") != NULL, "%s",
		    check);
		return;
	}
	ck_assert_msg(strstr(meaning, "refused") == NULL ||
	    icmp_cases[_i].code != 1 || fam != AF_INET, "%s", meaning);
	if (fam == AF_INET && icmp_cases[_i].type == 3 &&
	    icmp_cases[_i].code == 1)	/* the router's ARP, or its route */
		ck_assert_msg(strstr(meaning, "ARP for 10.99.1.7 got no answer")
		    != NULL && strstr(meaning, "No one cause is proven") != NULL,
		    "%s", meaning);
	else if (icmp_cases[_i].code == 0 && icmp_cases[_i].type ==
	    (fam == AF_INET ? 3 : 1))	/* its route, or a reject rule */
		ck_assert_msg(strstr(meaning, "has no route to") != NULL &&
		    strstr(meaning, "a reject rule on") != NULL &&
		    strstr(meaning, "this host") == NULL, "%s", meaning);
	else
		ck_assert_msg(strstr(meaning, "not this host") != NULL, "%s",
		    meaning);
	ck_assert_msg(strstr(meaning, "This host denied") == NULL, "%s",
	    meaning);
	ck_assert_msg(strstr(check, "-b") == NULL && strstr(check, "-p") ==
	    NULL && strstr(check, "journalctl") == NULL, "%s", check);
	ck_assert_msg(strstr(check, icmp_cases[_i].sender) != NULL, "%s",
	    check);
}
END_TEST

/*
 * A look-up that failed while the process was out of descriptors: the
 * name server was never asked, so it is not said to be silent, nor is
 * glibc said to ask 127.0.0.1 for want of a resolv.conf it could not open.
 */
START_TEST(test_resolver_not_asked)
{
	struct sockaddr_in *sin;
	struct outcome o;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.f.have = DIAG_RESOLVER;
	o.f.family = AF_UNSPEC;
	o.f.type = SOCK_STREAM;
	o.f.eai = EAI_AGAIN;
	o.f.resolver.conf.error = EMFILE;
	o.f.resolver.cause = RESOLVER_NO_ANSWER;
	o.f.resolver.nasked = 1;
	sin = (struct sockaddr_in *)&o.f.resolver.asked[0].addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.f.resolver.asked[0].error = EMFILE;
	o.n = diagnose_lines(&o.f, o.lines, LINES_MAX);
	assert_line(&o, "name server 127.0.0.1 was not asked: Too many open "
	    "files");
	for (i = 0; i < o.n; i++)
		ck_assert_msg(strstr(o.lines[i], "did not answer") == NULL &&
		    strstr(o.lines[i], "glibc asks") == NULL, "%s",
		    o.lines[i]);
}
END_TEST

/* glibc asks name servers in turn; musl all at once. */
#ifdef __GLIBC__
#define ISOCK_GLIBC 1
#else
#define ISOCK_GLIBC 0
#endif

/* Name server `i` of `f` is 10.0.0.`last`. */
static void
ns_at(struct diag_facts *f, size_t i, unsigned last)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&f->resolver.asked[i].addr;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x0a000000u | last);
}

/*
 * `f`: the look-up of db.test failed with `eai`, the name servers read
 * gave `cause`; `nasked` of them were asked (their errors are the
 * caller's).
 */
static void
name_failed(struct diag_facts *f, int eai, enum resolver_cause cause,
    size_t nasked)
{
	memset(f, 0, sizeof(*f));
	f->have = DIAG_RESOLVER;
	f->family = AF_UNSPEC;
	f->type = SOCK_STREAM;
	f->eai = eai;
	snprintf(f->host, sizeof(f->host), "db.test");
	f->resolver.cause = cause;
	f->resolver.nasked = nasked;
}

/*
 * The -w deadline ended a look-up (EAI_CANCELED): where a silent name
 * server comes before one that has an answer, the resolver's wait for the
 * silent one is the cause, named with both servers (glibc).  Not said
 * when the later one is silent too, when the first answered ICMP (no
 * wait), for a look-up the resolver itself gave up (EAI_AGAIN), nor with
 * options rotate.
 */
START_TEST(test_resolver_slow_first)
{
	const char *said = "Name server 10.0.0.1 did not answer, and 10.0.0.2, "
	    "listed after it, has an answer for db.test: the resolver waits 1 "
	    "s for a silent server";
	char meaning[DIAG_LINE_MAX], check[DIAG_LINE_MAX];
	struct diag_facts f;
	int round;

	for (round = 0; round < 5; round++) {
		name_failed(&f, round == 3 ? EAI_AGAIN : EAI_CANCELED,
		    round == 1 ? RESOLVER_NO_ANSWER : RESOLVER_UNKNOWN, 2);
		f.resolver.conf.timeout_s = 1;
		if (round == 4)		/* glibc starts at another server */
			snprintf(f.resolver.conf.options,
			    sizeof(f.resolver.conf.options), "rotate");
		ns_at(&f, 0, 1);
		ns_at(&f, 1, 2);
		f.resolver.asked[0].error = round == 2 ? ECONNREFUSED :
		    ETIMEDOUT;
		if (round == 1) {
			f.resolver.asked[1].error = ETIMEDOUT;
		} else {
			f.resolver.asked[1].answered = true;
			f.resolver.asked[1].answers = 1;
		}
		facts_text_advice(&f, meaning, sizeof(meaning), check,
		    sizeof(check));
		if (round == 0 && ISOCK_GLIBC) {
			ck_assert_msg(strstr(meaning, said) != NULL, "%s",
			    meaning);
			ck_assert_msg(strstr(check, "Start 10.0.0.1 or remove "
			    "it from /etc/resolv.conf") != NULL, "%s", check);
		} else {
			ck_assert_msg(strstr(meaning, "has an answer") == NULL,
			    "round %d: %s", round, meaning);
		}
	}
}
END_TEST

/*
 * No name server answered: one whose query came back with an ICMP error
 * (EHOSTUNREACH) is not called silent, and the Check asks the way to it;
 * a silent one keeps "no name server replied" and the dig Check.
 */
START_TEST(test_resolver_error_not_silence)
{
	char meaning[DIAG_LINE_MAX], check[DIAG_LINE_MAX];
	struct diag_facts f;
	int round;

	for (round = 0; round < 2; round++) {
		name_failed(&f, EAI_AGAIN, RESOLVER_NO_ANSWER, 1);
		ns_at(&f, 0, 53);
		f.resolver.asked[0].error = round == 0 ? EHOSTUNREACH :
		    ETIMEDOUT;
		facts_text_advice(&f, meaning, sizeof(meaning), check,
		    sizeof(check));
		if (round == 0) {
			ck_assert_msg(strstr(meaning, "came back with an "
			    "error, not silence") != NULL &&
			    strstr(meaning, "replied") == NULL, "%s", meaning);
			ck_assert_msg(strstr(check, "isock-connect -u --probe "
			    "10.0.0.53 53") != NULL && strstr(check, "silence")
			    == NULL, "%s", check);
		} else {
			ck_assert_msg(strstr(meaning, "no name server replied")
			    != NULL && strstr(meaning, "came back") == NULL,
			    "%s", meaning);
			ck_assert_msg(strstr(check, "dig @10.0.0.53 db.test") !=
			    NULL, "%s", check);
		}
	}
}
END_TEST

/* ---- diagnoses on the loop (diag_start) -------------------------------- */

/* A diagnosis started on a loop, and what its callback saw. */
struct started {
	struct diag_facts f;
	int calls, nfacts;
	bool inside;			/* called inside diag_start */
};

static bool starting;

static void
started_done(void *arg, int nfacts)
{
	struct started *st = arg;

	st->calls++;
	st->nfacts = nfacts;
	st->inside |= starting;
}

/* Start a diagnosis of a refusal on 127.0.0.1:`port` into `st`. */
static struct diag *
start_refused(struct started *st, struct sockaddr_storage *ss, unsigned port)
{
	struct diag_query q = { .type = SOCK_STREAM, .error = ECONNREFUSED,
	    .budget_ms = 2000, .several = true };
	struct diag *d;

	memset(st, 0, sizeof(*st));
	q.dstlen = addr_of("127.0.0.1", port, ss);
	q.dst = (struct sockaddr *)ss;
	q.family = AF_INET;
	starting = true;
	d = diag_start(&q, false, &st->f, started_done, st);
	starting = false;
	return d;
}

/*
 * Two diagnoses under way on one loop at once: neither is told inside
 * diag_start, both end with their facts (the local route, nobody
 * listening), each told once; no descriptor is left open.
 */
START_TEST(test_side_by_side)
{
	struct sockaddr_storage a, b;
	struct started x, y;
	struct loop *l;
	int i, fds;

	netns_enter();
	fds = fds_open();
	l = loop_new();
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(start_refused(&x, &a, 8080));
	ck_assert_ptr_nonnull(start_refused(&y, &b, 8081));
	ck_assert_int_eq(x.calls + y.calls, 0);
	for (i = 0; i < 300 && x.calls + y.calls < 2; i++)
		(void)loop_once(l, 10);
	loop_free(l);
	ck_assert_int_eq(x.calls, 1);
	ck_assert_int_eq(y.calls, 1);
	ck_assert(!x.inside && !y.inside);
	ck_assert(x.f.have & DIAG_ROUTE);
	ck_assert(y.f.have & DIAG_ROUTE);
	ck_assert_int_eq(x.f.route.type, RTN_LOCAL);
	ck_assert_int_eq(y.f.route.type, RTN_LOCAL);
	ck_assert(x.f.have & DIAG_LISTENERS);
	ck_assert_uint_eq(x.f.listen.count, 0);
	ck_assert_uint_eq(y.f.port, 8081);
	ck_assert_int_eq(fds_open(), fds);
}
END_TEST

/*
 * diag_stop ends a diagnosis whose reply has not come: told at once,
 * before diag_stop returns, with no fact it has not read, and its socket
 * closed; the loop has nothing left of it.
 */
START_TEST(test_stop_midway)
{
	struct sockaddr_storage a;
	struct started x;
	struct diag *d;
	struct loop *l;
	int fds;

	netns_enter();
	fds = fds_open();
	l = loop_new();
	ck_assert_ptr_nonnull(l);
	d = start_refused(&x, &a, 8080);
	ck_assert_ptr_nonnull(d);
	(void)loop_once(l, 0);	/* the first round: its request sent */
	ck_assert_int_eq(x.calls, 0);
	diag_stop(d);
	ck_assert_int_eq(x.calls, 1);
	ck_assert_uint_eq(x.f.have & DIAG_LISTENERS, 0);
	/* The ruleset was not asked for yet: nothing is said of it (review
	   r1, 5: "could not be read"). */
	ck_assert_uint_eq(x.f.have & (DIAG_RULESET | DIAG_NORULESET), 0);
	ck_assert_int_eq(loop_once(l, 0), 0);
	loop_free(l);
	ck_assert_int_eq(fds_open(), fds);
}
END_TEST

#ifdef HAVE_LIBMNL
/*
 * A local listener that did not answer (ETIMEDOUT): the owner of its
 * socket is this process, found by one walk of /proc, not one a round
 * (review r1, 4: three walks on r4, the ruleset's two rounds after it).
 */
START_TEST(test_owner_walked_once)
{
	struct outcome o;
	unsigned long before;
	int lfd;

	netns_enter();
	lfd = tcp_listener("127.0.0.1", 8080);
	before = sockdiag_owner_scans();
	diagnose_ip(&o, SOCK_STREAM, "127.0.0.1", 8080, ETIMEDOUT, NULL,
	    false);
	close(lfd);
	ck_assert(o.f.have & DIAG_OWNER);
	ck_assert_int_eq(o.f.owner.pid, (long)getpid());
	ck_assert_uint_eq(sockdiag_owner_scans() - before, 1);
}
END_TEST
#endif

#ifdef HAVE_NFTNL
/* How many sets (each looked up by one rule) test_ruleset_read_once has. */
#define RULESET_NSETS 24

/*
 * A ruleset of RULESET_NSETS sets and as many drop rules in the output
 * chain, none of which matches 127.0.0.1: a refusal there reads it whole
 * (DIAG_RULESET, no chain that drops) and parses each of its messages
 * once -- the chain, each rule, each set's elements -- not again in every
 * round (review r1, 4: r4 parsed the rules again for each set's round,
 * and a ruleset of 4000 rules then no longer fitted the budget).
 */
START_TEST(test_ruleset_read_once)
{
	char file[] = "/tmp/check_diagnose_nft.XXXXXX";
	struct outcome o;
	unsigned long before;
	FILE *fp;
	int fd, i;

	if (system("nft --version >/dev/null 2>&1") != 0) {
		printf("test_ruleset_read_once: skipped: no nft(8)\n");
		return;
	}
	netns_enter();
	fd = mkstemp(file);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "table inet t {\n");
	for (i = 0; i < RULESET_NSETS; i++)
		fprintf(fp, "set s%d { type ipv4_addr; elements = { 10.9.%d.1, "
		    "10.9.%d.2 } }\n", i, i, i);
	fprintf(fp, "chain c { type filter hook output priority 0; "
	    "policy accept;\n");
	for (i = 0; i < RULESET_NSETS; i++)
		fprintf(fp, "ip daddr @s%d tcp dport 8080 drop\n", i);
	fprintf(fp, "}\n}\n");
	ck_assert_int_eq(fclose(fp), 0);
	sh("nft -f %s", file);
	unlink(file);
	before = ruleset_parsed();
	fail_and_diagnose(&o, SOCK_STREAM, "127.0.0.1", 8080);
	ck_assert_int_eq(o.error, ECONNREFUSED);
	ck_assert(o.f.have & DIAG_RULESET);
	ck_assert_uint_eq(o.f.have & DIAG_NORULESET, 0);
	ck_assert_uint_eq(o.f.ruleset.nchains, 0);
	/* One chain, the rules, each set's elements (one message for
	   both, or one each). */
	ck_assert_uint_ge(ruleset_parsed() - before, 1 + 2 * RULESET_NSETS);
	ck_assert_uint_le(ruleset_parsed() - before, 1 + 3 * RULESET_NSETS);
}
END_TEST
#endif

/* ---- the suite -------------------------------------------------------- */

static Suite *diagnose_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("routes");

	/* The facts of netlink; without libmnl, the sentence that says so. */
	tcase_set_timeout(tc, 20);
	if (NETLINK_FACTS) {
		tcase_add_loop_test(tc, test_route_reject, 0,
		    sizeof(reject_cases) / sizeof(reject_cases[0]));
		tcase_add_test(tc, test_route_throw);
		tcase_add_test(tc, test_route_none);
	tcase_add_test(tc, test_route_none_link_down);
		tcase_add_test(tc, test_route_rule_selector);
		tcase_add_test(tc, test_neigh_failed);
	}
	tcase_add_test(tc, test_route_no_budget);
	suite_add_tcase(s, tc);

	tc = tcase_create("local");
	tcase_set_timeout(tc, 20);
	if (NETLINK_FACTS) {
		tcase_add_test(tc, test_port_range_exhausted);
		tcase_add_test(tc, test_source_unassigned);
		tcase_add_test(tc, test_refused_listener_v4);
		tcase_add_test(tc, test_refused_listener_v6);
		tcase_add_test(tc, test_refused_nobody);
		tcase_add_test(tc, test_side_by_side);
		tcase_add_test(tc, test_stop_midway);
#ifdef HAVE_LIBMNL
		tcase_add_test(tc, test_owner_walked_once);
#endif
#ifdef HAVE_NFTNL
		tcase_add_test(tc, test_ruleset_read_once);
#endif
		tcase_add_test(tc, test_broadcast_off);
		tcase_add_test(tc, test_ipv6_disabled);
	} else {
		tcase_add_test(tc, test_refused_no_netlink);
	}
	tcase_add_test(tc, test_sctp);
	suite_add_tcase(s, tc);

	tc = tcase_create("unix");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_unix_path, 0,
	    sizeof(unix_cases) / sizeof(unix_cases[0]));
	tcase_add_test(tc, test_unix_nosearch);
	if (NETLINK_FACTS) {
		tcase_add_test(tc, test_unix_stale);
	tcase_add_test(tc, test_unix_dangling);
		tcase_add_test(tc, test_unix_wrong_type);
		tcase_add_test(tc, test_unix_backlog_full);
	}
	suite_add_tcase(s, tc);

	tc = tcase_create("icmp");
	tcase_add_test(tc, test_resolver_not_asked);
	tcase_add_test(tc, test_resolver_slow_first);
	tcase_add_test(tc, test_resolver_error_not_silence);
	tcase_add_loop_test(tc, test_icmp_text, 0,
	    sizeof(icmp_cases) / sizeof(icmp_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

/* Why the cases cannot run here, or NULL when they can. */
static const char *skip_reason(void)
{
	if (geteuid() != 0)
		return "needs root (network namespaces, routes, setuid)";
	if (system("ip -V >/dev/null 2>&1") != 0)
		return "needs ip(8) from iproute2";
	if (system("unshare -n true >/dev/null 2>&1") != 0)
		return "cannot create a network namespace";
	return NULL;
}

int main(void)
{
	const char *why = skip_reason();
	SRunner *sr;
	int failed;

	if (why) {
		printf("check_diagnose: SKIP: %s\n", why);
		return 77;
	}
	sr = srunner_create(diagnose_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
