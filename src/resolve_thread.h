/* SPDX-License-Identifier: ISC */
/*
 * resolve_thread.h: a name look-up that runs beside the caller, is waited for
 * through a descriptor, and can be given up at a deadline.
 *
 * One request per name: resolve_thread_start() begins it; resolve_thread_fd() becomes
 * readable (POLLIN) once it has ended; resolve_thread_collect() then takes the
 * result and ends the request; resolve_thread_abandon() ends it at any time,
 * without waiting: a look-up still running is left to finish on its own,
 * and what it returns is freed then.  Every request ends with exactly one
 * resolve_thread_collect() that does not return RESOLVE_THREAD_PENDING, or one
 * resolve_thread_abandon().
 *
 * The backend is src/resolve_thread.c: one detached thread per request,
 * calling getaddrinfo(3), with all signals blocked so that they reach the
 * caller's thread.  It needs no getaddrinfo_a, so it works on musl.
 */
#ifndef ISOCK_RESOLVE_THREAD_H
#define ISOCK_RESOLVE_THREAD_H

#include <netdb.h>

/* resolve_thread_collect(): the look-up has not ended yet.  EAI_* codes are < 0. */
#define RESOLVE_THREAD_PENDING 1

struct resolve_thread_req;

/*
 * Start looking up `host` and `service` (either may be NULL, not both) with
 * `hints` (NULL for none), as getaddrinfo(3) takes them; the strings and
 * hints are copied.  Returns 0 with `*req` set, or EAI_MEMORY, or
 * EAI_SYSTEM with errno set (no thread or no descriptor to be had).
 */
int resolve_thread_start(struct resolve_thread_req **req, const char *host,
    const char *service, const struct addrinfo *hints);

/*
 * The descriptor of `req` to poll for POLLIN: readable once the look-up
 * has ended.  It belongs to the request: do not read or close it, and take
 * it out of any poll set before resolve_thread_collect() or resolve_thread_abandon().
 */
int resolve_thread_fd(const struct resolve_thread_req *req);

/*
 * RESOLVE_THREAD_PENDING while the look-up runs (the request stays).  Otherwise
 * the request ends, and getaddrinfo's return value is returned: 0 with the
 * list in `*res` (the caller frees it with freeaddrinfo), or an EAI_*
 * code, after EAI_SYSTEM with errno set to the look-up's errno.
 */
int resolve_thread_collect(struct resolve_thread_req *req, struct addrinfo **res);

/*
 * End `req` without its result.  Returns at once; a look-up still running
 * frees the request and its result when it finishes.  `req` may be NULL.
 */
void resolve_thread_abandon(struct resolve_thread_req *req);

#ifdef ISOCK_UNITTEST
/*
 * Test hooks (tests/check_resolve.c builds resolve_thread.c with
 * ISOCK_UNITTEST).  While resolve_thread_test_gate is not -1, each look-up thread
 * reads one byte from it before calling getaddrinfo, so a test can hold a
 * look-up and abandon it while it runs.  resolve_thread_test_live() is the number
 * of requests not yet freed.
 */
extern int resolve_thread_test_gate;
int resolve_thread_test_live(void);
#endif

#endif /* ISOCK_RESOLVE_THREAD_H */
