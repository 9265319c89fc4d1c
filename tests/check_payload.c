/* SPDX-License-Identifier: ISC */
/*
 * check_payload.c: the --probe requests of src/payload.c against servers
 * that answer them: dnsmasq on a loopback port of its own (started here,
 * killed at the end) for DNS, and an NTP responder written here, which
 * answers as RFC 5905 says a server does (mode 4, the client's transmit
 * timestamp as origin).  Exits 77 when dnsmasq is not installed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "payload.h"

#define CHECK_EXIT_SKIP 77

/* dnsmasq's pid and port, and its pid file, from the unchecked fixture. */
static pid_t dns_pid = -1;
static uint16_t dns_port;
static char dns_pidfile[64];
/* dnsmasq's standard error, kept to say why it did not answer. */
static char dns_errfile[64];

/* A UDP port of 127.0.0.1 that was free a moment ago. */
static uint16_t
free_udp_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("check_payload: free port");
		exit(99);
	}
	close(fd);
	return ntohs(a.sin_port);
}

/*
 * Send `req` to 127.0.0.1:`port` up to `tries` times, 200 ms apart, and
 * put the first datagram that comes back in `rep`; its length, or -1.  A
 * port not yet open (ECONNREFUSED) waits out its 200 ms too.
 */
static ssize_t
exchange(uint16_t port, const unsigned char *req, size_t reqlen,
    unsigned char *rep, size_t size, int tries)
{
	struct sockaddr_in a;
	struct pollfd pfd;
	ssize_t n = -1;
	int fd, i;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	for (i = 0; i < tries && n < 0; i++) {
		ck_assert_int_eq(send(fd, req, reqlen, 0), (ssize_t)reqlen);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) == 1)
			n = recv(fd, rep, size, 0);
		if (n < 0 && errno == ECONNREFUSED)
			(void)poll(NULL, 0, 200);
	}
	close(fd);
	return n;
}

