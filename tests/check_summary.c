/* SPDX-License-Identifier: ISC */
/*
 * check_summary.c: the summary of many targets, on fabricated results:
 * ports folded into sorted ranges without repeats, groups by host and
 * outcome in the order first seen with the connected first, the result
 * of a failing group taken over once, the one line of a target, colour,
 * and the status line of a long run.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netdb.h>

#include "fake_result.h"
#include "summary.h"

#define NT 160

static struct target targets[NT];

/* Make target `i` as `host` port `port`. */
static void
make(size_t i, const char *host, const char *port)
{
	char *cause = NULL;

	ck_assert_int_eq(target_make(&targets[i], host, port, AF_UNSPEC,
	    SOCK_STREAM, &cause), 0);
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < NT; i++)
		target_free(&targets[i]);
	memset(targets, 0, sizeof(targets));
}

/* A finished result of one attempt ending with `error` (0: connected). */
static void
fake(struct result *r, int error)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(result_reserve(r, 1), 0);
	fake_attempt(&r->attempts[0], AF_INET, error, 0.25);
	r->nattempts = 1;
	r->ms = 0.25;
	r->state = RESULT_FINISHED;
}

/* Streams in memory for the report options. */
struct mem {
	char *out, *err;
	size_t outlen, errlen;
	FILE *fo, *fe;
};

static void
mem_open(struct mem *m, struct report_opts *o)
{
	memset(m, 0, sizeof(*m));
	m->fo = open_memstream(&m->out, &m->outlen);
	m->fe = open_memstream(&m->err, &m->errlen);
	ck_assert_ptr_nonnull(m->fo);
	ck_assert_ptr_nonnull(m->fe);
	memset(o, 0, sizeof(*o));
	o->out = m->fo;
	o->err = m->fe;
	o->timeout_ms = 1000;
}

static void
mem_close(struct mem *m)
{
	fclose(m->fo);
	fclose(m->fe);
}

static void
mem_free(struct mem *m)
{
	free(m->out);
	free(m->err);
}

/*
 * What summary_print(s) writes, in `m`, as a run prints it: the
 * connected groups too when `connected`.
 */
static void
printed(const struct summary *s, bool connected, struct mem *m)
{
	static struct report_said said;
	struct report_opts o;

	mem_open(m, &o);
	memset(&said, 0, sizeof(said));
	o.said = &said;
	summary_print(s, SUMMARY_FAILED | (connected ? SUMMARY_CONNECTED : 0),
	    &o);
	mem_close(m);
}

/* Add target `i` with a result ending in `error` to `s`. */
static void
add(struct summary *s, size_t i, int error)
{
	struct diag_facts *facts = NULL;
	struct result r;

	fake(&r, error);
	ck_assert_int_eq(summary_add(s, i, &targets[i], &r, &facts), 0);
	result_free(&r);
}

/*
 * The facts of a refusal of 127.0.0.`last` port `port` as the diagnosis
 * reads them on this host: a local route (127.0.0.1/32, or 127.0.0.0/8
 * for another address) and nothing listening, or a listener on `listener`
 * (127.0.0.`listener`, 0: none).
 */
static struct diag_facts *
refused_facts(unsigned last, unsigned port, unsigned listener)
{
	struct diag_facts *f = calloc(1, sizeof(*f));
	uint32_t a = htonl(0x7f000000u | last);

	ck_assert_ptr_nonnull(f);
	f->have = DIAG_ROUTE | DIAG_LISTENERS;
	f->family = AF_INET;
	f->type = SOCK_STREAM;
	f->error = ECONNREFUSED;
	ck_assert(diag_ip_set(&f->dst, AF_INET, &a, 4));
	f->port = (unsigned short)port;
	f->route.type = RTN_LOCAL;
	f->route.table = RT_TABLE_LOCAL;
	a = htonl(last == 1 ? 0x7f000001u : 0x7f000000u);
	ck_assert(diag_ip_set(&f->route.prefix, AF_INET, &a, 4));
	f->route.prefixlen = last == 1 ? 32 : 8;
	f->route.ifindex = 1;
	strcpy(f->route.dev, "lo");
	f->route.from_kernel = true;
	f->listen.protocol = IPPROTO_TCP;
	if (listener != 0) {
		a = htonl(0x7f000000u | listener);
		f->listen.count = 1;
		ck_assert(diag_ip_set(&f->listen.addr[0], AF_INET, &a, 4));
		f->listen.backlog[0] = 128;
	}
	return f;
}

