/* SPDX-License-Identifier: ISC */
/*
 * check_ready_text.c: the words for the facts of a TLS or HTTP check, fed
 * fabricated facts on a fixed clock: what each cause says, what it must
 * never say without its facts, the escaping of what the server sent, the
 * spans of time; and the exit status a failed check gives a result.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "ready_text.h"
#include "result.h"
#include "text.h"

/* 2026-12-03 18:00:00 UTC, the clock of every case. */
#define NOW ((time_t)1796320800)

/* All the Found lines and the advice of `f`, in one string. */
static char *
words(const struct ready_facts *f)
{
	char lines[8][DIAG_LINE_MAX], mean[640], check[640];
	static char all[8 * DIAG_LINE_MAX + 1400];
	size_t i, n;

	all[0] = '\0';
	n = ready_text_lines(f, NOW, lines, 8);
	for (i = 0; i < n; i++) {
		strcat(all, lines[i]);
		strcat(all, "\n");
	}
	ready_text_advice(f, NOW, "example.test port 443", mean, sizeof(mean),
	    check, sizeof(check));
	strcat(all, mean);
	strcat(all, "\n");
	strcat(all, check);
	return all;
}

static void
leaf(struct ready_facts *f, enum ready_cause cause)
{
	memset(f, 0, sizeof(*f));
	f->cause = cause;
	f->what = TARGET_TLS | TARGET_HTTP;
	f->alert = -1;
	f->chain_sent = -1;
	snprintf(f->name, sizeof(f->name), "example.test");
	f->leaf.have = true;
	snprintf(f->leaf.subject, sizeof(f->leaf.subject), "CN=example.test");
	snprintf(f->leaf.issuer, sizeof(f->leaf.issuer), "CN=Some CA");
	snprintf(f->leaf.names, sizeof(f->leaf.names), "example.test");
	f->leaf.not_before = NOW - 86400 * 30;
	f->leaf.not_after = NOW + 86400 * 30;
}

START_TEST(test_span)
{
	char b[64];

	ready_text_span(0, b, sizeof(b));
	ck_assert_str_eq(b, "0 seconds");
	ready_text_span(61, b, sizeof(b));
	ck_assert_str_eq(b, "1 minute 1 second");
	ready_text_span(-(86400.0 + 3600.0 * 2), b, sizeof(b));
	ck_assert_str_eq(b, "1 day 2 hours");
	ready_text_span(86400.0 * 365 + 86400.0 * 32, b, sizeof(b));
	ck_assert_str_eq(b, "1 year 32 days");
}
END_TEST

/* What came from the server is escaped, NULs and line ends included. */
START_TEST(test_bytes)
{
	static const unsigned char raw[] = "HTTP/1.1 400\r\n\0\033[31m";
	char b[128];

	ready_text_bytes(raw, sizeof(raw) - 1, b, sizeof(b));
	ck_assert_str_eq(b, "HTTP/1.1 400\\x0d\\x0a\\x00\\x1b[31m");
}
END_TEST

START_TEST(test_expired)
{
	struct ready_facts f;
	const char *w;

	leaf(&f, READY_CERT_EXPIRED);
	f.leaf.not_after = NOW - (86400 * 365 + 86400 * 32);
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "expired on 2025-11-01 18:00:00 UTC "
	    "(notAfter), 1 year 32 days ago by this host's clock "
	    "(2026-12-03 18:00:00 UTC)"));
	ck_assert_ptr_null(strstr(w, "behind"));
}
END_TEST

/* The clock is named the likely cause only when the start is near. */
START_TEST(test_not_yet)
{
	struct ready_facts f;
	const char *w;

	leaf(&f, READY_CERT_NOT_YET);
	f.leaf.not_before = NOW + 3 * 3600;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "3 hours after this host's clock"));
	ck_assert_ptr_nonnull(strstr(w, "the likely cause"));
	f.leaf.not_before = NOW + 86400 * 40;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "this host's clock is behind"));
	ck_assert_ptr_null(strstr(w, "likely"));
}
END_TEST

START_TEST(test_name_mismatch)
{
	struct ready_facts f;
	const char *w;

	leaf(&f, READY_NAME_MISMATCH);
	snprintf(f.name, sizeof(f.name), "other\033]0;x");
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the name asked: other\\x1b]0;x"));
	ck_assert_ptr_nonnull(strstr(w, "holds: example.test"));
	ck_assert_ptr_null(strchr(w, '\033'));
	/* Outside text is quoted as every message quotes it: an excerpt
	   (text_excerpt_dup) with the whole length of what was cut. */
	memset(f.name, 'n', 200);
	f.name[200] = '\0';
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "nnn[... 200 bytes]"));
}
END_TEST

