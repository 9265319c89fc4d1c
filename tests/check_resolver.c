/* SPDX-License-Identifier: ISC */
/*
 * check_resolver.c: the resolver facts of src/resolver.c.
 *
 * resolv.conf is read from files written here (limits, the last search
 * line winning, a directory and a FIFO refused without blocking).  The
 * causes of a failed look-up are produced for real, each case in a child
 * with a network and a mount namespace of its own (root only; otherwise
 * those cases are left out and said so): /etc/hosts, /etc/resolv.conf and
 * /etc/nsswitch.conf bind-mounted from the test's files, dnsmasq on
 * 127.0.0.1 port 53 (NXDOMAIN for *.nx.test; good.test has an IPv4
 * address only), a socket on 127.0.0.2 port 53 that never answers, and
 * nothing on 127.0.0.3.  A look-up through target_resolve_by() fails first,
 * as in the tool, then resolver_diagnose() says why.
 *
 * The asynchronous form (issue 19), in a network namespace of the case's
 * own (root and ip): resolver_ask_start() against a name server on
 * 127.0.0.2 that never answers, several asks on one loop, their callbacks
 * never called from inside the start; the silent server receives one
 * query for all of them; resolver_ask_stop() ends an ask at once.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "resolver.h"
#include "target.h"

#define CHECK_EXIT_SKIP 77

static char tmpdir[64];

/* Write `text` to the file `name` in the temporary directory; its path. */
static const char *
tmp_file(const char *name, const char *text)
{
	static char path[2][128];
	static int which;
	FILE *f;

	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", tmpdir, name);
	f = fopen(path[which], "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return path[which];
}

/* Unchecked fixture: a fresh temporary directory. */
static void
tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/isock-resolver-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("check_resolver: mkdtemp");
		exit(99);
	}
}

/* Unchecked fixture: remove it (the files the cases may have made). */
static void
tmpdir_teardown(void)
{
	static const char *const names[] = {
		"resolv.conf", "hosts", "nsswitch.conf", "dir", "fifo",
		"dnsmasq.pid",
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		(void)remove(path);
	}
	(void)rmdir(tmpdir);
}

/* The text form of server `i` of `c`. */
static const char *
server(const struct resolver_conf *c, size_t i)
{
	static char buf[INET6_ADDRSTRLEN];
	const struct sockaddr_storage *ss = &c->servers[i];

	ck_assert_uint_lt(i, c->nservers);
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    ss)->sin_addr, buf, sizeof(buf));
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)ss)->sin6_addr, buf, sizeof(buf));
	return buf;
}

START_TEST(test_conf_read)
{
	struct resolver_conf c;

	resolver_conf_read(tmp_file("resolv.conf",
	    "# a comment\n"
	    "; another\n"
	    "nameserver 192.0.2.1\n"
	    "nameserver fd00::53\n"
	    "nameserver not-an-address\n"
	    "nameserver 192.0.2.2\n"
	    "nameserver 192.0.2.3\n"
	    "domain old.test\n"
	    "search a.test\tb.test\n"
	    "options timeout:1 attempts:9 ndots:2 rotate\n"), &c);
	ck_assert_int_eq(c.error, 0);
	ck_assert(!c.default_server);
	ck_assert_uint_eq(c.nservers, 3);
	ck_assert_uint_eq(c.nignored, 1);
	ck_assert_str_eq(server(&c, 0), "192.0.2.1");
	ck_assert_str_eq(server(&c, 1), "fd00::53");
	ck_assert_str_eq(server(&c, 2), "192.0.2.2");
	ck_assert_uint_eq(c.nsearch, 2);
	ck_assert_str_eq(c.search[0], "a.test");
	ck_assert_str_eq(c.search[1], "b.test");
	ck_assert_str_eq(c.options, "timeout:1 attempts:9 ndots:2 rotate");
	ck_assert_int_eq(c.timeout_s, 1);
	ck_assert_int_eq(c.attempts, 5);	/* glibc's cap */
	ck_assert_int_eq(c.ndots, 2);
}
END_TEST