/* Add target `i` refused, with the facts of refused_facts(). */
static void
add_refused(struct summary *s, size_t i, unsigned last, unsigned listener)
{
	struct diag_facts *facts = refused_facts(last, targets[i].port,
	    listener);
	struct result r;

	fake(&r, ECONNREFUSED);
	ck_assert_int_eq(summary_add(s, i, &targets[i], &r, &facts), 0);
	result_free(&r);
	free(facts);
}

/* A refused target: host, port, and the facts' address and listener. */
struct refusal {
	const char *host, *port;
	unsigned last, listener;
};

/* Make the `n` targets of `v` (from index 0) and add each to `s`. */
static void
add_refusals(struct summary *s, const struct refusal *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		make(i, v[i].host, v[i].port);
		add_refused(s, i, v[i].last, v[i].listener);
	}
}

/* How many times `needle` occurs in `hay`. */
static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * Ports refused alike are one group whatever their number: 32 is in the
 * route's "/32", 127 the address's first octet, 1 in every "127.0.0.1";
 * the facts are compared as facts, never as text.
 */
START_TEST(test_one_cause_one_group)
{
	static const unsigned ports[] = { 30, 31, 32, 33, 126, 127, 128 };
	struct summary *s = summary_new(false);
	char num[8];
	struct mem m;
	size_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		snprintf(num, sizeof(num), "%u", ports[i]);
		make(i, "127.0.0.1", num);
		add_refused(s, i, 1, 0);
	}
	printed(s, true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 30-33,126-128 "
	    "refused (ECONNREFUSED, errno 111)\n"));
	ck_assert_uint_eq(count_of(m.err, "refused ("), 1);
	ck_assert_uint_eq(count_of(m.err, "Check:"), 1);
	ck_assert_uint_eq(count_of(m.err, "Found: 127.0.0.1 is an address"), 1);
	mem_free(&m);
	summary_free(s);
	teardown();

	s = summary_new(false);
	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 150; i++) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		make(i, "127.0.0.1", num);
		add_refused(s, i, 1, 0);
	}
	printed(s, true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 1-150 refused ("));
	ck_assert_uint_eq(count_of(m.err, "refused ("), 1);
	ck_assert_uint_eq(count_of(m.err, "Check:"), 1);
	mem_free(&m);
	summary_free(s);
}
END_TEST

/* A port whose listener is on another address is another group. */
START_TEST(test_other_facts_other_group)
{
	static const struct refusal v[] = {
		{ "127.0.0.1", "80", 1, 0 }, { "127.0.0.1", "81", 1, 2 },
		{ "127.0.0.1", "82", 1, 0 },
	};
	struct summary *s = summary_new(false);
	struct mem m;

	add_refusals(s, v, sizeof(v) / sizeof(v[0]));
	printed(s, true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 80,82 refused ("));
	/* The errno's headline is said whole once, its name after. */
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 81 refused "
	    "(ECONNREFUSED)\n"));
	ck_assert_uint_eq(count_of(m.err, "errno 111"), 1);
	ck_assert_ptr_nonnull(strstr(m.err, "TCP port 81 has a listener on "
	    "127.0.0.2 only"));
	/* A fact that holds for each port of the group alike names them. */
	ck_assert_ptr_nonnull(strstr(m.err, "Found: nothing on this host "
	    "listens on TCP ports 80,82\n"));
	ck_assert_uint_eq(count_of(m.err, "Check:"), 2);
	/* Two causes: neither is "as above". */
	ck_assert_ptr_null(strstr(m.err, "as above"));
	mem_free(&m);
	summary_free(s);
}
END_TEST

/* A port rejected by another chain of the ruleset is another group. */
START_TEST(test_other_chain_other_group)
{
	static const char *const chain[] = { "a", "b", "a" };
	struct summary *s = summary_new(false);
	struct diag_facts *f;
	struct result r;
	struct mem m;
	size_t i;

	for (i = 0; i < 3; i++) {
		make(i, "127.0.0.1", i == 0 ? "80" : i == 1 ? "81" : "82");
		f = refused_facts(1, targets[i].port, 0);
		f->have |= DIAG_RULESET;
		f->ruleset.nchains = 1;
		strcpy(f->ruleset.chain[0].family, "inet");
		strcpy(f->ruleset.chain[0].table, "filter");
		strcpy(f->ruleset.chain[0].chain, chain[i]);
		f->ruleset.chain[0].hook = 1;
		f->ruleset.chain[0].rejects = 1;
		f->ruleset.chain[0].out = true;
		fake(&r, ECONNREFUSED);
		ck_assert_int_eq(summary_add(s, i, &targets[i], &r, &f), 0);
		result_free(&r);
		free(f);
	}
	printed(s, true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 80,82 refused ("));
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 81 refused ("));
	/* Another chain to check: not "as above". */
	ck_assert_ptr_nonnull(strstr(m.err, "chain inet filter b (hook input) "
	    "rejects the SYN"));
	ck_assert_ptr_null(strstr(m.err, "as above"));
	mem_free(&m);
	summary_free(s);
}
END_TEST

/*
 * The same cause on two hosts is explained once: the second host's group
 * is its outcome, not the facts, the meaning and the Check again.
 */
START_TEST(test_cause_explained_once)
{
	static const struct refusal v[] = {
		{ "127.0.0.1", "80", 1, 0 }, { "127.0.0.1", "81", 1, 0 },
		{ "127.0.0.2", "80", 2, 0 }, { "127.0.0.2", "81", 2, 0 },
	};
	struct summary *s = summary_new(false);
	struct mem m;

	add_refusals(s, v, sizeof(v) / sizeof(v[0]));
	printed(s, true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 80-81 refused ("));
	ck_assert_ptr_nonnull(strstr(m.err, "\n127.0.0.2 (tcp): 80-81 refused, "
	    "as above\n"));
	ck_assert_uint_eq(count_of(m.err, "Found: nothing on this host listens"),
	    1);
	ck_assert_ptr_nonnull(strstr(m.err, "Found: nothing on this host "
	    "listens on TCP ports 80-81\n"));
	ck_assert_ptr_null(strstr(m.err, "TCP port 80"));
	ck_assert_uint_eq(count_of(m.err, "Check:"), 1);
	ck_assert_uint_eq(count_of(m.err, "\n"), 6);
	mem_free(&m);
	summary_free(s);
}
END_TEST

/*
 * Groups in input order: a name's failure claimed (at its diagnosis)
 * before the targets ahead of it finished still comes after them.
 */
START_TEST(test_claim_keeps_input_order)
{
	struct summary *s = summary_new(false);
	struct diag_facts *facts = NULL;
	struct result r;
	struct mem m;
	char *a, *b, *c;

	make(0, "127.0.0.1", "80");
	make(1, "nosuch.test", "80");
	make(2, "127.0.0.1", "81");
	memset(&r, 0, sizeof(r));
	r.eai = EAI_NONAME;
	r.state = RESULT_FINISHED;
	ck_assert(summary_claim(s, 1, &targets[1], &r));
	add(s, 0, ECONNREFUSED);
	ck_assert_int_eq(summary_add(s, 1, &targets[1], &r, &facts), 0);
	result_free(&r);
	add(s, 2, 0);
	printed(s, true, &m);
	a = strstr(m.err, "127.0.0.1 (tcp): 80 refused");
	b = strstr(m.err, "nosuch.test (tcp): 80 not found");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b);
	c = strstr(m.out, "127.0.0.1 (tcp): 81 connected");
	ck_assert_ptr_nonnull(c);
	mem_free(&m);
	summary_free(s);
}
END_TEST

/*
 * A fabricated TLS check that connected to 127.0.0.1 port 80 and got no
 * answer before the deadline: a silent service (3 without --invert).
 */
static void
fake_silent(struct result *r)
{
	fake(r, 0);
	r->ready = calloc(1, sizeof(*r->ready));
	ck_assert_ptr_nonnull(r->ready);
	r->ready->status = ISOCK_EXIT_TIMEDOUT;
	r->ready->cause = READY_SILENT_TLS;
	r->ready->what = TARGET_TLS;
	r->ready->connect_ms = 0.25;
	r->ready->alert = -1;
	r->ready->chain_sent = -1;
	r->ready->location_len = -1;
	r->ready->body_announced = -1;
}

/*
 * Targets 0-1 silent after their connect, 2 refused, 3 connected, in a
 * summary of a run inverted or not, printed into `m`.
 */
static void
silent_run(bool invert, struct mem *m)
{
	struct summary *s = summary_new(invert);
	struct diag_facts *facts = NULL;
	struct result r;
	size_t i;

	ck_assert_ptr_nonnull(s);
	make(0, "127.0.0.1", "80");
	make(1, "127.0.0.1", "81");
	make(2, "127.0.0.1", "82");
	make(3, "127.0.0.1", "83");
	for (i = 0; i < 2; i++) {
		fake_silent(&r);
		ck_assert_int_eq(summary_add(s, i, &targets[i], &r, &facts),
		    0);
		result_free(&r);
	}
	add(s, 2, ECONNREFUSED);
	add(s, 3, 0);
	printed(s, true, m);
	summary_free(s);
}

/*
 * --invert asks whether anything accepts: a service that accepted and
 * kept silent is still accepting (the run's 11), not "timed out"; a
 * refused port is its success, on standard output, with no meaning or
 * Check to act on; a port that connected is its failure, on standard
 * error.  Without --invert the same results keep their words.
 */
START_TEST(test_invert_words)
{
	struct report_opts o;
	struct result r;
	struct mem m;

	silent_run(false, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 80-81 timed out: "
	    "connected, but no TLS answer"));
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 82 refused ("));
	ck_assert_str_eq(m.out, "127.0.0.1 (tcp): 83 connected\n");
	mem_free(&m);
	teardown();

	silent_run(true, &m);
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 80-81 still "
	    "accepting: connected, but no TLS answer"));
	ck_assert_ptr_null(strstr(m.err, "timed out"));
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 83 still "
	    "accepting: connected\n"));
	ck_assert_str_eq(m.out, "127.0.0.1 (tcp): 82 not accepting: refused "
	    "(ECONNREFUSED, errno 111)\n");
	ck_assert_ptr_null(strstr(m.err, "refused"));
	ck_assert_uint_eq(count_of(m.err, "Check:"), 1);
	mem_free(&m);

	/* The line of each target says the same. */
	mem_open(&m, &o);
	o.invert = true;
	fake_silent(&r);
	summary_line(&targets[0], &r, &o);
	result_free(&r);
	fake(&r, ECONNREFUSED);
	summary_line(&targets[0], &r, &o);
	result_free(&r);
	fake(&r, 0);
	summary_line(&targets[0], &r, &o);
	result_free(&r);
	mem_close(&m);
	ck_assert_str_eq(m.err, "127.0.0.1 port 80 (tcp): still accepting\n"
	    "127.0.0.1 port 80 (tcp): not accepting: refused\n");
	ck_assert_str_eq(m.out, "127.0.0.1 port 80 (tcp): still accepting: "
	    "connected in 0.250 ms\n");
	mem_free(&m);
}
END_TEST

/*
 * Two answers whose bodies differ only past a NUL byte, which ends the
 * first line the facts show (as for --http-body): one group, not two
 * that read the same.
 */
START_TEST(test_body_past_nul)
{
	static const char *const tail[] = { "a", "b" };
	struct summary *s = summary_new(false);
	struct diag_facts *facts = NULL;
	struct ready_facts *rf;
	struct result r;
	struct mem m;
	size_t i;

	for (i = 0; i < 2; i++) {
		make(i, "127.0.0.1", i == 0 ? "80" : "81");
		fake(&r, 0);
		rf = r.ready = calloc(1, sizeof(*r.ready));
		ck_assert_ptr_nonnull(rf);
		rf->status = ISOCK_EXIT_HTTP;
		rf->cause = READY_HTTP_BODY;
		rf->what = TARGET_HTTP;
		rf->alert = -1;
		rf->http_status = 200;
		rf->location_len = -1;
		snprintf(rf->status_line, sizeof(rf->status_line),
		    "HTTP/1.1 200 OK");
		memcpy(rf->body_line, "ok\0", 3);
		memcpy(rf->body_line + 3, tail[i], 1);
		rf->nbody_line = rf->body_line_len = 4;
		rf->body_bytes = 5;
		ck_assert_int_eq(summary_add(s, i, &targets[i], &r, &facts),
		    0);
		result_free(&r);
	}
	printed(s, true, &m);
	ck_assert_msg(strstr(m.err, "127.0.0.1 (tcp): 80-81 unexpected "
	    "answer") != NULL, "%s", m.err);
	mem_free(&m);
	summary_free(s);
}
END_TEST

START_TEST(test_ranges)
{
	static const char *const ports[] = {
		"5", "1", "2", "3", "3", "8", "7", "4"
	};
	const size_t np = sizeof(ports) / sizeof(ports[0]);
	struct summary *s = summary_new(false);
	struct mem m;
	size_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < np; i++) {
		make(i, "127.0.0.1", ports[i]);
		add(s, i, i + 1 == np ? 0 : ECONNREFUSED);
	}
	printed(s, true, &m);
	ck_assert_str_eq(m.out, "127.0.0.1 (tcp): 4 connected\n");
	ck_assert_ptr_nonnull(strstr(m.err, "127.0.0.1 (tcp): 1-3,5,7-8 "
	    "refused (ECONNREFUSED, errno 111)\n"));
	/* The connected ports are left out for --count. */
	mem_free(&m);
	printed(s, false, &m);
	ck_assert_str_eq(m.out, "");
	mem_free(&m);
	summary_free(s);
}
END_TEST

