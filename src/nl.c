/* SPDX-License-Identifier: ISC */
/*
 * nl.c: the netlink transport of a diagnosis over libmnl (see nl.h).
 *
 * A request is sent at once and its socket handed to the current loop
 * until the budget's deadline; the loop calls nl_readable() when it is
 * readable, which reads with mnl_socket_recvfrom() into one buffer as large
 * as the kernel sends (32 KiB; libmnl reports MSG_TRUNC as ENOSPC), checks
 * each datagram (its sequence number and port id, its messages whole) and
 * keeps it, until the reply ends.  Later rounds replay the kept datagrams
 * to their look-up's callback.  Control messages are taken here:
 * NLMSG_ERROR is checked for its length and gives the kernel's errno,
 * NLMSG_DONE ends a dump.  A socket whose conversation was cut short is
 * closed, so no late answer to it can meet the next request.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
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

/* How many datagrams one call of nl_readable reads at most. */
#define NL_READ_BURST 64

/* A reply kept: still coming, whole, or never to be had. */
enum nl_kept_state { NL_KEPT_WAIT, NL_KEPT_DONE, NL_KEPT_FAIL };

/*
 * One request and its reply, for the rounds after the one that sent it.
 * The datagrams are kept one after the other, each after its length.
 */
struct nl_kept {
	struct nl_kept *next;
	enum nl_bus bus;
	enum nl_kept_state state;
	unsigned seq, portid;		/* as sent and answered */
	size_t reqlen;
	unsigned char *req;		/* the request, sequence number 0 */
	unsigned char *data;		/* the datagrams */
	size_t len, cap;
	struct nl_ctx *owner;
	struct nl_kept *lead;		/* a follower: whose reply it takes */
	struct nl_kept *followers;	/* a lead's, through next_follower */
	struct nl_kept *next_follower;
};

/* The contexts with replies kept (through live_next), to share them. */
static struct nl_ctx *nl_live;

/* What nl_send did. */
enum nl_send_state { NL_SEND_WAIT, NL_SEND_KEPT, NL_SEND_FAIL };

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
	struct nlmsghdr *nlh;

	memset(req, 0, sizeof(*req));
	nlh = mnl_nlmsg_put_header(req->buf);

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
	nl->waiter = -1;
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

static void nl_followed(void *arg, short revents);

/*
 * The follower `f` has no lead any more (its lead's list no longer holds
 * it): with the lead's reply (`keep`: `f` is NL_KEPT_DONE), or without,
 * and then `f` is forgotten, so that its next round sends the request
 * itself (within its own budget).  Its owner is woken from a 0 ms timer of
 * its loop, never from here: the caller may be in the middle of another
 * context's work.  Should that timer not be had (no memory), the owner's
 * deadline timer stays and wakes it then.
 */
static void
nl_follower_end(struct nl_kept *f, bool keep)
{
	struct nl_ctx *o = f->owner;
	struct nl_kept **p;
	int w;

	f->lead = NULL;
	o->asked = NULL;
	if (!keep) {
		for (p = &o->kept; *p != NULL; p = &(*p)->next)
			if (*p == f) {
				*p = f->next;
				break;
			}
		free(f->req);
		free(f->data);
		free(f);
	}
	w = loop_add(o->loop, -1, 0, clock_now(), nl_followed, o);
	if (w >= 0) {
		loop_del(o->loop, o->waiter);
		o->waiter = w;
	}
}

/*
 * `k` is going: a follower leaves its lead's list; a lead's followers will
 * get no reply from it, and ask for themselves (nl_follower_end).
 */
static void
nl_kept_detach(struct nl_kept *k)
{
	struct nl_kept **p, *f;

	if (k->lead != NULL) {
		for (p = &k->lead->followers; *p != NULL;
		    p = &(*p)->next_follower)
			if (*p == k) {
				*p = k->next_follower;
				break;
			}
		k->lead = NULL;
	}
	while ((f = k->followers) != NULL) {
		k->followers = f->next_follower;
		nl_follower_end(f, false);
	}
}

