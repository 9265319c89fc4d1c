/* SPDX-License-Identifier: ISC */
/*
 * rtget.c: one RTM_GETROUTE over a plain netlink socket, its answer kept
 * for a second: the targets of one run that share a destination share it.
 */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
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

int
rtget_errno(const struct sockaddr *dst, int ms)
{
	struct timespec end = clock_add_ms(clock_now(), ms);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	unsigned char buf[4096] __attribute__((aligned(4)));
	const struct rtget_kept *kept;
	struct rtget_kept *k;
	struct rtget_req q;
	struct pollfd pfd;
	ssize_t n;
	int fd, rc = -1;

	if (!rtget_build(&q, dst))
		return -1;
	if ((kept = rtget_kept_find(&q)) != NULL)
		return kept->rc;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (sendto(fd, &q, q.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
	    sizeof(kernel)) < 0)
		goto out;
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* Bounded: the one answer, or the time. */
	while (clock_ms_until(&end) > 0) {
		if (loop_poll(&pfd, 1, clock_ms_until(&end)) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n > 0)
			rc = rtget_answer(buf, (size_t)n);
		break;
	}
out:
	close(fd);
	if (rc >= 0) {		/* the kernel's answer: kept a while */
		k = &rtget_kept[rtget_kept_next++ % RTGET_KEEP_N];
		*k = (struct rtget_kept){ .valid = true,
		    .family = q.r.rtm_family, .rc = rc, .at = clock_now() };
		memcpy(k->addr, q.addr, sizeof(k->addr));
	}
	return rc;
}
