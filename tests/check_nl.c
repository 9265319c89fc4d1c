/* SPDX-License-Identifier: ISC */
/*
 * check_nl.c: the netlink transport of the diagnosis (src/nl.c): a reply
 * is trusted whole or not at all.  Hand-built reply buffers go through
 * nl_feed (mnl_cb_run with the transport's own control callbacks) and
 * nl_parse; one real request asks the kernel for the loopback interface.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
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
