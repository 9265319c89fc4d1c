/* SPDX-License-Identifier: ISC */
/*
 * check_rtget.c: the route look-up of src/rtget.c as a waiter of the loop
 * (issue 19).  rtget_start() answers through the loop, never from inside
 * itself, also when the answer is kept; two look-ups of one address in
 * flight share one request (one socket); rtget_cancel() closes what it
 * opened and its callback is never called; rtget_errno() works without a
 * loop of the caller's and leaves none behind.  Only 127.0.0.0/8 is
 * asked about (the kernel's local routes: no packet is sent).  The
 * blackhole, unreachable and prohibit answers need routes of a namespace:
 * tests/t-rtget.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "fds.h"
#include "loop.h"
#include "rtget.h"

/* What one look-up's callback saw. */
struct got {
	int calls;
	int err;
	bool early;			/* called from inside rtget_start() */
};

static bool in_start;

static void
on_route(void *arg, int err)
{
	struct got *g = arg;

	g->calls++;
	g->err = err;
	if (in_start)
		g->early = true;
}

/* rtget_start() for 127.0.0.`last` port `port`, marking the call. */
static struct rtget *
start(unsigned last, unsigned short port, struct got *g)
{
	struct sockaddr_in a;
	struct rtget *r;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(0x7f000000u | last);
	in_start = true;
	r = rtget_start((struct sockaddr *)&a, 1000, on_route, g);
	in_start = false;
	return r;
}

/* Run `l` until `*calls` reaches `want` (bounded: 200 waits, 5 s). */
static void
run_until(struct loop *l, const int *calls, int want)
{
	struct timespec end = clock_add_ms(clock_now(), 5000);
	int i;

	for (i = 0; i < 200 && *calls < want && clock_ms_until(&end) > 0; i++)
		ck_assert_int_ge(loop_once(l, 100), 0);
}

/* 127.0.0.1 has a local route: 0, through the loop; then kept. */
START_TEST(test_start_local)
{
	struct loop *l = loop_new();
	struct got g = { 0 }, again = { 0 };
	int fds;

	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(start(1, 80, &g));
	ck_assert_int_eq(g.calls, 0);
	run_until(l, &g.calls, 1);
	ck_assert_int_eq(g.calls, 1);
	ck_assert(!g.early);
	ck_assert_int_eq(g.err, 0);

	/* Another port of it within a second: the kept answer, no socket,
	   still through the loop. */
	fds = fds_open();
	ck_assert_ptr_nonnull(start(1, 443, &again));
	ck_assert_int_eq(fds_open(), fds);
	ck_assert_int_eq(again.calls, 0);
	run_until(l, &again.calls, 1);
	ck_assert_int_eq(again.calls, 1);
	ck_assert(!again.early);
	ck_assert_int_eq(again.err, 0);
	loop_free(l);
}
END_TEST

/* Two look-ups of one address in flight at once: one request. */
START_TEST(test_start_shared)
{
	struct loop *l = loop_new();
	struct got a = { 0 }, b = { 0 };
	int fds = fds_open();

	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(start(2, 80, &a));
	ck_assert_ptr_nonnull(start(2, 81, &b));
	ck_assert_int_eq(fds_open(), fds + 1);
	run_until(l, &b.calls, 1);
	run_until(l, &a.calls, 1);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 1);
	ck_assert(!a.early && !b.early);
	ck_assert_int_eq(a.err, 0);
	ck_assert_int_eq(b.err, 0);
	ck_assert_int_eq(fds_open(), fds);
	loop_free(l);
}
END_TEST

/*
 * Cancelled: its socket closed, its callback never called; a look-up that
 * shared its request still gets the answer.
 */
START_TEST(test_cancel)
{
	struct loop *l = loop_new();
	struct got a = { 0 }, b = { 0 }, c = { 0 };
	struct rtget *ra, *rc;
	int fds = fds_open();

	ck_assert_ptr_nonnull(l);
	ra = start(3, 80, &a);
	ck_assert_ptr_nonnull(ra);
	rtget_cancel(ra);
	ck_assert_int_eq(fds_open(), fds);
	ck_assert_int_eq(loop_once(l, 50), 0);
	ck_assert_int_eq(a.calls, 0);

	ra = start(4, 80, &a);
	ck_assert_ptr_nonnull(start(4, 81, &b));
	rc = start(4, 82, &c);
	ck_assert_ptr_nonnull(ra);
	ck_assert_ptr_nonnull(rc);
	rtget_cancel(ra);
	rtget_cancel(rc);
	run_until(l, &b.calls, 1);
	ck_assert_int_eq(b.calls, 1);
	ck_assert_int_eq(b.err, 0);
	ck_assert_int_eq(fds_open(), fds);
	ck_assert_int_eq(loop_once(l, 50), 0);
	ck_assert_int_eq(a.calls + c.calls, 0);
	loop_free(l);
}
END_TEST

/* Without a loop: rtget_start() cannot start; rtget_errno() can. */
START_TEST(test_without_loop)
{
	struct sockaddr_in a;
	struct got g = { 0 };

	ck_assert_ptr_null(loop_current());
	ck_assert_ptr_null(start(5, 80, &g));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(0x7f000005u);
	ck_assert_int_eq(rtget_errno((struct sockaddr *)&a, 1000), 0);
	ck_assert_ptr_null(loop_current());
	ck_assert_int_eq(g.calls, 0);
}
END_TEST

static Suite *
rtget_suite(void)
{
	Suite *su = suite_create("rtget");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, test_start_local);
	tcase_add_test(tc, test_start_shared);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_without_loop);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(rtget_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
