/* SPDX-License-Identifier: ISC */
/*
 * loop.c: the reactor: waiters, timers, the signal mask and ppoll.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "loop.h"

struct waiter {
	int fd;				/* -1: a timer */
	short events;
	bool used;
	bool urgent;			/* it measures: served first */
	unsigned gen;			/* changes each time the place is reused */
	struct timespec deadline;	/* {0, 0}: none */
	loop_fn *fn;
	void *arg;
};

struct loop {
	struct waiter *w;
	size_t nw, cap;			/* places used so far, allocated */
	size_t nurgent;			/* urgent waiters in use */
	unsigned gen;
	sigset_t unblocked;		/* the mask to wait with */
	bool held;			/* the stop signals are blocked */
	bool keep;			/* loop_free leaves them so */
	struct loop *outer;		/* the loop current before this one */
};

/* One wait's descriptors, and the waiter of each. */
struct round {
	struct pollfd *pfd;
	int *id;
	unsigned *gen;
	nfds_t m;
	struct pollfd *upfd;		/* the urgent ones, looked at again */
	int *uid;
	unsigned *ugen;
	size_t ucap;			/* room in those */
	struct timespec seen;		/* when they were last looked at */
};

/*
 * Between two callbacks that do not measure, the urgent waiters are
 * looked at again (a poll that does not wait) once this long has passed
 * since they last were: an outcome that comes while other work runs is
 * taken within about this much.
 */
#define LOOP_URGENT_US 50

static struct loop *current;

/*
 * Block the signals that stop a run, keeping the mask found in `unblocked`
 * when it is not NULL.
 */
static void
signals_block(sigset_t *unblocked)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, unblocked);
}

struct loop *
loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	signals_block(&l->unblocked);
	l->held = true;
	l->outer = current;
	current = l;
	return l;
}

struct loop *
loop_current(void)
{
	return current;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	if (current == l)
		current = l->outer;
	if (l->held && !l->keep)
		pthread_sigmask(SIG_SETMASK, &l->unblocked, NULL);
	free(l->w);
	free(l);
}

void
loop_keep_held(struct loop *l)
{
	l->keep = true;
}

int
loop_add(struct loop *l, int fd, short events, struct timespec deadline,
    loop_fn *fn, void *arg)
{
	struct waiter *w;
	size_t k;

	for (k = 0; k < l->nw && l->w[k].used; k++)
		;
	if (k == l->cap) {
		size_t cap = l->cap > 0 ? l->cap * 2 : 16;

		w = realloc(l->w, cap * sizeof(*w));
		if (w == NULL)
			return -1;
		l->w = w;
		l->cap = cap;
	}
	if (k == l->nw)
		l->nw++;
	w = &l->w[k];
	*w = (struct waiter){ .fd = fd, .events = events, .used = true,
	    .gen = ++l->gen, .deadline = deadline, .fn = fn, .arg = arg };
	return (int)k;
}

void
loop_urgent(struct loop *l, int id)
{
	if (l == NULL || id < 0 || (size_t)id >= l->nw || !l->w[id].used ||
	    l->w[id].urgent)
		return;
	l->w[id].urgent = true;
	l->nurgent++;
}

void
loop_del(struct loop *l, int id)
{
	if (l == NULL || id < 0 || (size_t)id >= l->nw)
		return;
	if (l->w[id].used && l->w[id].urgent)
		l->nurgent--;
	l->w[id].used = false;
	while (l->nw > 0 && !l->w[l->nw - 1].used)
		l->nw--;
}

/* Room in `r` for every waiter of `l`. */
static bool
round_alloc(struct round *r, const struct loop *l)
{
	memset(r, 0, sizeof(*r));
	r->pfd = calloc(l->nw + 1, sizeof(*r->pfd));
	r->id = calloc(l->nw + 1, sizeof(*r->id));
	r->gen = calloc(l->nw + 1, sizeof(*r->gen));
	return r->pfd != NULL && r->id != NULL && r->gen != NULL;
}

static void
round_free(struct round *r)
{
	free(r->pfd);
	free(r->id);
	free(r->gen);
	free(r->upfd);
	free(r->uid);
	free(r->ugen);
}

/*
 * Before a callback that does not measure: when the urgent waiters were
 * last looked at LOOP_URGENT_US ago or more, one poll that does not wait
 * (the signals as they are) and the callbacks of those ready.  Nothing
 * when there are none, so a run with nothing else to do pays nothing.
 */
static void
round_urgent(struct loop *l, struct round *r)
{
	struct timespec now;
	size_t k;
	nfds_t e, m = 0;
	int rc;

	if (l->nurgent == 0)
		return;
	now = clock_now();
	if (clock_ms_between(&r->seen, &now) * 1000.0 < LOOP_URGENT_US)
		return;
	r->seen = now;
	if (r->ucap < l->nurgent) {
		free(r->upfd);
		free(r->uid);
		free(r->ugen);
		r->ucap = l->nurgent;
		r->upfd = calloc(r->ucap, sizeof(*r->upfd));
		r->uid = calloc(r->ucap, sizeof(*r->uid));
		r->ugen = calloc(r->ucap, sizeof(*r->ugen));
		if (r->upfd == NULL || r->uid == NULL || r->ugen == NULL) {
			r->ucap = 0;
			return;
		}
	}
	for (k = 0; k < l->nw && m < r->ucap; k++) {
		if (!l->w[k].used || !l->w[k].urgent || l->w[k].fd < 0)
			continue;
		r->uid[m] = (int)k;
		r->ugen[m] = l->w[k].gen;
		r->upfd[m].fd = l->w[k].fd;
		r->upfd[m].events = l->w[k].events;
		r->upfd[m++].revents = 0;
	}
	if (m == 0 || (rc = ppoll(r->upfd, m, &(struct timespec){ 0, 0 },
	    NULL)) <= 0)
		return;
	for (e = 0; e < m; e++) {
		struct waiter *w = &l->w[r->uid[e]];

		if (r->upfd[e].revents != 0 && w->used && w->gen == r->ugen[e])
			w->fn(w->arg, r->upfd[e].revents);
	}
}

