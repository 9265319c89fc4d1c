/* SPDX-License-Identifier: ISC */
/*
 * check_trace.c: the parser of nftables trace events (trace_parse_event)
 * fed with NFT_MSG_TRACE messages built here as the kernel builds them, the
 * JSON form of a trace result, and the asynchronous trace (trace_start,
 * trace_stop) on a loop, to 127.0.0.1 and without nftables (no privilege).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fds.h"
#include "json.h"
#include "loop.h"
#include "trace.h"

/* What one event says. */
struct event {
	const char *table, *chain;
	uint32_t type;		/* NFT_TRACETYPE_* */
	int32_t verdict;	/* rule: the verdict; policy: the policy */
	uint64_t handle;
	uint16_t sport, dport;	/* the transport header's ports */
	uint8_t family;		/* NFPROTO_* of the table */
	uint32_t id;		/* the packet's trace id */
	bool headers;		/* the packet's headers are in the event */
};

/* Build the NFT_MSG_TRACE message of `e` into `buf`; returns its length. */
static size_t
event_build(char *buf, size_t size, const struct event *e)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct nlattr *nest;
	unsigned char th[20];

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = e->family;
	nfg->version = NFNETLINK_V0;
	mnl_attr_put_strz(nlh, NFTA_TRACE_TABLE, e->table);
	mnl_attr_put_strz(nlh, NFTA_TRACE_CHAIN, e->chain);
	mnl_attr_put_u32(nlh, NFTA_TRACE_ID, htonl(e->id));
	mnl_attr_put_u32(nlh, NFTA_TRACE_TYPE, htonl(e->type));
	if (e->type == NFT_TRACETYPE_POLICY)
		mnl_attr_put_u32(nlh, NFTA_TRACE_POLICY,
		    htonl((uint32_t)e->verdict));
	else {
		mnl_attr_put_u64(nlh, NFTA_TRACE_RULE_HANDLE,
		    htobe64(e->handle));
		nest = mnl_attr_nest_start(nlh, NFTA_TRACE_VERDICT);
		mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE,
		    htonl((uint32_t)e->verdict));
		mnl_attr_nest_end(nlh, nest);
	}
	if (e->headers) {
		memset(th, 0, sizeof(th));
		th[0] = (unsigned char)(e->sport >> 8);
		th[1] = (unsigned char)e->sport;
		th[2] = (unsigned char)(e->dport >> 8);
		th[3] = (unsigned char)e->dport;
		th[13] = 0x02;	/* SYN */
		mnl_attr_put(nlh, NFTA_TRACE_TRANSPORT_HEADER, sizeof(th), th);
	}
	mnl_attr_put_u32(nlh, NFTA_TRACE_NFPROTO, htonl(NFPROTO_IPV4));
	return nlh->nlmsg_len;
}

static char buf[4096];

/*
 * One case: an event, after (when `first_id` is not 0) an event with the
 * headers of the packet with trace id `first_id`, ports `sport` to `dport`;
 * the trace is of the SYN from 40000 to 81 by table isock_trace_1.
 */
struct event_case {
	struct event e;
	uint32_t first_id;
	uint16_t first_sport, first_dport;
	int want;		/* 1: a drop found, 0: ours, not one; -1 */
	bool reply;		/* want 1: the drop is of the reply */
};

#define OWN "isock_trace_1"

