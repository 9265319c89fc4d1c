/* SPDX-License-Identifier: ISC */
/*
 * check_nl.c: the netlink transport of the diagnosis (src/nl.c): a reply
 * is trusted whole or not at all.  Hand-built reply buffers go through
 * nl_feed (mnl_cb_run with the transport's own control callbacks) and
 * nl_parse; real requests ask the kernel for the loopback interface, one
 * diagnosis alone and several sharing their replies (on one loop, the lead
 * failing or closed, wakes that close other diagnoses, two loops).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "loop.h"
#include "nl.h"

/* A reply under construction, aligned like a datagram from the kernel. */
struct reply {
	union {
		struct nlmsghdr h;
		char buf[1024];
	} u;
	size_t len;
};

/* Append a message of `type` and `flags` with a family header of `hdrlen`
 * zero bytes; returns it for attributes. */
static struct nlmsghdr *
reply_msg(struct reply *r, unsigned short type, unsigned short flags,
    size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->u.buf + r->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	(void)mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

/* Close the last message `nlh` into the reply. */
static void
reply_end(struct reply *r, const struct nlmsghdr *nlh)
{
	r->len += MNL_ALIGN(nlh->nlmsg_len);
}

/* Count the route messages of a reply. */
static int
count_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWROUTE)
		(*(int *)data)++;
	return MNL_CB_OK;
}

/* Two routes and NLMSG_DONE; `intr` marks the second NLM_F_DUMP_INTR. */
static void
two_routes(struct reply *r, bool intr)
{
	struct nlmsghdr *nlh;

	memset(r, 0, sizeof(*r));
	nlh = reply_msg(r, RTM_NEWROUTE, NLM_F_MULTI, sizeof(struct rtmsg));
	reply_end(r, nlh);
	nlh = reply_msg(r, RTM_NEWROUTE, NLM_F_MULTI |
	    (intr ? NLM_F_DUMP_INTR : 0), sizeof(struct rtmsg));
	reply_end(r, nlh);
	nlh = reply_msg(r, NLMSG_DONE, NLM_F_MULTI, sizeof(int));
	reply_end(r, nlh);
}

START_TEST(test_dump_whole)
{
	struct reply r;
	int n = 0;

	two_routes(&r, false);
	ck_assert_int_eq(nl_feed(r.u.buf, r.len, count_cb, &n), MNL_CB_STOP);
	ck_assert_int_eq(n, 2);
}
END_TEST

/* An interrupted dump may miss entries: the reply fails. */
START_TEST(test_dump_interrupted)
{
	struct reply r;
	int n = 0;

	two_routes(&r, true);
	errno = 0;
	ck_assert_int_eq(nl_feed(r.u.buf, r.len, count_cb, &n), MNL_CB_ERROR);
	ck_assert_int_eq(errno, EINTR);
}
END_TEST

/* A length of 2 GiB or more must not be walked (libmnl takes it as a
 * negative int). */
START_TEST(test_huge_length)
{
	struct reply r;
	int n = 0;

	two_routes(&r, false);
	r.u.h.nlmsg_len = 0x80000010u;
	ck_assert_int_eq(nl_feed(r.u.buf, r.len, count_cb, &n), MNL_CB_ERROR);
	ck_assert_int_eq(n, 0);
}
END_TEST

/* An NLMSG_ERROR too short for its struct nlmsgerr fails the reply. */
START_TEST(test_short_error)
{
	struct reply r;
	struct nlmsghdr *nlh;
	int n = 0;

	memset(&r, 0, sizeof(r));
	nlh = reply_msg(&r, NLMSG_ERROR, 0, sizeof(int));
	reply_end(&r, nlh);
	ck_assert_int_eq(nl_feed(r.u.buf, r.len, count_cb, &n), MNL_CB_ERROR);
}
END_TEST

/* An NLMSG_ERROR whose error no kernel sends (INT_MIN, a positive value)
 * fails the reply; a real errno ends it. */