/* Close the sockets `nl` opened, end its waiter, forget its replies. */
void
nl_close(struct nl_ctx *nl)
{
	struct nl_kept *k;
	int bus;

	if (nl->waiter >= 0)
		loop_del(nl->loop, nl->waiter);
	nl->waiter = -1;
	nl->asked = NULL;
	while ((k = nl->kept) != NULL) {
		nl->kept = k->next;
		nl_kept_detach(k);
		free(k->req);
		free(k->data);
		free(k);
	}
	if (nl->live) {
		struct nl_ctx **p;

		for (p = &nl_live; *p != NULL; p = &(*p)->live_next)
			if (*p == nl) {
				*p = nl->live_next;
				break;
			}
		nl->live = false;
	}
	for (bus = 0; bus < NL_NBUS; bus++)
		nl_close_bus(nl, (enum nl_bus)bus);
	nl->loop = NULL;
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

/* A data message while the reply comes in: only its end matters. */
static int
nl_scan_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/*
 * The reply kept for `req` on `bus` (its sequence number aside), or NULL.
 */
static struct nl_kept *
nl_kept_find(const struct nl_ctx *nl, enum nl_bus bus,
    const struct nlmsghdr *req)
{
	struct nl_kept *k;
	struct nlmsghdr h;

	for (k = nl->kept; k != NULL; k = k->next) {
		if (k->bus != bus || k->reqlen != req->nlmsg_len)
			continue;
		memcpy(&h, req, sizeof(h));
		h.nlmsg_seq = 0;
		if (memcmp(k->req, &h, sizeof(h)) == 0 &&
		    memcmp(k->req + sizeof(h), (const char *)req + sizeof(h),
		    k->reqlen - sizeof(h)) == 0)
			return k;
	}
	return NULL;
}

/* Keep the datagram of `n` bytes at `buf` in `k`; false: no memory. */
static bool
nl_kept_add(struct nl_kept *k, const void *buf, size_t n)
{
	size_t need = k->len + sizeof(n) + n;
	unsigned char *p;

	if (need > k->cap) {
		size_t cap = k->cap > 0 ? k->cap : 4096;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(k->data, cap)) == NULL)
			return false;
		k->data = p;
		k->cap = cap;
	}
	memcpy(k->data + k->len, &n, sizeof(n));
	memcpy(k->data + k->len + sizeof(n), buf, n);
	k->len = need;
	return true;
}

/*
 * The request `nl` sent ends (`state`): its waiter goes, a socket cut
 * short is closed, its followers have a copy of a whole reply (or ask for
 * themselves) and are woken from the loop, and last `nl` is woken for its
 * next round (nothing here touches `nl` after that).
 */
static void
nl_asked_end(struct nl_ctx *nl, enum nl_kept_state state)
{
	struct nl_kept *k = nl->asked, *f;
	bool keep;

	k->state = state;
	loop_del(nl->loop, nl->waiter);
	nl->waiter = -1;
	nl->asked = NULL;
	if (state == NL_KEPT_FAIL)
		nl_close_bus(nl, k->bus);
	while ((f = k->followers) != NULL) {
		k->followers = f->next_follower;
		keep = state == NL_KEPT_DONE &&
		    (f->data = malloc(k->len)) != NULL;
		if (keep) {
			memcpy(f->data, k->data, k->len);
			f->len = f->cap = k->len;
			f->seq = k->seq;
			f->portid = k->portid;
			f->state = NL_KEPT_DONE;
		}
		nl_follower_end(f, keep);
	}
	if (nl->wake != NULL)
		nl->wake(nl->wake_arg);	/* may close `nl` */
}

/*
 * A follower's timer (the loop removed it): its lead ended
 * (nl_follower_end), or its own deadline passed while it followed, and
 * then its request fails.  Either way, its next round.
 */
static void
nl_followed(void *arg, short revents)
{
	struct nl_ctx *nl = arg;
	struct nl_kept *k = nl->asked;

	(void)revents;
	nl->waiter = -1;
	if (k != NULL) {
		nl_kept_detach(k);
		k->state = NL_KEPT_FAIL;
		nl->asked = NULL;
	}
	if (nl->wake != NULL)
		nl->wake(nl->wake_arg);
}

