/* SPDX-License-Identifier: ISC */
/*
 * result.c: what a run measured, and the one exit status it gives.
 */
#include "config.h"

#include <netdb.h>
#include <stdlib.h>

#include "exitcode.h"
#include "explain.h"
#include "result.h"

const struct result_attempt *
result_connected(const struct result *r)
{
	size_t i;

	if (r->state != RESULT_FINISHED ||
	    (r->ready != NULL && r->ready->status != 0))
		return NULL;
	for (i = 0; i < r->nattempts; i++)
		if (r->attempts[i].error == 0)
			return &r->attempts[i];
	return NULL;
}

const struct result_attempt *
result_last(const struct result *r)
{
	return r->nattempts > 0 && r->attempts != NULL ?
	    &r->attempts[r->nattempts - 1] : NULL;
}

const struct result_attempt *
result_checked(const struct result *r)
{
	size_t i;

	if (r->state != RESULT_FINISHED || r->ready == NULL ||
	    r->ready->status == 0)
		return NULL;
	for (i = 0; i < r->nattempts; i++)
		if (r->attempts[i].error == 0)
			return &r->attempts[i];
	return NULL;
}

/* The class of a failure's errno; never 0, since it did not connect. */
static int
failure_class(int error)
{
	int c = error != 0 ? (int)explain_exit_class(error) : 0;

	return c != 0 ? c : ISOCK_EXIT_OTHER;
}

int
result_exit_status(const struct result *r)
{
	const struct explain_entry *e;
	const struct result_attempt *last;

	if (result_connected(r) != NULL)
		return ISOCK_EXIT_CONNECTED;
	if (r->signal != 0)
		return ISOCK_EXIT_SIGNAL + r->signal;
	if (r->state != RESULT_FINISHED)
		return ISOCK_EXIT_OTHER;
	if (r->ready != NULL && r->ready->status != 0)
		return r->ready->status;
	if (r->diag_status != 0)
		return r->diag_status;
	if (r->eai != 0) {
		if (r->eai == EAI_SYSTEM)
			return failure_class(r->eai_errno);
		e = explain_lookup_eai(r->eai);
		return e != NULL && e->exit_class != ISOCK_EXIT_CONNECTED ?
		    (int)e->exit_class : ISOCK_EXIT_NOTFOUND;
	}
	last = result_last(r);
	if (last == NULL)	/* the deadline came before any attempt */
		return ISOCK_EXIT_TIMEDOUT;
	return failure_class(last->error);
}

bool
result_closed(int code)
{
	return code == ISOCK_EXIT_REFUSED || code == ISOCK_EXIT_TIMEDOUT ||
	    code == ISOCK_EXIT_UNREACHABLE;
}

int
result_invert_status(const struct result *r)
{
	int code = result_exit_status(r);

	if (r->ready != NULL && r->ready->status != 0 && r->signal == 0 &&
	    result_closed(code))
		return ISOCK_EXIT_ACCEPTING;
	return code;
}

/* True when the target whose code is `code` met the policy `p`. */
static bool
target_succeeded(int code, const struct result_policy *p)
{
	if (p->invert)
		return result_closed(code);
	return code == ISOCK_EXIT_CONNECTED;
}

int
result_run_status(const int *codes, size_t n, int sig,
    const struct result_policy *p)
{
	int status = ISOCK_EXIT_CONNECTED;
	bool one_ok = false;
	size_t i;

	for (i = 0; i < n; i++)
		if (target_succeeded(codes[i], p))
			one_ok = true;
		else if (status == ISOCK_EXIT_CONNECTED)
			status = codes[i] == ISOCK_EXIT_CONNECTED ?
			    ISOCK_EXIT_ACCEPTING : codes[i];
	if (p->any && one_ok)
		status = ISOCK_EXIT_CONNECTED;
	if (sig != 0)
		status = ISOCK_EXIT_SIGNAL + sig;
	return result_exit_mode(status, p->codes);
}

int
result_exit_mode(int status, enum result_codes codes)
{
	if (codes == RESULT_CODES_BINARY && status != ISOCK_EXIT_CONNECTED)
		return ISOCK_EXIT_UNHEALTHY;
	return status;
}

int
result_reserve(struct result *r, size_t n)
{
	free(r->attempts);
	r->nattempts = 0;
	r->attempts = calloc(n > 0 ? n : 1, sizeof(*r->attempts));
	return r->attempts != NULL ? 0 : -1;
}

void
result_free(struct result *r)
{
	free(r->attempts);
	r->attempts = NULL;
	r->nattempts = 0;
	free(r->ready);
	r->ready = NULL;
	r->state = RESULT_NOT_STARTED;
}

void
result_stats_add(struct result_stats *s, const struct result *r)
{
	const struct result_attempt *a = result_connected(r);
	double ms;

	if (a == NULL && (r->signal != 0 || r->state != RESULT_FINISHED))
		return;	/* interrupted: neither sent in full nor lost */
	s->sent++;
	if (a == NULL) {
		s->last_failure = result_exit_status(r);
		if (s->down_now++ == 0)
			s->down_began = r->when;
		if (s->down_now > s->down_longest) {
			s->down_longest = s->down_now;
			s->longest_began = s->down_began;
			s->longest_ended = r->when;
			s->down_ongoing = true;
		}
		return;
	}
	/* A success ends the run of failures; if the longest, it ends now. */
	if (s->down_now > 0 && s->down_now == s->down_longest &&
	    s->down_ongoing) {
		s->longest_ended = r->when;
		s->down_ongoing = false;
	}
	s->down_now = 0;
	/* A TLS or HTTP check counts whole: ready is what it measures. */
	ms = r->ready != NULL ? r->ms : a->ms;
	if (s->connected == 0 || ms < s->min)
		s->min = ms;
	if (s->connected == 0 || ms > s->max)
		s->max = ms;
	s->connected++;
	s->sum += ms;
	s->sumsq += ms * ms;
}

int
result_stats_status(const struct result_stats *s)
{
	if (s->connected == s->sent && s->sent > 0)
		return ISOCK_EXIT_CONNECTED;
	return s->last_failure != 0 ? s->last_failure : ISOCK_EXIT_OTHER;
}

double
result_stats_avg(const struct result_stats *s)
{
	return s->connected > 0 ? s->sum / (double)s->connected : 0.0;
}

/* The square root of x > 0 by Newton's method: no libm to load at start. */
static double
square_root(double x)
{
	double r = x > 1 ? x : 1;
	int i;

	for (i = 0; i < 64 && r * r - x > x * 1e-15; i++)
		r = (r + x / r) / 2;
	return r;
}

double
result_stats_mdev(const struct result_stats *s)
{
	double avg = result_stats_avg(s), var;

	if (s->connected == 0)
		return 0.0;
	var = s->sumsq / (double)s->connected - avg * avg;
	return var > 0 ? square_root(var) : 0.0;
}
