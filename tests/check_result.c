/* SPDX-License-Identifier: ISC */
/*
 * check_result.c: the one exit status of a result, fed fabricated results:
 * no attempt, interrupted, resolver failures, raced attempts, the
 * diagnosis's override, and the statistics of --count built on them.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <string.h>

#include "exitcode.h"
#include "fake_result.h"
#include "result.h"

static void
finished(struct result *r, struct result_attempt *a, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->state = RESULT_FINISHED;
	r->attempts = a;
	r->nattempts = n;
}

START_TEST(test_not_started)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	ck_assert_ptr_null(result_connected(&r));
	ck_assert_ptr_null(result_last(&r));
	ck_assert_int_ne(result_exit_status(&r), ISOCK_EXIT_CONNECTED);
}
END_TEST

/* A state that is not finished holds no outcome, whatever its attempts. */
START_TEST(test_unfinished_states)
{
	static const enum result_state states[] = {
		RESULT_NOT_STARTED, RESULT_RESOLVING, RESULT_CONNECTING,
	};
	struct result_attempt a;
	struct result r;

	fake_attempt(&a, AF_INET, 0, 1.5);
	finished(&r, &a, 1);
	r.state = states[_i];
	ck_assert_ptr_null(result_connected(&r));
	ck_assert_int_ne(result_exit_status(&r), ISOCK_EXIT_CONNECTED);
}
END_TEST

START_TEST(test_interrupted_no_attempt)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	r.state = RESULT_INTERRUPTED;
	r.signal = SIGINT;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_SIGNAL + SIGINT);
}
END_TEST

START_TEST(test_interrupted_in_flight)
{
	struct result_attempt a;
	struct result r;

	fake_attempt(&a, AF_INET, EINTR, 1.5);
	finished(&r, &a, 1);
	r.state = RESULT_INTERRUPTED;
	r.signal = SIGTERM;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_SIGNAL + SIGTERM);
}
END_TEST

/*
 * glibc's look-up thread can fail with EAI_SYSTEM and leave the caller's
 * errno 0: that is a failure, never "connected".
 */
START_TEST(test_eai_system_no_errno)
{
	struct result r;

	finished(&r, NULL, 0);
	r.eai = EAI_SYSTEM;
	r.eai_errno = 0;
	ck_assert_ptr_null(result_connected(&r));
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_OTHER);
}
END_TEST

START_TEST(test_eai_system_emfile)
{
	struct result r;

	finished(&r, NULL, 0);
	r.eai = EAI_SYSTEM;
	r.eai_errno = EMFILE;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_RESOURCES);
}
END_TEST

START_TEST(test_resolve_codes)
{
	struct result r;

	finished(&r, NULL, 0);
	r.eai = EAI_NONAME;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_NOTFOUND);
}
END_TEST

START_TEST(test_no_attempt_before_deadline)
{
	struct result r;

	finished(&r, NULL, 0);
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_TIMEDOUT);
}
END_TEST

/* ::1 refused, then 127.0.0.1 connected: the target connected. */
START_TEST(test_raced_win)
{
	struct result_attempt a[2];
	struct result r;

	fake_attempt(&a[0], AF_INET6, ECONNREFUSED, 1.5);
	fake_attempt(&a[1], AF_INET, 0, 1.5);
	finished(&r, a, 2);
	ck_assert_ptr_eq(result_connected(&r), &a[1]);
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_CONNECTED);
}
END_TEST

/* Both failed: the last attempt's class. */
START_TEST(test_raced_loss)
{
	struct result_attempt a[2];
	struct result r;

	fake_attempt(&a[0], AF_INET6, ECONNREFUSED, 1.5);
	fake_attempt(&a[1], AF_INET, ETIMEDOUT, 1.5);
	finished(&r, a, 2);
	ck_assert_ptr_null(result_connected(&r));
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_TIMEDOUT);
}
END_TEST

