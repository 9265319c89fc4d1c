/*
 * main.c: isock-connect: parse, run, diagnose, report, exit.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "diagnose.h"
#include "exitcode.h"
#include "explain.h"
#include "probe.h"
#include "report.h"
#include "text.h"

/* The part of the deadline kept for the diagnosis: a tenth, 250 ms at most. */
#define DIAG_RESERVE_MS(t) ((t) / 10 < 250 ? (t) / 10 : 250)

static volatile sig_atomic_t stop_signal;

/* What the run knows while results arrive, to print them in input order. */
struct run {
	const struct options *o;
	const struct probe_opts *po;
	struct report_opts ro;
	struct probe_result *results;
	struct diag_facts **facts;	/* per target, NULL: none */
	int *codes;			/* exit status per target */
	bool *ready;
	size_t next;			/* the next to print */
	unsigned long seq;		/* --count probe number, or 0 */
	struct probe_stats *stats;	/* --count */
	struct timespec start;		/* when the run began */
};

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT, SIGTERM and SIGHUP end the run cleanly; no call is restarted. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout is reported as a write error, not a silent death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Standard descriptors the caller left closed are opened on /dev/null, read
 * only: otherwise the first socket would take descriptor 1 or 2 and the
 * report would be sent to a peer.  Writes there fail, so a closed stdout is
 * still a write error.  Returns false when /dev/null cannot be opened.
 */
static bool
hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) != fd)
			return false;
	return true;
}

/* Flush stdout; a write error turns any status into a failure. */
static int
close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "isock-connect: write error on standard output: "
		    "%s\n", strerror(errno));
		return status == 0 ? ISOCK_EXIT_OTHER : status;
	}
	return status;
}

/* The facts of a failed attempt and the exit status they give. */
static void
diagnose_target(struct run *run, size_t i)
{
	const struct options *o = run->o;
	const struct target *t = &o->targets.v[i];
	struct probe_result *r = &run->results[i];
	const struct probe_attempt *a;
	struct diag_query q;
	struct diag_facts *f;
	struct timespec t0, t1;
	int nf;

	run->codes[i] = probe_exit_code(r);
	/* A name's diagnosis asks the name servers: not for each --count
	   probe, whose facts are not printed. */
	if (run->codes[i] == 0 || r->signal != 0 ||
	    (r->nattempts == 0 && (r->eai == 0 || o->quiet || run->seq > 0)))
		return;
	a = r->nattempts > 0 ? &r->attempts[r->nattempts - 1] : NULL;
	/* Quiet runs look only where the facts change the exit status. */
	if (o->quiet && (a == NULL || a->error != EINVAL))
		return;
	f = malloc(sizeof(*f));
	if (f == NULL)
		return;
	memset(&q, 0, sizeof(q));
	q.budget_ms = o->timeout_ms - (long)r->ms;
	if (a == NULL) {	/* the name did not resolve */
		q.target = t;
		q.eai = r->eai;
		(void)diagnose_run(&q, f);
		run->facts[i] = f;
		return;
	}
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
	t0 = clock_now();
	nf = diagnose_run(&q, f);
	t1 = clock_now();
	if (run->po->trace != NULL) {
		char line[96];

		snprintf(line, sizeof(line), "diagnosis: %d fact%s in %.3f ms",
		    nf, nf == 1 ? "" : "s", clock_ms_between(&t0, &t1));
		run->po->trace(run->po->trace_arg, r->ms +
		    clock_ms_between(&t0, &t1), line);
	}
	run->codes[i] = diagnose_exit_class(f, a->error);
	run->facts[i] = f;
}

/* Print every result that is ready and whose turn has come. */
static void
flush_ready(struct run *run)
{
	size_t n = run->o->targets.n;

	while (run->next < n && run->ready[run->next]) {
		size_t i = run->next++;

		report_result(&run->o->targets.v[i], &run->results[i],
		    run->facts[i], run->codes[i], run->seq, &run->ro);
		if (run->stats != NULL)
			probe_stats_add(&run->stats[i], &run->results[i]);
		probe_result_free(&run->results[i]);
		free(run->facts[i]);
		run->facts[i] = NULL;
	}
}

/* probe's callback: target `i` has its result. */
static void
on_done(void *arg, size_t i)
{
	struct run *run = arg;

	diagnose_target(run, i);
	run->ready[i] = true;
	flush_ready(run);
}