START_TEST(test_groups_in_order)
{
	struct summary *s = summary_new(false);
	struct mem m;
	char *a, *b, *c;

	make(0, "127.0.0.2", "80");
	make(1, "127.0.0.1", "80");
	make(2, "127.0.0.2", "81");
	make(3, "127.0.0.1", "81");
	add(s, 0, ECONNREFUSED);
	add(s, 1, ECONNREFUSED);
	add(s, 2, ETIMEDOUT);
	add(s, 3, 0);
	printed(s, true, &m);
	/* 127.0.0.2 first, as seen first; its two failures in order. */
	a = strstr(m.err, "127.0.0.2 (tcp): 80 refused");
	b = strstr(m.err, "127.0.0.2 (tcp): 81 timed out");
	c = strstr(m.err, "127.0.0.1 (tcp): 80 refused");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert(a < b && b < c);
	ck_assert_str_eq(m.out, "127.0.0.1 (tcp): 81 connected\n");
	mem_free(&m);
	summary_free(s);
}
END_TEST

START_TEST(test_takes_first_only)
{
	struct summary *s = summary_new(false);
	struct diag_facts *facts = NULL;
	struct result r;

	make(0, "127.0.0.1", "80");
	make(1, "127.0.0.1", "81");
	fake(&r, ECONNREFUSED);
	ck_assert_int_eq(summary_add(s, 0, &targets[0], &r, &facts), 0);
	ck_assert_uint_eq(r.nattempts, 0);	/* taken over */
	ck_assert_ptr_null(r.attempts);
	fake(&r, ECONNREFUSED);
	ck_assert_int_eq(summary_add(s, 1, &targets[1], &r, &facts), 0);
	ck_assert_uint_eq(r.nattempts, 1);	/* left to the caller */
	result_free(&r);
	fake(&r, 0);
	ck_assert_int_eq(summary_add(s, 1, &targets[1], &r, &facts), 0);
	ck_assert_uint_eq(r.nattempts, 1);	/* a success is not kept */
	result_free(&r);
	summary_free(s);
}
END_TEST

