/* SPDX-License-Identifier: ISC */
/*
 * run.c: the run's policy: once, --wait or --count over the targets, the
 * results printed in input order as they become final, the diagnosis of
 * each failure on its own budget, the exit status of the whole run.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "clock.h"
#include "diagnose.h"
#include "exitcode.h"
#include "fdfacts.h"
#include "loop.h"
#include "explain.h"
#include "probe.h"
#include "report.h"
#include "rtget.h"
#include "run.h"
#include "stamp.h"
#include "summary.h"
#include "trace.h"
#include "text.h"

/*
 * The diagnosis runs after its attempt ended, on a budget of its own: it
 * never shortens the connect, so -q and the full report measure alike.
 */
#define DIAG_BUDGET_MS 250

/*
 * Diagnoses and traces under way at once; the others wait their turn (in
 * input order).  Each holds descriptors (a diagnosis its netlink and name
 * server sockets, a trace TRACE_FDS), which the run's attempts need too.
 */
#define DIAG_AT_ONCE 4
#define TRACE_AT_ONCE 4
/* A trace's descriptors: a socket a hop, the traced SYN's, nftables'. */
#define TRACE_FDS (TRACE_DEFAULT_HOPS + 2)
/* Kept free beside a trace, for the run's attempts and its facts. */
#define TRACE_FDS_SPARE 16

/* What the run knows while results arrive, to print them in input order. */
struct run {
	const struct options *o;
	const struct probe_opts *po;
	struct report_opts ro;
	struct result *results;
	struct diag_facts **facts;	/* per target, NULL: none */
	int *codes;			/* exit status per target */
	bool *ready;
	int *wait_class;		/* --wait: 1 + the last class told */
	size_t next;			/* the next to print */
	unsigned long seq;		/* --count probe number, or 0 */
	struct result_stats *stats;	/* --count */
	struct timespec start;		/* when the run began */
	struct summary *sum;		/* several targets, or --count: the
					   failures said once; NULL: none */
	bool compact;			/* the groups, and a short line a
					   target where lines_out/lines_err */
	bool lines_out, lines_err;	/* that stream is not a terminal */
	bool shown;			/* the status line is on the screen */
	size_t ndone;			/* targets with their result */
	unsigned long done_by[ISOCK_EXIT_MAX + 2]; /* per exit status */
	struct report_said said;	/* facts the summary said */
	struct result_policy policy;
	bool halt;			/* the run needs no more (probe's) */
	bool out_gone;			/* stdout's reader has gone (probe's) */
	struct report_tally tally;	/* the outcomes, for the summary */
	bool canceled_asked;		/* the name servers were asked for a
					   look-up the deadline ended */
	struct work *work;		/* per target: its facts being read */
	size_t nbusy;			/* pieces of work under way or waiting
					   their turn (diagnoses, route
					   look-ups, traces) */
	unsigned ndiag, ntrace, nrt;	/* diagnoses, traces, route
					   look-ups under way (each holds
					   descriptors: run_holding) */
	size_t nmeasured;		/* targets whose outcome was taken */
	size_t next_diag, next_trace;	/* none waits before these */
	bool flush_due;			/* one became ready in a callback */
};

/*
 * The facts of a target's final result, read on the loop (diag_start)
 * beside the other targets' attempts and facts: the target is ready, and
 * printed in its turn, once they are complete.
 */
struct work {
	struct run *run;
	size_t i;
	struct diag *diag;		/* under way, or NULL */
	struct diag_facts *lf;		/* a silent check's listener facts */
	struct timespec t0;		/* when it began (-v) */
	struct rtget *rt;		/* EINVAL's route look-up, or NULL */
	struct trace_job *tj;		/* --trace under way, or NULL */
	struct trace_result *tr;	/* its result, once begun */
	char *tcause;			/* why none could be made */
	bool traced;			/* a trace is to be told */
	struct diag_query dq;		/* a diagnosis waiting its turn */
	bool dq_wait, dq_listener;
	struct trace_query tq;		/* a trace waiting its turn */
	bool tq_wait;
};

static void target_final(struct run *run, size_t i, bool now);
static bool run_shows(const struct run *run, const struct result *r);
static bool run_tty(int fd);

/* Whether `w` has no work under way or waiting. */
static bool
work_idle(const struct work *w)
{
	return w->diag == NULL && w->tj == NULL && w->rt == NULL &&
	    !w->dq_wait && !w->tq_wait;
}

