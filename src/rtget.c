/* SPDX-License-Identifier: ISC */
/*
 * rtget.c: one RTM_GETROUTE over a plain netlink socket, its answer kept
 * for a second: the targets of one run that share a destination share it.
 * The answer is waited for as a waiter of the loop (issue 19); look-ups of
 * one destination in flight at once on one loop share one request.
 */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "rtget.h"

/* The request: a header, the route message and the destination. */
struct rtget_req {
	struct nlmsghdr h;
	struct rtmsg r;
	struct rtattr a;
	unsigned char addr[16];
};

/* Fill `q` with the question for `dst`; false for another family. */
static bool
rtget_build(struct rtget_req *q, const struct sockaddr *dst)
{
	size_t len;

	memset(q, 0, sizeof(*q));
	if (dst->sa_family == AF_INET) {
		len = 4;
		memcpy(q->addr, &((const struct sockaddr_in *)(const void *)
		    dst)->sin_addr, len);
	} else if (dst->sa_family == AF_INET6) {
		len = 16;
		memcpy(q->addr, &((const struct sockaddr_in6 *)(const void *)
		    dst)->sin6_addr, len);
	} else
		return false;
	q->h.nlmsg_len = (unsigned)(NLMSG_LENGTH(sizeof(q->r)) +
	    RTA_LENGTH(len));
	q->h.nlmsg_type = RTM_GETROUTE;
	q->h.nlmsg_flags = NLM_F_REQUEST;
	q->h.nlmsg_seq = 1;
	q->r.rtm_family = (unsigned char)dst->sa_family;
	q->r.rtm_dst_len = (unsigned char)(8 * len);
	q->a.rta_type = RTA_DST;
	q->a.rta_len = (unsigned short)RTA_LENGTH(len);
	return true;
}

/* The answer in `buf` (`n` bytes) to request 1: 0, an errno, or -1. */
static int
rtget_answer(const unsigned char *buf, size_t n)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)(const void *)buf;
	const struct nlmsgerr *e;

	if (n < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > n ||
	    h->nlmsg_seq != 1)
		return -1;
	if (h->nlmsg_type == RTM_NEWROUTE)
		return 0;
	if (h->nlmsg_type != NLMSG_ERROR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -1;
	e = NLMSG_DATA(h);
	return e->error < 0 ? -e->error : e->error == 0 ? 0 : -1;
}

/* How long an answer holds for the same destination again (ms). */
#define RTGET_KEEP_MS 1000
/* The answers kept, the oldest replaced first. */
#define RTGET_KEEP_N 8

/* The last answers, for the targets of one run (many ports of one host). */
static struct rtget_kept {
	bool valid;
	unsigned char family, addr[16];
	int rc;
	struct timespec at;
} rtget_kept[RTGET_KEEP_N];
static unsigned rtget_kept_next;

/* The answer kept for the question `q`, or NULL. */
static struct rtget_kept *
rtget_kept_find(const struct rtget_req *q)
{
	struct timespec now = clock_now();
	unsigned k;

	for (k = 0; k < RTGET_KEEP_N; k++)
		if (rtget_kept[k].valid &&
		    rtget_kept[k].family == q->r.rtm_family &&
		    memcmp(rtget_kept[k].addr, q->addr, sizeof(q->addr)) == 0 &&
		    clock_ms_between(&rtget_kept[k].at, &now) < RTGET_KEEP_MS)
			return &rtget_kept[k];
	return NULL;
}

/* Keep `rc`, the kernel's answer to `q`, for RTGET_KEEP_MS. */
static void
rtget_kept_add(const struct rtget_req *q, int rc)
{
	struct rtget_kept *k = &rtget_kept[rtget_kept_next++ % RTGET_KEEP_N];

	*k = (struct rtget_kept){ .valid = true, .family = q->r.rtm_family,
	    .rc = rc, .at = clock_now() };
	memcpy(k->addr, q->addr, sizeof(k->addr));
}

/*
 * A look-up started and not yet told.  It is in one of three states: it
 * owns the request (fd >= 0, read when readable), it waits for the request
 * of another of the same destination on the same loop (fd -1, !told), or
 * it has its answer and a timer of 0 ms to give it (told).  The timer
 * (timer_id) is otherwise its deadline.
 */
struct rtget {
	struct rtget *next;		/* the look-ups not yet told */
	struct loop *l;
	struct rtget_req q;
	int fd;
	int fd_id, timer_id;		/* waiters, -1: none */
	bool told;
	int rc;
	rtget_fn *fn;
	void *arg;
};

static struct rtget *rtget_pending;

static void rtget_on_readable(void *arg, short revents);
static void rtget_on_timer(void *arg, short revents);

/* True when `a` and `b` ask about the same destination on one loop. */
static bool
rtget_same(const struct rtget *a, const struct rtget *b)
{
	return a != b && a->l == b->l && a->q.r.rtm_family ==
	    b->q.r.rtm_family && memcmp(a->q.addr, b->q.addr,
	    sizeof(a->q.addr)) == 0;
}

/* Take `g` off the list of look-ups not yet told. */
static void
rtget_unlink(struct rtget *g)
{
	struct rtget **p;

	for (p = &rtget_pending; *p != NULL; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			return;
		}
}

/*
 * Give `g` its answer `rc` through a timer of 0 ms (out of memory: at its
 * deadline, by the timer it has).
 */
static void
rtget_tell(struct rtget *g, int rc)
{
	int id = loop_add(g->l, -1, 0, clock_now(), rtget_on_timer, g);

	g->rc = rc;
	g->told = true;
	if (id < 0)
		return;
	loop_del(g->l, g->timer_id);
	g->timer_id = id;
}