/* Start dnsmasq on 127.0.0.1:`port`, its stderr in dns_errfile; its pid. */
static pid_t
dns_spawn(uint16_t port)
{
	char arg[32];
	pid_t pid = fork();

	if (pid < 0) {
		perror("check_payload: fork");
		exit(99);
	}
	if (pid == 0) {
		char pidfile[96];
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int err = open(dns_errfile, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);

		snprintf(arg, sizeof(arg), "--port=%u", port);
		snprintf(pidfile, sizeof(pidfile), "--pid-file=%s",
		    dns_pidfile);
		if (null >= 0)
			dup2(null, 1);
		if (err >= 0)
			dup2(err, 2);
		execlp("dnsmasq", "dnsmasq", "-k", "--conf-file=/dev/null",
		    arg, "--listen-address=127.0.0.1", "--bind-interfaces",
		    "--no-resolv", "--no-hosts", "--address=/isock.test/127.0.0.9",
		    pidfile, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* True when a DNS query to 127.0.0.1:`port` is answered within `ms`. */
static bool
dns_answers(uint16_t port, int ms)
{
	const struct payload *p = payload_for_port(53);
	unsigned char req[PAYLOAD_MAX], rep[512];
	size_t reqlen = payload_build(p, req);
	struct sockaddr_in a;
	struct pollfd pfd;
	bool ok = false;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    send(fd, req, reqlen, 0) == (ssize_t)reqlen) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		ok = poll(&pfd, 1, ms) == 1 && recv(fd, rep, sizeof(rep), 0) > 0;
	}
	if (!ok)
		(void)poll(NULL, 0, ms);	/* refused at once: wait anyway */
	close(fd);
	return ok;
}

/*
 * Unchecked fixture: dnsmasq on a free loopback port, answering one name.
 * It waits until dnsmasq answers (10 s at most); a dnsmasq that exits (the
 * port taken between the look and the bind, under load) is started again
 * on a fresh port, five times at most.
 */
static void
dns_start(void)
{
	int try, i, st;

	snprintf(dns_pidfile, sizeof(dns_pidfile),
	    "/tmp/isock-check-payload-%ld.pid", (long)getpid());
	snprintf(dns_errfile, sizeof(dns_errfile),
	    "/tmp/isock-check-payload-%ld.err", (long)getpid());
	for (try = 0; try < 5; try++) {
		dns_port = free_udp_port();
		dns_pid = dns_spawn(dns_port);
		for (i = 0; i < 50; i++) {
			if (dns_answers(dns_port, 200))
				return;
			if (waitpid(dns_pid, &st, WNOHANG) == dns_pid) {
				dns_pid = -1;
				break;
			}
		}
		if (dns_pid > 0)
			return;	/* alive but silent: the test says so */
	}
}

/* What dnsmasq wrote on its standard error, for a failure message. */
static const char *
dns_stderr(char *buf, size_t size)
{
	int fd = open(dns_errfile, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? buf : "(nothing)";
}

/* Unchecked fixture: stop dnsmasq and remove its pid file. */
static void
dns_stop(void)
{
	if (dns_pid > 0) {
		kill(dns_pid, SIGTERM);
		waitpid(dns_pid, NULL, 0);
		dns_pid = -1;
	}
	unlink(dns_pidfile);
	unlink(dns_errfile);
}

START_TEST(test_ports)
{
	ck_assert_str_eq(payload_for_port(53)->name, "DNS");
	ck_assert_str_eq(payload_for_port(123)->name, "NTP");
	ck_assert_ptr_null(payload_for_port(80));
	ck_assert_ptr_null(payload_for_port(0));
}
END_TEST

/* Two requests differ in their identifier: a stale reply cannot match. */
START_TEST(test_requests_differ)
{
	const struct payload *p = payload_for_port(_i == 0 ? 53 : 123);
	unsigned char a[PAYLOAD_MAX], b[PAYLOAD_MAX];
	size_t la = payload_build(p, a), lb = payload_build(p, b);

	ck_assert_uint_eq(la, lb);
	ck_assert_uint_gt(la, 0);
	ck_assert_int_ne(memcmp(a, b, la), 0);
}
END_TEST

/* Names are encoded as labels; what is no DNS name is refused. */
START_TEST(test_dns_query_names)
{
	static const unsigned char want[] = {
		3, 'w', 'w', 'w', 4, 't', 'e', 's', 't', 0, 0, 28, 0, 1,
	};
	unsigned char q[300];
	char label[64], name[4 * 64 + 1];
	size_t n;

	n = payload_dns_query(q, sizeof(q), "www.test", 28, true);
	ck_assert_uint_eq(n, 12 + sizeof(want));
	ck_assert_int_eq(q[2], 0x01);		/* RD */
	ck_assert_int_eq(q[5], 1);		/* QDCOUNT */
	ck_assert_int_eq(memcmp(q + 12, want, sizeof(want)), 0);
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), "www.test.", 28,
	    true), n);
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), ".", 2, false),
	    12 + 5);
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), "a..b", 1, true), 0);
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), ".a", 1, true), 0);
	memset(name, 'x', 64);
	name[64] = '\0';
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), name, 1, true), 0);
	memset(label, 'x', 63);
	label[63] = '\0';
	ck_assert_uint_gt(payload_dns_query(q, sizeof(q), label, 1, true), 0);
	/* 4 labels of 63: 256 bytes on the wire, over the 255 allowed. */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label, label, label,
	    label);
	ck_assert_uint_eq(payload_dns_query(q, sizeof(q), name, 1, true), 0);
	ck_assert_uint_eq(payload_dns_query(q, 20, "www.test", 1, true), 0);
	ck_assert_str_eq(payload_dns_rcode_name(3), "NXDOMAIN");
	ck_assert_ptr_null(payload_dns_rcode_name(6));
}
END_TEST

