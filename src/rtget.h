/* SPDX-License-Identifier: ISC */
/*
 * rtget.h: the kernel's answer to one route look-up (RTM_GETROUTE), in
 * every build, libmnl or not.
 *
 * A connect that fails with EINVAL may have met a blackhole route; the
 * kernel's route look-up for the destination then answers EINVAL too (an
 * unreachable route EHOSTUNREACH, a prohibit route EACCES).  The exit
 * status takes its class from this one answer, never from a dump that a
 * budget may cut short.
 */
#ifndef ISOCK_RTGET_H
#define ISOCK_RTGET_H

#include <sys/socket.h>

/*
 * Ask the kernel for its route to `dst` (AF_INET or AF_INET6), waiting at
 * most `ms` on a loop of its own (rtget_start() and loop_once(): no other
 * waiter is served meanwhile; inside a run, use rtget_start()).  Returns 0
 * when it has one, the errno it answers (EINVAL for a blackhole,
 * EHOSTUNREACH, ENETUNREACH, EACCES), or -1 when it could not be asked or
 * did not answer in time.  An answer is given again for the same address
 * (any port) asked within a second, without a request: the many ports of
 * one host share one look-up.
 */
int rtget_errno(const struct sockaddr *dst, int ms);

/* rtget_start's callback: `err` as rtget_errno() returns it. */
typedef void rtget_fn(void *arg, int err);

struct rtget;

/*
 * rtget_errno() on the current loop (loop_current()): the request is sent
 * now, the answer read when the loop finds the socket readable, and `fn`
 * called from a loop callback (never from inside rtget_start()) with the
 * answer, or -1 after `ms`; the handle is freed after `fn` returns.  NULL
 * when it could not start (no loop, out of memory, no socket): the caller
 * takes -1 then, and `fn` is not called.  A kept answer (the same address
 * within a second) comes through the loop too.
 */
struct rtget *rtget_start(const struct sockaddr *dst, int ms, rtget_fn *fn,
    void *arg);

/* Forget `g` before its callback: socket closed, `fn` never called. */
void rtget_cancel(struct rtget *g);

#endif /* ISOCK_RTGET_H */