/*
 * The request of `g`, which is going away without its answer, passes to
 * a look-up waiting for it, if any; else its socket is closed.
 */
static void
rtget_hand_over(struct rtget *g)
{
	struct rtget *h;

	loop_del(g->l, g->fd_id);
	g->fd_id = -1;
	if (g->fd < 0)
		return;
	for (h = rtget_pending; h != NULL; h = h->next)
		if (h->fd < 0 && !h->told && rtget_same(h, g))
			break;
	if (h != NULL) {
		h->fd_id = loop_add(h->l, g->fd, POLLIN,
		    (struct timespec){ 0, 0 }, rtget_on_readable, h);
		if (h->fd_id >= 0) {
			h->fd = g->fd;
			g->fd = -1;
			return;
		}
	}
	close(g->fd);
	g->fd = -1;
}

/* `g` is done: its waiters removed, `fn` called, the handle freed. */
static void
rtget_end(struct rtget *g)
{
	rtget_unlink(g);
	loop_del(g->l, g->timer_id);
	rtget_hand_over(g);
	g->fn(g->arg, g->rc);
	free(g);
}

/* The timer of `g`: its answer to give, or its deadline. */
static void
rtget_on_timer(void *arg, short revents)
{
	struct rtget *g = arg;

	(void)revents;
	g->timer_id = -1;	/* the loop removed it */
	if (!g->told)
		g->rc = -1;	/* no answer in time */
	rtget_end(g);
}

/* The socket of `g` is readable: the kernel's answer, for every sharer. */
static void
rtget_on_readable(void *arg, short revents)
{
	unsigned char buf[4096] __attribute__((aligned(4)));
	struct rtget *g = arg, *h;
	ssize_t n;
	int rc = -1;

	(void)revents;
	n = recv(g->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		rc = rtget_answer(buf, (size_t)n);
	loop_del(g->l, g->fd_id);
	g->fd_id = -1;
	close(g->fd);
	g->fd = -1;
	if (rc >= 0)		/* the kernel's answer: kept a while */
		rtget_kept_add(&g->q, rc);
	for (h = rtget_pending; h != NULL; h = h->next)
		if (h->fd < 0 && !h->told && rtget_same(h, g))
			rtget_tell(h, rc);
	rtget_tell(g, rc);
}

/* Open a socket for the request of `g` and send it; false when it failed. */
static bool
rtget_send(struct rtget *g)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_ROUTE);
	if (g->fd < 0)
		return false;
	if (sendto(g->fd, &g->q, g->q.h.nlmsg_len, 0,
	    (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    (g->fd_id = loop_add(g->l, g->fd, POLLIN, (struct timespec){ 0, 0 },
	    rtget_on_readable, g)) < 0) {
		close(g->fd);
		g->fd = -1;
		return false;
	}
	return true;
}

struct rtget *
rtget_start(const struct sockaddr *dst, int ms, rtget_fn *fn, void *arg)
{
	const struct rtget_kept *kept;
	struct timespec at = clock_add_ms(clock_now(), ms);
	struct rtget *g, *h;

	if (loop_current() == NULL || (g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	*g = (struct rtget){ .l = loop_current(), .fd = -1, .fd_id = -1,
	    .timer_id = -1, .rc = -1, .fn = fn, .arg = arg };
	if (!rtget_build(&g->q, dst)) {
		free(g);
		return NULL;
	}
	if ((kept = rtget_kept_find(&g->q)) != NULL) {
		/* Told at once, through the loop. */
		g->told = true;
		g->rc = kept->rc;
		at = clock_now();
	} else {
		/* The first of a destination sends; the others wait. */
		for (h = rtget_pending; h != NULL; h = h->next)
			if (h->fd >= 0 && rtget_same(h, g))
				break;
		if (h == NULL && !rtget_send(g)) {
			free(g);
			return NULL;
		}
	}
	g->timer_id = loop_add(g->l, -1, 0, at, rtget_on_timer, g);
	if (g->timer_id < 0) {
		rtget_hand_over(g);	/* nobody waits for it yet: closed */
		free(g);
		return NULL;
	}
	g->next = rtget_pending;
	rtget_pending = g;
	return g;
}

void
rtget_cancel(struct rtget *g)
{
	if (g == NULL)
		return;
	rtget_unlink(g);
	loop_del(g->l, g->timer_id);
	rtget_hand_over(g);
	free(g);
}

/* rtget_errno's callback: the answer, and that it came. */
struct rtget_wait {
	bool done;
	int rc;
};

static void
rtget_on_answer(void *arg, int err)
{
	struct rtget_wait *w = arg;

	w->done = true;
	w->rc = err;
}

int
rtget_errno(const struct sockaddr *dst, int ms)
{
	struct rtget_wait w = { .done = false, .rc = -1 };
	const struct rtget_kept *kept;
	struct rtget_req q;
	struct rtget *g;
	struct loop *l;

	if (!rtget_build(&q, dst))
		return -1;
	if ((kept = rtget_kept_find(&q)) != NULL)
		return kept->rc;
	/* A loop of its own: the wait is the loop's (loop_once). */
	if ((l = loop_new()) == NULL)
		return -1;
	g = rtget_start(dst, ms, rtget_on_answer, &w);
	/* The answer or the timer at `ms` ends it. */
	if (g != NULL && !loop_run(l, &w.done, NULL))
		rtget_cancel(g);
	loop_free(l);
	return w.rc;
}