/* EINVAL alone is socket state; the diagnosis's blackhole says 4. */
START_TEST(test_blackhole_override)
{
	struct result_attempt a;
	struct result r;

	fake_attempt(&a, AF_INET, EINVAL, 1.5);
	finished(&r, &a, 1);
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_STATE);
	r.diag_status = ISOCK_EXIT_UNREACHABLE;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_UNREACHABLE);
}
END_TEST

/* --count over a blackhole gives what a single run gives: 4, not 9. */
START_TEST(test_stats_blackhole)
{
	struct result_attempt a;
	struct result_stats s;
	struct result r;

	memset(&s, 0, sizeof(s));
	fake_attempt(&a, AF_INET, EINVAL, 1.5);
	finished(&r, &a, 1);
	r.diag_status = ISOCK_EXIT_UNREACHABLE;
	result_stats_add(&s, &r);
	result_stats_add(&s, &r);
	ck_assert_uint_eq(s.sent, 2);
	ck_assert_uint_eq(s.connected, 0);
	ck_assert_int_eq(result_stats_status(&s), result_exit_status(&r));
}
END_TEST

START_TEST(test_stats_interrupted)
{
	struct result_attempt a;
	struct result_stats s;
	struct result r;

	memset(&s, 0, sizeof(s));
	fake_attempt(&a, AF_INET, 0, 1.5);
	finished(&r, &a, 1);
	result_stats_add(&s, &r);
	memset(&r, 0, sizeof(r));
	r.state = RESULT_INTERRUPTED;
	r.signal = SIGINT;
	result_stats_add(&s, &r);
	memset(&r, 0, sizeof(r));
	result_stats_add(&s, &r);
	ck_assert_uint_eq(s.sent, 1);
	ck_assert_uint_eq(s.connected, 1);
	ck_assert_int_eq(result_stats_status(&s), ISOCK_EXIT_CONNECTED);
	ck_assert(result_stats_avg(&s) == 1.5);
}
END_TEST

/*
 * The longest downtime: probes up (1) and down (0) at seconds 1, 2, ...;
 * the longest run of failures, from its first failure to the success that
 * ended it, or to its last failure while it goes on.
 */
static const struct {
	const char *ups;
	unsigned long longest;
	long began, ended;
	bool ongoing;
} down_cases[] = {
	{ "1111", 0, 0, 0, false },
	{ "000", 3, 1, 3, true },
	{ "10010001", 3, 5, 8, false },
	{ "1000100", 3, 2, 5, false },	/* a tie keeps the first */
	{ "0110000", 4, 4, 7, true },
};

START_TEST(test_stats_downtime)
{
	struct result_attempt a;
	struct result_stats s;
	struct result r;
	const char *p;

	memset(&s, 0, sizeof(s));
	for (p = down_cases[_i].ups; *p != '\0'; p++) {
		fake_attempt(&a, AF_INET, *p == '1' ? 0 : ECONNREFUSED, 1.0);
		finished(&r, &a, 1);
		r.when.tv_sec = p - down_cases[_i].ups + 1;
		result_stats_add(&s, &r);
	}
	ck_assert_uint_eq(s.down_longest, down_cases[_i].longest);
	if (down_cases[_i].longest == 0)
		return;
	ck_assert_int_eq(s.longest_began.tv_sec, down_cases[_i].began);
	ck_assert_int_eq(s.longest_ended.tv_sec, down_cases[_i].ended);
	ck_assert(s.down_ongoing == down_cases[_i].ongoing);
}
END_TEST

