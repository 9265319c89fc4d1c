/* SPDX-License-Identifier: ISC */
/*
 * report.h: turning results into text for people or JSON Lines for machines.
 *
 * Everything that came from outside (host names, paths, facts that hold
 * them) is escaped before it is printed: with \xHH in text, and by the JSON
 * writer's rules in JSON.  In text, successes go to `out` and failures to
 * `err`; JSON goes to `out` only.  Quiet prints no text; JSON it leaves on.
 */
#ifndef ISOCK_REPORT_H
#define ISOCK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diagnose.h"
#include "explain.h"
#include "ready_text.h"
#include "result.h"
#include "target.h"

/*
 * 2: every object has "time"; outcome words and summary keys without
 * spaces ("timed_out"); a probe's reply is "reply"; elapsed_ms is the
 * connect's (null without one); local_address and local_port; statistics
 * with host, port and downtime.
 */
#define REPORT_SCHEMA "isock-connect/2"

/* The outcomes of a run's results, by their words, for its summary. */
#define REPORT_TALLY_MAX 24
struct report_tally {
	const char *word[REPORT_TALLY_MAX];	/* report_outcome_word()'s */
	int code[REPORT_TALLY_MAX];		/* its exit status, the order */
	unsigned long n[REPORT_TALLY_MAX];
	size_t len;
	bool invert;	/* --invert in text: a check that failed after its
			   connect is counted "still accepting" (set before
			   the first report_tally_add(); not with JSON,
			   whose outcomes are its results' words) */
};

struct report_opts {
	FILE *out;		/* successes, JSON, summaries */
	FILE *err;		/* failures and traces */
	bool quiet;
	bool json;
	bool invert;		/* --invert: not accepting is the success */
	bool stopped;		/* a signal ended the run: --wait did not
				   give up */
	bool color_out;		/* outcome words on `out` in colour */
	bool color_err;		/* and on `err` */
	long timeout_ms;	/* the deadline asked for, to name it */
	/*
	 * With several targets: REPORT_SEEN_MAX flags, one per errno, so the
	 * errno's general meaning is printed once, under its first failure
	 * (and its general Check too where the facts decide neither); NULL
	 * prints them under every failure.
	 */
	unsigned char *seen;
	struct report_said *said;	/* facts said, or NULL: say all */
	struct report_tally *tally;	/* the results' outcomes for the
					   summary, or NULL: count `codes` */
	bool show_local;	/* the local address in the success line */
};

#define REPORT_SEEN_MAX 512

/*
 * The fact lines a run has printed, so that a summary says each once: a
 * fact already said is left out (at most REPORT_SAID_MAX are kept).
 */
#define REPORT_SAID_MAX 32
struct report_said {
	char lines[REPORT_SAID_MAX][DIAG_LINE_MAX];
	size_t n;
};

/*
 * The outcome of one target: a headline, each address tried, the facts
 * found (`facts` may be NULL), the meaning and what to check.  `seq` is the
 * probe number with --count (0 otherwise).  The exit status shown is
 * result_exit_status(r); a result with no attempt is never a success.
 */
void report_result(const struct target *t, const struct result *r,
    const struct diag_facts *facts, unsigned long seq,
    const struct report_opts *o);

/*
 * "127.0.0.1 port 80", "localhost (::1) port 80", "/run/x.sock": where `r`
 * connected or failed, escaped (the address when one address was tried or
 * one connected).
 */
void report_place(char *buf, size_t size, const struct target *t,
    const struct result *r);

/*
 * What failed, as the headline of a failure says it after its place:
 * "connection refused (ECONNREFUSED, errno 111)".
 */
void report_failure_what(char *buf, size_t size, const struct result *r,
    const struct report_opts *o);

/*
 * The lines under the headline of a failure, on `err`: each address
 * tried, the facts found (`facts` may be NULL; those said before under
 * `o->said` are left out), the meaning and what to check.
 */
void report_failure_detail(const struct target *t, const struct result *r,
    const struct diag_facts *facts, const struct report_opts *o);

/*
 * The word of an outcome ("connected", "refused", "timed out", ...) on
 * `f` (`out` or `err`), coloured by its exit status `code` when that
 * stream's colour is on: green for 0,
 * yellow for a time-out, red for the other failures.
 */
void report_word(FILE *f, const char *word, int code,
    const struct report_opts *o);

/*
 * The word of the outcome of `r` (exit status `code`): "connected",
 * "reply" (a datagram answered), "no answer", "refused", "timed out",
 * "interrupted", "not tried", ..., "still accepting" for
 * ISOCK_EXIT_ACCEPTING (JSON writes '_' for the spaces).
 */
const char *report_outcome_word(const struct result *r, int code);

/*
 * Count the outcome of `r` in `tally` (NULL: nothing), of its exit status
 * under --invert when tally->invert.
 */
void report_tally_add(struct report_tally *tally, const struct result *r);

/*
 * The closing summary of a run of several targets, or of any JSON run:
 * counts per outcome (o->tally's words, or the classes of `codes`), the
 * exit status, and whether a signal ended it.
 */
void report_summary(const int *codes, size_t n, int exit_code, int signal,
    double ms, const struct report_opts *o);

/*
 * The last line of a run that signal `signal` ended, in text on `err`: that
 * it was interrupted, after how long, and how far it got (`done` of `total`
 * targets, or probes with `probes`).  JSON says it in the summary instead.
 */
void report_interrupted(int signal, double ms, size_t done, size_t total,
    bool probes, const struct report_opts *o);

/* The statistics of --count for one target. */
void report_stats(const struct target *t, const struct result_stats *s,
    const struct report_opts *o);

/* --explain: every text of one entry, offline. */
void report_explain(const struct explain_entry *e, FILE *f);

/*
 * --list-errors: one line per entry: name, number, exit status, summary;
 * then the causes of the TLS and HTTP checks, "-" for the number.
 */
void report_list_errors(FILE *f);

/* --explain of a cause of the TLS and HTTP checks ("TLS_CERT_EXPIRED"). */
void report_explain_ready(const struct ready_text_entry *e, FILE *f);

/* A probe trace callback: "* [   0.123 ms] line" on the FILE * `arg`. */
void report_trace(void *arg, double ms, const char *line);

/*
 * --wait on a log: one line on `err` for the try that just failed (with
 * invert: connected) and a wait that goes on: its cause, the time waited
 * and the tries.  Text only.
 */
void report_waiting(const struct target *t, const struct result *r,
    const struct report_opts *o);

/*
 * Erase the status line on the terminal `tty` (summary_progress,
 * summary_waiting) so that what follows starts a clean line.
 */
void report_progress_clear(FILE *tty);

#endif /* ISOCK_REPORT_H */