/*
 * The callback of ready entry `e` of `r`, unless its waiter went or was
 * replaced by a callback before it; only the urgent ones (`urgent`), or
 * only the others.
 */
static void
round_call(struct loop *l, struct round *r, nfds_t e, bool urgent)
{
	struct waiter *w = &l->w[r->id[e]];

	if (r->pfd[e].revents == 0 || !w->used || w->gen != r->gen[e] ||
	    w->urgent != urgent)
		return;
	if (!urgent)
		round_urgent(l, r);
	w = &l->w[r->id[e]];	/* the urgent ones' may have added some */
	if (w->used && w->gen == r->gen[e])
		w->fn(w->arg, r->pfd[e].revents);
}

/*
 * One wait of `l`: ppoll() for at most `ms` (cut to the nearest deadline)
 * with `mask`, then the callbacks of the ready waiters, then of those out
 * of time.  Returns what ppoll() returned.
 */
static int
round_run(struct loop *l, struct round *r, int ms, const sigset_t *mask)
{
	struct timespec ts;
	size_t k, nw;
	nfds_t e;
	int rc, until;

	r->m = 0;
	for (k = 0; k < l->nw; k++) {
		if (!l->w[k].used)
			continue;
		if (!clock_is_unset(&l->w[k].deadline)) {
			until = clock_ms_until(&l->w[k].deadline);
			if (ms < 0 || until < ms)
				ms = until;
		}
		if (l->w[k].fd < 0)
			continue;
		r->id[r->m] = (int)k;
		r->gen[r->m] = l->w[k].gen;
		r->pfd[r->m].fd = l->w[k].fd;
		r->pfd[r->m].events = l->w[k].events;
		r->pfd[r->m++].revents = 0;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	rc = ppoll(r->pfd, r->m, ms >= 0 ? &ts : NULL, mask);
	if (rc < 0)
		return rc;
	/* What measures first (an attempt's outcome), then the rest, the
	   urgent ones looked at again between them (round_urgent). */
	r->seen = clock_now();
	for (e = 0; rc > 0 && e < r->m; e++)
		round_call(l, r, e, true);
	for (e = 0; rc > 0 && e < r->m; e++)
		round_call(l, r, e, false);
	nw = l->nw;
	for (k = 0; k < nw && k < l->nw; k++) {
		struct waiter *w = &l->w[k];
		unsigned gen = w->gen;

		if (!w->used || clock_is_unset(&w->deadline) ||
		    clock_ms_until(&w->deadline) > 0)
			continue;
		if (!w->urgent)
			round_urgent(l, r);
		w = &l->w[k];	/* callbacks may have moved the places */
		if (!w->used || w->gen != gen)
			continue;	/* an urgent one's callback took it */
		loop_del(l, (int)k);
		w->fn(w->arg, 0);
	}
	return rc;
}

int
loop_once(struct loop *l, int ms)
{
	struct round r;
	int rc;

	if (!round_alloc(&r, l)) {
		round_free(&r);
		errno = ENOMEM;
		return -1;
	}
	rc = round_run(l, &r, ms, &l->unblocked);
	round_free(&r);
	if (rc < 0 && errno == EINTR)
		rc = 0;
	return rc;
}

bool
loop_run(struct loop *l, const bool *done, volatile sig_atomic_t *stop)
{
	int k;

	for (k = 0; !*done && k < 100000; k++)
		if ((stop != NULL && *stop != 0) || loop_once(l, -1) < 0)
			break;
	return *done;
}

void
loop_signals_let(struct loop *l)
{
	if (!l->held)
		return;
	pthread_sigmask(SIG_SETMASK, &l->unblocked, NULL);
	l->held = false;
}

void
loop_signals_hold(struct loop *l)
{
	if (l->held)
		return;
	signals_block(NULL);
	l->held = true;
}

unsigned
loop_closed_fds(int n)
{
	struct pollfd pfd[3];
	unsigned closed = 0;
	int fd;

	if (n > 3)
		n = 3;
	for (fd = 0; fd < n; fd++)
		pfd[fd] = (struct pollfd){ .fd = fd, .events = 0 };
	if (poll(pfd, (nfds_t)n, 0) < 0)
		return 0;
	for (fd = 0; fd < n; fd++)
		if (pfd[fd].revents & POLLNVAL)
			closed |= 1u << fd;
	return closed;
}

bool
loop_sleep(volatile sig_atomic_t *stop, long ms, int watch, bool *gone)
{
	struct timespec until = clock_add_ms(clock_now(), ms), ts;
	struct pollfd pfd = { .fd = watch, .events = 0 };
	sigset_t unblocked;
	int left;

	signals_block(&unblocked);
	while (!(stop != NULL && *stop != 0) && !(gone != NULL && *gone) &&
	    (left = clock_ms_until(&until)) > 0) {
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		if (ppoll(&pfd, 1, &ts, &unblocked) <= 0)
			continue;
		if (pfd.revents & POLLERR) {
			if (gone != NULL)
				*gone = true;
		} else
			pfd.fd = -1;	/* a hang-up: nothing more to see */
	}
	pthread_sigmask(SIG_SETMASK, &unblocked, NULL);
	return !(stop != NULL && *stop != 0) && !(gone != NULL && *gone);
}