/* The run's status: one table of codes and policies, row by row. */
static const struct {
	int codes[3];
	size_t n;
	int sig;
	struct result_policy p;
	int want;
} run_cases[] = {
	{ { 0, 0 }, 2, 0, { 0 }, ISOCK_EXIT_CONNECTED },
	{ { 0, 3, 1 }, 3, 0, { 0 }, ISOCK_EXIT_TIMEDOUT },
	{ { 3, 0 }, 2, 0, { .any = true }, ISOCK_EXIT_CONNECTED },
	{ { 1, 6 }, 2, 0, { .any = true }, ISOCK_EXIT_REFUSED },
	/* --invert: refused, timed out, unreachable are closed; any other
	   class keeps its status (issue 23: a typo's not found is no
	   success). */
	{ { 1, 3 }, 2, 0, { .invert = true }, ISOCK_EXIT_CONNECTED },
	{ { 4 }, 1, 0, { .invert = true }, ISOCK_EXIT_CONNECTED },
	{ { 1, 6 }, 2, 0, { .invert = true }, ISOCK_EXIT_NOTFOUND },
	{ { 7, 1 }, 2, 0, { .invert = true }, ISOCK_EXIT_RESOURCES },
	{ { 5 }, 1, 0, { .invert = true }, ISOCK_EXIT_DENIED },
	{ { 6, 0 }, 2, 0, { .invert = true, .any = true },
	    ISOCK_EXIT_NOTFOUND },
	{ { 1, 0 }, 2, 0, { .invert = true }, ISOCK_EXIT_ACCEPTING },
	{ { 0, 1 }, 2, 0, { .invert = true, .any = true },
	    ISOCK_EXIT_CONNECTED },
	{ { 0 }, 1, 0, { .invert = true, .codes = RESULT_CODES_BINARY },
	    ISOCK_EXIT_UNHEALTHY },
	{ { 6 }, 1, 0, { .codes = RESULT_CODES_BINARY }, ISOCK_EXIT_UNHEALTHY },
	{ { 0 }, 1, 0, { .codes = RESULT_CODES_BINARY }, ISOCK_EXIT_CONNECTED },
	{ { 1 }, 1, SIGINT, { .invert = true }, ISOCK_EXIT_SIGNAL + SIGINT },
	{ { 130 }, 1, SIGINT, { .codes = RESULT_CODES_BINARY },
	    ISOCK_EXIT_UNHEALTHY },
	/* A target a signal cut short is no success of --invert. */
	{ { 130 }, 1, 0, { .invert = true }, ISOCK_EXIT_SIGNAL + SIGINT },
};

START_TEST(test_run_status)
{
	int got = result_run_status(run_cases[_i].codes, run_cases[_i].n,
	    run_cases[_i].sig, &run_cases[_i].p);

	ck_assert_msg(got == run_cases[_i].want, "case %d: status %d, "
	    "expected %d", _i, got, run_cases[_i].want);
}
END_TEST

START_TEST(test_exit_mode)
{
	ck_assert_int_eq(result_exit_mode(ISOCK_EXIT_USAGE,
	    RESULT_CODES_BINARY), ISOCK_EXIT_UNHEALTHY);
	ck_assert_int_eq(result_exit_mode(ISOCK_EXIT_NO_COMMAND,
	    RESULT_CODES_BINARY), ISOCK_EXIT_UNHEALTHY);
	ck_assert_int_eq(result_exit_mode(ISOCK_EXIT_USAGE,
	    RESULT_CODES_FULL), ISOCK_EXIT_USAGE);
	ck_assert_int_eq(result_exit_mode(0, RESULT_CODES_BINARY), 0);
}
END_TEST

static Suite *
result_suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("status");

	tcase_add_test(tc, test_not_started);
	tcase_add_loop_test(tc, test_unfinished_states, 0, 3);
	tcase_add_test(tc, test_interrupted_no_attempt);
	tcase_add_test(tc, test_interrupted_in_flight);
	tcase_add_test(tc, test_eai_system_no_errno);
	tcase_add_test(tc, test_eai_system_emfile);
	tcase_add_test(tc, test_resolve_codes);
	tcase_add_test(tc, test_no_attempt_before_deadline);
	tcase_add_test(tc, test_raced_win);
	tcase_add_test(tc, test_raced_loss);
	tcase_add_test(tc, test_blackhole_override);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_loop_test(tc, test_run_status, 0,
	    (int)(sizeof(run_cases) / sizeof(run_cases[0])));
	tcase_add_test(tc, test_exit_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_test(tc, test_stats_blackhole);
	tcase_add_test(tc, test_stats_interrupted);
	tcase_add_loop_test(tc, test_stats_downtime, 0,
	    (int)(sizeof(down_cases) / sizeof(down_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(result_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
