/* SPDX-License-Identifier: ISC */
/*
 * check_loop.c: the reactor: a ready waiter's callback with its events, a
 * timer at its deadline and not before, a waiter removed by an earlier
 * callback of the same wait never called, the current loop, and the stop
 * signals left blocked by a loop kept held to the exit.
 */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"

/* What a callback saw: how many calls, the last events, and when the
   first came. */
struct seen {
	int calls;
	short revents;
	struct timespec at;
	struct loop *l;
	int del;			/* a waiter to remove when called, or -1 */
};

static void
on_event(void *arg, short revents)
{
	struct seen *s = arg;

	if (s->calls++ == 0)
		s->at = clock_now();
	s->revents = revents;
	if (s->del >= 0)
		loop_del(s->l, s->del);
}

START_TEST(test_ready)
{
	struct loop *l = loop_new();
	struct seen s = { .del = -1 };
	int sv[2];

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_ge(loop_add(l, sv[0], POLLIN, (struct timespec){ 0, 0 },
	    on_event, &s), 0);
	ck_assert_int_eq(loop_once(l, 0), 0);
	ck_assert_int_eq(s.calls, 0);
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	ck_assert_int_eq(loop_once(l, 1000), 1);
	ck_assert_int_eq(s.calls, 1);
	ck_assert(s.revents & POLLIN);
	close(sv[0]);
	close(sv[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_timer)
{
	struct loop *l = loop_new();
	struct seen s = { .del = -1 };
	struct timespec t0 = clock_now();
	int k;

	ck_assert_int_ge(loop_add(l, -1, 0, clock_add_ms(t0, 50), on_event,
	    &s), 0);
	/* Bounded: the timer is due within 50 ms, each wait up to 1 s. */
	for (k = 0; k < 10 && s.calls == 0; k++)
		ck_assert_int_ge(loop_once(l, 1000), 0);
	ck_assert_int_eq(s.calls, 1);
	ck_assert_int_eq(s.revents, 0);
	ck_assert(clock_ms_between(&t0, &s.at) >= 50.0);
	/* Removed before its call: never called again. */
	ck_assert_int_eq(loop_once(l, 10), 0);
	ck_assert_int_eq(s.calls, 1);
	loop_free(l);
}
END_TEST

START_TEST(test_removed_by_earlier)
{
	struct loop *l = loop_new();
	struct seen a = { .del = -1 }, b = { .del = -1 };
	int sv[2], tv[2], ida, idb;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, tv), 0);
	ida = loop_add(l, sv[0], POLLIN, (struct timespec){ 0, 0 }, on_event,
	    &a);
	idb = loop_add(l, tv[0], POLLIN, (struct timespec){ 0, 0 }, on_event,
	    &b);
	ck_assert_int_lt(ida, idb);
	a.l = l;
	a.del = idb;		/* a, called first, removes b */
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	ck_assert_int_eq(write(tv[1], "x", 1), 1);
	ck_assert_int_ge(loop_once(l, 1000), 1);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 0);
	close(sv[0]);
	close(sv[1]);
	close(tv[0]);
	close(tv[1]);
	loop_free(l);
}
END_TEST

/*
 * The loop made last is the current one, where the modules add their
 * waiters; freeing it makes the one before current again.
 */
START_TEST(test_current)
{
	struct loop *outer, *inner;

	ck_assert_ptr_null(loop_current());
	outer = loop_new();
	ck_assert_ptr_eq(loop_current(), outer);
	inner = loop_new();
	ck_assert_ptr_eq(loop_current(), inner);
	loop_free(inner);
	ck_assert_ptr_eq(loop_current(), outer);
	loop_free(outer);
	ck_assert_ptr_null(loop_current());
}
END_TEST

/* The order callbacks came in, for test_urgent. */
static char order[8];
static size_t norder;

/* A slow callback that does not measure: 2 ms of work, then the urgent
   waiter's peer becomes readable (its socket in `arg`). */
static void
on_slow(void *arg, short revents)
{
	struct timespec end = clock_add_ms(clock_now(), 2);
	int *peer = arg;

	(void)revents;
	if (norder < sizeof(order))
		order[norder++] = 's';
	while (clock_ms_until(&end) > 0)
		;
	if (*peer >= 0)
		ck_assert_int_eq(write(*peer, "u", 1), 1);
	*peer = -1;
}