/*
 * A piece of `w`'s work ended (its callback): the target is ready once
 * none is left.
 */
static void
work_ended(struct work *w)
{
	w->run->nbusy--;
	if (work_idle(w))
		target_final(w->run, w->i, false);
}

/* The diagnosis of `w` ended (its callback). */
static void
diag_ended(struct work *w)
{
	w->diag = NULL;
	w->run->ndiag--;
	work_ended(w);
}

/*
 * probe's holding: whether work under way holds descriptors (a socket()
 * that meets EMFILE waits for it to end).
 */
static bool
run_holding(void *arg)
{
	const struct run *run = arg;

	return run->ndiag + run->ntrace + run->nrt > 0;
}

/*
 * The route look-up of an EINVAL came (rtget_start's callback): a
 * blackhole's class is unreachable, in every build, whatever the diagnosis
 * finds in time.
 */
static void
rtget_done(void *arg, int err)
{
	struct work *w = arg;
	struct result *r = &w->run->results[w->i];

	w->rt = NULL;
	w->run->nrt--;
	if (err == EINVAL) {
		r->diag_status = ISOCK_EXIT_UNREACHABLE;
		w->run->codes[w->i] = result_exit_status(r);
	}
	work_ended(w);
}

/*
 * The listener facts of a silent check came (diag_start's callback): the
 * listener that took the connection (its accept queue) and the process
 * that holds it, into the check's facts, from the listener the cause
 * table's own cause_listener() finds.
 */
static void
silent_listener_done(void *arg, int nfacts)
{
	struct work *w = arg;
	struct run *run = w->run;
	struct ready_facts *rf = run->results[w->i].ready;
	struct diag_facts *f = w->lf;
	int i;

	(void)nfacts;
	if ((f->have & DIAG_LISTENERS) != 0 && (i = cause_listener(f)) >= 0) {
		rf->have_listener = true;
		rf->queued = f->listen.queued[i];
		rf->backlog = f->listen.backlog[i];
	}
	if (rf->have_listener && (f->have & DIAG_OWNER) != 0 &&
	    f->owner.pid > 0) {
		rf->pid = f->owner.pid;
		rf->state = f->owner.state;
		snprintf(rf->comm, sizeof(rf->comm), "%s", f->owner.comm);
	}
	free(f);
	w->lf = NULL;
	diag_ended(w);
}

/*
 * A service that accepted and kept silent: when it is local, who listens
 * (diagnose_listener's facts, on the loop).
 */