START_TEST(test_line_and_colour)
{
	struct report_opts o;
	struct result r;
	struct mem m;

	make(0, "127.0.0.1", "80");
	fake(&r, 0);
	mem_open(&m, &o);
	summary_line(&targets[0], &r, &o);
	result_free(&r);
	fake(&r, ETIMEDOUT);
	o.color_err = true;
	summary_line(&targets[0], &r, &o);
	mem_close(&m);
	ck_assert_str_eq(m.out, "127.0.0.1 port 80 (tcp): connected in "
	    "0.250 ms\n");
	ck_assert_str_eq(m.err, "127.0.0.1 port 80 (tcp): \033[33mtimed "
	    "out\033[0m\n");
	result_free(&r);
	mem_free(&m);
}
END_TEST

START_TEST(test_progress)
{
	unsigned long count[ISOCK_EXIT_MAX + 2] = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	count[ISOCK_EXIT_CONNECTED] = 12;
	count[ISOCK_EXIT_REFUSED] = 250;
	count[ISOCK_EXIT_TIMEDOUT] = 50;
	summary_progress(f, 312, 1000, count, 4100.0);
	fclose(f);
	ck_assert_str_eq(buf, "\r\033[K312/1000 done: 12 connected, 250 "
	    "refused, 50 timed out; 4.1 s elapsed");
	free(buf);
}
END_TEST

static Suite *
summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_groups_in_order);
	tcase_add_test(tc, test_takes_first_only);
	tcase_add_test(tc, test_line_and_colour);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_one_cause_one_group);
	tcase_add_test(tc, test_other_facts_other_group);
	tcase_add_test(tc, test_other_chain_other_group);
	tcase_add_test(tc, test_cause_explained_once);
	tcase_add_test(tc, test_claim_keeps_input_order);
	tcase_add_test(tc, test_invert_words);
	tcase_add_test(tc, test_body_past_nul);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(summary_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
