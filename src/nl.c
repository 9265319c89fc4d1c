/* SPDX-License-Identifier: ISC */
/*
 * nl.c: the netlink transport of a diagnosis over libmnl (see nl.h).
 *
 * A reply is waited for through the loop (loop_poll(): the run's other
 * waiters are served meanwhile) for what remains of the budget, and read
 * with mnl_socket_recvfrom() into one buffer as large as the kernel sends
 * (32 KiB); libmnl reports MSG_TRUNC as ENOSPC.  Control messages are taken
 * here: NLMSG_ERROR is checked for its length and gives the kernel's errno,
 * NLMSG_DONE ends a dump.  A socket whose conversation was cut short is
 * closed, so no late answer to it can meet the next request.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "clock.h"
#include "loop.h"
#include "nl.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* The largest datagram the kernel sends on a dump. */
#define NL_BUF_SIZE 32768

/* One request under way. */
struct nl_talk_state {
	mnl_cb_t cb;
	void *arg;
	bool dump;
	int kernel_err;		/* the kernel's errno; 0 for none */
};

/* The netlink protocol of `bus`. */
static int
nl_proto(enum nl_bus bus)
{
	return bus == NL_ROUTE ? NETLINK_ROUTE : bus == NL_SOCK_DIAG ?
	    NETLINK_SOCK_DIAG : NETLINK_NETFILTER;
}

/* Start a request in `req`; returns its family header. */
void *
nl_put(union nl_req *req, unsigned short type, unsigned short flags,
    size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return mnl_nlmsg_put_extra_header(nlh, hdrlen);
}

bool
nl_lib(struct nl_ctx *nl)
{
	if (nldl_mnl())
		return true;
	if (nl->enabled)
		nl->unread = true;
	return false;
}

/* Start `nl` with `budget_ms` for all its requests (<= 0: none). */
void
nl_init(struct nl_ctx *nl, long budget_ms)
{
	memset(nl, 0, sizeof(*nl));
	nl->enabled = budget_ms > 0;
	nl->deadline = clock_add_ms(clock_now(), nl->enabled ? budget_ms : 0);
}

/* Close the socket of `bus`, if open. */
static void
nl_close_bus(struct nl_ctx *nl, enum nl_bus bus)
{
	if (nl->sock[bus] != NULL)
		mnl_socket_close(nl->sock[bus]);
	nl->sock[bus] = NULL;
	nl->strict[bus] = false;
}

/* Close the sockets `nl` opened. */
void
nl_close(struct nl_ctx *nl)
{
	int bus;

	for (bus = 0; bus < NL_NBUS; bus++)
		nl_close_bus(nl, (enum nl_bus)bus);
}

/* Milliseconds left of the budget (0 when none is left or there was none). */
int
nl_left_ms(const struct nl_ctx *nl)
{
	if (!nl->enabled)
		return 0;
	return clock_ms_until(&nl->deadline);
}

/* The socket of `bus`, opened and bound on first use; NULL on failure. */
static struct mnl_socket *
nl_socket(struct nl_ctx *nl, enum nl_bus bus)
{
	struct mnl_socket *s;
	int on = 1;

	if (nl->sock[bus] != NULL)
		return nl->sock[bus];
	s = mnl_socket_open2(nl_proto(bus), SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (s == NULL)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(s);
		return NULL;
	}
	nl->strict[bus] = mnl_socket_setsockopt(s, NETLINK_GET_STRICT_CHK,
	    &on, sizeof(on)) == 0;
	nl->sock[bus] = s;
	return s;
}

/* True when dumps on `bus` are filtered by the kernel. */
bool
nl_strict(struct nl_ctx *nl, enum nl_bus bus)
{
	return nl->enabled && nl_socket(nl, bus) != NULL && nl->strict[bus];
}

/* A data message: to the caller's callback; a non-dump ends with it. */
static int
nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_talk_state *t = data;

	if (t->cb(nlh, t->arg) != MNL_CB_OK) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return t->dump ? MNL_CB_OK : MNL_CB_STOP;
}

/* NLMSG_ERROR: the kernel's errno for the request (0 is an ack). */
static int
nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_talk_state *t = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	/* The kernel's errors are -1 to -4095 (MAX_ERRNO), 0 an ack. */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e) || e->error > 0 ||
	    e->error < -4095) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	t->kernel_err = -e->error;
	return MNL_CB_STOP;
}

/* NLMSG_NOOP and NLMSG_OVERRUN: go on; an overrun fails the reply. */
static int
nl_other_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (nlh->nlmsg_type == NLMSG_OVERRUN) {
		errno = ENOBUFS;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* NLMSG_DONE ends a dump. */
static int
nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static mnl_cb_t nl_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = nl_other_cb,
	[NLMSG_ERROR] = nl_error_cb,
	[NLMSG_DONE] = nl_done_cb,
	[NLMSG_OVERRUN] = nl_other_cb
};