/* "Incomplete chain" needs the fact that one certificate was sent. */
START_TEST(test_unknown_issuer)
{
	struct ready_facts f;
	const char *w;

	leaf(&f, READY_UNKNOWN_ISSUER);
	f.bad = f.leaf;
	f.chain_sent = 1;
	snprintf(f.cafile, sizeof(f.cafile), "/etc/ssl/certs/ca.crt");
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "incomplete chain"));
	ck_assert_ptr_nonnull(strstr(w, "trusted here: the CA file "
	    "/etc/ssl/certs/ca.crt"));
	f.chain_sent = 2;
	w = words(&f);
	ck_assert_ptr_null(strstr(w, "incomplete"));
	ck_assert_ptr_nonnull(strstr(w, "sent 2 certificates"));
	f.chain_sent = -1;
	w = words(&f);
	ck_assert_ptr_null(strstr(w, "incomplete"));
}
END_TEST

/*
 * The SNI name is said for an unrecognised name only, the versions offered
 * for a protocol version alert only.
 */
START_TEST(test_alerts)
{
	struct ready_opts o;
	struct ready_facts f;
	char what[256];
	const char *w;

	leaf(&f, READY_ALERT);
	snprintf(f.offered, sizeof(f.offered), "TLSv1.3, TLSv1.2");
	f.alert = 70;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the versions this client offered: "
	    "TLSv1.3, TLSv1.2"));
	ck_assert_ptr_nonnull(strstr(w, "-tls1_2 or -tls1_3"));
	ck_assert_ptr_null(strstr(w, "cipher"));
	ck_assert_ptr_null(strstr(w, "SNI"));
	f.offered[0] = '\0';	/* a ClientHello not seen: no line */
	ck_assert_ptr_null(strstr(words(&f), "offered:"));
	snprintf(f.offered, sizeof(f.offered), "TLSv1.3, TLSv1.2");
	f.alert = 40;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "no shared cipher suite"));
	ck_assert_ptr_null(strstr(w, "offered:"));
	/* 40 after the ServerHello: a client certificate only when the
	   server asked for one (CertificateRequest). */
	f.server_hello = true;
	w = words(&f);
	ck_assert_ptr_null(strstr(w, "client certificate"));
	ck_assert_ptr_null(strstr(w, "--cert"));
	f.cert_requested = true;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the server asked for a client "
	    "certificate (CertificateRequest), and none was sent"));
	ck_assert_ptr_nonnull(strstr(w, "send one with --cert FILE"));
	f.server_hello = f.cert_requested = false;
	f.alert = 116;
	snprintf(f.alert_text, sizeof(f.alert_text), "unknown");
	ready_text_what(&f, what, sizeof(what));
	ck_assert_str_eq(what, "the server sent the TLS alert 'certificate "
	    "required' (116)");
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "client certificate"));
	ck_assert_ptr_null(strstr(w, "SNI"));
	f.alert = 112;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the name sent in SNI: example.test"));
	ck_assert_ptr_null(strstr(w, "client certificate"));
	ck_assert_ptr_null(strstr(w, "offered:"));
	/* A certificate refused: the file sent is named only with --cert. */
	f.alert = 48;
	ck_assert_ptr_null(strstr(words(&f), "--cert"));
	memset(&o, 0, sizeof(o));
	o.cert = "me\n.pem";
	f.opts = &o;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the issuer of the client certificate "
	    "me\\x0a.pem (--cert)"));
	f.alert = 116;
	ck_assert_ptr_nonnull(strstr(words(&f), "client certificate me"));
	ck_assert_ptr_null(strstr(words(&f), "send one with --cert"));
}
END_TEST

