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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
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

/*
 * Checked fixture of the namespace cases: network and mount namespaces of
 * this child, lo up, a silent name server on 127.0.0.2, dnsmasq on
 * 127.0.0.1 (killed with this child: PR_SET_PDEATHSIG, kept because it
 * runs as root).
 */
static int silent_fd = -1;

static void
ns_setup(void)
{
	struct sockaddr_in a;
	char pidfile[128], pidopt[160];
	pid_t pid;
	int i;

	ck_assert_int_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(system("ip link set lo up"), 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(53);
	a.sin_addr.s_addr = htonl(0x7f000002);
	silent_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(silent_fd, (struct sockaddr *)&a, sizeof(a)), 0);
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

static Suite *
resolver_suite(bool priv)
{
	Suite *su = suite_create("resolver");
	TCase *tc = tcase_create("conf");
	TCase *ns = tcase_create("netns");

	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_conf_read);
	tcase_add_test(tc, test_conf_defaults);
	tcase_add_test(tc, test_conf_environment);
	tcase_add_test(tc, test_conf_not_regular);
	suite_add_tcase(su, tc);
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
	bool priv = geteuid() == 0 &&
	    system("command -v dnsmasq >/dev/null 2>&1 && "
	    "command -v ip >/dev/null 2>&1") == 0;
	SRunner *sr;
	int failed;

	/* The cases set these themselves. */
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	if (!priv)
		printf("check_resolver: the namespace cases are left out: they "
		    "need root, ip and dnsmasq\n");
	sr = srunner_create(resolver_suite(priv));
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