/*
 * True when the `len` bytes at `buf` are whole netlink messages, each
 * length at least a header and, aligned, within what is left.  mnl_nlmsg_ok
 * takes a length of 2 GiB or more for a negative int that fits, and would
 * step outside the buffer; and libmnl walks a message's attributes up to
 * its aligned end, so an unaligned last message would let an attribute
 * reach past the buffer (the kernel pads every message and attribute to 4
 * bytes).  This is checked before mnl_cb_run sees the buffer.
 */
static bool
nl_buf_ok(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct nlmsghdr h;
	size_t step;

	while (len > 0) {
		if (len < sizeof(h))
			return false;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return false;
		step = MNL_ALIGN(h.nlmsg_len);
		if (step > len)
			return false;
		if (step >= len)
			return true;
		p += step;
		len -= step;
	}
	return true;
}

/*
 * Send `req` on `bus`, read the reply through `cb`; 0, the kernel's errno,
 * or NL_FAIL.
 */
int
nl_talk(struct nl_ctx *nl, enum nl_bus bus, struct nlmsghdr *req,
    mnl_cb_t cb, void *arg)
{
	static union {
		struct nlmsghdr h;	/* aligns the buffer for the headers */
		char buf[NL_BUF_SIZE];
	} rx;
	char *buf = rx.buf;
	struct nl_talk_state t = { cb, arg, false, 0 };
	struct mnl_socket *s;
	struct pollfd pfd;
	unsigned portid;
	ssize_t n;
	int ret = MNL_CB_OK, ms;

	if (nl_left_ms(nl) <= 0)
		return NL_FAIL;
	s = nl_socket(nl, bus);
	if (s == NULL)
		return NL_FAIL;
	t.dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	req->nlmsg_seq = ++nl->seq;
	portid = mnl_socket_get_portid(s);
	if (mnl_socket_sendto(s, req, req->nlmsg_len) < 0) {
		nl_close_bus(nl, bus);
		return NL_FAIL;
	}
	pfd.fd = mnl_socket_get_fd(s);
	pfd.events = POLLIN;
	while (ret == MNL_CB_OK) {
		ms = nl_left_ms(nl);
		if (ms <= 0)
			break;
		pfd.revents = 0;
		if (loop_poll(&pfd, 1, ms) < 0 && errno != EINTR)
			break;
		if ((pfd.revents & POLLIN) == 0)
			continue;
		n = mnl_socket_recvfrom(s, buf, sizeof(rx.buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0 || !nl_buf_ok(buf, (size_t)n))
			break;
		ret = mnl_cb_run2(buf, (size_t)n, req->nlmsg_seq, portid,
		    nl_data_cb, &t, nl_ctl_cb, NLMSG_MIN_TYPE);
	}
	if (ret != MNL_CB_STOP) {
		nl_close_bus(nl, bus);
		return NL_FAIL;
	}
	return t.kernel_err;
}

/* One attribute into the table of nl_parse, validated by its policy. */
struct nl_parse_state {
	const enum mnl_attr_data_type *policy;
	unsigned max;
	const struct nlattr **tb;
};

static int
nl_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_parse_state *p = data;
	unsigned type = mnl_attr_get_type(attr);

	if (type > p->max)
		return MNL_CB_OK;
	if (p->policy[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, p->policy[type]) < 0)
		return MNL_CB_ERROR;
	p->tb[type] = attr;
	return MNL_CB_OK;
}

/* Index and validate the attributes of `nlh` after `hdrlen` bytes. */
int
nl_parse(const struct nlmsghdr *nlh, size_t hdrlen,
    const enum mnl_attr_data_type *policy, unsigned max,
    const struct nlattr **tb)
{
	struct nl_parse_state p = { policy, max, tb };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return MNL_CB_ERROR;
	return mnl_attr_parse(nlh, (unsigned)hdrlen, nl_attr_cb, &p) ==
	    MNL_CB_ERROR ? MNL_CB_ERROR : MNL_CB_OK;
}

/* mnl_cb_run over a buffer that answers no request: for the fuzzer. */
int
nl_feed(const void *buf, size_t len, mnl_cb_t cb, void *arg)
{
	struct nl_talk_state t = { cb, arg, true, 0 };

	if (!nl_buf_ok(buf, len))
		return MNL_CB_ERROR;
	return mnl_cb_run2(buf, len, 0, 0, nl_data_cb, &t, nl_ctl_cb,
	    NLMSG_MIN_TYPE);
}
