/* SPDX-License-Identifier: ISC */
/*
 * nl.h: the netlink transport of a diagnosis, over libmnl.
 *
 * One socket per netlink bus per diagnosis (opened at its first request,
 * closed by nl_close), every reply read by mnl_cb_run with its sequence
 * number and the sender's port id checked, and the whole conversation kept
 * within the diagnosis's deadline by polling the socket.  A reply that
 * cannot be trusted whole -- an interrupted dump (NLM_F_DUMP_INTR), a
 * truncated datagram (MSG_TRUNC), a malformed message or attribute, a
 * deadline reached -- is NL_FAIL: the caller says nothing from it.
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

/* The netlink state of one diagnosis. */
struct nl_ctx {
	struct mnl_socket *sock[NL_NBUS];	/* NULL until first used */
	bool strict[NL_NBUS];	/* NETLINK_GET_STRICT_CHK is on */
	unsigned seq;
	struct timespec deadline;
	bool enabled;		/* false: no budget, no netlink at all */
	bool unread;		/* a look-up needed netlink and this build
				   has none (built without libmnl) */
};

/* Start `nl` with `budget_ms` for all its requests (<= 0: none). */
void nl_init(struct nl_ctx *nl, long budget_ms);

/* Close the sockets `nl` opened. */
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
 * Start a request of `type` with `flags` in `req`: its nlmsghdr and a
 * zeroed family header of `hdrlen` bytes, which is returned.
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
 * Send the request `req` on `bus` and hand each data message of the reply
 * to `cb` (a libmnl callback: MNL_CB_OK, or MNL_CB_ERROR for a message it
 * cannot parse) until the reply ends: NLMSG_DONE for a dump (NLM_F_DUMP),
 * the first answer otherwise.  Returns 0, the kernel's errno for the
 * request (a positive value), or NL_FAIL (see above).
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
