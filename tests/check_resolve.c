/* SPDX-License-Identifier: ISC */
/*
 * check_resolve.c: the thread resolver (src/resolve_thread.c): numeric
 * names, a name of /etc/hosts, errors, many look-ups at once, and requests
 * abandoned before and after their look-up ends, which must leave nothing
 * behind (tests/t-resolve-valgrind.sh runs this suite under valgrind).
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
#include <time.h>
#include <unistd.h>

#include "resolve_thread.h"

/* A bound on every wait here; none is reached unless something is wrong. */
#define WAIT_MS 10000

/* Hints for `family`, stream sockets, with `flags`. */
static struct addrinfo
hints_of(int family, int flags)
{
	struct addrinfo h;

	memset(&h, 0, sizeof(h));
	h.ai_family = family;
	h.ai_socktype = SOCK_STREAM;
	h.ai_flags = flags;
	return h;
}

/* True when the descriptor of `req` becomes readable within WAIT_MS. */
static int
wait_done(const struct resolve_thread_req *req)
{
	struct pollfd pfd = { .fd = resolve_thread_fd(req), .events = POLLIN };
	int rc;

	do
		rc = poll(&pfd, 1, WAIT_MS);
	while (rc < 0 && errno == EINTR);
	return rc == 1 && (pfd.revents & POLLIN) != 0;
}

/* Sleep 10 ms. */
static void
nap(void)
{
	struct timespec ts = { 0, 10000000L };

	nanosleep(&ts, NULL);
}

/* Wait, WAIT_MS at most, for every request to be freed; true if all were. */
static int
wait_none_live(void)
{
	int i;

	for (i = 0; i < WAIT_MS / 10 && resolve_thread_test_live() != 0; i++)
		nap();
	return resolve_thread_test_live() == 0;
}

/* Start, wait for and collect one look-up; its return value. */
static int
resolve_now(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct resolve_thread_req *req;
	int rc;

	*res = NULL;
	rc = resolve_thread_start(&req, host, service, hints);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(wait_done(req), "%s: the descriptor never became "
	    "readable", host);
	return resolve_thread_collect(req, res);
}

/* The first address of `res` as text, and its port. */
static const char *
first_addr(const struct addrinfo *res, char *buf, socklen_t len, int *port)
{
	const void *a;

	ck_assert_ptr_nonnull(res);
	if (res->ai_family == AF_INET) {
		a = &((const struct sockaddr_in *)(const void *)res->ai_addr)
		    ->sin_addr;
		*port = ntohs(((const struct sockaddr_in *)(const void *)
		    res->ai_addr)->sin_port);
	} else {
		ck_assert_int_eq(res->ai_family, AF_INET6);
		a = &((const struct sockaddr_in6 *)(const void *)res->ai_addr)
		    ->sin6_addr;
		*port = ntohs(((const struct sockaddr_in6 *)(const void *)
		    res->ai_addr)->sin6_port);
	}
	ck_assert_ptr_nonnull(inet_ntop(res->ai_family, a, buf, len));
	return buf;
}

START_TEST(numeric_ipv4)
{
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST | AI_NUMERICSERV);
	struct addrinfo *res;
	char buf[INET6_ADDRSTRLEN];
	int port;

	ck_assert_int_eq(resolve_now("127.0.0.1", "8080", &h, &res), 0);
	ck_assert_str_eq(first_addr(res, buf, sizeof(buf), &port),
	    "127.0.0.1");
	ck_assert_int_eq(port, 8080);
	ck_assert_ptr_null(res->ai_next);
	freeaddrinfo(res);
	ck_assert(wait_none_live());
}
END_TEST

START_TEST(numeric_ipv6)
{
	struct addrinfo h = hints_of(AF_INET6, AI_NUMERICHOST);
	struct addrinfo *res;
	char buf[INET6_ADDRSTRLEN];
	int port;

	ck_assert_int_eq(resolve_now("::1", NULL, &h, &res), 0);
	ck_assert_str_eq(first_addr(res, buf, sizeof(buf), &port), "::1");
	ck_assert_int_eq(port, 0);
	freeaddrinfo(res);
}
END_TEST

/* localhost comes from /etc/hosts: no name server is asked. */
START_TEST(hosts_file_name)
{
	struct addrinfo h = hints_of(AF_INET, 0);
	struct addrinfo *res;
	char buf[INET6_ADDRSTRLEN];
	int port;

	ck_assert_int_eq(resolve_now("localhost", NULL, &h, &res), 0);
	ck_assert_str_eq(first_addr(res, buf, sizeof(buf), &port),
	    "127.0.0.1");
	freeaddrinfo(res);
}
END_TEST

START_TEST(numeric_host_refused)
{
	struct addrinfo h = hints_of(AF_UNSPEC, AI_NUMERICHOST);
	struct addrinfo *res;

	ck_assert_int_eq(resolve_now("not-an-address", NULL, &h, &res),
	    EAI_NONAME);
	ck_assert_ptr_null(res);
	ck_assert(wait_none_live());
}
END_TEST