/*
 * The loop's callback for the request in flight: the datagrams that came
 * are checked and kept, until the reply ends; its deadline (`revents` 0)
 * fails it.
 */
static void
nl_readable(void *arg, short revents)
{
	static union {
		struct nlmsghdr h;	/* aligns the buffer for the headers */
		char buf[NL_BUF_SIZE];
	} rx;
	struct nl_ctx *nl = arg;
	struct nl_kept *k = nl->asked;
	struct nl_talk_state t = { nl_scan_cb, NULL, false, 0 };
	struct mnl_socket *s = nl->sock[k->bus];
	ssize_t n;
	int ret, i;

	if (revents == 0) {	/* the loop removed the waiter */
		nl->waiter = -1;
		nl_asked_end(nl, NL_KEPT_FAIL);
		return;
	}
	t.dump = (((const struct nlmsghdr *)(const void *)k->req)->nlmsg_flags &
	    NLM_F_DUMP) == NLM_F_DUMP;
	for (i = 0; i < NL_READ_BURST; i++) {
		n = mnl_socket_recvfrom(s, rx.buf, sizeof(rx.buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;		/* the rest comes later */
		if (n <= 0 || !nl_buf_ok(rx.buf, (size_t)n)) {
			nl_asked_end(nl, NL_KEPT_FAIL);
			return;
		}
		ret = mnl_cb_run2(rx.buf, (size_t)n, k->seq, k->portid,
		    nl_data_cb, &t, nl_ctl_cb, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR || !nl_kept_add(k, rx.buf, (size_t)n)) {
			nl_asked_end(nl, NL_KEPT_FAIL);
			return;
		}
		if (ret == MNL_CB_STOP) {
			nl_asked_end(nl, NL_KEPT_DONE);
			return;
		}
	}
}

/* The kept reply `k` through `cb`, as nl_talk answers it. */
static int
nl_replay(const struct nl_kept *k, mnl_cb_t cb, void *arg)
{
	struct nl_talk_state t = { cb, arg, false, 0 };
	size_t off = 0, n;
	int ret = MNL_CB_OK;

	t.dump = (((const struct nlmsghdr *)(const void *)k->req)->nlmsg_flags &
	    NLM_F_DUMP) == NLM_F_DUMP;
	while (ret == MNL_CB_OK && off + sizeof(n) <= k->len) {
		memcpy(&n, k->data + off, sizeof(n));
		off += sizeof(n);
		ret = mnl_cb_run2(k->data + off, n, k->seq, k->portid,
		    nl_data_cb, &t, nl_ctl_cb, NLMSG_MIN_TYPE);
		off += n;
	}
	return ret == MNL_CB_STOP ? t.kernel_err : NL_FAIL;
}

/*
 * The same request `req` (kept as `k`) of another diagnosis under way on
 * the same loop: its reply copied into `k` (NL_KEPT_DONE), or `k` follows
 * it while it comes (NL_KEPT_WAIT: a timer of `nl`'s own deadline
 * besides); NL_KEPT_FAIL: none to share, it is to be sent.  A diagnosis of
 * another loop is not followed: that loop may not run until this one ends.
 */
static enum nl_kept_state
nl_share(struct nl_ctx *nl, struct nl_kept *k, const struct nlmsghdr *req)
{
	struct nl_ctx *o;
	struct nl_kept *s = NULL;

	for (o = nl_live; o != NULL && s == NULL; o = o->live_next)
		if (o != nl && o->loop == nl->loop &&
		    (s = nl_kept_find(o, k->bus, req)) != NULL &&
		    s->state == NL_KEPT_FAIL)
			s = NULL;
	if (s == NULL)
		return NL_KEPT_FAIL;
	if (s->state == NL_KEPT_DONE) {
		if ((k->data = malloc(s->len)) == NULL)
			return NL_KEPT_FAIL;
		memcpy(k->data, s->data, s->len);
		k->len = k->cap = s->len;
		k->seq = s->seq;
		k->portid = s->portid;
		k->state = NL_KEPT_DONE;
		return NL_KEPT_DONE;
	}
	if (s->lead != NULL)
		s = s->lead;
	nl->waiter = loop_add(nl->loop, -1, 0, nl->deadline, nl_followed, nl);
	if (nl->waiter < 0)
		return NL_KEPT_FAIL;
	k->lead = s;
	k->next_follower = s->followers;
	s->followers = k;
	nl->asked = k;
	return NL_KEPT_WAIT;
}

/*
 * Send `req` on `bus` and keep it as the request in flight, its socket a
 * waiter of `nl`'s loop (the current one when it first asks), or take
 * another diagnosis's (nl_share): NL_SEND_WAIT (the round misses it),
 * NL_SEND_KEPT (its reply is kept now), NL_SEND_FAIL (none will come).
 */
static enum nl_send_state
nl_send(struct nl_ctx *nl, enum nl_bus bus, struct nlmsghdr *req)
{
	struct loop *l;
	struct mnl_socket *s;
	struct nl_kept *k;
	struct nlmsghdr h;

	if (nl->loop == NULL)
		nl->loop = loop_current();
	if ((l = nl->loop) == NULL || nl->wake == NULL)
		return NL_SEND_FAIL;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->req = malloc(req->nlmsg_len)) == NULL) {
		free(k);
		return NL_SEND_FAIL;
	}
	k->bus = bus;
	k->owner = nl;
	k->reqlen = req->nlmsg_len;
	memcpy(&h, req, sizeof(h));
	h.nlmsg_seq = 0;
	memcpy(k->req, &h, sizeof(h));
	memcpy(k->req + sizeof(h), (const char *)req + sizeof(h),
	    k->reqlen - sizeof(h));
	k->next = nl->kept;
	nl->kept = k;
	if (!nl->live) {
		nl->live_next = nl_live;
		nl_live = nl;
		nl->live = true;
	}
	switch (nl_share(nl, k, req)) {
	case NL_KEPT_DONE:
		return NL_SEND_KEPT;
	case NL_KEPT_WAIT:
		return NL_SEND_WAIT;
	default:
		break;
	}
	if ((s = nl_socket(nl, bus)) == NULL) {
		k->state = NL_KEPT_FAIL;
		return NL_SEND_FAIL;
	}
	k->seq = req->nlmsg_seq = ++nl->seq;
	k->portid = mnl_socket_get_portid(s);
	if (mnl_socket_sendto(s, req, req->nlmsg_len) < 0) {
		k->state = NL_KEPT_FAIL;
		nl_close_bus(nl, bus);
		return NL_SEND_FAIL;
	}
	nl->waiter = loop_add(l, mnl_socket_get_fd(s), POLLIN, nl->deadline,
	    nl_readable, nl);
	if (nl->waiter < 0) {
		k->state = NL_KEPT_FAIL;
		nl_close_bus(nl, bus);
		return NL_SEND_FAIL;
	}
	nl->asked = k;
	return NL_SEND_WAIT;
}

/*
 * The reply to `req` on `bus` through `cb`: kept by an earlier round, or
 * asked for now (see nl.h); 0, the kernel's errno, or NL_FAIL.
 */
int
nl_talk(struct nl_ctx *nl, enum nl_bus bus, struct nlmsghdr *req,
    mnl_cb_t cb, void *arg)
{
	const struct nl_kept *k;

	if (req->nlmsg_len < sizeof(*req))
		return NL_FAIL;
	if ((k = nl_kept_find(nl, bus, req)) != NULL) {
		if (k->state == NL_KEPT_DONE)
			return nl_replay(k, cb, arg);
		if (k->state == NL_KEPT_WAIT)
			nl->missed = true;
		return NL_FAIL;
	}
	if (nl_left_ms(nl) <= 0 || nl->missed || nl->asked != NULL)
		return NL_FAIL;
	switch (nl_send(nl, bus, req)) {
	case NL_SEND_KEPT:
		return nl_replay(nl->kept, cb, arg);
	case NL_SEND_WAIT:
		nl->missed = true;
		break;
	default:
		break;
	}
	return NL_FAIL;
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
