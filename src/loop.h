/* SPDX-License-Identifier: ISC */
/*
 * loop.h: the reactor: every wait of a run goes through it.
 *
 * A loop holds waiters {descriptor, events, deadline, callback}; a waiter
 * without a descriptor is a timer.  loop_once() waits in ppoll() on all of
 * them, with the signals that stop a run (SIGINT, SIGTERM, SIGHUP) blocked
 * everywhere but inside that wait, so that a signal coming between a check
 * of the stop flag and the wait still ends the wait.  Then it calls the
 * callback of each waiter found ready (events measured now), and after
 * them, of each whose deadline passed.
 *
 * The loop made last is the current one (loop_current()).  Code that
 * waits for a reply in the middle of other work (a netlink answer, a name
 * server's datagram, a hop's probe) never waits itself: it adds a waiter
 * to the current loop and goes on in the waiter's callback (nl.c,
 * resolver.c, rtget.c, trace.c), so an attempt in flight has its outcome
 * taken when it comes, and many diagnoses and traces go on side by side.
 */
#ifndef ISOCK_LOOP_H
#define ISOCK_LOOP_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

struct loop;

/* A waiter's callback: `revents` as poll() gives them; 0: its deadline. */
typedef void loop_fn(void *arg, short revents);

/*
 * A new loop, made current (until loop_free); blocks the stop signals,
 * remembering the mask to wait with.  NULL when out of memory.
 */
struct loop *loop_new(void);

/* The current loop (the one made last and not yet freed), or NULL. */
struct loop *loop_current(void);

/* Free `l`, restore the signal mask it found and the loop current before. */
void loop_free(struct loop *l);

/*
 * The process exits after `l` is freed and nothing in between may block:
 * loop_free() leaves the stop signals as they are, blocked if so (one
 * pending is dropped at exit), rather than let them in for nothing.
 */
void loop_keep_held(struct loop *l);

/*
 * Wait for `events` on `fd` (fd -1: a timer), until `deadline` ({0, 0}:
 * none).  Returns the waiter's id, or -1 when out of memory.  The waiter
 * stays until loop_del(), or its deadline: a waiter whose deadline passes
 * is removed before its callback is called with 0.
 */
int loop_add(struct loop *l, int fd, short events, struct timespec deadline,
    loop_fn *fn, void *arg);

/*
 * Waiter `id` measures (an attempt's socket): after each wait its callback
 * comes before the others', and while the others' run it is looked at
 * again every 0.2 ms or so (a poll that does not wait), so that the time
 * of an outcome is not that of the explaining done beside it.
 */
void loop_urgent(struct loop *l, int id);

/* Remove waiter `id` (nothing when -1 or already gone). */
void loop_del(struct loop *l, int id);

/*
 * One wait: ppoll() for at most `ms` (-1: no limit other than the
 * waiters' deadlines) with the stop signals let in, then the callbacks of
 * the ready waiters, then of those whose deadline passed.  Returns the
 * number of waiters found ready, or -1 with errno set when ppoll() failed
 * other than by a signal.
 */
int loop_once(struct loop *l, int ms);

/*
 * Serve `l` (loop_once, no time limit of its own) until `*done`, a stop
 * (`*stop` non-zero; NULL: none), a failed wait or 100000 waits; true
 * when `*done`.  For the synchronous forms of the modules' work, on a loop
 * of their own: each wait is bounded by that work's own deadline.
 */
bool loop_run(struct loop *l, const bool *done, volatile sig_atomic_t *stop);

/* Let the stop signals in (around work that may block, e.g. printing). */
void loop_signals_let(struct loop *l);

/*
 * Hold the stop signals blocked again, for the next loop_once(): before
 * the check of the stop flag that comes ahead of it, so that a signal
 * between the two waits pending for ppoll.  Either call does nothing when
 * the signals are already so (a run that ends after the signals were let
 * in never blocks them again).
 */
void loop_signals_hold(struct loop *l);

/*
 * Which of the descriptors 0 to `n` - 1 (at most 3, the standard ones) are
 * closed: bit fd set.  One poll(2) that does not wait.
 */
unsigned loop_closed_fds(int n);

/*
 * Sleep `ms`, or less when `*stop` becomes non-zero, or when descriptor
 * `watch` (-1: none) reports POLLERR, which sets `*gone`; false when
 * stopped or gone.  Like loop_once(), it holds the stop signals blocked but
 * inside the wait.
 */
bool loop_sleep(volatile sig_atomic_t *stop, long ms, int watch, bool *gone);

#endif /* ISOCK_LOOP_H */