/* A bad service name is the look-up's error, as getaddrinfo gives it. */
START_TEST(numeric_service_refused)
{
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST | AI_NUMERICSERV);
	struct addrinfo *res;
	int rc;

	rc = resolve_now("127.0.0.1", "http", &h, &res);
	ck_assert_int_eq(rc, getaddrinfo("127.0.0.1", "http", &h, &res));
	ck_assert_int_ne(rc, 0);
}
END_TEST

/* The descriptor is the request's own, close-on-exec, and not readable
 * while the look-up is held; collect says RESOLVE_THREAD_PENDING then. */
START_TEST(pending_until_done)
{
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST);
	struct addrinfo *res = NULL;
	struct resolve_thread_req *req;
	struct pollfd pfd;
	int gate[2];

	ck_assert_int_eq(pipe(gate), 0);
	resolve_thread_test_gate = gate[0];
	ck_assert_int_eq(resolve_thread_start(&req, "127.0.0.1", NULL, &h), 0);
	pfd.fd = resolve_thread_fd(req);
	pfd.events = POLLIN;
	ck_assert_int_ne(fcntl(pfd.fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(resolve_thread_collect(req, &res), RESOLVE_THREAD_PENDING);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(write(gate[1], "g", 1), 1);
	ck_assert(wait_done(req));
	ck_assert_int_eq(resolve_thread_collect(req, &res), 0);
	ck_assert_ptr_nonnull(res);
	freeaddrinfo(res);
	ck_assert(wait_none_live());
	resolve_thread_test_gate = -1;
	close(gate[0]);
	close(gate[1]);
}
END_TEST

/* Abandoned while its look-up runs: the call returns at once and gives
 * the descriptor back, the request lives until the look-up ends, then
 * frees itself and its result. */
START_TEST(abandon_running)
{
	struct addrinfo h = hints_of(AF_INET, 0);
	struct resolve_thread_req *req;
	int gate[2], fd;

	ck_assert_int_eq(pipe(gate), 0);
	resolve_thread_test_gate = gate[0];
	ck_assert_int_eq(resolve_thread_start(&req, "localhost", "80", &h), 0);
	fd = resolve_thread_fd(req);
	resolve_thread_abandon(req);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(resolve_thread_test_live(), 1);
	ck_assert_int_eq(write(gate[1], "g", 1), 1);
	ck_assert_msg(wait_none_live(), "the abandoned request was never "
	    "freed");
	resolve_thread_test_gate = -1;
	close(gate[0]);
	close(gate[1]);
}
END_TEST

/* Abandoned after its look-up ended: the result is freed too. */
START_TEST(abandon_done)
{
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST);
	struct resolve_thread_req *req;

	ck_assert_int_eq(resolve_thread_start(&req, "127.0.0.1", "1", &h), 0);
	ck_assert(wait_done(req));
	resolve_thread_abandon(req);
	ck_assert(wait_none_live());
	resolve_thread_abandon(NULL);
}
END_TEST

/* Many look-ups at once, each with its own descriptor and its own answer. */
START_TEST(many_at_once)
{
	enum { N = 32 };
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST | AI_NUMERICSERV);
	struct resolve_thread_req *req[N];
	struct addrinfo *res;
	char host[N][16], port[N][8], buf[INET6_ADDRSTRLEN];
	int i, j, p;

	for (i = 0; i < N; i++) {
		snprintf(host[i], sizeof(host[i]), "127.0.0.%d", i + 1);
		snprintf(port[i], sizeof(port[i]), "%d", 1000 + i);
		ck_assert_int_eq(resolve_thread_start(&req[i], host[i], port[i], &h),
		    0);
		for (j = 0; j < i; j++)
			ck_assert_int_ne(resolve_thread_fd(req[i]), resolve_thread_fd(req[j]));
	}
	for (i = N - 1; i >= 0; i--) {
		ck_assert(wait_done(req[i]));
		ck_assert_int_eq(resolve_thread_collect(req[i], &res), 0);
		ck_assert_str_eq(first_addr(res, buf, sizeof(buf), &p),
		    host[i]);
		ck_assert_int_eq(p, 1000 + i);
		freeaddrinfo(res);
	}
	ck_assert(wait_none_live());
}
END_TEST

/* The caller's signal mask is left as it was (the thread blocks all). */
START_TEST(signal_mask_kept)
{
	struct addrinfo h = hints_of(AF_INET, AI_NUMERICHOST);
	struct addrinfo *res;
	sigset_t before, after;

	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &before), 0);
	ck_assert_int_eq(resolve_now("127.0.0.1", NULL, &h, &res), 0);
	freeaddrinfo(res);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &after), 0);
	ck_assert_int_eq(sigismember(&after, SIGINT),
	    sigismember(&before, SIGINT));
	ck_assert_int_eq(sigismember(&after, SIGTERM),
	    sigismember(&before, SIGTERM));
}
END_TEST

static Suite *
resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc = tcase_create("thread");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, numeric_ipv4);
	tcase_add_test(tc, numeric_ipv6);
	tcase_add_test(tc, hosts_file_name);
	tcase_add_test(tc, numeric_host_refused);
	tcase_add_test(tc, numeric_service_refused);
	tcase_add_test(tc, pending_until_done);
	tcase_add_test(tc, abandon_running);
	tcase_add_test(tc, abandon_done);
	tcase_add_test(tc, many_at_once);
	tcase_add_test(tc, signal_mask_kept);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(resolve_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