static const struct event_case event_cases[] = {
	/* a rule of another table drops the SYN: named */
	{ { "hostfw", "leaving", NFT_TRACETYPE_RULE, NF_DROP, 7, 40000, 81,
	    NFPROTO_INET, 11, true }, 0, 0, 0, 1, false },
	/* a chain's policy drops the SYN-ACK: named, no handle */
	{ { "filter", "INPUT", NFT_TRACETYPE_POLICY, NF_DROP, 0, 81, 40000,
	    NFPROTO_IPV4, 12, true }, 0, 0, 0, 1, true },
	/* the policy after a rule: no headers, the id learnt before */
	{ { "hostfw6", "leaving", NFT_TRACETYPE_POLICY, NF_DROP, 0, 0, 0,
	    NFPROTO_IPV6, 13, false }, 13, 40000, 81, 1, false },
	{ { "hostfw6", "in", NFT_TRACETYPE_RULE, NF_DROP, 4, 0, 0,
	    NFPROTO_IPV6, 14, false }, 14, 81, 40000, 1, true },
	/* no headers and an id never seen: another packet */
	{ { "hostfw6", "leaving", NFT_TRACETYPE_POLICY, NF_DROP, 0, 0, 0,
	    NFPROTO_IPV6, 15, false }, 16, 40000, 81, -1, false },
	/* accept and continue decide nothing */
	{ { "hostfw", "leaving", NFT_TRACETYPE_RULE, NF_ACCEPT, 3, 40000, 81,
	    NFPROTO_INET, 17, true }, 0, 0, 0, 0, false },
	{ { "hostfw", "leaving", NFT_TRACETYPE_RULE, NFT_CONTINUE, 3, 40000,
	    81, NFPROTO_INET, 18, true }, 0, 0, 0, 0, false },
	/* the trace's own table is never the answer */
	{ { OWN, "out", NFT_TRACETYPE_RULE, NF_DROP, 2, 40000, 81,
	    NFPROTO_INET, 19, true }, 0, 0, 0, 0, false },
	/* another packet: other ports */
	{ { "hostfw", "leaving", NFT_TRACETYPE_RULE, NF_DROP, 7, 40001, 81,
	    NFPROTO_INET, 20, true }, 0, 0, 0, -1, false },
	{ { "hostfw", "leaving", NFT_TRACETYPE_RULE, NF_DROP, 7, 81, 40001,
	    NFPROTO_INET, 21, true }, 0, 0, 0, -1, false },
};

START_TEST(event_parsed)
{
	const struct event_case *c = &event_cases[_i];
	struct trace_match m = { .own_table = OWN, .sport = 40000, .dport = 81 };
	struct event first = { "isock_trace_1", "out", NFT_TRACETYPE_RULE,
	    NFT_CONTINUE, 2, c->first_sport, c->first_dport, NFPROTO_INET,
	    c->first_id, true };
	struct trace_rule r;
	size_t len;

	if (c->first_id != 0) {
		len = event_build(buf, sizeof(buf), &first);
		ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), 0);
	}
	len = event_build(buf, sizeof(buf), &c->e);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), c->want);
	if (c->want != 1)
		return;
	ck_assert_int_eq(r.state, TRACE_RULE_FOUND);
	ck_assert(r.reply == c->reply);
	ck_assert_str_eq(r.table, c->e.table);
	ck_assert_str_eq(r.chain, c->e.chain);
	ck_assert_uint_eq(r.family, c->e.family);
	ck_assert(r.policy == (c->e.type == NFT_TRACETYPE_POLICY));
	ck_assert_uint_eq(r.handle, r.policy ? 0 : c->e.handle);
	ck_assert_str_eq(r.verdict, "drop");
}
END_TEST

/* More packets than TRACE_IDS_MAX: the oldest ids are forgotten first. */
START_TEST(ids_bounded)
{
	struct trace_match m = { .own_table = OWN, .sport = 40000, .dport = 81 };
	struct event e = { "hostfw", "leaving", NFT_TRACETYPE_RULE,
	    NFT_CONTINUE, 3, 40000, 81, NFPROTO_INET, 0, true };
	struct trace_rule r;
	size_t len;
	uint32_t id;

	for (id = 1; id <= TRACE_IDS_MAX + 1; id++) {
		e.id = id;
		len = event_build(buf, sizeof(buf), &e);
		ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), 0);
	}
	ck_assert_uint_eq(m.nids, TRACE_IDS_MAX);
	e.headers = false;
	e.id = 1;
	len = event_build(buf, sizeof(buf), &e);
	ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), -1);
	e.id = TRACE_IDS_MAX + 1;
	len = event_build(buf, sizeof(buf), &e);
	ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), 0);
}
END_TEST

START_TEST(truncated_and_foreign_messages)
{
	struct trace_match m = { .own_table = OWN, .sport = 40000, .dport = 81 };
	struct event e = { "hostfw", "leaving", NFT_TRACETYPE_RULE, NF_DROP,
	    7, 40000, 81, NFPROTO_INET, 30, true };
	struct trace_rule r;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len = event_build(buf, sizeof(buf), &e);

	ck_assert_int_eq(trace_parse_event(buf, len - 1, &m, &r), -1);
	ck_assert_int_eq(trace_parse_event(buf, 8, &m, &r), -1);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	ck_assert_int_eq(trace_parse_event(buf, len, &m, &r), -1);
}
END_TEST