/* LOCALDOMAIN replaces the search list; RES_OPTIONS adds options. */
START_TEST(test_conf_environment)
{
	struct resolver_conf c;

	ck_assert_int_eq(setenv("LOCALDOMAIN", "env.test", 1), 0);
	ck_assert_int_eq(setenv("RES_OPTIONS", "timeout:3 edns0", 1), 0);
	resolver_conf_read(tmp_file("resolv.conf", "nameserver 192.0.2.1\n"
	    "search a.test b.test\noptions timeout:1 ndots:4\n"), &c);
	ck_assert(c.env_search && c.env_options);
	ck_assert_uint_eq(c.nsearch, 1);
	ck_assert_str_eq(c.search[0], "env.test");
	ck_assert_str_eq(c.options, "timeout:1 ndots:4 timeout:3 edns0");
	ck_assert_int_eq(c.timeout_s, 3);
	ck_assert_int_eq(c.ndots, 4);
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
}
END_TEST

/* No nameserver line: glibc asks 127.0.0.1; a domain line after search. */
START_TEST(test_conf_defaults)
{
	struct resolver_conf c;

	resolver_conf_read(tmp_file("resolv.conf",
	    "search a.test b.test\ndomain d.test\n"), &c);
	ck_assert_int_eq(c.error, 0);
	ck_assert(c.default_server);
	ck_assert_uint_eq(c.nservers, 1);
	ck_assert_str_eq(server(&c, 0), "127.0.0.1");
	ck_assert_uint_eq(c.nsearch, 1);
	ck_assert_str_eq(c.search[0], "d.test");
	ck_assert_int_eq(c.timeout_s, 5);
	ck_assert_int_eq(c.attempts, 2);
	ck_assert_int_eq(c.ndots, 1);
}
END_TEST