/* --wait's callback: the progress line, on a terminal only. */
static void
on_round(void *arg, unsigned rounds, const struct probe_result *r, size_t n)
{
	struct run *run = arg;
	const struct explain_entry *e;
	const struct probe_attempt *a;
	struct timespec now;
	size_t i;

	if (run->o->quiet || !isatty(STDERR_FILENO))
		return;
	now = clock_now();
	for (i = 0; i < n; i++) {
		if (probe_connected(&r[i]) != NULL || r[i].nattempts == 0)
			continue;
		a = &r[i].attempts[r[i].nattempts - 1];
		e = explain_lookup_errno(a->error);
		report_progress(stderr, clock_ms_between(&run->start, &now),
		    rounds,
		    e != NULL ? e->name : "?", false);
		return;
	}
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

static int
run_targets(const struct options *o, struct probe_opts *po)
{
	size_t n = o->targets.n, i;
	struct timespec start = clock_now(), end;
	struct run run;
	int status = 0, sig = 0;
	bool one_ok = false;

	memset(&run, 0, sizeof(run));
	run.o = o;
	run.start = start;
	run.po = po;
	run.ro = (struct report_opts){ .out = stdout, .err = stderr,
	    .quiet = o->quiet, .json = o->json, .timeout_ms = o->timeout_ms };
	run.results = calloc(n, sizeof(*run.results));
	run.facts = calloc(n, sizeof(*run.facts));
	run.codes = calloc(n, sizeof(*run.codes));
	run.ready = calloc(n, sizeof(*run.ready));
	if (o->count > 0)
		run.stats = calloc(n, sizeof(*run.stats));
	if (n > 1)
		run.ro.seen = calloc(REPORT_SEEN_MAX, 1);
	if (run.results == NULL || run.facts == NULL || run.codes == NULL ||
	    run.ready == NULL || (o->count > 0 && run.stats == NULL)) {
		fprintf(stderr, "isock-connect: out of memory for %zu targets\n",
		    n);
		status = ISOCK_EXIT_RESOURCES;
		goto out;
	}
	po->done = on_done;
	po->done_arg = &run;
	if (o->wait_ms > 0) {
		po->done = NULL;
		probe_until(o->targets.v, n, po, o->wait_ms, run.results,
		    on_round, &run);
		if (!o->quiet && isatty(STDERR_FILENO))
			report_progress(stderr, 0, 0, "", true);
		for (i = 0; i < n; i++)
			on_done(&run, i);
	} else if (o->count > 0) {
		for (run.seq = 1; run.seq <= o->count; run.seq++) {
			memset(run.ready, 0, n * sizeof(*run.ready));
			run.next = 0;
			probe_run(o->targets.v, n, po, run.results);
			if (stop_signal != 0 || run.seq == o->count ||
			    !probe_sleep(po, o->interval_ms))
				break;
		}
		for (i = 0; i < n; i++) {
			report_stats(&o->targets.v[i], &run.stats[i], &run.ro);
			run.codes[i] = run.stats[i].connected == run.stats[i].sent ?
			    0 : run.stats[i].last_failure;
		}
	} else
		probe_run(o->targets.v, n, po, run.results);
	sig = stop_signal;
	status = 0;
	for (i = 0; i < n; i++)
		if (run.codes[i] == 0)
			one_ok = true;
		else if (status == 0)
			status = run.codes[i];
	if (o->any && one_ok)
		status = 0;
	if (sig != 0)
		status = ISOCK_EXIT_SIGNAL + sig;
	end = clock_now();
	if (n > 1 || o->json)
		report_summary(run.codes, n, status, sig,
		    clock_ms_between(&start, &end), &run.ro);
	if (sig != 0)
		report_interrupted(sig, clock_ms_between(&start, &end),
		    interrupted_done(&run, n), o->count > 0 ? n * o->count : n,
		    o->count > 0, &run.ro);
out:
	if (run.results != NULL)
		for (i = 0; i < n; i++)
			probe_result_free(&run.results[i]);
	if (run.facts != NULL)
		for (i = 0; i < n; i++)
			free(run.facts[i]);
	free(run.results);
	free(run.facts);
	free(run.codes);
	free(run.ready);
	free(run.stats);
	free(run.ro.seen);
	return status;
}

int
main(int argc, char **argv)
{
	const struct explain_entry *e;
	struct options o;
	struct probe_opts po;
	char *cause = NULL;
	int status;

	if (!hold_std_fds())
		return ISOCK_EXIT_RESOURCES;
	install_signals();
	if ((status = cli_parse(argc, argv, &stop_signal, &o, &cause)) < 0) {
		status = cli_fail(status, cause, stop_signal, o.quiet, stderr);
		free(cause);
		cli_free(&o);
		return status;
	}
	switch (o.action) {
	case CLI_HELP:
		cli_help(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_VERSION:
		cli_version(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_LIST_ERRORS:
		report_list_errors(stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_EXPLAIN:
		e = explain_lookup(o.explain);
		if (e == NULL) {
			char *q = text_escape_dup(o.explain);

			fprintf(stderr, "isock-connect: unknown error '%s': "
			    "expected a name such as ECONNREFUSED or "
			    "EAI_NONAME, or an errno number (see "
			    "--list-errors)\nTry 'isock-connect --help' for "
			    "more information.\n", q != NULL ? q : "?");
			free(q);
			cli_free(&o);
			return ISOCK_EXIT_USAGE;
		}
		report_explain(e, stdout);
		cli_free(&o);
		return close_stdout(0);
	case CLI_RUN:
		break;
	}

	memset(&po, 0, sizeof(po));
	po.timeout_ms = o.timeout_ms - (o.quiet ? 0 :
	    DIAG_RESERVE_MS(o.timeout_ms));
	po.parallel = o.parallel;
	po.source = o.has_source ? &o.source : NULL;
	po.source_len = o.has_source ? o.source_len : 0;
	po.source_port = o.source_port;
	po.broadcast = o.broadcast;
	po.probe = o.probe;
	po.stop = &stop_signal;
	if (o.verbose > 0 && !o.quiet) {
		po.trace = report_trace;
		po.trace_arg = stderr;
	}
	status = run_targets(&o, &po);
	cli_free(&o);
	return close_stdout(status);
}