/*
 * A trace of 10.63.0.2 port 80 by a user without the permission: hops 1
 * and 2 (10.61.0.2, 10.62.0.2) answer in 0.25 ms, and `nhops` - 2 more
 * are silent.
 */
static struct trace_result *
two_hops(unsigned nhops)
{
	struct trace_result *r = calloc(1, sizeof(*r));
	struct sockaddr_in *sin;

	ck_assert_ptr_nonnull(r);
	r->rule.state = TRACE_RULE_DENIED;
	r->nhops = nhops;
	r->last_answered = 2;
	r->deadline_ms = 1000;
	sin = (struct sockaddr_in *)&r->dst;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "10.63.0.2", &sin->sin_addr);
	sin->sin_port = htons(80);
	for (unsigned i = 0; i < nhops; i++) {
		r->hops[i].ttl = i + 1;
		if (i >= 2)
			continue;
		r->hops[i].kind = TRACE_HOP_TIME_EXCEEDED;
		r->hops[i].rtt_ms = 0.25;
		sin = (struct sockaddr_in *)&r->hops[i].addr;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(0x0a3d0002 + (i << 16));
	}
	return r;
}

/* The text of `r`, in a new string. */
static char *
text_of(const struct trace_result *r)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	trace_text(r, f);
	fclose(f);
	return text;
}

START_TEST(text_of_a_silence)
{
	struct trace_result *r = two_hops(3);
	char *text = text_of(r);

	ck_assert_str_eq(text,
	    "  Found: nftables tracing is not permitted to this user: root "
	    "(CAP_NET_ADMIN) would let it look for the local rule that drops "
	    "the SYN\n"
	    "  trace: hop  1  10.61.0.2  0.250 ms  time exceeded\n"
	    "  trace: hop  2  10.62.0.2  0.250 ms  time exceeded\n"
	    "  trace: hop  3  *  no answer\n"
	    "  Found: the SYN reaches 10.62.0.2 (hop 2, 0.2 ms); nothing "
	    "answers at hop 3 or beyond: it is dropped at or after 10.62.0.2 "
	    "(the trace waited 1000 ms)\n");
	free(text);
	free(r);
}
END_TEST

/* Every hop answered time exceeded: the path goes on beyond the trace. */
START_TEST(text_of_a_long_path)
{
	struct trace_result *r = two_hops(2);
	char *text = text_of(r);

	ck_assert_ptr_nonnull(strstr(text, "  Found: the SYN still travels at "
	    "hop 2 (10.62.0.2, 0.2 ms): 10.63.0.2 is more than 2 hops away, "
	    "beyond the trace\n"));
	ck_assert_ptr_null(strstr(text, "nothing answers"));
	free(text);
	free(r);
}
END_TEST

START_TEST(json_of_a_trace)
{
	struct trace_result *r = two_hops(3);
	struct json j;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	json_init(&j, f);
	trace_json(r, &j);
	json_line_end(&j);
	fclose(f);
	ck_assert(!j.error);
	ck_assert_str_eq(text, "{\"rule\":{\"state\":\"not-permitted\","
	    "\"legacy_iptables_tables\":null},"
	    "\"hops\":[{\"ttl\":1,\"address\":\"10.61.0.2\",\"rtt_ms\":0.250,"
	    "\"answer\":\"time-exceeded\"},{\"ttl\":2,\"address\":\"10.62.0.2\","
	    "\"rtt_ms\":0.250,\"answer\":\"time-exceeded\"},{\"ttl\":3,"
	    "\"address\":null,\"rtt_ms\":null,\"answer\":\"silent\"}],"
	    "\"last_answered\":2,\"reached\":null,\"cut\":false,"
	    "\"interrupted\":false,\"deadline_ms\":1000}\n");
	free(text);
	free(r);
}
END_TEST

/* ---- the asynchronous trace ---------------------------------------------- */

/*
 * A TCP socket on 127.0.0.1 of a port the kernel chose, listening when
 * `listening`, else bound only (a connect there is refused).  Its address
 * goes to `sin`.
 */
static int
local_port(struct sockaddr_in *sin, bool listening)
{
	socklen_t sl = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &sl), 0);
	if (listening)
		ck_assert_int_eq(listen(fd, 64), 0);
	return fd;
}

