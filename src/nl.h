/* SPDX-License-Identifier: ISC */
/*
 * nl.h: the netlink transport of a diagnosis, over libmnl.
 *
 * One socket per netlink bus per diagnosis (opened at its first request,
 * closed by nl_close), every reply read by mnl_cb_run with its sequence
 * number and the sender's port id checked, and the whole conversation kept
 * within the diagnosis's deadline.  A reply that cannot be trusted whole
 * -- an interrupted dump (NLM_F_DUMP_INTR), a truncated datagram
 * (MSG_TRUNC), a malformed message or attribute, a deadline reached -- is
 * NL_FAIL: the caller says nothing from it.
 *
 * Nothing here waits.  A diagnosis is run in rounds (diagnose.c): a round
 * reads its facts from the top, and each request it makes is answered
 * from the replies kept by the rounds before; the first request with no
 * reply kept is sent at once, its socket becomes a waiter of the current
 * loop (loop_current()) until the deadline, and the round is `missed`
 * (every request after it in that round fails without being sent).  When
 * the reply is whole (or the deadline passed) the diagnosis's `wake` is
 * called from that loop callback, and it runs the next round.  The look-up
 * modules (route.c, sockdiag.c, ruleset.c, nearby.c) stay plain functions
 * of the replies; the reactor does the waiting, so many diagnoses go on
 * side by side beside the connects (issue 19).  Diagnoses under way at
 * the same time on the same loop share their replies: a request that
 * another one has sent is not sent again, its reply is copied (ten refused
 * ports of one host: one route look-up).  A follower is woken from a loop
 * callback of its own, never from within another diagnosis's; when the
 * one it follows fails or is closed, it asks for itself in its next round.
 *
 * Built without libmnl (configure --without-libmnl, make static), only the
 * context below is there: src/nl_none.c stands in for the look-ups of
 * route.h and sockdiag.h, reads what /proc alone says and marks the
 * context `unread`, so that the diagnosis says it read no netlink facts
 * instead of leaving the reader to think there were none.
 */
#ifndef ISOCK_NL_H
#define ISOCK_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The buses a diagnosis talks to. */
enum nl_bus {
	NL_ROUTE,		/* NETLINK_ROUTE */
	NL_SOCK_DIAG,		/* NETLINK_SOCK_DIAG */
	NL_NETFILTER,		/* NETLINK_NETFILTER (ruleset.c) */
	NL_NBUS
};

struct mnl_socket;

struct nl_kept;
struct loop;

/* The netlink state of one diagnosis. */
struct nl_ctx {
	struct mnl_socket *sock[NL_NBUS];	/* NULL until first used */
	bool strict[NL_NBUS];	/* NETLINK_GET_STRICT_CHK is on */
	unsigned seq;
	struct timespec deadline;
	bool enabled;		/* false: no budget, no netlink at all */
	bool unread;		/* a look-up needed netlink and this build
				   has none (built without libmnl) */
	struct nl_kept *kept;	/* the replies of the rounds so far */
	struct nl_kept *asked;	/* the one in flight, or NULL */
	struct loop *loop;	/* where its waiters live: the current
				   loop when it first asked */
	int waiter;		/* its socket's waiter, -1: none */
	bool missed;		/* this round asked what is not kept yet */
	void (*wake)(void *arg); /* a reply came whole, or did not come */
	void *wake_arg;
	struct nl_ctx *live_next; /* the contexts with replies kept */
	bool live;
};

/* Start `nl` with `budget_ms` for all its requests (<= 0: none). */
void nl_init(struct nl_ctx *nl, long budget_ms);

/*
 * Requests not answered yet are sent, and `wake(arg)` is called from a
 * callback of the current loop once the reply is kept (or the deadline
 * passed).  Without it, such a request fails unsent.
 */
static inline void
nl_wake(struct nl_ctx *nl, void (*wake)(void *arg), void *arg)
{
	nl->wake = wake;
	nl->wake_arg = arg;
}

/* A new round: nothing missed yet. */
static inline void
nl_round(struct nl_ctx *nl)
{
	nl->missed = false;
}

/* Whether this round missed a reply (one is in flight). */
static inline bool
nl_missed(const struct nl_ctx *nl)
{
	return nl->missed;
}

/* Close the sockets `nl` opened, end its waiter, forget its replies. */
void nl_close(struct nl_ctx *nl);

#ifdef HAVE_LIBMNL
#include "nldl.h"

/* Room for one request (header, family header, a few attributes). */
#define NL_REQ_MAX 512

/* A request buffer, aligned for struct nlmsghdr. */
union nl_req {
	struct nlmsghdr h;
	char buf[NL_REQ_MAX];
};

/* nl_talk's answer when nothing may be said from the reply. */
#define NL_FAIL (-1)

/*
 * Start a request of `type` with `flags` in `req`, zeroed whole (its
 * bytes, padding too, are compared with other diagnoses' requests): its
 * nlmsghdr and a family header of `hdrlen` bytes, which is returned.
 */
void *nl_put(union nl_req *req, unsigned short type, unsigned short flags,
    size_t hdrlen);

/*
 * True when libmnl could be opened (nldl.h): a look-up of route.h or
 * sockdiag.h asks first.  Otherwise it makes none, and one that was due
 * (a budget) marks `nl` unread, as in a build without libmnl.
 */
bool nl_lib(struct nl_ctx *nl);

/* Milliseconds left of the budget (0 when none is left or there was none). */
int nl_left_ms(const struct nl_ctx *nl);

/*
 * True when the kernel filters dumps on `bus` by the fields of the request
 * (NETLINK_GET_STRICT_CHK was accepted); opens the socket if needed.
 */
bool nl_strict(struct nl_ctx *nl, enum nl_bus bus);

/*
 * Hand each data message of the reply to the request `req` on `bus` to
 * `cb` (a libmnl callback: MNL_CB_OK, or MNL_CB_ERROR for a message it
 * cannot parse) until the reply ends: NLMSG_DONE for a dump (NLM_F_DUMP),
 * the first answer otherwise.  Returns 0, the kernel's errno for the
 * request (a positive value), or NL_FAIL (see above).  The reply is one
 * kept by an earlier round (the same request, whatever its sequence
 * number); a request with none kept is sent (the first of the round, with
 * a `wake` and budget left), the round is missed, and it is NL_FAIL now.
 */
int nl_talk(struct nl_ctx *nl, enum nl_bus bus, struct nlmsghdr *req,
    mnl_cb_t cb, void *arg);

/*
 * Index the attributes of `nlh` after its `hdrlen`-byte family header into
 * tb[0..max], validating each one whose type has an entry in `policy`
 * (policy[type] != MNL_TYPE_UNSPEC) with mnl_attr_validate; attributes
 * above `max` are skipped.  Returns MNL_CB_OK, or MNL_CB_ERROR when the
 * message is shorter than its header or an attribute is malformed.
 */
int nl_parse(const struct nlmsghdr *nlh, size_t hdrlen,
    const enum mnl_attr_data_type *policy, unsigned max,
    const struct nlattr **tb);

/*
 * Run mnl_cb_run over `len` bytes at `buf` as a reply to nothing (no
 * sequence or port checks) with `cb`: the parsers' entry for the fuzzer.
 * Returns mnl_cb_run's result.
 */
int nl_feed(const void *buf, size_t len, mnl_cb_t cb, void *arg);
#endif /* HAVE_LIBMNL */

#endif /* ISOCK_NL_H */