START_TEST(test_error_range)
{
	static const struct { int error, want; } cases[] = {
		{ -2147483647 - 1, MNL_CB_ERROR }, { 5, MNL_CB_ERROR },
		{ -4096, MNL_CB_ERROR }, { -113, MNL_CB_STOP }, { 0, MNL_CB_STOP }
	};
	struct reply r;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		nlh = reply_msg(&r, NLMSG_ERROR, 0, sizeof(*e));
		e = mnl_nlmsg_get_payload(nlh);
		e->error = cases[i].error;
		reply_end(&r, nlh);
		ck_assert_int_eq(nl_feed(r.u.buf, r.len, count_cb, &n),
		    cases[i].want);
	}
}
END_TEST

static const enum mnl_attr_data_type policy[RTA_MAX + 1] = {
	[RTA_TABLE] = MNL_TYPE_U32
};

/* A 32-bit attribute of two bytes is refused before it is read. */
START_TEST(test_attr_short)
{
	struct reply r;
	struct nlmsghdr *nlh;
	const struct nlattr *tb[RTA_MAX + 1];
	unsigned short two = 254;

	memset(&r, 0, sizeof(r));
	nlh = reply_msg(&r, RTM_NEWROUTE, 0, sizeof(struct rtmsg));
	mnl_attr_put(nlh, RTA_TABLE, sizeof(two), &two);
	ck_assert_int_eq(nl_parse(nlh, sizeof(struct rtmsg), policy, RTA_MAX,
	    tb), MNL_CB_ERROR);
	nlh->nlmsg_len = mnl_nlmsg_size(sizeof(struct rtmsg));
	mnl_attr_put_u32(nlh, RTA_TABLE, 254);
	ck_assert_int_eq(nl_parse(nlh, sizeof(struct rtmsg), policy, RTA_MAX,
	    tb), MNL_CB_OK);
	ck_assert_ptr_nonnull(tb[RTA_TABLE]);
	ck_assert_uint_eq(mnl_attr_get_u32(tb[RTA_TABLE]), 254);
}
END_TEST

/* A message shorter than its family header is refused. */
START_TEST(test_short_header)
{
	struct reply r;
	struct nlmsghdr *nlh;
	const struct nlattr *tb[RTA_MAX + 1];

	memset(&r, 0, sizeof(r));
	nlh = reply_msg(&r, RTM_NEWROUTE, 0, 4);
	ck_assert_int_eq(nl_parse(nlh, sizeof(struct rtmsg), policy, RTA_MAX,
	    tb), MNL_CB_ERROR);
}
END_TEST

/* Take the interface index of an RTM_NEWLINK. */
static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

/* nl's wake for test_talk: counts the wakes. */
static void
woke(void *arg)
{
	(*(int *)arg)++;
}