/* What a trace's callback saw. */
struct done {
	int calls;
	bool inside_start;	/* called before trace_start returned */
	bool starting;
};

static void
on_done(void *arg)
{
	struct done *d = arg;

	d->calls++;
	if (d->starting)
		d->inside_start = true;
}

/* A query of `sin` with three hops, no nftables, a 5 s deadline. */
static struct trace_query
query_of(const struct sockaddr_in *sin, volatile sig_atomic_t *stop)
{
	return (struct trace_query){ .dst = (const struct sockaddr *)sin,
	    .dstlen = sizeof(*sin), .deadline_ms = 5000, .max_hops = 3,
	    .nft = false, .stop = stop };
}

/* Start a trace of `q` into `r`, checking that `fn` is not called from
   inside trace_start. */
static struct trace_job *
start(const struct trace_query *q, struct trace_result *r, struct done *d)
{
	struct trace_job *j;
	char *cause = NULL;

	d->starting = true;
	j = trace_start(q, r, &cause, on_done, d);
	d->starting = false;
	ck_assert_ptr_null(cause);
	ck_assert_ptr_nonnull(j);
	ck_assert(!d->inside_start);
	ck_assert_int_eq(d->calls, 0);
	return j;
}

/* One trace's case: its destination, result, callback and loop. */
struct tcase_trace {
	struct sockaddr_in sin;
	int fd;			/* the listening or bound socket */
	struct trace_result *r;
	struct done d;
	struct trace_query q;
	struct loop *l;		/* NULL: none made */
	int base;		/* the descriptors open before the trace */
};

/* Set up `c`: a port (`listening` or refused), a loop when `loop`. */
static void
case_setup(struct tcase_trace *c, bool listening, bool loop,
    volatile sig_atomic_t *stop)
{
	memset(c, 0, sizeof(*c));
	c->r = calloc(1, sizeof(*c->r));
	ck_assert_ptr_nonnull(c->r);
	c->fd = local_port(&c->sin, listening);
	c->q = query_of(&c->sin, stop);
	if (loop) {
		c->l = loop_new();
		ck_assert_ptr_nonnull(c->l);
	}
	c->base = fds_open();
}

static void
case_free(struct tcase_trace *c)
{
	loop_free(c->l);
	close(c->fd);
	free(c->r);
}

/*
 * Two traces on one loop, one to a listening port and one to a refused
 * one: both complete through the loop's waits, each calls back once, and
 * every socket they opened is closed.
 */
START_TEST(two_traces_on_one_loop)
{
	struct tcase_trace a, b;
	int k;

	case_setup(&b, false, false, NULL);
	case_setup(&a, true, true, NULL);
	(void)start(&a.q, a.r, &a.d);
	(void)start(&b.q, b.r, &b.d);
	ck_assert_int_gt(fds_open(), a.base);
	/* Bounded: both answer at once on loopback; 5 s deadline each. */
	for (k = 0; k < 200 && (a.d.calls == 0 || b.d.calls == 0); k++)
		ck_assert_int_ge(loop_once(a.l, 100), 0);
	ck_assert_int_eq(a.d.calls, 1);
	ck_assert_int_eq(b.d.calls, 1);
	ck_assert_int_eq(fds_open(), a.base);
	ck_assert_int_eq(a.r->hops[0].kind, TRACE_HOP_CONNECTED);
	ck_assert_uint_eq(a.r->reached, 1);
	ck_assert_int_eq(b.r->hops[0].kind, TRACE_HOP_REFUSED);
	ck_assert_uint_eq(b.r->reached, 1);
	ck_assert(!a.r->stopped && !b.r->stopped);
	ck_assert(!a.r->cut && !b.r->cut);
	ck_assert_int_eq(a.r->rule.state, TRACE_RULE_NOT_TRIED);
	/* Nothing of theirs is left to call. */
	ck_assert_int_eq(loop_once(a.l, 0), 0);
	ck_assert_int_eq(a.d.calls + b.d.calls, 2);
	case_free(&a);
	case_free(&b);
}
END_TEST

/*
 * trace_stop before the trace has waited at all: the callback comes before
 * it returns, the result says stopped, no socket is left open and no
 * waiter of the trace is left in the loop (its deadline passes unheard).
 */