/* A silent handshake: "no TLS answer" only when no ServerHello came. */
START_TEST(test_silent)
{
	struct ready_facts f;
	char what[256];
	const char *w;

	leaf(&f, READY_SILENT_TLS);
	f.connect_ms = 0.5;
	ready_text_what(&f, what, sizeof(what));
	ck_assert_str_eq(what, "connected, but no TLS answer (ServerHello) "
	    "came before the deadline");
	ck_assert_ptr_nonnull(strstr(words(&f), "the ClientHello was sent "
	    "and nothing came back"));
	f.server_hello = true;
	ready_text_what(&f, what, sizeof(what));
	ck_assert_ptr_null(strstr(what, "no TLS answer"));
	ck_assert_ptr_nonnull(strstr(what, "the TLS handshake began (a "
	    "ServerHello came)"));
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the server's ServerHello came, then "
	    "nothing more"));
	ck_assert_ptr_null(strstr(w, "nothing came back"));
	ck_assert_ptr_null(strstr(w, "did not answer"));
}
END_TEST

/* A reset before any answer: said from the facts, at once or not. */
START_TEST(test_reset)
{
	struct ready_facts f;
	char what[256];
	const char *w;

	leaf(&f, READY_TLS_RESET);
	f.at_once = true;
	ready_text_what(&f, what, sizeof(what));
	ck_assert_str_eq(what, "the server reset the connection without a "
	    "TLS answer");
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the server's reset was there when the "
	    "connect completed: no check was started"));
	ck_assert_ptr_null(strstr(w, "byte of TLS"));
	f.at_once = false;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "then the server reset the connection "
	    "before a byte of TLS came"));
	ck_assert_ptr_null(strstr(w, "when the connect completed"));
	f.cause = READY_HTTP_RESET;
	f.what = TARGET_HTTP;
	ready_text_what(&f, what, sizeof(what));
	ck_assert_str_eq(what, "the server reset the connection without an "
	    "HTTP answer");
	ck_assert_ptr_nonnull(strstr(words(&f), "https:// if it serves TLS"));
	f.at_once = true;
	ck_assert_ptr_null(strstr(words(&f), "https://"));
}
END_TEST

/*
 * Facts `f` of an HTTP answer of status `status` (its status line
 * `line`) that failed the check with `cause`, expected as `o` says
 * (nothing set in it yet).
 */
static void
http_facts(struct ready_facts *f, struct ready_opts *o,
    enum ready_cause cause, long status, const char *line)
{
	memset(o, 0, sizeof(*o));
	memset(f, 0, sizeof(*f));
	f->cause = cause;
	f->what = TARGET_HTTP;
	f->alert = -1;
	f->http_status = status;
	f->opts = o;
	snprintf(f->status_line, sizeof(f->status_line), "%s", line);
}

/* A status: its line, Location and body line; the list expected. */
START_TEST(test_http_status)
{
	struct ready_opts o;
	struct ready_facts f;
	const char *w;

	http_facts(&f, &o, READY_HTTP_STATUS, 301, "HTTP/1.1 301 Moved");
	snprintf(f.location, sizeof(f.location), "https://x.test/\033");
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the answer: \"HTTP/1.1 301 Moved\""));
	ck_assert_ptr_nonnull(strstr(w, "Location: https://x.test/\\x1b"));
	ck_assert_ptr_nonnull(strstr(w, "(expected: 200-399)"));
	o.status_lo[0] = o.status_hi[0] = 200;
	o.status_lo[1] = 300;
	o.status_hi[1] = 302;
	o.nstatus = 2;
	f.http_status = 503;
	f.location[0] = '\0';
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "(expected: 200,300-302)"));
	ck_assert_ptr_null(strstr(w, "Location"));
	ck_assert_ptr_null(strstr(w, "TLS"));
}
END_TEST

/*
 * A NUL byte ends a line of the body for --http-body, which matches each
 * line alone: the first line of the body the facts show ends there too,
 * so that what is shown is what the expression was matched against.
 */
START_TEST(test_body_nul)
{
	static const unsigned char body[] = "ok\0more";
	/* Past the NUL, and the line end that comes after it. */
	static const char *const never[] = { "\\x00", "more", "CR LF" };
	struct ready_opts o;
	struct ready_facts f;
	const char *w;
	size_t i;

	http_facts(&f, &o, READY_HTTP_BODY, 200, "HTTP/1.1 200 OK");
	o.body = "ok.more";
	memcpy(f.body_line, body, sizeof(body) - 1);
	f.nbody_line = f.body_line_len = sizeof(body) - 1;
	f.body_crlf = true;
	f.body_bytes = 16;
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the first line of the body: \"ok\" "
	    "(it ends in a NUL byte)\n"));
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_ptr_null(strstr(w, never[i]));
	/* A NUL first: the line is empty, the body is not. */
	f.body_line[0] = '\0';
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the body begins with a NUL byte, "
	    "which ends its first line (16 bytes came in all)\n"));
	ck_assert_ptr_null(strstr(w, "is empty"));
	/* Without a NUL, the line and its end as before. */
	memcpy(f.body_line, "ok more", 7);
	w = words(&f);
	ck_assert_ptr_nonnull(strstr(w, "the first line of the body: \"ok "
	    "more\" (it ends in CR LF)\n"));
}
END_TEST