/* What is not a readable regular file: its errno, and the defaults. */
START_TEST(test_conf_not_regular)
{
	struct resolver_conf c;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	resolver_conf_read(path, &c);
	ck_assert_int_eq(c.error, ENOENT);
	ck_assert(c.default_server);

	snprintf(path, sizeof(path), "%s/dir", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	resolver_conf_read(path, &c);
	ck_assert_int_eq(c.error, EISDIR);

	/* A FIFO with no writer would block a plain open(). */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	resolver_conf_read(path, &c);
	ck_assert_int_eq(c.error, EINVAL);
	ck_assert_uint_eq(c.nservers, 1);
}
END_TEST

static int silent_fd = -1;

/*
 * Namespaces `flags` (a network one at least) of this child, lo up, a
 * silent name server on 127.0.0.2 (silent_fd).
 */
static void
ns_enter(int flags)
{
	struct sockaddr_in a;

	ck_assert_int_eq(unshare(flags), 0);
	ck_assert_int_eq(system("ip link set lo up"), 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(53);
	a.sin_addr.s_addr = htonl(0x7f000002);
	silent_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(silent_fd, 0);
	ck_assert_int_eq(bind(silent_fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

/*
 * Checked fixture of the namespace cases: network and mount namespaces of
 * this child, lo up, a silent name server on 127.0.0.2, dnsmasq on
 * 127.0.0.1 (killed with this child: PR_SET_PDEATHSIG, kept because it
 * runs as root).
 */
static void
ns_setup(void)
{
	char pidfile[128], pidopt[160];
	pid_t pid;
	int i;

	ns_enter(CLONE_NEWNET | CLONE_NEWNS);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(pidfile, sizeof(pidfile), "%s/dnsmasq.pid", tmpdir);
	snprintf(pidopt, sizeof(pidopt), "--pid-file=%s", pidfile);
	(void)unlink(pidfile);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(126);
		execlp("dnsmasq", "dnsmasq", "-k", "--user=root",
		    "--conf-file=/dev/null", "--listen-address=127.0.0.1",
		    "--bind-interfaces", "--no-resolv", "--no-hosts",
		    "--address=/nx.test/", "--local=/good.test/",
		    "--host-record=good.test,127.0.0.9",
		    pidopt, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(pidfile, F_OK) != 0; i++)
		(void)poll(NULL, 0, 50);
	ck_assert_msg(access(pidfile, F_OK) == 0, "dnsmasq did not start");
}

/* Bind-mount a file with `text` over /etc/`name`. */
static void
etc_file(const char *name, const char *text)
{
	char etc[64];

	snprintf(etc, sizeof(etc), "/etc/%s", name);
	ck_assert_int_eq(mount(tmp_file(name, text), etc, NULL, MS_BIND,
	    NULL), 0);
}

/*
 * Resolve `host` for `family` as the tool does (it must fail, with `eai`),
 * then diagnose it; the facts go to `f`, the text to `text`.
 */
static void
fail_and_diagnose(const char *host, int family, int eai,
    struct resolver_facts *f, char *text, size_t size)
{
	struct timespec dl = clock_add_ms(clock_now(), 4000);
	struct target t;
	struct target_addr *addrs = NULL;
	size_t n = 0;
	int sys, rc;

	memset(&t, 0, sizeof(t));
	t.host = (char *)(uintptr_t)host;
	t.family = family;
	t.type = SOCK_STREAM;
	t.port = 80;
	rc = target_resolve(&t, &addrs, &n, &sys);
	free(addrs);
	ck_assert_msg(rc == eai, "%s: getaddrinfo gave %d (%s), expected %d",
	    host, rc, gai_strerror(rc), eai);
	dl = clock_add_ms(clock_now(), 2000);
	resolver_diagnose(&t, rc, &dl, NULL, f);
	resolver_text(f, host, text, size);
}

static const char hosts_v6only[] =
    "127.0.0.1 localhost\nfd00::1 v6only.nx.test\n";
static const char conf_dnsmasq[] =
    "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n";

/* The hosts file, "files dns" and the resolv.conf `conf` under /etc. */
static void
etc_setup(const char *conf)
{
	etc_file("hosts", hosts_v6only);
	etc_file("nsswitch.conf", "hosts: files dns\n");
	etc_file("resolv.conf", conf);
}

/* -4 and a name with only an IPv6 address in /etc/hosts. */
START_TEST(test_other_family_in_hosts)
{
	struct resolver_facts f;
	char text[512];

	etc_setup(conf_dnsmasq);
	fail_and_diagnose("v6only.nx.test", AF_INET, EAI_NONAME, &f, text,
	    sizeof(text));
	ck_assert_int_eq(f.cause, RESOLVER_OTHER_FAMILY);
	ck_assert_int_eq(f.other_family, AF_INET6);
	ck_assert_str_eq(text, "v6only.nx.test exists, with IPv6 addresses "
	    "only: IPv4 was asked for.");
}
END_TEST

/* -6 and a name that DNS knows with an IPv4 address only. */
START_TEST(test_other_family_in_dns)
{
	struct resolver_facts f;
	char text[512];

	etc_setup(conf_dnsmasq);
	fail_and_diagnose("good.test", AF_INET6, EAI_NODATA, &f, text,
	    sizeof(text));
	ck_assert_int_eq(f.cause, RESOLVER_OTHER_FAMILY);
	ck_assert_int_eq(f.other_family, AF_INET);
	/* The server was asked for AAAA: it has none (NOERROR, 0). */
	ck_assert_uint_eq(f.nasked, 1);
	ck_assert(f.asked[0].answered);
	ck_assert_int_eq(f.asked[0].rcode, 0);
	ck_assert_uint_eq(f.asked[0].answers, 0);
}
END_TEST

/* A name that does not exist; the second server is silent. */
START_TEST(test_nxdomain)
{
	struct resolver_facts f;
	char text[512];

	etc_setup("nameserver 127.0.0.1\nnameserver 127.0.0.2\n"
	    "search a.test\noptions timeout:1 attempts:1\n");
	fail_and_diagnose("nosuch.nx.test", AF_UNSPEC, EAI_NONAME, &f, text,
	    sizeof(text));
	ck_assert_int_eq(f.cause, RESOLVER_NXDOMAIN);
	ck_assert_uint_eq(f.conf.nsearch, 1);
	ck_assert_uint_eq(f.nasked, 2);
	ck_assert(f.asked[0].answered);
	ck_assert_int_eq(f.asked[0].rcode, 3);
	ck_assert(!f.asked[1].answered);
	ck_assert_int_eq(f.asked[1].error, ETIMEDOUT);
	ck_assert_str_eq(text, "127.0.0.1 answered that nosuch.nx.test does "
	    "not exist (NXDOMAIN).");
}
END_TEST

/* No server answers: one silent, one with nothing on port 53. */
START_TEST(test_no_answer)
{
	struct resolver_facts f;
	char text[512];

	etc_setup("nameserver 127.0.0.2\nnameserver 127.0.0.3\n"
	    "options timeout:1 attempts:1\n");
	fail_and_diagnose("db.test", AF_INET, EAI_AGAIN, &f, text,
	    sizeof(text));
	ck_assert_int_eq(f.cause, RESOLVER_NO_ANSWER);
	ck_assert_int_eq(f.other_family, 0);
	ck_assert_uint_eq(f.nasked, 2);
	ck_assert_int_eq(f.asked[0].error, ETIMEDOUT);
	ck_assert_int_eq(f.asked[1].error, ECONNREFUSED);
	ck_assert_str_eq(text, "No name server answered for db.test: "
	    "127.0.0.2 (no reply), 127.0.0.3 (ECONNREFUSED).");
}
END_TEST

/*
 * Checked fixture of the ask cases: a network namespace of this child with
 * lo up and the silent name server on 127.0.0.2 (silent_fd).
 */
static void
ask_setup(void)
{
	ns_enter(CLONE_NEWNET);
}

/* The datagrams the silent server has received since the last call. */
static int
silent_queries(void)
{
	unsigned char buf[512];
	int n = 0;

	while (recv(silent_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* One ask: its target, facts and what its callback saw. */
struct ask_case {
	struct target t;
	struct resolver_facts f;
	struct resolver_ask *a;
	int calls;
	bool early;		/* called from inside resolver_ask_start() */
};

static bool ask_in_start;

static void
on_ask(void *arg)
{
	struct ask_case *c = arg;

	c->calls++;
	if (ask_in_start)
		c->early = true;
}

/*
 * Start the ask of `host` (any family: no second look-up) on the current
 * loop, until `ms` from now, with the resolv.conf `conf`.
 */
static void
ask_start(struct ask_case *c, const char *host, int ms, const char *conf)
{
	struct timespec dl = clock_add_ms(clock_now(), ms);

	memset(c, 0, sizeof(*c));
	c->t.host = (char *)(uintptr_t)host;
	c->t.family = AF_UNSPEC;
	c->t.type = SOCK_STREAM;
	c->t.port = 80;
	ask_in_start = true;
	c->a = resolver_ask_start(&c->t, EAI_AGAIN, &dl, conf, &c->f, on_ask,
	    c);
	ask_in_start = false;
	ck_assert_ptr_nonnull(c->a);
	ck_assert_int_eq(c->calls, 0);
}

/* Run `l` until the `n` asks of `c` are done (bounded: 400 waits, 8 s). */
static void
ask_run(struct loop *l, struct ask_case *c, size_t n)
{
	struct timespec end = clock_add_ms(clock_now(), 8000);
	size_t i, done = 0;
	int k;

	for (k = 0; k < 400 && done < n && clock_ms_until(&end) > 0; k++) {
		ck_assert_int_ge(loop_once(l, 100), 0);
		for (i = 0, done = 0; i < n; i++)
			done += c[i].calls > 0;
	}
	ck_assert_uint_eq(done, n);
}

/* Ask `c` was told that the one server, 127.0.0.2, did not answer. */
static void
ask_not_answered(const struct ask_case *c)
{
	ck_assert_int_eq(c->calls, 1);
	ck_assert(!c->early);
	ck_assert_int_eq(c->f.cause, RESOLVER_NO_ANSWER);
	ck_assert_uint_eq(c->f.nasked, 1);
	ck_assert(!c->f.asked[0].answered);
	ck_assert_int_eq(c->f.asked[0].error, ETIMEDOUT);
}

/*
 * Three asks at once behind one silent server: all told it did not answer,
 * through the loop, with one query between them; a fourth after them takes
 * what was kept, through the loop too, and sends none.
 */
START_TEST(test_ask_shared_silent)
{
	const char *conf = tmp_file("resolv.conf", "nameserver 127.0.0.2\n");
	static const char *const names[] = { "a.test", "b.test", "c.test" };
	struct ask_case c[3], later;
	struct loop *l = loop_new();
	size_t i;

	ck_assert_ptr_nonnull(l);
	for (i = 0; i < 3; i++)
		ask_start(&c[i], names[i], 300 + 100 * (int)i, conf);
	ask_run(l, c, 3);
	for (i = 0; i < 3; i++)
		ask_not_answered(&c[i]);
	ck_assert_int_eq(silent_queries(), 1);
	/* The silence each one is told is that of the one query (300 ms),
	   not its own wait. */
	ck_assert_int_ge(c[0].f.asked[0].waited_ms, 200);
	for (i = 1; i < 3; i++)
		ck_assert_int_eq(c[i].f.asked[0].waited_ms,
		    c[0].f.asked[0].waited_ms);

	ask_start(&later, "d.test", 300, conf);
	ask_run(l, &later, 1);
	ask_not_answered(&later);
	ck_assert_int_eq(silent_queries(), 0);
	ck_assert_int_eq(later.f.asked[0].waited_ms,
	    c[0].f.asked[0].waited_ms);
	loop_free(l);
}
END_TEST

/*
 * resolver_ask_stop(): the callback before it returns, the server not
 * heard from not answered, nothing left on the loop; an ask that waited
 * for the stopped one's query still ends on its own.
 */
START_TEST(test_ask_stop)
{
	const char *conf = tmp_file("resolv.conf", "nameserver 127.0.0.2\n");
	struct ask_case c[2];
	struct loop *l = loop_new();

	ck_assert_ptr_nonnull(l);
	ask_start(&c[0], "a.test", 5000, conf);
	ck_assert_int_ge(loop_once(l, 20), 0);
	ck_assert_int_eq(c[0].calls, 0);
	resolver_ask_stop(c[0].a);
	ask_not_answered(&c[0]);
	ck_assert_int_eq(loop_once(l, 50), 0);
	ck_assert_int_eq(c[0].calls, 1);

	ask_start(&c[0], "a.test", 5000, conf);
	ask_start(&c[1], "b.test", 400, conf);
	resolver_ask_stop(c[0].a);
	ask_not_answered(&c[0]);
	ask_run(l, &c[1], 1);
	ask_not_answered(&c[1]);
	ck_assert_int_eq(c[0].calls, 1);
	ck_assert_int_eq(loop_once(l, 50), 0);
	loop_free(l);
}
END_TEST

/*
 * Leave exactly `n` descriptors free (below a soft RLIMIT_NOFILE of 64):
 * the rest are taken by copies of 0, kept in `held` (`max`); their count.
 */
static size_t
fds_leave(size_t n, int *held, size_t max)
{
	struct rlimit r;
	size_t k = 0;
	int fd;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &r), 0);
	r.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &r), 0);
	while (k < max && (fd = fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0)
		held[k++] = fd;
	ck_assert_int_eq(errno, EMFILE);
	ck_assert_uint_ge(k, n);
	while (n-- > 0)
		close(held[--k]);
	return k;
}

/*
 * Short of descriptors, the look-up without the family (-4) fails at once
 * (review r1, finding 0): the silent server is still given the whole wait
 * and said not to answer, not given up at the next pass of the loop.
 * Three descriptors are left: the server's socket, the resolver's
 * notifier, and one, too few for a look-up.
 */
START_TEST(test_ask_lookup_at_once)
{
	const char *conf = tmp_file("resolv.conf", "nameserver 127.0.0.2\n");
	struct timespec dl = clock_add_ms(clock_now(), 400);
	struct ask_case c;
	struct loop *l = loop_new();
	int held[64];
	size_t k, nheld;

	ck_assert_ptr_nonnull(l);
	memset(&c, 0, sizeof(c));
	c.t.host = (char *)(uintptr_t)"a.test";
	c.t.family = AF_INET;
	c.t.type = SOCK_STREAM;
	c.t.port = 80;
	nheld = fds_leave(3, held, 64);
	c.a = resolver_ask_start(&c.t, EAI_AGAIN, &dl, conf, &c.f, on_ask,
	    &c);
	ck_assert_ptr_nonnull(c.a);
	ck_assert_int_ge(loop_once(l, 0), 0);
	ck_assert_int_eq(c.calls, 0);	/* r4: told here, after ~1 ms */
	ck_assert_int_eq(silent_queries(), 1);
	ask_run(l, &c, 1);
	for (k = 0; k < nheld; k++)
		close(held[k]);
	ask_not_answered(&c);
	ck_assert_int_eq(c.f.other_family, 0);
	/* Given the ask's wait (400 ms; r4: about 1), with room for a slow
	   machine's start. */
	ck_assert_int_ge(c.f.asked[0].waited_ms, 200);
	loop_free(l);
}
END_TEST

/* A literal needs no facts: the callback still comes through the loop. */
START_TEST(test_ask_literal)
{
	struct ask_case c;
	struct loop *l = loop_new();

	ck_assert_ptr_nonnull(l);
	ask_in_start = true;
	memset(&c, 0, sizeof(c));
	c.t.host = (char *)(uintptr_t)"127.0.0.1";
	c.t.literal = true;
	c.t.family = AF_INET;
	c.a = resolver_ask_start(&c.t, EAI_NONAME, NULL, NULL, &c.f, on_ask,
	    &c);
	ask_in_start = false;
	ck_assert_ptr_nonnull(c.a);
	ck_assert_int_eq(c.calls, 0);
	ask_run(l, &c, 1);
	ck_assert(!c.early);
	ck_assert_int_eq(c.f.cause, RESOLVER_UNKNOWN);
	ck_assert_uint_eq(c.f.nasked, 0);
	loop_free(l);

	/* Without a loop it cannot start. */
	ck_assert_ptr_null(resolver_ask_start(&c.t, EAI_NONAME, NULL, NULL,
	    &c.f, on_ask, &c));
}
END_TEST

static Suite *
resolver_suite(bool priv, bool ask)
{
	Suite *su = suite_create("resolver");
	TCase *tc = tcase_create("conf");
	TCase *ns = tcase_create("netns");
	TCase *as = tcase_create("ask");

	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_conf_read);
	tcase_add_test(tc, test_conf_defaults);
	tcase_add_test(tc, test_conf_environment);
	tcase_add_test(tc, test_conf_not_regular);
	tcase_add_test(tc, test_ask_literal);
	suite_add_tcase(su, tc);
	if (ask) {
		tcase_add_unchecked_fixture(as, tmpdir_setup, tmpdir_teardown);
		tcase_add_checked_fixture(as, ask_setup, NULL);
		tcase_set_timeout(as, 15);
		tcase_add_test(as, test_ask_shared_silent);
		tcase_add_test(as, test_ask_stop);
		tcase_add_test(as, test_ask_lookup_at_once);
		suite_add_tcase(su, as);
	}
	if (!priv)
		return su;
	tcase_add_unchecked_fixture(ns, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(ns, ns_setup, NULL);
	tcase_set_timeout(ns, 15);
	tcase_add_test(ns, test_other_family_in_hosts);
	tcase_add_test(ns, test_other_family_in_dns);
	tcase_add_test(ns, test_nxdomain);
	tcase_add_test(ns, test_no_answer);
	suite_add_tcase(su, ns);
	return su;
}

int
main(void)
{
	bool ask = geteuid() == 0 &&
	    system("command -v ip >/dev/null 2>&1") == 0;
	bool priv = ask &&
	    system("command -v dnsmasq >/dev/null 2>&1") == 0;
	SRunner *sr;
	int failed;

	/* The cases set these themselves. */
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	if (!ask)
		printf("check_resolver: the ask cases are left out: they "
		    "need root and ip\n");
	if (!priv)
		printf("check_resolver: the namespace cases are left out: they "
		    "need root, ip and dnsmasq\n");
	sr = srunner_create(resolver_suite(priv, ask));
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