static void
silent_listener(struct run *run, size_t i, const struct result_attempt *a)
{
	struct work *w = &run->work[i];
	struct diag_query q;

	if ((w->lf = malloc(sizeof(*w->lf))) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	q.budget_ms = DIAG_BUDGET_MS;
	q.dst = (const struct sockaddr *)&a->addr.ss;
	q.dstlen = a->addr.len;
	q.family = q.dst->sa_family;
	q.type = run->o->targets.v[i].type;
	q.error = ETIMEDOUT;
	q.deadline = true;
	w->dq = q;
	w->dq_listener = true;
	w->dq_wait = true;
	if (i < run->next_diag)
		run->next_diag = i;
	run->nbusy++;
}

/*
 * A target's facts came (diag_start's callback): with -v, how many and
 * how long they took; the target is ready.
 */
static void
diag_done(void *arg, int nf)
{
	struct work *w = arg;
	struct run *run = w->run;
	struct timespec t1 = clock_now();

	if (run->po->trace != NULL) {
		char line[96];

		snprintf(line, sizeof(line), "diagnosis: %d fact%s in %.3f ms "
		    "(budget %d ms, after the attempt ended)", nf,
		    nf == 1 ? "" : "s", clock_ms_between(&w->t0, &t1),
		    DIAG_BUDGET_MS);
		run->po->trace(run->po->trace_arg,
		    clock_ms_between(&run->start, &t1), line);
	}
	diag_ended(w);
}

/* Read the facts `q` asks for, for target `i`, in its turn. */
static void
diag_begin_target(struct run *run, size_t i, const struct diag_query *q)
{
	struct work *w = &run->work[i];

	w->dq = *q;
	w->dq_listener = false;
	w->dq_wait = true;
	if (i < run->next_diag)
		run->next_diag = i;
	run->nbusy++;
}

/*
 * Begin the diagnoses waiting their turn, in input order, while fewer
 * than DIAG_AT_ONCE are under way.
 */
static void
diag_turns(struct run *run)
{
	size_t n = run->o->targets.n;
	struct work *w;

	for (; run->next_diag < n && run->ndiag < DIAG_AT_ONCE;
	    run->next_diag++) {
		w = &run->work[run->next_diag];
		if (!w->dq_wait)
			continue;
		w->dq_wait = false;
		w->t0 = clock_now();
		w->diag = w->dq_listener ? diag_start(&w->dq, true, w->lf,
		    silent_listener_done, w) : diag_start(&w->dq, false,
		    run->facts[w->i], diag_done, w);
		if (w->diag == NULL) {	/* no memory: no facts */
			free(w->lf);
			w->lf = NULL;
			work_ended(w);
			continue;
		}
		run->ndiag++;
	}
}

/*
 * The exit status of target `i`, and the facts of a failed attempt begun
 * on the loop (run->work[i]).
 */
static void
diagnose_target(struct run *run, size_t i)
{
	const struct options *o = run->o;
	const struct target *t = &o->targets.v[i];
	struct result *r = &run->results[i];
	const struct result_attempt *a = result_last(r);
	struct diag_query q;
	struct diag_facts *f;

	run->codes[i] = o->invert ? result_invert_status(r) :
	    result_exit_status(r);
	/* --invert: a port that is closed is the success; nothing to find
	   (any other failure is one, as without --invert). */
	if (run->codes[i] == 0 || (o->invert && result_closed(run->codes[i])) ||
	    r->signal != 0 ||
	    r->state != RESULT_FINISHED || (a == NULL && r->eai == 0))
		return;
	/* It connected; the check after it has facts of its own. */
	if (r->ready != NULL && r->ready->status != 0) {
		if (a != NULL && (!o->quiet || o->json) &&
		    (r->ready->cause == READY_SILENT_TLS ||
		    r->ready->cause == READY_SILENT_HTTP))
			silent_listener(run, i, a);
		return;
	}
	/*
	 * The class of EINVAL from the one route look-up: a blackhole's is
	 * unreachable, in every build, whatever the diagnosis finds in time.
	 */
	if (a != NULL && a->error == EINVAL && (run->work[i].rt = rtget_start(
	    (const struct sockaddr *)&a->addr.ss, DIAG_BUDGET_MS, rtget_done,
	    &run->work[i])) != NULL) {
		run->nbusy++;
		run->nrt++;
	}
	/*
	 * Quiet runs print no facts; a name's diagnosis asks the name
	 * servers, not for each --count probe, whose facts are not printed.
	 * ISOCK_NO_DIAGNOSIS: none at all (make bench's baseline).
	 */
	if (getenv("ISOCK_NO_DIAGNOSIS") != NULL)
		return;
	if (o->quiet && !o->json ? true :
	    a == NULL && run->seq > 0 && run->sum == NULL)
		return;
	/* A summary asks the name servers once for a failure of a name
	   (per host and resolver code), not for each port or probe. */
	if (!o->quiet && a == NULL && run->sum != NULL &&
	    !summary_claim(run->sum, i, t, r))
		return;
	/* Look-ups the deadline ended waited on the same name servers: they
	   are asked once a run, not at 0.2 s a name. */
	if (a == NULL && r->eai == EAI_CANCELED && o->targets.n > 1 &&
	    run->canceled_asked)
		return;
	run->canceled_asked |= a == NULL && r->eai == EAI_CANCELED;
	f = calloc(1, sizeof(*f));	/* no facts, if none are read */
	if (f == NULL)
		return;
	run->facts[i] = f;
	memset(&q, 0, sizeof(q));
	q.budget_ms = DIAG_BUDGET_MS;
	if (a == NULL) {	/* the name did not resolve */
		q.target = t;
		q.eai = r->eai;
		/* The status is the look-up's own (resolve.c checks the
		   descriptors before it), with or without -q: not the
		   diagnosis's. */
		diag_begin_target(run, i, &q);
		return;
	}
	q.target = t;
	q.several = o->targets.n > 1 || o->count > 0;
	q.deadline = a->deadline;
	q.icmp = &a->icmp;
	q.dst = (const struct sockaddr *)&a->addr.ss;
	q.dstlen = a->addr.len;
	q.family = q.dst->sa_family;
	q.type = t->type;
	q.protocol = t->protocol;
	q.src = o->has_source ? (const struct sockaddr *)&o->source : NULL;
	q.srclen = o->has_source ? o->source_len : 0;
	q.error = a->error;
	q.broadcast = o->broadcast;
	diag_begin_target(run, i, &q);
}

/* The trace of target `w->i` ended (trace_start's callback). */
static void
trace_done(void *arg)
{
	struct work *w = arg;

	w->tj = NULL;
	w->run->ntrace--;
	work_ended(w);
}

/*
 * --trace: after a failed TCP connect to an IP address, where the SYN dies
 * (on a deadline of its own, -w again), on the loop beside the diagnosis
 * and the other targets.  A trace that could not be made is told too (its
 * cause).
 */
static void
trace_target(struct run *run, size_t i)
{
	const struct target *t = &run->o->targets.v[i];
	const struct result_attempt *a = result_last(&run->results[i]);
	struct work *w = &run->work[i];
	long deadline_ms = run->o->timeout_ms;
	struct trace_query q;
	int left;

	if (!run->o->trace || run->o->quiet || run->seq != 0 ||
	    run->codes[i] == 0 || run->codes[i] >= ISOCK_EXIT_SIGNAL ||
	    *run->po->stop != 0 || a == NULL || t->type != SOCK_STREAM ||
	    t->protocol != 0 || !run_shows(run, &run->results[i]))
		return;
	if (a->addr.ss.ss_family != AF_INET && a->addr.ss.ss_family != AF_INET6)
		return;
	/* --wait is a ceiling over the traces too. */
	if (run->o->wait && run->o->wait_ms > 0) {
		struct timespec end = clock_add_ms(run->start, run->o->wait_ms);

		left = clock_ms_until(&end);
		if (left < run->o->timeout_ms)
			deadline_ms = left;
	}
	if (deadline_ms <= 0)
		return;
	q = (struct trace_query){ .dst = (const struct sockaddr *)&a->addr.ss,
	    .dstlen = a->addr.len, .deadline_ms = deadline_ms,
	    .nft = true, .stop = run->po->stop };
	w->traced = true;
	w->tq = q;
	w->tq_wait = true;
	if (i < run->next_trace)
		run->next_trace = i;
	run->nbusy++;
}

/*
 * Whether a trace may take its descriptors now: TRACE_FDS and
 * TRACE_FDS_SPARE free under the limit.  When not, and nothing else of the
 * caller's would free some, `*cause` says why it cannot be made.
 */
static bool
trace_room(const struct run *run, char **cause)
{
	struct fd_fact fd;

	if (!fdfacts_read(&fd) || fd.open < 0 ||
	    fd.limit >= (unsigned long)fd.open + TRACE_FDS + TRACE_FDS_SPARE)
		return true;
	/* Nothing of the run's would free some: no trace, no diagnosis,
	   no attempt in flight (every outcome taken). */
	if (run->ntrace == 0 && run->ndiag == 0 &&
	    run->nmeasured >= run->o->targets.n)
		*cause = text_printf("not enough descriptors to trace: %ld of "
		    "the %lu allowed (ulimit -n) are open, and a trace needs "
		    "%d more", fd.open, fd.limit, TRACE_FDS + TRACE_FDS_SPARE);
	return false;
}

/*
 * Begin the traces waiting their turn, in input order, while fewer than
 * TRACE_AT_ONCE are under way and the descriptors allow; a run that has
 * ended (a halt: the reader has gone, --any decided) makes none.
 */
static void
trace_turns(struct run *run)
{
	size_t n = run->o->targets.n;
	struct work *w;

	for (; run->next_trace < n && run->ntrace < TRACE_AT_ONCE;
	    run->next_trace++) {
		w = &run->work[run->next_trace];
		if (!w->tq_wait)
			continue;
		if (!run->halt && !run->out_gone && *run->po->stop == 0 &&
		    !trace_room(run, &w->tcause) && w->tcause == NULL)
			return;		/* its turn comes when some are free */
		w->tq_wait = false;
		if (run->halt || run->out_gone || *run->po->stop != 0 ||
		    w->tcause != NULL ||
		    (w->tr = malloc(sizeof(*w->tr))) == NULL) {
			w->traced = w->tcause != NULL;
			work_ended(w);
			continue;
		}
		w->tj = trace_start(&w->tq, w->tr, &w->tcause, trace_done, w);
		if (w->tj == NULL) {
			free(w->tr);
			w->tr = NULL;
			work_ended(w);
			continue;
		}
		run->ntrace++;
	}
}

/* Tell target `i`'s trace, if it has one, and forget it. */
static void
trace_tell(struct run *run, size_t i)
{
	struct work *w = &run->work[i];

	if (!w->traced)
		return;
	trace_report(w->tr, w->tcause, run->o->targets.v[i].host,
	    run->o->json, run->ro.out, stderr);
	free(w->tcause);
	free(w->tr);
	w->tcause = NULL;
	w->tr = NULL;
	w->traced = false;
}

/* Whether the result `r` is shown: --open, --failed. */
static bool
run_shows(const struct run *run, const struct result *r)
{
	switch (run->o->only) {
	case CLI_ONLY_OPEN:
		return result_connected(r) != NULL;
	case CLI_ONLY_FAILED:
		return result_connected(r) == NULL;
	default:
		return true;
	}
}

/* What the summary shows: --count leaves the connected out. */
static unsigned
run_summary_show(const struct run *run)
{
	unsigned show = SUMMARY_FAILED;

	if (run->o->count == 0)
		show |= SUMMARY_CONNECTED;
	if (run->o->only == CLI_ONLY_OPEN)
		show &= ~SUMMARY_FAILED;
	else if (run->o->only == CLI_ONLY_FAILED)
		show &= ~SUMMARY_CONNECTED;
	return show;
}

/* Print every result that is ready and whose turn has come. */
static void
flush_ready(struct run *run)
{
	size_t n = run->o->targets.n;

	/* On a terminal a result replaces the progress line of --wait. */
	if (run->o->wait && !run->o->quiet && run->next < n &&
	    run->ready[run->next] && run_tty(STDERR_FILENO))
		report_progress_clear(stderr);
	/* The status line gives way to a result (the groups' lines of a
	   compact run come at the end, after it is erased). */
	if (run->shown && !run->compact && run->next < n &&
	    run->ready[run->next]) {
		report_progress_clear(stderr);
		run->shown = false;
	}
	while (run->next < n && run->ready[run->next]) {
		size_t i = run->next++;
		const struct target *t = &run->o->targets.v[i];
		bool show = run_shows(run, &run->results[i]);

		if (show && !run->compact)
			report_result(t, &run->results[i], run->facts[i],
			    run->seq, &run->ro);
		else if (show && (result_connected(&run->results[i]) != NULL ?
		    run->lines_out : run->lines_err))
			summary_line(t, &run->results[i], &run->ro);
		trace_tell(run, i);
		/* Each result whole, in order across stdout and stderr; a
		   reader that has gone ends the run (a write error, 10). */
		if (fflush(stdout) != 0 || ferror(stdout))
			run->halt = true;
		fflush(stderr);
		if (run->stats != NULL)
			result_stats_add(&run->stats[i], &run->results[i]);
		report_tally_add(run->ro.tally, &run->results[i]);
		/* --count: the failures (not a signal's). */
		if (run->sum != NULL && (run->compact || (run->codes[i] != 0 &&
		    run->codes[i] < ISOCK_EXIT_SIGNAL)))
			(void)summary_add(run->sum, i, t, &run->results[i],
			    &run->facts[i]);
		result_free(&run->results[i]);
		free(run->facts[i]);
		run->facts[i] = NULL;
	}
}

/*
 * isatty(fd), asked once a run for stdout and stderr (a success's system
 * calls are counted: issue 19).
 */
static bool
run_tty(int fd)
{
	static signed char tty[3] = { -1, -1, -1 };

	if (fd < 0 || fd > 2)
		return isatty(fd) != 0;
	if (tty[fd] < 0)
		tty[fd] = (signed char)(isatty(fd) != 0);
	return tty[fd] != 0;
}

/*
 * Target `i` is ready: its result final and its facts read.  It is
 * printed in its turn: now, or (`now` false: from a loop callback) by
 * run_busy, between the loop's waits.
 */
static void
target_final(struct run *run, size_t i, bool now)
{
	run->ready[i] = true;
	run->ro.stopped = *run->po->stop != 0;
	run->ndone++;
	run->done_by[run->codes[i] >= 0 && run->codes[i] <= ISOCK_EXIT_MAX ?
	    run->codes[i] : ISOCK_EXIT_MAX + 1]++;
	/* --any under --wait: one success decides the run. */
	if (run->o->any && run->o->wait &&
	    result_run_status(&run->codes[i], 1, 0, &run->policy) == 0)
		run->halt = true;
	if (now)
		flush_ready(run);
	else
		run->flush_due = true;
}

/* probe's callback: target `i` has its result. */
static void
on_done(void *arg, size_t i)
{
	struct run *run = arg;
	struct work *w = &run->work[i];

	run->results[i].when = clock_wall();	/* measured, then reported */
	run->nmeasured++;
	/* Its facts and its trace, side by side (run_busy begins them in
	   their turn); ready when all ended. */
	diagnose_target(run, i);
	trace_target(run, i);
	if (work_idle(w))
		target_final(run, i, true);
}

/*
 * probe's busy: between the loop's waits, the diagnoses and traces whose
 * turn has come begin, and the targets made ready by a callback are
 * printed (the signals let in, as for a result told).  With `end` (a
 * signal, or the run cannot go on), all that is under way ends with what
 * it has and what waits its turn is not begun; once the run is decided
 * (a halt) the traces end, while the diagnoses and route look-ups, within
 * their budget, still give their facts and the exit status its class.
 * Whether some work remains.
 */
static bool
run_busy(void *arg, bool end)
{
	struct run *run = arg;
	bool decided = run->halt || run->out_gone;
	size_t i;

	for (i = 0; (end || decided) && run->nbusy > 0 &&
	    i < run->o->targets.n; i++) {
		struct work *w = &run->work[i];

		if (w->tj != NULL)
			trace_stop(w->tj);
		if (w->tq_wait) {
			w->tq_wait = false;
			w->traced = false;
			work_ended(w);
		}
		if (!end)
			continue;
		if (w->dq_wait) {
			w->dq_wait = false;
			free(w->lf);
			w->lf = NULL;
			work_ended(w);
		}
		if (w->diag != NULL)
			diag_stop(w->diag);
		if (w->rt != NULL) {
			rtget_cancel(w->rt);
			w->rt = NULL;
			run->nrt--;
			work_ended(w);
		}
	}
	if (!end) {
		diag_turns(run);
		trace_turns(run);
	}
	if (run->flush_due) {
		run->flush_due = false;
		if (!run->po->quiet_end)
			loop_signals_let(loop_current());
		flush_ready(run);
	}
	return run->nbusy > 0;
}

/* probe's tick: the status line, once the run has lasted a second. */
static void
on_tick(void *arg)
{
	struct run *run = arg;
	struct timespec now = clock_now();
	double ms = clock_ms_between(&run->start, &now);

	if (ms < 1000.0)
		return;
	summary_progress(stderr, run->ndone, run->o->targets.n, run->done_by,
	    ms);
	run->shown = true;
}

/*
 * --wait's callback after a try that did not end the wait: on a terminal,
 * the progress line; on a log, one line when the target's outcome changes
 * class (its first failure included), never one a try.
 */
static void
on_retry(void *arg, size_t i, unsigned tries)
{
	struct run *run = arg;
	struct timespec now;
	int class;

	if (run->o->quiet)
		return;
	now = clock_now();
	if (!run_tty(STDERR_FILENO)) {
		class = result_exit_status(&run->results[i]);
		if (run->wait_class[i] == class + 1)
			return;
		run->wait_class[i] = class + 1;
		report_waiting(&run->o->targets.v[i], &run->results[i],
		    &run->ro);
		fflush(stderr);
		return;
	}
	summary_waiting(stderr, &run->o->targets.v[i], &run->results[i],
	    clock_ms_between(&run->start, &now), run->o->wait_ms, tries);
}

/* How far an interrupted run got: targets finished, or probes of --count. */
static size_t
interrupted_done(const struct run *run, size_t n)
{
	size_t i, done = 0;

	for (i = 0; i < n; i++)
		if (run->stats != NULL)
			done += run->stats[i].sent;
		else if (run->codes[i] < ISOCK_EXIT_SIGNAL)
			done++;
	return done;
}

/*
 * Whether the outcomes written on `fd` are coloured: --color always or
 * never, else on a terminal only, and not when NO_COLOR is set (and not
 * empty) or TERM is dumb.  JSON never is.
 */
static bool
color_on(const struct options *o, int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (o->json || o->quiet || o->color == CLI_COLOR_NEVER)
		return false;
	if (o->color == CLI_COLOR_ALWAYS)
		return true;
	return run_tty(fd) && (nc == NULL || nc[0] == '\0') &&
	    (term == NULL || strcmp(term, "dumb") != 0);
}

/* The run of the targets of `o` with the probe options `po`. */
static int
run_loop(const struct options *o, struct probe_opts *po)
{
	size_t n = o->targets.n, i;
	struct timespec start = clock_now(), end;
	struct run run;
	FILE *stamped_out = NULL, *stamped_err = NULL;
	int status = 0, sig = 0;

	memset(&run, 0, sizeof(run));
	run.o = o;
	run.policy = (struct result_policy){ .any = o->any,
	    .invert = o->invert, .codes = o->codes };
	run.start = start;
	run.po = po;
	/* -- COMMAND: standard output is the command's; the report, JSON
	   too, goes to standard error (as wait-for-it's and wait4x's). */
	run.ro = (struct report_opts){ .out = o->command != NULL ? stderr :
	    stdout, .err = stderr,
	    .quiet = o->quiet, .json = o->json, .invert = o->invert,
	    .timeout_ms = o->timeout_ms,
	    .color_out = color_on(o, o->command != NULL ? STDERR_FILENO :
	    STDOUT_FILENO),
	    .color_err = color_on(o, STDERR_FILENO),
	    .show_local = o->has_source || o->source_port != 0 ||
	    o->verbose > 0 };
	/* --count's summary counts targets by their statistics' status. */
	if (o->count == 0)
		run.ro.tally = &run.tally;
	/* --invert's words: "still accepting" (JSON's outcomes are each
	   result's own). */
	run.tally.invert = o->invert && !o->json;
	/* -D: text lines start with their time (JSON has its own). */
	if (o->timestamps && !o->json && !o->quiet &&
	    ((stamped_out = stamp_open(run.ro.out)) == NULL ||
	    (stamped_err = stamp_open(stderr)) == NULL)) {
		fprintf(stderr, "isock-connect: out of memory for -D\n");
		status = ISOCK_EXIT_RESOURCES;
		goto out;
	}
	if (stamped_err != NULL) {
		run.ro.out = stamped_out;
		run.ro.err = stamped_err;
	}
	run.results = calloc(n, sizeof(*run.results));
	run.facts = calloc(n, sizeof(*run.facts));
	run.codes = calloc(n, sizeof(*run.codes));
	run.ready = calloc(n, sizeof(*run.ready));
	run.work = calloc(n, sizeof(*run.work));
	if (o->wait)
		run.wait_class = calloc(n, sizeof(*run.wait_class));
	if (o->count > 0)
		run.stats = calloc(n, sizeof(*run.stats));
	/* Several targets in text: the groups, after a line each on a
	   stream that is not a terminal (a log); -v keeps the full report
	   of each; --count says its failures once. */
	run.compact = n > 1 && !o->json && !o->quiet && o->verbose == 0 &&
	    !o->trace && o->count == 0;
	run.lines_out = run.compact && !run_tty(STDOUT_FILENO);
	run.lines_err = run.compact && !run_tty(STDERR_FILENO);
	if (run.compact || (o->count > 0 && !o->json && !o->quiet)) {
		run.sum = summary_new(o->invert);
		run.ro.said = &run.said;
		if (run.sum == NULL)
			run.compact = false;
	}
	if (n > 1)	/* an errno's meaning once */
		run.ro.seen = calloc(REPORT_SEEN_MAX, 1);
	if (run.results == NULL || run.facts == NULL || run.codes == NULL ||
	    run.ready == NULL || run.work == NULL ||
	    (o->count > 0 && run.stats == NULL) ||
	    (o->wait && run.wait_class == NULL)) {
		fprintf(stderr, "isock-connect: out of memory for %zu targets\n",
		    n);
		status = ISOCK_EXIT_RESOURCES;
		goto out;
	}
	po->epoch = start;	/* -v counts from the start of the run */
	po->done = on_done;
	po->done_arg = &run;
	po->busy = run_busy;
	po->busy_arg = &run;
	po->holding = run_holding;
	for (i = 0; i < n; i++) {
		run.work[i].run = &run;
		run.work[i].i = i;
	}
	po->retry = on_retry;
	po->retry_arg = &run;
	po->halt = &run.halt;
	/* A run that writes to stdout ends once its reader has gone, even
	   while it waits (a write error, 10); -q writes nothing there. */
	if (!o->quiet || o->json)
		po->out_gone = &run.out_gone;
	/* A run of several targets that lasts: a status line on a terminal
	   (--wait has its own; -v's steps and --count's probes scroll). */
	if (n > 1 && !o->quiet && o->verbose == 0 && !o->wait &&
	    o->count == 0 && run_tty(STDERR_FILENO)) {
		po->tick = on_tick;
		po->tick_arg = &run;
		po->tick_ms = 200;
	}
	if (o->wait) {
		probe_run(o->targets.v, n, po, run.results);
		if (!o->quiet && run_tty(STDERR_FILENO))
			report_progress_clear(stderr);
	} else if (o->count > 0) {
		for (run.seq = 1; run.seq <= o->count; run.seq++) {
			memset(run.ready, 0, n * sizeof(*run.ready));
			run.next = 0;
			probe_run(o->targets.v, n, po, run.results);
			if (*po->stop != 0 || run.halt || run.out_gone ||
			    run.seq == o->count ||
			    !probe_sleep(po, o->interval_ms))
				break;
		}
		for (i = 0; i < n; i++) {
			report_stats(&o->targets.v[i], &run.stats[i], &run.ro);
			run.codes[i] = result_stats_status(&run.stats[i]);
		}
		if (run.sum != NULL)
			summary_print(run.sum, run_summary_show(&run), &run.ro);
	} else
		probe_run(o->targets.v, n, po, run.results);
	if (run.shown)
		report_progress_clear(stderr);
	sig = *po->stop;
	status = result_run_status(run.codes, n, sig, &run.policy);
	end = clock_now();
	if (run.compact)
		summary_print(run.sum, run_summary_show(&run), &run.ro);
	if (n > 1 || o->json)
		report_summary(run.codes, n, status, sig,
		    clock_ms_between(&start, &end), &run.ro);
	if (sig != 0)
		report_interrupted(sig, clock_ms_between(&start, &end),
		    interrupted_done(&run, n), o->endless ?
		    interrupted_done(&run, n) : o->count > 0 ? n * o->count : n,
		    o->count > 0, &run.ro);
	/* Seen while the run waited, before any write failed (main says a
	   failed write). */
	if (run.out_gone && fflush(stdout) == 0 && !ferror(stdout)) {
		fprintf(stderr, "isock-connect: write error on standard "
		    "output: %s\n", strerror(EPIPE));
		if (status == 0)
			status = ISOCK_EXIT_OTHER;
	}
out:
	if (run.results != NULL)
		for (i = 0; i < n; i++)
			result_free(&run.results[i]);
	if (run.facts != NULL)
		for (i = 0; i < n; i++)
			free(run.facts[i]);
	for (i = 0; run.work != NULL && i < n; i++) {
		free(run.work[i].tr);
		free(run.work[i].tcause);
	}
	free(run.results);
	free(run.facts);
	free(run.codes);
	free(run.ready);
	free(run.work);
	free(run.wait_class);
	free(run.stats);
	free(run.ro.seen);
	summary_free(run.sum);
	if (stamped_out != NULL)
		fclose(stamped_out);
	if (stamped_err != NULL)
		fclose(stamped_err);
	return status;
}

int
run_targets(const struct options *o, volatile sig_atomic_t *stop)
{
	struct probe_opts po;

	memset(&po, 0, sizeof(po));
	po.timeout_ms = o->timeout_ms;
	po.parallel = o->parallel;
	po.source = o->has_source ? &o->source : NULL;
	po.source_len = o->has_source ? o->source_len : 0;
	po.source_port = o->source_port;
	po.broadcast = o->broadcast;
	po.probe = o->probe;
	po.stop = stop;
	po.wait = o->wait;
	po.wait_ms = o->wait_ms;
	po.invert = o->invert;
	po.ready = &o->ready;
	/* -q writes nothing; main exits after the run (no -- COMMAND, no
	   rounds of --count); diagnose_target waits for no connection; a
	   connection is a success (not under --invert). */
	po.quiet_end = o->quiet && !o->json && o->command == NULL &&
	    o->count == 0 && !o->invert;
	/* -i with --wait: the longest pause between tries. */
	if (o->wait && o->interval_given)
		po.retry_cap_ms = o->interval_ms > 0 ? o->interval_ms : 1;
	if (o->verbose > 0 && !o->quiet) {
		po.trace = report_trace;
		po.trace_arg = stderr;
	}
	return run_loop(o, &po);
}