START_TEST(test_dns_server_answers)
{
	const struct payload *p = payload_for_port(53);
	unsigned char req[PAYLOAD_MAX], rep[512];
	char text[PAYLOAD_TEXT_MAX], err[512];
	size_t reqlen = payload_build(p, req);
	ssize_t n;

	/* The fixture waited until it answered; a few more tries. */
	n = exchange(dns_port, req, reqlen, rep, sizeof(rep), 25);
	ck_assert_msg(n > 0, "dnsmasq on port %u did not answer (pid %ld); "
	    "its stderr: %s", dns_port, (long)dns_pid,
	    dns_stderr(err, sizeof(err)));
	ck_assert_msg(payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)), "not recognised: %s", text);
	ck_assert_msg(strncmp(text, "a DNS server answered (", 23) == 0,
	    "text: %s", text);

	/* The same reply to another query (another ID) is not an answer. */
	rep[1] ^= 0x5a;
	ck_assert(!payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)));
	ck_assert_str_eq(text, "a reply that is not a DNS answer to the "
	    "query sent");
	rep[1] ^= 0x5a;
	/* Nor is the query itself echoed back (QR clear). */
	ck_assert(!payload_reply(p, req, reqlen, req, reqlen, text,
	    sizeof(text)));
	/* Nor a truncated header. */
	ck_assert(!payload_reply(p, req, reqlen, rep, 11, text,
	    sizeof(text)));
}
END_TEST

/*
 * The NTP responder: one request in, one server reply out: mode 4,
 * stratum 2, the request's transmit timestamp as origin.  Runs in a child;
 * `ready` gets its port.
 */
static pid_t
ntp_responder(uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned char m[48];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct pollfd pfd = { fd, POLLIN, 0 };

		alarm(10);
		if (poll(&pfd, 1, 5000) != 1 || recvfrom(fd, m, sizeof(m), 0,
		    (struct sockaddr *)&from, &flen) != sizeof(m))
			_exit(1);
		memcpy(m + 24, m + 40, 8);	/* origin := transmit */
		memset(m + 40, 0x11, 8);	/* its own transmit time */
		m[0] = (4 << 3) | 4;		/* VN 4, mode 4 (server) */
		m[1] = 2;			/* stratum 2 */
		_exit(sendto(fd, m, sizeof(m), 0, (struct sockaddr *)&from,
		    flen) == sizeof(m) ? 0 : 2);
	}
	close(fd);
	return pid;
}

START_TEST(test_ntp_server_answers)
{
	const struct payload *p = payload_for_port(123);
	unsigned char req[PAYLOAD_MAX], rep[128];
	char text[PAYLOAD_TEXT_MAX];
	size_t reqlen = payload_build(p, req);
	uint16_t port;
	pid_t pid = ntp_responder(&port);
	ssize_t n;
	int status;

	ck_assert_uint_eq(reqlen, 48);
	ck_assert_uint_eq(req[0] & 7, 3);	/* a client request */
	n = exchange(port, req, reqlen, rep, sizeof(rep), 1);
	ck_assert_int_eq(n, 48);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)));
	ck_assert_str_eq(text, "an NTP server answered (stratum 2)");

	rep[0] = (4 << 3) | 3;		/* a client's packet is no answer */
	ck_assert(!payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)));
	rep[0] = (4 << 3) | 4;
	rep[24] ^= 1;			/* nor one to another request */
	ck_assert(!payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)));
	rep[24] ^= 1;
	rep[1] = 0;			/* a kiss-o'-death names its code */
	memcpy(rep + 12, "RATE", 4);
	ck_assert(payload_reply(p, req, reqlen, rep, (size_t)n, text,
	    sizeof(text)));
	ck_assert_str_eq(text, "an NTP server answered (kiss code RATE)");
}
END_TEST

static Suite *
payload_suite(void)
{
	Suite *su = suite_create("payload");
	TCase *tc = tcase_create("requests");
	TCase *srv = tcase_create("servers");

	tcase_add_test(tc, test_ports);
	tcase_add_loop_test(tc, test_requests_differ, 0, 2);
	tcase_add_test(tc, test_dns_query_names);
	suite_add_tcase(su, tc);
	tcase_add_unchecked_fixture(srv, dns_start, dns_stop);
	tcase_set_timeout(srv, 30);
	tcase_add_test(srv, test_dns_server_answers);
	tcase_add_test(srv, test_ntp_server_answers);
	suite_add_tcase(su, srv);
	return su;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (system("command -v dnsmasq >/dev/null 2>&1") != 0) {
		printf("check_payload: SKIP: needs dnsmasq on PATH\n");
		return CHECK_EXIT_SKIP;
	}
	sr = srunner_create(payload_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