START_TEST(stop_calls_back_at_once)
{
	struct tcase_trace c;
	struct trace_job *j;

	case_setup(&c, true, true, NULL);
	c.q.deadline_ms = 50;
	j = start(&c.q, c.r, &c.d);
	ck_assert_int_gt(fds_open(), c.base);
	trace_stop(j);
	ck_assert_int_eq(c.d.calls, 1);
	ck_assert(c.r->stopped);
	ck_assert_int_eq(fds_open(), c.base);
	ck_assert_uint_eq(c.r->hops[0].ttl, 1);
	ck_assert_int_eq(c.r->hops[0].kind, TRACE_HOP_SILENT);
	/* Past the deadline: a timer of the trace left would be called
	   (on freed memory, which valgrind and ASan report). */
	ck_assert_int_eq(loop_once(c.l, 200), 0);
	ck_assert_int_eq(c.d.calls, 1);
	case_free(&c);
}
END_TEST

/* A callback that stops its own trace, which does nothing then. */
static struct trace_job *self_job;

static void
on_done_stop(void *arg)
{
	on_done(arg);
	trace_stop(self_job);
}

/* trace_stop from inside the callback: no second call, no double free. */
START_TEST(stop_inside_the_callback)
{
	struct tcase_trace c;
	char *cause = NULL;

	case_setup(&c, true, true, NULL);
	self_job = trace_start(&c.q, c.r, &cause, on_done_stop, &c.d);
	ck_assert_ptr_nonnull(self_job);
	trace_stop(self_job);
	ck_assert_int_eq(c.d.calls, 1);
	ck_assert_int_eq(fds_open(), c.base);
	case_free(&c);
}
END_TEST

/*
 * A stop flag already set: the trace is complete at once, and says so
 * through the loop (a timer of 0 ms), not from inside trace_start.
 */
START_TEST(stopped_before_it_starts)
{
	volatile sig_atomic_t stop = 1;
	struct tcase_trace c;
	int k;

	case_setup(&c, true, true, &stop);
	(void)start(&c.q, c.r, &c.d);
	for (k = 0; k < 10 && c.d.calls == 0; k++)
		ck_assert_int_ge(loop_once(c.l, 1000), 0);
	ck_assert_int_eq(c.d.calls, 1);
	ck_assert(c.r->stopped);
	ck_assert_int_eq(fds_open(), c.base);
	case_free(&c);
}
END_TEST

/* Without a loop there is nothing to wait in: NULL, no callback. */
START_TEST(no_loop_no_trace)
{
	struct tcase_trace c;
	char *cause = NULL;

	case_setup(&c, true, false, NULL);
	ck_assert_ptr_null(loop_current());
	ck_assert_ptr_null(trace_start(&c.q, c.r, &cause, on_done, &c.d));
	ck_assert_int_eq(c.d.calls, 0);
	ck_assert_int_eq(fds_open(), c.base);
	free(cause);
	case_free(&c);
}
END_TEST

/* trace_run, the synchronous form, on a loop of its own. */
START_TEST(run_waits_in_a_loop_of_its_own)
{
	struct tcase_trace c;
	char *cause = NULL;

	case_setup(&c, false, false, NULL);
	ck_assert_int_eq(trace_run(&c.q, c.r, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(loop_current());
	ck_assert_int_eq(fds_open(), c.base);
	ck_assert_int_eq(c.r->hops[0].kind, TRACE_HOP_REFUSED);
	ck_assert_uint_eq(c.r->reached, 1);
	ck_assert_uint_eq(c.r->nhops, 1);
	case_free(&c);
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("events");

	tcase_add_loop_test(tc, event_parsed, 0,
	    (int)(sizeof(event_cases) / sizeof(event_cases[0])));
	tcase_add_test(tc, ids_bounded);
	tcase_add_test(tc, truncated_and_foreign_messages);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, json_of_a_trace);
	tcase_add_test(tc, text_of_a_silence);
	tcase_add_test(tc, text_of_a_long_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("async");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, two_traces_on_one_loop);
	tcase_add_test(tc, stop_calls_back_at_once);
	tcase_add_test(tc, stop_inside_the_callback);
	tcase_add_test(tc, stopped_before_it_starts);
	tcase_add_test(tc, no_loop_no_trace);
	tcase_add_test(tc, run_waits_in_a_loop_of_its_own);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