static void
on_urgent(void *arg, short revents)
{
	int fd = *(int *)arg;
	char c;

	(void)revents;
	if (norder < sizeof(order))
		order[norder++] = 'u';
	ck_assert_int_eq(read(fd, &c, 1), 1);
}

/*
 * An urgent waiter (one that measures) is served before the others ready
 * in the same wait, though added after them; and one that becomes ready
 * while another's slow callback runs is served right after it, before the
 * next slow one, not at the next wait.
 */
START_TEST(test_urgent)
{
	struct loop *l = loop_new();
	int a[2], b[2], u[2], id, peer_a, peer_b;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, u), 0);
	peer_a = u[1];
	peer_b = -1;
	ck_assert_int_ge(loop_add(l, a[0], POLLIN, (struct timespec){ 0, 0 },
	    on_slow, &peer_a), 0);
	ck_assert_int_ge(loop_add(l, b[0], POLLIN, (struct timespec){ 0, 0 },
	    on_slow, &peer_b), 0);
	id = loop_add(l, u[0], POLLIN, (struct timespec){ 0, 0 }, on_urgent,
	    &u[0]);
	ck_assert_int_ge(id, 0);
	loop_urgent(l, id);
	/* All three ready: the urgent one first; a's callback makes it ready
	   again, and it is served before b's. */
	ck_assert_int_eq(write(a[1], "a", 1), 1);
	ck_assert_int_eq(write(b[1], "b", 1), 1);
	ck_assert_int_eq(write(u[1], "u", 1), 1);
	norder = 0;
	ck_assert_int_eq(loop_once(l, 1000), 3);
	ck_assert_uint_eq(norder, 4);
	ck_assert_int_eq(memcmp(order, "usus", 4), 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	close(u[0]);
	close(u[1]);
	loop_free(l);
}
END_TEST

/* A timer that sets the flag it is given. */
static void
on_set(void *arg, short revents)
{
	(void)revents;
	*(bool *)arg = true;
}

/*
 * loop_run serves the loop until the flag is set (a timer's callback sets
 * it: true), and not at all once the stop flag is set (false).
 */
START_TEST(test_run)
{
	struct loop *l = loop_new();
	volatile sig_atomic_t stop = 0;
	bool done = false;

	ck_assert_int_ge(loop_add(l, -1, 0, clock_add_ms(clock_now(), 20),
	    on_set, &done), 0);
	ck_assert(loop_run(l, &done, &stop));
	ck_assert(done);
	done = false;
	stop = SIGINT;
	ck_assert_int_ge(loop_add(l, -1, 0, clock_add_ms(clock_now(), 20),
	    on_set, &done), 0);
	ck_assert(!loop_run(l, &done, &stop));
	ck_assert(!done);
	loop_free(l);
}
END_TEST

/* Whether SIGINT is blocked now. */
static bool
int_blocked(void)
{
	sigset_t now;

	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	return sigismember(&now, SIGINT) == 1;
}

/*
 * A loop blocks the stop signals and its end lets them in again, unless
 * it was kept held (a quiet run's exit: no call for nothing).
 */
START_TEST(test_keep_held)
{
	struct loop *l;
	sigset_t found;

	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &found), 0);
	ck_assert(!int_blocked());
	l = loop_new();
	ck_assert_ptr_nonnull(l);
	ck_assert(int_blocked());
	loop_free(l);
	ck_assert(!int_blocked());

	l = loop_new();
	ck_assert_ptr_nonnull(l);
	loop_keep_held(l);
	loop_free(l);
	ck_assert(int_blocked());

	/* Let in before the end: nothing to keep, and they stay let in. */
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &found, NULL), 0);
	l = loop_new();
	ck_assert_ptr_nonnull(l);
	loop_signals_let(l);
	loop_keep_held(l);
	loop_free(l);
	ck_assert(!int_blocked());
}
END_TEST

static Suite *
loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("waiters");

	tcase_add_test(tc, test_ready);
	tcase_add_test(tc, test_timer);
	tcase_add_test(tc, test_removed_by_earlier);
	tcase_add_test(tc, test_current);
	tcase_add_test(tc, test_urgent);
	tcase_add_test(tc, test_run);
	tcase_add_test(tc, test_keep_held);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(loop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