/* The loopback interface's index asked with `index` field `ifindex`. */
static int
ask_link(struct nl_ctx *nl, int ifindex, int *index)
{
	union nl_req req;
	struct ifinfomsg *ifi;

	ifi = nl_put(&req, RTM_GETLINK, NLM_F_REQUEST, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	return nl_talk(nl, NL_ROUTE, &req.h, link_cb, index);
}

/* Run `l` until `*wakes` reaches `n` (at most `rounds` times 10 ms). */
static void
wait_wakes(struct loop *l, const int *wakes, int n, int rounds)
{
	int i;

	for (i = 0; i < rounds && *wakes < n; i++)
		(void)loop_once(l, 10);
}

/*
 * A real request: the loopback interface, in rounds (nl.h): the first
 * round sends it and misses, the reply is kept when the loop reads it, the
 * next round has it; a second request in a missed round is not sent.
 * None without a budget, none without a wake.
 */
START_TEST(test_talk)
{
	struct nl_ctx nl;
	struct loop *l = loop_new();
	int index = 0, wakes = 0;

	ck_assert_ptr_nonnull(l);
	nl_init(&nl, 0);
	nl_wake(&nl, woke, &wakes);
	ck_assert_int_eq(ask_link(&nl, 1, &index), NL_FAIL);
	ck_assert(!nl_missed(&nl));
	nl_close(&nl);

	nl_init(&nl, 2000);
	ck_assert_int_eq(ask_link(&nl, 1, &index), NL_FAIL);
	ck_assert(!nl_missed(&nl));
	nl_close(&nl);

	nl_init(&nl, 10000);
	nl_wake(&nl, woke, &wakes);
	ck_assert_int_eq(ask_link(&nl, 1, &index), NL_FAIL);
	ck_assert(nl_missed(&nl));
	ck_assert_int_eq(ask_link(&nl, 0x7ffffff0, &index), NL_FAIL);
	ck_assert_int_eq(index, 0);
	wait_wakes(l, &wakes, 1, 200);
	ck_assert_int_eq(wakes, 1);
	wait_wakes(l, &wakes, 2, 20);	/* the second was never sent */
	ck_assert_int_eq(wakes, 1);

	nl_round(&nl);
	ck_assert_int_eq(ask_link(&nl, 1, &index), 0);
	ck_assert_int_eq(index, 1);
	ck_assert(!nl_missed(&nl));
	ck_assert_int_eq(ask_link(&nl, 0x7ffffff0, &index), NL_FAIL);
	ck_assert(nl_missed(&nl));
	wait_wakes(l, &wakes, 2, 200);
	ck_assert_int_eq(wakes, 2);

	nl_round(&nl);
	index = 0;
	ck_assert_int_eq(ask_link(&nl, 1, &index), 0);	/* kept, again */
	ck_assert_int_eq(index, 1);
	ck_assert_int_eq(ask_link(&nl, 0x7ffffff0, &index), ENODEV);
	ck_assert(!nl_missed(&nl));
	nl_close(&nl);
	loop_free(l);
}
END_TEST

/* A diagnosis of the sharing tests: its context and what its wakes saw. */
struct peer {
	struct nl_ctx *nl;	/* NULL once closed and freed */
	int wakes;
	int late;		/* wakes after it was closed */
	struct peer *victims[2]; /* closed and freed by its wake */
	int index;		/* the interface its last reply named */
};

/* A peer's wake: counted; closes and frees its victims. */
static void
peer_woke(void *arg)
{
	struct peer *p = arg;
	size_t i;

	if (p->nl == NULL)
		p->late++;
	p->wakes++;
	for (i = 0; i < 2; i++)
		if (p->victims[i] != NULL && p->victims[i]->nl != NULL) {
			nl_close(p->victims[i]->nl);
			free(p->victims[i]->nl);
			p->victims[i]->nl = NULL;
		}
}

/* A context for `p` with `budget_ms`, woken through peer_woke. */
static void
peer_new(struct peer *p, long budget_ms)
{
	memset(p, 0, sizeof(*p));
	p->nl = malloc(sizeof(*p->nl));
	ck_assert_ptr_nonnull(p->nl);
	nl_init(p->nl, budget_ms);
	nl_wake(p->nl, peer_woke, p);
}

/* Close and free `p`'s context, if it has one. */
static void
peer_free(struct peer *p)
{
	if (p->nl != NULL) {
		nl_close(p->nl);
		free(p->nl);
		p->nl = NULL;
	}
}

/*
 * The loopback interface asked by `p` with `flags` (without NLM_F_REQUEST
 * the kernel takes it for a message to itself, and does not answer), in a
 * request buffer whose bytes after the request are `junk` (only the
 * request's own bytes are compared when replies are shared); the index
 * goes to p->index.
 */
static int
peer_ask(struct peer *p, unsigned short flags, int junk)
{
	union nl_req req;
	struct ifinfomsg *ifi;

	ifi = nl_put(&req, RTM_GETLINK, flags, sizeof(*ifi));
	ifi->ifi_index = 1;
	memset(req.buf + req.h.nlmsg_len, junk,
	    sizeof(req.buf) - req.h.nlmsg_len);
	return nl_talk(p->nl, NL_ROUTE, &req.h, link_cb, &p->index);
}

/* Run `l` until `p` has `n` wakes (at most `rounds` times 10 ms). */
static void
peer_wait(struct loop *l, const struct peer *p, int n, int rounds)
{
	wait_wakes(l, &p->wakes, n, rounds);
}

/*
 * A new loop where `a` (`abudget` ms) sends a request of `flags` and `b`
 * (`bbudget` ms) follows it: both miss it, `b` sends nothing.
 */
static struct loop *
follow_start(struct peer *a, long abudget, struct peer *b, long bbudget,
    unsigned short flags)
{
	struct loop *l = loop_new();

	ck_assert_ptr_nonnull(l);
	peer_new(a, abudget);
	peer_new(b, bbudget);
	ck_assert_int_eq(peer_ask(a, flags, 0x55), NL_FAIL);
	ck_assert(nl_missed(a->nl));
	ck_assert_int_eq(peer_ask(b, flags, 0xaa), NL_FAIL);
	ck_assert(nl_missed(b->nl));
	ck_assert_ptr_null(b->nl->sock[NL_ROUTE]);
	return l;
}

/* The next round of `p` has the loopback interface's reply kept. */
static void
peer_has_reply(struct peer *p)
{
	nl_round(p->nl);
	p->index = 0;
	ck_assert_int_eq(peer_ask(p, NLM_F_REQUEST, 0), 0);
	ck_assert_int_eq(p->index, 1);
	ck_assert(!nl_missed(p->nl));
}

/*
 * Two diagnoses on one loop ask the same: the second follows the first
 * (sends nothing, opens no socket) and has the reply in its next round.
 */
START_TEST(test_share)
{
	struct peer a, b;
	struct loop *l = follow_start(&a, 10000, &b, 10000, NLM_F_REQUEST);

	peer_wait(l, &a, 1, 200);
	peer_wait(l, &b, 1, 200);
	ck_assert_int_eq(a.wakes, 1);
	ck_assert_int_eq(b.wakes, 1);
	peer_has_reply(&b);
	ck_assert_ptr_null(b.nl->sock[NL_ROUTE]);
	peer_has_reply(&a);
	peer_free(&a);
	peer_free(&b);
	loop_free(l);
}
END_TEST

/*
 * The lead is closed while its request is in flight: its follower, with
 * budget left, is woken, asks itself in its next round, and has the reply
 * in the one after.
 */
START_TEST(test_lead_closed)
{
	struct peer a, b;
	struct loop *l = follow_start(&a, 10000, &b, 10000, NLM_F_REQUEST);

	peer_free(&a);
	ck_assert_int_eq(b.wakes, 0);	/* from the loop, not from nl_close */
	peer_wait(l, &b, 1, 200);
	ck_assert_int_eq(b.wakes, 1);
	nl_round(b.nl);
	ck_assert_int_eq(peer_ask(&b, NLM_F_REQUEST, 0), NL_FAIL);
	ck_assert(nl_missed(b.nl));	/* sent, this time */
	ck_assert_ptr_nonnull(b.nl->sock[NL_ROUTE]);
	peer_wait(l, &b, 2, 200);
	ck_assert_int_eq(b.wakes, 2);
	peer_has_reply(&b);
	ck_assert_int_eq(a.wakes + a.late + b.late, 0);
	peer_free(&b);
	loop_free(l);
}
END_TEST

/*
 * The lead's deadline passes before its reply (it gets none): its
 * follower, with budget left, is woken and sends the request itself in
 * its next round, rather than take the lead's failure for its own.
 */
START_TEST(test_lead_deadline)
{
	struct peer a, b;
	struct loop *l = follow_start(&a, 50, &b, 20000, 0);

	peer_wait(l, &a, 1, 200);
	ck_assert_int_eq(a.wakes, 1);
	peer_wait(l, &b, 1, 200);
	ck_assert_int_eq(b.wakes, 1);
	nl_round(b.nl);
	ck_assert_int_eq(peer_ask(&b, 0, 0), NL_FAIL);
	ck_assert(nl_missed(b.nl));	/* sent, on its own socket */
	ck_assert_ptr_nonnull(b.nl->sock[NL_ROUTE]);
	nl_round(a.nl);
	ck_assert_int_eq(peer_ask(&a, 0, 0), NL_FAIL);
	ck_assert(!nl_missed(a.nl));	/* failed: not sent again */
	peer_free(&a);
	peer_free(&b);
	loop_free(l);
}
END_TEST

/*
 * The follower's own deadline passes first: its request fails (not sent
 * again), and the socket it has open stays open (nothing was cut short
 * on it); the lead goes on waiting.
 */
START_TEST(test_follower_deadline)
{
	struct peer a, b;
	struct loop *l = follow_start(&a, 20000, &b, 50, 0);
	struct mnl_socket *s;

	(void)nl_strict(b.nl, NL_ROUTE);	/* opens its socket */
	s = b.nl->sock[NL_ROUTE];
	ck_assert_ptr_nonnull(s);
	peer_wait(l, &b, 1, 200);
	ck_assert_int_eq(b.wakes, 1);
	ck_assert_ptr_eq(b.nl->sock[NL_ROUTE], s);
	nl_round(b.nl);
	ck_assert_int_eq(peer_ask(&b, 0, 0), NL_FAIL);
	ck_assert(!nl_missed(b.nl));
	ck_assert_int_eq(a.wakes, 0);
	peer_free(&a);
	peer_free(&b);
	loop_free(l);
}
END_TEST

/*
 * A lead and two followers; each follower's wake closes and frees the lead
 * and the other follower.  The lead is woken once, one follower once, the
 * other never (closed first), and no context is touched once freed (run
 * under valgrind by t-nlshare.sh).
 */
START_TEST(test_wake_closes_other)
{
	struct peer a, b, c;
	struct loop *l = follow_start(&a, 10000, &b, 10000, NLM_F_REQUEST);
	int i;

	peer_new(&c, 10000);
	b.victims[0] = &a;
	b.victims[1] = &c;
	c.victims[0] = &a;
	c.victims[1] = &b;
	ck_assert_int_eq(peer_ask(&c, NLM_F_REQUEST, 0), NL_FAIL);
	ck_assert_ptr_null(c.nl->sock[NL_ROUTE]);
	for (i = 0; i < 200 && b.wakes + c.wakes == 0; i++)
		(void)loop_once(l, 10);
	for (i = 0; i < 5; i++)
		(void)loop_once(l, 10);
	ck_assert_int_eq(a.wakes, 1);
	ck_assert_int_eq(b.wakes + c.wakes, 1);
	ck_assert_int_eq(a.late + b.late + c.late, 0);
	ck_assert_ptr_null(a.nl);
	peer_free(&b);
	peer_free(&c);
	loop_free(l);
}
END_TEST

/*
 * A diagnosis on an inner loop does not follow one of the outer loop
 * (whose socket nobody reads while the inner loop runs): it sends its own
 * request and has its reply from the inner loop alone.
 */
START_TEST(test_two_loops)
{
	struct loop *outer = loop_new(), *inner;
	struct peer a, b;

	ck_assert_ptr_nonnull(outer);
	peer_new(&a, 10000);
	ck_assert_int_eq(peer_ask(&a, NLM_F_REQUEST, 0), NL_FAIL);
	inner = loop_new();
	ck_assert_ptr_nonnull(inner);
	peer_new(&b, 300);
	ck_assert_int_eq(peer_ask(&b, NLM_F_REQUEST, 0), NL_FAIL);
	ck_assert(nl_missed(b.nl));
	ck_assert_ptr_nonnull(b.nl->sock[NL_ROUTE]);
	peer_wait(inner, &b, 1, 100);
	ck_assert_int_eq(b.wakes, 1);
	peer_has_reply(&b);
	peer_free(&b);
	loop_free(inner);
	peer_wait(outer, &a, 1, 200);
	ck_assert_int_eq(a.wakes, 1);
	peer_has_reply(&a);
	peer_free(&a);
	loop_free(outer);
}
END_TEST

static Suite *
nl_suite(void)
{
	Suite *s = suite_create("nl");
	TCase *tc = tcase_create("reply");

	tcase_add_test(tc, test_dump_whole);
	tcase_add_test(tc, test_dump_interrupted);
	tcase_add_test(tc, test_huge_length);
	tcase_add_test(tc, test_short_error);
	tcase_add_test(tc, test_error_range);
	tcase_add_test(tc, test_attr_short);
	tcase_add_test(tc, test_short_header);
	tcase_add_test(tc, test_talk);
	tcase_add_test(tc, test_share);
	tcase_add_test(tc, test_lead_closed);
	tcase_add_test(tc, test_lead_deadline);
	tcase_add_test(tc, test_follower_deadline);
	tcase_add_test(tc, test_wake_closes_other);
	tcase_add_test(tc, test_two_loops);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