/*
 * A long Location is cut between characters, as every excerpt is: a
 * character that straddles byte TEXT_EXCERPT_MAX is left out whole, never
 * shown as the escapes of its first bytes.
 */
START_TEST(test_location_cut)
{
	struct ready_opts o;
	struct ready_facts f;
	const char *w;
	char want[200];

	http_facts(&f, &o, READY_HTTP_STATUS, 301, "HTTP/1.1 301 Moved");
	memset(f.location, 'x', TEXT_EXCERPT_MAX - 1);
	snprintf(f.location + TEXT_EXCERPT_MAX - 1, sizeof(f.location) -
	    TEXT_EXCERPT_MAX + 1, "\xc3\xa9tail");
	f.location_len = (long)strlen(f.location);
	w = words(&f);
	ck_assert_ptr_null(strstr(w, "\\xc3"));
	snprintf(want, sizeof(want), "x[... %ld bytes]\n", f.location_len);
	ck_assert_ptr_nonnull(strstr(w, want));
}
END_TEST

/* A result whose check failed is not connected, and gives its status. */
START_TEST(test_result_status)
{
	struct result_attempt a;
	struct ready_facts *f = calloc(1, sizeof(*f));
	struct result r;

	ck_assert_ptr_nonnull(f);
	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	r.state = RESULT_FINISHED;
	r.attempts = &a;
	r.nattempts = 1;
	r.ready = f;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_CONNECTED);
	f->status = ISOCK_EXIT_TLS;
	ck_assert_ptr_null(result_connected(&r));
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_TLS);
	f->status = ISOCK_EXIT_HTTP;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_HTTP);
	ck_assert_int_eq(result_invert_status(&r), ISOCK_EXIT_HTTP);
	/* --invert: a silent service accepted; a connect time-out did not */
	f->status = ISOCK_EXIT_TIMEDOUT;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_TIMEDOUT);
	ck_assert_int_eq(result_invert_status(&r), ISOCK_EXIT_ACCEPTING);
	r.ready = NULL;
	a.error = ETIMEDOUT;
	ck_assert_int_eq(result_invert_status(&r), ISOCK_EXIT_TIMEDOUT);
	a.error = 0;
	r.ready = f;
	r.signal = 2;
	ck_assert_int_eq(result_exit_status(&r), ISOCK_EXIT_SIGNAL + 2);
	free(f);
}
END_TEST

/* Every cause with an exit status has an entry, found by name. */
START_TEST(test_table)
{
	const struct ready_text_entry *t;
	size_t n, i;

	t = ready_text_table(&n);
	ck_assert_uint_gt(n, 10);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_eq(ready_text_lookup(t[i].name), &t[i]);
		ck_assert_ptr_eq(ready_text_of(t[i].cause), &t[i]);
		ck_assert(t[i].exit_class == ISOCK_EXIT_TLS ||
		    t[i].exit_class == ISOCK_EXIT_HTTP ||
		    t[i].exit_class == ISOCK_EXIT_TIMEDOUT);
	}
	ck_assert_ptr_nonnull(ready_text_lookup("tls_cert_expired"));
	ck_assert_ptr_null(ready_text_lookup("ECONNREFUSED"));
	ck_assert_ptr_null(ready_text_of(READY_OK));
}
END_TEST

static Suite *
ready_text_suite(void)
{
	Suite *s = suite_create("ready_text");
	TCase *tc = tcase_create("words");

	tcase_add_test(tc, test_span);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_expired);
	tcase_add_test(tc, test_not_yet);
	tcase_add_test(tc, test_name_mismatch);
	tcase_add_test(tc, test_unknown_issuer);
	tcase_add_test(tc, test_alerts);
	tcase_add_test(tc, test_silent);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_http_status);
	tcase_add_test(tc, test_body_nul);
	tcase_add_test(tc, test_location_cut);
	tcase_add_test(tc, test_result_status);
	tcase_add_test(tc, test_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ready_text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
