/* SPDX-License-Identifier: ISC */
/*
 * check_report.c: the report of fabricated results, text and JSON: a result
 * with no attempt (a --wait run interrupted before its turn), interrupted,
 * resolver failures, raced attempts and the blackhole override.  The report
 * never crashes on a result that has no attempt and never calls a target
 * connected that did not connect.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "fake_result.h"
#include "ready.h"
#include "report.h"
#include "result.h"

/* What report_result wrote to its two streams. */
struct out {
	char *out, *err;
	size_t outlen, errlen;
};

static struct target target;

static void
setup(void)
{
	char *cause = NULL;

	ck_assert_int_eq(target_make(&target, "127.0.0.1", "80", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
}

static void
teardown(void)
{
	target_free(&target);
}

/* Report `r` on `t` in text (json false) or JSON into `out`. */
static void
report(const struct target *t, const struct result *r, bool json,
    struct out *out)
{
	struct report_opts o;
	FILE *fo, *fe;

	memset(out, 0, sizeof(*out));
	fo = open_memstream(&out->out, &out->outlen);
	fe = open_memstream(&out->err, &out->errlen);
	ck_assert_ptr_nonnull(fo);
	ck_assert_ptr_nonnull(fe);
	memset(&o, 0, sizeof(o));
	o.out = fo;
	o.err = fe;
	o.json = json;
	o.timeout_ms = 5000;
	report_result(t, r, NULL, 0, &o);
	fclose(fo);
	fclose(fe);
}

static void
out_free(struct out *out)
{
	free(out->out);
	free(out->err);
}

/*
 * A result with no attempt and no signal (the second target of an
 * interrupted --wait): text and JSON, neither a crash nor "connected".
 */
START_TEST(test_no_attempt)
{
	struct result r;
	struct out out;

	memset(&r, 0, sizeof(r));
	report(&target, &r, _i == 1, &out);
	if (_i == 0) {
		ck_assert_uint_eq(out.outlen, 0);
		ck_assert_ptr_nonnull(strstr(out.err, "not tried"));
	} else {
		ck_assert_ptr_null(strstr(out.out, "\"connected\""));
		ck_assert_ptr_nonnull(strstr(out.out, "\"not_tried\""));
		ck_assert_ptr_null(strstr(out.out, "\"exit_code\":0"));
	}
	out_free(&out);
}
END_TEST

START_TEST(test_interrupted)
{
	struct result r;
	struct out out;

	memset(&r, 0, sizeof(r));
	r.state = RESULT_INTERRUPTED;
	r.signal = SIGINT;
	report(&target, &r, _i == 1, &out);
	if (_i == 0)
		ck_assert_ptr_nonnull(strstr(out.err, "interrupted by INT"));
	else {
		ck_assert_ptr_nonnull(strstr(out.out,
		    "\"outcome\":\"interrupted\""));
		ck_assert_ptr_nonnull(strstr(out.out, "\"exit_code\":130"));
	}
	out_free(&out);
}
END_TEST

/* EAI_SYSTEM without an errno: neither "Success" nor "connected". */
START_TEST(test_eai_system_no_errno)
{
	struct target t;
	struct result r;
	struct out out;
	char *cause = NULL;

	ck_assert_int_eq(target_make(&t, "n1.example", "80", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
	memset(&r, 0, sizeof(r));
	r.state = RESULT_FINISHED;
	r.eai = EAI_SYSTEM;
	report(&t, &r, _i == 1, &out);
	if (_i == 0) {
		ck_assert_uint_eq(out.outlen, 0);
		ck_assert_ptr_null(strstr(out.err, "Success"));
		ck_assert_ptr_nonnull(strstr(out.err, "EAI_SYSTEM"));
	} else {
		ck_assert_ptr_null(strstr(out.out, "\"exit_code\":0"));
		ck_assert_ptr_null(strstr(out.out, "\"outcome\":\"connected\""));
	}
	out_free(&out);
	target_free(&t);
}
END_TEST

/*
 * A result on target `t` (localhost) whose attempts `a` are ::1 refused,
 * then 127.0.0.1 connected (port 80).
 */
static void
raced(struct target *t, struct result_attempt a[2], struct result *r)
{
	char *cause = NULL;

	ck_assert_int_eq(target_make(t, "localhost", "80", AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
	fake_attempt(&a[0], AF_INET6, ECONNREFUSED, 0.25);
	fake_attempt(&a[1], AF_INET, 0, 0.25);
	memset(r, 0, sizeof(*r));
	r->state = RESULT_FINISHED;
	r->attempts = a;
	r->nattempts = 2;
}

/* ::1 refused, then 127.0.0.1 connected: the success names the refusal. */
START_TEST(test_raced)
{
	struct result_attempt a[2];
	struct target t;
	struct result r;
	struct out out;

	raced(&t, a, &r);
	r.ms = 0.75;
	report(&t, &r, false, &out);
	ck_assert_str_eq(out.out, "isock-connect: connected to localhost "
	    "(127.0.0.1) port 80 (tcp) in 0.750 ms; ::1 refused first\n");
	ck_assert_uint_eq(out.errlen, 0);
	out_free(&out);
	target_free(&t);
}
END_TEST

/*
 * ::1 refused, then 127.0.0.1 connected and its TLS check failed: the
 * headline names 127.0.0.1, the address checked; the tried lines list ::1
 * only, never the connected one as a failure ("Success"); JSON's address
 * is 127.0.0.1 and its exit code the check's.
 */
START_TEST(test_raced_check_failed)
{
	struct result_attempt a[2];
	struct ready_facts f;
	struct target t;
	struct result r;
	struct out out;

	raced(&t, a, &r);
	memset(&f, 0, sizeof(f));
	f.status = ISOCK_EXIT_TLS;
	f.cause = READY_CERT_EXPIRED;
	f.what = TARGET_TLS;
	f.alert = -1;
	f.chain_sent = 1;
	f.clock = 1800000000;
	snprintf(f.name, sizeof(f.name), "localhost");
	f.leaf.have = true;
	snprintf(f.leaf.subject, sizeof(f.leaf.subject), "CN=localhost");
	snprintf(f.leaf.issuer, sizeof(f.leaf.issuer), "CN=Test CA");
	f.leaf.not_before = f.clock - 86400 * 60;
	f.leaf.not_after = f.clock - 86400 * 2;
	f.bad = f.leaf;
	r.ready = &f;
	report(&t, &r, _i == 1, &out);
	if (_i == 0) {
		ck_assert_ptr_nonnull(strstr(out.err, "isock-connect: localhost "
		    "(127.0.0.1) port 80 (tcp): the server's TLS certificate has "
		    "expired\n  tried ::1: connection refused"));
		ck_assert_ptr_null(strstr(out.err, "tried 127.0.0.1"));
		ck_assert_ptr_null(strstr(out.err, "errno 0"));
	} else {
		ck_assert_ptr_nonnull(strstr(out.out,
		    "\"address\":\"127.0.0.1\""));
		ck_assert_ptr_nonnull(strstr(out.out, "\"exit_code\":12"));
	}
	out_free(&out);
	target_free(&t);
}
END_TEST

/* --wait: the time waited and the attempts made, in text and JSON. */
START_TEST(test_waited)
{
	struct result_attempt a;
	struct result r;
	struct out out;

	fake_attempt(&a, AF_INET, 0, 0.25);
	memset(&r, 0, sizeof(r));
	r.state = RESULT_FINISHED;
	r.attempts = &a;
	r.nattempts = 1;
	r.ms = 0.25;
	r.tries = 7;
	r.waited_ms = 3090;
	report(&target, &r, _i == 1, &out);
	if (_i == 0)
		ck_assert_ptr_nonnull(strstr(out.out,
		    "; up after 3.09 s, 7 attempts\n"));
	else
		ck_assert_ptr_nonnull(strstr(out.out,
		    "\"tries\":7,\"waited_ms\":3090.000,"));
	out_free(&out);
}
END_TEST

/*
 * The closing line of a run of a service that accepted and kept silent
 * (a TLS check with no answer) and a refused port, tallied under
 * --invert (loop 1) or not (loop 0): under --invert the silent one still
 * accepts (the run's 11), it did not "time out".
 */
START_TEST(test_tally_invert)
{
	static const int codes[2][2] = {
		{ ISOCK_EXIT_TIMEDOUT, ISOCK_EXIT_REFUSED },
		{ ISOCK_EXIT_ACCEPTING, ISOCK_EXIT_REFUSED },
	};
	struct result_attempt a[2];
	struct report_tally tally;
	struct report_opts o;
	struct ready_facts f;
	struct result r;
	char *buf = NULL;
	size_t len = 0;

	memset(&tally, 0, sizeof(tally));
	tally.invert = _i == 1;
	fake_attempt(&a[0], AF_INET, 0, 0.25);
	fake_attempt(&a[1], AF_INET, ECONNREFUSED, 0.25);
	memset(&f, 0, sizeof(f));
	f.status = ISOCK_EXIT_TIMEDOUT;
	f.cause = READY_SILENT_TLS;
	f.what = TARGET_TLS;
	memset(&r, 0, sizeof(r));
	r.state = RESULT_FINISHED;
	r.attempts = &a[0];
	r.nattempts = 1;
	r.ready = &f;
	report_tally_add(&tally, &r);
	r.attempts = &a[1];
	r.ready = NULL;
	report_tally_add(&tally, &r);
	memset(&o, 0, sizeof(o));
	o.out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(o.out);
	o.err = stderr;
	o.invert = _i == 1;
	o.tally = &tally;
	report_summary(codes[_i], 2, codes[_i][0], 0, 1.0, &o);
	fclose(o.out);
	ck_assert_str_eq(buf, _i == 1 ? "isock-connect: 2 targets: 1 refused, "
	    "1 still accepting; exit status 11\n" : "isock-connect: 2 "
	    "targets: 1 refused, 1 timed out; exit status 3\n");
	free(buf);
}
END_TEST

/* The blackhole override holds in the result and in its last attempt. */
START_TEST(test_blackhole_json)
{
	struct result_attempt a;
	struct result r;
	struct out out;

	fake_attempt(&a, AF_INET, EINVAL, 0.25);
	memset(&r, 0, sizeof(r));
	r.state = RESULT_FINISHED;
	r.attempts = &a;
	r.nattempts = 1;
	r.diag_status = ISOCK_EXIT_UNREACHABLE;
	report(&target, &r, true, &out);
	ck_assert_ptr_nonnull(strstr(out.out, "\"exit_code\":4"));
	ck_assert_ptr_null(strstr(out.out, "socket state"));
	ck_assert_ptr_nonnull(strstr(out.out,
	    "\"attempts\":[{\"address\":\"127.0.0.1\",\"outcome\":"
	    "\"unreachable\""));
	out_free(&out);
}
END_TEST

/* Whether `word` stands in `text` as a word of its own (not in EADDR...). */
static bool
has_word(const char *text, const char *word)
{
	const char *p = text;
	size_t n = strlen(word);

	while ((p = strstr(p, word)) != NULL) {
		if ((p == text || (p[-1] != '_' && (p[-1] < 'A' ||
		    p[-1] > 'Z'))) && p[n] != '_' && (p[n] < 'A' ||
		    p[n] > 'Z'))
			return true;
		p += n;
	}
	return false;
}

/*
 * --explain of every entry speaks of an example target, never of
 * placeholders: no "ADDR", "HOST" or "PATH", no "port 0" or ":0".
 */
START_TEST(test_explain_no_placeholders)
{
	static const char *const bad[] = {
		"ADDR", "HOST", "PATH", "port 0", ":0'", " 0 "
	};
	const struct explain_entry *t;
	size_t n, i, k;
	char *buf;
	size_t len;
	FILE *f;

	t = explain_table(&n);
	for (i = 0; i < n; i++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		ck_assert_ptr_nonnull(f);
		report_explain(&t[i], f);
		fclose(f);
		/* After the first line, which names the entry itself. */
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			ck_assert_msg(!has_word(strchr(buf, '\n'), bad[k]),
			    "--explain %s says \"%s\":\n%s", t[i].name, bad[k],
			    buf);
		free(buf);
	}
}
END_TEST

/* The status line is erased, nothing written in its place. */
START_TEST(test_progress_clear)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	report_progress_clear(f);
	fclose(f);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(buf, "\r\033[K", 4);
	free(buf);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("result");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_no_attempt, 0, 2);
	tcase_add_loop_test(tc, test_interrupted, 0, 2);
	tcase_add_loop_test(tc, test_eai_system_no_errno, 0, 2);
	tcase_add_test(tc, test_raced);
	tcase_add_loop_test(tc, test_raced_check_failed, 0, 2);
	tcase_add_loop_test(tc, test_waited, 0, 2);
	tcase_add_test(tc, test_blackhole_json);
	tcase_add_test(tc, test_explain_no_placeholders);
	tcase_add_test(tc, test_progress_clear);
	tcase_add_loop_test(tc, test_tally_invert, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
